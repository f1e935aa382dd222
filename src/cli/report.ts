// `node dist/cli.js report INPUT.json [--expected PASTED.txt] [--profile P] -o report.html`: runs the sampler and
// writes one self-contained HTML page (no network) with the renderer's views, and the diff when
// PyTorch output is given. Exit 0 when the page is written, 2 on bad input or usage.
import path from 'node:path';
import { runForView } from '../core/run/recompute';
import type { MatmulProfile, RngProfile } from '../core/types';
import { buildReportHtml } from '../report/html';
import { comparePasted, ownRecording } from './compare';
import {
  CliError,
  fileErrorReason,
  inputName,
  isInternalError,
  loadInputs,
  oneLine,
  parseCliArgs,
  pathShown,
  readInputText,
  readPaste,
  readBlasThreads,
  readMatmul,
  readProfile,
  requirePaste,
  type CliIO
} from './io';

export const REPORT_USAGE =
  'usage: node dist/cli.js report INPUT.json [--expected PASTED.txt] [--profile avx2-fma|avx2|scalar] [--matmul reference|openblas-haswell [--blas-threads N]] -o REPORT.html';

export interface ReportArgs {
  input: string;
  expected?: string;
  profile?: RngProfile;
  matmul?: MatmulProfile;
  matmulThreads?: number;
  output: string;
}

export const REPORT_HELP = `${REPORT_USAGE}

Runs the DDPM sampler on INPUT.json ("-" reads standard input) and writes one self-contained HTML page (no
network): the run's views as the results panel draws them, and with --expected the diff against PyTorch's output.
A recording of the Python helper (run.json) given as INPUT.json is reported alone: the run of the inputs it holds,
compared step by step with its states.

  --expected PASTED.txt  PyTorch's output for the same inputs, read as "compare" reads it: a print, x.tolist(),
                         a step-by-step paste, or a recording of the Python helper (run.json)
  --profile P            RNG profile: avx2-fma, avx2, scalar (default avx2-fma)
  --matmul M             matmul profile: reference (default), openblas-haswell (README "Matmul profiles")
  --blas-threads N       OpenBLAS's threads for openblas-haswell (default 1; "check" says how many PyTorch's runs)
  -o, --output FILE      where the page goes ("-": standard output)

Exit 0 when the page is written (whether the paste matches or not), 2 on bad input.
`;

