// The cell language's interpreter (README: "DDPM notebooks"). Pure: no `vscode`, no Node. A cell runs as
// a generator that yields what it needs from the host (a sampler run, a comparison) and gets the run back;
// the kernel drives it asynchronously (the sampler runs in a worker), tests and "Run Sampler" drive it
// synchronously (runCellSync, interpretInputs).
import { clipped, describe } from '../../describe';
import { errorFirstLine } from '../../errors';
import { FLT_MAX } from '../../float32';
import {
  INPUT_KEYS,
  parseInputsText,
  readInputs,
  type ReadInputsResult,
  type WrittenSchedule
} from '../../sampler/inputs';
import { cosineSchedule, cumprodF32, linearSchedule, linspaceF32 } from '../../sampler/schedules';
import { MAX_SAMPLE_ELEMENTS, MAX_STEPS } from '../../sampler/limits';
import { dtypeFromText, parseTensorText, toFloat32Array } from '../../tensors/parseTensor';
import { formatTensorF32, pythonTuple } from '../../tensors/printTensor';
import {
  DEFAULT_PROFILE,
  MATMUL_PROFILES,
  RNG_PROFILES,
  type MatmulProfile,
  type RecordPolicy,
  type RngProfile,
  type RunResult,
  type SamplerInputs
} from '../../types';
import {
  CellError,
  isStackOverflow,
  parseCell,
  parseExpression,
  TOO_DEEP,
  type Expr,
  type Loc,
  type Statement
} from './ast';
import { indexValue, type IndexArg } from './indexing';
import { binaryOp, intToFloat32, listToTensor, OpError, scalarOf, unaryOp } from './ops';
import { powerOp } from './power';
import { dtypeRefusal, tokenize } from './syntaxErrors';
import {
  exactTensorText,
  NONE,
  pythonTypeName,
  reprValue,
  typeName,
  type RunValue,
  type TensorDtype,
  type TensorValue,
  type Value
} from './values';

/** The functions cells can call (README's "DDPM notebooks" section documents each; the TextMate grammar highlights them). */
export const HELPERS = [
  'linspace',
  'linear_schedule',
  'cosine_schedule',
  'cumprod',
  'sample',
  'compare',
  'pytorch',
  'tensor',
  'array'
] as const;

/** Tolerances for compare(); absent: the comparison picks its rule from the paste (src/core/compare/ruleChoice.ts). */
export interface Tolerances {
  rtol?: number;
  atol?: number;
}

/** Settings a cell runs with (the kernel reads them from ddpmLab.* settings). */
export interface CellDefaults {
  profile: RngProfile;
  /** ddpmLab.matmulProfile (absent: reference) */
  matmul?: MatmulProfile;
  record: RecordPolicy;
  tolerances?: Tolerances;
}

export const DEFAULT_CELL_DEFAULTS: CellDefaults = { profile: DEFAULT_PROFILE, record: { kind: 'all' } };

/** What a cell asks of its host: run the sampler, or compare a run with pasted text. Both answer with a RunResult. */
export type HostRequest =
  | {
      kind: 'sample';
      inputs: SamplerInputs;
      warnings: string[];
      profile: RngProfile;
      matmul?: MatmulProfile;
      record: RecordPolicy;
      /** betas and alpha_bar as the cells wrote them (readInputs), kept with the run for a comparison's diagnosis */
      writtenSchedule?: WrittenSchedule;
      loc: Loc | null;
    }
  /** run the inputs in the user's own PyTorch ("Compare with Local PyTorch"): our run carrying torchCheck */
  | {
      kind: 'pytorch';
      inputs: SamplerInputs;
      warnings: string[];
      profile: RngProfile;
      matmul?: MatmulProfile;
      record: RecordPolicy;
      loc: Loc | null;
    }
  | {
      kind: 'compare';
      inputs: SamplerInputs;
      run: RunResult;
      profile: RngProfile;
      record: RecordPolicy;
      expectedText: string;
      tolerances?: Tolerances;
      /** the compared run's schedule as its cells wrote it (RunValue), for the diagnosis's float64-schedule retry */
      writtenSchedule?: WrittenSchedule;
      loc: Loc | null;
    };

/** One output of a cell: a run (shown by the renderer, with text beside it), plain text, or warnings. */
export type CellOutput =
  { kind: 'run'; run: RunResult; text: string } | { kind: 'text'; text: string } | { kind: 'warning'; text: string };

/** Variables and the last run of one notebook, kept between cells for the life of the notebook session. */
export class CellSession {
  readonly vars = new Map<string, Value>();
  lastRun: RunValue | null = null;
}

type Gen<T> = Generator<HostRequest, T, RunResult>;

/** How much of a value's repr a message shows after "got" (a list of a million numbers is cut). */
const REPR_SHOWN_MAX = 80;

/** A value as a message shows it after "got": its repr, cut after REPR_SHOWN_MAX characters. */
function gotValue(v: Value): string {
  return clipped(reprValue(v), REPR_SHOWN_MAX);
}

const BUILTIN_VALUES: Record<string, Value> = {
  nan: { kind: 'float', value: NaN },
  inf: { kind: 'float', value: Infinity },
  True: { kind: 'bool', value: true },
  False: { kind: 'bool', value: false },
  None: NONE
};

