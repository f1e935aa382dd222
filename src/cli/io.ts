// The command line's view of the outside world, so subcommands can be tested without a process.
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, readlink, realpath, rename, stat, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorFirstLine } from '../core/errors';
import { decodeText } from '../core/textBytes';
import { isNpy, readNpy, type NpyArray } from '../core/tensors/npy';
import { pythonTuple } from '../core/tensors/printTensor';
import { parseInputsText, type ReadInputsResult } from '../core/sampler/inputs';
import { jsonFloat32 } from '../core/tensors/printTensor';
import { DEFAULT_PROFILE, MATMUL_PROFILES, RNG_PROFILES, type MatmulProfile, type RngProfile } from '../core/types';

/** What the repeated-option check reads of node:util parseArgs' `tokens` (an option's: kind 'option'). */
type Token = { kind: string; name?: string; rawName?: string };

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** a file's text, or standard input for "-" */
  readText(pathOrDash: string): Promise<string>;
  /** a file's bytes, or standard input's, for a paste that may be a NumPy .npy file (readPaste) */
  readBytes?(pathOrDash: string): Promise<Uint8Array>;
  writeText(path: string, s: string): Promise<void>;
  /** whether two paths name one existing file (links followed); false when either does not exist */
  sameFile?(a: string, b: string): Promise<boolean>;
  /** resolves once what was written to stdout has gone out (a failure there ends the process: exit 3) */
  flushStdout?(): Promise<void>;
}

/** The real process: stdout, stderr, files, stdin. */
export function processIO(): CliIO {
  // A reader that stops early (`| head`) closes the pipe: the command then writes nothing more there and ends with
  // its own exit code (a mismatch stays 1), without a stack trace for EPIPE; any other failure to write is one line
  // and exit code 3.
  const closed = { stdout: false, stderr: false };
  const onError = (stream: 'stdout' | 'stderr') => (e: NodeJS.ErrnoException) => {
    closed[stream] = true;
    if (e.code === 'EPIPE') return;
    if (stream === 'stdout' && !closed.stderr) process.stderr.write(`standard output: ${oneLine(e)}\n`);
    process.exit(3);
  };
  process.stdout.on('error', onError('stdout'));
  process.stderr.on('error', onError('stderr'));
  return {
    stdout: (s) => void (closed.stdout || process.stdout.write(s)),
    stderr: (s) => void (closed.stderr || process.stderr.write(s)),
    // UTF-8, or UTF-16 with its byte order mark (src/core/textBytes.ts)
    readText: async (p) => decodeText(p === '-' ? await readStdin() : await readFile(p)),
    readBytes: async (p) => (p === '-' ? await readStdin() : await readFile(p)),
    writeText: writeFileReplacing,
    sameFile,
    flushStdout: () =>
      new Promise<void>((resolve) => {
        if (closed.stdout) resolve();
        else process.stdout.write('', () => resolve());
      })
  };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * Writes `text` to `file` whole or not at all: into a new file beside it, then renamed over it, so that a failed
 * write (a full disk, a size limit) leaves the file as it was; the old file's mode is kept. A link is followed (its
 * target is replaced, or created when the link dangles); a file that is not a regular one (/dev/stdout, a pipe), or a
 * writable file in a folder that takes no new file, is written directly.
 */
