// `ddpm-lab sample INPUT.json [--profile P] [--matmul M [--blas-threads N]] [--json | --checksum] [--trajectory]` (README "Command-line tool": a contract).
import { runSampler } from '../core/sampler/sampler';
import { formatTensorF32 } from '../core/tensors/printTensor';
import { DEFAULT_PROFILE, RNG_PROFILES, type MatrixF32, type RunResult } from '../core/types';
import {
  CliError,
  checksumJson,
  jsonNested,
  loadInputs,
  parseCliArgs,
  readBlasThreads,
  readMatmul,
  readProfile,
  type CliIO
} from './io';

export const SAMPLE_USAGE = `usage: node dist/cli.js sample INPUT.json [--profile P] [--matmul M [--blas-threads N]] [--json | --checksum] [--trajectory]

Runs the DDPM sampler on INPUT.json ("-" reads standard input): one JSON object with the keys
w_model (d+1, d), shape [N, d], betas (T), alpha_bar (T) and seed; arrays may be lists or printed tensors.

  --profile P     RNG profile: ${RNG_PROFILES.join(', ')} (default ${DEFAULT_PROFILE})
  --matmul M      matmul profile (README "Matmul profiles"): reference (default, the reference BLAS), openblas-haswell
  --blas-threads N  OpenBLAS's threads for openblas-haswell (default 1; PyTorch's OpenBLAS runs OPENBLAS_NUM_THREADS,
                  else as many as cores: "check" says how many), which change the bits of large products
  --json          {"sample": [[...]], "warnings": [...]} with every number the shortest decimal of its float32
  --checksum      {"shape": [N, d], "checksum": sha256 of the float32 LE bytes, "elapsed_ms": computation time}
  --trajectory    also print every step (t, x_t, eps, mean, z, x_{t-1}); with --json as "trajectory"
                  (a 64 MiB budget: beyond it fewer steps are kept, and "trajectory_note" says which)

Without a format flag the sample is printed as PyTorch prints it. Exit 0 on success, 2 on bad input.
`;

function matrixJson(m: MatrixF32 | null): string {
  return m ? jsonNested(m.data, [m.rows, m.cols]) : 'null';
}

/** The --json text for a run (numbers exact, as jsonNested writes them). */
export function runJson(run: RunResult, withTrajectory: boolean): string {
  const parts = [`"sample":${matrixJson(run.sample)}`, `"warnings":${JSON.stringify(run.warnings)}`];
  if (withTrajectory) {
    const steps = run.trajectory.steps.map(
      (s) =>
        `{"t":${s.t},"x":${matrixJson(s.x)},"eps":${matrixJson(s.eps)},"mean":${matrixJson(s.mean)},"z":${matrixJson(s.z)},"x_prev":${matrixJson(s.xPrev)}}`
    );
    parts.push(`"trajectory":[${steps.join(',')}]`);
    if (run.trajectory.note) parts.push(`"trajectory_note":${JSON.stringify(run.trajectory.note)}`);
  }
  return `{${parts.join(',')}}\n`;
}

function print(m: MatrixF32): string {
  return formatTensorF32(m.data, [m.rows, m.cols]);
}

/** The default (PyTorch print) text of a run, with the steps first when asked. */
export function runText(run: RunResult, withTrajectory: boolean): string {
  if (!withTrajectory) return print(run.sample) + '\n';
  const out: string[] = [];
  for (const s of run.trajectory.steps) {
    out.push(`t = ${s.t}`, `x_t = ${print(s.x)}`, `eps = ${print(s.eps)}`, `mean = ${print(s.mean)}`);
    out.push(`z = ${s.z ? print(s.z) : 'None'}`, `x_{t-1} = ${print(s.xPrev)}`, '');
  }
  if (run.trajectory.note) out.push(`(${run.trajectory.note})`, '');
  out.push('sample =', print(run.sample));
  return out.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs('sample', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      matmul: { type: 'string' },
      'blas-threads': { type: 'string' },
      json: { type: 'boolean' },
      checksum: { type: 'boolean' },
      trajectory: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) {
    io.stdout(SAMPLE_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0
        ? 'sample: missing INPUT.json (use - for standard input)'
        : `sample: expected one INPUT.json, got ${positionals.length} arguments`
    );
  }
  if (values.json && values.checksum) throw new CliError('sample: --json and --checksum exclude each other');
  if (values.checksum && values.trajectory)
    throw new CliError('sample: --trajectory works with --json or the default print, not with --checksum');
  const profile = readProfile(values.profile);
  const matmul = readMatmul(values.matmul);
  const matmulThreads = readBlasThreads(values['blas-threads'], matmul);
  const { inputs, warnings } = await loadInputs(io, positionals[0]);

  const run = runSampler(inputs, {
    profile,
    matmul,
    matmulThreads,
    record: values.trajectory ? { kind: 'all' } : { kind: 'none' },
    inputWarnings: warnings
  });
  if (values.checksum) {
    io.stdout(checksumJson(run.sample.data, [run.sample.rows, run.sample.cols], run.timing.elapsedMs));
  } else if (values.json) {
    io.stdout(runJson(run, !!values.trajectory));
  } else {
    io.stdout(runText(run, !!values.trajectory));
  }
  if (!values.json) for (const w of run.warnings) io.stderr(`warning: ${w}\n`);
  return 0;
}
