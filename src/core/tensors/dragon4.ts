// NumPy's float-to-decimal conversion: Dragon4 as numpy/core/src/multiarray/dragon4.c (NumPy 1.24) implements
// it, with its positional and scientific formatters (FormatPositional, FormatScientific). These are the C
// functions behind np.format_float_positional / np.format_float_scientific and behind every float element of
// an array's repr and str (numpy/core/arrayprint.py FloatingFormat calls them as dragon4_positional and
// dragon4_scientific).
//
// The C code works on arrays of 32-bit blocks; the arithmetic is on exact integers, so BigInt gives the same
// digits (the block shifts it makes to speed up its division scale every quantity by the same power of two and
// change no quotient or comparison). Values are float32 (NumPy's float32 scalars: Dragon4_PrintFloat_IEEE_binary32)
// or float64 (Dragon4_PrintFloat_IEEE_binary64): the dtype decides the rounding interval, hence the shortest digits.
import { float32ToBits } from '../float32';

export type NumpyFloatDtype = 'float32' | 'float64';

/** dragon4.c TrimMode: 'k' keeps trailing zeros and the point; '.' trims zeros, keeps the point; '0' trims all but one zero after the point; '-' trims zeros and the point. */
export type Dragon4Trim = 'k' | '.' | '0' | '-';

export interface Dragon4Options {
  /** digits after the point (positional, fractional), significant digits (positional, not fractional) or digits after the point of the mantissa (scientific); -1 or undefined: no cutoff */
  precision?: number;
  /** at least this many such digits (unique mode only: more digits of the exact value, rounded); -1 or undefined: none */
  minDigits?: number;
  /** true: the shortest digits that identify the value in its dtype (then cut at precision); false: the exact value rounded at precision */
  unique?: boolean;
  /** positional only: precision counts digits after the point (true) or all digits (false, the C default) */
  fractional?: boolean;
  trim?: Dragon4Trim;
  /** print '+' for non-negative values */
  sign?: boolean;
  /** pad with spaces on the left until this many characters stand left of the point */
  padLeft?: number;
  /** positional only: pad with spaces on the right until this many characters stand right of the point */
  padRight?: number;
  /** scientific only: pad the exponent with zeros to at least this many digits (default 2) */
  expDigits?: number;
}

// scratch->repr in dragon4.c: char repr[16384]; the formatters write at most bufferSize - 1 characters
const REPR_BUFFER_SIZE = 16384;
// Dragon4(): const npy_float64 log10_2 = 0.30102999566398119521373889472449;
const LOG10_2 = 0.30102999566398119521373889472449;

const POW10: bigint[] = [1n];
function pow10(k: number): bigint {
  while (POW10.length <= k) POW10.push(POW10[POW10.length - 1] * 10n);
  return POW10[k];
}

/** A finite value as dragon4.c factors it: |x| = mantissa * 2^exponent, the index of the highest mantissa bit, and whether the gap below is half the gap above (a power of two that is not the smallest normal). */
interface Factored {
  negative: boolean;
  special: 'nan' | 'inf' | null;
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  hasUnequalMargins: boolean;
}

const F64 = new DataView(new ArrayBuffer(8));

function log2Floor(m: bigint): number {
  return m.toString(2).length - 1;
}