function fail(detail: string, loc: Loc | null): never {
  throw new CellError(detail, loc);
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface Param {
  name: string;
  default?: Value;
}

interface CallArgs {
  get(name: string): Value | undefined;
  loc(name: string): Loc;
}

/** Binds a call's arguments to parameters as Python does; errors name the function and the argument. */
function* bindArgs(
  fn: string,
  call: Extract<Expr, { type: 'call' }>,
  params: Param[],
  ctx: Ctx,
  extraKeywords: string[] = []
): Gen<CallArgs> {
  const values = new Map<string, Value>();
  const locs = new Map<string, Loc>();
  if (call.args.length > params.length)
    fail(
      `${fn}() takes ${params.length} positional argument${params.length === 1 ? '' : 's'} but ${call.args.length} were given`,
      call.args[params.length].loc
    );
  for (let i = 0; i < call.args.length; i++) {
    values.set(params[i].name, yield* evalExpr(call.args[i], ctx));
    locs.set(params[i].name, call.args[i].loc);
  }
  for (const kw of call.kwargs) {
    if (!params.some((p) => p.name === kw.name) && !extraKeywords.includes(kw.name))
      fail(
        kw.name === 'dtype' ? dtypeRefusal(fn) : `${fn}() got an unexpected keyword argument '${clipped(kw.name)}'`,
        kw.loc
      );
    if (values.has(kw.name)) fail(`${fn}() got multiple values for argument '${kw.name}'`, kw.loc);
    values.set(kw.name, yield* evalExpr(kw.value, ctx));
    locs.set(kw.name, kw.value.loc);
  }
  for (const p of params) {
    if (!values.has(p.name) && p.default !== undefined) values.set(p.name, p.default);
  }
  return { get: (name) => values.get(name), loc: (name) => locs.get(name) ?? call.loc };
}

function required(fn: string, args: CallArgs, name: string, call: { loc: Loc }): Value {
  const v = args.get(name);
  if (v === undefined) fail(`${fn}() missing required argument '${name}'`, call.loc);
  return v;
}

function intArg(
  fn: string,
  args: CallArgs,
  name: string,
  call: { loc: Loc },
  /** the largest value taken, and what it is (the cell runs on the kernel's thread: no unbounded allocation) */
  limit?: { max: number; what: string }
): number {
  const v = required(fn, args, name, call);
  if (v.kind !== 'int') fail(`${fn}(): ${name}: expected an integer, got ${typeName(v)}`, args.loc(name));
  if (v.value < 0n || v.value > BigInt(Number.MAX_SAFE_INTEGER))
    fail(`${fn}(): ${name}: expected a non-negative integer, got ${v.value}`, args.loc(name));
  if (limit && v.value > BigInt(limit.max))
    fail(`${fn}(): ${name} = ${v.value} exceeds the limit of ${limit.max} ${limit.what}`, args.loc(name));
  return Number(v.value);
}

/** A schedule's T: at most the sampler's MAX_STEPS. */
const STEPS_LIMIT = { max: MAX_STEPS, what: "steps (the sampler's)" };

function numberArg(fn: string, args: CallArgs, name: string, call: { loc: Loc }): number {
  const v = required(fn, args, name, call);
  // Python's float(int) beyond the doubles is an OverflowError, not inf
  if (v.kind === 'int' && !Number.isFinite(Number(v.value)))
    fail(`${fn}(): ${name}: int too large to convert to float`, args.loc(name));
  const x = v.kind === 'tensor' && v.shape.length === 0 ? v.data[0] : scalarOf(v);
  if (x === null) fail(`${fn}(): ${name}: expected a number, got ${typeName(v)}`, args.loc(name));
  return x;
}

/**
 * torch.linspace's start or end: a Python int is an int64 Scalar, rounded once to float32 (through a double it could
 * round twice), and one beyond int64 is PyTorch's "Overflow when unpacking long"; other numbers as numberArg, and a
 * finite one beyond float32's range is PyTorch's overflow (c10::checked_convert: above FLT_MAX, even one that would
 * round to it; inf and nan pass).
 */
function linspaceEnd(fn: string, args: CallArgs, name: string, call: { loc: Loc }): number {
  const v = required(fn, args, name, call);
  if (v.kind !== 'int') {
    const x = numberArg(fn, args, name, call);
    if (Number.isFinite(x) && Math.abs(x) > FLT_MAX)
      fail(`${fn}(): ${name}: value cannot be converted to type float without overflow`, args.loc(name));
    return x;
  }
  if (v.value !== BigInt.asIntN(64, v.value)) fail(`${fn}(): ${name}: Overflow when unpacking long`, args.loc(name));
  return intToFloat32(v.value);
}

function floatTensor(data: Float32Array): TensorValue {
  return { kind: 'tensor', dtype: 'float32', shape: [data.length], data };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Ctx {
  session: CellSession;
  defaults: CellDefaults;
  /** the variable an expression is being assigned to (names pasted tensors in messages) */
  target: string | null;
}

function* evalExpr(e: Expr, ctx: Ctx): Gen<Value> {
  try {
    switch (e.type) {
      case 'number':
        return numberValue(e.text, e.isInt);
      case 'string':
        return { kind: 'str', value: e.value };
      case 'name': {
        const v = ctx.session.vars.get(e.name) ?? BUILTIN_VALUES[e.name];
        if (v === undefined) fail(`name '${clipped(e.name)}' is not defined`, e.loc);
        return v;
      }
      case 'ellipsis':
        return { kind: 'ellipsis' };
      case 'list': {
        const items: Value[] = [];
        for (const item of e.items) items.push(yield* evalExpr(item, { ...ctx, target: null }));
        return { kind: 'list', items, text: e.text };
      }
      case 'unary': {
        const operand = yield* evalExpr(e.operand, ctx);
        if (isPartial(operand)) fail(PARTIAL, e.loc);
        return unaryOp(e.op, operand);
      }
      case 'binary': {
        const left = yield* evalExpr(e.left, ctx);
        const right = yield* evalExpr(e.right, ctx);
        if (isPartial(left) || isPartial(right)) fail(PARTIAL, e.loc);
        return e.op === '**' ? powerOp(left, right, ctx.defaults.profile) : binaryOp(e.op, left, right);
      }
      case 'index': {
        const target = yield* evalExpr(e.target, { ...ctx, target: null });
        if (target.kind === 'tensor' && target.summarized) fail(PARTIAL, e.loc);
        const args: IndexArg[] = [];
        for (const item of e.items) {
          if (item.kind === 'expr') {
            args.push({ kind: 'value', value: yield* evalExpr(item.expr, { ...ctx, target: null }), loc: item.loc });
          } else {
            const part = function* (x: Expr | null): Gen<Value | null> {
              return x === null ? null : yield* evalExpr(x, { ...ctx, target: null });
            };
            args.push({
              kind: 'slice',
              start: yield* part(item.start),
              stop: yield* part(item.stop),
              step: yield* part(item.step),
              loc: item.loc
            });
          }
        }
        return indexValue(target, args, e.tuple, e.loc);
      }
      case 'print':
        return yield* evalPrint(e, ctx);
      case 'call':
        return yield* evalCall(e, ctx);
    }
  } catch (err) {
    if (err instanceof CellError || (err instanceof Error && err.name === 'AbortError')) throw err;
    // a long chain of operators (1 + 1 + ... parses left-nested) can outrun the evaluation's recursion: Python's
    // compiler refuses it too (RecursionError)
    throw new CellError(isStackOverflow(err) ? TOO_DEEP : errorFirstLine(err), e.loc);
  }
}

function hasEllipsis(v: Value): boolean {
  return v.kind === 'ellipsis' || (v.kind === 'list' && v.items.some(hasEllipsis));
}

const PARTIAL = 'a summarised paste (with ...) lacks values: it can be compared, not computed with';

/** A value with elided elements: a summarised print or a list holding `...`. */
function isPartial(v: Value): boolean {
  return hasEllipsis(v) || (v.kind === 'tensor' && v.summarized === true);
}

/** A Python number literal: ints are exact (bigint), floats are the nearest double (as Python reads them). */
function numberValue(text: string, isInt: boolean): Value {
  const clean = text.replace(/_/g, '');
  if (isInt) return { kind: 'int', value: BigInt(clean) };
  return { kind: 'float', value: Number(clean) };
}

/** A variable of a called name hides the helper, as a Python name does: Python's TypeError, and what to do about it. */
function notShadowed(fn: string, loc: Loc, ctx: Ctx): void {
  const shadow = ctx.session.vars.get(fn);
  if (shadow === undefined) return;
  const helper = (HELPERS as readonly string[]).includes(fn)
    ? ` (${fn} is a variable set in a cell, which hides the helper ${fn}(): give the variable another name, then reopen the notebook to clear it)`
    : '';
  fail(`'${pythonTypeName(shadow)}' object is not callable${helper}`, loc);
}

/** `tensor(...)` / `array(...)`: a pasted print read by the tensor-text parser, else torch.tensor(<expression>). */
function* evalPrint(print: Extract<Expr, { type: 'print' }>, ctx: Ctx): Gen<Value> {
  notShadowed(print.fn, print.loc, ctx);
  // comments in the parentheses (a call over several lines) read as the spaces they stand in for
  const e = { ...print, text: blankComments(print.text), inner: blankComments(print.inner) };
  const field = ctx.target ?? `${e.fn}(...)`;
  checkKeywords(e);
  // a dtype= given (PyTorch prints one for float64; code may give any): float32 or float64, others refused by name;
  // dtype=None is the default, as if none were given
  const kw = dtypeKeyword(e.inner);
  if (kw && !DTYPE_WRITTEN.test(kw.written))
    fail(
      `${field}: dtype=${clipped(kw.written)} is not supported (write dtype=torch.float32 or dtype=torch.float64)`,
      e.loc
    );
  const none = kw?.written === 'None';
  const dtype = kw && !none ? dtypeNamed(kw.written, field, e.loc, ctx, e.fn) : null;
  let parsed: ReturnType<typeof parseTensorText> | undefined;
  let printError: unknown;
  try {
    // (dtype=None read as no dtype: the print's own default, float64 for NumPy's array)
    parsed = parseTensorText(none ? `${e.fn}(${e.inner.slice(0, kw!.index)})` : e.text, field);
  } catch (err) {
    printError = err;
  }
  if (parsed) {
    const d = dtype ?? (parsed.dtype === 'float64' ? 'float64' : 'float32');
    const data = d === 'float64' ? Float64Array.from(parsed.values) : toFloat32Array(parsed);
    const value: TensorValue = { kind: 'tensor', dtype: d, shape: parsed.shape, data, text: e.text };
    if (parsed.summarized) value.summarized = true;
    return value;
  }
  // not a print: maybe code, e.g. tensor(betas), tensor([1 - 0.5, 2]) or tensor(betas, dtype=torch.float64); read
  // inside parentheses, as it stands, so that line breaks and spaces are as anywhere in brackets
  const code = kw ? e.inner.slice(0, kw.index) : e.inner;
  const base: Loc = { ...e.innerLoc, column: e.innerLoc.column - 1, offset: e.innerLoc.offset - 1 }; // the "(" added
  let inner: Expr | null = null;
  try {
    inner = parseExpression(`(${code})`);
  } catch (err) {
    // code that does not parse (`tensor(betas.double())`, `tensor(linspace(0, 1, 5, dtype=...))`): the code's own
    // error, where it stands; numbers only, as a print holds: the print's error (a comma missing, a bracket short)
    if (err instanceof CellError && err.loc && !looksPrinted(code))
      throw new CellError(
        err.detail,
        placeWithin(base, err.loc.line, err.loc.column, base.offset + err.loc.offset),
        err.kind
      );
    inner = null;
  }
  if (!inner) throw locatePrintError(printError, e.loc, field);
  const v = yield* evalExpr(shiftLoc(inner, base), { ...ctx, target: null });
  // torch.tensor(t) copies (with dtype=, converted); a number or a list is read as float32, or as the dtype given
  if (v.kind === 'tensor') {
    const copy: TensorValue = { ...v, text: undefined, strides: undefined };
    return dtype && dtype !== v.dtype ? { ...copy, dtype, data: castData(v.data, dtype) } : copy;
  }
  try {
    return listToTensor(v, ctx.target ?? `${e.fn}()`, dtype ?? undefined, e.fn === 'array' ? 'float64' : 'float32');
  } catch (err) {
    // a print with a comma missing before a negative number reads as code (`[-1.2034 -0.5531]`: a subtraction) whose
    // list is then ragged; when the text is numbers only, as a print is, the print's own error names the place and
    // the number found
    if (printError && err instanceof OpError && err.message.includes('ragged list') && missingComma(inner, `(${code})`))
      throw locatePrintError(printError, e.loc, field);
    throw err;
  }
}

/** Whether the text in tensor(...)'s parentheses holds numbers only, as a print does: no name but nan and inf. */
function looksPrinted(code: string): boolean {
  return !/[A-Za-z_]/.test(code.replace(/\b(?:nan|inf)\b|(?<=[0-9.])[eE][+-]?[0-9]/g, ''));
}

/**
 * Whether `e` (parsed from `text`) is a print with a comma missing before a signed number, read as code: numbers in
 * lists, signed, and at least one `a -b` (a space before the sign, none after it), which Python reads as a subtraction.
 */
function missingComma(e: Expr, text: string): boolean {
  let glued = false;
  const numbersOnly = (x: Expr): boolean => {
    switch (x.type) {
      case 'number':
      case 'ellipsis':
        return true;
      case 'unary':
        return numbersOnly(x.operand);
      case 'binary': {
        if (x.op !== '+' && x.op !== '-') return false;
        const at = x.right.loc.offset;
        glued ||= text[at - 1] === x.op && /\s/.test(text[at - 2] ?? '');
        return numbersOnly(x.left) && numbersOnly(x.right);
      }
      case 'list':
        return x.items.every(numbersOnly);
      default:
        return false;
    }
  };
  return numbersOnly(e) && glued;
}

/** `text` with each comment (`#` to the end of its line, outside strings) replaced by as many spaces: places are kept. */
function blankComments(text: string): string {
  if (!text.includes('#')) return text;
  return tokenize(text, text.length)
    .map((t) => (t.kind === 'comment' ? ' '.repeat(t.text.length) : t.text))
    .join('');
}

/**
 * The keyword arguments in tensor(...)'s / array(...)'s parentheses, as Python reads a call: a keyword given twice
 * is its SyntaxError; and torch.tensor takes a torch.dtype, not a string (`dtype="float64"`, which NumPy's array
 * takes), refused in PyTorch's words. The text between the parentheses is scanned outside brackets and strings.
 */
function checkKeywords(e: Extract<Expr, { type: 'print' }>): void {
  const seen = new Set<string>();
  for (const i of topLevelCommas(e.inner)) {
    const m = /^,\s*([A-Za-z_]\w*)\s*=(?!=)\s*(['"])?/.exec(e.inner.slice(i));
    if (!m) continue;
    if (seen.has(m[1])) fail(`keyword argument repeated: ${m[1]}`, e.loc);
    seen.add(m[1]);
    if (m[1] === 'dtype' && m[2] && e.fn === 'tensor')
      fail("tensor(): argument 'dtype' must be torch.dtype, not str", e.loc);
  }
}

/** The places of the commas in `text` from `from` on that are outside brackets and strings, in order. */
function* topLevelCommas(text: string, from = 0): Generator<number> {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) yield i;
  }
}

/**
 * The `dtype=` keyword among tensor(...)'s own arguments (last, or before others: `requires_grad=True`,
 * `grad_fn=<...>` in a print), not one of a call inside them (`tensor(linspace(0, 1, 5, dtype=...))`): the place of
 * its comma, and the argument as written, to its end (brackets and strings followed); null when there is none.
 */
function dtypeKeyword(inner: string): { index: number; written: string } | null {
  for (const i of topLevelCommas(inner)) {
    const m = /^,\s*dtype\s*=(?!=)\s*/.exec(inner.slice(i));
    if (!m) continue;
    const from = i + m[0].length;
    const end = topLevelCommas(inner, from).next().value ?? inner.length;
    return { index: i, written: inner.slice(from, end).trim() };
  }
  return null;
}

/**
 * A dtype= the language reads: `torch.<name>`, NumPy's `np.float32` or `float32`, Python's `float`, or a string as
 * NumPy's array() takes; another (`dtype=torch.float64.x`, `dtype=x.dtype`, `dtype=getattr(torch, 'float64')`) is
 * refused as written, not dropped for a tensor of the default dtype.
 */
const DTYPE_WRITTEN = /^(?:(?:torch\.|np\.|numpy\.)?[A-Za-z0-9_]+|'[^'\n]*'|"[^"\n]*")$/;

/** The methods of a tensor named as torch's dtypes are (x.float(), x.double(), ...). */
const TENSOR_DTYPE_METHODS = new Set([
  'float',
  'double',
  'half',
  'bfloat16',
  'int',
  'long',
  'short',
  'bool',
  'char',
  'byte'
]);

/** The strings NumPy's dtype() reads as float32 and as float64 (numpy.dtype(s).name: scripts/fixtures/notebook.py). */
const NUMPY_FLOAT32 = /^(?:[<>=|]?f4|float32|single|f)$/;
const NUMPY_FLOAT64 = /^(?:[<>=|]?f8|float64|double|float|float_|d)$/;
/** Other dtypes NumPy knows by a string (refused by name, not "not understood"): type characters and names. */
const NUMPY_DTYPE =
  /^(?:[<>=|]?(?:[?bBhHiIlLqQpPefdgFDGOSUVc]|b1|[iu][1248]|f(?:2|16)|c(?:8|16|32)|[SUV]\d+|O8|[mM]8?(?:\[\w+\])?)|u?int(?:8|16|32|64)?|u?int[cp0]|float(?:16|128)|half|u?short|u?byte|u?longlong|c?longdouble|longfloat|bool_?|complex(?:64|128|256)?|c(?:single|double)|object_?|str_?|bytes_?|unicode_?|void|datetime64|timedelta64)$/;

/**
 * The dtype a `dtype=` names: float32 (`torch.float32`, `torch.float`, `float32`) or float64 (`torch.float64`,
 * `torch.double`, and Python's `float`, which torch.tensor takes as float64); anything else is refused by name.
 */
function dtypeNamed(written: string, field: string, loc: Loc, ctx: Ctx, fn: string): TensorDtype {
  // `torch = 5` earlier: Python looks the dtype up on that value
  const module = /^(torch|np|numpy)\.(\w+)$/.exec(written);
  const shadow = module && ctx.session.vars.get(module[1]);
  // a tensor's method of that name (x.float, x.double) is no dtype: PyTorch's TypeError
  if (shadow && shadow.kind === 'tensor' && TENSOR_DTYPE_METHODS.has(module[2]) && fn === 'tensor')
    fail("tensor(): argument 'dtype' must be torch.dtype, not builtin_function_or_method", loc);
  if (shadow) fail(`'${pythonTypeName(shadow)}' object has no attribute '${module[2]}'`, loc);
  // a string, as NumPy's array() takes one (tensor() refused it in checkKeywords): NumPy's reading of it
  if (/^['"]/.test(written)) {
    const name = written.slice(1, -1);
    if (NUMPY_FLOAT32.test(name)) return 'float32';
    if (NUMPY_FLOAT64.test(name)) return 'float64';
    if (!NUMPY_DTYPE.test(name)) return fail(`${field}: data type '${name}' not understood`, loc); // NumPy's TypeError
  }
  const dtype = written === 'float' ? 'float64' : dtypeFromText(written);
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  return fail(`${field}: dtype=${written} is not supported (the language has float32 and float64 tensors)`, loc);
}

function castData(data: Float32Array | Float64Array, dtype: TensorDtype): Float32Array | Float64Array {
  return dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data);
}

/** Moves the locations of an expression parsed on its own to where it stands in the cell. */
function shiftLoc<T>(node: T, base: Loc): T {
  if (Array.isArray(node)) return node.map((n) => shiftLoc(n, base)) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'loc' || k === 'innerLoc') && v && typeof v === 'object') {
      const l = v as Loc;
      out[k] = placeWithin(base, l.line, l.column, base.offset + l.offset);
    } else {
      out[k] = shiftLoc(v, base);
    }
  }
  return out as T;
}

