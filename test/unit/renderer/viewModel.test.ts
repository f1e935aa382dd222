// The renderer's view-model: which views and traces for which shapes, decimation, PCA, statistics,
// tables and the diff model. Printed values are checked against real PyTorch's print
// (test/fixtures/renderer/runs.json, scripts/fixtures/renderer.py); the rest by properties.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { MatrixF32, RecordPolicy, RunResult, TrajectoryStep } from '../../../src/core/types';
import {
  GL_THRESHOLD_POINTS,
  absDiffHeatmap,
  at,
  decimateIndices,
  diffTableModel,
  dimensionPaths,
  histogramModel,
  identityPlane,
  meanAndSpread,
  normalPdf,
  parseDimensions,
  pcaOfStates,
  pcaPlane,
  planePaths,
  rms,
  sampleAsJson,
  sampleAsPytorchText,
  scatterTraceType,
  selectPaths,
  stepStatistics,
  tableModel,
  torchPrintedElements,
  trajectoryLayout,
  trajectoryStates,
  viewsFor,
  type TrajectoryStates
} from '../../../renderer/viewModel';
import { fixtureCases, fixtureRun } from '../../browser/fixtureRuns';

const f32 = Math.fround;

function matrix(rows: number, cols: number, value: (i: number, j: number) => number): MatrixF32 {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = value(i, j);
  return { rows, cols, data };
}

/** A structurally valid run (values are arbitrary, not a sampler's): state t holds value(t, i, j). */
function syntheticRun(n: number, d: number, T: number, policy: RecordPolicy = { kind: 'all' }, value = (t: number, i: number, j: number) => Math.sin(t * 0.7 + i * 1.3 + j * 2.1)): RunResult {
  const state = (t: number): MatrixF32 => matrix(n, d, (i, j) => value(t, i, j));
  const steps: TrajectoryStep[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const keep = policy.kind === 'all' || (policy.kind === 'every' && t % policy.k === 0);
    if (!keep) continue;
    steps.push({ t, x: state(t + 1), eps: state(t + 0.5), mean: state(t + 0.25), z: t > 0 ? state(t + 0.125) : null, xPrev: state(t) });
  }
  return {
    schema: 'ddpm-lab.run/1',
    inputs: { n, d, T, seed: '1', profile: 'avx2-fma' },
    sample: state(0),
    trajectory: { policy, steps },
    schedule: { betas: new Float32Array(T).fill(0.01), alphaBar: new Float32Array(T).fill(0.5), alphaBarMatchesCumprod: false, maxAlphaBarDiff: 0 },
    warnings: [],
    timing: { elapsedMs: 0, finishedAt: new Date(0).toISOString() }
  };
}

function bitsToMatrix(bits: number[], rows: number, cols: number): MatrixF32 {
  return { rows, cols, data: new Float32Array(new Uint32Array(bits).buffer) };
}

/** The numbers of a printed tensor, in order (what a reader sees). */
function printedNumbers(text: string): string[] {
  return text.slice('tensor('.length).match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)/g) ?? [];
}

describe('viewModel: views and traces for shapes', () => {
  it('offers the diff only when the run has a comparison, and shows it first then', () => {
    const run = syntheticRun(3, 2, 4);
    assert.equal(viewsFor(run).views.includes('diff'), false);
    assert.equal(viewsFor(run).initial, 'trajectories');
    const c = fixtureCases()[0];
    const { run: compared } = fixtureRun(c, 'printed');
    assert.equal(viewsFor(compared).views.includes('diff'), true);
    assert.equal(viewsFor(compared).initial, 'diff');
  });

  it('draws the plane for d = 2, dimensions vs t plus PCA for d >= 3, dimensions only for d = 1', () => {
    assert.deepEqual(trajectoryLayout(2), { plane: 'identity', dimsVsStep: false });
    for (const d of [3, 5, 64]) assert.deepEqual(trajectoryLayout(d), { plane: 'pca', dimsVsStep: true });
    assert.deepEqual(trajectoryLayout(1), { plane: null, dimsVsStep: true });
  });

  it('uses WebGL traces only above the threshold and only when WebGL exists', () => {
    fc.assert(fc.property(fc.nat(1_000_000), fc.boolean(), (points, webgl) => {
      assert.equal(scatterTraceType(points, webgl), webgl && points > GL_THRESHOLD_POINTS ? 'scattergl' : 'scatter');
    }));
  });
});

