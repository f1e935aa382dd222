// How each pasted number was printed (PyTorch's fixed or scientific print at some precision, a whole number,
// nan/inf, or full-precision digits), and what that says about the float32 value behind it: whether our value
// prints as the pasted text, and whether the text identifies exactly one float32 value.
import { tokenValue, type ParsedTensor } from '../tensors/parseTensor';
import { formatFixedF64, formatGeneralF64, formatScientificF64, formatFloat32Shortest } from '../tensors/printTensor';
import { nextDownF32, nextUpF32 } from '../float32';

export type LiteralStyle =
  | { kind: 'fixed'; decimals: number } // '{:.4f}': PyTorch's default print
  | { kind: 'sci'; decimals: number } // '{:.4e}': PyTorch's sci mode
  | { kind: 'int' } // '{:.0f}.' (PyTorch's int mode: the value is that integer exactly) or a plain integer
  | { kind: 'exact' } // a zero in a PyTorch sci-mode print: exactly +-0 (a nonzero value never prints as 0.0000e+00)
  | { kind: 'special' }; // nan, inf, -inf

/** How a pasted number was printed, given where the paste came from. */
export function literalStyle(lit: string, source: ParsedTensor['source']): LiteralStyle {
  const style = styleOf(lit);
  // torch/_tensor_str.py _Formatter: sci mode prints only an exact zero as 0.0000e+00. A zero in fixed notation
  // is rounded like any other value: the 1e-4 that switches the print to sci mode does not move with the
  // precision ('-0.00' is -0.0046 at precision 2), and sci_mode=False keeps fixed notation for any value.
  if (source === 'torch' && style.kind === 'sci' && tokenValue(lit) === 0) return { kind: 'exact' };
  // precision=0 prints '{:.0f}' without a point ('-1'); int mode always writes one ('-1.'): a float tensor's
  // element without a point or an exponent is rounded to 0 decimals
  if (source === 'torch' && style.kind === 'int' && /^[-+]?\d+$/.test(lit)) return { kind: 'fixed', decimals: 0 };
  return style;
}

/** Whether a style says how the value was rounded (exact, int and special literals say nothing about the print's precision). */
export function isRoundedStyle(style: LiteralStyle): style is { kind: 'fixed' | 'sci'; decimals: number } {
  return style.kind === 'fixed' || style.kind === 'sci';
}

/** The style a literal is written in, wherever it came from. */
function styleOf(lit: string): LiteralStyle {
  if (/nan|inf/i.test(lit)) return { kind: 'special' };
  const m = /^[-+]?(\d*)(?:\.(\d*))?([eE][-+]?\d+)?$/.exec(lit);
  const frac = m?.[2];
  if (m?.[3]) return { kind: 'sci', decimals: (frac ?? '').length };
  if (frac === undefined || frac.length === 0) return { kind: 'int' };
  return { kind: 'fixed', decimals: frac.length };
}

/** Whether two styles are the same print (kind and decimals). */
export function sameStyle(a: LiteralStyle, b: LiteralStyle): boolean {
  if (a.kind !== b.kind) return false;
  return (a.kind !== 'fixed' && a.kind !== 'sci') || a.decimals === (b as { decimals: number }).decimals;
}

/** Python's '{:.kf}' / '{:.ke}' of the double v, the way PyTorch prints an element in that style. */
function printInStyle(v: number, style: LiteralStyle): string {
  if (style.kind === 'fixed') return formatFixedF64(v, style.decimals);
  if (style.kind === 'sci') return formatScientificF64(v, style.decimals);
  return formatNumberLiteral(v);
}

/**
 * A float32 value shown beside a pasted number that identifies its float32 value (the bitwise rule), so that the two
 * read alike when equal and apart when not: in the literal's own style where that shows 9 or more significant digits
 * (x.tolist()'s doubles, a precision-12 print: every two float32 values print apart so), else as its shortest decimal.
 */
export function exactLike(v: number, lit: string | null | undefined): string {
  if (!lit) return formatFloat32Shortest(v);
  const style = literalStyle(lit, 'list');
  return isRoundedStyle(style) && significantDigits(lit) >= 9 ? printInStyle(v, style) : formatFloat32Shortest(v);
}

/** Whether two float32 values have the same bit pattern, any NaN counting equal to any NaN (a printed "nan" carries no payload). */
export function sameFloat32(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Object.is(Math.fround(a), Math.fround(b));
}

