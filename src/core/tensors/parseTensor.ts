// Reading printed tensors: PyTorch's repr, NumPy's repr and str, plain nested lists (Python or JSON) and our
// CLI's JSON ({"sample": [[...]]}).
//
// Syntax comes from a peggy grammar (src/core/tensors/tensorText.peggy, generated parser committed
// beside it): the guide prefers a kept parser library, and peggy gives every syntax error its line,
// column and the expected alternatives. This file adds what a grammar cannot say well: rows of one
// length (no ragged arrays), where `...` may stand, dtype, and the printed precision.
import { errorFirstLine } from '../errors';
import { invisibleCharacter, lookAlikeOf, typeInstead } from '../lookAlikes';
import { lineColumnAt, scanJson } from './jsonText';
import { pythonTuple } from './printTensor';
import { parse as parseGrammar } from './tensorText.generated.js';

export type ParsedDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'unknown';

/**
 * Which print the text is, so that each element can be judged by the printing rule of its source:
 * - 'torch': PyTorch's repr or print (`tensor([...])`, `Parameter containing:`), any print options;
 * - 'numpy-repr': NumPy's repr (`array([...], dtype=float32)`);
 * - 'numpy-str': NumPy's str, what `print(a)` shows (`[[ 0.1  0.2]\n [ 0.3 -0.4]]`: whitespace between items);
 * - 'numpy-list': NumPy's print with commas (`np.array2string(a, separator=', ')`, the inside of a repr): a list
 *   whose numbers NumPy padded on the right to align them (`[[-0.53881174, -1.1610341 ]]`), which Python's lists never are;
 * - 'list': a bare nested list with commas or a bare number (Python's `x.tolist()`, a JSON array);
 * - 'json': our CLI's JSON, `{"sample": [[...]]}` or `{"values": [...]}`;
 * - 'savetxt': rows of numbers, one row a line, without brackets, as `np.savetxt(f, a)` writes them (any delimiter of
 *   spaces, tabs, or a comma or semicolon with spaces around it; `#` lines are its header and footer).
 * A one-element-per-list print (`[[0.5]]`) has no separator to tell NumPy's str from a list: it reads as 'list'.
 */
export type PrintKind = 'torch' | 'numpy-repr' | 'numpy-str' | 'numpy-list' | 'list' | 'json' | 'savetxt';

/** A number padded on the right before a comma or a closing bracket: NumPy's alignment, never Python's list print. */
const NUMPY_PADDING = /(?:[0-9.]|nan|inf)[ \t]+[,\]]/;

/** Per dimension of a summarised print: what `...` left out. */
export interface SummaryDim {
  /** indices kept at the start of this dimension (before `...`, or all of them when not elided) */
  leading: number;
  /** indices kept at the end (after `...`; 0 when not elided) */
  trailing: number;
  /** whether `...` stood in this dimension (then the full size is unknown, and at least leading + trailing + 1) */
  elided: boolean;
}

export interface TensorSummary {
  /** whether the full shape is known (only when the print gave size=(...); PyTorch and NumPy never do for data) */
  fullShapeKnown: boolean;
  /** the full shape, when known */
  fullShape?: number[];
  /** one entry per dimension of `shape` */
  dims: SummaryDim[];
}

export interface ParsedTensor {
  /**
   * Shape of the values present, e.g. [4, 2]; [] for a scalar. For a summarised print this is the
   * kept block: per dimension, leading + trailing (see summary).
   */
  shape: number[];
  /**
   * The decimal values as written, each parsed to the nearest double, row-major over `shape`
   * (callers round to float32 where the dtype is float32, as torch.tensor(python_floats) does).
   */
  values: Float64Array;
  /** from `dtype=torch.float64`/`dtype=float32`; otherwise PyTorch's and NumPy's defaults for what was printed; 'unknown' for lists */
  dtype: ParsedDtype;
  /** the dtype as the print wrote it (`torch.complex128`, `float128`), when it wrote one */
  dtypeText?: string;
  /** printed with `...` (values not all there) */
  summarized: boolean;
  /**
   * For summarised tensors: per dimension, the kept leading and trailing index counts. Kept index i
   * of a dimension of full size S is full index i when i < leading, else S - (leading + trailing) + i.
   */
  summary?: TensorSummary;
  /**
   * Digits after the point when every finite value was printed fixed-point with the same number of
   * decimals (PyTorch's default print: 4; its integer mode `1.`: 0); null for scientific notation,
   * bare integers, mixed decimals, or no finite values.
   */
  printedDecimals: number | null;
  /** who printed it: 'numpy' for NumPy's repr and str, 'list' for bare lists and our JSON (see kind for which print exactly) */
  source: 'torch' | 'numpy' | 'list';
  /** which print it is (see PrintKind) */
  kind: PrintKind;
  /** the number tokens exactly as written (quotes and padding removed), row-major like values: what the paste literally shows */
  literals?: string[];
}