/** Dragon4_PrintFloat_IEEE_binary32 / _binary64: sign, special values, and the integer factorisation. */
function factor(x: number, dtype: NumpyFloatDtype): Factored {
  if (dtype === 'float32') {
    const bits = float32ToBits(x);
    const floatMantissa = bits & 0x7fffff;
    const floatExponent = (bits >>> 23) & 0xff;
    const negative = bits >>> 31 !== 0;
    if (floatExponent === 0xff)
      return {
        negative,
        special: floatMantissa === 0 ? 'inf' : 'nan',
        mantissa: 0n,
        exponent: 0,
        mantissaBit: 0,
        hasUnequalMargins: false
      };
    if (floatExponent !== 0) {
      return {
        negative,
        special: null,
        mantissa: BigInt((1 << 23) | floatMantissa),
        exponent: floatExponent - 127 - 23,
        mantissaBit: 23,
        hasUnequalMargins: floatExponent !== 1 && floatMantissa === 0
      };
    }
    const mantissa = BigInt(floatMantissa);
    return {
      negative,
      special: null,
      mantissa,
      exponent: 1 - 127 - 23,
      mantissaBit: floatMantissa === 0 ? 0 : log2Floor(mantissa),
      hasUnequalMargins: false
    };
  }
  F64.setFloat64(0, x);
  const hi = F64.getUint32(0);
  const lo = F64.getUint32(4);
  const negative = hi >>> 31 !== 0;
  const floatExponent = (hi >>> 20) & 0x7ff;
  const floatMantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (floatExponent === 0x7ff)
    return {
      negative,
      special: floatMantissa === 0n ? 'inf' : 'nan',
      mantissa: 0n,
      exponent: 0,
      mantissaBit: 0,
      hasUnequalMargins: false
    };
  if (floatExponent !== 0) {
    return {
      negative,
      special: null,
      mantissa: (1n << 52n) | floatMantissa,
      exponent: floatExponent - 1023 - 52,
      mantissaBit: 52,
      hasUnequalMargins: floatExponent !== 1 && floatMantissa === 0n
    };
  }
  return {
    negative,
    special: null,
    mantissa: floatMantissa,
    exponent: 1 - 1023 - 52,
    mantissaBit: floatMantissa === 0n ? 0 : log2Floor(floatMantissa),
    hasUnequalMargins: false
  };
}

/**
 * dragon4.c Dragon4(): the decimal digits of mantissa * 2^exponent and the base-10 exponent of the first one.
 * unique: stop at the first digit where the digits so far identify the value (Burger and Dybvig's free-format
 * algorithm, margins from the dtype's spacing), but not before cutoffMin digits and not after cutoffMax;
 * exact: the exact digits, cut at cutoffMax. The last digit is rounded (to nearest, ties to the even digit,
 * unless only one of rounding down or up stays within the margins).
 */