/** The same double (sign of zero included), any nan equal to any nan: a float64 paste's bitwise rule. */
export function sameDouble(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Object.is(a, b);
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
export function printsAs(v: number, lit: string, style: LiteralStyle): boolean {
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
  if (style.kind === 'sci' && v !== 0 && Number.isFinite(v) && style.decimals < 100) {
    // fast path for '{:.ke}': JavaScript's toExponential(k) rounds the exact value to nearest (ECMA-262
    // Number.prototype.toExponential), as Python does, except that a tie goes up instead of to even; a tie at k
    // digits leaves exactly ...5 at k + 1 digits, so when that digit is not 5 the two agree
    const a = Math.abs(v);
    const finer = a.toExponential(style.decimals + 1);
    if (finer[finer.indexOf('e') - 1] !== '5')
      return Object.is(Number(`${v < 0 ? '-' : ''}${a.toExponential(style.decimals)}`), tokenValue(lit));
  }
  return samePrinted(printInStyle(v, style), lit);
}

/** Whether exactly one float32 value prints as the literal in its style (so the print identifies the value). */
export function pinsDownF32(lit: string, style: LiteralStyle): boolean {
  if (!isRoundedStyle(style)) return true;
  const x = Math.fround(tokenValue(lit));
  if (!Number.isFinite(x) || !printsAs(x, lit, style)) return false;
  // 9 significant digits tell every two float32 values apart (FLT_DECIMAL_DIG = 9, C11 5.2.4.2.2): a correctly
  // rounded print of x with at least 9 identifies x, and its neighbours need not be printed to know it
  if (significantDigits(lit) >= 9) return true;
  return !printsAs(nextUpF32(x), lit, style) && !printsAs(nextDownF32(x), lit, style);
}

/**
 * Whether the literal, a number of a float64 print in its style, identifies one float64 value: 17 significant digits
 * tell every two doubles apart (DBL_DECIMAL_DIG, C11 5.2.4.2.2); a print with fewer (PyTorch's precision=12) is taken
 * as not identifying it.
 */
export function pinsDownF64(lit: string, style: LiteralStyle): boolean {
  if (!isRoundedStyle(style)) return true;
  return Number.isFinite(tokenValue(lit)) && significantDigits(lit) >= 17;
}

/**
 * The significant digits a decimal literal shows: leading zeros not counted, trailing zeros counted as printed (or not,
 * to compare with a shortest decimal).
 */
export function significantDigits(lit: string, trailingZeros = true): number {
  const digits = lit
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return (trailingZeros ? digits : digits.replace(/0+$/, '')).length;
}

/**
 * Whether the literal shows more digits than its float32's shortest decimal (trailing zeros not counted), which is
 * all NumPy's own print of a float32 shows.
 */
export function longerThanShortestF32(lit: string): boolean {
  const v = tokenValue(lit);
  if (!Number.isFinite(v)) return false;
  return significantDigits(lit, false) > significantDigits(formatFloat32Shortest(Math.fround(v)), false);
}

/**
 * Whether the literal is a float32 value printed with `digits` significant digits, correctly rounded ('%.{digits}g',
 * '{:.{digits - 1}e}', or fewer shown where %g drops trailing zeros): the float32 nearest to it, printed so, gives it
 * back. A double that is no float32 value does so only by chance, less likely the more digits are printed.
 */
function float32PrintedWith(lit: string, digits: number): boolean {
  const v = tokenValue(lit);
  if (!Number.isFinite(v)) return true; // nan, inf
  if (v === 0) return true; // any print of +-0 is +-0 as a float32
  return printsAs(Math.fround(v), lit, { kind: 'sci', decimals: Math.max(digits, 1) - 1 });
}

/**
 * Whether every literal is a float32 value printed with the significant digits it shows ('%.12f', '%.12e': its own
 * rounding, read back): numbers of a float32 array written with 10 to 16 digits, which are no float64 values.
 */
export function float32sPrintedAsShown(lits: readonly string[]): boolean {
  return lits.every((l) => float32PrintedWith(l, significantDigits(l)));
}

/**
 * Whether the literals are float32 values printed with one number of significant digits, at least 9 (FLT_DECIMAL_DIG:
 * each then identifies its float32 value), as '%.9g' writes them: the most any shows, fewer where trailing zeros
 * were dropped.
 */
export function float32sPrintedWithNine(lits: readonly string[]): boolean {
  let most = 0;
  for (const l of lits) most = Math.max(most, significantDigits(l));
  return most >= 9 && lits.every((l) => float32PrintedWith(l, most));
}

/**
 * Whether the literals are float32 values' shortest decimals, as str() of a NumPy float32 writes them (print(*row) of
 * a float32 array's row, csv.writer, np.savetxt with fmt='%s'), and no '%.8g' print: each is the shortest decimal of
 * its float32, one shows 8 significant digits or more (a '%.7g' print shows at most 7), and one of 7 or fewer is not
 * what '%.8g' writes of its float32 (which is `0.30000001` for 0.3). Such digits identify every value, while a '%.8g'
 * print of a float32 needing 9 digits reads back as its neighbour.
 */
export function shortestFloat32Print(lits: readonly string[]): boolean {
  let most = 0;
  let notEightDigits = false;
  for (const l of lits) {
    if (/nan|inf/i.test(l)) continue;
    if (!isFullPrecisionLiteral(l)) return false;
    const digits = significantDigits(l, false);
    most = Math.max(most, digits);
    // '%.8g' is the value correctly rounded to 8 significant digits (trailing zeros dropped): as a number, toPrecision(8)
    const x = Math.fround(tokenValue(l));
    if (digits <= 7 && x !== 0 && Number(x.toPrecision(8)) !== tokenValue(l)) notEightDigits = true;
  }
  return most >= 8 && notEightDigits;
}

/**
 * The p of np.savetxt's fmt='%.{p}g' ('%g' is p = 6) when the literals are what it writes of float32 values: p is the
 * most significant digits any shows (fewer where trailing zeros were dropped), 5 to 8 (with 9 or more every number
 * identifies its float32 value: the bitwise rule; with 4 or fewer, numbers typed by hand are as likely); half of the
 * numbers at least show p (values rounded to some decimals show fewer the smaller they are); and every
 * literal is what '%.{p}g' writes of the float32 nearest to it, its notation included (scientific below 1e-4 and from
 * 10^p), up to the flags a fmt may add (generalForm). Null otherwise.
 */
export function generalFormatDigits(lits: readonly string[]): number | null {
  const numbers = lits.filter((l) => !/nan|inf/i.test(l));
  const digits = numbers.map((l) => significantDigits(l));
  let p = 0;
  for (const n of digits) p = Math.max(p, n);
  // '%g' drops a trailing zero from about one number in ten; values rounded to k decimals (round(v, 5), '%.5f' of
  // values of several magnitudes) show fewer digits the smaller they are, and fit '%.{p}g' as well
  let atP = 0;
  for (const n of digits) if (n === p) atP++;
  if (p < 5 || p > 8 || 2 * atP < numbers.length) return null;
  return numbers.every((l) => formatGeneralF64(Math.fround(tokenValue(l)), p) === generalForm(l)) ? p : null;
}

/**
 * A literal as '%g' without flags writes it: '%G' lowercased, the sign '+' ('%+g') and zero padding ('%012g') left
 * out, and the trailing zeros '%#g' keeps (and its point) dropped.
 */
function generalForm(lit: string): string {
  const s = lit.toLowerCase();
  const sign = s.startsWith('-') ? '-' : '';
  const body = s.replace(/^[-+]/, '');
  const e = body.indexOf('e');
  let mantissa = (e < 0 ? body : body.slice(0, e)).replace(/^0+(?=\d)/, '');
  if (mantissa.includes('.')) mantissa = mantissa.replace(/0+$/, '').replace(/\.$/, '');
  return sign + mantissa + (e < 0 ? '' : body.slice(e));
}

/**
 * Half a unit of the p-th significant digit of v ('%.{p}g' of a value rounds it there, whatever trailing zeros it then
 * drops): how far from the printed number the value it was rounded from may lie; 0 for an exact zero.
 */
export function halfUnitOfDigit(v: number, p: number): number {
  if (v === 0 || !Number.isFinite(v)) return 0;
  const sci = formatScientificF64(v, Math.max(p, 1) - 1);
  return 0.5 * 10 ** (Number(sci.slice(sci.indexOf('e') + 1)) - Math.max(p, 1) + 1);
}

/** Whether a float32 value, written with '%.{digits}g', gives the literal (as a number: the sign of zero counts). */
export function printsAsGeneral(v: number, lit: string, digits: number): boolean {
  return samePrinted(formatGeneralF64(v, digits), lit);
}

/**
 * Whether a float32 value, written as a whole number, gives the literal: rounded ('%.0f', '{:.0f}') or truncated
 * toward zero ('%d' of a float, as np.savetxt with fmt='%d' writes it).
 */
export function printsAsWhole(v: number, lit: string): boolean {
  return printsAs(v, lit, { kind: 'fixed', decimals: 0 }) || (Number.isFinite(v) && Math.trunc(v) === tokenValue(lit));
}

/** Whether the literal shows 9 significant digits or more (enough for any float32 value), or is nan or inf. */
export function showsNineDigits(lit: string): boolean {
  return /nan|inf/i.test(lit) || significantDigits(lit) >= 9;
}

/** Whether the literal is a full-precision decimal: 9+ significant digits, or the shortest decimal of its float32. */
export function isFullPrecisionLiteral(lit: string): boolean {
  if (showsNineDigits(lit)) return true;
  const v = tokenValue(lit);
  return Object.is(tokenValue(formatFloat32Shortest(v)), v);
}

/** The style in words, for the rule's explanation: "4 decimals", "5 significant digits (scientific notation)". */
export function describeStyle(style: LiteralStyle): string {
  if (style.kind === 'fixed') return `${style.decimals} decimal${style.decimals === 1 ? '' : 's'}`;
  if (style.kind === 'sci') return `${style.decimals + 1} significant digits (scientific notation)`;
  return 'whole numbers';
}

/** A parsed number written back as a literal: nan, inf, -inf, -0, or its shortest double digits. */
export function formatNumberLiteral(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : String(v);
}