describe('viewModel: trajectory states', () => {
  it('orders states x_T ... x_0 and takes x_T from the first step, x_0 from the sample', () => {
    const run = syntheticRun(4, 2, 6);
    const s = trajectoryStates(run);
    assert.deepEqual(s.t, Array.from({ length: 7 }, (_, k) => 6 - k));
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
    assert.deepEqual(s.t, [...expected].sort((a, b) => b - a));
    const none = syntheticRun(2, 2, 10, { kind: 'none' });
    assert.deepEqual(trajectoryStates(none).t, [0]);
    assert.equal(trajectoryStates(none).mats[0], none.sample);
  });
});

describe('viewModel: decimation', () => {
  it('keeps first and last, increases strictly, stays within the budget', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 3000 }), (count, max) => {
      const idx = decimateIndices(count, max);
      assert.equal(idx[0], 0);
      assert.equal(idx[idx.length - 1], count - 1);
      assert.ok(idx.length <= Math.min(count, max));
      for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
      if (count <= max) assert.equal(idx.length, count);
    }));
  });

  it('selects samples x states within the point budget and says what it left out', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 1001 }), fc.integer({ min: 2, max: 400_000 }), (n, states, budget) => {
      const sel = selectPaths(n, states, budget);
      assert.ok(sel.samples.length * sel.states.length <= Math.max(budget, sel.samples.length * 2), `${sel.samples.length} x ${sel.states.length} > ${budget}`);
      const dropped = sel.samples.length < n || sel.states.length < states;
      assert.equal(sel.note !== undefined, dropped);
      assert.equal(sel.states[0], 0);
      assert.equal(sel.states[sel.states.length - 1], states - 1);
    }));
  });

  it('keeps 1000 samples x 1001 states (d = 2) within the WebGL budget with every sample drawn', () => {
    const sel = selectPaths(1000, 1001, 300_000);
    assert.equal(sel.samples.length, 1000);
    assert.ok(sel.samples.length * sel.states.length <= 300_000);
  });
});

describe('viewModel: paths', () => {
  it('lays one NaN-separated polyline per sample, with the matrix values in order', () => {
    const run = syntheticRun(5, 2, 7);
    const states = trajectoryStates(run);
    const sel = selectPaths(5, states.t.length, 1_000_000);
    const p = planePaths(states, sel, identityPlane);
    const stride = sel.states.length + 1;
    assert.equal(p.x.length, sel.samples.length * stride);
    sel.samples.forEach((i, a) => {
      sel.states.forEach((s, b) => {
        assert.equal(p.x[a * stride + b], at(states.mats[s], i, 0));
        assert.equal(p.y[a * stride + b], at(states.mats[s], i, 1));
      });
      assert.ok(Number.isNaN(p.x[a * stride + sel.states.length]));
    });
    const dim = dimensionPaths(states, sel, 1);
    assert.equal(dim.x[0], states.t[0]);
    assert.equal(dim.y[1], at(states.mats[1], 0, 1));
  });
});

describe('viewModel: non-finite values', () => {
  it('breaks paths at inf and nan instead of passing them to plotly', () => {
    const run = syntheticRun(3, 2, 5, { kind: 'all' }, (t, i, j) => (t === 2 && i === 1 ? (j ? NaN : Infinity) : t + i + j));
    const states = trajectoryStates(run);
    const sel = selectPaths(3, states.t.length, 1_000_000);
    const p = planePaths(states, sel, identityPlane);
    for (const v of [...p.x, ...p.y]) assert.ok(Number.isFinite(v) || Number.isNaN(v));
    const stride = sel.states.length + 1;
    const k = stride + states.t.indexOf(2);
    assert.ok(Number.isNaN(p.x[k]) && Number.isNaN(p.y[k]));
    const dim = dimensionPaths(states, sel, 0);
    assert.ok(Number.isNaN(dim.y[k]));
  });
});

describe('viewModel: PCA projection', () => {
  it('finds the direction the points spread along, orthonormal components, variances in order', () => {
    fc.assert(fc.property(
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
          states.mats.push(matrix(20, d, (i, j) => 3 * Math.sin(i * 0.9 + s) * u[j] + 0.01 * Math.cos(i * 3.7 + j * 1.1 + s)));
        }
        const pca = pcaOfStates(states, d);
        const [c1, c2] = pca.components;
        const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((acc, x, k) => acc + x * b[k], 0);
        assert.ok(Math.abs(Math.abs(dot(c1, u)) - 1) < 1e-4, `|pc1 . u| = ${Math.abs(dot(c1, u))}`);
        assert.ok(Math.abs(dot(c1, c1) - 1) < 1e-9);
        assert.ok(Math.abs(dot(c2, c2) - 1) < 1e-9 || pca.variance[1] === 0);
        assert.ok(Math.abs(dot(c1, c2)) < 1e-6);
        assert.ok(pca.variance[0] >= pca.variance[1]);
        assert.ok(pca.variance[0] + pca.variance[1] <= pca.totalVariance * (1 + 1e-9));
        const [p1] = pcaPlane(pca)(states.mats[0], 0);
        assert.ok(Number.isFinite(p1));
      }
    ), { numRuns: 40 });
  });

  it('skips non-finite rows instead of returning NaN components', () => {
    const run = syntheticRun(6, 3, 5, { kind: 'all' }, (t, i, j) => (t === 2 && i === 0 ? Infinity : Math.sin(t + i * 1.7 + j)));
    const pca = pcaOfStates(trajectoryStates(run), 3);
    for (const c of pca.components) for (const x of c) assert.ok(Number.isFinite(x));
  });
});

