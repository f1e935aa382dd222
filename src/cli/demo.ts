// `ddpm-lab demo [-o REPORT.html]`: runs the bundled example (media/examples/seed.inputs.json), prints the
// sample as PyTorch prints it, and writes the HTML report for it (default dist/demo-report.html).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runSampler } from '../core/sampler/sampler';
import { formatTensorF32 } from '../core/tensors/printTensor';
import { CliError, loadInputs, oneLine, parseCliArgs, readProfile, type CliIO } from './io';
import { main as reportMain } from './report';

export const DEMO_USAGE = `usage: node dist/cli.js demo [--profile P] [-o REPORT.html]

Runs the sampler on the bundled example (media/examples/seed.inputs.json), prints the result as PyTorch
prints it, and writes the HTML report beside the build (dist/demo-report.html unless -o says otherwise).

Exit 0 on success, also when the report cannot be written to its default place (stderr says why); with -o, the
report's exit code (2 when it cannot be written there); 2 on bad input, 3 on an internal error.
`;

/** The repository (or installed extension) folder holding media/examples/seed.inputs.json, found upward from here. */
export function findExampleRoot(starts = [__dirname, process.cwd()]): string {
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'media', 'examples', 'seed.inputs.json'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new CliError(`demo: media/examples/seed.inputs.json not found above ${starts.join(' or ')}`, 3);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCliArgs('demo', {
    args: argv,
    strict: true,
    options: {
      profile: { type: 'string' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) {
    io.stdout(DEMO_USAGE);
    return 0;
  }
  const profile = readProfile(values.profile);
  const root = findExampleRoot();
  const inputsPath = path.join(root, 'media', 'examples', 'seed.inputs.json');
  const { inputs, warnings } = await loadInputs(io, inputsPath);
  const run = runSampler(inputs, { profile, record: { kind: 'none' }, inputWarnings: warnings });
  const T = inputs.betas.length;
  io.stdout(
    `# DDPM Lab demo: ${shown(inputsPath)} (N=${inputs.n}, d=${inputs.d}, T=${T}, seed=${inputs.seed}, profile ${profile})\n`
  );
  io.stdout(formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]) + '\n');
  for (const w of run.warnings) io.stderr(`warning: ${w}\n`);

  const output = values.output ?? path.join(root, 'dist', 'demo-report.html');
  const messages: string[] = [];
  const capture: CliIO = { ...io, stdout: (s) => messages.push(s), stderr: (s) => messages.push(s) };
  let code: number;
  try {
    code = await reportMain([inputsPath, '--profile', profile, '-o', output], capture);
  } catch (e) {
    code = 3;
    messages.push(oneLine(e));
  }
  if (code === 0) io.stdout(`# report: ${shown(output)}\n`);
  else io.stderr(`demo: no HTML report (${messages.join(' ').trim().split('\n')[0] || `exit ${code}`})\n`);
  // the report is the demo's extra when it goes to its default place; one asked for with -o is part of the job
  return code !== 0 && values.output !== undefined ? code : 0;
}

/** A path as the user would type it from here: relative below the current folder, absolute elsewhere. */
function shown(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : path.resolve(p);
}
