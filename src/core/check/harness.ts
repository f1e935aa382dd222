// The protocol of the check harness (python/ddpm_check.py, README "Compare with your own PyTorch"): the inputs it
// reads on standard input and the one JSON object it writes on standard output, schema ddpm-lab.check/1:
//   {"schema", "init": T, "steps": [{"t", "x", "eps", "z": T | null, "x_prev"}, ...], "sample": T, "machine": {...}}
//   or {"schema", "error": {"kind": "no-torch" | "too-old", "message"}}
// Tensors are {"dtype", "shape", "base64"} as in the Python helper's recordings (src/core/run/recording.ts), so each
// state arrives with the bits PyTorch computed. Parsing names the first bad field in one line.
import { bytesToBase64 } from '../base64';
import { decodeTensor } from '../run/recording';
import type { MatrixF32, SamplerInputs } from '../types';

export const CHECK_SCHEMA = 'ddpm-lab.check/1';

/** What the harness found about the PyTorch it ran in. */
export interface MachineFacts {
  torch: string;
  /** the CPU capability PyTorch dispatches to (AVX2, AVX512, DEFAULT / "NO AVX", ...) */
  cpuCapability: string | null;
  atenCpuCapability: string | null;
  cpuFlags: string[] | null;
  /** BLAS_INFO of torch.__config__.show() (generic, mkl, open, accelerate, ...) */
  builtBlas: string | null;
  /** the BLAS library the process really loaded */
  loadedBlas: {
    library: string | null;
    path: string | null;
    version: string | null;
    threads: number | null;
    coreName: string | null;
    source: string;
  } | null;
  platform: string | null;
  machine: string | null;
  libc: string | null;
  python: string | null;
}

/** One step of PyTorch's loop, every tensor (N, d) float32. */
export interface HarnessStep {
  t: number;
  /** x_t, the step's input */
  x: MatrixF32;
  eps: MatrixF32;
  /** null at t = 0 */
  z: MatrixF32 | null;
  /** x_{t-1} */
  xPrev: MatrixF32;
}

export interface HarnessRun {
  init: MatrixF32;
  /** t = T-1 first */
  steps: HarnessStep[];
  sample: MatrixF32;
  machine: MachineFacts;
}

/** Why a Python cannot run the check (exit code 4 of `check`). */
export type NoTorchKind = 'no-interpreter' | 'no-torch' | 'too-old' | 'script-failed' | 'timeout' | 'signal';

export class NoUsableTorchError extends Error {
  constructor(
    readonly kind: NoTorchKind,
    message: string,
    /** kind 'signal': the signal that killed the Python (SIGILL, SIGSEGV, SIGKILL, ...) */
    readonly signal?: string
  ) {
    super(message);
    this.name = 'NoUsableTorchError';
  }
}

function f32Json(values: Float32Array, shape: number[]): { dtype: 'float32'; shape: number[]; base64: string } {
  return {
    dtype: 'float32',
    shape,
    base64: bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
  };
}

/**
 * About how many characters the harness writes for these inputs: x_T, the sample and each step's x, eps, z and x_prev
 * as base64 float32 (4 * ceil(4 * N * d / 3) characters each) with their JSON around them. An upper estimate, so a run
 * can be refused before the Python starts when its output could not be read (one JavaScript string holds it).
 */
export function harnessOutputChars(inputs: SamplerInputs): number {
  const tensor = 4 * Math.ceil((4 * inputs.n * inputs.d) / 3) + 80; // {"dtype":"float32","shape":[N,d],"base64":"..."}
  const T = inputs.betas.length;
  return (4 * T + 2) * tensor + T * 40 + 4096; // each step's {"t":..,"x":..,...}, the machine facts
}

/** A run whose harness output is larger than one string can hold (exit 2 of `check`: bad input, not a failure). */
export class CheckTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckTooLargeError';
  }
}