describe('viewModel: per-step statistics', () => {
  it('gives mean = the constant and spread 0 for constant states, RMS = |constant|', () => {
    fc.assert(fc.property(fc.float({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 2, max: 9 }), fc.integer({ min: 1, max: 5 }), (c, n, d) => {
      const m = matrix(n, d, () => c);
      const [mean, spread] = meanAndSpread(m);
      assert.ok(Math.abs(mean - f32(c)) <= 1e-12 * Math.max(1, Math.abs(c)));
      assert.ok(spread <= 1e-12 * Math.max(1, Math.abs(c)));
      assert.ok(Math.abs(rms(m) - Math.abs(f32(c))) <= 1e-12 * Math.max(1, Math.abs(c)));
    }));
  });

  it('lines the series up on the t axis: states, steps (no z at t = 0) and the schedule', () => {
    const run = syntheticRun(4, 3, 8);
    const s = stepStatistics(run);
    assert.equal(s.stateT.length, s.xMean.length);
    assert.equal(s.stateT.length, s.xSpread.length);
    assert.deepEqual(s.stepT, run.trajectory.steps.map((st) => st.t));
    assert.equal(s.zRms[s.stepT.indexOf(0)], null);
    assert.equal(s.betas.length, run.inputs.T);
    assert.deepEqual(s.alphaBar, Array.from(run.schedule.alphaBar));
  });
});

describe('viewModel: histogram', () => {
  it('leaves out non-finite values, counts them, and spans every value with the N(0, 1) density', () => {
    const run = syntheticRun(30, 2, 2, { kind: 'all' }, (_t, i, j) => (i % 7 === 0 ? NaN : (i - 15) * 0.4 + j));
    const h = histogramModel(run.sample, 1);
    const nan = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 7 === 0).length;
    assert.equal(h.nonFinite, nan);
    assert.equal(h.values.length, 30 - nan);
    assert.ok(h.densityX[0] <= Math.min(...h.values));
    assert.ok(h.densityX[h.densityX.length - 1] >= Math.max(...h.values));
    h.densityX.forEach((x, k) => assert.equal(h.densityY[k], normalPdf(x)));
  });
});

describe('viewModel: tables print what PyTorch prints', () => {
  for (const c of fixtureCases()) {
    it(`${c.name}: every cell is the element as PyTorch prints the whole tensor; hover text reads back as the float32`, () => {
      const [n, d] = c.inputs.shape as [number, number];
      const m = bitsToMatrix(c.sample_bits, n, d);
      assert.deepEqual(torchPrintedElements(m), printedNumbers(c.printed_full));
      const model = tableModel(m);
      assert.deepEqual(model.printed, printedNumbers(c.printed_full));
      if (!c.printed.includes('...')) assert.equal(c.printed_full, c.printed);
      model.exact.forEach((s, k) => assert.ok(Object.is(f32(Number(s)), m.data[k]), `${s} does not read back as ${m.data[k]}`));
    });
  }

  it('copies the sample as PyTorch prints it and as JSON that reads back exactly', () => {
    const c = fixtureCases()[0];
    const { run } = fixtureRun(c, 'none');
    assert.equal(sampleAsPytorchText(run), c.printed);
    const json = JSON.parse(sampleAsJson(run)) as { sample: number[][] };
    const bits = new Uint32Array(new Float32Array(json.sample.flat().map(f32)).buffer);
    assert.deepEqual(Array.from(bits), c.sample_bits);
  });

  it('writes NaN and infinities in JSON as the strings the CLI uses', () => {
    const run = syntheticRun(1, 3, 1, { kind: 'all' }, (_t, _i, j) => [NaN, Infinity, -Infinity][j]);
    assert.deepEqual(JSON.parse(sampleAsJson(run)), { sample: [['nan', 'inf', '-inf']] });
  });

  it('writes -0 as -0.0 so that JSON readers with integers (Python\'s json) keep its sign', () => {
    const run = syntheticRun(1, 2, 1, { kind: 'all' }, (_t, _i, j) => (j === 0 ? -0 : 0));
    const text = sampleAsJson(run);
    const json = JSON.parse(text) as { sample: number[][] };
    assert.ok(Object.is(json.sample[0][0], -0) && Object.is(json.sample[0][1], 0));
    const tokens = text.replace(/^\{"sample": /, '').match(/-?[0-9][^,\]]*/g) ?? [];
    assert.equal(tokens.length, 2);
    assert.match(tokens[0], /[.eE]/, `-0 must not look like an integer: ${tokens[0]}`);
  });

  it('shows whole rows up to the cell limit and says how many', () => {
    const run = syntheticRun(50, 3, 1);
    const model = tableModel(run.sample, 30);
    assert.equal(model.shownRows.length, 10);
    assert.equal(model.printed.length, 30);
    assert.ok(model.note?.includes('10 of 50'));
  });
});

