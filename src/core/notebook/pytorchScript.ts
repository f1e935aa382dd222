// "DDPM: Copy Equivalent PyTorch Script": a Python script that reproduces a run in PyTorch, so users
// can check DDPM Lab against their own torch. The loop is Algorithm 2 (Ho et al. 2020) as users write it;
// every float32 input is written as the exact decimal of its value (JS shortest double repr), so
// torch.tensor(..., dtype=torch.float32) gets back the same bits with no rounding.
import type { RngProfile, SamplerInputs } from '../types';

export interface PytorchScriptOptions {
  profile: RngProfile;
  /** where the inputs came from (a file name, "bundled example", ...), for the header comment */
  origin?: string;
}

/** Exact decimal of a float32 value as a Python float literal (finite inputs only; validation refuses others). */
export function pythonFloatLiteral(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v); // shortest decimal that reads back as this double, i.e. exactly this float32
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function vectorLiteral(values: ArrayLike<number>, indent: string, perLine = 6): string {
  const items = Array.from(values, pythonFloatLiteral);
  if (items.length <= perLine) return `[${items.join(', ')}]`;
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(indent + items.slice(i, i + perLine).join(', '));
  return `[\n${lines.join(',\n')},\n${indent.slice(4)}]`;
}

const PROFILE_NOTES: Record<RngProfile, string[]> = {
  'avx2-fma': [
    "# RNG profile avx2-fma: PyTorch's AVX2 normal kernel as x86-64 Linux builds compile it (the",
    '# official wheels, Debian python3-torch). Run this on an x86-64 CPU with AVX2 for the same bits.'
  ],
  avx2: [
    '# RNG profile avx2: the AVX2 kernel compiled without multiply-add contraction. Builds that compile',
    '# it with contraction (most x86-64 Linux builds) give the avx2-fma values instead.'
  ],
  scalar: [
    "# RNG profile scalar: PyTorch's portable kernel (ARM, Apple Silicon, Windows builds). On an x86-64",
    '# machine the line below selects it; it must run before torch is imported.'
  ]
};

/** The Python source; running it prints x_0 the way PyTorch prints it (variable `x0` holds the tensor). */
export function buildPytorchScript(inputs: SamplerInputs, opts: PytorchScriptOptions): string {
  const { n, d, wModel } = inputs;
  const T = inputs.betas.length;
  const rows: string[] = [];
  for (let r = 0; r < wModel.rows; r++) {
    rows.push(`    ${vectorLiteral(wModel.data.subarray(r * wModel.cols, (r + 1) * wModel.cols), '        ')},`);
  }
  const lines = [
    '# DDPM reverse sampling (Ho et al. 2020, Algorithm 2) in PyTorch, float32 on the CPU:',
    '# the same inputs and loop as the DDPM Lab run it was copied from, to check its numbers.',
    `# Run: N = ${n}, d = ${d}, T = ${T}, seed = ${inputs.seed}, profile = ${opts.profile}` +
      (opts.origin ? `, inputs from ${opts.origin}` : ''),
    ...PROFILE_NOTES[opts.profile],
    ...(opts.profile === 'scalar'
      ? ['import os', "os.environ.setdefault('ATEN_CPU_CAPABILITY', 'default')", '']
      : ['']),
    'import torch',
    '',
    '# Every value below is the exact decimal of a float32 number.',
    'w_model = torch.tensor([',
    ...rows,
    '], dtype=torch.float32)  # (d + 1, d)',
    `shape = [${n}, ${d}]`,
    `betas = torch.tensor(${vectorLiteral(inputs.betas, '    ')}, dtype=torch.float32)`,
    // only the first T values of alpha_bar are used
    `alpha_bar = torch.tensor(${vectorLiteral(inputs.alphaBar.subarray(0, T), '    ')}, dtype=torch.float32)`,
    `seed = ${inputs.seed}`,
    '',
    '',
    'def sample(w_model, shape, betas, alpha_bar, seed):',
    '    N, d = int(shape[0]), int(shape[1])',
    '    x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))',
    '    T = len(betas)',
    '    for t in reversed(range(T)):',
    '        inp = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)  # (N, d + 1)',
    '        eps = inp @ w_model  # predicted noise, (N, d)',
    '        alpha_t = 1 - betas[t]',
    '        mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)',
    '        if t > 0:',
    '            z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))',
    '            x = mean + torch.sqrt(betas[t]) * z',
    '        else:',
    '            x = mean',
    '    return x',
    '',
    '',
    'x0 = sample(w_model, shape, betas, alpha_bar, seed)',
    'print(x0)',
    '# To check bit for bit, print every float32 value exactly and paste it into',
    '# "DDPM: Compare Clipboard with Last Run":',
    '# print(x0.tolist())',
    ''
  ];
  return lines.join('\n');
}