/** The harness's standard input: the five inputs, tensors as their float32 bytes (only the first T of alpha_bar). */
export function harnessInputJson(inputs: SamplerInputs): string {
  const T = inputs.betas.length;
  return JSON.stringify({
    w_model: f32Json(inputs.wModel.data, [inputs.wModel.rows, inputs.wModel.cols]),
    betas: f32Json(inputs.betas, [T]),
    alpha_bar: f32Json(inputs.alphaBar.slice(0, T), [T]),
    shape: [inputs.n, inputs.d],
    seed: inputs.seed.toString()
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function matrix(v: unknown, field: string, n: number, d: number): MatrixF32 {
  const t = decodeTensor(v, field, [n, d]);
  if (t.dtype !== 'float32') throw new Error(`${field}.dtype: expected "float32", got "${t.dtype}"`);
  return { rows: n, cols: d, data: t.values as Float32Array };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function machineFacts(v: unknown): MachineFacts {
  if (!isObject(v)) throw new Error('machine: expected an object');
  if (typeof v.torch !== 'string') throw new Error('machine.torch: expected the torch version');
  const b = v.loadedBlas;
  return {
    torch: v.torch,
    cpuCapability: str(v.cpuCapability),
    atenCpuCapability: str(v.atenCpuCapability),
    cpuFlags: Array.isArray(v.cpuFlags) ? v.cpuFlags.filter((f): f is string => typeof f === 'string') : null,
    builtBlas: str(v.builtBlas),
    loadedBlas: isObject(b)
      ? {
          library: str(b.library),
          path: str(b.path),
          version: str(b.version),
          threads: num(b.threads),
          coreName: str(b.coreName),
          source: str(b.source) ?? ''
        }
      : null,
    platform: str(v.platform),
    machine: str(v.machine),
    libc: str(v.libc),
    python: str(v.python)
  };
}

/**
 * Reads the harness's standard output for these inputs. Throws NoUsableTorchError for the harness's own refusals
 * (no torch, too old), and of kind 'script-failed' for output that is not the protocol or has a malformed field (a
 * Python that does not run the script as written: `check` then exits 4 with advice, not as an internal error).
 */
export function parseHarnessOutput(stdout: string, inputs: SamplerInputs): HarnessRun {
  const json = harnessResult(stdout);
  try {
    return harnessRun(json, inputs);
  } catch (e) {
    // harnessRun's own one-line Errors name a field; anything else (a TypeError) is a slip of ours: thrown as it is
    if (!(e instanceof Error) || e.constructor !== Error) throw e;
    throw new NoUsableTorchError('script-failed', `the check script's output is malformed: ${e.message}`);
  }
}

/** The protocol object of the harness's last line; NoUsableTorchError when there is none or it is a refusal. */
function harnessResult(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new NoUsableTorchError(
      'script-failed',
      `the check script printed no result${line ? ` (its last line: ${JSON.stringify(line.slice(0, 80))})` : ''}`
    );
  }
  if (!isObject(json) || json.schema !== CHECK_SCHEMA)
    throw new NoUsableTorchError('script-failed', `the check script's output is not ${CHECK_SCHEMA}`);
  if (json.error !== undefined) {
    const e = isObject(json.error) ? json.error : {};
    const kind = e.kind === 'no-torch' || e.kind === 'too-old' ? e.kind : 'script-failed';
    throw new NoUsableTorchError(kind, typeof e.message === 'string' ? e.message : 'the check script failed');
  }
  return json;
}

/** The states of a protocol object; Error naming the first malformed field. */
function harnessRun(json: Record<string, unknown>, inputs: SamplerInputs): HarnessRun {
  const { n, d } = inputs;
  const T = inputs.betas.length;
  if (!Array.isArray(json.steps) || json.steps.length !== T) {
    throw new Error(`steps: expected ${T} steps, got ${Array.isArray(json.steps) ? json.steps.length : 'none'}`);
  }
  const steps = json.steps.map((s: unknown, i: number): HarnessStep => {
    const field = `steps[${i}]`;
    if (!isObject(s)) throw new Error(`${field}: expected an object`);
    const t = T - 1 - i;
    if (s.t !== t) throw new Error(`${field}.t: expected ${t}, got ${JSON.stringify(s.t)}`);
    const z = t > 0 ? matrix(s.z, `${field}.z`, n, d) : null;
    if (t === 0 && s.z !== null) throw new Error(`${field}.z: expected null at t = 0`);
    return {
      t,
      x: matrix(s.x, `${field}.x`, n, d),
      eps: matrix(s.eps, `${field}.eps`, n, d),
      z,
      xPrev: matrix(s.x_prev, `${field}.x_prev`, n, d)
    };
  });
  return {
    init: matrix(json.init, 'init', n, d),
    steps,
    sample: matrix(json.sample, 'sample', n, d),
    machine: machineFacts(json.machine)
  };
}

/** An ImportError that comes from the dynamic loader, not from a missing module. */
const SHARED_LIBRARY_FAILURE =
  /\.so(?:\.\d+)*\b.*:|cannot open shared object file|undefined symbol|file too short|wrong ELF class/;

/**
 * The one line `check` prints for a Python that cannot run it, with how to fix it (signal: for kind 'signal'; choose:
 * how the user picks another Python, the extension's setting or the CLI's --python).
 */
export function noTorchAdvice(
  kind: NoTorchKind,
  python: string,
  signal?: string,
  choose = 'set ddpmLab.pythonPath (or --python)',
  /** the error's message: an import that failed in a library torch loads is no missing torch */
  message = ''
): string {
  switch (kind) {
    case 'signal':
      // SIGILL: an instruction the CPU does not have, which the environment can ask for (ATEN_CPU_CAPABILITY=avx512
      // on an AVX2 CPU, OPENBLAS_CORETYPE=SkylakeX, ...)
      if (signal === 'SIGILL')
        return 'the CPU lacks an instruction this PyTorch or its BLAS was told to use: check ATEN_CPU_CAPABILITY and OPENBLAS_CORETYPE in the environment (unset them to let them detect the CPU)';
      if (signal === 'SIGKILL')
        return 'something outside it killed it, often the out-of-memory killer: try a smaller N, d or T';
      return 'it crashed inside PyTorch or a library it loaded: try again without LD_LIBRARY_PATH, OPENBLAS_* and ATEN_CPU_CAPABILITY in the environment to see which';
    case 'no-interpreter':
      return `${choose} to a Python with PyTorch, or install Python 3`;
    case 'no-torch':
      // torch is there, a shared library it loads is not (libblas.so.3: file too short; cannot open shared object
      // file; undefined symbol): LD_LIBRARY_PATH or LD_PRELOAD chose another library
      if (SHARED_LIBRARY_FAILURE.test(message))
        return `torch is there, but a library it loads failed to load: check LD_LIBRARY_PATH and LD_PRELOAD in the environment (unset them to let PyTorch load its own); if neither is set, reinstall it: ${python} -m pip install --force-reinstall torch`;
      return `install PyTorch into it: ${python} -m pip install torch`;
    case 'too-old':
      return `upgrade it: ${python} -m pip install --upgrade torch`;
    case 'timeout':
      return 'a larger run needs more time: pass --timeout SECONDS';
    default:
      return `run ${python} -c "import torch; print(torch.__version__)" to see what fails`;
  }
}
