// Indexing and slicing, x[...], as Python and PyTorch (1.13) do it.
// - Lists and strings: Python's sequence indexing (Objects/listobject.c, Objects/sliceobject.c
//   PySlice_Unpack / PySlice_AdjustIndices): one integer or one slice; negative indices count from the end,
//   slices clamp, a step may be negative but not zero.
// - Tensors: PyTorch's basic indexing (torch/csrc/autograd/python_variable_indexing.cpp, ATen's
//   TensorIndexing.h applySelect / applySlice, at::slice): an integer selects and removes a dimension (x[0] of a
//   vector is a 0-dim tensor), a slice keeps it (step > 0), None inserts a dimension of size 1, `...` stands for
//   the dimensions not indexed. The result holds a copy of the values (the language never changes a tensor in
//   place) and the strides of PyTorch's view (TensorValue.strides): a view's elements are the same, but which of
//   them PyTorch's loops vectorise is not, and `**` gives other bits there (power.ts). Advanced indexing (with
//   lists, tensors or booleans) is not part of the language.
// Error texts are Python's and PyTorch's own (test/fixtures/notebook/cell_operators.json holds them).
import { CellError, type Loc } from './ast';
import { int64Of, OpError } from './ops';
import { numel, pythonTypeName, type TensorValue, type Value } from './values';
import { contiguousStrides } from '../../tensors/printTensor';

/** An evaluated index item: a value, or a slice whose parts are values (null where omitted). */
export type IndexArg =
  | { kind: 'value'; value: Value; loc: Loc }
  | { kind: 'slice'; start: Value | null; stop: Value | null; step: Value | null; loc: Loc };

const SSIZE_MAX = 2n ** 63n - 1n;
const SSIZE_MIN = -(2n ** 63n);

function fail(detail: string, loc: Loc): never {
  throw new CellError(detail, loc);
}

/** A slice bound through __index__ (_PyEval_SliceIndex): an int, clipped to Py_ssize_t; null for None. */
function sliceBound(v: Value | null, loc: Loc): bigint | null {
  if (v === null || v.kind === 'none') return null;
  if (v.kind === 'int' || v.kind === 'bool') {
    const i = v.kind === 'int' ? v.value : BigInt(v.value);
    return i > SSIZE_MAX ? SSIZE_MAX : i < SSIZE_MIN ? SSIZE_MIN : i;
  }
  if (v.kind === 'tensor') return fail('only integer tensors of a single element can be converted to an index', loc);
  return fail('slice indices must be integers or None or have an __index__ method', loc);
}

/** PySlice_Unpack: start, stop and step with Python's defaults; a zero step is an error. */
function unpackSlice(arg: Extract<IndexArg, { kind: 'slice' }>): { start: bigint; stop: bigint; step: bigint } {
  const step = sliceBound(arg.step, arg.loc) ?? 1n;
  if (step === 0n) fail('slice step cannot be zero', arg.loc);
  const start = sliceBound(arg.start, arg.loc) ?? (step < 0n ? SSIZE_MAX : 0n);
  const stop = sliceBound(arg.stop, arg.loc) ?? (step < 0n ? SSIZE_MIN : SSIZE_MAX);
  return { start, stop, step };
}

/** PySlice_AdjustIndices: the positions a slice selects from a sequence of `length` items. */
function sliceIndices(length: number, s: { start: bigint; stop: bigint; step: bigint }): number[] {
  const n = BigInt(length);
  const clamp = (i: bigint): bigint => {
    if (i < 0n) {
      i += n;
      if (i < 0n) i = s.step < 0n ? -1n : 0n;
    } else if (i >= n) {
      i = s.step < 0n ? n - 1n : n;
    }
    return i;
  };
  const start = clamp(s.start);
  const stop = clamp(s.stop);
  const out: number[] = [];
  if (s.step > 0n) for (let i = start; i < stop; i += s.step) out.push(Number(i));
  else for (let i = start; i > stop; i += s.step) out.push(Number(i));
  return out;
}

