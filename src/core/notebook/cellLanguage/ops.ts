// Arithmetic of the cell language (+ - * /; ** is in power.ts), as Python and PyTorch (CPU, 1.13) do it:
// - Python numbers: int op int stays an exact int (bigint) except true division; anything with a float is a double.
// - A Python number with a tensor: the number is cast to the tensor's dtype first (a wrapped scalar does not
//   take part in type promotion; a Python int travels as an int64 Scalar, so beyond int64 it is refused as
//   PyTorch refuses it), then one rounding per operation. `s / x` is torch's Tensor.__rdiv__:
//   x.reciprocal() * s (torch/_tensor.py), two roundings.
// - Two tensors: shapes broadcast as in NumPy; the dtype is torch.result_type's: tensors with dimensions decide
//   over 0-dim tensors (a float64 0-dim tensor times a float32 vector is float32), float32 with float64 gives
//   float64; each operand is converted to that dtype first (TensorIterator's common dtype).
// A float32 op b computed in double and rounded once to float32 is the correctly rounded float32 result for
// + - * / (a double has more than 2*24+2 significand bits), which is what the CPU's float32 instructions give.
import { MAX_SAMPLE_ELEMENTS } from '../../sampler/limits';
import { pythonTuple } from '../../tensors/printTensor';
import { numel, pythonTypeName, typeName, type TensorDtype, type TensorValue, type Value } from './values';

const f32 = Math.fround;

/** The operators of this file; ** is power.ts's. */
export type ArithmeticOp = '+' | '-' | '*' | '/';

export class OpError extends Error {}

export function castTo(dtype: TensorDtype): (x: number) => number {
  return dtype === 'float32' ? f32 : (x: number) => x;
}

