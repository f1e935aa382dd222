// Algorithm 2 run wholly in float64 (src/core/diagnosis/float64Loop.ts), against real PyTorch: torch.randn of a
// float64 tensor (scripts/fixtures/randn_float64.py -> test/fixtures/randn/float64.json), and recordings the Python
// helper made of float64 loops (scripts/fixtures/recording.py -> test/fixtures/recording/), which the loop must give
// bit for bit once rounded to float32, naming how each drew its noise; loops that are not float64 it must not give.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../helpers/paths';
import {
  float64LoopReproducing,
  recordedLoopInputs,
  type Float64LoopMatch
} from '../../../../src/core/diagnosis/float64Loop';
import { randnFloat64 } from '../../../../src/core/rng/randn';
import { decodeRecording } from '../../../../src/core/run/recording';

const draws = JSON.parse(readFileSync(path.join(FIXTURES, 'randn', 'float64.json'), 'utf8')) as {
  cases: { seed: string; count: number; values: string[]; float32: number[] }[];
};

const doubleBits = (v: number): bigint => new BigInt64Array(new Float64Array([v]).buffer)[0];
const fromDoubleBits = (s: string): number => new Float64Array(new BigUint64Array([BigInt(s)]).buffer)[0];
const float32Bits = (v: number): number => new Uint32Array(new Float32Array([v]).buffer)[0];

describe('float64Loop: Algorithm 2 run wholly in float64 (fixtures from PyTorch)', () => {
  it("torch.randn of a float64 tensor: PyTorch's doubles within 3 ulps (JavaScript's log, sin and cos are not glibc's), rounded to float32 the same, on both paths", () => {
    for (const c of draws.cases) {
      const ours = randnFloat64(BigInt(c.seed), c.count);
      c.values.forEach((s, i) => {
        const theirs = fromDoubleBits(s);
        const ulps = doubleBits(ours[i]) - doubleBits(theirs);
        assert.ok(ulps >= -3n && ulps <= 3n, `seed ${c.seed}, ${c.count} values, [${i}]: ${ours[i]} vs ${theirs}`);
        assert.equal(Math.fround(ours[i]), Math.fround(theirs), `seed ${c.seed}, ${c.count} values, [${i}]`);
      });
      // under 16 values PyTorch's float32 draw is its float64 draw rounded; from 16 on it draws other numbers
      const rounded = c.values.map((s) => float32Bits(fromDoubleBits(s)));
      assert.equal(
        rounded.every((b, i) => b === c.float32[i]),
        c.count < 16,
        `seed ${c.seed}, ${c.count} values`
      );
    }
  });

  const recording = (name: string) =>
    decodeRecording(JSON.parse(readFileSync(path.join(FIXTURES, 'recording', `${name}.run.json`), 'utf8')));
  /** A recording's own inputs, as the float64 loop reads them. */
  const loopInputs = (r: ReturnType<typeof recording>) => ({ ...recordedLoopInputs(r), profile: 'avx2-fma' as const });
  const reproducing = (name: string): Float64LoopMatch | null => {
    const r = recording(name);
    return float64LoopReproducing(loopInputs(r), [
      ...(r.init ? [{ t: null, x: r.init.x.data }] : []),
      ...r.steps.map((s) => ({ t: s.t, x: s.x.data }))
    ]);
  };

  // (T = 4: t / T is a float32 value at every step, so either time column gives the states: null)
  for (const [name, match] of [
    ['float64-loop', { draws: 'float64', time: null }],
    ['float64-x_T', { draws: 'float64', time: null }],
    ['float64-no-init', { draws: 'float64', time: null }],
    ['float64-loop-float32-draws', { draws: 'float32', time: null }],
    ['float64-loop-t10', { draws: 'float64', time: 'float32' }],
    ['float64-loop-t10-float32-draws', { draws: 'float32', time: 'float64' }]
  ] as const) {
    it(`${name}: PyTorch's float64 loop, every recorded state given bit for bit (rounded to float32), its draws and time column named`, () => {
      assert.deepEqual(reproducing(name), match);
    });
  }

  it('x_T alone says nothing of the loop: no float64 loop is named', () => {
    const r = recording('float64-x_T');
    assert.ok(r.init);
    const only = float64LoopReproducing(loopInputs(r), [{ t: null, x: r.init.x.data }]);
    assert.equal(only, null);
  });

  for (const name of ['correct', 'float64-states', 'python-floats', 'step-seed-plus-t']) {
    it(`${name}: a loop that is not float64 throughout is not given`, () => {
      assert.equal(reproducing(name), null);
    });
  }
});
