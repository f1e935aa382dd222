// `npm run bench` (README "Performance"): times our core and real PyTorch on the same machine in the same run and
// prints ours/PyTorch. PyTorch runs in a /usr/bin/python3 subprocess with torch.set_num_threads(1); each case has a
// warm-up and several repetitions, and the median is reported. Without PyTorch our times are printed alone.
//   node scripts/bench.mjs [--reps N] [--json]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const REPS =
  Number(argv[argv.indexOf('--reps') + 1]) > 0 && argv.includes('--reps')
    ? Number(argv[argv.indexOf('--reps') + 1])
    : 5;
const PYTHON = process.env.DDPM_PYTHON ?? '/usr/bin/python3';

// Our core, bundled the way the extension ships it (esbuild, one file), into a temporary folder.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ddpm-bench-'));
const entry = path.join(tmp, 'core.mjs');
await esbuild.build({
  stdin: {
    contents: `export { runSampler } from './src/core/sampler/sampler';
export { samplerUsesWasm } from './src/core/sampler/samplerWasm';
export { randnSeeded } from './src/core/rng/randn';
export { linearSchedule, alphaBarFromBetas } from './src/core/sampler/schedules';
export { runWithMistake } from './src/core/diagnosis/diagnose';
export { formatTensorF32 } from './src/core/tensors/printTensor';`,
    resolveDir: root,
    loader: 'ts'
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: entry,
  logLevel: 'warning'
});
const core = await import(pathToFileURL(entry).href);
rmSync(tmp, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sha = (f32) =>
  createHash('sha256')
    .update(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength))
    .digest('hex');

/** Median milliseconds of fn over `reps` runs after one warm-up run. */
function time(fn, reps) {
  fn();
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

// The inputs: w_model is made the same way on both sides from a closed formula (no RNG to share).
const wFormula = (d) => {
  const w = new Float32Array((d + 1) * d);
  for (let i = 0; i < w.length; i++) w[i] = Math.fround(0.1 * Math.sin(i + 1));
  return w;
};
function inputs(N, d, T, seed) {
  const betas = core.linearSchedule(T);
  return {
    wModel: { rows: d + 1, cols: d, data: wFormula(d) },
    n: N,
    d,
    betas,
    alphaBar: core.alphaBarFromBetas(betas),
    seed: BigInt(seed)
  };
}

// `cli compare` of a step-by-step paste (T = 1000, N = 100, d = 2: print(x) at precision 12 after every step) of a
// loop with a mistake from step 500 on (step-seed-plus-t): the whole command in a fresh process, as a user runs it
// (read, run, compare 1000 prints, first divergence, diagnosis). README "Performance" keeps it under 2 s.
function cliCompareCase() {
  const N = 100,
    d = 2,
    T = 1000;
  const inp = inputs(N, d, T, 42);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ddpm-bench-compare-'));
  const w = [];
  for (let i = 0; i <= d; i++) w.push(Array.from(inp.wModel.data.subarray(i * d, (i + 1) * d)));
  writeFileSync(
    path.join(dir, 'in.json'),
    JSON.stringify({
      w_model: w,
      shape: [N, d],
      betas: Array.from(inp.betas),
      alpha_bar: Array.from(inp.alphaBar),
      seed: 42
    })
  );
  const r = core.runWithMistake(inp, 'step-seed-plus-t', { record: true, fromStep: 500 });
  const text = r.trajectory
    .map((x, k) => `t = ${T - 1 - k}\n${core.formatTensorF32(x, [N, d], { precision: 12, threshold: 1e9 })}`)
    .join('\n');
  writeFileSync(path.join(dir, 'steps.txt'), text);
  const args = [
    path.join(root, 'dist', 'cli.js'),
    'compare',
    path.join(dir, 'in.json'),
    path.join(dir, 'steps.txt'),
    '--json'
  ];
  let out = null;
  const ms = time(
    () => {
      const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (p.status !== 1) throw new Error(`cli compare: exit ${p.status}: ${p.stderr}`);
      out = JSON.parse(p.stdout);
    },
    Math.max(1, Math.min(REPS, 3))
  );
  rmSync(dir, { recursive: true, force: true });
  const ok = out.firstDivergence?.step === 500 && out.diagnosis.some((e) => e.id === 'step-seed-plus-t');
  if (!ok)
    throw new Error(
      `cli compare: unexpected verdict ${JSON.stringify({ firstDivergence: out.firstDivergence, diagnosis: out.diagnosis.map((e) => e.id) })}`
    );
  return ms;
}

const cases = [
  {
    name: 'randn 10^7 (avx2-fma)',
    ours: () => time(() => core.randnSeeded(1n, 1e7, 'avx2-fma'), REPS),
    check: () => sha(core.randnSeeded(1n, 1e7, 'avx2-fma'))
  },
  {
    name: 'sampler T=1000 N=1024 d=64',
    ours: () =>
      time(
        () => core.runSampler(inputs(1024, 64, 1000, 42), { record: { kind: 'none' } }),
        Math.max(1, Math.min(REPS, 3))
      ),
    check: () => sha(core.runSampler(inputs(1024, 64, 1000, 42), { record: { kind: 'none' } }).sample.data)
  },
  {
    name: 'sampler T=4 N=4 d=2, per call',
    ours: () => {
      const inp = inputs(4, 2, 4, 42);
      const calls = 2000;
      return (
        time(() => {
          for (let i = 0; i < calls; i++) core.runSampler(inp, { record: { kind: 'none' } });
        }, REPS) / calls
      );
    },
    check: () => sha(core.runSampler(inputs(4, 2, 4, 42), { record: { kind: 'none' } }).sample.data)
  },
  {
    // against PyTorch on OpenBLAS (one thread, Haswell kernels): see pytorchOpenblas()
    name: 'sampler T=100 N=1024 d=64, matmul openblas-haswell',
    ours: () =>
      time(
        () => core.runSampler(inputs(1024, 64, 100, 42), { matmul: 'openblas-haswell', record: { kind: 'none' } }),
        Math.max(1, Math.min(REPS, 3))
      ),
    check: () =>
      sha(
        core.runSampler(inputs(1024, 64, 100, 42), { matmul: 'openblas-haswell', record: { kind: 'none' } }).sample.data
      )
  },
  {
    name: 'cli compare, 1000-step paste N=100 d=2, diagnosed',
    ours: cliCompareCase,
    check: () => '-'
  }
];

const PY = String.raw`
import hashlib, json, math, statistics, sys, time
import numpy as np
import torch
torch.set_num_threads(1)
reps = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from reference import sample  # scripts/fixtures/reference.py: the loop as users write it

def timed(fn, reps):
    fn()
    ms = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ms.append((time.perf_counter() - t0) * 1000)
    return statistics.median_low(ms)

def sha(t):
    return hashlib.sha256(np.ascontiguousarray(t.numpy(), dtype='<f4').tobytes()).hexdigest()

def w_formula(d):
    return torch.tensor([0.1 * math.sin(i + 1) for i in range((d + 1) * d)], dtype=torch.float32).reshape(d + 1, d)

def case(N, d, T):
    betas = torch.linspace(1e-4, 0.02, T)
    return (w_formula(d), [N, d], betas, torch.cumprod(1 - betas, dim=0), 42)

big, small, mid = case(1024, 64, 1000), case(4, 2, 4), case(1024, 64, 100)
calls = 200
if len(sys.argv) > 3:  # the matmul-profile case alone, in a process running on OpenBLAS
    out = [{'ms': timed(lambda: sample(*mid), max(1, min(reps, 3))), 'sha256': sha(sample(*mid))}]
else:
    out = [
        {'ms': timed(lambda: torch.randn(10**7, generator=torch.Generator().manual_seed(1)), reps),
         'sha256': sha(torch.randn(10**7, generator=torch.Generator().manual_seed(1)))},
        {'ms': timed(lambda: sample(*big), max(1, min(reps, 3))), 'sha256': sha(sample(*big))},
        {'ms': timed(lambda: [sample(*small) for _ in range(calls)], reps) / calls, 'sha256': sha(sample(*small))},
    ]
json.dump({'torch': torch.__version__, 'results': out}, sys.stdout)
`;

const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/** The openblas-haswell case, timed in PyTorch running on OpenBLAS 0.3.21, one thread, Haswell kernels. */
function pytorchOpenblas() {
  if (!existsSync(path.join(OPENBLAS_DIR, 'libblas.so.3'))) return null;
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    LD_LIBRARY_PATH: OPENBLAS_DIR,
    OPENBLAS_NUM_THREADS: '1',
    OPENBLAS_CORETYPE: 'Haswell'
  };
  const r = spawnSync(PYTHON, ['-B', '-c', PY, String(REPS), path.join(root, 'scripts', 'fixtures'), 'openblas'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env
  });
  return r.status === 0 ? JSON.parse(r.stdout).results[0] : null;
}

function pytorch() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return { missing: `PyTorch not available (${PYTHON} -c 'import torch' failed)` };
  const r = spawnSync(PYTHON, ['-B', '-c', PY, String(REPS), path.join(root, 'scripts', 'fixtures')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    env: { ...process.env, OMP_NUM_THREADS: '1' }
  });
  if (r.status !== 0) return { missing: `the PyTorch benchmark failed: ${(r.stderr || '').trim().split('\n').pop()}` };
  return JSON.parse(r.stdout);
}