function dragon4Digits(
  f: Factored,
  unique: boolean,
  fraction: boolean,
  cutoffMax: number,
  cutoffMin: number,
  bufferSize: number
): { digits: number[]; exponent10: number } {
  if (f.mantissa === 0n) return { digits: [0], exponent10: 0 };
  const { exponent, mantissaBit, hasUnequalMargins } = f;
  const isEven = (f.mantissa & 1n) === 0n;
  let scale: bigint;
  let value: bigint;
  let marginLow: bigint;
  let marginHigh: bigint;
  if (hasUnequalMargins) {
    if (exponent > 0) {
      value = f.mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
      marginHigh = 1n << BigInt(exponent + 1);
    } else {
      value = f.mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
      marginHigh = 2n;
    }
  } else {
    if (exponent > 0) {
      value = f.mantissa << BigInt(exponent + 1);
      scale = 2n;
      marginLow = 1n << BigInt(exponent);
    } else {
      value = f.mantissa << 1n;
      scale = 1n << BigInt(-exponent + 1);
      marginLow = 1n;
    }
    marginHigh = marginLow;
  }

  // estimate of floor(log10(v)) + 1, correct or one too small (computed in binary64 as the C code does)
  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  // a value below the last fractional digit wanted: start at that digit (it then rounds)
  if (cutoffMax >= 0 && fraction && digitExponent <= -cutoffMax) digitExponent = -cutoffMax + 1;

  if (digitExponent > 0) {
    scale *= pow10(digitExponent);
  } else if (digitExponent < 0) {
    const p = pow10(-digitExponent);
    value *= p;
    marginLow *= p;
    marginHigh = hasUnequalMargins ? marginLow * 2n : marginLow;
  }
  if (value >= scale) {
    digitExponent += 1;
  } else {
    value *= 10n;
    marginLow *= 10n;
    marginHigh = hasUnequalMargins ? marginLow * 2n : marginLow;
  }

  let cutoffMaxExponent = digitExponent - bufferSize;
  if (cutoffMax >= 0) {
    const desired = fraction ? -cutoffMax : digitExponent - cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = fraction ? -cutoffMin : digitExponent - cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let exponent10 = digitExponent - 1;

  const digits: number[] = [];
  let outputDigit: number;
  let low = false;
  let high = false;
  if (unique) {
    for (;;) {
      digitExponent -= 1;
      const q = value / scale;
      value -= q * scale;
      outputDigit = Number(q);
      const valueHigh = value + marginHigh;
      low = isEven ? value <= marginLow : value < marginLow;
      high = isEven ? valueHigh >= scale : valueHigh > scale;
      if (((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent) break;
      digits.push(outputDigit);
      value *= 10n;
      marginLow *= 10n;
      marginHigh = hasUnequalMargins ? marginLow * 2n : marginLow;
    }
  } else {
    for (;;) {
      digitExponent -= 1;
      const q = value / scale;
      value -= q * scale;
      outputDigit = Number(q);
      if (value === 0n || digitExponent === cutoffMaxExponent) break;
      digits.push(outputDigit);
      value *= 10n;
    }
  }

  let roundDown = low;
  if (low === high) {
    // round to the closest digit by comparing the rest with 0.5; exactly in the middle: the even digit
    const twice = value * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (outputDigit & 1) === 0;
  }
  if (roundDown) {
    digits.push(outputDigit);
  } else if (outputDigit === 9) {
    // carry into the first digit that is not a 9; all nines become a 1 at the next exponent
    for (;;) {
      if (digits.length === 0) {
        digits.push(1);
        exponent10 += 1;
        break;
      }
      const last = digits.pop()!;
      if (last !== 9) {
        digits.push(last + 1);
        break;
      }
    }
  } else {
    digits.push(outputDigit + 1);
  }
  return { digits, exponent10 };
}

function resolve(opts: Dragon4Options | undefined): Required<Dragon4Options> {
  return {
    precision: opts?.precision ?? -1,
    minDigits: opts?.minDigits ?? -1,
    unique: opts?.unique ?? true,
    fractional: opts?.fractional ?? false,
    trim: opts?.trim ?? 'k',
    sign: opts?.sign ?? false,
    padLeft: opts?.padLeft ?? -1,
    padRight: opts?.padRight ?? -1,
    expDigits: opts?.expDigits ?? -1
  };
}

function checkOptions(o: Required<Dragon4Options>, scientific: boolean): void {
  for (const key of ['precision', 'minDigits', 'padLeft', 'padRight', 'expDigits'] as const) {
    if (!Number.isInteger(o[key])) throw new Error(`${key}: expected an integer, got ${o[key]}`);
  }
  if (!o.unique && o.precision < 0)
    throw new Error('precision: in non-unique mode a precision must be given (as NumPy requires)');
  if (scientific && o.precision > 10000) throw new Error(`precision: at most 10000, got ${o.precision}`);
}

/** PrintInfNan: "nan" (never signed), "inf" with the sign. */
function infNan(f: Factored, sign: boolean): string {
  if (f.special === 'nan') return 'nan';
  return (f.negative ? '-' : sign ? '+' : '') + 'inf';
}

/**
 * numpy's dragon4_positional(x, ...) for a value of the given dtype: FormatPositional of dragon4.c.
 * Defaults are the C function's: no precision, unique digits, precision counting all digits (fractional=false),
 * trim 'k', no padding. np.format_float_positional passes fractional=True and trim='k'.
 */
export function dragon4Positional(x: number, dtype: NumpyFloatDtype, options?: Dragon4Options): string {
  const o = resolve(options);
  checkOptions(o, false);
  const f = factor(x, dtype);
  if (f.special) return infNan(f, o.sign);
  const signChar = f.negative ? '-' : o.sign ? '+' : '';
  const hasSign = signChar === '' ? 0 : 1;
  const maxPrintLen = REPR_BUFFER_SIZE - 1;
  const { digits, exponent10: printExponent } = dragon4Digits(
    f,
    o.unique,
    o.fractional,
    o.precision,
    o.minDigits,
    maxPrintLen - hasSign
  );

  let whole: string;
  let fraction: string;
  let numWholeDigits: number;
  if (printExponent >= 0) {
    numWholeDigits = printExponent + 1;
    if (digits.length <= numWholeDigits) {
      whole = digits.join('') + '0'.repeat(numWholeDigits - digits.length);
      fraction = '';
    } else {
      whole = digits.slice(0, numWholeDigits).join('');
      fraction = digits.slice(numWholeDigits).join('');
    }
  } else {
    numWholeDigits = 1;
    whole = '0';
    fraction = '0'.repeat(-(printExponent + 1)) + digits.join('');
  }
  let hasPoint = true;
  if (o.trim === '-' && fraction.length === 0) hasPoint = false; // "always add decimal point, except for DptZeros mode"

  const addDigits = o.unique ? o.minDigits : o.precision;
  let desiredFractionalDigits = addDigits < 0 ? 0 : addDigits;
  if (!o.fractional) desiredFractionalDigits = addDigits - numWholeDigits;

  if (o.trim === '0') {
    if (fraction.length === 0) fraction = '0';
  } else if (o.trim === 'k' && desiredFractionalDigits > fraction.length) {
    fraction += '0'.repeat(desiredFractionalDigits - fraction.length);
  }
  // rounding may still leave trailing zeros: remove them as the trim mode says
  if (o.trim !== 'k' && fraction.length > 0) {
    fraction = fraction.replace(/0+$/, '');
    if (fraction.length === 0) {
      if (o.trim === '0') fraction = '0';
      else if (o.trim === '-') hasPoint = false;
    }
  }

  let out = signChar + whole + (hasPoint ? '.' : '') + fraction;
  if (o.padRight >= fraction.length) {
    // with trim '-', a point that was trimmed becomes a space when padding on the right
    if (o.trim === '-' && fraction.length === 0) out += ' ';
    out += ' '.repeat(o.padRight - fraction.length);
  }
  if (o.padLeft > numWholeDigits + hasSign) out = ' '.repeat(o.padLeft - (numWholeDigits + hasSign)) + out;
  return out;
}

/**
 * numpy's dragon4_scientific(x, ...) for a value of the given dtype: FormatScientific of dragon4.c
 * (d.ddde+XX; precision and minDigits count the digits after the point). Defaults as dragon4Positional's.
 */
export function dragon4Scientific(x: number, dtype: NumpyFloatDtype, options?: Dragon4Options): string {
  const o = resolve(options);
  checkOptions(o, true);
  const f = factor(x, dtype);
  if (f.special) return infNan(f, o.sign);
  const signChar = f.negative ? '-' : o.sign ? '+' : '';
  let bufferSize = REPR_BUFFER_SIZE;
  let out = '';
  const leftChars = 1 + signChar.length;
  if (o.padLeft > leftChars) {
    out += ' '.repeat(o.padLeft - leftChars);
    bufferSize -= o.padLeft - leftChars;
  }
  out += signChar;
  bufferSize -= signChar.length;
  const { digits, exponent10 } = dragon4Digits(
    f,
    o.unique,
    false,
    o.precision < 0 ? -1 : o.precision + 1,
    o.minDigits < 0 ? -1 : o.minDigits + 1,
    bufferSize
  );

  out += String(digits[0]);
  let fraction = digits.slice(1).join('');
  let hasPoint = true;
  if (o.trim === '-' && fraction.length === 0) hasPoint = false;
  let addDigits = o.unique ? o.minDigits : o.precision;
  addDigits = addDigits < 0 ? 0 : addDigits;
  if (o.trim === '0') {
    if (fraction.length === 0) fraction = '0';
  } else if (o.trim === 'k') {
    if (addDigits > fraction.length) fraction += '0'.repeat(addDigits - fraction.length);
  }
  if (o.trim !== 'k' && fraction.length > 0) {
    fraction = fraction.replace(/0+$/, '');
    if (fraction.length === 0 && o.trim === '0') fraction = '0';
  }
  out += (hasPoint ? '.' : '') + fraction;

  let expDigits = o.expDigits;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  let expText = String(Math.abs(exponent10));
  if (expText.length < expDigits) expText = '0'.repeat(expDigits - expText.length) + expText;
  return out + 'e' + (exponent10 >= 0 ? '+' : '-') + expText;
}