// The parser's output (see the grammar's actions).
interface EllipsisNode {
  ellipsis: true;
  at: number;
}
interface ListNode {
  list: Item[];
  at: number;
  spaced?: true;
}
type Item = string | ListNode | EllipsisNode;
interface Kwarg {
  name: string;
  value: string;
  at: number;
}
interface GrammarResult {
  ctor: 'tensor' | 'array' | null;
  data: string | ListNode;
  kwargs: Kwarg[];
  parameter: boolean;
}

interface PeggyExpectation {
  type: string;
  text?: string;
  description?: string;
}
interface PeggyError {
  expected?: PeggyExpectation[] | null;
  location?: { start: { offset: number } };
}

/** Deepest nesting accepted (PyTorch allows at most 64 dimensions when printing; deeper would only be an attack on the stack). */
export const MAX_DEPTH = 64;

/** What stands at `offset`, for "found ...": a word, a number-like token, or one character. */
function foundAt(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  // a minus sign or another stand-in for ASCII (a print pasted through a word processor): named, with what to type
  const ch = String.fromCodePoint(text.codePointAt(offset)!);
  const ascii = lookAlikeOf(ch);
  if (ascii !== undefined) return typeInstead(ch, ascii);
  // a zero-width space, a no-break space: named by its code point, as a message cannot show it
  const invisible = invisibleCharacter(ch.codePointAt(0));
  if (invisible !== undefined) return invisible.replace(/^invalid /, 'a ');
  const m = /^(?:[A-Za-z_][A-Za-z0-9_.]*|[+-]?[0-9][0-9A-Za-z_.+-]*|\S)/u.exec(text.slice(offset, offset + 40));
  const token = m ? m[0].slice(0, 24) : text[offset];
  return JSON.stringify(token);
}

/** A complex number as PyTorch and NumPy print one (`0.1000+0.j`, `6.733333  +0.j`: its imaginary part). */
const IMAGINARY = /^[+-]\s*(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?j/i;

function fail(field: string, text: string, offset: number, expected: string, found?: string): never {
  // a number cut short by a stand-in for ASCII in it (`1.0000e−04`, a minus sign from a word processor): that
  // character is what is wrong, and where
  const cut = found === undefined ? /^[+-]?[0-9][0-9A-Za-z_.+-]*/.exec(text.slice(offset, offset + 40)) : null;
  if (cut && lookAlikeOf(String.fromCodePoint(text.codePointAt(offset + cut[0].length) ?? 32)) !== undefined)
    offset += cut[0].length;
  const { line, column } = lineColumnAt(text, offset);
  const imaginary = found === undefined ? IMAGINARY.exec(text.slice(offset, offset + 40)) : null;
  if (imaginary)
    found = `the imaginary part of a complex number, ${JSON.stringify(imaginary[0])} (only real numbers are read: give x.real, or x.tolist() of a real tensor)`;
  throw new Error(
    `${field}: line ${line}, column ${column}: expected ${expected}, found ${found ?? foundAt(text, offset)}`
  );
}

function describeExpected(expected: PeggyExpectation[]): string {
  const names: string[] = [];
  for (const e of expected) {
    let name: string;
    if (e.type === 'literal') name = JSON.stringify(e.text);
    else if (e.type === 'end') name = 'end of input';
    else if (e.type === 'any') name = 'any character';
    else name = e.description ?? e.type;
    if (name === '"whitespace"' || name === 'whitespace') continue;
    if (!names.includes(name)) names.push(name);
  }
  names.sort();
  if (names.length === 0) return 'a tensor';
  if (names.length === 1) return names[0];
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Refuses nesting deeper than MAX_DEPTH before the recursive parser sees it. */
function checkDepth(field: string, text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */) {
      depth++;
      if (depth > MAX_DEPTH) fail(field, text, i, `at most ${MAX_DEPTH} nested lists`, 'deeper nesting');
    } else if (c === 93 /* ] */ && depth > 0) {
      depth--;
    }
  }
}

