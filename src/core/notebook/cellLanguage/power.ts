// `**` of the cell language, as Python and PyTorch (CPU, 1.13) compute it.
//
// Python numbers (Objects/longobject.c long_pow, Objects/floatobject.c float_pow):
// - int ** int with a non-negative exponent is an exact int; with a negative exponent both become floats;
// - with a float, float_pow: its own special cases (x**0 == 1, 1**y == 1, 0**negative and a negative base with
//   a fractional exponent are errors; Python would give a complex, which the language does not have), then the C
//   library's pow (glibc's, src/core/math/glibcPow.ts); an infinite result from finite operands is an OverflowError.
//
// Tensors (torch.pow: aten/src/ATen/native/Pow.cpp, aten/src/ATen/native/cpu/PowKernel.cpp):
// - tensor ** number is pow(Tensor, Scalar): exponent 0 fills ones and 1 copies; in the kernel 0.5 is sqrt,
//   -0.5 is rsqrt (1/sqrt), -1 is reciprocal, 2 is b*b, 3 is b*b*b and -2 is 1/(b*b); any other exponent runs
//   std::pow(base, (double)exp) on the elements the loop does not vectorise and Vectorized<T>::pow(T(exp)) on
//   those it does (SLEEF's pow with ATen's AVX2 kernels, std::pow of T per lane with the default ones);
// - number ** tensor is Tensor.__rpow__ (torch/_tensor.py): torch.tensor(number, dtype=result_type) ** tensor;
// - tensor ** tensor is pow(Tensor, Tensor): broadcast, each operand converted to the result dtype, then
//   Vectorized<T>::pow on vectorised elements and std::pow(T, T) (glibc's powf or pow) on the others.
// Which elements are vectorised follows TensorIterator's loop (coalesced dimensions; the inner loop runs
// vectors of 2 x 32 bytes when every operand is contiguous or one is a broadcast scalar, then the remainder one
// element at a time: aten/src/ATen/native/cpu/Loops.h vectorized_loop), with one thread: PyTorch splits tensors
// of 32768 elements or more between threads, whose chunk boundaries can move that remainder.
// The RNG profile picks the kernels: 'avx2-fma' and 'avx2' are ATen's AVX2 kernels, 'scalar' its default ones.
import { powfGlibc, powGlibc } from '../../math/glibcPow';
import { powfSleefAvx2, powSleefAvx2 } from '../../math/sleefPow';
import type { RngProfile } from '../../types';
import {
  alloc,
  asOperand,
  listOp,
  broadcastOrThrow,
  broadcastStrides,
  castTo,
  forEachBroadcast,
  int64Of,
  intToDouble,
  MAX_INT_BITS,
  OpError,
  resultDtype,
  scalarOf
} from './ops';
import { numel, reprValue, type TensorDtype, type TensorValue, type Value } from './values';

/** ATen's CPU kernels the RNG profile reproduces. */
type Kernels = 'avx2' | 'default';

function kernelsOf(profile: RngProfile): Kernels {
  return profile === 'scalar' ? 'default' : 'avx2';
}

/** Vectorized<T>::pow for one lane. */
function vectorPow(dtype: TensorDtype, kernels: Kernels): (x: number, y: number) => number {
  if (dtype === 'float32') return kernels === 'avx2' ? powfSleefAvx2 : powfGlibc;
  return kernels === 'avx2' ? powSleefAvx2 : powGlibc;
}

/** Elements per vectorised step of vectorized_loop: two 32-byte vectors. */
function vectorStep(dtype: TensorDtype): number {
  return dtype === 'float32' ? 16 : 8;
}

// ---------------------------------------------------------------------------------------------
// Python numbers

function isIntLike(v: Value): v is Extract<Value, { kind: 'int' | 'bool' }> {
  return v.kind === 'int' || v.kind === 'bool';
}

function bigOf(v: Extract<Value, { kind: 'int' | 'bool' }>): bigint {
  return v.kind === 'int' ? v.value : BigInt(v.value);
}

function isOddInteger(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x % 2) === 1;
}