const fmt = (ms) =>
  ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(1)} us`;
console.log(
  `DDPM Lab benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${REPS} repetitions (median), sampler kernel ${core.samplerUsesWasm() ? 'WebAssembly SIMD' : 'JS'}`
);
const ours = cases.map((c) => ({ name: c.name, ms: c.ours(), sha256: c.check() }));
const torch = pytorch();
if (torch.missing) console.log(`${torch.missing}: our times alone.`);
else {
  console.log(
    `PyTorch ${torch.torch}, one thread, same machine, same run (the openblas-haswell case on OpenBLAS, ${OPENBLAS_DIR})`
  );
  torch.results.push(pytorchOpenblas());
}
const rows = ours.map((o, i) => {
  const p = torch.results?.[i];
  return [
    o.name,
    fmt(o.ms),
    p ? fmt(p.ms) : '-',
    p ? (o.ms / p.ms).toFixed(2) : '-',
    p ? (p.sha256 === o.sha256 ? 'yes' : 'NO') : '-'
  ];
});
const header = ['case', 'ours', 'PyTorch', 'ours/PyTorch', 'same bits'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
if (argv.includes('--json')) console.log(JSON.stringify({ ours, pytorch: torch }));
if (rows.some((r) => r[4] === 'NO')) {
  console.error('bench: our output differs from PyTorch for the same inputs');
  process.exitCode = 1;
}
