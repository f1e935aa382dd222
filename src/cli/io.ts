// The command line's view of the outside world, so subcommands can be tested without a process.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorFirstLine } from '../core/errors';
import { parseInputsText, type ReadInputsResult } from '../core/sampler/inputs';
import { jsonFloat32 } from '../core/tensors/printTensor';
import { DEFAULT_PROFILE, MATMUL_PROFILES, RNG_PROFILES, type MatmulProfile, type RngProfile } from '../core/types';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  /** a file's text, or standard input for "-" */
  readText(pathOrDash: string): Promise<string>;
  writeText(path: string, s: string): Promise<void>;
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
    readText: async (p) => (p === '-' ? readStdin() : readFile(p, 'utf8')),
    writeText: (p, s) => writeFile(p, s, 'utf8')
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
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

/** How messages name an input argument: the path, or "standard input" for "-". */
export function inputName(pathOrDash: string): string {
  return pathOrDash === '-' ? 'standard input' : pathOrDash;
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

/** A file read as text, with a one-line message naming the file when it cannot be read. */
export async function readInputText(io: CliIO, pathOrDash: string): Promise<string> {
  try {
    return await io.readText(pathOrDash);
  } catch (e) {
    throw new CliError(`${inputName(pathOrDash)}: cannot read: ${fileErrorReason(e, 'no such file')}`);
  }
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
  try {
    return parseArgs(config);
  } catch (e) {
    const first = oneLine(e);
    // node:util's wording for an option without its value, e.g. "--seed --shape 3" or "--shape -1"
    // ("Option '-o, --output <value>' argument missing" for an option with a short form: named by its long form)
    const valueless = /^Option '(?:-\w, )?(-[-\w]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(first);
    if (valueless) {
      const option = longOf(valueless[1]);
      const hint = valueless[2] === 'missing' ? '' : ` (a value that starts with "-" is written ${option}=-VALUE)`;
      throw new CliError(`${option}: missing value${hint}${usage}`);
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