/** The tensor parser says `field: line L, column C: ...` within the pasted text: point at that place in the cell. */
function locatePrintError(err: unknown, at: Loc, field: string): CellError {
  const msg = errorFirstLine(err);
  const m = /^(.*?): line (\d+), column (\d+): (.*)$/.exec(msg);
  if (!m) return new CellError(msg, at);
  const line = Number(m[2]);
  const column = Number(m[3]);
  return new CellError(`${m[1] || field}: ${m[4]}`, placeWithin(at, line, column, at.offset));
}

/** The cell location of line `line`, column `column` of a text that starts at `base` in the cell. */
function placeWithin(base: Loc, line: number, column: number, offset: number): Loc {
  return line === 1
    ? { line: base.line, column: base.column + column - 1, offset }
    : { line: base.line + line - 1, column, offset };
}

function* evalCall(call: Extract<Expr, { type: 'call' }>, ctx: Ctx): Gen<Value> {
  if (call.misplaced) fail('positional argument follows keyword argument', call.misplaced);
  const fn = call.callee;
  notShadowed(fn, call.loc, ctx);
  switch (fn) {
    case 'linspace': {
      const a = yield* bindArgs(fn, call, [{ name: 'start' }, { name: 'end' }, { name: 'steps' }], ctx);
      // torch.linspace(start, end, steps), float32; the kernel's rounding follows the RNG profile's build
      return floatTensor(
        linspaceF32(
          linspaceEnd(fn, a, 'start', call),
          linspaceEnd(fn, a, 'end', call),
          intArg(fn, a, 'steps', call, { max: MAX_SAMPLE_ELEMENTS, what: 'values (the largest tensor a cell makes)' }),
          ctx.defaults.profile
        )
      );
    }
    case 'linear_schedule': {
      const a = yield* bindArgs(
        fn,
        call,
        [
          { name: 'T' },
          { name: 'beta_start', default: { kind: 'float', value: 1e-4 } },
          { name: 'beta_end', default: { kind: 'float', value: 0.02 } }
        ],
        ctx
      );
      return floatTensor(
        linearSchedule(
          intArg(fn, a, 'T', call, STEPS_LIMIT),
          // torch.linspace(beta_start, beta_end, T): its ends read as linspace reads them (an int rounded once)
          linspaceEnd(fn, a, 'beta_start', call),
          linspaceEnd(fn, a, 'beta_end', call),
          ctx.defaults.profile
        )
      );
    }
    case 'cosine_schedule': {
      const a = yield* bindArgs(
        fn,
        call,
        [{ name: 'T' }, { name: 's', default: { kind: 'float', value: 0.008 } }],
        ctx
      );
      const T = intArg(fn, a, 'T', call, STEPS_LIMIT);
      const s = numberArg(fn, a, 's', call);
      // Python's float division by (1 + s) raises where JavaScript's gives nan
      if (s === -1) fail(`${fn}(): s: float division by zero (1 + s = 0)`, a.loc('s'));
      return floatTensor(cosineSchedule(T, s));
    }
    case 'cumprod': {
      const a = yield* bindArgs(fn, call, [{ name: 'x' }, { name: 'dim', default: { kind: 'int', value: 0n } }], ctx);
      let x = required(fn, a, 'x', call);
      if (isPartial(x)) fail(`${fn}(): x: ${PARTIAL}`, a.loc('x'));
      if (x.kind === 'list') x = listToTensor(x, `${fn}(): x`);
      if (x.kind !== 'tensor') fail(`${fn}(): x: expected a tensor or a list, got ${typeName(x)}`, a.loc('x'));
      if (x.shape.length !== 1)
        fail(`${fn}(): x: expected a 1-D tensor, got shape ${pythonTuple(x.shape)}`, a.loc('x'));
      const dim = a.get('dim');
      if (!dim || dim.kind !== 'int' || (dim.value !== 0n && dim.value !== -1n))
        fail(`${fn}(): dim: expected 0 or -1 for a 1-D tensor`, a.loc('dim'));
      if (x.dtype === 'float32') return floatTensor(cumprodF32(x.data));
      // float64: the running product in double, as torch.cumprod does
      const out = new Float64Array(x.data.length);
      let acc = 1;
      for (let i = 0; i < out.length; i++) out[i] = acc *= x.data[i];
      return { kind: 'tensor', dtype: 'float64', shape: [out.length], data: out };
    }
    case 'tensor':
    case 'array': {
      // reached only when the parentheses did not balance as a print would; read as torch.tensor(x)
      const a = yield* bindArgs(fn, call, [{ name: 'data' }], ctx);
      const v = required(fn, a, 'data', call);
      if (v.kind === 'tensor') return { ...v, text: undefined, strides: undefined }; // torch.tensor(t) copies
      return listToTensor(v, `${fn}()`, undefined, fn === 'array' ? 'float64' : 'float32');
    }
    case 'sample':
      return yield* evalSample(call, ctx);
    case 'compare':
      return yield* evalCompare(call, ctx);
    case 'pytorch':
      return yield* evalPytorch(call, ctx);
    default:
      return fail(
        `unknown function ${clipped(fn)}(); the helpers are ${HELPERS.slice(0, 6).join(', ')} (see the README, "DDPM notebooks")`,
        call.loc
      );
  }
}

