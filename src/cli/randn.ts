// `ddpm-lab randn --seed S --shape N[,d,...] [--profile P] [--json | --checksum]` (README "Command-line tool": a contract):
// torch.randn(*shape, generator=torch.Generator().manual_seed(S)) in float32.
import { MAX_RANDN_ELEMENTS } from '../core/sampler/limits';
import { randnSeeded } from '../core/rng/randn';
import { parseSeed } from '../core/rng/seed';
import { formatTensorF32 } from '../core/tensors/printTensor';
import { DEFAULT_PROFILE, RNG_PROFILES } from '../core/types';
import { CliError, checksumJson, jsonNested, oneLine, parseCliArgs, readProfile, type CliIO } from './io';

export const RANDN_USAGE = `usage: node dist/cli.js randn --seed S --shape N[,d,...] [--profile P] [--json | --checksum]

Prints torch.randn(N, d, ..., generator=torch.Generator().manual_seed(S)) (float32, CPU).

  --seed S        any integer in [-2^63, 2^64), as PyTorch's manual_seed takes it
  --shape N,d,... the sizes, comma separated (at most ${MAX_RANDN_ELEMENTS} values in all)
  --profile P     RNG profile: ${RNG_PROFILES.join(', ')} (default ${DEFAULT_PROFILE})
  --json          {"values": [...]} nested by shape, every number the shortest decimal of its float32
  --checksum      {"shape": [...], "checksum": sha256 of the float32 LE bytes, "elapsed_ms": computation time}

Exit 0 on success, 2 on bad input (one line on stderr), 3 on an internal error.
`;

/** "4,2" -> [4, 2]; one-line errors naming --shape. */
export function parseShape(text: string): number[] {
  const parts = text
    .trim()
    .replace(/^[([]/, '')
    .replace(/[)\]]$/, '')
    .split(',')
    .map((p) => p.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // "4," like a Python tuple
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new CliError(
      `--shape: expected sizes like 4,2 (non-negative integers, comma separated), got ${JSON.stringify(text)}`
    );
  }
  const shape = parts.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (!(count <= MAX_RANDN_ELEMENTS)) {
    throw new CliError(`--shape: ${shape.join('*')} = ${count} values exceeds the limit of ${MAX_RANDN_ELEMENTS}`);
  }
  return shape;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  // "--seed -5": a negative number is the option's value, not another option
  const args = argv.map((a, i) => (i > 0 && argv[i - 1] === '--seed' && /^-\d+$/.test(a) ? `=${a}` : a));
  const joined = args.flatMap((a, i) =>
    a.startsWith('=') ? [] : args[i + 1]?.startsWith('=') ? [a + args[i + 1]] : [a]
  );
  const { values, positionals } = parseCliArgs('randn', {
    args: joined,
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: 'string' },
      shape: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean' },
      checksum: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) {
    io.stdout(RANDN_USAGE);
    return 0;
  }
  if (positionals.length) throw new CliError(`randn: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.seed === undefined) throw new CliError('--seed: missing (randn --seed S --shape N[,d,...])');
  if (values.shape === undefined) throw new CliError('--shape: missing (randn --seed S --shape N[,d,...])');
  if (values.json && values.checksum) throw new CliError('randn: --json and --checksum exclude each other');
  let seed: bigint;
  try {
    seed = parseSeed(values.seed, '--seed');
  } catch (e) {
    throw new CliError(oneLine(e));
  }
  const shape = parseShape(values.shape);
  const profile = readProfile(values.profile);
  const count = shape.reduce((a, b) => a * b, 1);

  const started = performance.now();
  const out = randnSeeded(seed, count, profile);
  const elapsedMs = performance.now() - started;
  if (values.checksum) io.stdout(checksumJson(out, shape, elapsedMs));
  else if (values.json) io.stdout(`{"values":${jsonNested(out, shape)}}\n`);
  else io.stdout(formatTensorF32(out, shape) + '\n');
  return 0;
}
