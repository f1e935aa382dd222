// NumPy's .npy files (what `np.save('x.npy', x.numpy())` writes), read as the exact values they hold, so that a user
// can compare their loop's output without printing it. The format, as numpy/lib/format.py (NumPy 1.24, Debian's
// python3-numpy) writes and reads it:
//   the magic string \x93NUMPY, a major and a minor version byte (1.0, 2.0 or 3.0);
//   the header's length, a little-endian uint16 (version 1.0) or uint32 (2.0 and 3.0);
//   the header, latin1 (UTF-8 in 3.0): a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }
//   padded with spaces and ended by '\n';
//   the data: shape's product of items of dtype descr, row-major, or column-major when fortran_order is True.
// Only float32 and float64 arrays (either byte order) are read; any other dtype is refused by name.

export interface NpyArray {
  dtype: 'float32' | 'float64';
  shape: number[];
  /** the values, row-major (C order) whatever order the file holds them in */
  values: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Whether the bytes begin as a .npy file does. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** NumPy's names for the dtypes a header's descr may give (numpy.dtype(descr).name), for messages. */
function dtypeName(descr: string): string {
  const m = /^[<>|=]?([biufcmMOSUV])(\d*)$/.exec(descr);
  if (!m) return descr;
  const size = Number(m[2]);
  const kinds: Record<string, string> = {
    b: 'bool',
    i: `int${size * 8}`,
    u: `uint${size * 8}`,
    f: `float${size * 8}`,
    c: `complex${size * 8}`,
    O: 'object',
    S: 'bytes',
    U: 'str',
    V: 'void',
    m: 'timedelta64',
    M: 'datetime64'
  };
  return kinds[m[1]] ?? descr;
}

/**
 * The array a .npy file holds; throws a one-line Error naming `field` for a file that is not one, is cut short, or
 * holds an array that is not float32 or float64.
 */
export function readNpy(bytes: Uint8Array, field: string): NpyArray {
  if (!isNpy(bytes)) throw new Error(`${field}: not a NumPy .npy file (it does not begin with \\x93NUMPY)`);
  const major = bytes[6];
  if (major < 1 || major > 3)
    throw new Error(`${field}: a .npy file of format version ${major}.${bytes[7]}, which NumPy 1.24 does not write`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new Error(`${field}: a .npy file cut short in its header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (bytes.length < dataStart) throw new Error(`${field}: a .npy file cut short in its header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));
  if (/'descr'\s*:\s*\[/.test(header))
    throw new Error(
      `${field}: a .npy file of a structured array (named fields); save the tensor itself, np.save(f, x.numpy())`
    );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new Error(
      `${field}: a .npy file whose header lacks descr, fortran_order or shape: ${header.trim().slice(0, 80)}`
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 0))
    throw new Error(`${field}: a .npy file with the shape (${shapeText}), which is no shape`);
  const name = dtypeName(descr);
  if (name === 'object')
    throw new Error(
      `${field}: a .npy file of Python objects (dtype object, pickled), which only Python reads; save the tensor's values, np.save(f, x.numpy())`
    );
  if (!/^[<>=|]?f[48]$/.test(descr))
    throw new Error(
      `${field}: a .npy file of dtype ${name} ('${descr}'); DDPM Lab compares float32 (or float64) arrays: save x.float().numpy()`
    );
  const dtype = descr.endsWith('f4') ? 'float32' : 'float64';
  const size = dtype === 'float32' ? 4 : 8;
  const littleEndian = !descr.startsWith('>');
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * size;
  if (bytes.length - dataStart < need)
    throw new Error(
      `${field}: a .npy file cut short: its shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) needs ${need} bytes of ${dtype} data, it holds ${bytes.length - dataStart}`
    );
  const values = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
  // the file's order -> row-major: with fortran_order the first index varies fastest
  const cStrides = new Array<number>(shape.length);
  for (let k = shape.length - 1, stride = 1; k >= 0; k--) {
    cStrides[k] = stride;
    stride *= shape[k];
  }
  for (let i = 0; i < count; i++) {
    let rest = i;
    let c = 0;
    if (fortran === 'True') {
      for (let k = 0; k < shape.length; k++) {
        const idx = rest % shape[k];
        rest = (rest - idx) / shape[k];
        c += idx * cStrides[k];
      }
    } else c = i;
    const at = dataStart + i * size;
    values[c] = size === 4 ? view.getFloat32(at, littleEndian) : view.getFloat64(at, littleEndian);
  }
  return { dtype, shape, values };
}
