// DDPM Lab's command line (README "Command-line tool"; a contract that tools outside the repo rely on):
//   node dist/cli.js sample INPUT.json [--profile P] [--matmul M [--blas-threads N]] [--json | --checksum] [--trajectory]
//   node dist/cli.js randn --seed S --shape N[,d,...] [--profile P] [--json | --checksum]
//   node dist/cli.js compare INPUT.json PASTED.txt [--json] [--profile P] [--matmul M [--blas-threads N]] [--rtol R --atol A]
//   node dist/cli.js report INPUT.json [--expected PASTED.txt] [--profile P] [--matmul M [--blas-threads N]] -o report.html
//   node dist/cli.js demo [--profile P] [-o report.html]
//   node dist/cli.js python-helper
//   node dist/cli.js check INPUT.json [--python PY] [--profile P] [--matmul M] [--json] [--timeout S]
// Exit codes: 0 success, 1 (compare) no match / (check) differs, 2 bad input or usage (one line on stderr), 3 internal
// error, 4 (check) no usable PyTorch.
import { CliError, oneLine, processIO, type CliIO } from './cli/io';
import { main as compareMain } from './cli/compare';
import { main as demoMain } from './cli/demo';
import { main as randnMain } from './cli/randn';
import { main as reportMain } from './cli/report';
import { main as sampleMain } from './cli/sample';

export const USAGE = `DDPM Lab: the DDPM reverse sampler, bit for bit with PyTorch float32 on the CPU.

usage: node dist/cli.js <command> [options]

  sample INPUT.json [--profile P] [--matmul M [--blas-threads N]] [--json | --checksum] [--trajectory]
      run the sampler ("-" reads stdin)
  randn --seed S --shape N[,d,...] [--profile P] [--json | --checksum]
      torch.randn from manual_seed(S)
  compare INPUT.json PASTED.txt [--json] [--profile P] [--matmul M [--blas-threads N]] [--rtol R --atol A]
      diff a run against PyTorch's output (a recording, run.json, may be given alone)
  report INPUT.json [--expected PASTED.txt] [--profile P] [--matmul M [--blas-threads N]] -o REPORT.html
      write a self-contained HTML report
  demo [--profile P] [-o REPORT.html]
      run the bundled example
  python-helper
      print the Python helper ddpm_lab.py
  check INPUT.json [--python PY] [--profile P] [--matmul M] [--json] [--timeout S]
      run INPUT.json in your own PyTorch and check it

Profiles: avx2-fma (default, x86-64 Linux PyTorch), avx2, scalar. Matmul profiles (--matmul on sample, compare,
report, check): reference (default, the reference BLAS), openblas-haswell. "<command> --help" tells more.
`;

const COMMANDS: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  sample: sampleMain,
  randn: randnMain,
  compare: compareMain,
  report: reportMain,
  demo: demoMain,
  // loaded when used: the helper's text is a .py module, which only the bundle (esbuild's text loader) can import
  'python-helper': (argv, io) => import('./cli/pythonHelper').then((m) => m.main(argv, io)),
  check: (argv, io) => import('./cli/check').then((m) => m.main(argv, io))
};

/** Runs one command line; never throws: errors become one line on stderr and an exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`${command}: unknown command (expected one of ${Object.keys(COMMANDS).join(', ')}; --help for usage)\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`${oneLine(e)}\n`);
      return e.exitCode;
    }
    io.stderr(`${command}: internal error: ${oneLine(e)}\n`);
    return 3;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${oneLine(e)}\n`);
      process.exitCode = 3;
    }
  );
}