/** float_pow of two doubles (Objects/floatobject.c): Python's special cases, then the C library's pow. */
function floatPow(iv: number, iw: number, show: () => string): number {
  if (iw === 0) return 1.0; // v**0 is 1, even 0**0 and nan**0
  if (iv !== iv) return iv;
  if (iw !== iw) return iv === 1.0 ? 1.0 : iw;
  if (!Number.isFinite(iw)) {
    const av = Math.abs(iv);
    if (av === 1.0) return 1.0;
    return iw > 0.0 === av > 1.0 ? Math.abs(iw) : 0.0;
  }
  if (!Number.isFinite(iv)) {
    const odd = isOddInteger(iw);
    if (iw > 0.0) return odd ? iv : Math.abs(iv);
    return odd ? (iv < 0 ? -0.0 : 0.0) : 0.0;
  }
  if (iv === 0.0) {
    if (iw < 0.0) throw new OpError('0.0 cannot be raised to a negative power');
    return isOddInteger(iw) ? iv : 0.0;
  }
  let negate = false;
  if (iv < 0.0) {
    if (iw !== Math.floor(iw))
      throw new OpError(`${show()} is a complex number in Python: complex numbers are not supported`);
    iv = -iv;
    negate = isOddInteger(iw);
  }
  if (iv === 1.0) return negate ? -1.0 : 1.0;
  const ix = powGlibc(iv, iw);
  if (!Number.isFinite(ix))
    throw new OpError(
      `${show()} is too large for a float (Python: OverflowError: (34, 'Numerical result out of range'))`
    );
  return negate ? -ix : ix;
}

function pythonPow(a: Value, b: Value): Value {
  const operand = (v: Value): string => {
    const full = reprValue(v);
    // an integer of thousands of digits (2 ** 2 ** 2 ** 2 ** 2): its first digits and its length
    const text =
      v.kind === 'int' && full.length > 40 ? `${full.slice(0, 20)}...(${full.replace('-', '').length} digits)` : full;
    return text.startsWith('-') ? `(${text})` : text;
  };
  const show = (): string => `${operand(a)} ** ${operand(b)}`;
  if (isIntLike(a) && isIntLike(b)) {
    const x = bigOf(a);
    const y = bigOf(b);
    if (y < 0n) return { kind: 'float', value: floatPow(intToDouble(x), intToDouble(y), show) };
    const mag = x < 0n ? -x : x;
    if (mag > 1n && y > 0n) {
      // the result has about y * log2(|x|) bits
      const length = mag.toString(2).length;
      const log2 = length <= 1000 ? Math.log2(Number(mag)) : length;
      if (y > BigInt(MAX_INT_BITS) || log2 * Number(y) > MAX_INT_BITS)
        throw new OpError(`${show()} would have more than ${MAX_INT_BITS} bits: integers that large are not supported`);
    }
    return { kind: 'int', value: x ** y };
  }
  const toDouble = (v: Value): number => (v.kind === 'int' ? intToDouble(v.value) : (scalarOf(v) as number));
  return { kind: 'float', value: floatPow(toDouble(a), toDouble(b), show) };
}

// ---------------------------------------------------------------------------------------------
// Tensors

/** pow(Tensor, Scalar): the exponent as the kernel sees it, exp_scalar.to<double>(). */
function scalarExponent(v: Value): number {
  if (v.kind === 'int') return Number(int64Of(v.value));
  return scalarOf(v) as number;
}

function powTensorScalar(t: TensorValue, exponent: Value, kernels: Kernels): TensorValue {
  const exp = scalarExponent(exponent);
  const dtype = t.dtype;
  const cast = castTo(dtype);
  const x = t.data;
  const n = x.length;
  const out = alloc(dtype, n);
  const result: TensorValue = { kind: 'tensor', dtype, shape: [...t.shape], data: out };
  if (exp === 0) {
    out.fill(1); // Pow.cpp: out.fill_(1)
    return result;
  }
  if (exp === 1) {
    out.set(x); // Pow.cpp: out.copy_(base)
    return result;
  }
  let op: ((b: number) => number) | null = null;
  if (exp === 0.5)
    op = (b) => cast(Math.sqrt(b)); // sqrt_kernel
  else if (exp === -0.5)
    op = (b) => cast(1 / cast(Math.sqrt(b))); // rsqrt_kernel: 1 / std::sqrt(a)
  else if (exp === -1)
    op = (b) => cast(1 / b); // reciprocal_kernel
  else if (exp === 2) op = (b) => cast(b * b);
  else if (exp === 3) op = (b) => cast(cast(b * b) * b);
  else if (exp === -2) op = (b) => cast(1 / cast(b * b)); // 1.0 / (base * base): a double division, rounded once
  if (op) {
    for (let i = 0; i < n; i++) out[i] = op(x[i]);
    return result;
  }
  // generic exponent. A unary op: one loop over all n elements of a contiguous tensor (0-dim: not vectorised), a
  // loop per row of a slice whose rows are not contiguous with each other, and no vectorising of a strided one
  const vec = vectorPow(dtype, kernels);
  const lane = cast(exp); // Vectorized<T>(exp)
  const loop = innerLoop([t], t.shape);
  const vectorEnd = loop.vectorised ? loop.length - (loop.length % vectorStep(dtype)) : 0;
  for (let i = 0; i < n; i++) out[i] = i % loop.length < vectorEnd ? vec(x[i], lane) : cast(powGlibc(x[i], exp)); // std::pow(T base, double exp)
  return result;
}