/**
 * What torch.Generator().manual_seed refuses, as its message names each (it takes an int only): a float, a bool, a
 * str ("42"), a tensor, a list or None.
 */
const NOT_A_SEED: Partial<Record<Value['kind'], string>> = {
  float: 'float',
  bool: 'bool',
  str: 'str',
  tensor: 'Tensor',
  list: 'list',
  none: 'NoneType'
};

/** A cell value as the JSON readInputs takes (pasted prints as their text, so the CLI and the notebook read them alike). */
function toInputJson(v: Value, name: string, loc: Loc | null, prefix = ''): unknown {
  const notASeed = name === 'seed' ? NOT_A_SEED[v.kind] : undefined;
  if (notASeed) return fail(`${prefix}seed: manual_seed expected a long, but got ${notASeed} (a seed is an int)`, loc);
  switch (v.kind) {
    case 'tensor':
      if (v.text !== undefined) return v.text;
      return nestedArray(v);
    case 'list':
      if (hasEllipsis(v)) return `tensor(${v.text ?? '[...]'})`;
      return v.items.map((item) => toInputJson(item, name, loc, prefix));
    case 'int':
      return name === 'seed' ? v.value.toString() : Number(v.value);
    case 'float':
    case 'bool':
      return v.kind === 'bool' ? (v.value ? 1 : 0) : v.value;
    case 'str':
      return v.value;
    case 'none':
      return null;
    default:
      return fail(`${prefix}${name}: expected numbers, a list or a tensor, got ${typeName(v)}`, loc);
  }
}