/** list[i], list[a:b:c], str[i], str[a:b:c] with Python's semantics. */
function sequenceIndex(
  target: Extract<Value, { kind: 'list' | 'str' }>,
  args: IndexArg[],
  tuple: boolean,
  at: Loc
): Value {
  const isList = target.kind === 'list';
  const items: Value[] = isList ? target.items : Array.from(target.value).map((c) => ({ kind: 'str', value: c }));
  const notIndex = (what: string): string =>
    isList ? `list indices must be integers or slices, not ${what}` : `string indices must be integers, not '${what}'`;
  if (tuple) fail(notIndex('tuple'), at);
  const arg = args[0];
  if (arg.kind === 'slice') {
    const picked = sliceIndices(items.length, unpackSlice(arg)).map((i) => items[i]);
    if (isList) return { kind: 'list', items: picked };
    return { kind: 'str', value: picked.map((c) => (c as { value: string }).value).join('') };
  }
  const v = arg.value;
  if (v.kind === 'tensor') fail('only integer tensors of a single element can be converted to an index', arg.loc);
  if (v.kind !== 'int' && v.kind !== 'bool') fail(notIndex(pythonTypeName(v)), arg.loc);
  let i = v.kind === 'int' ? v.value : BigInt(v.value);
  if (i > SSIZE_MAX || i < SSIZE_MIN) fail("cannot fit 'int' into an index-sized integer", arg.loc);
  if (i < 0n) i += BigInt(items.length);
  if (i < 0n || i >= BigInt(items.length))
    fail(isList ? 'list index out of range' : 'string index out of range', arg.loc);
  return items[Number(i)];
}

// ---------------------------------------------------------------------------------------------
// Tensors

/**
 * A strided view of a tensor's data (row-major data, so a fresh tensor is its own contiguous view), with the strides
 * PyTorch's view has (`torch`: those of the indexed tensor, itself perhaps a view, carried through the indexing).
 */
interface View {
  shape: number[];
  strides: number[];
  torch: number[];
  offset: number;
}

function viewOf(t: TensorValue): View {
  const strides = contiguousStrides(t.shape);
  return { shape: [...t.shape], strides, torch: t.strides ? [...t.strides] : [...strides], offset: 0 };
}

/** Whether strides describe a row-major layout of the shape (size-1 dimensions may have any stride). */
function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const row = contiguousStrides(shape);
  return shape.every((size, d) => size <= 1 || strides[d] === row[d]);
}

function materialise(t: TensorValue, v: View): TensorValue {
  const n = numel(v.shape);
  const data = t.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const index = new Array<number>(v.shape.length).fill(0);
  let src = v.offset;
  for (let k = 0; k < n; k++) {
    data[k] = t.data[src];
    for (let d = v.shape.length - 1; d >= 0; d--) {
      index[d]++;
      src += v.strides[d];
      if (index[d] < v.shape[d]) break;
      src -= v.strides[d] * v.shape[d];
      index[d] = 0;
    }
  }
  const view: TensorValue = { kind: 'tensor', dtype: t.dtype, shape: v.shape, data };
  if (!isContiguous(v.shape, v.torch)) view.strides = v.torch;
  return view;
}

const ZERO_DIM_INDEX =
  'invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number';

/** applySelect: x.select(dim, index), with PyTorch's bounds check (real_dim: the index's position). */
function select(v: View, dim: number, value: bigint, realDim: number, loc: Loc): View {
  const index = int64Of(value);
  const size = v.shape[dim] ?? 0;
  if (index < -BigInt(size) || index >= BigInt(size))
    fail(`index ${index} is out of bounds for dimension ${realDim} with size ${size}`, loc);
  const i = Number(index < 0n ? index + BigInt(size) : index);
  return {
    shape: v.shape.filter((_, d) => d !== dim),
    strides: v.strides.filter((_, d) => d !== dim),
    torch: v.torch.filter((_, d) => d !== dim),
    offset: v.offset + i * v.strides[dim]
  };
}

/** applySlice: at::slice(dim, start, stop, step) after Python's slice unpacking. */
function slice(v: View, dim: number, arg: Extract<IndexArg, { kind: 'slice' }>): View {
  const s = unpackSlice(arg);
  if (s.step <= 0n) fail('step must be greater than zero', arg.loc);
  if (v.shape.length === 0) fail('slice() cannot be applied to a 0-dim tensor.', arg.loc);
  const size = BigInt(v.shape[dim]);
  let start = s.start;
  let stop = s.stop;
  if (start < 0n) start += size;
  if (stop < 0n) stop += size;
  if (start < 0n) start = 0n;
  else if (start >= size) start = size;
  if (stop < start) stop = start;
  else if (stop >= size) stop = size;
  const length = Number((stop - start + s.step - 1n) / s.step);
  const shape = [...v.shape];
  const strides = [...v.strides];
  const torch = [...v.torch];
  shape[dim] = length;
  strides[dim] = length > 1 ? v.strides[dim] * Number(s.step) : v.strides[dim]; // (a step beyond the size leaves one element)
  torch[dim] = v.torch[dim] * Number(s.step); // at::slice: stride * step
  return { shape, strides, torch, offset: v.offset + Number(start) * v.strides[dim] };
}

