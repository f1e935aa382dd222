// Printing float arrays exactly as NumPy 1.24 does (numpy/core/arrayprint.py): the element rule of
// FloatingFormat (fixed or scientific notation for the whole array, Dragon4 digits, padding to shared column
// widths), the layout of array_repr / array_str (_formatArray: separators, wrapping at linewidth, `...`
// summaries), and the predicate the comparison needs to judge a pasted NumPy print element by element.
//
// NumPy's defaults (np.set_printoptions): precision=8, floatmode='maxprec', suppress=False, sign='-',
// linewidth=75, threshold=1000, edgeitems=3. With floatmode='maxprec' an element prints as the shortest
// decimal that identifies its value in the array's dtype (float32 digits for a float32 array: 0.5559889, the
// same value in a float64 array: 0.55598891), cut at `precision` digits after the point.
import { nextDownF32, nextUpF32 } from '../float32';
import { dragon4Positional, dragon4Scientific, type Dragon4Trim, type NumpyFloatDtype } from './dragon4';

export type { NumpyFloatDtype } from './dragon4';
export type NumpyFloatMode = 'maxprec' | 'fixed' | 'unique' | 'maxprec_equal';

export interface NumpyPrintOptions {
  /** np.set_printoptions(precision=k): digits after the point (at most, with 'maxprec'); default 8 */
  precision?: number;
  /** suppress=True: never scientific notation for small values (only max >= 1e8 switches to it); default false */
  suppress?: boolean;
  /** default 'maxprec' */
  floatmode?: NumpyFloatMode;
  /** '-' (default): sign of negatives only; '+': always a sign; ' ': a space where a positive value's sign would be */
  sign?: '-' | '+' | ' ';
  /** characters per line (default 75) */
  linewidth?: number;
  /** more elements than this print summarised with `...` (default 1000) */
  threshold?: number;
  /** elements kept at each end of a summarised dimension (default 3) */
  edgeitems?: number;
}

type Resolved = Required<NumpyPrintOptions>;

function resolveOptions(o: NumpyPrintOptions | undefined): Resolved {
  const r: Resolved = {
    precision: o?.precision ?? 8,
    suppress: o?.suppress ?? false,
    floatmode: o?.floatmode ?? 'maxprec',
    sign: o?.sign ?? '-',
    linewidth: o?.linewidth ?? 75,
    threshold: o?.threshold ?? 1000,
    edgeitems: o?.edgeitems ?? 3
  };
  for (const key of ['precision', 'linewidth', 'edgeitems'] as const) {
    if (!Number.isInteger(r[key]) || r[key] < 0)
      throw new Error(`${key}: expected a non-negative integer, got ${r[key]}`);
  }
  if (Number.isNaN(r.threshold) || r.threshold < 0)
    throw new Error(`threshold: expected a non-negative number, got ${r.threshold}`);
  if (!['maxprec', 'fixed', 'unique', 'maxprec_equal'].includes(r.floatmode))
    throw new Error(
      `floatmode: expected "maxprec", "fixed", "unique" or "maxprec_equal", got ${JSON.stringify(r.floatmode)}`
    );
  if (!['-', '+', ' '].includes(r.sign))
    throw new Error(`sign: expected "-", "+" or " ", got ${JSON.stringify(r.sign)}`);
  return r;
}

/** A value as the array's dtype holds it (float32 arrays hold float32 values). */
function inDtype(v: number, dtype: NumpyFloatDtype): number {
  return dtype === 'float32' ? Math.fround(v) : v;
}

const isNegative = (v: number): boolean => v < 0 || Object.is(v, -0);

/** What FloatingFormat.fillFormat decides for one array: the notation and the arguments of every element's Dragon4 call. */
export interface NumpyFloatFormat {
  dtype: NumpyFloatDtype;
  /** scientific notation for the whole array */
  expFormat: boolean;
  /** Dragon4's precision (-1: none, floatmode 'unique'); in scientific notation the digits after the point every element shows */
  precision: number;
  /** Dragon4's min_digits (-1: none) */
  minDigits: number;
  unique: boolean;
  trim: Dragon4Trim;
  sign: '-' | '+' | ' ';
  padLeft: number;
  padRight: number;
  /** exponent digits (scientific notation; -1 otherwise) */
  expSize: number;
}