export function alloc(dtype: TensorDtype, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A Python int as PyTorch takes it into a Scalar (an int64): beyond int64 PyTorch refuses it with this text. */
export function int64Of(v: bigint): bigint {
  if (v < INT64_MIN || v > INT64_MAX) throw new OpError('Overflow when unpacking long');
  return v;
}

/** An integer rounded once to float32 (static_cast<float>(int64_t)), not through a double first. */
export function intToFloat32(v: bigint): number {
  const mag = v < 0n ? -v : v;
  if (mag <= 2n ** 53n) return f32(Number(v));
  const bits = mag.toString(2).length;
  const drop = BigInt(bits - 24);
  let m = mag >> drop;
  const rest = mag - (m << drop);
  const half = 1n << (drop - 1n);
  if (rest > half || (rest === half && (m & 1n) === 1n)) m += 1n;
  const r = f32(Number(m) * 2 ** Number(drop)); // exact (or overflow to infinity, as the conversion does)
  return v < 0n ? -r : r;
}

/** A Python number wrapped as a Scalar and converted to the tensor's dtype (what the CPU kernels compute with). */
export function wrappedNumber(v: Value, dtype: TensorDtype): number {
  if (v.kind === 'int') return dtype === 'float32' ? intToFloat32(int64Of(v.value)) : Number(int64Of(v.value));
  return castTo(dtype)(scalarOf(v) as number);
}

/** torch.result_type of two tensors (all ours are floating): dimensioned tensors decide over 0-dim ones. */
export function resultDtype(a: TensorValue, b: TensorValue): TensorDtype {
  const aDims = a.shape.length > 0;
  const bDims = b.shape.length > 0;
  if (aDims !== bDims) return aDims ? a.dtype : b.dtype;
  return a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
}

function applyOp(op: ArithmeticOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}

/** A Python int, float or bool as a double (Python's float(x)); null for anything else. */
export function scalarOf(v: Value): number | null {
  if (v.kind === 'int') return Number(v.value);
  if (v.kind === 'float') return v.value;
  if (v.kind === 'bool') return v.value ? 1 : 0;
  return null;
}

/**
 * torch.tensor(nested list, dtype=...): each Python number rounded once to the dtype. Without a dtype, numbers that
 * are all Python ints make PyTorch an int64 tensor (here float32, README "The language"), and an int beyond int64
 * among them is PyTorch's RuntimeError; else the dtype is inferred as PyTorch does: float64 when a 0-dim tensor
 * among the items is float64, else `floats` when a Python float is among them (float32 for torch.tensor; NumPy's
 * array() gives float64), else float32.
 */
export function listToTensor(
  v: Value,
  what: string,
  dtype?: TensorDtype,
  floats: TensorDtype = 'float32'
): TensorValue {
  const shape: number[] = [];
  const flat: number[] = [];
  let allInts = true;
  let beyondInt64 = false;
  let float64Item = false;
  let pythonFloat = false;
  const walk = (x: Value, dim: number): void => {
    if (x.kind === 'list') {
      // once a number is seen, the shape is as deep as the numbers: a list there is ragged (PyTorch: "must be real
      // number, not list" for tensor([1.0, [2.0]]), which would otherwise fill a (2, 1) shape)
      if (flat.length > 0 && dim === shape.length)
        throw new OpError(`${what}: ragged list: a list where a number was expected at depth ${dim + 1}`);
      if (dim === shape.length) shape.push(x.items.length);
      else if (shape[dim] !== x.items.length)
        throw new OpError(
          `${what}: ragged list: expected ${shape[dim]} items at depth ${dim + 1}, got ${x.items.length}`
        );
      for (const item of x.items) walk(item, dim + 1);
      return;
    }
    if (x.kind === 'tensor' && x.shape.length === 0) {
      allInts = false;
      float64Item ||= x.dtype === 'float64';
      if (dim !== shape.length)
        throw new OpError(`${what}: ragged list: a number where a list was expected at depth ${dim + 1}`);
      flat.push(x.data[0]);
      return;
    }
    const s = x.kind === 'int' ? intToDouble(x.value) : scalarOf(x);
    if (s === null) throw new OpError(`${what}: expected numbers in the list, got ${typeName(x)}`);
    if (x.kind === 'int') beyondInt64 ||= x.value < INT64_MIN || x.value > INT64_MAX;
    else allInts = false;
    pythonFloat ||= x.kind === 'float';
    if (dim !== shape.length)
      throw new OpError(`${what}: ragged list: a number where a list was expected at depth ${dim + 1}`);
    flat.push(s);
  };
  walk(v, 0);
  if (flat.length !== numel(shape)) throw new OpError(`${what}: ragged list`);
  if (dtype === undefined && allInts && beyondInt64) throw new OpError('Overflow when unpacking long');
  const d = dtype ?? (float64Item ? 'float64' : pythonFloat ? floats : 'float32');
  return { kind: 'tensor', dtype: d, shape, data: d === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat) };
}

