#!/usr/bin/env node
// Times the diagnosis catalogue (src/core/diagnosis/) on the size `cli compare` must handle quickly: T = 1000,
// N = 100, d = 2. Not a test; it prints the figures: wall-clock milliseconds, and the process's CPU milliseconds (all
// its threads) beside them, which say more on a machine shared with other work:
//   first call     diagnoseSample in this fresh process right after one runSampler of the same inputs (what
//                  `cli compare` does: one run, then the diagnosis), before anything else is warm
//   final sample   diagnoseSample with a paste no entry reproduces (the correct loop and every entry run to the
//                  end), and with a paste one entry reproduces; median of R runs after a warm-up
//   step by step   diagnoseTrajectory from t0 = T - 1 with a predicate that rejects only the correct loop's x (the
//                  worst case: no candidate stops early), and with a paste one entry reproduces
//   one entry      runWithMistake of a single entry, for scale
//   node scripts/bench-diagnosis.mjs [--reps 5] [--profile avx2-fma]
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
const reps = Number(opt('reps', '5'));
const profile = opt('profile', 'avx2-fma');

// the core, bundled the way the extension ships it (esbuild, one file)
const dir = mkdtempSync(join(tmpdir(), 'bench-diagnosis-'));
const entry = join(dir, 'diagnosis.mjs');
await build({
  stdin: {
    contents: `export { diagnoseSample, diagnoseTrajectory, runWithMistake } from './src/core/diagnosis/diagnose';
export { MISTAKE_IDS } from './src/core/diagnosis/catalogue';
export { linearSchedule, alphaBarFromBetas } from './src/core/sampler/schedules';
export { runSampler } from './src/core/sampler/sampler';`,
    resolveDir: root,
    loader: 'ts'
  },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  outfile: entry,
  logLevel: 'warning'
});
const core = await import(pathToFileURL(entry).href);
rmSync(dir, { recursive: true, force: true });

const N = 100;
const d = 2;
const T = 1000;
const w = new Float32Array((d + 1) * d);
for (let i = 0; i < w.length; i++) w[i] = Math.fround(0.1 * Math.sin(i + 1));
const betas = core.linearSchedule(T);
const inputs = {
  wModel: { rows: d + 1, cols: d, data: w },
  n: N,
  d,
  betas,
  alphaBar: core.alphaBarFromBetas(betas),
  seed: 42n
};

/** [median wall ms, median CPU ms] of reps runs after a warm-up run */
function median(fn) {
  fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const [t0, c0] = [performance.now(), cpuMs()];
    fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [mid(wall), mid(cpu)];
}

const sameBits = (a, b) => {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
{
  const [t0, c0] = [performance.now(), cpuMs()];
  core.runSampler(inputs, { profile, record: { kind: 'none' } });
  const [t1, c1] = [performance.now(), cpuMs()];
  const found = core.diagnoseSample(inputs, () => false, { profile });
  const [t2, c2] = [performance.now(), cpuMs()];
  console.log(
    `first call in a fresh process: runSampler ${(t1 - t0).toFixed(1)} ms (CPU ${(c1 - c0).toFixed(0)} ms), ` +
      `then diagnoseSample, whole catalogue ${(t2 - t1).toFixed(1)} ms (CPU ${(c2 - c1).toFixed(0)} ms), found [${found.join(', ')}]`
  );
}

const target = core.runWithMistake(inputs, 'noise-scale-beta', { profile, record: true });
const targetSteps = target.trajectory;
const correctAfterFirst = core.runWithMistake(inputs, null, { profile, record: true }).trajectory[0];
let found;
const rows = [
  ['final sample, no entry matches', () => (found = core.diagnoseSample(inputs, () => false, { profile }))],
  [
    'final sample, noise-scale-beta pasted',
    () => (found = core.diagnoseSample(inputs, (x) => sameBits(x, target.sample), { profile }))
  ],
  [
    'step by step from t0 = 999, no candidate stops early',
    () =>
      (found = core.diagnoseTrajectory(inputs, T - 1, (t, x) => t !== T - 1 || !sameBits(x, correctAfterFirst), {
        profile
      }))
  ],
  [
    'step by step from t0 = 999, noise-scale-beta pasted',
    () => (found = core.diagnoseTrajectory(inputs, T - 1, (t, x) => sameBits(x, targetSteps[T - 1 - t]), { profile }))
  ],
  ['one entry (runWithMistake, time-unscaled)', () => core.runWithMistake(inputs, 'time-unscaled', { profile })]
];
console.log(
  `diagnosis catalogue (${core.MISTAKE_IDS.length} entries), T = ${T}, N = ${N}, d = ${d}, profile ${profile}, median of ${reps}, Node ${process.versions.node}`
);
for (const [name, fn] of rows) {
  const [ms, cpu] = median(fn);
  const shown = found && found.length > 3 ? `${found.length} entries` : found ? `[${found.join(', ')}]` : '';
  console.log(
    `  ${name.padEnd(56)} ${ms.toFixed(1).padStart(8)} ms (CPU ${cpu.toFixed(0).padStart(4)} ms)${found ? `   found: ${shown}` : ''}`
  );
  found = undefined;
}
