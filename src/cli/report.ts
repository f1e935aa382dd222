// `node dist/cli.js report INPUT.json [--expected PASTED.txt] [--profile P] -o report.html`: runs the sampler and
// writes one self-contained HTML page (no network) with the renderer's views, and the diff when
// PyTorch output is given. Exit 0 when the page is written, 2 on bad input or usage.
import path from 'node:path';
import { compareRun } from '../core/compare/compare';
import { runForView } from '../core/run/recompute';
import { RNG_PROFILES, type MatmulProfile, type RngProfile } from '../core/types';
import { buildReportHtml } from '../report/html';
import { CliError, fileErrorReason, inputName, loadInputs, oneLine, readInputText, readMatmul, type CliIO } from './io';

export const REPORT_USAGE =
  'usage: node dist/cli.js report INPUT.json [--expected PASTED.txt] [--profile avx2-fma|avx2|scalar] [--matmul reference|openblas-haswell] -o REPORT.html';

export interface ReportArgs {
  input: string;
  expected?: string;
  profile?: RngProfile;
  matmul?: MatmulProfile;
  output: string;
}

/** Parses the report subcommand's arguments; throws CliError with a one-line message. */
export function parseReportArgs(argv: string[]): ReportArgs {
  let input: string | undefined;
  let expected: string | undefined;
  let profile: RngProfile | undefined;
  let matmul: MatmulProfile | undefined;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('-') && v !== '-'))
        throw new CliError(`${flag}: expects a value`);
      return v;
    };
    if (flag === '--expected') expected = value();
    else if (flag === '--profile') {
      const p = value();
      if (!(RNG_PROFILES as readonly string[]).includes(p))
        throw new CliError(`--profile: expected one of ${RNG_PROFILES.join(', ')}, got ${JSON.stringify(p)}`);
      profile = p as RngProfile;
    } else if (flag === '--matmul') matmul = readMatmul(value());
    else if (flag === '-o' || flag === '--output') output = value();
    else if (flag === '-h' || flag === '--help') throw new CliError(REPORT_USAGE, 0);
    else if (a.startsWith('-') && a !== '-') throw new CliError(`${a}: unknown option (${REPORT_USAGE})`);
    else if (input === undefined) input = a;
    else throw new CliError(`${a}: unexpected argument (${REPORT_USAGE})`);
  }
  if (input === undefined) throw new CliError(`INPUT.json: missing (${REPORT_USAGE})`);
  if (output === undefined) throw new CliError(`-o: missing; where should the report go? (${REPORT_USAGE})`);
  if (input === '-' && expected === '-')
    throw new CliError('--expected: standard input is already used for INPUT.json');
  return { input, expected, profile, matmul, output };
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
    1
  );
}

export async function main(
  argv: string[],
  io: CliIO,
  scriptPaths: string[] = defaultReportScriptPaths()
): Promise<number> {
  try {
    const args = parseReportArgs(argv);
    const { inputs, warnings, writtenSchedule } = await loadInputs(io, args.input);
    const expected =
      args.expected === undefined
        ? undefined
        : { text: await readInputText(io, args.expected), field: inputName(args.expected) };
    const script = await readReportScript(io, scriptPaths);
    // the page recomputes the steps from the inputs (as the results panel does): a report of N = 10^4, T = 100 was
    // 58 MB of embedded steps
    const run = runForView(
      inputs,
      { profile: args.profile, matmul: args.matmul, inputWarnings: warnings },
      { kind: 'all' }
    );
    if (expected !== undefined) {
      run.comparison = compareRun(inputs, run, expected.text, {
        field: expected.field,
        ...(writtenSchedule ? { writtenSchedule } : {})
      });
    }
    const html = buildReportHtml(run, script);
    if (args.output === '-') io.stdout(html);
    else {
      try {
        await io.writeText(args.output, html);
      } catch (e) {
        throw new CliError(`${args.output}: cannot write: ${fileErrorReason(e, 'no such folder')}`); // bad input: 2
      }
    }
    const where = args.output === '-' ? 'standard output' : args.output;
    const verdict = run.comparison
      ? `; ${run.comparison.matches ? 'matches' : 'does not match'} the PyTorch output (${run.comparison.rule})`
      : '';
    (args.output === '-' ? io.stderr : io.stdout)(
      `report: wrote ${where} (${(html.length / 1e6).toFixed(1)} MB)${verdict}\n`
    );
    for (const w of run.warnings) io.stderr(`warning: ${w}\n`);
    return 0;
  } catch (e) {
    const code = e instanceof CliError ? e.exitCode : 2;
    (code === 0 ? io.stdout : io.stderr)(`${oneLine(e)}\n`);
    return code;
  }
}
