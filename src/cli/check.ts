// `node dist/cli.js check INPUT.json [--python PY] [--profile P] [--matmul M] [--json] [--timeout S]` (README
// "Command-line tool" and "Compare with your own PyTorch"): runs the same inputs in a local PyTorch through the check
// harness (python/ddpm_check.py) and prints the four-part verdict.
// Exit codes: 0 the final sample is bitwise equal, 1 it differs, 2 bad input, 3 internal error, 4 no usable PyTorch.
import { CheckTooLargeError, noTorchAdvice, NoUsableTorchError } from '../core/check/harness';
import { NoPythonError, resolvePython } from '../core/check/pythonResolution';
import type { CheckVerdict } from '../core/check/verdict';
import { constants as osConstants } from 'node:os';
import { DEFAULT_PROFILE, RNG_PROFILES } from '../core/types';
import { DEFAULT_CHECK_TIMEOUT_MS, runCheck, whichOnPath } from '../host/pythonCheck';
import { CliError, decimalNumber, loadInputs, parseCliArgs, readMatmul, readProfile, type CliIO } from './io';

/** the longest --timeout, in seconds: setTimeout's longest delay, 2^31 - 1 ms */
const MAX_TIMEOUT_S = 2147483;

export const CHECK_USAGE = `usage: node dist/cli.js check INPUT.json [--python PY] [--profile P] [--matmul M] [--json] [--timeout S]

Runs the sampler on INPUT.json ("-" reads standard input) in your own PyTorch (a Python with torch, run with
this process's environment) and checks it against DDPM Lab, in four parts, each bit for bit:
(1) the random stream (x_T and every z) against the RNG profiles, (2) every step's arithmetic recomputed from
PyTorch's own states, (3) the predicted noise against the matmul profiles, (4) the final sample.

  --python PY     the Python to run (default: python3, then python, on PATH)
  --profile P     RNG profile of our run in part (4): ${RNG_PROFILES.join(', ')} (default: the one found in (1), else ${DEFAULT_PROFILE})
  --matmul M      matmul profile of our run in part (4): reference, openblas-haswell (default: the one found in (3))
  --json          {"torch": {"version", "cpuCapability", "blas"}, "profile": {"rng", "matmul"} (null where none
                  reproduces), "rngExact", "stepArithmeticExact", "matmulMaxUlps", "bitwiseEqual", "summary", ...}
  --timeout S     seconds before the Python is stopped (default ${DEFAULT_CHECK_TIMEOUT_MS / 1000})

Exit 0 when the final sample is bitwise equal, 1 when it differs, 2 on bad input, 4 when the Python cannot run
the check (no such interpreter, no torch, too old, the script failed), with one line saying how to fix it;
130 / 143 when stopped by SIGINT (Ctrl-C) / SIGTERM, the Python killed with everything it started.
`;

export interface CheckDeps {
  /** the harness's text; default the bundled python/ddpm_check.py */
  script?: string;
  /** the Python's environment; default this process's */
  env?: NodeJS.ProcessEnv;
}

/** The --json object of a verdict (README "Command-line tool"). */
export function verdictJson(v: CheckVerdict, python: string): string {
  return (
    JSON.stringify({
      torch: v.torch,
      profile: v.profile,
      rngExact: v.rng.exact,
      stepArithmeticExact: v.stepArithmetic.exact,
      matmulMaxUlps: v.matmul.maxUlps,
      bitwiseEqual: v.final.bitwiseEqual,
      summary: v.summary,
      python,
      rng: { matching: v.rng.matching, byProfile: v.rng.byProfile },
      stepArithmetic: {
        differing: v.stepArithmetic.distance.differing,
        maxUlps: v.stepArithmetic.distance.maxUlps,
        nanMismatches: v.stepArithmetic.distance.nanMismatches,
        firstDifferentT: v.stepArithmetic.firstDifferentT
      },
      matmul: {
        matching: v.matmul.matching,
        closest: v.matmul.closest,
        nanMismatches: v.matmul.nanMismatches,
        openblasThreads: v.matmul.openblasThreads,
        byProfile: v.matmul.byProfile
      },
      final: {
        rng: v.final.rng,
        matmul: v.final.matmul,
        differing: v.final.distance.differing,
        maxUlps: v.final.distance.maxUlps,
        nanMismatches: v.final.distance.nanMismatches
      },
      firstDifferentT: v.firstDifferentT,
      machine: v.machine
    }) + '\n'
  );
}

export async function main(argv: string[], io: CliIO, deps: CheckDeps = {}): Promise<number> {
  const { values, positionals } = parseCliArgs('check', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      python: { type: 'string' },
      profile: { type: 'string' },
      matmul: { type: 'string' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0
        ? 'check: missing INPUT.json (use - for standard input)'
        : `check: expected one INPUT.json, got ${positionals.length} arguments`
    );
  }
  // an empty --python (an unset variable in a script) is a mistake, not a request for the default on PATH
  if (values.python !== undefined && !values.python.trim())
    throw new CliError(`--python: expected the Python to run, got ${JSON.stringify(values.python)}`);
  const profile = values.profile === undefined ? undefined : readProfile(values.profile);
  const matmul = values.matmul === undefined ? undefined : readMatmul(values.matmul);
  let timeoutMs = DEFAULT_CHECK_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const s = decimalNumber(values.timeout);
    // setTimeout's longest delay is 2^31 - 1 ms (it fires at once beyond it)
    if (!(s >= 0.001 && s <= MAX_TIMEOUT_S))
      throw new CliError(
        `--timeout: expected a number of seconds from 0.001 to ${MAX_TIMEOUT_S}, got ${JSON.stringify(values.timeout)}`
      );
    timeoutMs = s * 1000;
  }
  const { inputs } = await loadInputs(io, positionals[0]);
  const env = deps.env ?? process.env;

  let python: string;
  try {
    python = (
      await resolvePython({
        setting: values.python,
        settingName: '--python',
        which: (c) => whichOnPath(c, env.PATH ?? '')
      })
    ).command;
  } catch (e) {
    // the CLI has no setting and no Python extension: only PATH was searched
    if (e instanceof NoPythonError)
      throw new CliError(
        'check: no usable PyTorch: no Python found: neither python3 nor python is on PATH; pass --python PY (a Python with PyTorch)',
        4
      );
    throw e;
  }
  const script = deps.script ?? (await import('../../python/ddpm_check.py')).default;
  // Ctrl-C or a SIGTERM while the Python runs: it was spawned in its own process group, so the terminal's signal does
  // not reach it; cancel the run (which kills the group and removes the temporary directory), then exit 128 + signal
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  function stop(s: NodeJS.Signals) {
    stoppedBy ??= s;
    abort.abort();
  }
  const stopped = () =>
    new CliError(`check: stopped by ${stoppedBy}; the Python was killed`, 128 + osConstants.signals[stoppedBy!]);
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    const { verdict } = await runCheck(inputs, {
      python,
      script,
      env,
      timeoutMs,
      profile,
      matmul,
      signal: abort.signal
    });
    if (stoppedBy) throw stopped();
    io.stdout(values.json ? verdictJson(verdict, python) : verdict.summary + '\n');
    return verdict.final.bitwiseEqual ? 0 : 1;
  } catch (e) {
    if (stoppedBy) throw stopped();
    if (e instanceof NoUsableTorchError) {
      throw new CliError(
        `check: no usable PyTorch: ${e.message}; ${noTorchAdvice(e.kind, python, e.signal, 'pass --python PY', e.message)}`,
        4
      );
    }
    if (e instanceof CheckTooLargeError) throw new CliError(`check: ${e.message}`, 2);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