function nestedArray(v: TensorValue): unknown {
  const build = (offset: number, dim: number): unknown => {
    if (dim === v.shape.length) return v.data[offset];
    const stride = v.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const out: unknown[] = [];
    for (let i = 0; i < v.shape[dim]; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}

/** A keyword argument that names one of `choices` (`profile="avx2"`, `matmul="reference"`), else `fallback` when absent. */
function choiceArg<T extends string, F extends T | undefined>(
  v: Value | undefined,
  fn: string,
  name: string,
  choices: readonly T[],
  loc: Loc,
  fallback: F
): T | F {
  if (v === undefined) return fallback;
  if (v.kind !== 'str' || !(choices as readonly string[]).includes(v.value)) {
    fail(
      `${fn}(): ${name}: expected one of ${choices.map((p) => JSON.stringify(p)).join(', ')}, got ${gotValue(v)}`,
      loc
    );
  }
  return v.value as T;
}

function recordArg(
  record: Value | undefined,
  every: Value | undefined,
  fn: string,
  args: CallArgs,
  fallback: RecordPolicy
): RecordPolicy {
  let k: number | null = null;
  if (every !== undefined) {
    if (every.kind !== 'int' || every.value < 1n)
      fail(`${fn}(): every: expected a positive integer, got ${gotValue(every)}`, args.loc('every'));
    k = Number(every.value);
  }
  if (record === undefined) return k !== null ? { kind: 'every', k } : fallback;
  const kinds = ['all', 'every', 'none'];
  if (record.kind !== 'str' || !kinds.includes(record.value))
    fail(`${fn}(): record: expected "all", "every" or "none", got ${gotValue(record)}`, args.loc('record'));
  if (record.value === 'every') return { kind: 'every', k: k ?? (fallback.kind === 'every' ? fallback.k : 10) };
  return { kind: record.value as 'all' | 'none' };
}

/** The five inputs from the session's variables and keyword overrides, validated by readInputs. */
function gatherInputs(ctx: Ctx, overrides: Map<string, Value>, prefix: string, loc: Loc | null): ReadInputsResult {
  const json: Record<string, unknown> = {};
  const strings = new Set<string>();
  for (const name of INPUT_KEYS) {
    const v = overrides.get(name) ?? ctx.session.vars.get(name);
    if (v === undefined)
      fail(`${prefix}${name} is not set: assign it${prefix ? ' in a cell above, or pass ' + name + '=...' : ''}`, loc);
    json[name] = toInputJson(v, name, loc, prefix);
    if (v.kind === 'str') strings.add(name);
  }
  try {
    return readInputs(json);
  } catch (e) {
    // a string is read as a pasted print: the place its reader names is in the string, not in the cell
    const message = errorFirstLine(e).replace(
      /^(\w+): (line \d+, column \d+: )/,
      (whole, name: string, place: string) =>
        strings.has(name) ? `${name}: in its string ${describe(json[name])}, ${place}` : whole
    );
    return fail(`${prefix}${message}`, loc);
  }
}

function* evalSample(call: Extract<Expr, { type: 'call' }>, ctx: Ctx): Gen<Value> {
  const fn = 'sample';
  if (call.args.length)
    fail(`${fn}() takes keyword arguments only, e.g. sample(seed=7, profile="avx2")`, call.args[0].loc);
  const a = yield* bindArgs(
    fn,
    call,
    [...INPUT_KEYS, 'profile', 'matmul', 'record', 'every'].map((name) => ({ name })),
    ctx
  );
  const overrides = new Map<string, Value>();
  for (const name of INPUT_KEYS) {
    const v = a.get(name);
    if (v !== undefined) overrides.set(name, v);
  }
  const profile = choiceArg(a.get('profile'), fn, 'profile', RNG_PROFILES, a.loc('profile'), ctx.defaults.profile);
  const matmul = choiceArg(a.get('matmul'), fn, 'matmul', MATMUL_PROFILES, a.loc('matmul'), ctx.defaults.matmul);
  const record = recordArg(a.get('record'), a.get('every'), fn, a, ctx.defaults.record);
  const { inputs, warnings, writtenSchedule } = gatherInputs(ctx, overrides, `${fn}(): `, call.loc);
  const written = writtenOf(writtenSchedule);
  const run = yield { kind: 'sample', inputs, warnings, profile, matmul, record, ...written, loc: call.loc };
  const value: RunValue = { kind: 'run', run: withWarnings(run, warnings), inputs, ...written };
  ctx.session.lastRun = value;
  return value;
}

/**
 * pytorch(): the same inputs (and keyword overrides) as sample(), run by the host in the user's own PyTorch; the run
 * it returns carries the check (the Local PyTorch view), and compare(pytorch()) diffs the last sample() against
 * PyTorch's own final sample. It does not become the last run.
 */
function* evalPytorch(call: Extract<Expr, { type: 'call' }>, ctx: Ctx): Gen<Value> {
  const fn = 'pytorch';
  if (call.args.length) fail(`${fn}() takes keyword arguments only, e.g. pytorch(seed=7)`, call.args[0].loc);
  const a = yield* bindArgs(
    fn,
    call,
    [...INPUT_KEYS, 'profile', 'matmul'].map((name) => ({ name })),
    ctx
  );
  const overrides = new Map<string, Value>();
  for (const name of INPUT_KEYS) {
    const v = a.get(name);
    if (v !== undefined) overrides.set(name, v);
  }
  const profile = choiceArg(a.get('profile'), fn, 'profile', RNG_PROFILES, a.loc('profile'), ctx.defaults.profile);
  const matmul = choiceArg(a.get('matmul'), fn, 'matmul', MATMUL_PROFILES, a.loc('matmul'), ctx.defaults.matmul);
  const { inputs, warnings } = gatherInputs(ctx, overrides, `${fn}(): `, call.loc);
  const run = yield { kind: 'pytorch', inputs, warnings, profile, matmul, record: ctx.defaults.record, loc: call.loc };
  return { kind: 'run', run: withWarnings(run, warnings), inputs } satisfies RunValue;
}

/** `{ writtenSchedule }` when there is one, else nothing (no undefined member). */
function writtenOf(writtenSchedule: WrittenSchedule | undefined): { writtenSchedule?: WrittenSchedule } {
  return writtenSchedule ? { writtenSchedule } : {};
}

function withWarnings(run: RunResult, warnings: string[]): RunResult {
  const extra = warnings.filter((w) => !run.warnings.includes(w));
  return extra.length ? { ...run, warnings: [...extra, ...run.warnings] } : run;
}

/** What compare() hands the comparison: the text of the expected values, exactly as they were pasted or computed. */
function expectedText(v: Value, loc: Loc): string {
  switch (v.kind) {
    case 'str':
      return v.value;
    case 'tensor':
      return exactTensorText(v);
    case 'list':
      // a pasted list of numbers keeps its digits (the rule is read from them); one with names or expressions in it
      // (`[[a, 0.18]]`, `[x * 2]`) is its values
      if (v.text !== undefined && /^[\s[\],.0-9eE+-]*$/.test(v.text.replace(/\b(?:nan|inf)\b|\.\.\./g, '')))
        return `tensor(${v.text})`;
      return exactTensorText(listToTensor(v, 'compare(): expected'));
    case 'run': {
      // a pytorch() run: PyTorch's own final sample, else the run's
      const m = v.run.torchCheck?.torchSample ?? v.run.sample;
      return exactTensorText({ kind: 'tensor', dtype: 'float32', shape: [m.rows, m.cols], data: m.data });
    }
    default:
      return fail(
        `compare(): expected: expected pasted PyTorch output (tensor(...), a list or a string), got ${typeName(v)}`,
        loc
      );
  }
}

function* evalCompare(call: Extract<Expr, { type: 'call' }>, ctx: Ctx): Gen<Value> {
  const fn = 'compare';
  // the run compared by default is the last one before this call: a sample() among the arguments
  // (compare(sample(seed=7))) is what is compared, not the run to compare it with
  const before = ctx.session.lastRun;
  const a = yield* bindArgs(fn, call, [{ name: 'expected' }, { name: 'rtol' }, { name: 'atol' }, { name: 'run' }], ctx);
  let expected = a.get('expected');
  if (expected === undefined) {
    expected = ctx.session.vars.get('expected');
    if (expected === undefined)
      fail(
        `${fn}() needs the PyTorch output: compare(tensor([...])) or assign expected = tensor([...]) first`,
        call.loc
      );
  }
  const text = expectedText(expected, a.loc('expected'));
  let target = a.get('run');
  if (target === undefined) {
    if (!before)
      fail(
        ctx.session.lastRun
          ? `${fn}(): no run to compare with: the sample() in its arguments is what is compared; run r = sample() first, or pass run=`
          : `${fn}(): no run to compare with yet: run sample() first`,
        call.loc
      );
    target = before;
  }
  if (target.kind !== 'run')
    fail(`${fn}(): run: expected a sampler run (r = sample()), got ${typeName(target)}`, a.loc('run'));
  let tolerances = ctx.defaults.tolerances;
  const rtol = a.get('rtol');
  const atol = a.get('atol');
  if ((rtol === undefined) !== (atol === undefined))
    // torch.testing.assert_close: "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol."
    fail(
      `${fn}(): rtol and atol must be given together or not at all, as in torch.testing.assert_close; got no ${rtol === undefined ? 'rtol' : 'atol'}`,
      a.loc(rtol === undefined ? 'atol' : 'rtol')
    );
  if (rtol !== undefined || atol !== undefined) {
    tolerances = {};
    for (const [name, v] of [
      ['rtol', rtol],
      ['atol', atol]
    ] as const) {
      if (v === undefined) continue;
      const x = scalarOf(v);
      if (x === null || !(x >= 0) || !Number.isFinite(x))
        fail(`${fn}(): ${name}: expected a non-negative number, got ${gotValue(v)}`, a.loc(name));
      tolerances[name] = x;
    }
  }
  const written = writtenOf(target.writtenSchedule);
  const run = yield {
    kind: 'compare',
    inputs: target.inputs,
    run: target.run,
    profile: target.run.inputs.profile,
    record: target.run.trajectory.policy,
    expectedText: text,
    tolerances,
    ...written,
    loc: call.loc
  };
  return { kind: 'run', run, inputs: target.inputs, ...written } satisfies RunValue;
}

// ---------------------------------------------------------------------------------------------
// Statements and cells

/** What a value shows when it stands alone in a statement (assignments show nothing, as in Jupyter). */
export function outputsOf(v: Value): CellOutput[] {
  if (v.kind === 'none') return [];
  if (v.kind === 'run') {
    const out: CellOutput[] = [];
    const run = v.run;
    const text = run.comparison
      ? run.comparison.summary
      : formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]);
    out.push({ kind: 'run', run, text });
    if (run.warnings.length) out.push({ kind: 'warning', text: run.warnings.map((w) => `warning: ${w}`).join('\n') });
    return out;
  }
  return [{ kind: 'text', text: reprValue(v) }];
}

