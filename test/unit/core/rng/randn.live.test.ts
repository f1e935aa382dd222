// Fresh random cases against the real PyTorch, when it is installed (Debian python3-torch at /usr/bin/python3).
// Reports itself skipped, with the reason, where it is not.
import { strict as assert } from 'node:assert';
import { ROOT } from '../../helpers/paths';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { float32ToBits, ulpDistanceF32 } from '../../../../src/core/float32';
import { CpuGenerator } from '../../../../src/core/rng/generator';
import { randn } from '../../../../src/core/rng/randn';
import type { RngProfile } from '../../../../src/core/types';
import { PYTHON, torchMissing } from '../../helpers/torch';

const SCRIPT = join(ROOT, 'scripts', 'fixtures', 'randn.py');

interface LiveCase {
  seed: string;
  counts: number[];
}

function runTorch(cases: LiveCase[], capability: string | null): number[][][] {
  const env = { ...process.env };
  if (capability !== null) env.ATEN_CPU_CAPABILITY = capability;
  const r = spawnSync(PYTHON, [SCRIPT, '--live'], {
    input: JSON.stringify({ cases }),
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 30
  });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { bits: number[][][] }).bits;
}

/** A small deterministic generator for the case list, seeded from fresh randomness (printed for replay). */
function makeCases(rootSeed: number): LiveCase[] {
  let s = rootSeed >>> 0;
  const next = () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
  const seed = (): string => {
    const kind = Math.floor(next() * 5);
    const hi = BigInt(Math.floor(next() * 2 ** 32));
    const lo = BigInt(Math.floor(next() * 2 ** 32));
    const u64 = (hi << 32n) | lo;
    if (kind === 0) return String(lo); // 32-bit
    if (kind === 1) return String(u64); // anywhere in [0, 2^64)
    if (kind === 2) return String(-(u64 >> 1n) - 1n); // negative, down to -2^63
    if (kind === 3) return String((1n << 64n) - 1n - (lo & 0xffffn)); // near the top
    return String(BigInt(Math.floor(next() * 1000)));
  };
  const count = (): number => {
    const kind = Math.floor(next() * 4);
    if (kind === 0) return 1 + Math.floor(next() * 15); // double Box-Muller path
    if (kind === 1) return 16 * (1 + Math.floor(next() * 20)) + Math.floor(next() * 3) - 1; // around block edges
    if (kind === 2) return 16 + Math.floor(next() * 700);
    return 1000 + Math.floor(next() * 20000);
  };
  const cases: LiveCase[] = [];
  for (let i = 0; i < 60; i++) {
    const calls = 1 + Math.floor(next() * 3);
    cases.push({ seed: seed(), counts: Array.from({ length: calls }, count) });
  }
  // many short draws: the double-precision path (Math.log/sin/cos standing in for glibc's log/sincos)
  for (let i = 0; i < 600; i++) cases.push({ seed: seed(), counts: [15] });
  return cases;
}

describe('torch.randn against live PyTorch (random cases)', function () {
  this.timeout(300000);
  const missing = torchMissing();
  const rootSeed = randomBytes(4).readUInt32LE(0);
  const cases = makeCases(rootSeed);

  for (const [profile, capability] of [
    ['avx2-fma', null],
    ['scalar', 'default']
  ] as [RngProfile, string | null][]) {
    it(`${profile}: ${cases.length} fresh cases (case seed ${rootSeed}) match bit for bit`, function () {
      if (missing !== null) this.skip(); // reason: see the log line below
      const want = runTorch(cases, capability);
      let values = 0;
      let mismatches = 0;
      let maxUlps = 0;
      const firsts: string[] = [];
      cases.forEach((c, i) => {
        const gen = CpuGenerator.manualSeed(BigInt(c.seed));
        c.counts.forEach((count, k) => {
          const got = randn(gen, count, profile);
          const expected = new Float32Array(new Uint32Array(want[i][k]).buffer);
          for (let j = 0; j < count; j++) {
            values++;
            if (float32ToBits(got[j]) !== want[i][k][j]) {
              mismatches++;
              maxUlps = Math.max(maxUlps, ulpDistanceF32(got[j], expected[j]));
              if (firsts.length < 3)
                firsts.push(
                  `seed ${c.seed}, call ${k} (count ${count}), index ${j}: ${got[j]} vs PyTorch ${expected[j]}`
                );
            }
          }
        });
      });
      console.log(`      ${profile}: ${values} values compared, ${mismatches} mismatches, max ${maxUlps} ulps`);
      assert.equal(mismatches, 0, firsts.join('; '));
    });
  }

  if (missing !== null) {
    it('reason for skipping', function () {
      console.log(`      skipped: ${missing}`);
      this.skip();
    });
  }
});