/**
 * FloatingFormat(data, precision, floatmode, suppress_small, sign) of numpy/core/arrayprint.py (legacy=False):
 * scientific notation when the largest nonzero |finite value| is >= 1e8, or (unless suppress) the smallest is
 * < 1e-4 or their ratio (computed in the dtype) is > 1e3; then a first Dragon4 pass over the finite values sets
 * the column widths (and, in scientific notation, the digits every element shows).
 */
export function numpyFloatFormat(
  data: ArrayLike<number>,
  dtype: NumpyFloatDtype,
  options?: NumpyPrintOptions
): NumpyFloatFormat {
  const o = resolveOptions(options);
  const finite: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const v = inDtype(data[i], dtype);
    if (Number.isFinite(v)) finite.push(v);
  }
  const hasNonFinite = finite.length !== data.length;
  let precision = o.floatmode === 'unique' ? -1 : o.precision;

  let expFormat = false;
  let maxVal = -Infinity;
  let minVal = Infinity;
  for (const v of finite) {
    if (v === 0) continue;
    const a = Math.abs(v);
    if (a > maxVal) maxVal = a;
    if (a < minVal) minVal = a;
  }
  if (maxVal !== -Infinity) {
    // max_val/min_val is a division of two scalars of the dtype (float32 rounds, and may overflow to inf)
    const ratio = inDtype(maxVal / minVal, dtype);
    if (maxVal >= 1e8 || (!o.suppress && (minVal < 0.0001 || ratio > 1000))) expFormat = true;
  }

  let padLeft: number;
  let padRight: number;
  let trim: Dragon4Trim;
  let expSize: number;
  let unique: boolean;
  let minDigits: number;
  const signPlus = o.sign === '+';
  if (finite.length === 0) {
    padLeft = 0;
    padRight = 0;
    trim = '.';
    expSize = -1;
    unique = true;
    minDigits = -1;
  } else if (expFormat) {
    trim = '.';
    unique = true;
    if (o.floatmode === 'fixed') {
      trim = 'k';
      unique = false;
    }
    let maxFrac = 0;
    let maxInt = 0;
    let maxExp = 0;
    for (const v of finite) {
      const s = dragon4Scientific(v, dtype, { precision, unique, trim, sign: signPlus });
      const e = s.indexOf('e');
      const mantissa = s.slice(0, e);
      const point = mantissa.indexOf('.');
      maxInt = Math.max(maxInt, point);
      maxFrac = Math.max(maxFrac, mantissa.length - point - 1);
      maxExp = Math.max(maxExp, s.length - e - 1);
    }
    expSize = maxExp - 1;
    trim = 'k';
    precision = maxFrac;
    minDigits = precision;
    padLeft = maxInt;
    padRight = expSize + 2 + precision; // only used to size nan and inf
  } else {
    trim = '.';
    unique = true;
    if (o.floatmode === 'fixed') {
      trim = 'k';
      unique = false;
    }
    let maxInt = 0;
    let maxFrac = 0;
    for (const v of finite) {
      const s = dragon4Positional(v, dtype, { precision, fractional: true, unique, trim, sign: signPlus });
      const point = s.indexOf('.');
      maxInt = Math.max(maxInt, point);
      maxFrac = Math.max(maxFrac, s.length - point - 1);
    }
    padLeft = maxInt;
    padRight = maxFrac;
    expSize = -1;
    if (o.floatmode === 'fixed' || o.floatmode === 'maxprec_equal') {
      precision = padRight;
      minDigits = padRight;
      trim = 'k';
    } else {
      trim = '.';
      minDigits = 0;
    }
  }
  if (o.sign === ' ' && !finite.some(isNegative)) padLeft += 1;
  if (hasNonFinite) {
    let negInf = o.sign !== '-';
    for (let i = 0; i < data.length && !negInf; i++) if (data[i] === -Infinity) negInf = true;
    const offset = padRight + 1; // + 1 for the point
    padLeft = Math.max(padLeft, 3 - offset, 3 + (negInf ? 1 : 0) - offset);
  }
  return { dtype, expFormat, precision, minDigits, unique, trim, sign: o.sign, padLeft, padRight, expSize };
}