describe('viewModel: diff model passes the core comparison through', () => {
  it('marks exactly the core mismatch mask, which holds the index PyTorch altered', () => {
    for (const c of fixtureCases()) {
      const { run } = fixtureRun(c, 'altered');
      const cmp = run.comparison;
      assert.ok(cmp);
      const model = diffTableModel(run);
      assert.ok(model);
      const [ai, aj] = c.altered_index;
      assert.equal(model.mismatch[ai * model.cols + aj], true, `${c.name}: altered cell not marked`);
      model.mismatch.forEach((m, k) => assert.equal(m, cmp.mismatchMask[k] === 1));
      const heat = absDiffHeatmap(run, model.shownRows);
      assert.ok(heat);
      assert.deepEqual(heat.rows, model.shownRows);
      heat.z.forEach((row, r) => row.forEach((v, j) => {
        const a = cmp.absDiff[model.shownRows[r] * model.cols + j];
        assert.equal(v, Number.isNaN(a) ? null : a);
      }));
      assert.ok(heat.mismatches.some(([i, j]) => i === ai && j === aj));
      assert.equal(heat.mismatches.length, model.mismatch.filter(Boolean).length);
    }
  });

  it('shows mismatching rows first when not every row fits', () => {
    const c = fixtureCases()[0];
    const { run } = fixtureRun(c, 'altered');
    const model = diffTableModel(run, run.sample.cols * 2);
    assert.ok(model);
    assert.ok(model.shownRows.includes(c.altered_index[0]));
    assert.equal(model.shownRows.length, 2);
  });

  it('shows the rows a summarised ("...") paste gave, with our values printed the way the paste was', () => {
    const c = fixtureCases().find((k) => k.printed.includes('...'));
    assert.ok(c, 'no summarised paste in the fixtures');
    const { run } = fixtureRun(c, 'printed');
    const cmp = run.comparison;
    assert.ok(cmp?.known && cmp.shapeNote);
    const model = diffTableModel(run);
    assert.ok(model);
    const cols = run.sample.cols;
    const knownRows = Array.from({ length: run.sample.rows }, (_, i) => i).filter((i) => cmp.known?.subarray(i * cols, (i + 1) * cols).some((v) => v === 1));
    assert.deepEqual(model.shownRows, knownRows);
    assert.ok(knownRows.length < run.sample.rows);
    assert.match(model.note ?? '', new RegExp(`the ${knownRows.length} of ${run.sample.rows} rows`));
    // ours reads as PyTorch's default print of the same tensor: exactly the numbers of the (unaltered) paste
    assert.deepEqual(model.ours, printedNumbers(c.printed));
    model.shownRows.forEach((i, r) => {
      for (let j = 0; j < cols; j++) assert.equal(model.known[r * cols + j], cmp.known?.[i * cols + j] === 1);
    });
  });

  it('has no diff model without a comparison', () => {
    assert.equal(diffTableModel(syntheticRun(2, 2, 2)), null);
    assert.equal(absDiffHeatmap(syntheticRun(2, 2, 2)), null);
  });
});

describe('viewModel: dimension chooser', () => {
  it('accepts in-range whole numbers and names the problem otherwise', () => {
    assert.deepEqual(parseDimensions('0, 2 2', 3), [0, 2]);
    assert.throws(() => parseDimensions('3', 3), /^Error: dimensions: 3 is out of range 0\.\.2$/);
    assert.throws(() => parseDimensions('x', 3), /^Error: dimensions: "x" is not a whole number$/);
    assert.throws(() => parseDimensions('', 3), /^Error: dimensions: /);
    assert.throws(() => parseDimensions('0 1 2 3', 9, 3), /at most 3/);
  });
});