/** NumPy/PyTorch broadcasting of two shapes; null when they do not broadcast. */
export function broadcastShapes(a: number[], b: number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element strides of `shape` seen through broadcast shape `out` (0 along broadcast dimensions). */
export function broadcastStrides(shape: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const j = out.length - shape.length + i;
    strides[j] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Visits the elements of two tensors broadcast against each other, in the result's row-major order:
 * visit(k, ia, ib) with k the result's flat index and ia, ib the operands' flat indices.
 */
export function forEachBroadcast(
  a: TensorValue,
  b: TensorValue,
  shape: number[],
  visit: (k: number, ia: number, ib: number) => void
): void {
  const n = numel(shape);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const index = new Array<number>(shape.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let k = 0; k < n; k++) {
    visit(k, ia, ib);
    // advance the multi-index, last dimension fastest
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      ia += sa[d];
      ib += sb[d];
      if (index[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      index[d] = 0;
    }
  }
}

/**
 * The broadcast shape of two tensors, or the error PyTorch would raise; or an error when the result would be larger
 * than the largest tensor a cell makes (a cell runs on the kernel's thread: no unbounded work or allocation, and
 * broadcasting is the one operation whose result outgrows its operands, as in `x[None] * x[:, None]`).
 */
export function broadcastOrThrow(a: TensorValue, b: TensorValue): number[] {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new OpError(`shapes ${pythonTuple(a.shape)} and ${pythonTuple(b.shape)} do not broadcast`);
  const n = numel(shape);
  if (n > MAX_SAMPLE_ELEMENTS)
    throw new OpError(
      `shapes ${pythonTuple(a.shape)} and ${pythonTuple(b.shape)} broadcast to ${pythonTuple(shape)}, ${n} elements: more than the ${MAX_SAMPLE_ELEMENTS} of the largest tensor a cell makes`
    );
  return shape;
}

function tensorTensor(op: ArithmeticOp, a: TensorValue, b: TensorValue): TensorValue {
  const shape = broadcastOrThrow(a, b);
  const dtype = resultDtype(a, b);
  const cast = castTo(dtype);
  const out = alloc(dtype, numel(shape));
  const x = a.data;
  const y = b.data;
  forEachBroadcast(a, b, shape, (k, ia, ib) => {
    out[k] = cast(applyOp(op, cast(x[ia]), cast(y[ib])));
  });
  return { kind: 'tensor', dtype, shape, data: out };
}

/** PyTorch's refusal of x - True and True - x (sub() of a bool operand). */
const BOOL_SUBTRACTION =
  'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.';

function tensorScalar(op: ArithmeticOp, t: TensorValue, s: Value, scalarOnLeft: boolean): TensorValue {
  if (op === '-' && s.kind === 'bool') throw new OpError(BOOL_SUBTRACTION);
  const cast = castTo(t.dtype);
  const c = wrappedNumber(s, t.dtype); // the wrapped number, converted to the tensor's dtype
  const out = alloc(t.dtype, t.data.length);
  if (scalarOnLeft && op === '/') {
    // Tensor.__rdiv__: self.reciprocal() * other
    for (let i = 0; i < out.length; i++) out[i] = cast(cast(1 / t.data[i]) * c);
  } else if (scalarOnLeft) {
    for (let i = 0; i < out.length; i++) out[i] = cast(applyOp(op, c, t.data[i]));
  } else {
    for (let i = 0; i < out.length; i++) out[i] = cast(applyOp(op, t.data[i], c));
  }
  return { kind: 'tensor', dtype: t.dtype, shape: [...t.shape], data: out };
}

/** Python's float(int) (PyLong_AsDouble): the nearest double (ties to even, as Number(bigint) rounds), else OverflowError. */
export function intToDouble(v: bigint): number {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new OpError('int too large to convert to float');
  return x;
}

function bitLength(v: bigint): number {
  return v.toString(2).length;
}

/** Python ints beyond this many bits are refused rather than computed (Python would try, for a long while). */
export const MAX_INT_BITS = 1_000_000;

const SMALL = 2n ** 53n;

/** x * y of Python ints, refused (in one line) when it would have more than MAX_INT_BITS bits, as `**` is. */
function intProduct(x: bigint, y: bigint): bigint {
  const small = (v: bigint): boolean => v < SMALL && v > -SMALL;
  if (small(x) && small(y)) return x * y;
  const bits = [x, y].map((v) => (v === 0n ? 0 : bitLength(v < 0n ? -v : v)));
  const refuse = (): never => {
    throw new OpError(
      `the product of an integer of ${bits[0]} bits and one of ${bits[1]} bits would have more than ${MAX_INT_BITS} bits: integers that large are not supported`
    );
  };
  if (bits[0] === 0 || bits[1] === 0) return 0n;
  // the product has bits[0] + bits[1] - 1 or bits[0] + bits[1] bits
  if (bits[0] + bits[1] - 1 > MAX_INT_BITS) refuse();
  const p = x * y;
  if (bits[0] + bits[1] > MAX_INT_BITS && bitLength(p < 0n ? -p : p) > MAX_INT_BITS) refuse();
  return p;
}

/** m * 2^e for a double m and an integer e, exact while the result is a normal double (scaled in steps). */
function ldexp(m: number, e: number): number {
  let x = m;
  let k = e;
  for (; k > 1000; k -= 1000) x *= 2 ** 1000;
  for (; k < -1000; k += 1000) x *= 2 ** -1000;
  return x * 2 ** k;
}

/**
 * Python's int / int (Objects/longobject.c long_true_divide): the exact quotient rounded once to the nearest double
 * (ties to even), subnormal results included; OverflowError when it is too large for a float.
 */
export function intTrueDivide(x: bigint, y: bigint): number {
  if (y === 0n) throw new OpError('division by zero');
  const negative = x < 0n !== y < 0n;
  const a = x < 0n ? -x : x;
  const b = y < 0n ? -y : y;
  if (a === 0n) return negative ? -0 : 0;
  if (a <= 2n ** 53n && b <= 2n ** 53n) return Number(x) / Number(y); // both exact: one rounding
  const sign = negative ? -1 : 1;
  const e = bitLength(a) - bitLength(b); // 2^(e - 1) < a / b < 2^(e + 1)
  if (e > 1025) throw new OpError('integer division result too large for a float');
  // the quotient to 55 or more bits (k fraction bits), and whether anything is left below them
  let k = 56 - e;
  // a subnormal result is rounded at 2^-1074: two bits below it, then the rest as sticky
  const subnormal = e - 1 < -1022;
  if (subnormal) k = 1076;
  const num = k >= 0 ? a << BigInt(k) : a;
  const den = k >= 0 ? b : b << BigInt(-k);
  const q = num / den;
  const sticky = num % den !== 0n;
  if (subnormal) {
    // round q / 4 to an integer, ties to even, then scale by 2^-1074 (exact: q / 4 < 2^53)
    const low = Number(q & 3n);
    let m = q >> 2n;
    if (low > 2 || (low === 2 && (sticky || (m & 1n) === 1n))) m += 1n;
    return sign * ldexp(Number(m), -1074);
  }
  // Number() rounds to 53 bits, ties to even; the sticky bit sits two or more bits below that, so a quotient that
  // is not exact never looks like a tie
  const v = ldexp(Number(sticky ? q | 1n : q), -k);
  if (!Number.isFinite(v) || v >= 2 ** 1024) throw new OpError('integer division result too large for a float');
  return sign * v;
}

/** A Python number as the float it becomes beside a float (float(int) for an int). */
function asDouble(v: Value): number {
  return v.kind === 'int' ? intToDouble(v.value) : (scalarOf(v) as number);
}

function pythonScalar(op: ArithmeticOp, a: Value, b: Value): Value {
  if ((a.kind === 'int' || a.kind === 'bool') && (b.kind === 'int' || b.kind === 'bool')) {
    const x = a.kind === 'int' ? a.value : BigInt(a.value);
    const y = b.kind === 'int' ? b.value : BigInt(b.value);
    if (op === '/') return { kind: 'float', value: intTrueDivide(x, y) };
    if (op === '*') return { kind: 'int', value: intProduct(x, y) };
    return { kind: 'int', value: op === '+' ? x + y : op === '-' ? x - y : x * y };
  }
  const x = asDouble(a);
  const y = asDouble(b);
  if (op === '/' && y === 0) throw new OpError('float division by zero');
  return { kind: 'float', value: applyOp(op, x, y) };
}

/** An operand of arithmetic: numbers and tensors (a list is Python's list: listOp). */
export function asOperand(v: Value): Value {
  if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool' || v.kind === 'tensor') return v;
  throw new OpError(`unsupported operand type for arithmetic: ${typeName(v)}`);
}

/** Python's words for the operator in "unsupported operand type(s) for ...". */
const PYTHON_OP_NAME: Record<ArithmeticOp | '**', string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '**': '** or pow()'
};

const LIST_HINT = " (a list is Python's list here: write tensor([...]) for arithmetic on its values)";

/**
 * a op b where one is a list, as Python does it (PyTorch 1.13 takes no list in a tensor's arithmetic either): list +
 * list joins them, list * int (or int * list) repeats the items, anything else is Python's TypeError (with a hint:
 * `1 - [0.1]` is no elementwise arithmetic). More items than MAX_LIST_ITEMS are refused in one line.
 */
export function listOp(op: ArithmeticOp | '**', a: Value, b: Value): Value {
  if (op === '+' && a.kind === 'list' && b.kind === 'list') return listOf([...a.items, ...b.items]);
  if (op === '*') {
    const [list, times] = a.kind === 'list' ? [a, b] : [b as Value & { kind: 'list' }, a];
    if (times.kind === 'int' || times.kind === 'bool') {
      const n = times.kind === 'int' ? times.value : BigInt(times.value);
      // Python: a count beyond a C ssize_t is its OverflowError, whatever the list
      if (n >= 2n ** 63n) throw new OpError("cannot fit 'int' into an index-sized integer");
      if (n <= 0n || list.items.length === 0) return listOf([]);
      if (BigInt(list.items.length) * n > BigInt(MAX_LIST_ITEMS))
        throw new OpError(
          `a list of ${list.items.length} item${list.items.length === 1 ? '' : 's'} repeated ${n} times is beyond ${MAX_LIST_ITEMS} items: a cell runs on the kernel's thread`
        );
      const count = Number(n);
      const items: Value[] = new Array(list.items.length * count);
      for (let k = 0, at = 0; k < count; k++) for (const item of list.items) items[at++] = item;
      return listOf(items);
    }
    // list * tensor: Python asks the tensor for an index (Tensor.__index__)
    if (times.kind === 'tensor')
      throw new OpError('only integer tensors of a single element can be converted to an index');
    throw new OpError(`can't multiply sequence by non-int of type '${pythonTypeName(times)}'${LIST_HINT}`);
  }
  if (op === '+' && (a.kind === 'list' || a.kind === 'str'))
    throw new OpError(`can only concatenate ${a.kind} (not "${pythonTypeName(b)}") to ${a.kind}${LIST_HINT}`);
  throw new OpError(
    `unsupported operand type(s) for ${PYTHON_OP_NAME[op]}: '${pythonTypeName(a)}' and '${pythonTypeName(b)}'${LIST_HINT}`
  );
}

/** Most items a list repetition makes (`[0.0] * n`): a cell runs on the kernel's thread. */
export const MAX_LIST_ITEMS = 2 ** 22;

function listOf(items: Value[]): Value {
  return { kind: 'list', items };
}

/** a op b with Python/PyTorch semantics (see the top of this file); a list is Python's (listOp). */
export function binaryOp(op: ArithmeticOp, left: Value, right: Value): Value {
  if (left.kind === 'list' || right.kind === 'list') return listOp(op, left, right);
  const a = asOperand(left);
  const b = asOperand(right);
  if (a.kind === 'tensor' && b.kind === 'tensor') return tensorTensor(op, a, b);
  if (a.kind === 'tensor') return tensorScalar(op, a, b, false);
  if (b.kind === 'tensor') return tensorScalar(op, b, a, true);
  return pythonScalar(op, a, b);
}

/** -x and +x (torch.neg is exact and makes a new contiguous tensor; +x is x itself, a slice still a view). */
export function unaryOp(op: '-' | '+', v: Value): Value {
  if (v.kind === 'list') throw new OpError(`bad operand type for unary ${op}: 'list'${LIST_HINT}`);
  const a = asOperand(v);
  if (a.kind === 'tensor' && op === '+') return a;
  if (a.kind === 'tensor') {
    const out = alloc(a.dtype, a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = op === '-' ? -a.data[i] : a.data[i];
    return { kind: 'tensor', dtype: a.dtype, shape: [...a.shape], data: out };
  }
  if (a.kind === 'int') return { kind: 'int', value: op === '-' ? -a.value : a.value };
  if (a.kind === 'bool') return { kind: 'int', value: op === '-' ? -BigInt(a.value) : BigInt(a.value) };
  const x = scalarOf(a) as number;
  return { kind: 'float', value: op === '-' ? -x : x };
}
