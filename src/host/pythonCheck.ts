// Runs the check harness (python/ddpm_check.py) in a local Python and reads its verdict: Node code shared by the CLI's
// `check` and the extension's "DDPM: Compare with Local PyTorch" (README "Compare with your own PyTorch").
// The Python gets no more rights than the user has: spawned with an argument array (no shell), the script in a
// private temporary file, the inputs as JSON on standard input, in its own process group so that a timeout or a
// cancel kills it and everything it started (no zombies: we wait for it to close).
import { constants as bufferConstants } from 'node:buffer';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { abortError } from '../core/errors';
import {
  CheckTooLargeError,
  harnessInputJson,
  harnessOutputChars,
  NoUsableTorchError,
  parseHarnessOutput,
  type HarnessRun
} from '../core/check/harness';
import { checkAgainstTorch, type CheckVerdict } from '../core/check/verdict';
import type { MatmulProfile, RngProfile, RunResult, SamplerInputs } from '../core/types';

export const DEFAULT_CHECK_TIMEOUT_MS = 300_000;

/** The user's home folder (a `~/` in ddpmLab.pythonPath stands for it). */
export function homeDir(): string {
  return homedir();
}

/** How long to wait for the pipes to close after the Python exited or was killed (what is left is in the pipe). */
export const PIPE_GRACE_MS = 2000;

/** The most output a check can read: the longest string this Node.js makes (buffer.constants.MAX_STRING_LENGTH). */
export const MAX_CHECK_OUTPUT_CHARS = bufferConstants.MAX_STRING_LENGTH;

export interface RunPythonOptions {
  python: string;
  /** the script's text, written to a temporary file */
  script: string;
  stdin: string;
  /** the child's environment (default: this process's, so LD_LIBRARY_PATH, OPENBLAS_*, ATEN_CPU_CAPABILITY pass through) */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** the most standard output read (default MAX_CHECK_OUTPUT_CHARS bytes); beyond it the Python is stopped */
  maxOutputBytes?: number;
}

export interface PythonOutput {
  stdout: string;
  stderr: string;
  code: number | null;
  /** the signal that killed it (code is then null) */
  signal: NodeJS.Signals | null;
}

/**
 * The exception line of a Python's standard error, for one-line messages: in a traceback, the first line after the
 * last frame (`  File "...", line N` and its indented source lines) that is not indented, "XxxError: first line" even
 * when the message goes on over more lines; else (no traceback) the last non-empty line.
 */