/** Parses the report subcommand's arguments; throws CliError with a one-line message (exit code 0: --help). */
export function parseReportArgs(argv: string[]): ReportArgs {
  const { values, positionals } = parseCliArgs('report', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      expected: { type: 'string' },
      profile: { type: 'string' },
      matmul: { type: 'string' },
      'blas-threads': { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) throw new CliError(REPORT_HELP.trimEnd(), 0);
  const [input, ...rest] = positionals;
  if (rest.length > 0) throw new CliError(`${rest[0]}: unexpected argument (${REPORT_USAGE})`);
  if (input === undefined) throw new CliError(`INPUT.json: missing (${REPORT_USAGE})`);
  const { expected, output } = values;
  if (output === undefined) throw new CliError(`-o: missing; where should the report go? (${REPORT_USAGE})`);
  if (output === '') throw new CliError('-o: empty; give a file name, or - for standard output');
  if (input === '-' && expected === '-')
    throw new CliError('--expected: standard input is already used for INPUT.json');
  const matmul = readMatmul(values.matmul);
  const matmulThreads = readBlasThreads(values['blas-threads'], matmul);
  return {
    input,
    expected,
    profile: readProfileOption(values.profile),
    matmul,
    ...(matmulThreads !== undefined ? { matmulThreads } : {}),
    output
  };
}

/** --profile, when given (the run's own default otherwise). */
function readProfileOption(value: string | undefined): RngProfile | undefined {
  return value === undefined ? undefined : readProfile(value);
}

/** Refuses an output that is one of the command's own input files (the report would replace it), links followed. */
async function refuseOverwritingInputs(io: CliIO, args: ReportArgs): Promise<void> {
  if (args.output === '-' || !io.sameFile) return;
  for (const [what, p] of [
    ['INPUT.json', args.input],
    ['--expected', args.expected]
  ] as const) {
    if (p !== undefined && p !== '-' && (await io.sameFile(args.output, p)))
      throw new CliError(
        `-o: ${pathShown(args.output)} would replace ${what}${p === args.output ? '' : ` (${pathShown(p)})`}: write the report to another file`
      );
  }
}

/** Where the bundled report script is: dist/report/report.js beside dist/cli.js. */
export function defaultReportScriptPaths(): string[] {
  return [path.join(__dirname, 'report', 'report.js'), path.join(__dirname, '..', '..', 'dist', 'report', 'report.js')];
}

async function readReportScript(io: CliIO, candidates: string[]): Promise<string> {
  for (const p of candidates) {
    try {
      return await io.readText(p);
    } catch {
      // try the next place
    }
  }
  throw new CliError(
    `report script: not found at ${candidates[0]} (build it with: node scripts/build.mjs --only=report)`,
    3 // the installation is incomplete: not the user's input, not a mismatch
  );
}

export async function main(
  argv: string[],
  io: CliIO,
  scriptPaths: string[] = defaultReportScriptPaths()
): Promise<number> {
  try {
    const args = parseReportArgs(argv);
    await refuseOverwritingInputs(io, args);
    const inputsText = await readInputText(io, args.input);
    // a recording (run.json) alone is reported with the inputs it holds, and compared with itself, as compare does
    const own = ownRecording(inputsText, args.input, true);
    if (own && args.expected !== undefined && args.expected !== args.input)
      throw new CliError(
        `${inputName(args.input)}: a recording (run.json), not inputs: give it alone (report ${inputName(args.input)} -o REPORT.html) to report it with the inputs it holds`
      );
    const { inputs, warnings, writtenSchedule } = own
      ? { inputs: own.decoded.inputs, warnings: own.decoded.inputWarnings, writtenSchedule: undefined }
      : await loadInputs(io, args.input, inputsText);
    const expected = own
      ? { text: inputsText, field: inputName(args.input), note: undefined }
      : args.expected === undefined
        ? undefined
        : { ...(await readPaste(io, args.expected)), field: inputName(args.expected) };
    if (expected !== undefined) requirePaste(expected.text, expected.field); // before the run, as compare does
    const script = await readReportScript(io, scriptPaths);
    // the page recomputes the steps from the inputs (as the results panel does): a report of N = 10^4, T = 100 was
    // 58 MB of embedded steps
    const run = runForView(
      inputs,
      { profile: args.profile, matmul: args.matmul, matmulThreads: args.matmulThreads, inputWarnings: warnings },
      { kind: 'all' }
    );
    if (expected !== undefined) {
      run.comparison = comparePasted(inputs, run, expected.text, {
        field: expected.field,
        inputsName: inputName(args.input),
        writtenSchedule,
        note: expected.note,
        ...(own ? { recording: own } : {})
      });
    }
    const html = buildReportHtml(run, script);
    if (args.output === '-') {
      io.stdout(html);
      await io.flushStdout?.(); // the page gone out before "wrote" is said (a full disk ends the process first: exit 3)
    } else {
      try {
        await io.writeText(args.output, html);
      } catch (e) {
        throw new CliError(`${pathShown(args.output)}: cannot write: ${fileErrorReason(e, 'no such folder')}`); // bad input: 2
      }
    }
    const where = args.output === '-' ? 'standard output' : pathShown(args.output);
    const verdict = run.comparison
      ? `; ${run.comparison.matches ? 'matches' : 'does not match'} the PyTorch output (${run.comparison.rule})`
      : '';
    (args.output === '-' ? io.stderr : io.stdout)(
      `report: wrote ${where} (${(html.length / 1e6).toFixed(1)} MB)${verdict}\n`
    );
    for (const w of run.warnings) io.stderr(`warning: ${w}\n`);
    return 0;
  } catch (e) {
    // a slip of ours: the dispatcher reports it as an internal error (exit 3)
    if (isInternalError(e)) throw e;
    const code = e instanceof CliError ? e.exitCode : 2;
    if (code === 0)
      io.stdout(`${(e as Error).message}\n`); // --help
    else io.stderr(`${oneLine(e)}\n`);
    return code;
  }
}