export async function writeFileReplacing(file: string, text: string): Promise<void> {
  const target = await realpath(file).catch(() => danglingTarget(file));
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isFile()) return writeFile(target, text, 'utf8');
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (existing && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) return writeFile(target, text, 'utf8');
    throw e;
  }
  try {
    try {
      await handle.writeFile(text, 'utf8');
      if (existing) await handle.chmod(existing.mode & 0o7777); // (open's mode is cut by the umask)
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/** Where a link that points at no file points (to create its target, as writing through it would); else `file`. */
async function danglingTarget(file: string): Promise<string> {
  try {
    return path.resolve(path.dirname(file), await readlink(file));
  } catch {
    return file;
  }
}

/** Whether `a` and `b` are one existing file (the same device and inode, links followed; bigint: Windows' file ids). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([
    stat(a, { bigint: true }).catch(() => null),
    stat(b, { bigint: true }).catch(() => null)
  ]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/** A number written in decimal (`0.5`, `1e-6`, `+3`); NaN for anything else (`0x10`, `Infinity`, `''`, `1_000`). */
export function decimalNumber(text: string): number {
  return /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
}

/** An error whose message is shown as is, one line, with the given exit code (2: bad input or usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Whether an error is a slip of our own code (a TypeError, a ReferenceError) rather than what the user gave: the
 * dispatcher reports it as an internal error (exit 3), not as bad input (exit 2).
 */
export function isInternalError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof ReferenceError;
}

/** Refuses a paste that holds nothing (`name` names it), before it is compared: compare's and report --expected's. */
export function requirePaste(text: string, name: string): void {
  if (text.trim() === '') throw new CliError(`${name}: empty (paste PyTorch's printed output)`);
}

/** The first line of an error's message (never a stack trace). */
export function oneLine(e: unknown): string {
  return errorFirstLine(e).trim() || (e instanceof Error ? e.name : 'error');
}

/**
 * How messages name an input argument: the path, or "standard input" for "-"; a path holding a line break or another
 * control character is quoted (JSON), so that the message stays one line.
 */
export function inputName(pathOrDash: string): string {
  return pathOrDash === '-' ? 'standard input' : pathShown(pathOrDash);
}

/** A path as messages show it: as given, or quoted (JSON) when it holds a control character such as a line break. */
export function pathShown(p: string): string {
  return /[\u0000-\u001f\u007f]/.test(p) ? JSON.stringify(p) : p;
}

/** Why a file operation failed, in words (`missing`: what ENOENT means for it). */
export function fileErrorReason(e: unknown, missing: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? missing
    : code === 'EISDIR'
      ? 'is a directory'
      : code === 'EACCES'
        ? 'permission denied'
        : oneLine(e);
}

/** A file read by `read` (its text or its bytes), with a one-line message naming the file when it cannot be read. */
async function readFileOrSay<T>(pathOrDash: string, read: (p: string) => Promise<T>): Promise<T> {
  try {
    return await read(pathOrDash);
  } catch (e) {
    throw new CliError(`${inputName(pathOrDash)}: cannot read: ${fileErrorReason(e, 'no such file')}`);
  }
}

/** A file read as text, with a one-line message naming the file when it cannot be read. */
export async function readInputText(io: CliIO, pathOrDash: string): Promise<string> {
  return readFileOrSay(pathOrDash, (p) => io.readText(p));
}

/** A zip archive's first bytes (PK\x03\x04): what torch.save (since PyTorch 1.6) and np.savez write. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * A paste given as a file: its text, or a NumPy .npy file's array (np.save) as the text of its exact values, with a
 * line saying what the file held (`note`). A zip archive (torch.save, np.savez) or a pickle is refused in one line
 * saying what to save instead.
 */
export async function readPaste(io: CliIO, pathOrDash: string): Promise<{ text: string; note?: string }> {
  if (!io.readBytes) return { text: await readInputText(io, pathOrDash) };
  const bytes = await readFileOrSay(pathOrDash, (p) => io.readBytes!(p));
  const name = inputName(pathOrDash);
  const instead = "save the tensor with np.save('x.npy', x.numpy()), or paste print(x.tolist())";
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b))
    throw new CliError(
      `${name}: a zip archive (torch.save and np.savez write one), which DDPM Lab does not read: ${instead}`
    );
  // a pickle's PROTO opcode (0x80, protocol 2 to 5): torch.save's legacy format, pickle.dump
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5)
    throw new CliError(
      `${name}: a Python pickle (torch.save's legacy format, pickle.dump), which only Python reads: ${instead}`
    );
  if (!isNpy(bytes)) return { text: decodeText(bytes) };
  let array: NpyArray;
  try {
    array = readNpy(bytes, name);
  } catch (e) {
    throw new CliError(oneLine(e));
  }
  return {
    text: npyAsText(array),
    note: `${name}: a NumPy .npy file (np.save) of a ${array.dtype} array of shape ${pythonTuple(array.shape)}, read as the exact values it holds.`
  };
}

