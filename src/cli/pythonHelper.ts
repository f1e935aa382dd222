// `node dist/cli.js python-helper`: prints the Python helper python/ddpm_lab.py byte for byte (README "Use it from
// Jupyter"), so it can be saved as ddpm_lab.py next to a notebook or script. The file's text is bundled into the CLI
// at build time (esbuild's text loader for .py, scripts/build.mjs).
import helperText from '../../python/ddpm_lab.py';
import { CliError, parseCliArgs, type CliIO } from './io';

export const PYTHON_HELPER_USAGE = `usage: node dist/cli.js python-helper > ddpm_lab.py

Prints DDPM Lab's Python helper (one file, no dependency but torch). In your notebook or script:

  import ddpm_lab
  rec = ddpm_lab.Recorder(w_model, shape, betas, alpha_bar, seed)   # the five inputs, tensors or lists
  ... your own loop, calling rec.step(t, x) after each step (and rec.init(x) for x_T) ...
  rec   # displays the comparison (rec.save("run.json") outside Jupyter)
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs('python-helper', {
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } }
  });
  if (values.help) {
    io.stdout(PYTHON_HELPER_USAGE);
    return 0;
  }
  if (positionals.length)
    throw new CliError(
      `python-helper: unexpected argument ${JSON.stringify(positionals[0])} (it takes none; --help for usage)`
    );
  io.stdout(helperText);
  return 0;
}
