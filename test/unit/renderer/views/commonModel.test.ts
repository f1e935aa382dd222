// What every view shares: the run's recorded states and the choice of scatter trace.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  GL_THRESHOLD_POINTS,
  nonFiniteNote,
  nonFiniteSamples,
  scatterTraceType,
  stepTicks,
  trajectoryStates
} from '../../../../renderer/views/commonModel';
import { autoTicks } from '../../../../renderer/views/sketchModel';
import { syntheticRun } from '../../helpers/rendererRuns';

describe('commonModel: traces for shapes', () => {
  it('uses WebGL traces only above the threshold and only when WebGL exists', () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.boolean(), (points, webgl) => {
        let asked = false;
        const probe = (): boolean => {
          asked = true;
          return webgl;
        };
        assert.equal(scatterTraceType(points, probe), webgl && points > GL_THRESHOLD_POINTS ? 'scattergl' : 'scatter');
        // whether WebGL exists is asked only for a trace that would use it (asking creates a WebGL context)
        assert.equal(asked, points > GL_THRESHOLD_POINTS);
      })
    );
  });
});

describe('commonModel: trajectory states', () => {
  it('orders states x_T ... x_0 and takes x_T from the first step, x_0 from the sample', () => {
    const run = syntheticRun(4, 2, 6);
    const s = trajectoryStates(run);
    assert.deepEqual(
      s.t,
      Array.from({ length: 7 }, (_, k) => 6 - k)
    );
    assert.equal(s.mats[0], run.trajectory.steps[0].x);
    assert.equal(s.mats[s.mats.length - 1], run.trajectory.steps[run.trajectory.steps.length - 1].xPrev);
  });

  it('keeps only the recorded states under "every k", and only x_0 under "none"', () => {
    const every = syntheticRun(2, 2, 10, { kind: 'every', k: 3 });
    const s = trajectoryStates(every);
    const expected = new Set<number>([0]);
    for (const st of every.trajectory.steps) {
      expected.add(st.t);
      expected.add(st.t + 1);
    }
    assert.deepEqual(
      s.t,
      [...expected].sort((a, b) => b - a)
    );
    const none = syntheticRun(2, 2, 10, { kind: 'none' });
    assert.deepEqual(trajectoryStates(none).t, [0]);
    assert.equal(trajectoryStates(none).mats[0], none.sample);
  });
});

describe('commonModel: samples that reach inf or nan', () => {
  const mat = (rows: number[][]) => ({ rows: rows.length, cols: rows[0].length, data: Float32Array.from(rows.flat()) });
  it('counts each sample once, from the first state where it is not finite, and says so', () => {
    const states = {
      t: [3, 2, 1, 0],
      mats: [
        mat([
          [0, 1],
          [2, 3],
          [4, 5]
        ]),
        mat([
          [0, 1],
          [2, Infinity],
          [4, 5]
        ]), // sample 1 from x_2
        mat([
          [0, 1],
          [NaN, NaN],
          [4, -Infinity]
        ]), // sample 2 from x_1
        mat([
          [0, 1],
          [NaN, NaN],
          [NaN, 5]
        ])
      ]
    };
    assert.deepEqual(nonFiniteSamples(states), { count: 2, firstT: 2 });
    assert.equal(
      nonFiniteNote(states),
      '2 of 3 samples reach inf or nan (the first at x_2): a plot leaves out what is not finite, so their paths stop there and their points are not drawn.'
    );
    assert.equal(nonFiniteNote({ t: [1, 0], mats: [mat([[1, 2]]), mat([[3, 4]])] }), undefined);
  });
});

describe('stepTicks: axes of steps t are ticked on whole steps', () => {
  it('ticks every step when the steps span 10 or fewer, where plotly would tick halves', () => {
    // plotly's automatic ticks (autoTicks, ported from plotly.js and checked against it in the browser test)
    assert.ok(
      [200, 400, 800].some((px) => !Number.isInteger(autoTicks([3, 0], px, 'x').dtick)),
      't = 2.5 on a 4-step axis'
    );
    for (let span = 0; span <= 10; span++) {
      const t = Array.from({ length: span + 1 }, (_, k) => span - k);
      assert.deepEqual(stepTicks(t), { dtick: 1 }, `span ${span}`);
    }
    assert.deepEqual(stepTicks([3, null, 0], [Number.NaN]), { dtick: 1 });
  });

  it("leaves a wider span to plotly, whose spacing is then whole (any width, with a marker's padding)", () => {
    for (const span of [11, 12, 15, 19, 20, 37, 99, 100, 999, 1000]) {
      assert.deepEqual(stepTicks([span, 0]), {}, `span ${span}`);
      for (const px of [150, 200, 400, 800, 1600, 3200])
        for (const pad of [0, 0.05 * span])
          assert.ok(Number.isInteger(autoTicks([span + pad, -pad], px, 'x').dtick), `span ${span}, ${px} px`);
    }
    assert.deepEqual(stepTicks([]), {});
  });
});