/** A number token's value as a double, as Python's float() reads it: decimals by the platform's correctly rounded parse, nan/inf by name. */
export function tokenValue(token: string): number {
  const last = token.charCodeAt(token.length - 1);
  if ((last >= 48 && last <= 57) || last === 46) return Number(token); // ends in a digit or '.': a decimal, not nan/inf
  const lower = token.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, '');
  if (unsigned === 'nan') return NaN;
  if (unsigned === 'inf' || unsigned === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(token);
}

function isSpecialToken(token: string): boolean {
  return /^[+-]?(nan|inf|infinity)$/i.test(token);
}

const TORCH_KWARGS = ['dtype', 'requires_grad', 'grad_fn', 'device', 'size', 'names', 'layout'];
const NUMPY_KWARGS = ['dtype', 'shape']; // shape= only in the repr of an empty array: array([], shape=(0, 2), dtype=float32)

/** `torch.float64`, `float32`, `np.float32`, `'float32'` -> our dtype name. */
export function dtypeFromText(value: string): ParsedDtype {
  const name = value.replace(/^['"]|['"]$/g, '').replace(/^(torch|numpy|np)\./, '');
  switch (name) {
    case 'float32':
    case 'float':
    case 'single':
      return 'float32';
    case 'float64':
    case 'double':
      return 'float64';
    case 'float16':
    case 'half':
      return 'float16';
    case 'bfloat16':
      return 'bfloat16';
    case 'int64':
    case 'long':
      return 'int64';
    case 'int32':
    case 'int':
    case 'intc':
      return 'int32';
    default:
      return 'unknown';
  }
}

interface Level {
  kind: 'lists' | 'numbers' | 'empty';
  /** items present, `...` not counted */
  count: number;
  /** position of `...` among the items, -1 when absent */
  ellipsisAt: number;
}

function describeLevel(level: Level): string {
  const what = (level.kind === 'lists' ? 'nested list' : 'number') + (level.count === 1 ? '' : 's');
  if (level.kind === 'empty') return 'an empty list';
  const dots = level.ellipsisAt >= 0 ? ` with "..." after the first ${level.ellipsisAt}` : '';
  return `${level.count} ${what}${dots}`;
}

function levelOf(field: string, text: string, node: ListNode): Level {
  let kind: Level['kind'] = 'empty';
  let count = 0;
  let ellipsisAt = -1;
  for (const item of node.list) {
    if (typeof item === 'string') {
      kind = 'numbers';
      count++;
    } else if ('ellipsis' in item) {
      if (ellipsisAt >= 0) fail(field, text, item.at, 'at most one "..." per list', '"..."');
      ellipsisAt = count;
    } else {
      kind = 'lists';
      count++;
    }
  }
  if (kind === 'empty' && ellipsisAt >= 0)
    fail(field, text, node.at, 'values around "..."', 'a list holding only "..."');
  return { kind, count, ellipsisAt };
}

/** Checks that every list at one depth has the same length and `...` in the same place; returns the levels. */
function analyzeLists(field: string, text: string, root: ListNode): Level[] {
  const levels: Level[] = [];
  let current: ListNode[] = [root];
  while (current.length > 0) {
    const first = levelOf(field, text, current[0]);
    for (let i = 1; i < current.length; i++) {
      const other = levelOf(field, text, current[i]);
      if (other.kind !== first.kind || other.count !== first.count || other.ellipsisAt !== first.ellipsisAt) {
        fail(
          field,
          text,
          current[i].at,
          `${describeLevel(first)} like the first list at this depth (rows must all have one length)`,
          describeLevel(other)
        );
      }
    }
    levels.push(first);
    if (first.kind !== 'lists') break;
    const next: ListNode[] = [];
    for (const node of current) {
      for (const item of node.list) if (typeof item !== 'string' && !('ellipsis' in item)) next.push(item);
    }
    current = next;
  }
  return levels;
}

const FAST_NUMBER = /-?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|nan|inf)/y;

/** One number as C's printf writes it for np.savetxt's `%.18e` (or any `fmt`): decimals, `nan`, `inf`, `-inf`. */
const SAVETXT_NUMBER = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|nan|inf)$/i;
/** A line that can only be a row of np.savetxt's numbers (no brackets, no letters but e, nan and inf). */
const SAVETXT_LINE = /^[\s\d.eE+\-,;naifNAIF]*$/;