function* runStatement(s: Statement, ctx: Ctx): Gen<CellOutput[]> {
  if (s.type === 'assign') {
    if (['True', 'False', 'None'].includes(s.name)) fail(`cannot assign to ${s.name}`, s.loc);
    ctx.session.vars.set(s.name, yield* evalExpr(s.value, { ...ctx, target: s.name }));
    return [];
  }
  const value = yield* evalExpr(s.expr, ctx);
  const digits = longestIntDigits(value);
  // Python 3.11 refuses to write an int of more digits as text (sys.get_int_max_str_digits(), ValueError)
  if (digits > INT_MAX_STR_DIGITS)
    fail(
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion (Python's ValueError): an integer of ${digits} digits`,
      s.loc
    );
  try {
    return outputsOf(value);
  } catch (e) {
    // its repr recurses as deep as the value nests: Python's repr raises RecursionError there too
    if (isStackOverflow(e)) fail(TOO_DEEP, s.loc);
    throw e;
  }
}

/** Python 3.11's default sys.get_int_max_str_digits(): the most digits str() or repr() writes of an int. */
const INT_MAX_STR_DIGITS = 4300;

/** The most decimal digits of an int in `v` (a list's items too, level by level); 0 when it holds none. */
function longestIntDigits(v: Value): number {
  let most = 0;
  let level: Value[] = [v];
  while (level.length > 0) {
    const next: Value[] = [];
    for (const x of level) {
      if (x.kind === 'list')
        for (const item of x.items) next.push(item); // (no spread: a list of 10^6 items)
      // 1 + floor(bits * log10(2)) is the count, or one more than it: the string only for those near the limit
      else if (x.kind === 'int') {
        const bits = (x.value < 0n ? -x.value : x.value).toString(2).length;
        const estimate = Math.floor(bits * Math.LOG10E * Math.LN2) + 1;
        const n = Math.abs(estimate - INT_MAX_STR_DIGITS) <= 2 ? x.value.toString().replace('-', '').length : estimate;
        most = Math.max(most, n);
      }
    }
    level = next;
  }
  return most;
}

/**
 * What marks a Python dict rather than broken JSON: a key in single quotes (`{'seed': 42}`), or True, False or None
 * as a value (`{"seed": None}`); an apostrophe or the word None inside a JSON string is neither.
 */
const PYTHON_DICT = /[{,]\s*'|[:,[]\s*(?:True|False|None)\s*[,}\]]/;

/**
 * A Python set or a dict with an unquoted first key at the cell's start (`{1, 2}`, `{seed}`, `{seed: 42}`): a name
 * or a number where JSON must have a quoted key.
 */
const PYTHON_SET_OR_NAMED_KEY = /^\s*\{\s*[-+]?[\w.]+\s*[,}:]/;

/** Blank and `#` comment lines at a cell's start, as a script's own note above pasted JSON would be. */
const LEADING_COMMENTS = /^(?:[ \t\r]*(?:#[^\n]*)?\n)*/;

/**
 * Whether a cell is one JSON object with the sampler inputs (runs as sample() of them): a JSON cell, or a DDPM cell
 * that opens with "{" after any `#` comment lines.
 */
export function isJsonCell(source: string, language: string): boolean {
  if (language === 'json') return true;
  // (no blanked copy of the cell: every cell run, and every cell the palette reads, asks this)
  const head = LEADING_COMMENTS.exec(source)?.[0] ?? '';
  return source.slice(head.length).trimStart().startsWith('{');
}

/** The cell's JSON: its leading comment lines blanked out, so that positions in JSON's messages stay the cell's. */
function jsonText(source: string): string {
  const head = LEADING_COMMENTS.exec(source)?.[0] ?? '';
  return head.replace(/[^\n]/g, ' ') + source.slice(head.length);
}

function* runJsonCell(
  source: string,
  session: CellSession,
  defaults: CellDefaults,
  jsonLanguage: boolean
): Gen<CellOutput[]> {
  let read: ReadInputsResult;
  const text = jsonText(source);
  try {
    read = parseInputsText(text, 'cell');
  } catch (e) {
    const message = errorFirstLine(e);
    // a DDPM cell that opens with "{" was read as JSON: a Python dict is not the cell language's
    const why =
      !jsonLanguage &&
      message.startsWith('cell: invalid JSON') &&
      (PYTHON_DICT.test(text) || PYTHON_SET_OR_NAMED_KEY.test(text))
        ? ' (a cell that starts with "{" is read as one JSON object of the five inputs; dict and set literals are not supported: assign each input on a line of its own)'
        : '';
    throw new CellError(message + why, null);
  }
  const { inputs, warnings, writtenSchedule } = read;
  const vars = session.vars;
  vars.set('w_model', {
    kind: 'tensor',
    dtype: 'float32',
    shape: [inputs.wModel.rows, inputs.wModel.cols],
    data: inputs.wModel.data
  });
  vars.set('shape', {
    kind: 'list',
    items: [
      { kind: 'int', value: BigInt(inputs.n) },
      { kind: 'int', value: BigInt(inputs.d) }
    ]
  });
  vars.set('betas', { kind: 'tensor', dtype: 'float32', shape: [inputs.betas.length], data: inputs.betas });
  vars.set('alpha_bar', { kind: 'tensor', dtype: 'float32', shape: [inputs.alphaBar.length], data: inputs.alphaBar });
  vars.set('seed', { kind: 'int', value: inputs.seed });
  const { profile, matmul, record } = defaults; // the settings, as sample() without arguments has them
  const written = writtenOf(writtenSchedule);
  const run = yield { kind: 'sample', inputs, warnings, profile, matmul, record, ...written, loc: null };
  const value: RunValue = { kind: 'run', run: withWarnings(run, warnings), inputs, ...written };
  session.lastRun = value;
  return outputsOf(value);
}

/**
 * Runs one cell. Yields HostRequests; the caller answers each with the RunResult. Returns the cell's
 * outputs; throws CellError (one line: `line L, column C: what went wrong`). Statements before a failing
 * one keep their effect, as in Python.
 */
export function* runCell(
  session: CellSession,
  source: string,
  language: string,
  defaults: CellDefaults = DEFAULT_CELL_DEFAULTS
): Gen<CellOutput[]> {
  if (isJsonCell(source, language)) return yield* runJsonCell(source, session, defaults, language === 'json');
  const statements = parseCell(source);
  const outputs: CellOutput[] = [];
  const ctx: Ctx = { session, defaults, target: null };
  for (const s of statements) outputs.push(...(yield* runStatement(s, ctx)));
  return outputs;
}

/** Answers a host request; rejects with an AbortError when cancelled. */
export type CellHost = (request: HostRequest) => Promise<RunResult>;

/** Runs a cell, asking `host` for sampler runs and comparisons (the kernel's host runs them in a worker). */
export async function executeCell(
  session: CellSession,
  source: string,
  language: string,
  defaults: CellDefaults,
  host: CellHost
): Promise<CellOutput[]> {
  const gen = runCell(session, source, language, defaults);
  let step = gen.next();
  while (!step.done) {
    const request = step.value;
    let answer: RunResult;
    try {
      answer = await host(request);
    } catch (e) {
      if (e instanceof Error && (e.name === 'AbortError' || e instanceof CellError)) throw e;
      throw new CellError(`${request.kind}(): ${errorFirstLine(e)}`, request.loc);
    }
    step = gen.next(answer);
  }
  return step.value;
}

/** Synchronous driver, for hosts that can answer at once (the unit tests). */
export function runCellSync(
  session: CellSession,
  source: string,
  language: string,
  defaults: CellDefaults,
  host: (request: HostRequest) => RunResult
): CellOutput[] {
  const gen = runCell(session, source, language, defaults);
  let step = gen.next();
  while (!step.done) step = gen.next(host(step.value));
  return step.value;
}

/** What interpretInputs reads: the inputs, and the profiles and written schedule of a sample() call when it has one. */
export interface InterpretedInputs extends ReadInputsResult {
  profile?: RngProfile;
  matmul?: MatmulProfile;
}

/**
 * Reads sampler inputs from cell-language text without running anything ("DDPM: Run Sampler" on an editor
 * holding cell syntax): the inputs of its first sample() call (with that call's overrides and profile), or
 * else those its assignments define. null when it assigns none of the five inputs and calls no sample().
 * Throws Error with a one-line `line L, column C: ...` message.
 */
export function interpretInputs(
  text: string,
  _origin: string,
  defaults: CellDefaults = DEFAULT_CELL_DEFAULTS
): InterpretedInputs | null {
  const session = new CellSession();
  const gen = runCell(session, text, 'ddpm', defaults);
  const step = gen.next();
  if (!step.done) {
    const req = step.value;
    gen.return([]);
    if (req.kind === 'sample') return requestInputs(req);
  }
  return assignedInputs({ session, defaults, target: null });
}

/** The inputs a sample() or pytorch() call would run, with its profiles and (sample()) the schedule as written. */
function requestInputs(req: Extract<HostRequest, { kind: 'sample' | 'pytorch' }>): InterpretedInputs {
  const { inputs, warnings, profile, matmul } = req;
  const written = req.kind === 'sample' ? writtenOf(req.writtenSchedule) : {};
  return { inputs, warnings, profile, ...(matmul ? { matmul } : {}), ...written };
}

/** One cell of a notebook as interpretCellsInputs reads it. */
export interface NotebookCellText {
  source: string;
  language: string;
  /** the cell's index in its notebook (its messages say `cell index + 1`) */
  index: number;
}

/**
 * interpretInputs for "DDPM: Run Sampler" in a notebook cell: the inputs as the notebook's code cells up to that one
 * (the last of `cells`) assign them, read in order in one new session without sampling anything. A statement that
 * calls sample(), compare() or pytorch() stops where that call would run (it assigns nothing; a mistake in its
 * arguments is an error, as in Run All), and so is a JSON cell once it has set its five inputs. The first
 * sample() or pytorch() of the last cell gives the inputs (with its arguments); else the variables the cells define.
 * A statement that fails is the error (`cell K: line L, column C: ...`, one line, K counting from 1), except, once a
 * call was passed over, one that does not assign an input: it may fail only for want of what that call would have
 * given (compare() with no run yet, `r` of `r = sample()`), and Run All would not fail there.
 */
export function interpretCellsInputs(
  cells: readonly NotebookCellText[],
  defaults: CellDefaults = DEFAULT_CELL_DEFAULTS
): InterpretedInputs | null {
  const session = new CellSession();
  const ctx: Ctx = { session, defaults, target: null };
  let passedOver = false;
  // a request of the last cell that gives its inputs; any other is passed over
  const take = (gen: Gen<unknown>, last: boolean, canFail: boolean): InterpretedInputs | null => {
    let step: IteratorResult<HostRequest, unknown>;
    try {
      step = gen.next();
    } catch (e) {
      if (passedOver && canFail) return null;
      throw e;
    }
    if (step.done) return null;
    const req = step.value;
    gen.return(undefined);
    if (last && (req.kind === 'sample' || req.kind === 'pytorch')) return requestInputs(req);
    passedOver = true;
    return null;
  };
  for (const [i, cell] of cells.entries()) {
    const last = i === cells.length - 1;
    try {
      if (isJsonCell(cell.source, cell.language)) {
        const found = take(runJsonCell(cell.source, session, defaults, cell.language === 'json'), last, false);
        if (found) return found;
        continue;
      }
      for (const s of parseCell(cell.source)) {
        const assignsInput = s.type === 'assign' && (INPUT_KEYS as readonly string[]).includes(s.name);
        const found = take(runStatement(s, ctx), last, !assignsInput);
        if (found) return found;
      }
    } catch (e) {
      // a JSON cell's messages start with "cell: "
      throw new Error(`cell ${cell.index + 1}: ${errorFirstLine(e).replace(/^cell: /, '')}`);
    }
  }
  return assignedInputs(ctx);
}

/** The inputs the session's variables define (as a sample() without arguments reads them); null when none is set. */
function assignedInputs(ctx: Ctx): InterpretedInputs | null {
  if (!INPUT_KEYS.some((n) => ctx.session.vars.has(n))) return null;
  return gatherInputs(ctx, new Map(), '', null);
}