/** An operand's strides over the broadcast shape, in elements: its view's (TensorValue.strides) or row-major ones. */
function operandStrides(t: TensorValue, shape: number[]): number[] {
  if (!t.strides) return broadcastStrides(t.shape, shape);
  const strides = new Array<number>(shape.length).fill(0);
  t.shape.forEach((size, i) => (strides[shape.length - t.shape.length + i] = size === 1 ? 0 : t.strides![i]));
  return strides;
}

/**
 * For an op on one tensor or two broadcast ones: the length of TensorIterator's inner loop (after coalescing
 * dimensions) and whether that loop is vectorised (every operand contiguous along it, or, of two inputs, one a
 * broadcast scalar along it). The output is a new row-major tensor; a slice's strides count (TensorValue.strides).
 */
export function innerLoop(inputs: TensorValue[], shape: number[]): { length: number; vectorised: boolean } {
  if (shape.length === 0) return { length: 1, vectorised: false };
  // fastest dimension first, as TensorIterator orders them (for row-major operands and slices no reordering applies)
  const sizes = [...shape].reverse();
  const outStrides: number[] = [];
  let s = 1;
  for (const size of sizes) {
    outStrides.push(s);
    s *= size;
  }
  const strides = [outStrides, ...inputs.map((t) => operandStrides(t, shape).reverse())];
  // coalesce_dimensions (TensorIterator.cpp)
  let prev = 0;
  for (let dim = 1; dim < sizes.length; dim++) {
    const can = sizes[prev] === 1 || sizes[dim] === 1 || strides.every((st) => sizes[prev] * st[prev] === st[dim]);
    if (can) {
      if (sizes[prev] === 1) for (const st of strides) st[prev] = st[dim];
      sizes[prev] *= sizes[dim];
    } else {
      prev++;
      if (prev !== dim) {
        for (const st of strides) st[prev] = st[dim];
        sizes[prev] = sizes[dim];
      }
    }
  }
  const [o, sa, sb] = strides.map((st) => st[0]);
  const contiguous = strides.every((st) => st[0] === 1);
  const scalarInput = inputs.length === 2 && o === 1 && ((sa === 0 && sb === 1) || (sa === 1 && sb === 0));
  return { length: sizes[0], vectorised: contiguous || scalarInput };
}

function powTensorTensor(a: TensorValue, b: TensorValue, kernels: Kernels): TensorValue {
  const shape = broadcastOrThrow(a, b);
  const dtype = resultDtype(a, b);
  const cast = castTo(dtype);
  const out = alloc(dtype, numel(shape));
  const vec = vectorPow(dtype, kernels);
  const scalar = dtype === 'float32' ? powfGlibc : powGlibc; // std::pow(T, T)
  const loop = innerLoop([a, b], shape);
  const vectorEnd = loop.vectorised ? loop.length - (loop.length % vectorStep(dtype)) : 0;
  const x = a.data;
  const y = b.data;
  forEachBroadcast(a, b, shape, (k, ia, ib) => {
    const base = cast(x[ia]);
    const e = cast(y[ib]);
    out[k] = k % loop.length < vectorEnd ? vec(base, e) : scalar(base, e);
  });
  return { kind: 'tensor', dtype, shape, data: out };
}

/** Tensor.__rpow__: torch.tensor(number, dtype=t.dtype) ** t. */
function powNumberTensor(base: Value, t: TensorValue, kernels: Kernels): TensorValue {
  let value: number;
  if (base.kind === 'int')
    value = Number(int64Of(base.value)); // torch.tensor stores a Python number through a double
  else value = scalarOf(base) as number;
  const wrapped: TensorValue = {
    kind: 'tensor',
    dtype: t.dtype,
    shape: [],
    data: t.dtype === 'float32' ? Float32Array.of(value) : Float64Array.of(value)
  };
  return powTensorTensor(wrapped, t, kernels);
}

/** left ** right with Python/PyTorch semantics (see the top of this file); a list is Python's (listOp). */
export function powerOp(left: Value, right: Value, profile: RngProfile): Value {
  if (left.kind === 'list' || right.kind === 'list') return listOp('**', left, right);
  const a = asOperand(left);
  const b = asOperand(right);
  const kernels = kernelsOf(profile);
  if (a.kind === 'tensor' && b.kind === 'tensor') return powTensorTensor(a, b, kernels);
  if (a.kind === 'tensor') return powTensorScalar(a, b, kernels);
  if (b.kind === 'tensor') return powNumberTensor(a, b, kernels);
  return pythonPow(a, b);
}
