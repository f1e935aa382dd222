// Schedules against real PyTorch (test/fixtures/sampler/schedules.json, made by scripts/fixtures/sampler.py).
import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  alphaBarFromBetas,
  cosineSchedule,
  cumprodF32,
  linearSchedule,
  linspaceF32,
  oneMinusF32
} from '../../../../src/core/sampler/schedules';
import type { RngProfile } from '../../../../src/core/types';
import { f32Bits, fromBits } from '../../helpers/bits';

interface SchedulesFixture {
  linspace: { start: number; end: number; steps: number; bits: Record<string, number[]> }[];
  cosine: { T: number; s: number; bits: number[] }[];
  cumprod: { betas: number[]; one_minus: number[]; alpha_bar: number[] }[];
}

const fixture: SchedulesFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'schedules.json'), 'utf8'));

/** Index of the first element whose bits differ, or -1. */
function firstDifference(ours: Float32Array, bits: number[]): number {
  const got = f32Bits(ours);
  if (got.length !== bits.length) return Math.min(got.length, bits.length);
  return got.findIndex((b, i) => b !== bits[i]);
}

describe('schedules (bit for bit with PyTorch 1.13)', () => {
  for (const profile of ['avx2-fma', 'scalar'] as RngProfile[]) {
    it(`linspace(start, end, steps) equals torch.linspace for the ${profile} kernel`, () => {
      for (const c of fixture.linspace) {
        const ours = linspaceF32(c.start, c.end, c.steps, profile);
        assert.equal(
          firstDifference(ours, c.bits[profile]),
          -1,
          `linspace(${c.start}, ${c.end}, ${c.steps}) [${profile}]`
        );
      }
    });
  }

  it('the two kernels really differ somewhere (the profile matters)', () => {
    const differing = fixture.linspace.filter((c) => c.bits['avx2-fma'].some((b, i) => b !== c.bits.scalar[i]));
    assert.ok(differing.length > 0);
    const c = differing[0];
    assert.notDeepEqual(
      f32Bits(linspaceF32(c.start, c.end, c.steps, 'avx2-fma')),
      f32Bits(linspaceF32(c.start, c.end, c.steps, 'scalar'))
    );
  });

  it('linear_schedule(T) equals torch.linspace(1e-4, 0.02, T)', () => {
    const cases = fixture.linspace.filter((c) => c.start === 1e-4 && c.end === 0.02);
    assert.ok(cases.length >= 10);
    for (const c of cases)
      assert.equal(firstDifference(linearSchedule(c.steps), c.bits['avx2-fma']), -1, `T = ${c.steps}`);
  });

  it('cosine_schedule(T, s) equals the reference implementation run by PyTorch', () => {
    for (const c of fixture.cosine)
      assert.equal(firstDifference(cosineSchedule(c.T, c.s), c.bits), -1, `T = ${c.T}, s = ${c.s}`);
  });

  it('1 - betas and cumprod(1 - betas) equal torch (cumprod accumulates in double)', () => {
    for (const c of fixture.cumprod) {
      const betas = fromBits(c.betas);
      assert.equal(firstDifference(oneMinusF32(betas), c.one_minus), -1);
      assert.equal(firstDifference(cumprodF32(fromBits(c.one_minus)), c.alpha_bar), -1, `cumprod of ${betas.length}`);
      assert.equal(firstDifference(alphaBarFromBetas(betas), c.alpha_bar), -1);
    }
  });

  it('a float32 running product would not match (the double accumulator is what PyTorch does)', () => {
    const c = fixture.cumprod.find((x) => x.betas.length >= 1000)!;
    const oneMinus = fromBits(c.one_minus);
    const naive = new Float32Array(oneMinus.length);
    let acc = 1;
    for (let i = 0; i < oneMinus.length; i++) naive[i] = acc = Math.fround(acc * oneMinus[i]);
    assert.notEqual(firstDifference(naive, c.alpha_bar), -1);
  });

  it('rejects a negative or fractional number of steps', () => {
    assert.throws(() => linspaceF32(0, 1, -1), /steps: expected a non-negative integer/);
    assert.throws(() => linspaceF32(0, 1, 2.5), /steps/);
    assert.throws(() => cosineSchedule(-3), /T: expected a non-negative integer/);
  });
});