/**
 * Text written by `np.savetxt(f, a)` (numpy/lib/npyio.py savetxt: one row of a 2-D array a line, `fmt % row` joined by
 * its delimiter, `# ` before each header and footer line; a 1-D array one number a line): its rows read as a (rows,
 * columns) tensor, or null when the text is no such thing (a bracketed print, a single number without a header or
 * footer, other text), which the grammar then reads. Rows of different lengths are an Error naming the line.
 */
function savetxtParse(field: string, text: string): ParsedTensor | null {
  if (/[[\](){}]/.test(text)) return null;
  const rows: string[][] = [];
  const rowLines: number[] = [];
  const lines = text.split('\n');
  let comments = false;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line.startsWith('#')) comments = true;
    if (line === '' || line.startsWith('#')) continue;
    if (!SAVETXT_LINE.test(line)) return null;
    const items = /[,;]/.test(line) ? line.split(/\s*[,;]\s*/) : line.split(/\s+/);
    if (!items.every((t) => SAVETXT_NUMBER.test(t))) return null;
    rows.push(items);
    rowLines.push(k + 1);
  }
  // one number alone is read by the grammar (a bare number, shape ()), unless a header or footer says np.savetxt
  // wrote it: one row of one number, as it writes a (1, 1) or a (1,) array
  if (rows.length === 0 || (rows.length === 1 && rows[0].length === 1 && !comments)) return null;
  const cols = rows[0].length;
  const ragged = rows.findIndex((r) => r.length !== cols);
  if (ragged >= 0) {
    const count = (n: number) => `${n} number${n === 1 ? '' : 's'}`;
    throw new Error(
      `${field}: line ${rowLines[ragged]}, column 1: expected ${count(cols)} like line ${rowLines[0]} (rows of numbers, as np.savetxt writes them, are all as long), found ${count(rows[ragged].length)}`
    );
  }
  const tokens = rows.flat();
  return {
    shape: [rows.length, cols],
    values: Float64Array.from(tokens, tokenValue),
    dtype: 'unknown',
    summarized: false,
    printedDecimals: printedDecimalsOf(tokens),
    source: 'list',
    kind: 'savetxt',
    literals: tokens
  };
}

/**
 * What the grammar gives for the plainest prints, read in one pass without it: `tensor([[...], ...])` with nothing
 * after the data, or a bare nested list, of numbers separated by commas, rectangular, no `...`. Returns null for
 * anything else (the grammar then reads it and says what is wrong). A step-by-step paste holds a thousand such prints.
 */
function fastParse(text: string): GrammarResult | null {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  ws();
  let ctor: GrammarResult['ctor'] = null;
  if (text.startsWith('tensor(', i)) {
    ctor = 'tensor';
    i += 7;
    ws();
  }
  if (text[i] !== '[') return null;
  const readList = (): ListNode | null => {
    const at = i;
    i++; // '['
    ws();
    const list: Item[] = [];
    if (text[i] === ']') return null; // empty: the grammar's business
    for (;;) {
      if (text[i] === '[') {
        const inner = readList();
        if (!inner) return null;
        list.push(inner);
      } else {
        FAST_NUMBER.lastIndex = i;
        const m = FAST_NUMBER.exec(text);
        if (!m) return null;
        list.push(m[0]);
        i += m[0].length;
      }
      ws();
      if (text[i] === ',') {
        i++;
        ws();
        continue;
      }
      if (text[i] === ']') {
        i++;
        return { list, at };
      }
      return null;
    }
  };
  const data = readList();
  if (!data) return null;
  ws();
  if (ctor) {
    if (text[i] !== ')') return null;
    i++;
    ws();
  }
  if (i !== n) return null;
  // rectangular, all numbers at the same depth (else the grammar's checks say what is wrong)
  const shapeOf = (node: ListNode): number[] | null => {
    const first = node.list[0];
    if (typeof first === 'string') return node.list.every((x) => typeof x === 'string') ? [node.list.length] : null;
    let inner: number[] | null = null;
    for (const x of node.list) {
      if (typeof x === 'string' || 'ellipsis' in x) return null;
      const sh = shapeOf(x);
      if (!sh || (inner && (sh.length !== inner.length || sh.some((v, k) => v !== inner![k])))) return null;
      inner = sh;
    }
    return [node.list.length, ...inner!];
  };
  if (!shapeOf(data)) return null;
  return { ctor, data, kwargs: [], parameter: false };
}

