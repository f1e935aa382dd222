// The seed example notebook ("DDPM: New Sampler Notebook", media/examples/seed.ddpmnb): Algorithm 2 explained,
// the inputs of media/examples/seed.inputs.json as cells, sample(), and a compare cell holding what real
// PyTorch printed for those inputs. scripts/make-seed-notebook.ts writes the file from this and the PyTorch
// output in test/fixtures/e2e/seed.expected.json (made by scripts/fixtures/e2e.py);
// test/unit/core/notebook/notebookFile.test.ts checks the file is fresh and that its cells reproduce PyTorch's output.
import type { CellData, NotebookFileData } from '../src/core/notebook/notebookFile';

/** What PyTorch printed for the seed inputs, and which PyTorch printed it. */
export interface SeedPytorchOutput {
  /** repr(x) of the final sample, as PyTorch prints it */
  printed: string;
  /** torch.__version__ */
  torch: string;
}

/** The input cells: exactly the five inputs of media/examples/seed.inputs.json (a unit test checks it bit for bit). */
export const SEED_INPUT_CELLS = [
  [
    '# The noise model: eps = concat(x_t, t/T) @ w_model, a (d+1, d) matrix',
    'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]',
    'shape = [4, 2]   # N samples of dimension d',
    'seed = 42        # x_T = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))'
  ].join('\n'),
  [
    '# The linear schedule of Ho et al. 2020 with T = 4 steps, in float32 like torch.linspace',
    'betas = linspace(1e-4, 0.02, 4)',
    'alpha_bar = cumprod(1 - betas)'
  ].join('\n')
];

export const SEED_SAMPLE_CELL = [
  '# Runs Algorithm 2 on the variables above. Try sample(seed=7) or sample(profile="scalar").',
  'sample()'
].join('\n');

const INTRO = `# DDPM sampler notebook

This notebook runs the reverse sampling loop of Ho et al. 2020 (Algorithm 2) exactly as PyTorch computes it
in float32 on the CPU, bit for bit, and shows its trajectory.

\`\`\`
x_T ~ N(0, I)                           torch.randn(N, d) after manual_seed(seed)
for t = T-1, ..., 0:
    eps     = concat(x_t, t/T) @ w_model
    mean    = 1/sqrt(1 - beta_t) * (x_t - beta_t / sqrt(1 - alpha_bar_t) * eps)
    x_{t-1} = mean + sqrt(beta_t) * z   z ~ N(0, I) after manual_seed(seed + 100 + t)
    x_{t-1} = mean                      at t = 0
\`\`\`

Run the cells in order (**Run All**). Variables stay defined between cells until the notebook is closed.
Cells read like PyTorch: list literals, pasted \`tensor(...)\` prints, \`linspace\`, \`linear_schedule\`,
\`cosine_schedule\`, \`cumprod\`, arithmetic, \`sample()\` and \`compare(expected)\`. A cell holding one JSON
object with the five inputs runs as \`sample()\` of them.`;

function compareIntro(torchVersion: string): string {
  return `## Compare with PyTorch

The next cell holds what PyTorch ${torchVersion} (CPU, AVX2 kernel) printed for these inputs with the loop
below. Paste your own PyTorch output in its place to check it against DDPM Lab: the diff shows every element,
the rule used (bitwise, or printed precision for PyTorch's 4-decimal print) and which RNG profile reproduces it.

\`\`\`python
import torch
w_model = torch.tensor([[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]])
betas = torch.linspace(1e-4, 0.02, 4)
alpha_bar = torch.cumprod(1 - betas, dim=0)
N, d, seed = 4, 2, 42
x = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))
T = len(betas)
for t in range(T - 1, -1, -1):
    eps = torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1) @ w_model
    alpha_t = 1 - betas[t]
    mean = (1 / torch.sqrt(alpha_t)) * (x - (betas[t] / torch.sqrt(1 - alpha_bar[t])) * eps)
    if t > 0:
        z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))
        x = mean + torch.sqrt(betas[t]) * z
    else:
        x = mean
print(x)
\`\`\``;
}

const markdown = (source: string): CellData => ({ kind: 'markdown', language: 'markdown', source });
const code = (source: string): CellData => ({ kind: 'code', language: 'ddpm', source, outputs: [] });

/** The seed notebook, with PyTorch's printed output in its compare cell. */
export function buildSeedNotebook(pytorch: SeedPytorchOutput): NotebookFileData {
  return {
    cells: [
      markdown(INTRO),
      ...SEED_INPUT_CELLS.map(code),
      code(SEED_SAMPLE_CELL),
      markdown(compareIntro(pytorch.torch)),
      code(
        `# printed by PyTorch ${pytorch.torch} for the inputs above\nexpected = ${pytorch.printed}\ncompare(expected)`
      )
    ]
  };
}