export function exceptionLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/);
  let lastFrame = -1;
  lines.forEach((l, i) => {
    if (/^\s+File "/.test(l)) lastFrame = i;
  });
  if (lastFrame >= 0) {
    const line = lines.slice(lastFrame + 1).find((l) => l.trim() && !/^\s/.test(l));
    if (line) return line.trim();
  }
  return (
    lines
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/**
 * Runs `python SCRIPT` with stdin; resolves with its output once it closed. Rejects with NoUsableTorchError
 * ('no-interpreter' when it cannot be started, 'timeout'), or an AbortError when the signal fires.
 */
export async function runPythonScript(opts: RunPythonOptions): Promise<PythonOutput> {
  if (opts.signal?.aborted) throw abortError('check: cancelled');
  const dir = await mkdtemp(path.join(tmpdir(), 'ddpm-check-'));
  const file = path.join(dir, 'ddpm_check.py');
  try {
    await writeFile(file, opts.script, { encoding: 'utf8', mode: 0o600 });
    return await new Promise<PythonOutput>((resolve, reject) => {
      const child = spawn(opts.python, [file], {
        env: opts.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const maxOut = opts.maxOutputBytes ?? MAX_CHECK_OUTPUT_CHARS;
      let outBytes = 0;
      let failure: Error | null = null;
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      // A process it started in a session of its own (setsid) is out of the group's reach and can hold the pipes open
      // for as long as it runs: once the Python exited, or was killed, wait for the pipes no longer than PIPE_GRACE_MS.
      let grace: NodeJS.Timeout | undefined;
      const startGrace = () => {
        grace ??= setTimeout(() => finish(child.exitCode, child.signalCode), PIPE_GRACE_MS);
      };
      const timer = setTimeout(() => {
        failure = new NoUsableTorchError(
          'timeout',
          `${opts.python} did not finish the check within ${(opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS) / 1000} s`
        );
        killGroup();
        startGrace();
      }, opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
      const onAbort = () => {
        failure = abortError('check: cancelled');
        killGroup();
        startGrace();
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (b: Buffer) => {
        outBytes += b.length;
        if (outBytes <= maxOut) out.push(b);
        else if (!failure) {
          failure = new Error(`${opts.python} wrote more than ${maxOut.toLocaleString('en-US')} bytes of output`);
          killGroup();
          startGrace();
        }
      });
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.stdin.on('error', () => undefined); // a Python that exits early closes the pipe
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (!failure) {
          const why = e.code === 'ENOENT' || e.code === 'EACCES' ? noInterpreter(opts.python, e.code) : e.message;
          failure = new NoUsableTorchError('no-interpreter', `${opts.python}: ${why}`);
        }
      });
      let finished = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearTimeout(grace);
        opts.signal?.removeEventListener('abort', onAbort);
        child.stdout.destroy(); // no-ops once closed; otherwise stop reading pipes a stray process holds
        child.stderr.destroy();
        if (failure) return reject(failure);
        // an event handler's throw would escape the promise (a crash with a stack trace, the directory left behind)
        try {
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            code,
            signal
          });
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      child.on('exit', startGrace);
      child.on('close', finish);
      child.stdin.end(opts.stdin);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface CheckRunOptions {
  python: string;
  /** the harness's text (python/ddpm_check.py) */
  script: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
  profile?: RngProfile;
  matmul?: MatmulProfile;
}

export interface CheckRunResult {
  verdict: CheckVerdict;
  /** our run with the profiles of the verdict's part (4), every step recorded */
  ours: RunResult;
  torch: HarnessRun;
}

/** What the signals that kill a Python mean, for messages. */
const SIGNAL_NAMES: Partial<Record<NodeJS.Signals, string>> = {
  SIGILL: 'illegal instruction',
  SIGSEGV: 'segmentation fault',
  SIGBUS: 'bus error',
  SIGFPE: 'arithmetic exception',
  SIGABRT: 'aborted'
};

/** Runs the harness on the inputs and judges its output. NoUsableTorchError when this Python cannot run it. */
export async function runCheck(inputs: SamplerInputs, opts: CheckRunOptions): Promise<CheckRunResult> {
  const chars = harnessOutputChars(inputs);
  if (chars > MAX_CHECK_OUTPUT_CHARS)
    throw new CheckTooLargeError(
      `N=${inputs.n} d=${inputs.d} T=${inputs.betas.length} is too large to check: PyTorch's states would be about ${chars.toLocaleString('en-US')} characters of output, more than the ${MAX_CHECK_OUTPUT_CHARS.toLocaleString('en-US')} Node.js can read; check a smaller N, d or T`
    );
  const result = await runPythonScript({
    python: opts.python,
    script: opts.script,
    stdin: harnessInputJson(inputs),
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal
  });
  let torch: HarnessRun;
  try {
    torch = parseHarnessOutput(result.stdout, inputs);
  } catch (e) {
    // a script that died says why on stderr (a traceback): keep its exception line only
    if (e instanceof NoUsableTorchError && e.kind === 'script-failed' && result.signal) {
      throw new NoUsableTorchError(
        'signal',
        `the check script's Python ${opts.python} was killed by ${result.signal}${SIGNAL_NAMES[result.signal] ? ` (${SIGNAL_NAMES[result.signal]})` : ''}`,
        result.signal
      );
    }
    if (e instanceof NoUsableTorchError && e.kind === 'script-failed' && result.code !== 0) {
      const last = exceptionLine(result.stderr);
      throw new NoUsableTorchError(
        'script-failed',
        `the check script failed in ${opts.python} (exit ${result.code ?? 'by signal'})${last ? `: ${last}` : ''}`
      );
    }
    throw e;
  }
  const { verdict, ours } = checkAgainstTorch(inputs, torch, {
    profile: opts.profile,
    matmul: opts.matmul,
    shouldStop: () => opts.signal?.aborted === true
  });
  return { verdict, ours, torch };
}

/** The full path of a command on PATH (an executable regular file), or undefined; what a shell's `command -v` finds. */
export async function whichOnPath(command: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const { access, stat } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      try {
        await access(candidate, constants.X_OK);
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/**
 * Why `python` could not be started (spawn's ENOENT or EACCES): a folder; a file in the working folder that a bare name
 * does not reach (spawn looks a name without a slash up on PATH only: its path, absolute, is given); a file without the
 * execute bit; or nothing of that name.
 */
function noInterpreter(python: string, code: 'ENOENT' | 'EACCES'): string {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(python).isDirectory();
  } catch {
    isDir = undefined;
  }
  if (isDir) return 'is a folder, not a Python interpreter';
  if (code === 'EACCES') return 'not executable';
  if (isDir === false && !python.includes('/') && !python.includes(path.sep))
    return `not on PATH (a name without a folder is looked up there; give the file's path: ${path.resolve(python)})`;
  return 'no such interpreter';
}
