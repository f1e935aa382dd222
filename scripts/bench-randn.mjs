#!/usr/bin/env node
// Micro-benchmark: torch.randn(n) on CPU (float32) in our TypeScript (bundled on the fly with esbuild) and in
// PyTorch (one thread, same machine, same run), alternating, best of R rounds of CPU time and wall time.
//   node scripts/bench-randn.mjs [--n 10000000] [--rounds 5] [--profiles avx2-fma,avx2,scalar] [--per-call]
// --per-call adds the cost of one torch.randn(count, generator=torch.Generator().manual_seed(s)) for small
// counts (the sampler makes one such call per step), CPU microseconds per call, best of the rounds.
// The main `npm run bench` (scripts/bench.mjs) covers the whole product; this one isolates the random stream.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const n = Number(opt('n', '10000000'));
const rounds = Number(opt('rounds', '5'));
const profiles = opt('profiles', 'avx2-fma').split(',');

const dir = mkdtempSync(join(tmpdir(), 'bench-randn-'));
const entry = join(dir, 'randn.mjs');
await build({
  entryPoints: [join(root, 'src/core/rng/randn.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: entry,
  logLevel: 'warning'
});
const { randnSeeded } = await import(pathToFileURL(entry).href);
rmSync(dir, { recursive: true, force: true });

function ours(profile) {
  const out = new Float32Array(n);
  let bestCpu = Infinity;
  let bestWall = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    randnSeeded(BigInt(r + 1), n, profile, out);
    const w = performance.now() - w0;
    const c = process.cpuUsage(c0);
    bestWall = Math.min(bestWall, w);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  return { cpu: bestCpu, wall: bestWall };
}

function torch(profile) {
  const code = `
import os, sys, time, torch
torch.set_num_threads(1)
n, rounds = ${n}, ${rounds}
out = torch.empty(n)
best_cpu = best_wall = float('inf')
for r in range(rounds):
    g = torch.Generator().manual_seed(r + 1)
    c0, w0 = time.process_time(), time.perf_counter()
    torch.randn(n, generator=g, out=out)
    best_wall = min(best_wall, time.perf_counter() - w0)
    best_cpu = min(best_cpu, time.process_time() - c0)
print(best_cpu * 1000, best_wall * 1000)
`;
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  if (profile === 'scalar') env.ATEN_CPU_CAPABILITY = 'default';
  const r = spawnSync('/usr/bin/python3', ['-c', code], { env, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const [cpu, wall] = r.stdout.trim().split(/\s+/).map(Number);
  return { cpu, wall };
}

const PER_CALL = [
  [8, 20000],
  [16, 20000],
  [1024, 5000],
  [65536, 200]
];

function oursPerCall() {
  return PER_CALL.map(([count, calls]) => {
    const out = new Float32Array(count);
    let best = Infinity;
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) randnSeeded(BigInt(100 + i), count, 'avx2-fma', out);
      const c = process.cpuUsage(c0);
      best = Math.min(best, (c.user + c.system) / calls);
    }
    return best;
  });
}

function torchPerCall() {
  const code = `
import time, torch
torch.set_num_threads(1)
res = []
for count, calls in ${JSON.stringify(PER_CALL)}:
    out = torch.empty(count)
    best = float('inf')
    for r in range(${rounds}):
        c0 = time.process_time()
        for i in range(calls):
            torch.randn(count, generator=torch.Generator().manual_seed(100 + i), out=out)
        best = min(best, (time.process_time() - c0) / calls)
    res.append(best * 1e6)
print(' '.join(map(str, res)))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    encoding: 'utf8'
  });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).map(Number) : null;
}

console.log(`torch.randn(${n}) float32, best of ${rounds} (CPU ms / wall ms)`);
for (const profile of profiles) {
  const t = profile === 'avx2' ? null : torch(profile); // no PyTorch build without contraction here
  const o = ours(profile);
  const line = [`${profile.padEnd(9)} ours ${o.cpu.toFixed(1)} / ${o.wall.toFixed(1)}`];
  if (t)
    line.push(
      `PyTorch ${t.cpu.toFixed(1)} / ${t.wall.toFixed(1)}`,
      `ratio ${(o.cpu / t.cpu).toFixed(2)}x cpu, ${(o.wall / t.wall).toFixed(2)}x wall`
    );
  else line.push(profile === 'avx2' ? '(no PyTorch build to compare)' : '(PyTorch not available)');
  console.log(line.join('   '));
}

if (args.includes('--per-call')) {
  const o = oursPerCall();
  const t = torchPerCall();
  console.log('per call, torch.randn(count) with a freshly seeded generator, avx2-fma (CPU us)');
  PER_CALL.forEach(([count], i) => {
    const line = [`count ${String(count).padStart(6)}   ours ${o[i].toFixed(2)}`];
    if (t) line.push(`PyTorch ${t[i].toFixed(2)}`, `ratio ${(o[i] / t[i]).toFixed(2)}x`);
    console.log(line.join('   '));
  });
}