function flattenTokens(node: ListNode, out: string[]): void {
  for (const item of node.list) {
    if (typeof item === 'string') out.push(item);
    else if (!('ellipsis' in item)) flattenTokens(item, out);
  }
}

/** Digits after the point shared by every finite token printed fixed-point, else null. */
function printedDecimalsOf(tokens: string[]): number | null {
  let decimals: number | null = null;
  for (const token of tokens) {
    if (isSpecialToken(token)) continue;
    if (/[eE]/.test(token)) return null;
    const point = token.indexOf('.');
    if (point < 0) return null;
    const d = token.length - point - 1;
    if (decimals === null) decimals = d;
    else if (decimals !== d) return null;
  }
  return decimals;
}

function parseSizeTuple(field: string, text: string, kw: Kwarg): number[] {
  const inner = kw.value.trim();
  if (!/^\(\s*(\d+\s*(,\s*\d+\s*)*,?)?\s*\)$/.test(inner))
    fail(field, text, kw.at, 'size=(n, ...) with integers', JSON.stringify(kw.value));
  return (inner.slice(1, -1).match(/\d+/g) ?? []).map(Number);
}

/**
 * Our CLI's JSON ({"sample": [[...]]} or {"values": [...]}): the text with everything but the tensor's member
 * blanked out (line breaks kept), so that the grammar reads the member and every error keeps its line and column.
 */
function jsonMemberText(field: string, text: string): string {
  const scan = scanJson(text);
  if (scan.errorAt !== null) {
    const reason = scan.reason ?? '';
    if (reason.startsWith('expected ')) {
      const { line, column } = lineColumnAt(text, scan.errorAt);
      throw new Error(`${field}: line ${line}, column ${column}: ${reason}`);
    }
    fail(
      field,
      text,
      scan.errorAt,
      reason === '' || reason.startsWith('unexpected ') ? 'valid JSON' : `valid JSON (${reason})`
    );
  }
  const span = scan.members.get('sample') ?? scan.members.get('values');
  if (!span)
    fail(
      field,
      text,
      text.indexOf('{'),
      'a JSON object holding the tensor under "sample" or "values"',
      'no such member'
    );
  const [start, end] = span;
  if (text[start] !== '[') fail(field, text, start, 'a list', foundAt(text, start));
  let masked = '';
  for (let i = 0; i < text.length; i++) masked += (i >= start && i < end) || text[i] === '\n' ? text[i] : ' ';
  return masked;
}

/**
 * Parses a printed tensor: `tensor([[ 0.1000, -0.2000], ...])` (with any of PyTorch's suffixes:
 * dtype=, requires_grad=, grad_fn=, device=), NumPy's `array([...], dtype=float32)` or its str
 * `[[ 0.1  0.2]\n [ 0.3 -0.4]]` (whitespace-separated, wrapped over lines, summarised with `...`),
 * a nested list `[[1, 2], [3, 4]]` (Python or JSON), or our CLI's `{"sample": [[...]]}`.
 * Numbers may be decimal, scientific, nan, inf, -inf. The result says which print it was (kind).
 * Throws Error(`${field}: line L, column C: expected ..., found ...`) on anything else, on ragged
 * rows, and on a misplaced `...`.
 */
