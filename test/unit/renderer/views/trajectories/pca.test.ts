// The trajectories view's projection for d >= 3: the first two principal components of the recorded states.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { trajectoryStates, type TrajectoryStates } from '../../../../../renderer/views/commonModel';
import { pcaOfStates, pcaPlane } from '../../../../../renderer/views/trajectories/pca';
import { matrix, syntheticRun } from '../../../helpers/rendererRuns';

describe('pca: PCA projection', () => {
  it('finds the direction the points spread along, orthonormal components, variances in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 8 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (d, raw) => {
          const v = raw.slice(0, d);
          const norm = Math.hypot(...v);
          fc.pre(norm > 0.3);
          const u = v.map((x) => x / norm);
          // states: rows spread along u (scale 3) plus a small wobble on every axis
          const states: TrajectoryStates = { t: [], mats: [] };
          for (let s = 0; s < 6; s++) {
            states.t.push(5 - s);
            states.mats.push(
              matrix(20, d, (i, j) => 3 * Math.sin(i * 0.9 + s) * u[j] + 0.01 * Math.cos(i * 3.7 + j * 1.1 + s))
            );
          }
          const pca = pcaOfStates(states, d);
          const [c1, c2] = pca.components;
          const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number =>
            Array.from(a).reduce((acc, x, k) => acc + x * b[k], 0);
          assert.ok(Math.abs(Math.abs(dot(c1, u)) - 1) < 1e-4, `|pc1 . u| = ${Math.abs(dot(c1, u))}`);
          assert.ok(Math.abs(dot(c1, c1) - 1) < 1e-9);
          assert.ok(Math.abs(dot(c2, c2) - 1) < 1e-9 || pca.variance[1] === 0);
          assert.ok(Math.abs(dot(c1, c2)) < 1e-6);
          assert.ok(pca.variance[0] >= pca.variance[1]);
          assert.ok(pca.variance[0] + pca.variance[1] <= pca.totalVariance * (1 + 1e-9));
          const [p1] = pcaPlane(pca)(states.mats[0], 0);
          assert.ok(Number.isFinite(p1));
        }
      ),
      { numRuns: 40 }
    );
  });

  it('skips non-finite rows instead of returning NaN components', () => {
    const run = syntheticRun(6, 3, 5, { kind: 'all' }, (t, i, j) =>
      t === 2 && i === 0 ? Infinity : Math.sin(t + i * 1.7 + j)
    );
    const pca = pcaOfStates(trajectoryStates(run), 3);
    for (const c of pca.components) for (const x of c) assert.ok(Number.isFinite(x));
  });
});
