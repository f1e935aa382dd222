// The diff of our float32 sample against PyTorch output the user pasted: which rule judges it, which
// elements match, the torch.testing.assert_close-style summary, and which RNG profile reproduces the paste.
// The summary's first block is character for character what torch.testing.assert_close (1.13) raises
// (torch/testing/_comparison.py: make_tensor_mismatch_msg), checked by test/fixtures/compare/ from PyTorch.
import type { Comparison, CompareRule, IndexedValue, MatrixF32, RngProfile, RunResult, SamplerInputs } from '../types';
import { RNG_PROFILES } from '../types';
import { parseTensorText, tokenValue, type ParsedTensor, type SummaryDim, type TensorSummary } from '../tensors/parseTensor';
import { formatFixedF64, formatScientificF64, formatFloat32Shortest, pythonTuple } from '../tensors/printTensor';
import { runSampler } from '../sampler/sampler';
import { nextDownF32, nextUpF32, ulpDistanceF32 } from '../float32';
import { errorFirstLine } from '../errors';
import { lineColumnAt, scanJson } from '../tensors/jsonText';

/** torch.testing's default tolerances for float32 (torch/testing/_comparison.py: _DTYPE_PRECISIONS). */
export const DEFAULT_RTOL_F32 = 1.3e-6;
export const DEFAULT_ATOL_F32 = 1e-5;

export interface CompareOptions {
  /** relative tolerance; giving rtol or atol selects the tolerance rule */
  rtol?: number;
  /** absolute tolerance; giving rtol or atol selects the tolerance rule */
  atol?: number;
  /** the name used in error messages for the pasted text (default "expected") */
  field?: string;
}

// ---------------------------------------------------------------------------------------------
// Python's number formatting, as assert_close's message uses it

/** Python's repr(float) (float_repr_style 'short'): shortest round-trip digits; exponent form below 1e-4 and from 1e16 on (Python/pystrtod.c). */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = x.toExponential(); // shortest digits that read back as x, closest to x (ECMA-262 Number::toExponential)
  const ePos = e.indexOf('e');
  const sign = x < 0 ? '-' : '';
  const digits = e.slice(0, ePos).replace('-', '').replace('.', '');
  const exp10 = Number(e.slice(ePos + 1));
  const decpt = exp10 + 1; // x = 0.digits * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
}

/** Python's f"{count / total:.1%}" (the division and the *100 in double, then '{:.1f}' with ties to even). */
export function formatPythonPercent(count: number, total: number): string {
  return `${formatFixedF64((count / total) * 100, 1)}%`;
}

/** A tuple index as Python prints it: (2, 1). */
function pythonIndex(index: [number, number]): string {
  return `(${index[0]}, ${index[1]})`;
}

// ---------------------------------------------------------------------------------------------
// The pasted numbers as written (needed to know how precisely each was printed)

