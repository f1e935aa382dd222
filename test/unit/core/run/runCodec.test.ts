// The run-result codec (src/core/runCodec.ts): what travels to the renderer, the panel and the report page
// must come back as it left (non-finite numbers included), and malformed data must fail with a one-line
// message naming the field, so the views show an error instead of a blank box or a crash deep inside.
import { strict as assert } from 'node:assert';
import { compareRun, compareSample } from '../../../../src/core/compare/compare';
import { parseInputsText } from '../../../../src/core/sampler/inputs';
import { decodeRunResult, encodeRunResult } from '../../../../src/core/run/runCodec';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { formatFloat32Shortest, formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import type { IndexedValue, MatrixF32, RunResult } from '../../../../src/core/types';
import { seedInputsText } from '../../helpers/seedExample';

/** The bundled example (made by PyTorch, scripts/fixtures/sampler.py) run with every step recorded. */
function exampleRun(): RunResult {
  const { inputs, warnings } = parseInputsText(seedInputsText, 'seed.inputs.json');
  return runSampler(inputs, { record: { kind: 'all' }, inputWarnings: warnings });
}

/** Through the real channel: encode, JSON text, parse, decode. */
function roundTrip(run: RunResult): RunResult {
  return decodeRunResult(JSON.parse(JSON.stringify(encodeRunResult(run))));
}

/** Our sample as a nested list of shortest decimals, with element k replaced by `replacement`. */
function listWith(m: MatrixF32, k: number, replacement: string): string {
  const rows: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < m.cols; j++)
      cells.push(i * m.cols + j === k ? replacement : formatFloat32Shortest(m.data[i * m.cols + j]));
    rows.push(`[${cells.join(', ')}]`);
  }
  return `[${rows.join(', ')}]`;
}

function sameIndexed(a: IndexedValue | null, b: IndexedValue | null, what: string): void {
  assert.ok(a && b, `${what}: missing`);
  assert.ok(Object.is(a.value, b.value), `${what}: ${b.value} came back as ${a.value}`);
  assert.deepEqual(a.index, b.index);
}

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength)));
}

