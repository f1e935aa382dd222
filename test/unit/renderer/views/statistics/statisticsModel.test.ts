// The per-step statistics view's model: mean, spread and RMS, and the series on one t axis.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  hasValue,
  meanAndSpread,
  rms,
  stepStatistics,
  undrawnNote
} from '../../../../../renderer/views/statistics/statisticsModel';
import { matrix, syntheticRun } from '../../../helpers/rendererRuns';

const f32 = Math.fround;

describe('statisticsModel: per-step statistics', () => {
  it('gives mean = the constant and spread 0 for constant states, RMS = |constant|', () => {
    fc.assert(
      fc.property(
        fc.float({ min: -100, max: 100, noNaN: true }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        (c, n, d) => {
          const m = matrix(n, d, () => c);
          const [mean, spread] = meanAndSpread(m);
          assert.ok(Math.abs(mean - f32(c)) <= 1e-12 * Math.max(1, Math.abs(c)));
          assert.ok(spread <= 1e-12 * Math.max(1, Math.abs(c)));
          assert.ok(Math.abs(rms(m) - Math.abs(f32(c))) <= 1e-12 * Math.max(1, Math.abs(c)));
        }
      )
    );
  });

  it('lines the series up on the t axis: states, steps (no z at t = 0) and the schedule', () => {
    const run = syntheticRun(4, 3, 8);
    const s = stepStatistics(run);
    assert.equal(s.stateT.length, s.xMean.length);
    assert.equal(s.stateT.length, s.xSpread.length);
    assert.deepEqual(
      s.stepT,
      run.trajectory.steps.map((st) => st.t)
    );
    assert.equal(s.zRms[s.stepT.indexOf(0)], null);
    assert.equal(s.betas.length, run.inputs.T);
    assert.deepEqual(s.alphaBar, Array.from(run.schedule.alphaBar));
  });

  it('says which series have nothing to draw and why: one sample has no spread, a 1-step run no z', () => {
    const one = stepStatistics(syntheticRun(1, 2, 5));
    assert.equal(hasValue(one.xSpread), false);
    assert.equal(
      undrawnNote(one, 1),
      'Not drawn: the spread of x (one sample: its unbiased variance divides by N - 1 = 0).'
    );
    const short = stepStatistics(syntheticRun(6, 2, 1));
    assert.deepEqual(short.stepT, [0]);
    assert.equal(hasValue(short.zRms), false);
    assert.equal(
      undrawnNote(short, 6),
      'Not drawn: the RMS of z (the step t = 0 adds no noise, and it is the only step recorded).'
    );
    assert.match(undrawnNote(stepStatistics(syntheticRun(1, 2, 1)), 1) ?? '', /spread of x .*; the RMS of z/);
    const none = stepStatistics(syntheticRun(4, 2, 6, { kind: 'none' }));
    assert.deepEqual(none.stepT, []);
    assert.equal(undrawnNote(none, 4), 'Not drawn: the RMS of ε and of z (no step was recorded).');
    const full = stepStatistics(syntheticRun(4, 3, 8));
    assert.ok(hasValue(full.xSpread) && hasValue(full.zRms));
    assert.equal(undrawnNote(full, 4), undefined);
    assert.equal(hasValue([null, Number.NaN]), false);
    assert.equal(hasValue([null, 0]), true);
  });
});
