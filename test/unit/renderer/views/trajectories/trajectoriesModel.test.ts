// The trajectories view's model: which plots for which d, decimation within the point budget, the dimension
// chooser, and the sentence about what is recorded and drawn.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  decimateIndices,
  parseDimensions,
  pathsSentence,
  selectPaths,
  trajectoryLayout
} from '../../../../../renderer/views/trajectories/trajectoriesModel';

describe('trajectoriesModel: plots for shapes', () => {
  it('draws the plane for d = 2, dimensions vs t plus PCA for d >= 3, dimensions only for d = 1', () => {
    assert.deepEqual(trajectoryLayout(2), { plane: 'identity', dimsVsStep: false });
    for (const d of [3, 5, 64]) assert.deepEqual(trajectoryLayout(d), { plane: 'pca', dimsVsStep: true });
    assert.deepEqual(trajectoryLayout(1), { plane: null, dimsVsStep: true });
  });
});

describe('trajectoriesModel: decimation', () => {
  it('keeps first and last, increases strictly, stays within the budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 3000 }), (count, max) => {
        const idx = decimateIndices(count, max);
        assert.equal(idx[0], 0);
        assert.equal(idx[idx.length - 1], count - 1);
        assert.ok(idx.length <= Math.min(count, max));
        for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
        if (count <= max) assert.equal(idx.length, count);
      })
    );
  });

  it('selects samples x states within the point budget and says what it left out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 1001 }),
        fc.integer({ min: 2, max: 400_000 }),
        (n, states, budget) => {
          const sel = selectPaths(n, states, budget);
          assert.ok(
            sel.samples.length * sel.states.length <= Math.max(budget, sel.samples.length * 2),
            `${sel.samples.length} x ${sel.states.length} > ${budget}`
          );
          const dropped = sel.samples.length < n || sel.states.length < states;
          assert.equal(sel.note !== undefined, dropped);
          assert.equal(sel.states[0], 0);
          assert.equal(sel.states[sel.states.length - 1], states - 1);
        }
      )
    );
  });

  it('keeps 1000 samples x 1001 states (d = 2) within the WebGL budget with every sample drawn', () => {
    const sel = selectPaths(1000, 1001, 300_000);
    assert.equal(sel.samples.length, 1000);
    assert.ok(sel.samples.length * sel.states.length <= 300_000);
  });
});

describe('trajectoriesModel: dimension chooser', () => {
  it('accepts in-range whole numbers and names the problem otherwise', () => {
    assert.deepEqual(parseDimensions('0, 2 2', 3), [0, 2]);
    assert.throws(() => parseDimensions('3', 3), /^Error: dimensions: 3 is out of range 0\.\.2$/);
    assert.throws(() => parseDimensions('x', 3), /^Error: dimensions: "x" is not a whole number$/);
    assert.throws(() => parseDimensions('', 3), /^Error: dimensions: /);
    assert.throws(() => parseDimensions('0 1 2 3', 9, 3), /at most 3/);
  });
});

describe('trajectoriesModel: one sentence for what is recorded and what is drawn', () => {
  it('counts states throughout, says why fewer were recorded, and what each path draws', () => {
    assert.equal(
      pathsSentence(1000, 1000, 1001, undefined, { samples: 1000, states: 150 }, 1000),
      'Recorded: all 1001 states x_1000 … x_0 (every step); each path draws 150 of them, evenly spaced with the first and the last, for all 1000 samples.'
    );
    const note =
      'kept 104 of the 1000 requested steps, evenly spaced, to stay within the 4 MiB trajectory budget (39.1 KiB per step)';
    assert.equal(
      pathsSentence(1000, 104, 208, note, { samples: 1000, states: 150 }, 1000),
      'Recorded: 208 of the 1001 states x_1000 … x_0 (from 104 of the 1000 steps, to stay within the 4 MiB trajectory budget); each path draws 150 of them, evenly spaced with the first and the last, for all 1000 samples.'
    );
    assert.equal(
      pathsSentence(100, 100, 101, undefined, { samples: 40, states: 101 }, 200),
      'Recorded: all 101 states x_100 … x_0 (every step); each path draws every recorded state, for 40 of the 200 samples, evenly spaced.'
    );
    assert.equal(
      pathsSentence(10, 4, 8, undefined, undefined, 1),
      'Recorded: 8 of the 11 states x_10 … x_0 (from 4 of the 10 steps).'
    );
  });
});