export function parseTensorText(
  text: string,
  field: string,
  /** also read rows of numbers as np.savetxt writes them (a paste; an input's string is a print or a list) */
  opts: { savetxt?: boolean } = {}
): ParsedTensor {
  if (typeof text !== 'string')
    throw new Error(`${field}: expected tensor text, found ${text === null ? 'null' : typeof text}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark (a file saved on Windows): invisible, not part of the tensor
  checkDepth(field, text);
  const isJson = text.trimStart().startsWith('{');
  const saved = isJson || !opts.savetxt ? null : savetxtParse(field, text);
  if (saved) return saved;
  const grammarText = isJson ? jsonMemberText(field, text) : text;
  let result: GrammarResult;
  try {
    result = (isJson ? null : fastParse(text)) ?? (parseGrammar(grammarText) as GrammarResult);
  } catch (e) {
    const pe = e as PeggyError;
    if (pe && pe.location && Array.isArray(pe.expected)) {
      fail(field, text, pe.location.start.offset, describeExpected(pe.expected));
    }
    throw new Error(`${field}: could not read the tensor text (${errorFirstLine(e)})`);
  }

  const spaced = typeof result.data !== 'string' && result.data.spaced === true;
  const kind: PrintKind =
    result.ctor === 'tensor' || result.parameter
      ? 'torch'
      : result.ctor === 'array'
        ? 'numpy-repr'
        : spaced
          ? 'numpy-str'
          : isJson
            ? 'json'
            : NUMPY_PADDING.test(text)
              ? 'numpy-list'
              : 'list';
  const source: ParsedTensor['source'] =
    kind === 'torch'
      ? 'torch'
      : kind === 'numpy-repr' || kind === 'numpy-str' || kind === 'numpy-list'
        ? 'numpy'
        : 'list';
  let shape: number[];
  let summary: TensorSummary | undefined;
  const tokens: string[] = [];
  if (typeof result.data === 'string') {
    shape = [];
    tokens.push(result.data);
  } else {
    const levels = analyzeLists(field, text, result.data);
    shape = levels.map((l) => l.count);
    if (levels.some((l) => l.ellipsisAt >= 0)) {
      summary = {
        fullShapeKnown: false,
        dims: levels.map((l) =>
          l.ellipsisAt >= 0
            ? { leading: l.ellipsisAt, trailing: l.count - l.ellipsisAt, elided: true }
            : { leading: l.count, trailing: 0, elided: false }
        )
      };
    }
    flattenTokens(result.data, tokens);
  }

  // keyword suffixes
  const allowed = source === 'numpy' ? NUMPY_KWARGS : TORCH_KWARGS;
  let dtype: ParsedDtype | null = null;
  let dtypeText: string | undefined;
  for (const kw of result.kwargs) {
    if (!allowed.includes(kw.name)) {
      fail(field, text, kw.at, `one of ${allowed.map((k) => k + '=').join(', ')}`, JSON.stringify(kw.name + '='));
    }
    if (kw.name === 'dtype') {
      dtype = dtypeFromText(kw.value);
      dtypeText = kw.value;
    }
    if (kw.name === 'size' || kw.name === 'shape') {
      const size = parseSizeTuple(field, text, kw);
      const sizeNumel = size.reduce((a, b) => a * b, 1);
      if (tokens.length === 0 && sizeNumel === 0 && !summary) {
        shape = size;
      } else if (summary) {
        summary.fullShapeKnown = true;
        summary.fullShape = size;
      } else if (size.length !== shape.length || size.some((s, i) => s !== shape[i])) {
        fail(
          field,
          text,
          kw.at,
          `${kw.name}=${pythonTuple(shape)} as printed`,
          JSON.stringify(`${kw.name}=${kw.value}`)
        );
      }
    }
  }
  if (dtype === null) {
    const allIntegers = tokens.length > 0 && tokens.every((t) => /^[+-]?\d+$/.test(t));
    if (source === 'torch')
      dtype = allIntegers ? 'int64' : 'float32'; // PyTorch omits dtype= only for its defaults
    else if (kind === 'numpy-repr')
      dtype = allIntegers ? 'int64' : 'float64'; // NumPy's repr omits dtype= only for its defaults
    else if (kind === 'numpy-str' || kind === 'numpy-list')
      dtype = allIntegers ? 'int64' : 'unknown'; // str (and array2string) never shows the dtype: float32 or float64
    else dtype = 'unknown';
  }

  const values = new Float64Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) values[i] = tokenValue(tokens[i]);
  const parsed: ParsedTensor = {
    shape,
    values,
    dtype,
    summarized: summary !== undefined,
    printedDecimals: printedDecimalsOf(tokens),
    source,
    kind,
    literals: tokens
  };
  if (summary) parsed.summary = summary;
  if (dtypeText !== undefined) parsed.dtypeText = dtypeText;
  return parsed;
}

/** The parsed values rounded to float32 (round to nearest even, as torch.tensor(..., dtype=torch.float32) does with Python floats). */
export function toFloat32Array(p: ParsedTensor): Float32Array {
  return Float32Array.from(p.values);
}
