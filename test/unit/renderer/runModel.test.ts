// The run view's model: which views a run offers, and the sample as the copy buttons give it (checked
// against real PyTorch's print, test/fixtures/renderer/runs.json, scripts/fixtures/renderer.py).
import { strict as assert } from 'node:assert';
import { sampleAsJson, sampleAsPytorchText, viewsFor } from '../../../renderer/runModel';
import { fixtureCases, fixtureRun } from '../../browser/fixtureRuns';
import { syntheticRun } from '../helpers/rendererRuns';

const f32 = Math.fround;

describe('runModel: views a run offers', () => {
  it('offers the diff only when the run has a comparison, and shows it first then', () => {
    const run = syntheticRun(3, 2, 4);
    assert.equal(viewsFor(run).views.includes('diff'), false);
    assert.equal(viewsFor(run).initial, 'trajectories');
    const c = fixtureCases()[0];
    const { run: compared } = fixtureRun(c, 'printed');
    assert.equal(viewsFor(compared).views.includes('diff'), true);
    assert.equal(viewsFor(compared).initial, 'diff');
  });
});

describe('runModel: copying the sample', () => {
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

  it("writes -0 as -0.0 so that JSON readers with integers (Python's json) keep its sign", () => {
    const run = syntheticRun(1, 2, 1, { kind: 'all' }, (_t, _i, j) => (j === 0 ? -0 : 0));
    const text = sampleAsJson(run);
    const json = JSON.parse(text) as { sample: number[][] };
    assert.ok(Object.is(json.sample[0][0], -0) && Object.is(json.sample[0][1], 0));
    const tokens = text.replace(/^\{"sample": /, '').match(/-?[0-9][^,\]]*/g) ?? [];
    assert.equal(tokens.length, 2);
    assert.match(tokens[0], /[.eE]/, `-0 must not look like an integer: ${tokens[0]}`);
  });
});