/** FloatingFormat.__call__: one element as the array prints it, padding included. */
export function formatNumpyElement(x: number, format: NumpyFloatFormat): string {
  const v = inDtype(x, format.dtype);
  if (!Number.isFinite(v)) {
    const ret = Number.isNaN(v)
      ? format.sign === '+'
        ? '+nan'
        : 'nan'
      : (v < 0 ? '-' : format.sign === '+' ? '+' : '') + 'inf';
    return ' '.repeat(Math.max(0, format.padLeft + format.padRight + 1 - ret.length)) + ret;
  }
  const common = {
    precision: format.precision,
    minDigits: format.minDigits,
    unique: format.unique,
    trim: format.trim,
    sign: format.sign === '+',
    padLeft: format.padLeft
  };
  if (format.expFormat) return dragon4Scientific(v, format.dtype, { ...common, expDigits: format.expSize });
  return dragon4Positional(v, format.dtype, { ...common, fractional: true, padRight: format.padRight });
}

/**
 * Row-major indices (into the full array) of the elements a print shows: all of them, or for a summarised
 * print (more than threshold elements) the first and last `edgeitems` of every dimension longer than
 * 2 * edgeitems (arrayprint.py _leading_trailing).
 */
export function numpyShownIndices(shape: number[], options?: NumpyPrintOptions): number[] {
  const o = resolveOptions(options);
  const size = shape.reduce((a, b) => a * b, 1);
  const summarise = size > o.threshold;
  const perDim = shape.map((n) => {
    if (summarise && n > 2 * o.edgeitems) {
      const kept: number[] = [];
      for (let i = 0; i < o.edgeitems; i++) kept.push(i);
      for (let i = n - o.edgeitems; i < n; i++) kept.push(i);
      return kept;
    }
    return Array.from({ length: n }, (_, i) => i);
  });
  let out = [0];
  for (let d = 0; d < shape.length; d++) {
    const next: number[] = [];
    for (const base of out) for (const i of perDim[d]) next.push(base * shape[d] + i);
    out = next;
  }
  return size === 0 ? [] : out;
}

/**
 * The element strings of NumPy's print of the array (padding included), row-major over the elements the
 * print shows (numpyShownIndices): NumPy sizes the columns over those elements only.
 */
export function formatNumpyElements(
  values: ArrayLike<number>,
  shape: number[],
  dtype: NumpyFloatDtype,
  options?: NumpyPrintOptions
): string[] {
  const shown = numpyShownIndices(shape, options).map((i) => values[i]);
  const format = numpyFloatFormat(shown, dtype, options);
  return shown.map((v) => formatNumpyElement(v, format));
}

/** arrayprint.py _extendLine (legacy=False): wrap before `word` when the line would pass lineWidth, unless that would not help. */
function extendLine(state: { s: string; line: string }, word: string, lineWidth: number, nextLinePrefix: string): void {
  let needsWrap = state.line.length + word.length > lineWidth;
  if (state.line.length <= nextLinePrefix.length) needsWrap = false;
  if (needsWrap) {
    state.s += state.line.trimEnd() + '\n';
    state.line = nextLinePrefix;
  }
  state.line += word;
}