const NUMBER_RE = /^[-+]?(?:nan|inf(?:inity)?|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/i;

/**
 * The numbers of a printed tensor as written, row-major, "..." left out (run after parseTensorText
 * accepted the text). Returns null when the text has a form this scan does not follow; the caller
 * then falls back on the parsed values.
 */
function scanLiterals(text: string): string[] | null {
  const s = text;
  let i = 0;
  const skipSpace = (): void => { while (i < s.length && /\s/.test(s[i])) i++; };
  const readNumber = (): string | null => {
    const quote = s[i] === '"' || s[i] === "'" ? s[i++] : '';
    const m = NUMBER_RE.exec(s.slice(i, i + 400));
    if (!m) return null;
    i += m[0].length;
    if (quote) { if (s[i] !== quote) return null; i++; }
    return m[0];
  };
  skipSpace();
  const prefix = /^(?:tensor|array)\s*\(/.exec(s.slice(i, i + 20));
  if (prefix) i += prefix[0].length;
  skipSpace();
  if (s[i] !== '[') { const lit = readNumber(); return lit === null ? null : [lit]; }
  const out: string[] = [];
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '[') { depth++; i++; continue; }
    if (c === ']') { depth--; i++; if (depth === 0) return out; continue; }
    if (c === ',' || /\s/.test(c)) { i++; continue; }
    if (s.startsWith('...', i)) { i += 3; continue; }
    const lit = readNumber();
    if (lit === null) return null;
    out.push(lit);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Laying the paste over our (rows, cols) sample

interface Layout {
  /** per element of our sample (row-major): the pasted literal, or null where the paste gave none */
  literals: (string | null)[];
  /** the paste cannot be our sample whatever the values (it holds a different number of elements) */
  shapeMismatch: boolean;
  shapeNote?: string;
  /** the paste's full shape when it is known and differs in size from ours (assert_close's shape message) */
  mismatchedShape?: number[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function rangeText(from: number, to: number): string {
  return from === to ? `${from}` : `${from}-${to}`;
}

/** Lays a complete paste of the given shape and row-major literals over (rows, cols). */
function layFull(lits: string[], pasteShape: number[], rows: number, cols: number): Layout {
  const total = rows * cols;
  const ours = pythonTuple([rows, cols]);
  const literals: (string | null)[] = new Array(total).fill(null);
  const sameShape = pasteShape.length === 2 && pasteShape[0] === rows && pasteShape[1] === cols;
  if (sameShape || lits.length === total) {
    for (let k = 0; k < total; k++) literals[k] = lits[k];
    const shapeNote = sameShape ? undefined
      : `the paste has shape ${pythonTuple(pasteShape)} and ours ${ours}; both hold ${total} values, compared in row-major order.`;
    return { literals, shapeMismatch: false, shapeNote };
  }
  if (pasteShape.length === 2) {
    const [pr, pc] = pasteShape;
    const r = Math.min(pr, rows);
    const c = Math.min(pc, cols);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) literals[i * cols + j] = lits[i * pc + j];
    const block = r * c === 0 ? 'nothing overlaps'
      : `compared the overlapping block, rows ${rangeText(0, r - 1)} and columns ${rangeText(0, c - 1)} (${r * c} of ${total} values)`;
    return { literals, shapeMismatch: true, mismatchedShape: pasteShape, shapeNote: `the paste has shape ${pythonTuple(pasteShape)} but ours is ${ours}; ${block}.` };
  }
  const n = Math.min(lits.length, total);
  for (let k = 0; k < n; k++) literals[k] = lits[k];
  return {
    literals,
    shapeMismatch: true,
    mismatchedShape: pasteShape,
    shapeNote: `the paste has shape ${pythonTuple(pasteShape)} (${plural(lits.length, 'value')}) but ours is ${ours} (${total}); compared the first ${n} in row-major order.`
  };
}

/** Kept index i of a summarised dimension of full size `size` (tensorText.ts: SummaryDim). */
function fullIndex(i: number, dim: SummaryDim, size: number): number {
  return i < dim.leading ? i : size - (dim.leading + dim.trailing) + i;
}

function dimFits(dim: SummaryDim, kept: number, size: number): boolean {
  return dim.elided ? dim.leading + dim.trailing < size : kept === size;
}

function dimText(dim: SummaryDim, size: number, what: string): string {
  return dim.elided ? `the first ${dim.leading} and last ${dim.trailing} of our ${size} ${what}` : `all ${size} ${what}`;
}

/** Lays a summarised print ("..." in place of rows, columns or values) over (rows, cols): kept leading items at the start, trailing at the end. */
function laySummarised(lits: string[], shape: number[], summary: TensorSummary, rows: number, cols: number): Layout {
  const total = rows * cols;
  const literals: (string | null)[] = new Array(total).fill(null);
  const place = (at: number, lit: string): number => {
    if (at < 0 || at >= total || literals[at] !== null) return 0;
    literals[at] = lit;
    return 1;
  };
  let placed = 0;
  let fits: boolean;
  let what: string;
  if (shape.length === 2 && summary.dims.length === 2) {
    const [dr, dc] = summary.dims;
    fits = dimFits(dr, shape[0], rows) && dimFits(dc, shape[1], cols);
    for (let i = 0; i < shape[0]; i++) {
      const ri = fullIndex(i, dr, rows);
      for (let j = 0; j < shape[1]; j++) {
        const ci = fullIndex(j, dc, cols);
        if (ri >= 0 && ri < rows && ci >= 0 && ci < cols) placed += place(ri * cols + ci, lits[i * shape[1] + j]);
      }
    }
    what = `${dimText(dr, rows, 'rows')} and ${dimText(dc, cols, 'columns')}`;
  } else if (shape.length === 1 && summary.dims.length === 1) {
    const [dv] = summary.dims;
    fits = dimFits(dv, shape[0], total);
    for (let i = 0; i < shape[0]; i++) placed += place(fullIndex(i, dv, total), lits[i]);
    what = `${dimText(dv, total, 'values')} in row-major order`;
  } else {
    return {
      literals,
      shapeMismatch: true,
      shapeNote: `the paste is a summarised ("...") ${shape.length}-D print, which cannot be laid over our shape ${pythonTuple([rows, cols])}; nothing compared.`
    };
  }
  if (!fits) {
    return {
      literals,
      shapeMismatch: true,
      shapeNote: `the paste is summarised ("...") with a printed block of ${pythonTuple(shape)} that does not fit our shape ${pythonTuple([rows, cols])}; compared ${placed} of ${total} values where they fall.`
    };
  }
  return { literals, shapeMismatch: false, shapeNote: `the paste is summarised ("..."): compared ${what}, ${placed} of ${total} values.` };
}

function formatNumberLiteral(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}

function layPaste(parsed: ParsedTensor, text: string, rows: number, cols: number): Layout {
  const scanned = scanLiterals(text);
  const agrees = scanned !== null && scanned.length === parsed.values.length
    && scanned.every((lit, k) => Object.is(tokenValue(lit), parsed.values[k]));
  // when the scan cannot follow the text, the parser's values stand in (printed at its decimals if it found them)
  const lits = agrees ? scanned : Array.from(parsed.values, (v) =>
    parsed.printedDecimals !== null && Number.isFinite(v) ? formatFixedF64(v, parsed.printedDecimals) : formatNumberLiteral(v));
  if (parsed.summarized && parsed.summary) return laySummarised(lits, parsed.shape, parsed.summary, rows, cols);
  return layFull(lits, parsed.shape, rows, cols);
}

// ---------------------------------------------------------------------------------------------
// How each pasted number was printed, and what it says about the float32 behind it

type LiteralStyle =
  | { kind: 'fixed'; decimals: number } // '{:.4f}': PyTorch's default print
  | { kind: 'sci'; decimals: number } // '{:.4e}': PyTorch's sci mode
  | { kind: 'int' } // '{:.0f}.' (PyTorch's int mode: the value is that integer exactly) or a plain integer
  | { kind: 'exact' } // a zero in a PyTorch print: exactly +-0 (any other value below 1e-4 switches the print to sci mode)
  | { kind: 'special' }; // nan, inf, -inf

/** How a pasted number was printed, given where the paste came from. */
function literalStyle(lit: string, source: ParsedTensor['source']): LiteralStyle {
  const style = styleOf(lit);
  // torch/_tensor_str.py _Formatter: fixed mode only when every nonzero |value| >= 1e-4, and sci mode prints 0 as 0.0000e+00
  if (source === 'torch' && (style.kind === 'fixed' || style.kind === 'sci') && tokenValue(lit) === 0) return { kind: 'exact' };
  return style;
}

/** Whether a style says how the value was rounded (exact, int and special literals say nothing about the print's precision). */
function isRoundedStyle(style: LiteralStyle): style is { kind: 'fixed' | 'sci'; decimals: number } {
  return style.kind === 'fixed' || style.kind === 'sci';
}

function styleOf(lit: string): LiteralStyle {
  if (/nan|inf/i.test(lit)) return { kind: 'special' };
  const m = /^[-+]?(\d*)(?:\.(\d*))?([eE][-+]?\d+)?$/.exec(lit);
  const frac = m?.[2];
  if (m?.[3]) return { kind: 'sci', decimals: (frac ?? '').length };
  if (frac === undefined || frac.length === 0) return { kind: 'int' };
  return { kind: 'fixed', decimals: frac.length };
}

function sameStyle(a: LiteralStyle, b: LiteralStyle): boolean {
  if (a.kind !== b.kind) return false;
  return (a.kind !== 'fixed' && a.kind !== 'sci') || a.decimals === (b as { decimals: number }).decimals;
}

/** Python's '{:.kf}' / '{:.ke}' of the double v, the way PyTorch prints an element in that style. */
function printInStyle(v: number, style: LiteralStyle): string {
  if (style.kind === 'fixed') return formatFixedF64(v, style.decimals);
  if (style.kind === 'sci') return formatScientificF64(v, style.decimals);
  return formatNumberLiteral(v);
}

/** Whether two float32 values have the same bit pattern, any NaN counting equal to any NaN (a printed "nan" carries no payload). */
function sameFloat32(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Object.is(Math.fround(a), Math.fround(b));
}

/** Whether two printed numbers say the same thing (sign of zero included). */
function samePrinted(a: string, b: string): boolean {
  return Object.is(tokenValue(a), tokenValue(b));
}

/**
 * round(|v| * 10^k) with ties to even, computed in double when that is sure to give the exact result
 * (far enough from a tie for the one rounding of the product not to matter); null otherwise.
 */
function roundScaledFast(v: number, k: number): number | null {
  if (k > 15) return null;
  const a = Math.abs(v) * 10 ** k; // 10^k is exact for k <= 22; the product is within a * 2^-53 of the exact value
  if (!(a < 2 ** 50)) return null;
  const whole = Math.floor(a);
  const frac = a - whole;
  if (Math.abs(frac - 0.5) <= a * 2.3e-16 + 1e-9) return null;
  return frac > 0.5 ? whole + 1 : whole;
}

/** Whether a float32 value, printed the way the literal was printed, gives the literal. */
function printsAs(v: number, lit: string, style: LiteralStyle): boolean {
  if (!isRoundedStyle(style)) return sameFloat32(v, Math.fround(tokenValue(lit)));
  if (style.kind === 'fixed') {
    // fast path for '{:.kf}': compare the rounded integer v * 10^k with the literal's digits
    const r = roundScaledFast(v, style.decimals);
    const digits = lit.replace(/^[-+]/, '').replace('.', '');
    if (r !== null && digits.length <= 15) {
      if (r !== Number(digits)) return false;
      return (v < 0 || Object.is(v, -0)) === lit.startsWith('-');
    }
  }
  return samePrinted(printInStyle(v, style), lit);
}

/** Whether exactly one float32 value prints as the literal in its style (so the print identifies the value). */
function pinsDownF32(lit: string, style: LiteralStyle): boolean {
  if (!isRoundedStyle(style)) return true;
  const x = Math.fround(tokenValue(lit));
  if (!Number.isFinite(x) || !printsAs(x, lit, style)) return false;
  return !printsAs(nextUpF32(x), lit, style) && !printsAs(nextDownF32(x), lit, style);
}

/** Whether the literal is a full-precision decimal: 9+ significant digits, or the shortest decimal of its float32. */
function isFullPrecisionLiteral(lit: string): boolean {
  if (/nan|inf/i.test(lit)) return true;
  const mantissa = lit.replace(/^[-+]/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  if (mantissa.length >= 9) return true;
  const v = tokenValue(lit);
  return Object.is(tokenValue(formatFloat32Shortest(v)), v);
}

interface RuleChoice {
  rule: CompareRule;
  explanation: string;
  /** the paste's numbers identify float32 values exactly (so bitwise equality can be told) */
  pinned: boolean;
  /** the printed style when all finite pasted numbers share one */
  style: LiteralStyle | null;
}

function describeStyle(style: LiteralStyle): string {
  if (style.kind === 'fixed') return `${style.decimals} decimal${style.decimals === 1 ? '' : 's'}`;
  if (style.kind === 'sci') return `${style.decimals + 1} significant digits (scientific notation)`;
  return 'whole numbers';
}

function chooseRule(lits: string[], source: ParsedTensor['source'], explicitTol: boolean, rtol: number, atol: number): RuleChoice {
  const styles = lits.map((l) => literalStyle(l, source));
  const rounded = styles.filter(isRoundedStyle);
  const ints = styles.filter((st) => st.kind === 'int');
  // one printed style for every number (nan, inf and PyTorch's exact zeros fit any)
  let style: LiteralStyle | null = null;
  if (rounded.length > 0 && ints.length === 0 && rounded.every((st) => sameStyle(st, rounded[0]))) style = rounded[0];
  else if (rounded.length === 0 && ints.length > 0) style = ints[0];
  const looksPrinted = style !== null && (source === 'torch' || style.kind === 'sci' || (style.kind === 'fixed' && style.decimals >= 4));
  const pinned = looksPrinted && style
    ? lits.every((l, k) => pinsDownF32(l, styles[k]))
    : lits.every(isFullPrecisionLiteral);
  const tolText = `|ours - pasted| <= atol + rtol * |pasted| with rtol=${formatPythonFloat(rtol)}, atol=${formatPythonFloat(atol)} (torch.testing.assert_close(ours, pasted), nan never equal)`;
  if (explicitTol) {
    return { rule: 'tolerance', pinned, style, explanation: `tolerance: ${tolText}, because tolerances were given.` };
  }
  if (looksPrinted && style) {
    if (pinned) {
      return {
        rule: 'bitwise', pinned, style,
        explanation: `bitwise: the paste was printed with ${describeStyle(style)}, enough to identify every float32 value, so an element matches only when it is our float32 value bit for bit.`
      };
    }
    return {
      rule: 'printed-precision', pinned, style,
      explanation: `printed precision: the paste was printed with ${describeStyle(style)}, so an element matches when our float32 value, printed the same way PyTorch prints it, gives the pasted text.`
    };
  }
  if (pinned) {
    return {
      rule: 'bitwise', pinned, style,
      explanation: 'bitwise: every pasted number has enough digits to identify one float32 value, so an element matches only when it reads back as our float32 value bit for bit.'
    };
  }
  return {
    rule: 'tolerance', pinned, style,
    explanation: `tolerance: the pasted numbers are neither a fixed-precision PyTorch print nor full-precision decimals, so they are judged by ${tolText}.`
  };
}

// ---------------------------------------------------------------------------------------------
// The comparison

/** torch.isclose(a, b, rtol, atol, equal_nan=False) on the float64 values (aten/src/ATen/native/TensorCompare.cpp). */
function iscloseF64(a: number, b: number, rtol: number, atol: number): boolean {
  if (a === b) return true;
  const actualError = Math.abs(a - b);
  return Number.isFinite(actualError) && actualError <= atol + Math.abs(rtol * b);
}

/** torch.max(values, 0) over the given indices: the first greatest, the first nan if any (aten/src/ATen/native/cpu/TensorCompareKernel.cpp). */
function greatestAt(values: Float64Array, indices: number[]): number {
  let best = -1;
  let bestValue = 0;
  for (const k of indices) {
    const v = values[k];
    if (best < 0 || !(v <= bestValue)) {
      best = k;
      bestValue = v;
      if (Number.isNaN(v)) break;
    }
  }
  return best;
}

function indexed(values: Float64Array, k: number, cols: number): IndexedValue | null {
  if (k < 0) return null;
  return { value: values[k], index: [Math.floor(k / cols), k % cols] };
}

function parsePaste(expectedText: string, field: string): ParsedTensor {
  const trimmed = expectedText.trim();
  if (trimmed.startsWith('{')) {
    // the JSON that `ddpm-lab sample --json` / `randn --json` prints: {"sample": [[...]]} or {"values": [...]}
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      const scan = scanJson(trimmed);
      if (scan.errorAt === null) throw new Error(`${field}: not valid JSON (${errorFirstLine(e)})`);
      const at = expectedText.indexOf(trimmed) + scan.errorAt; // positions in the text as given
      const { line, column } = lineColumnAt(expectedText, at);
      throw new Error(`${field}: not valid JSON: line ${line}, column ${column}: ${scan.reason}`);
    }
    const o = obj as Record<string, unknown>;
    const arr = o && typeof o === 'object' ? (o.sample ?? o.values) : undefined;
    if (!Array.isArray(arr)) throw new Error(`${field}: a JSON object must hold the tensor under "sample" or "values"`);
    return parseTensorText(JSON.stringify(arr).replace(/"(-?(?:nan|inf))"/gi, '$1'), field);
  }
  return parseTensorText(expectedText, field);
}

/**
 * Compares our float32 sample with pasted PyTorch output (a printed tensor, a list, or our CLI's JSON).
 * The rule is chosen from the paste (see chooseRule) unless rtol/atol are given, which select the tolerance rule.
 * Throws an Error with a one-line message naming the field when the paste cannot be read.
 */
export function compareSample(ours: MatrixF32, expectedText: string, opts: CompareOptions = {}): Comparison {
  return judgeSample(ours, preparePaste(expectedText, ours.rows, ours.cols, opts));
}

/** The paste read, laid over a (rows, cols) sample and its rule chosen: all that does not depend on our values. */
interface PreparedPaste {
  expectedText: string;
  rtol: number;
  atol: number;
  parsed: ParsedTensor;
  layout: Layout;
  choice: RuleChoice;
}

function preparePaste(expectedText: string, rows: number, cols: number, opts: CompareOptions): PreparedPaste {
  const field = opts.field ?? 'expected';
  const explicitTol = opts.rtol !== undefined || opts.atol !== undefined;
  const rtol = opts.rtol ?? DEFAULT_RTOL_F32;
  const atol = opts.atol ?? DEFAULT_ATOL_F32;
  if (!(rtol >= 0) || !Number.isFinite(rtol)) throw new Error(`rtol: expected a finite number >= 0, got ${rtol}`);
  if (!(atol >= 0) || !Number.isFinite(atol)) throw new Error(`atol: expected a finite number >= 0, got ${atol}`);
  const parsed = parsePaste(expectedText, field);
  const layout = layPaste(parsed, expectedText, rows, cols);
  const knownLits = layout.literals.filter((l): l is string => l !== null);
  const choice = chooseRule(knownLits, parsed.source, explicitTol, rtol, atol);
  return { expectedText, rtol, atol, parsed, layout, choice };
}

/** Judges our sample against a prepared paste (of the same shape). */
function judgeSample(ours: MatrixF32, paste: PreparedPaste): Comparison {
  const { expectedText, rtol, atol, parsed, layout, choice } = paste;
  const { rows, cols } = ours;
  const total = rows * cols;
  const expected = new Float32Array(total).fill(NaN);
  const absDiff = new Float32Array(total).fill(NaN);
  const absDiff64 = new Float64Array(total).fill(NaN);
  const relDiff64 = new Float64Array(total).fill(NaN);
  const mismatchMask = new Uint8Array(total);
  const known = new Uint8Array(total);
  const comparedIdx: number[] = [];
  const mismatchIdx: number[] = [];
  const stats: SummaryStats = { mismatchedShape: layout.mismatchedShape, maxUlpsAt: -1, nanOneSided: 0, allBitsEqual: true, anyPrintDiffers: false };
  let maxUlps: number | null = null;
  for (let k = 0; k < total; k++) {
    const lit = layout.literals[k];
    if (lit === null) continue;
    known[k] = 1;
    comparedIdx.push(k);
    const a = ours.data[k];
    const b = Math.fround(tokenValue(lit)); // torch.tensor(pasted) holds float32 values
    const style = literalStyle(lit, parsed.source);
    expected[k] = b;
    const d = Math.abs(a - b); // assert_close promotes both to float64
    absDiff64[k] = d;
    absDiff[k] = d;
    relDiff64[k] = d / Math.abs(b);
    const printsSame = printsAs(a, lit, style);
    let ok: boolean;
    if (choice.rule === 'tolerance') ok = iscloseF64(a, b, rtol, atol);
    else if (choice.rule === 'bitwise') ok = sameFloat32(a, b);
    else ok = printsSame;
    if (!ok) { mismatchMask[k] = 1; mismatchIdx.push(k); }
    if (!sameFloat32(a, b)) stats.allBitsEqual = false;
    if (!printsSame) stats.anyPrintDiffers = true;
    const u = ulpDistanceF32(a, b); // both nan: 0; nan on one side: Infinity
    if (u === Infinity && (Number.isNaN(a) || Number.isNaN(b))) {
      stats.nanOneSided++;
    } else if (maxUlps === null || u > maxUlps) {
      maxUlps = u;
      stats.maxUlpsAt = k;
    }
  }
  const compared = comparedIdx.length;
  const mismatched = mismatchIdx.length;
  // assert_close reports the greatest differences among the mismatched elements; when none mismatch, among all compared
  const statSet = mismatched > 0 ? mismatchIdx : comparedIdx;
  const greatestAbs = indexed(absDiff64, greatestAt(absDiff64, statSet), cols);
  const greatestRel = indexed(relDiff64, greatestAt(relDiff64, statSet), cols);
  const bitwiseEqual = compared > 0 && choice.pinned && stats.allBitsEqual;
  const matches = compared > 0 && mismatched === 0 && !layout.shapeMismatch;
  const printedDecimals = choice.style?.kind === 'fixed' ? choice.style.decimals
    : choice.style?.kind === 'int' ? 0 : null;

  const c: Comparison = {
    rule: choice.rule,
    ruleExplanation: choice.explanation,
    rtol,
    atol,
    expectedText,
    expected: { rows, cols, data: expected },
    known: compared === total ? null : known,
    printedDecimals,
    ...(layout.shapeNote ? { shapeNote: layout.shapeNote } : {}),
    compared,
    mismatched,
    mismatchMask,
    absDiff,
    greatestAbs,
    greatestRel,
    maxUlps,
    bitwiseEqual,
    matches,
    summary: ''
  };
  c.summary = buildSummary(c, choice, stats);
  return c;
}

interface SummaryStats {
  /** set when the paste's shape is known and its size differs from ours */
  mismatchedShape?: number[];
  maxUlpsAt: number;
  nanOneSided: number;
  allBitsEqual: boolean;
  /** some element of ours, printed the way its pasted number was printed, gives a different text */
  anyPrintDiffers: boolean;
}

/** The header and statistics block: assert_close's message when the rule is tolerance (or bitwise, its rtol=atol=0 form). */
function assertCloseBlock(c: Comparison, choice: RuleChoice): string {
  const equality = choice.rule === 'bitwise' || (choice.rule === 'tolerance' && c.rtol === 0 && c.atol === 0);
  let header: string;
  if (choice.rule === 'printed-precision') {
    header = c.mismatched > 0 ? 'Tensor-likes are not equal at the printed precision!' : 'Tensor-likes are equal at the printed precision!';
  } else if (equality) {
    header = c.mismatched > 0 ? 'Tensor-likes are not equal!' : 'Tensor-likes are equal!';
  } else {
    header = c.mismatched > 0 ? 'Tensor-likes are not close!' : 'Tensor-likes are close!';
  }
  const suffix = (tol: number): string => {
    if (choice.rule === 'printed-precision') return choice.style ? ` (printed with ${describeStyle(choice.style)})` : '';
    return equality ? '' : ` (up to ${formatPythonFloat(tol)} allowed)`;
  };
  const lines = [header, '', `Mismatched elements: ${c.mismatched} / ${c.compared} (${formatPythonPercent(c.mismatched, c.compared)})`];
  if (c.greatestAbs) lines.push(`Greatest absolute difference: ${formatPythonFloat(c.greatestAbs.value)} at index ${pythonIndex(c.greatestAbs.index)}${suffix(c.atol)}`);
  if (c.greatestRel) lines.push(`Greatest relative difference: ${formatPythonFloat(c.greatestRel.value)} at index ${pythonIndex(c.greatestRel.index)}${suffix(c.rtol)}`);
  return lines.join('\n');
}

function buildSummary(c: Comparison, choice: RuleChoice, stats: SummaryStats): string {
  const lines: string[] = [];
  if (stats.mismatchedShape) {
    // what assert_close raises first (torch/testing/_comparison.py: _compare_attributes)
    const size = (shape: number[]): string => `torch.Size([${shape.join(', ')}])`;
    lines.push(`The values for attribute 'shape' do not match: ${size([c.expected.rows, c.expected.cols])} != ${size(stats.mismatchedShape)}.`, '');
    if (c.compared > 0) lines.push('Where they overlap:');
  }
  if (c.compared === 0) {
    lines.push('Nothing to compare: the paste gives no value for any element of our sample.');
  } else {
    lines.push(assertCloseBlock(c, choice));
    if (c.maxUlps !== null) {
      const at: [number, number] = [Math.floor(stats.maxUlpsAt / c.expected.cols), stats.maxUlpsAt % c.expected.cols];
      const n = stats.nanOneSided;
      const nanNote = n > 0 ? ` (${n} element${n === 1 ? '' : 's'} with nan on one side not counted)` : '';
      lines.push(`Greatest distance in float32 ulps: ${c.maxUlps} at index ${pythonIndex(at)}${nanNote}`);
    } else {
      lines.push('Greatest distance in float32 ulps: none (nan on one side of every compared element)');
    }
    let bitwise: string;
    if (choice.pinned) bitwise = stats.allBitsEqual ? 'yes' : 'no';
    else if (stats.anyPrintDiffers) bitwise = 'no';
    else bitwise = 'cannot tell: the pasted digits do not identify float32 values exactly (print with torch.set_printoptions(precision=12) or print x.tolist() for that)';
    lines.push(`Bitwise equal: ${bitwise}`);
  }
  lines.push(`Rule: ${c.ruleExplanation}`);
  if (c.shapeNote) lines.push(`Shape: ${c.shapeNote}`);
  return lines.join('\n');
}

function profileLine(run: RngProfile, search: { tried: RngProfile[]; matching: RngProfile[] }): string {
  if (search.matching.length === 0) return `RNG profile: none of ${search.tried.join(', ')} reproduces the paste.`;
  const which = search.matching.join(' and ');
  return `RNG profile: ${run} does not reproduce the paste; ${which} ${search.matching.length === 1 ? 'does' : 'do'} (run again with profile ${search.matching[0]}).`;
}

/**
 * Compares a run's sample with pasted PyTorch output. When the run's RNG profile does not match, reruns the
 * sampler under each other profile (without trajectory) and reports which reproduce the paste (profileSearch).
 */
export function compareRun(inputs: SamplerInputs, run: RunResult, expectedText: string, opts: CompareOptions = {}): Comparison {
  const paste = preparePaste(expectedText, run.sample.rows, run.sample.cols, opts);
  const c = judgeSample(run.sample, paste);
  if (c.matches || c.compared === 0 || paste.layout.shapeMismatch) return c; // another profile cannot fix a shape
  const own = run.inputs.profile;
  const tried: RngProfile[] = [own];
  const matching: RngProfile[] = [];
  for (const p of RNG_PROFILES) {
    if (p === own) continue;
    tried.push(p);
    const other = runSampler(inputs, { profile: p, matmul: run.inputs.matmul, record: { kind: 'none' } }); // the run's matmul kept
    if (judgeSample(other.sample, paste).matches) matching.push(p);
  }
  const profileSearch = { tried, matching };
  return { ...c, profileSearch, summary: `${c.summary}\n${profileLine(own, profileSearch)}` };
}