describe('runCodec: round trip', () => {
  it('keeps the sample, the trajectory and the schedule bit for bit', () => {
    const run = exampleRun();
    const back = roundTrip(run);
    assert.deepEqual(bits(back.sample.data), bits(run.sample.data));
    assert.equal(back.trajectory.steps.length, run.trajectory.steps.length);
    run.trajectory.steps.forEach((s, i) => {
      assert.equal(back.trajectory.steps[i].t, s.t);
      assert.deepEqual(bits(back.trajectory.steps[i].xPrev.data), bits(s.xPrev.data));
    });
    assert.deepEqual(bits(back.schedule.alphaBar), bits(run.schedule.alphaBar));
    assert.deepEqual(back.inputs, run.inputs);
  });

  it('keeps the matmul profile, and reads runs saved without one (made before matmul profiles) as they were', () => {
    const { inputs } = parseInputsText(seedInputsText, 'seed.inputs.json');
    const run = runSampler(inputs, { matmul: 'openblas-haswell', record: { kind: 'none' } });
    assert.equal(roundTrip(run).inputs.matmul, 'openblas-haswell');
    const old = JSON.parse(JSON.stringify(encodeRunResult(exampleRun())));
    delete old.inputs.matmul;
    const back = decodeRunResult(old);
    assert.equal(back.inputs.matmul, undefined);
    assert.deepEqual(bits(back.sample.data), bits(exampleRun().sample.data));
  });

  it("keeps a comparison's non-finite greatest differences (nan, inf) instead of turning them into null", () => {
    const run = exampleRun();
    const cases: [string, string][] = [
      ['nan pasted', listWith(run.sample, 3, 'nan')], // |ours - nan| = nan
      ['zero pasted', listWith(run.sample, 5, '0.0')], // |ours - 0| / |0| = inf
      ['-inf pasted', listWith(run.sample, 1, '-inf')] // |ours - -inf| = inf
    ];
    let sawNaN = false;
    let sawInf = false;
    for (const [what, text] of cases) {
      const comparison = compareSample(run.sample, text);
      const values = [comparison.greatestAbs?.value, comparison.greatestRel?.value];
      sawNaN ||= values.some((v) => v !== undefined && Number.isNaN(v));
      sawInf ||= values.some((v) => v === Infinity);
      const back = roundTrip({ ...run, comparison });
      assert.ok(back.comparison, what);
      sameIndexed(back.comparison.greatestAbs, comparison.greatestAbs, `${what}: greatestAbs`);
      sameIndexed(back.comparison.greatestRel, comparison.greatestRel, `${what}: greatestRel`);
      assert.ok(Object.is(back.comparison.maxUlps, comparison.maxUlps), `${what}: maxUlps`);
      assert.equal(back.comparison.summary, comparison.summary);
      assert.deepEqual(Array.from(back.comparison.mismatchMask), Array.from(comparison.mismatchMask));
    }
    assert.ok(sawNaN && sawInf, 'the cases must exercise both nan and inf greatest differences');
  });

  it('travels as JSON that names non-finite numbers "nan", "inf", "-inf" (never null)', () => {
    const run = exampleRun();
    const comparison = compareSample(run.sample, listWith(run.sample, 0, 'nan'));
    const json = JSON.parse(JSON.stringify(encodeRunResult({ ...run, comparison }))) as {
      comparison: { greatestAbs: { value: unknown } };
    };
    assert.equal(json.comparison.greatestAbs.value, 'nan');
  });

  it('keeps a step-by-step comparison (firstDivergence, steps with nan, diagnosis), and reads payloads written before them', () => {
    const run = exampleRun();
    const { inputs } = parseInputsText(seedInputsText, 'seed.inputs.json');
    // the last print has a nan where ours is finite: it diverges after step 0, its greatest difference is nan
    const steps = run.trajectory.steps.map((s) => s.xPrev);
    const text = steps.map((m, i) => (i === steps.length - 1 ? listWith(m, 1, 'nan') : listWith(m, -1, ''))).join('\n');
    const comparison = compareRun(inputs, run, text);
    assert.deepEqual(comparison.firstDivergence, { step: 0, index: [0, 1] });
    assert.ok(comparison.steps && comparison.diagnosis);
    const back = roundTrip({ ...run, comparison });
    assert.deepEqual(back.comparison?.firstDivergence, comparison.firstDivergence);
    assert.deepEqual(back.comparison?.steps, comparison.steps);
    assert.deepEqual(back.comparison?.diagnosis, comparison.diagnosis);
    const json = JSON.parse(JSON.stringify(encodeRunResult({ ...run, comparison })));
    for (const key of ['firstDivergence', 'steps', 'diagnosis', 'diagnosisNote']) delete json.comparison[key];
    const old = decodeRunResult(json);
    assert.ok(
      old.comparison &&
        !('firstDivergence' in old.comparison) &&
        !('steps' in old.comparison) &&
        !('diagnosis' in old.comparison)
    );
    json.comparison.firstDivergence = { step: 0, index: [9, 0] };
    assert.throws(
      () => decodeRunResult(json),
      /^Error: comparison\.firstDivergence\.index: \[9, 0\] is outside the sample's shape \(4, 2\)$/
    );
  });

  it('reads a comparison written before non-finite values were tagged (null) as nan', () => {
    const run = exampleRun();
    const comparison = compareSample(run.sample, listWith(run.sample, 0, 'nan'));
    const json = JSON.parse(JSON.stringify(encodeRunResult({ ...run, comparison })));
    json.comparison.greatestAbs.value = null;
    const back = decodeRunResult(json);
    assert.ok(Number.isNaN(back.comparison?.greatestAbs?.value));
  });

  it('prints the same text before and after the trip (what the renderer shows)', () => {
    const run = exampleRun();
    const back = roundTrip(run);
    assert.equal(
      formatTensorF32(back.sample.data, [back.sample.rows, back.sample.cols]),
      formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols])
    );
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests below break the JSON on purpose, field by field
type LooseJson = Record<string, any>;

describe('runCodec: malformed data fails in one line naming the field', () => {
  const good = (): LooseJson => {
    const run = exampleRun();
    const comparison = compareSample(run.sample, formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]));
    return JSON.parse(JSON.stringify(encodeRunResult({ ...run, comparison })));
  };
  const cases: [string, (j: LooseJson) => void, RegExp][] = [
    ['warnings missing', (j) => delete j.warnings, /^warnings: /],
    ['a warning that is not text', (j) => (j.warnings = [1]), /^warnings\[0\]: /],
    ['N not a number', (j) => (j.inputs.n = 'four'), /^inputs\.n: /],
    ['an unknown profile', (j) => (j.inputs.profile = 'gpu'), /^inputs\.profile: /],
    [
      'an unknown matmul profile',
      (j) => (j.inputs.matmul = 'mkl'),
      /^inputs\.matmul: expected one of reference, openblas-haswell, got "mkl"$/
    ],
    ['sample data not base64 text', (j) => (j.sample.data = 5), /^sample\.data: /],
    [
      'sample shape unlike (N, d)',
      (j) => {
        j.sample.rows = j.inputs.d;
        j.sample.cols = j.inputs.n;
      },
      /^sample: expected shape/
    ],
    ['a step t that is not a step', (j) => (j.trajectory.steps[0].t = 'last'), /^trajectory\.steps\[0\]\.t: /],
    ['a step t beyond T', (j) => (j.trajectory.steps[0].t = j.inputs.T), /^trajectory\.steps\[0\]\.t: /],
    [
      'a step matrix of another shape',
      (j) => (j.trajectory.steps[1].eps = { rows: 1, cols: j.inputs.T, data: j.schedule.betas }),
      /^trajectory\.steps\[1\]\.eps: /
    ],
    ['timing missing', (j) => delete j.timing, /^timing: /],
    ['policy missing', (j) => delete j.trajectory.policy, /^trajectory\.policy: /],
    ['betas of another length', (j) => (j.schedule.betas = j.sample.data), /^schedule\.betas: /],
    ['comparison rule unknown', (j) => (j.comparison.rule = 'close enough'), /^comparison\.rule: /],
    ['comparison mask of another length', (j) => (j.comparison.mismatchMask = ''), /^comparison\.mismatchMask: /],
    [
      'comparison greatest difference not a number',
      (j) => (j.comparison.greatestAbs.value = 'big'),
      /^comparison\.greatestAbs\.value: /
    ],
    [
      'comparison index outside the sample',
      (j) => (j.comparison.greatestRel.index = [99, 0]),
      /^comparison\.greatestRel\.index: /
    ],
    ['comparison summary missing', (j) => delete j.comparison.summary, /^comparison\.summary: /]
  ];
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const j = good();
      assert.doesNotThrow(() => decodeRunResult(j));
      mutate(j);
      assert.throws(
        () => decodeRunResult(j),
        (e: Error) => {
          assert.match(e.message, message);
          assert.ok(!e.message.includes('\n'), 'one line');
          return true;
        }
      );
    });
  }
});