function unsqueeze(v: View, dim: number): View {
  const shape = [...v.shape];
  const strides = [...v.strides];
  const torch = [...v.torch];
  shape.splice(dim, 0, 1);
  strides.splice(dim, 0, 0);
  torch.splice(dim, 0, 0); // a size-1 dimension: its stride plays no part in the loops
  return { shape, strides, torch, offset: v.offset };
}

/** What an index item that basic indexing does not take says (PyTorch's text where it has one). */
function refuseTensorIndex(value: Value, loc: Loc): never {
  if (value.kind === 'bool') fail('indexing a tensor with True or False is not supported', loc);
  if (value.kind === 'list') fail('indexing a tensor with a list (advanced indexing) is not supported', loc);
  if (value.kind === 'tensor') fail('tensors used as indices must be long, byte or bool tensors', loc);
  if (value.kind === 'str') fail('a tensor cannot be indexed with a str', loc);
  fail(
    `only integers, slices (\`:\`), ellipsis (\`...\`), None and long or byte Variables are valid indices (got ${pythonTypeName(value)})`,
    loc
  );
}

function tensorIndex(t: TensorValue, args: IndexArg[], tuple: boolean, at: Loc): TensorValue {
  let v = viewOf(t);
  if (!tuple) {
    // THPVariable_getitem's paths for one item
    const arg = args[0];
    if (arg.kind === 'slice') return materialise(t, slice(v, 0, arg));
    const value = arg.value;
    if (value.kind === 'none') return materialise(t, unsqueeze(v, 0));
    if (value.kind === 'ellipsis') return materialise(t, v);
    if (value.kind === 'int') {
      const index = int64Of(value.value);
      if (t.shape.length === 0 && index === 0n) fail(ZERO_DIM_INDEX, arg.loc);
      return materialise(t, select(v, 0, index, 0, arg.loc));
    }
  }
  // applySlicing (PyTorch 1.13 reads a second `...` as an index into a dimension of size 0: NumPy's words instead)
  if (args.filter((a) => a.kind !== 'slice' && a.value.kind === 'ellipsis').length > 1)
    fail("an index can only have a single ellipsis ('...')", at);
  const specified = args.filter(
    (a) => a.kind === 'slice' || (a.value.kind !== 'none' && a.value.kind !== 'ellipsis' && a.value.kind !== 'bool')
  ).length;
  if (specified > t.shape.length) fail(`too many indices for tensor of dimension ${t.shape.length}`, at);
  let dim = 0;
  args.forEach((arg, realDim) => {
    if (arg.kind === 'slice') {
      v = slice(v, dim, arg);
      dim++;
      return;
    }
    const value = arg.value;
    if (value.kind === 'int') v = select(v, dim, value.value, realDim, arg.loc);
    else if (value.kind === 'ellipsis') dim += t.shape.length - specified;
    else if (value.kind === 'none') v = unsqueeze(v, dim++);
    else refuseTensorIndex(value, arg.loc);
  });
  return materialise(t, v);
}

/** target[args] (`tuple` when the index held a comma); `at` is where the index starts. */
export function indexValue(target: Value, args: IndexArg[], tuple: boolean, at: Loc): Value {
  try {
    if (target.kind === 'list' || target.kind === 'str') return sequenceIndex(target, args, tuple, at);
    if (target.kind === 'tensor') return tensorIndex(target, args, tuple, at);
    if (target.kind === 'run') return fail('a sampler run is not subscriptable', at);
    return fail(`'${pythonTypeName(target)}' object is not subscriptable`, at);
  } catch (e) {
    if (e instanceof OpError) throw new CellError(e.message, at); // Overflow when unpacking long
    throw e;
  }
}