/**
 * A .npy array as a nested list of decimals that identify each value (9 significant digits for a float32, 17 for a
 * float64), so that the comparison reads back exactly the values the file holds.
 */
function npyAsText(a: NpyArray): string {
  const digits = a.dtype === 'float32' ? 9 : 17;
  // (toPrecision writes -0 as 0: its sign is a value's too, which the bitwise rule compares)
  const num = (v: number): string =>
    Number.isNaN(v)
      ? 'nan'
      : v === Infinity
        ? 'inf'
        : v === -Infinity
          ? '-inf'
          : Object.is(v, -0)
            ? '-0.0'
            : v.toPrecision(digits);
  const parts: string[] = [];
  const walk = (dim: number, offset: number, stride: number): void => {
    if (dim === a.shape.length) {
      parts.push(num(a.values[offset]));
      return;
    }
    const inner = stride / a.shape[dim];
    parts.push('[');
    for (let i = 0; i < a.shape[dim]; i++) {
      if (i) parts.push(', ');
      walk(dim + 1, offset + i * inner, inner);
    }
    parts.push(']');
  };
  walk(0, 0, a.values.length);
  return parts.join('');
}

/**
 * Reads and validates an inputs file (`text`: its contents when already read, e.g. from standard input); every problem
 * becomes a CliError (exit 2).
 */
