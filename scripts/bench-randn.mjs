#!/usr/bin/env node
// Micro-benchmark: torch.randn(n) on CPU (float32) in our TypeScript (bundled on the fly with esbuild) and in
// PyTorch (one thread, same machine, same run), alternating, best of R rounds of CPU time and wall time.
//   node scripts/bench-randn.mjs [--n 10000000] [--rounds 5] [--profiles avx2-fma,avx2,scalar]
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
await build({ entryPoints: [join(root, 'src/core/randn.ts')], bundle: true, format: 'esm', platform: 'neutral', outfile: entry, logLevel: 'warning' });
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

console.log(`torch.randn(${n}) float32, best of ${rounds} (CPU ms / wall ms)`);
for (const profile of profiles) {
  const t = profile === 'avx2' ? null : torch(profile); // no PyTorch build without contraction here
  const o = ours(profile);
  const line = [`${profile.padEnd(9)} ours ${o.cpu.toFixed(1)} / ${o.wall.toFixed(1)}`];
  if (t) line.push(`PyTorch ${t.cpu.toFixed(1)} / ${t.wall.toFixed(1)}`, `ratio ${(o.cpu / t.cpu).toFixed(2)}x cpu, ${(o.wall / t.wall).toFixed(2)}x wall`);
  else line.push(profile === 'avx2' ? '(no PyTorch build to compare)' : '(PyTorch not available)');
  console.log(line.join('   '));
}
