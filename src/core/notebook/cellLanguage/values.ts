// Values of the cell language and how they print. Python numbers stay Python numbers (int as bigint,
// float as double) until they meet a tensor; tensors are float32 (PyTorch's default dtype) unless a
// pasted print said dtype=torch.float64.
import { formatPythonFloat as pythonFloatRepr } from '../../compare/summaryText';
import { formatFloat32Shortest, formatTensor, formatTensorF32 } from '../../tensors/printTensor';
import type { WrittenSchedule } from '../../sampler/inputs';
import type { RunResult, SamplerInputs } from '../../types';

export type TensorDtype = 'float32' | 'float64';

export interface TensorValue {
  kind: 'tensor';
  dtype: TensorDtype;
  shape: number[];
  data: Float32Array | Float64Array;
  /** the pasted text this tensor was read from, while it is unchanged (compare() judges printed precision from it) */
  text?: string;
  /** the paste was summarised with `...` (some values are missing) */
  summarized?: boolean;
  /**
   * For a slice (indexing.ts): the strides, in elements, of the PyTorch view it stands for; absent for a contiguous
   * tensor. `data` is always the values in row-major order; the strides decide only which elements PyTorch's loops
   * vectorise, which `**` shows (power.ts innerLoop).
   */
  strides?: number[];
}

export interface RunValue {
  kind: 'run';
  run: RunResult;
  inputs: SamplerInputs;
  /** betas and alpha_bar as the cells wrote them, when not the float32 values (readInputs): compare() retries with them */
  writtenSchedule?: WrittenSchedule;
}

export type Value =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'str'; value: string }
  | { kind: 'list'; items: Value[]; text?: string }
  | { kind: 'ellipsis' }
  | TensorValue
  | RunValue;

export const NONE: Value = { kind: 'none' };

/** Python's type names, for messages such as `expected a number, got list`. */
export function typeName(v: Value): string {
  switch (v.kind) {
    case 'str':
      return 'str';
    case 'none':
      return 'None';
    case 'ellipsis':
      return 'ellipsis';
    case 'run':
      return 'sampler run';
    default:
      return v.kind;
  }
}

/** Python's name of a value's type, as its TypeErrors print it (`'Tensor' object is not callable`). */
export function pythonTypeName(v: Value): string {
  return v.kind === 'tensor' ? 'Tensor' : v.kind === 'none' ? 'NoneType' : typeName(v);
}

/**
 * Python's repr of a str (unicode_repr in Objects/unicodeobject.c): single quotes unless the text holds one and no
 * double quote; the backslash, the quote, tab, newline and carriage return escaped; any other character that is not
 * printable (a control character, a format or unassigned one, a separator other than the space) as \xNN, \uNNNN or
 * \UNNNNNNNN.
 */
function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  let body = '';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === '\\' || c === quote) body += `\\${c}`;
    else if (c === '\t') body += '\\t';
    else if (c === '\n') body += '\\n';
    else if (c === '\r') body += '\\r';
    else if (code < 0x20 || code === 0x7f) body += `\\x${hex(code, 2)}`;
    else if (c !== ' ' && NOT_PRINTABLE.test(c))
      body += code < 0x100 ? `\\x${hex(code, 2)}` : code < 0x10000 ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    else body += c;
  }
  return quote + body + quote;
}

/** Python's str.isprintable() is false for these (Unicode categories C*, Z* but the space). */
const NOT_PRINTABLE = /^[\p{C}\p{Z}]$/u;

/** Row-major values as nested Python lists, each value written by `format` (t.tolist() with float64 repr). */
function nestedListText(data: ArrayLike<number>, shape: number[], format: (x: number) => string): string {
  const nested = (offset: number, dim: number): string => {
    if (shape.length === 0) return format(data[0]);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    for (let i = 0; i < shape[dim]; i++)
      parts.push(dim === shape.length - 1 ? format(data[offset + i]) : nested(offset + i * stride, dim + 1));
    return `[${parts.join(', ')}]`;
  };
  return nested(0, 0);
}

/** What a bare expression statement shows as text/plain: Python's repr, PyTorch's repr for float32 tensors. */
export function reprValue(v: Value): string {
  switch (v.kind) {
    case 'int':
      return v.value.toString();
    case 'float':
      return pythonFloatRepr(v.value);
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'str':
      return pythonStrRepr(v.value);
    case 'ellipsis':
      return 'Ellipsis';
    case 'list':
      return `[${v.items.map(reprValue).join(', ')}]`;
    case 'tensor':
      if (v.summarized && v.text !== undefined) return v.text; // only the kept values are known: show the paste
      return formatTensor(v.data, v.shape, undefined, v.dtype);
    case 'run':
      return formatTensorF32(v.run.sample.data, [v.run.sample.rows, v.run.sample.cols]);
  }
}

/**
 * A tensor as printed text that reads back to exactly its values (for compare()): float32 values as
 * their shortest round-trip decimals, float64 values as Python's repr.
 */
export function exactTensorText(v: TensorValue): string {
  if (v.text !== undefined) return v.text;
  const format = v.dtype === 'float32' ? formatFloat32Shortest : pythonFloatRepr;
  return `tensor(${nestedListText(v.data, v.shape, format)}${v.dtype === 'float64' ? ', dtype=torch.float64' : ''})`;
}

export function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