export async function loadInputs(io: CliIO, pathOrDash: string, text?: string): Promise<ReadInputsResult> {
  text ??= await readInputText(io, pathOrDash);
  try {
    return parseInputsText(text, inputName(pathOrDash));
  } catch (e) {
    // PyTorch's printed output where the inputs go: say so, rather than where its text stops being JSON
    if (!/^\s*\{/.test(text.replace(/^\uFEFF/, '')) && /\b(?:tensor|array)\s*\(\s*\[/.test(text))
      throw new CliError(
        `${inputName(pathOrDash)}: holds printed output, not inputs (INPUT.json is one JSON object with w_model, shape, betas, alpha_bar and seed)`
      );
    throw new CliError(oneLine(e));
  }
}

// ---- arguments shared by the subcommands ----

/** Parses the shared --profile value. */
export function readProfile(value: string | undefined): RngProfile {
  if (value === undefined) return DEFAULT_PROFILE;
  if (!(RNG_PROFILES as readonly string[]).includes(value)) {
    throw new CliError(
      `--profile: unknown profile ${JSON.stringify(value)} (expected one of ${RNG_PROFILES.join(', ')})`
    );
  }
  return value as RngProfile;
}

/** Parses the shared --matmul value (README "Matmul profiles"); undefined stays undefined (the default profile). */
export function readMatmul(value: string | undefined): MatmulProfile | undefined {
  if (value === undefined) return undefined;
  if (!(MATMUL_PROFILES as readonly string[]).includes(value)) {
    throw new CliError(
      `--matmul: unknown matmul profile ${JSON.stringify(value)} (expected one of ${MATMUL_PROFILES.join(', ')})`
    );
  }
  return value as MatmulProfile;
}

/** Most threads --blas-threads takes (OpenBLAS's own MAX_THREADS in Debian's build is 64; a little room above). */
const MAX_BLAS_THREADS = 256;

/**
 * --blas-threads N: OpenBLAS's thread count for the openblas-haswell profile (the user's OPENBLAS_NUM_THREADS, or the
 * number of cores when it is not set; `check` reports it). Only with --matmul openblas-haswell: the reference BLAS
 * runs one thread.
 */
export function readBlasThreads(value: string | undefined, matmul: MatmulProfile | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_BLAS_THREADS)
    throw new CliError(
      `--blas-threads: expected a whole number from 1 to ${MAX_BLAS_THREADS}, got ${JSON.stringify(value)}`
    );
  if (matmul !== 'openblas-haswell')
    throw new CliError('--blas-threads: only with --matmul openblas-haswell (the reference BLAS runs one thread)');
  return n;
}

/** node:util parseArgs with its errors turned into one-line usage errors (prefixed with the command when given). */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>>;
export function parseCliArgs<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>>;
export function parseCliArgs<T extends ParseArgsConfig>(a: string | T, b?: T): ReturnType<typeof parseArgs<T>> {
  const command = typeof a === 'string' ? a : undefined;
  const config = (typeof a === 'string' ? b : a) as T;
  const usage = command ? ` (${command} --help for usage)` : '';
  // the long name of a short option (-o: --output), for messages
  const longOf = (option: string): string => {
    const short = /^-(\w)$/.exec(option)?.[1];
    const name = short && Object.entries(config.options ?? {}).find(([, o]) => o.short === short)?.[0];
    return name ? `--${name}` : option;
  };
  // -o=FILE: node:util reads "=FILE" as the value (a file named "=FILE")
  for (const arg of config.args ?? []) {
    const short = /^-(\w)=/.exec(arg);
    if (short && longOf(`-${short[1]}`) !== `-${short[1]}`)
      throw new CliError(
        `${arg}: a short option takes its value after a space (-${short[1]} VALUE), or write ${longOf(`-${short[1]}`)}=VALUE${usage}`
      );
  }
  let parsed: ReturnType<typeof parseArgs<T>>;
  let tokens: Token[];
  try {
    // one parse, with its tokens (for the repeated options below); the values are the same as without them
    const { tokens: all = [], ...rest } = parseArgs({ ...config, tokens: true }) as { tokens?: Token[] };
    tokens = all;
    parsed = rest as ReturnType<typeof parseArgs<T>>;
  } catch (e) {
    const first = oneLine(e);
    // node:util's wording for an option without its value, e.g. "--seed --shape 3" or "--shape -1"
    // ("Option '-o, --output <value>' argument missing" for an option with a short form: named by its long form)
    const valueless = /^Option '(?:(-\w), )?(-[-\w]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(first);
    if (valueless) {
      const option = longOf(valueless[2]);
      const hint = valueless[3] === 'missing' ? '' : ` (a value that starts with "-" is written ${option}=-VALUE)`;
      // both names of an option that has a short one (`-o, --output`): the user may have typed either
      throw new CliError(`${valueless[1] ? `${valueless[1]}, ` : ''}${option}: missing value${hint}${usage}`);
    }
    const why = first
      .replace(/\. To specify a positional argument.*$/, '')
      .replace(/^Unknown option/, 'unknown option')
      .replace(
        /^Unexpected argument '(.*)'\. This command does not take positional arguments$/,
        'unexpected argument "$1" (it takes none)'
      );
    throw new CliError(command ? `${command}: ${why}${usage}` : why);
  }
  // an option given twice would keep only its last value, unseen (`--seed 1 --seed 2`): refused
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    const option = config.options?.[token.name];
    if (option?.type !== 'string' || option.multiple) continue;
    if (seen.has(token.name)) throw new CliError(`${token.rawName}: given more than once; give it once${usage}`);
    seen.add(token.name);
  }
  return parsed;
}

// ---- output formats shared by the subcommands (README "Command-line tool") ----

/** Row-major float32 values as JSON nested lists by shape ([] shape: a bare number). */
export function jsonNested(values: Float32Array, shape: readonly number[]): string {
  const parts: string[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      parts.push(jsonFloat32(values[offset]));
      return;
    }
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    parts.push('[');
    for (let i = 0; i < shape[dim]; i++) {
      if (i) parts.push(',');
      walk(dim + 1, offset + i * stride);
    }
    parts.push(']');
  };
  walk(0, 0);
  return parts.join('');
}

/** sha256 hex of the float32 little-endian bytes, row-major. */
export function checksumFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse(); // big-endian host
  }
  return createHash('sha256').update(bytes).digest('hex');
}

/** The --checksum object: {"shape": [...], "checksum": "...", "elapsed_ms": ...}. */
export function checksumJson(values: Float32Array, shape: readonly number[], elapsedMs: number): string {
  return `{"shape":[${shape.join(',')}],"checksum":"${checksumFloat32(values)}","elapsed_ms":${+elapsedMs.toFixed(3)}}\n`;
}