/** arrayprint.py _formatArray (legacy=False), for single-line element strings. */
function formatArrayText(
  shape: number[],
  element: (flatIndex: number) => string,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  edgeItems: number,
  summaryInsert: string
): string {
  const recurse = (index: number[], hangingIndent: string, currWidth: number): string => {
    const axis = index.length;
    const axesLeft = shape.length - axis;
    if (axesLeft === 0) {
      let flat = 0;
      for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + index[d];
      return element(flat);
    }
    const nextHangingIndent = hangingIndent + ' ';
    const nextWidth = currWidth - 1; // len(']')
    const aLen = shape[axis];
    const showSummary = summaryInsert !== '' && 2 * edgeItems < aLen;
    const leadingItems = showSummary ? edgeItems : 0;
    const trailingItems = showSummary ? edgeItems : aLen;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      const state = { s: '', line: hangingIndent };
      for (let i = 0; i < leadingItems; i++) {
        extendLine(state, recurse([...index, i], nextHangingIndent, nextWidth), elemWidth, hangingIndent);
        state.line += separator;
      }
      if (showSummary) {
        extendLine(state, summaryInsert, elemWidth, hangingIndent);
        state.line += separator;
      }
      for (let i = trailingItems; i > 1; i--) {
        extendLine(state, recurse([...index, aLen - i], nextHangingIndent, nextWidth), elemWidth, hangingIndent);
        state.line += separator;
      }
      extendLine(state, recurse([...index, aLen - 1], nextHangingIndent, nextWidth), elemWidth, hangingIndent);
      s = state.s + state.line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leadingItems; i++)
        s += hangingIndent + recurse([...index, i], nextHangingIndent, nextWidth) + lineSep;
      if (showSummary) s += hangingIndent + summaryInsert + lineSep;
      for (let i = trailingItems; i > 1; i--)
        s += hangingIndent + recurse([...index, aLen - i], nextHangingIndent, nextWidth) + lineSep;
      s += hangingIndent + recurse([...index, aLen - 1], nextHangingIndent, nextWidth);
    }
    return '[' + s.slice(hangingIndent.length) + ']';
  };
  return recurse([], nextLinePrefix, lineWidth);
}

