// Printing float32 tensors exactly as PyTorch 1.13's repr(tensor) does (torch/_tensor_str.py),
// and the shortest decimal that reads back as a given float32.
//
// Every number is formatted from its exact binary value with BigInt arithmetic, so the digits
// are those of Python's '{:.4f}' / '{:.4e}' (correct rounding, ties to even), never the
// round-half-up of Number.prototype.toFixed.
import { float32ToBits } from '../float32';

export interface TensorPrintOptions {
  /** digits after the point (torch.set_printoptions(precision=...)); default 4 */
  precision?: number;
  /** force (true) or forbid (false) scientific notation; null/undefined lets the formatter decide */
  sciMode?: boolean | null;
  /** characters per line before a row wraps; default 80 */
  linewidth?: number;
  /** more elements than this are summarised with `...`; default 1000 */
  threshold?: number;
  /** elements kept at each end of a summarised dimension; default 3 */
  edgeitems?: number;
}

interface ResolvedOptions {
  precision: number;
  sciMode: boolean | null;
  linewidth: number;
  threshold: number;
  edgeitems: number;
}

function resolveOptions(opts: TensorPrintOptions | undefined): ResolvedOptions {
  // torch/_tensor_str.py: class __PrinterOptions (the 'default' profile)
  const resolved = {
    precision: opts?.precision ?? 4,
    sciMode: opts?.sciMode ?? null,
    linewidth: opts?.linewidth ?? 80,
    threshold: opts?.threshold ?? 1000,
    edgeitems: opts?.edgeitems ?? 3
  };
  for (const key of ['precision', 'edgeitems'] as const) {
    const v = resolved[key];
    if (!Number.isInteger(v) || v < 0) throw new Error(`${key}: expected a non-negative integer, got ${v}`);
  }
  // linewidth and threshold may be Infinity (one line per row; never summarise, like profile='full')
  for (const key of ['linewidth', 'threshold'] as const) {
    const v = resolved[key];
    if (Number.isNaN(v) || v < 0) throw new Error(`${key}: expected a non-negative number, got ${v}`);
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// Exact decimal formatting of doubles (Python's float.__format__ for 'f' and 'e').

const F64_VIEW = new DataView(new ArrayBuffer(8));

/** |x| = mantissa * 2^exponent exactly, for a finite double x. */
function decomposeF64(x: number): { mantissa: bigint; exponent: number } {
  F64_VIEW.setFloat64(0, x);
  const hi = F64_VIEW.getUint32(0);
  const lo = F64_VIEW.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: frac, exponent: -1074 }; // subnormal or zero
  return { mantissa: frac | (1n << 52n), exponent: biased - 1075 };
}

const POW10_CACHE: bigint[] = [1n];
function pow10(k: number): bigint {
  while (POW10_CACHE.length <= k) POW10_CACHE.push(POW10_CACHE[POW10_CACHE.length - 1] * 10n);
  return POW10_CACHE[k];
}

/** round(num / den) with ties to even (Python's float formatting rule), num >= 0, den > 0. */
function divRoundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const twiceRem = (num - q * den) * 2n;
  if (twiceRem > den || (twiceRem === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Python's '{:.{p}f}'.format(x) for a double x (nan, inf, -inf spelled as Python does). */
export function formatFixedF64(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const { mantissa, exponent } = decomposeF64(x);
  // round(|x| * 10^p), with |x| = mantissa * 2^exponent
  const scaled =
    exponent >= 0
      ? (mantissa << BigInt(exponent)) * pow10(precision)
      : divRoundHalfEven(mantissa * pow10(precision), 1n << BigInt(-exponent));
  let digits = scaled.toString();
  if (digits.length <= precision) digits = '0'.repeat(precision + 1 - digits.length) + digits;
  const sign = isNegative(x) ? '-' : '';
  if (precision === 0) return sign + digits;
  return `${sign}${digits.slice(0, digits.length - precision)}.${digits.slice(digits.length - precision)}`;
}

/** Python's '{:.{p}e}'.format(x) for a double x: p digits after the point, exponent with sign and at least 2 digits. */
export function formatScientificF64(x: number, precision: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = isNegative(x) ? '-' : '';
  let mantissaDigits: string;
  let exp10 = 0;
  if (x === 0) {
    mantissaDigits = '0'.repeat(precision + 1);
  } else {
    const { mantissa, exponent } = decomposeF64(x);
    const lowLimit = pow10(precision);
    const highLimit = pow10(precision + 1);
    // find exp10 with 10^exp10 <= |x| < 10^(exp10+1), starting from a floating-point estimate
    exp10 = Math.floor(Math.log10(Math.abs(x)));
    let rounded = 0n;
    for (;;) {
      // |x| / 10^(exp10 - p) as num / den
      const k = precision - exp10;
      let num = mantissa;
      let den = 1n;
      if (exponent >= 0) num <<= BigInt(exponent);
      else den <<= BigInt(-exponent);
      if (k >= 0) num *= pow10(k);
      else den *= pow10(-k);
      const truncated = num / den;
      if (truncated < lowLimit) {
        exp10 -= 1;
        continue;
      }
      if (truncated >= highLimit) {
        exp10 += 1;
        continue;
      }
      rounded = divRoundHalfEven(num, den);
      break;
    }
    if (rounded === highLimit) {
      // 9.99995 -> 1.0000e+01
      rounded = lowLimit;
      exp10 += 1;
    }
    mantissaDigits = rounded.toString();
  }
  const expSign = exp10 < 0 ? '-' : '+';
  const expDigits = String(Math.abs(exp10)).padStart(2, '0');
  const body = precision === 0 ? mantissaDigits : `${mantissaDigits[0]}.${mantissaDigits.slice(1)}`;
  return `${sign}${body}e${expSign}${expDigits}`;
}

/**
 * Python's '%.{p}g' % x for a double x (what np.savetxt writes with fmt='%g', p = 6): the value rounded to p
 * significant digits (0 taken as 1), written as '%.{p-1}e' writes it when that exponent X is below -4 or at least p,
 * else with p - 1 - X digits after the point, and trailing zeros (and a trailing point) dropped. The rule is C's
 * (C11 7.21.6.1, the g conversion), which Python's float formatting follows (Python/pystrtod.c).
 */
export function formatGeneralF64(x: number, precision: number): string {
  if (!Number.isFinite(x)) return formatScientificF64(x, 0);
  const p = Math.max(precision, 1);
  const sign = isNegative(x) ? '-' : '';
  // the p significant digits and the exponent: JavaScript's toExponential rounds the exact value to nearest
  // (ECMA-262 Number.prototype.toExponential) as Python does, except that a tie goes up instead of to even; a tie at
  // p digits leaves exactly ...5 at p + 1 digits, so when that digit is not 5 the two agree; else exactly, in BigInt
  const a = Math.abs(x);
  const finer = p <= 99 && x !== 0 ? a.toExponential(p) : '';
  const sci = finer && finer[finer.indexOf('e') - 1] !== '5' ? a.toExponential(p - 1) : formatScientificF64(a, p - 1);
  const e = sci.indexOf('e');
  const digits = sci.slice(0, e).replace('.', '');
  const exp10 = Number(sci.slice(e + 1));
  const dropZeros = (d: string): string => d.replace(/0+$/, '');
  if (exp10 < -4 || exp10 >= p) {
    const frac = dropZeros(digits.slice(1));
    const expText = `${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
    return `${sign}${digits[0]}${frac ? `.${frac}` : ''}e${expText}`;
  }
  const whole = exp10 >= 0 ? digits.slice(0, exp10 + 1) : '0';
  const frac = dropZeros(exp10 >= 0 ? digits.slice(exp10 + 1) : '0'.repeat(-exp10 - 1) + digits);
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// torch/_tensor_str.py: class _Formatter (floating-point branch)

interface FormatterF32 {
  intMode: boolean;
  sciMode: boolean;
  maxWidth: number;
  precision: number;
}

/** _Formatter.__init__ over the (possibly summarised) values of a float32 tensor. */
function makeFormatter(values: ArrayLike<number>, opts: ResolvedOptions): FormatterF32 {
  const f: FormatterF32 = { intMode: true, sciMode: false, maxWidth: 1, precision: opts.precision };
  // nonzero_finite_vals = masked_select(t, isfinite(t) & t.ne(0))
  const nonzero: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && v !== 0) nonzero.push(v);
  }
  if (nonzero.length === 0) return f; // "no valid number, do nothing" (returns before the sci_mode override)
  let absMin = Infinity;
  let absMax = 0;
  for (const v of nonzero) {
    const a = Math.abs(v); // float32 abs, then .double(): exact
    if (a < absMin) absMin = a;
    if (a > absMax) absMax = a;
    if (f.intMode && v !== Math.ceil(v)) f.intMode = false;
  }
  const ratioOrMax = absMax / absMin > 1000.0 || absMax > 1.0e8;
  if (f.intMode) {
    if (ratioOrMax) {
      f.sciMode = true;
      for (const v of nonzero) f.maxWidth = Math.max(f.maxWidth, formatScientificF64(v, opts.precision).length);
    } else {
      // '{:.0f}' plus the '.' appended to mark a floating dtype
      for (const v of nonzero) f.maxWidth = Math.max(f.maxWidth, formatFixedF64(v, 0).length + 1);
    }
  } else if (ratioOrMax || absMin < 1.0e-4) {
    f.sciMode = true;
    for (const v of nonzero) f.maxWidth = Math.max(f.maxWidth, formatScientificF64(v, opts.precision).length);
  } else {
    for (const v of nonzero) f.maxWidth = Math.max(f.maxWidth, formatFixedF64(v, opts.precision).length);
  }
  if (opts.sciMode !== null) f.sciMode = opts.sciMode;
  return f;
}

/** _Formatter.format(value): the value's text, left-padded to the common width. */
function formatValue(f: FormatterF32, value: number): string {
  let ret: string;
  if (f.sciMode) {
    ret = formatScientificF64(value, f.precision);
  } else if (f.intMode) {
    ret = formatFixedF64(value, 0);
    if (Number.isFinite(value)) ret += '.';
  } else {
    ret = formatFixedF64(value, f.precision);
  }
  return ret.length < f.maxWidth ? ' '.repeat(f.maxWidth - ret.length) + ret : ret;
}

// ---------------------------------------------------------------------------------------------
// torch/_tensor_str.py: _tensor_str_with_formatter, _vector_str, get_summarized_data

/** Row-major (contiguous) strides of a shape, in elements: PyTorch's `torch.empty(shape).stride()`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k];
  }
  return strides;
}

/** Indices printed along one dimension: all of them, or the first and last edgeitems when summarised. */
function keptIndices(size: number, summarize: boolean, edgeitems: number): number[] {
  const out: number[] = [];
  if (summarize && size > 2 * edgeitems) {
    for (let i = 0; i < edgeitems; i++) out.push(i);
    for (let i = size - edgeitems; i < size; i++) out.push(i);
  } else {
    for (let i = 0; i < size; i++) out.push(i);
  }
  return out;
}

/** get_summarized_data(t), flattened: the values the printout shows (the formatter sees only these). */
function summarizedValues(values: Float32Array | Float64Array, shape: number[], opts: ResolvedOptions): number[] {
  const strides = contiguousStrides(shape);
  const out: number[] = [];
  const walk = (dim: number, base: number): void => {
    if (dim === shape.length) {
      out.push(values[base]);
      return;
    }
    for (const i of keptIndices(shape[dim], true, opts.edgeitems)) walk(dim + 1, base + i * strides[dim]);
  };
  walk(0, 0);
  return out;
}

interface PrintContext {
  values: Float32Array | Float64Array;
  shape: number[];
  strides: number[];
  summarize: boolean;
  formatter: FormatterF32;
  opts: ResolvedOptions;
}

/** _vector_str: one innermost row, wrapped to the line width. */
function vectorStr(ctx: PrintContext, base: number, indent: number): string {
  const { opts, formatter } = ctx;
  const dim = ctx.shape.length - 1;
  const elementLength = formatter.maxWidth + 2; // width plus ", "
  const elementsPerLine = Math.max(1, Math.floor((opts.linewidth - indent) / elementLength));
  const size = ctx.shape[dim];
  const stride = ctx.strides[dim];
  const data: string[] = [];
  const fmt = (i: number): string => formatValue(formatter, ctx.values[base + i * stride]);
  if (ctx.summarize && size > 2 * opts.edgeitems) {
    for (let i = 0; i < opts.edgeitems; i++) data.push(fmt(i));
    data.push(' ...');
    for (let i = size - opts.edgeitems; i < size; i++) data.push(fmt(i));
  } else {
    for (let i = 0; i < size; i++) data.push(fmt(i));
  }
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(', '));
  return '[' + lines.join(',\n' + ' '.repeat(indent + 1)) + ']';
}

/** _tensor_str_with_formatter for the sub-tensor of dimension `dim` starting at flat offset `base`. */
function tensorStr(ctx: PrintContext, dim: number, base: number, indent: number): string {
  const rank = ctx.shape.length;
  if (rank - dim === 0) return formatValue(ctx.formatter, ctx.values[base]);
  if (rank - dim === 1) return vectorStr(ctx, base, indent);
  const size = ctx.shape[dim];
  const stride = ctx.strides[dim];
  const edge = ctx.opts.edgeitems;
  const slices: string[] = [];
  const sub = (i: number): string => tensorStr(ctx, dim + 1, base + i * stride, indent + 1);
  if (ctx.summarize && size > 2 * edge) {
    for (let i = 0; i < edge; i++) slices.push(sub(i));
    slices.push('...');
    for (let i = size - edge; i < size; i++) slices.push(sub(i));
  } else {
    for (let i = 0; i < size; i++) slices.push(sub(i));
  }
  return '[' + slices.join(',' + '\n'.repeat(rank - dim - 1) + ' '.repeat(indent + 1)) + ']';
}

/** _add_suffixes: `, size=(0, 2)` and the like, wrapped when the last line would pass the line width. */
function addSuffixes(tensorText: string, suffixes: string[], indent: number, linewidth: number): string {
  const parts = [tensorText];
  let lastLineLen = tensorText.length - tensorText.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      parts.push(',\n' + ' '.repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(', ' + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(')');
  return parts.join('');
}

/** Python's str(tuple(shape)): (0,) or (2, 0, 3). */
export function pythonTuple(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * repr(t) for a float32 CPU tensor t with the given row-major values and shape, as PyTorch 1.13
 * prints it (torch/_tensor_str.py: _str_intern), e.g. `tensor([[ 0.4467,  0.1984], ...])`.
 * Scalars have shape []; opts mirror torch.set_printoptions.
 */
export function formatTensorF32(values: Float32Array, shape: number[], opts?: TensorPrintOptions): string {
  return formatTensor(values, shape, opts, 'float32');
}

/**
 * repr(t) for a float32 or float64 CPU tensor: the same _Formatter over the values (as doubles), and for float64,
 * not the default dtype, the suffix `dtype=torch.float64` (_str_intern), e.g. `tensor([0.1000], dtype=torch.float64)`.
 */
export function formatTensor(
  values: Float32Array | Float64Array,
  shape: number[],
  opts?: TensorPrintOptions,
  dtype: 'float32' | 'float64' = 'float32'
): string {
  const resolved = resolveOptions(opts);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`shape: expected non-negative integers, got (${shape.join(', ')})`);
  }
  if (values.length !== numel) {
    throw new Error(`values: expected ${numel} values for shape ${pythonTuple(shape)}, got ${values.length}`);
  }
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (numel === 0) {
    // "Explicitly print the shape if it is not (0,)"; float32 is the default dtype, so no dtype suffix
    if (shape.length !== 1) suffixes.push('size=' + pythonTuple(shape));
    body = '[]';
  } else {
    const summarize = numel > resolved.threshold;
    const shown = summarize ? summarizedValues(values, shape, resolved) : values;
    const ctx: PrintContext = {
      values,
      shape,
      strides: contiguousStrides(shape),
      summarize,
      formatter: makeFormatter(shown, resolved),
      opts: resolved
    };
    body = tensorStr(ctx, 0, 0, indent);
  }
  if (dtype === 'float64') suffixes.push('dtype=torch.float64');
  return addSuffixes(prefix + body, suffixes, indent, resolved.linewidth);
}

// ---------------------------------------------------------------------------------------------

/**
 * x rounded to `digits` significant digits, ties to even (as Python's repr and NumPy choose between
 * two equally near shortest decimals); toPrecision alone would round ties away from zero.
 */
function nearestDecimal(x: number, digits: number): string {
  const fast = x.toPrecision(digits);
  // a tie needs an exact expansion of digits+1 significant digits ending in 5
  const longer = x.toExponential(digits);
  if (longer[longer.indexOf('e') - 1] !== '5') return fast;
  const even = formatScientificF64(x, digits - 1);
  return Math.fround(Number(even)) === x ? even : fast;
}

/**
 * The shortest decimal string that reads back (parse to double, round to float32) as the float32
 * value v, in JavaScript's number notation ("0.1", "-0", "1e-7", "3.4028235e+38").
 * NaN and infinities come back as "nan", "inf", "-inf"; whether those need quoting is the caller's business.
 */
export function formatFloat32Shortest(v: number): string {
  const x = Math.fround(v);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if ((float32ToBits(x) & 0x7fffff) !== 0) {
    // Not a power of two: the rounding interval is symmetric, so the nearest k-digit decimal reads
    // back whenever any k-digit decimal does, and reading back is monotone in k: binary search.
    let lo = 1;
    let hi = 9;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Math.fround(Number(x.toPrecision(mid))) === x) hi = mid;
      else lo = mid + 1;
    }
    return String(Number(nearestDecimal(x, lo)));
  }
  for (let digits = 1; digits <= 9; digits++) {
    // the nearest `digits`-digit decimal, and its neighbours (the rounding interval of a power of
    // two is lopsided, so the nearest decimal can miss it while a neighbour hits it)
    const nearest = formatScientificF64(x, digits - 1);
    const ePos = nearest.indexOf('e');
    const mantissa = nearest.slice(0, ePos).replace('-', '').replace('.', '');
    const exp = nearest.slice(ePos + 1);
    const sign = x < 0 ? '-' : '';
    let best: string | null = null;
    let bestDistance = Infinity;
    for (const delta of [0n, -1n, 1n]) {
      const m = BigInt(mantissa) + delta;
      if (m <= 0n) continue;
      const candidate = `${sign}${m}e${Number(exp) - (digits - 1)}`;
      const parsed = Number(candidate);
      if (Math.fround(parsed) !== x) continue;
      if (delta === 0n) return String(parsed); // the nearest (ties to even) reads back: no neighbour is nearer
      const distance = Math.abs(parsed - x);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best !== null) return String(Number(best));
  }
  return String(x); // unreachable: 9 significant digits always identify a float32
}

/**
 * One float32 as JSON: the shortest decimal that reads back as the same float32; NaN and infinities as strings;
 * negative zero as -0.0 (Python's json reads a bare -0 as the integer 0 and loses the sign).
 */
export function jsonFloat32(v: number): string {
  const s = formatFloat32Shortest(v);
  if (s === '-0') return '-0.0';
  return s === 'nan' || s === 'inf' || s === '-inf' ? `"${s}"` : s;
}