/** Python's repr of a shape tuple: (3,), (0, 2). */
function shapeTuple(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * repr(a) ('repr': `array([...], dtype=float32)`) or str(a) ('str': what print(a) shows) of a float32 or float64
 * NumPy array with the given values (row-major) and shape, under the given print options: array_repr /
 * array_str and array2string of numpy/core/arrayprint.py. A 0-d array's str is its scalar's str, which is not
 * reproduced here (it throws).
 */
export function formatNumpyArray(
  values: ArrayLike<number>,
  shape: number[],
  dtype: NumpyFloatDtype,
  style: 'repr' | 'str',
  options?: NumpyPrintOptions
): string {
  const o = resolveOptions(options);
  const size = shape.reduce((a, b) => a * b, 1);
  if (values.length !== size)
    throw new Error(`values: expected ${size} values for shape ${shapeTuple(shape)}, got ${values.length}`);
  if (style === 'str' && shape.length === 0)
    throw new Error("style: str of a 0-d array is the scalar's str, not reproduced");
  // float64 is implied by a repr's values; float32 is named after them
  const skipDtype = dtype === 'float64' && size > 0;
  const prefix = style === 'repr' ? 'array(' : '';
  const suffix = style === 'repr' ? (skipDtype ? ')' : ',') : '';
  let body: string;
  if (size === 0) {
    body = style === 'str' || shape.length === 1 ? '[]' : `[], shape=${shapeTuple(shape)}`;
  } else {
    const summarise = size > o.threshold;
    const shownIndices = numpyShownIndices(shape, o);
    const format = numpyFloatFormat(
      shownIndices.map((i) => values[i]),
      dtype,
      o
    );
    body = formatArrayText(
      shape,
      (flat) => formatNumpyElement(values[flat], format),
      o.linewidth - suffix.length,
      ' ' + ' '.repeat(prefix.length),
      style === 'repr' ? ', ' : ' ',
      o.edgeitems,
      summarise ? '...' : ''
    );
  }
  if (style === 'str') return body;
  const arrStr = prefix + body + suffix;
  if (skipDtype) return arrStr;
  const dtypeStr = `dtype=${dtype})`;
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + dtypeStr.length + 1 > o.linewidth ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + dtypeStr;
}

// ---------------------------------------------------------------------------------------------
// Judging a pasted NumPy print element by element.
//
// With the default floatmode='maxprec', an element's text (its padding aside) depends on the rest of the array
// only through the notation, and in scientific notation through the digits every element shows:
// - fixed notation: dragon4_positional(x, precision=k, min_digits=0, unique=True, fractional=True, trim='.'),
//   the shortest decimal of x in the dtype when it has at most k digits after the point, else x rounded to k
//   digits (trailing zeros trimmed, the point kept: `1.`, `0.5`, `-0.`);
// - scientific notation: dragon4_scientific(x, precision=P, min_digits=P, unique=True, trim='k',
//   exp_digits=E), where P (<= k) is the most digits after the point any element needs (so every element shows
//   exactly P, extra ones being the exact value's digits: 1e-5 in float32 with P = 7 prints 9.9999997e-06) and E
//   the most exponent digits: both can be read off any one token.
// So a token is judged from itself and k. k (np.set_printoptions(precision=k)) is not printed anywhere: a token
// with d digits after the point says k >= d, and the paste as a whole says k >= max d; a larger k changes an
// element's text only when its shortest decimal has more than k digits after the point. judgeNumpyPaste tries
// every k from max d up to the longest shortest decimal among our values (beyond which every k prints alike)
// and keeps the one under which the most elements print as pasted (NumPy's default 8 when it is one of them).

/** A pasted NumPy token: its notation and what it says about the print. */
interface TokenShape {
  kind: 'nan' | 'inf' | '-inf' | 'positional' | 'scientific' | 'other';
  /** '+' printed before a non-negative value (np.set_printoptions(sign='+')) */
  plus: boolean;
  /** digits after the point (of the mantissa in scientific notation) */
  fraction: number;
  /** exponent digits (scientific notation) */
  expDigits: number;
}

function tokenShape(token: string): TokenShape {
  const t = token.trim();
  const plus = t.startsWith('+');
  const bare = t.replace(/^[+-]/, '');
  if (bare === 'nan') return { kind: 'nan', plus, fraction: 0, expDigits: 0 };
  if (bare === 'inf') return { kind: t.startsWith('-') ? '-inf' : 'inf', plus, fraction: 0, expDigits: 0 };
  const m = /^[+-]?\d+\.(\d*)(?:e[+-](\d+))?$/.exec(t);
  if (!m) return { kind: 'other', plus, fraction: 0, expDigits: 0 };
  if (m[2] !== undefined) return { kind: 'scientific', plus, fraction: m[1].length, expDigits: m[2].length };
  return { kind: 'positional', plus, fraction: m[1].length, expDigits: 0 };
}

export interface NumpyMatchOptions {
  /** the dtype of the array NumPy printed: float32 for x.numpy(), float64 for x.double().numpy() */
  dtype: NumpyFloatDtype;
  /** np.set_printoptions(precision=k) in force when it was printed (default 8); see judgeNumpyPaste to infer it */
  precision?: number;
}

function matchesShape(v: number, t: string, shape: TokenShape, dtype: NumpyFloatDtype, precision: number): boolean {
  switch (shape.kind) {
    case 'nan':
      return Number.isNaN(v) && t === (shape.plus ? '+nan' : 'nan');
    case 'inf':
      return v === Infinity;
    case '-inf':
      return v === -Infinity;
    case 'other':
      return false;
    default:
  }
  if (!Number.isFinite(v)) return false;
  if (shape.kind === 'scientific') {
    if (shape.fraction > precision) return false;
    return (
      dragon4Scientific(v, dtype, {
        precision: shape.fraction,
        minDigits: shape.fraction,
        unique: true,
        trim: 'k',
        sign: shape.plus,
        expDigits: shape.expDigits
      }) === t
    );
  }
  return (
    dragon4Positional(v, dtype, {
      precision,
      minDigits: 0,
      unique: true,
      fractional: true,
      trim: '.',
      sign: shape.plus
    }) === t
  );
}

/**
 * Whether NumPy, printing an array of the given dtype that holds `value` (with floatmode='maxprec', the default),
 * prints this element as `token` (padding whitespace aside): the notation and, in scientific notation, the number
 * of digits and of exponent digits are read from the token, as every element of one print shares them.
 * `value` is our result (a float32 value; for dtype float64, the double holding it, as x.double().numpy() does).
 */
export function numpyElementMatches(value: number, token: string, options: NumpyMatchOptions): boolean {
  const precision = options.precision ?? 8;
  if (!Number.isInteger(precision) || precision < 0)
    throw new Error(`precision: expected a non-negative integer, got ${precision}`);
  const t = token.trim();
  return matchesShape(inDtype(value, options.dtype), t, tokenShape(t), options.dtype, precision);
}

/**
 * Whether the tokens of a float32 NumPy print each name one float32 value, so that equal digits mean equal bits:
 * a nan or inf does; a token in positional notation does when the float32 nearest its decimal prints as it does and
 * neither float32 next to that one does, under the reading (floatmode 'maxprec': the shortest decimal cut at the
 * precision, taken as the most digits after the point any token shows, the fewest the print allows; 'fixed': rounded
 * to `precision` digits; 'maxprec_equal': the shortest, cut at and padded to `precision`); a token in scientific
 * notation is not judged (false).
 */
export function numpyTokensPinFloat32(
  tokens: readonly string[],
  floatmode: 'maxprec' | 'fixed' | 'maxprec_equal',
  precision: number
): boolean {
  const trimmed = tokens.map((t) => t.trim());
  const shapes = trimmed.map(tokenShape);
  const cut =
    floatmode === 'maxprec'
      ? shapes.reduce((k, s) => (s.kind === 'positional' ? Math.max(k, s.fraction) : k), 0)
      : precision;
  return trimmed.every((t, i) => {
    const shape = shapes[i];
    if (shape.kind === 'nan' || shape.kind === 'inf' || shape.kind === '-inf') return true;
    if (shape.kind !== 'positional') return false;
    const print = (w: number): string =>
      floatmode === 'maxprec'
        ? dragon4Positional(w, 'float32', {
            precision: cut,
            minDigits: 0,
            unique: true,
            fractional: true,
            trim: '.',
            sign: shape.plus
          })
        : dragon4Positional(w, 'float32', {
            precision: cut,
            ...(floatmode === 'maxprec_equal' ? { minDigits: cut } : {}),
            unique: floatmode === 'maxprec_equal',
            fractional: true,
            trim: 'k',
            sign: shape.plus
          });
    // the float32 nearest the token must print as it (else no float32 prints so: 11.71605401, 8 decimals on a
    // value that needs 6, is no float32 print), and neither float32 next to it may
    const v = Math.fround(Number(t));
    return print(v) === t && [nextUpF32(v), nextDownF32(v)].every((w) => !Number.isFinite(w) || print(w) !== t);
  });
}

export interface NumpyPasteJudgement {
  /** the dtype NumPy printed: of the dtypes tried, the one under which the most elements match (on a tie, the first whose format agrees) */
  dtype: NumpyFloatDtype;
  /** a precision k (np.set_printoptions(precision=k)) under which the most elements print as pasted: 8 when 8 is one */
  precision: number;
  /** per token, whether our value prints as the token under dtype and precision */
  matches: boolean[];
  /** how many match */
  matched: number;
  /** the paste's notation: 'positional', 'scientific', or 'none' (no finite numbers, or both notations) */
  notation: 'positional' | 'scientific' | 'none';
  /**
   * Whether NumPy, with these options, prints our values in the paste's notation (and, in scientific notation, with
   * its number of digits and exponent digits): when all elements match but this is false, the paste is not NumPy's
   * print of our array (some elements differ in ways the element texts cannot show, or other print options were set).
   */
  formatAgrees: boolean;
  /** whether formatAgrees needs np.set_printoptions(suppress=True) (small values printed in fixed notation) */
  suppress: boolean;
  /**
   * np.set_printoptions(floatmode=...) of the reading: 'maxprec' (the default), or, for a positional paste whose
   * numbers all show the same digits after the point with trailing zeros kept, 'fixed' or 'maxprec_equal'
   */
  floatmode: 'maxprec' | 'fixed' | 'maxprec_equal';
}

/** How well a reading's format fits the paste: 2 as NumPy prints by default, 1 with another floatmode, 0 not at all. */
const rank = (j: NumpyPasteJudgement): number => (j.formatAgrees ? (j.floatmode === 'maxprec' ? 2 : 1) : 0);

/**
 * The digits after the point every positional token shows, when they all show the same number: perhaps NumPy's
 * floatmode 'fixed' or 'maxprec_equal' (tried when 'maxprec' leaves elements unmatched: some tokens end in a zero,
 * which 'maxprec' never prints, or show more digits than the shortest decimal of ours, as 'fixed' does past the
 * digits a float32 needs); null otherwise.
 */
function equalDigits(shapes: TokenShape[]): number | null {
  const positional = shapes.map((s, i) => (s.kind === 'positional' ? i : -1)).filter((i) => i >= 0);
  if (positional.length === 0) return null;
  const f = shapes[positional[0]].fraction;
  return f === 0 || positional.some((i) => shapes[i].fraction !== f) ? null : f;
}

/**
 * Judges a pasted NumPy print (repr or str) against our values, element by element: `ours[i]` is our value at the
 * place of `tokens[i]` (for a summarised print, the shown corners only, in row-major order, as the parser lists
 * the tokens). Tries each dtype in `dtypes` (NumPy's str does not show it; a repr does) and the precisions the
 * paste allows (see the comment above), keeping the reading under which the most elements match.
 */
export function judgeNumpyPaste(
  ours: ArrayLike<number>,
  tokens: string[],
  dtypes: NumpyFloatDtype[] = ['float32', 'float64']
): NumpyPasteJudgement {
  if (ours.length !== tokens.length)
    throw new Error(`tokens: expected ${ours.length} tokens, one per value, got ${tokens.length}`);
  if (dtypes.length === 0) throw new Error('dtypes: expected at least one dtype');
  const trimmed = tokens.map((t) => t.trim());
  const shapes = trimmed.map(tokenShape);
  const hasPositional = shapes.some((s) => s.kind === 'positional');
  const hasScientific = shapes.some((s) => s.kind === 'scientific');
  const notation = hasPositional === hasScientific ? 'none' : hasPositional ? 'positional' : 'scientific';
  let kMin = 0;
  let sciFraction = 0;
  let sciExp = 0;
  for (const s of shapes) {
    if (s.kind === 'positional' || s.kind === 'scientific') kMin = Math.max(kMin, s.fraction);
    if (s.kind === 'scientific') {
      sciFraction = Math.max(sciFraction, s.fraction);
      sciExp = Math.max(sciExp, s.expDigits);
    }
  }

  let best: NumpyPasteJudgement | null = null;
  for (const dtype of dtypes) {
    const values = Array.from(ours, (v) => inDtype(v, dtype));
    // for each value with a positional token, its shortest decimal (no cutoff): every k >= its digits after the
    // point prints it
    const shortest = values.map((v, i) =>
      shapes[i].kind === 'positional' && Number.isFinite(v)
        ? dragon4Positional(v, dtype, { minDigits: 0, unique: true, fractional: true, trim: '.', sign: shapes[i].plus })
        : null
    );
    const digits = shortest.map((t) => (t === null ? 0 : t.length - t.indexOf('.') - 1));
    const kMax = digits.reduce((a, b) => Math.max(a, b), kMin);
    const judge = (k: number): boolean[] =>
      values.map((v, i) => {
        const t = shortest[i];
        if (t !== null && digits[i] <= k) return t === trimmed[i];
        return matchesShape(v, trimmed[i], shapes[i], dtype, k);
      });
    // NumPy's default first, then every k the paste allows; any k beyond kMax prints as kMax does
    const candidates = [Math.min(Math.max(8, kMin), kMax)];
    for (let k = kMin; k <= kMax; k++) if (k !== candidates[0]) candidates.push(k);
    let bestK = candidates[0];
    let bestMatches: boolean[] = [];
    let bestCount = -1;
    for (const k of candidates) {
      const m = judge(k);
      const count = m.filter(Boolean).length;
      if (count > bestCount) {
        bestK = k;
        bestMatches = m;
        bestCount = count;
      }
      if (count === values.length) break;
    }
    // report the default 8 when it prints alike (k at kMax stands for every larger k)
    let precision = bestK === kMax && kMax < 8 ? 8 : bestK;
    let floatmode: NumpyPasteJudgement['floatmode'] = 'maxprec';
    // every number with f digits after the point, zeros kept (arrayprint.py FloatingFormat.fillFormat):
    // 'maxprec_equal' prints the shortest digits padded with zeros to f, 'fixed' the value rounded to f digits
    const f = bestCount < values.length ? equalDigits(shapes) : null;
    for (const mode of f === null ? [] : (['fixed', 'maxprec_equal'] as const)) {
      const unique = mode === 'maxprec_equal';
      // 'maxprec_equal' pads to the most digits any element's shortest decimal needs (cut at precision): fewer than
      // f, and it would not have printed f
      if (unique && digits.reduce((a, b) => Math.max(a, b), 0) < f!) continue;
      const m = values.map((v, i) =>
        shapes[i].kind === 'positional'
          ? Number.isFinite(v) &&
            dragon4Positional(v, dtype, {
              precision: f!,
              ...(unique ? { minDigits: f! } : {}),
              unique,
              fractional: true,
              trim: 'k',
              sign: shapes[i].plus
            }) === trimmed[i]
          : matchesShape(v, trimmed[i], shapes[i], dtype, f!)
      );
      const count = m.filter(Boolean).length;
      if (count > bestCount) {
        bestMatches = m;
        bestCount = count;
        precision = f!;
        floatmode = mode;
      }
    }
    const { fixed, ...format } = formatAgreement(values, dtype, precision, notation, sciFraction, sciExp);
    const reading: NumpyPasteJudgement = {
      dtype,
      matches: bestMatches,
      matched: bestCount,
      notation,
      floatmode: fixed ? 'fixed' : floatmode,
      ...format
    };
    // the most matches; on a tie, the dtype whose print has the paste's format (float32 and float64 digits often
    // agree), by NumPy's default floatmode before another ('fixed' prints a float32 with a float64's digits)
    if (
      best === null ||
      reading.matched > best.matched ||
      (reading.matched === best.matched && rank(reading) > rank(best))
    )
      best = reading;
    if (best.matched === values.length && rank(best) === 2) break;
  }
  return best!;
}

/**
 * Whether NumPy prints our values in the paste's notation (and digits), by default or with suppress=True. In
 * scientific notation the digits shown, P, are the most any element needs, capped at k: when ours need more than
 * the paste shows, only k = P prints them so; with floatmode='fixed' every element shows k digits (arrayprint.py
 * FloatingFormat: unique=False in scientific notation too), so a paste showing more digits than ours need is that.
 */
function formatAgreement(
  values: number[],
  dtype: NumpyFloatDtype,
  precision: number,
  notation: NumpyPasteJudgement['notation'],
  sciFraction: number,
  sciExp: number
): { precision: number; formatAgrees: boolean; suppress: boolean; fixed?: true } {
  if (notation === 'none') return { precision, formatAgrees: true, suppress: false };
  const readings: { precision: number; fixed?: true }[] = [{ precision }];
  if (notation === 'scientific') {
    if (sciFraction !== precision) readings.push({ precision: sciFraction });
    readings.push({ precision: sciFraction, fixed: true });
  }
  for (const { precision: k, fixed } of readings) {
    for (const suppress of [false, true]) {
      const f = numpyFloatFormat(values, dtype, { precision: k, suppress, ...(fixed ? { floatmode: 'fixed' } : {}) });
      const agrees =
        notation === 'positional' ? !f.expFormat : f.expFormat && f.precision === sciFraction && f.expSize === sciExp;
      if (agrees) return { precision: k, formatAgrees: true, suppress, ...(fixed ? { fixed } : {}) };
    }
  }
  return { precision, formatAgrees: false, suppress: false };
}
