// The per-element statistics of a comparison (src/core/compare/statistics.ts): a change shows at its index.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compareRecording, compareRun, compareSample } from '../../../../src/core/compare/compare';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertClose, matrix, mismatchIndices, sampleArbitrary } from '../../helpers/compareFixtures';
import { FIXTURES } from '../../helpers/paths';
import { toInputs, type FixtureInputs } from '../../helpers/samplerFixture';

describe('compare: statistics', () => {
  const sampleArb = sampleArbitrary();

  it('a change that shows in the print is reported at its index, and nowhere else', () => {
    fc.assert(
      fc.property(sampleArb, fc.nat(), (m, pick) => {
        const k = pick % m.data.length;
        const altered = Float32Array.from(m.data);
        altered[k] = Math.fround(m.data[k] + Math.max(Math.abs(m.data[k]) * 0.01, 0.01));
        const text = formatTensorF32(altered, [m.rows, m.cols]);
        const r = compareSample(m, text);
        assert.equal(r.matches, false, r.summary);
        assert.deepEqual(mismatchIndices(r), [[Math.floor(k / m.cols), k % m.cols]]);
        assert.deepEqual(r.greatestAbs?.index, [Math.floor(k / m.cols), k % m.cols]);
      }),
      { numRuns: 150 }
    );
  });

  // a recording has a nan's bits, but they are not compared (engines store a nan differently): said without a print
  it("a recording's nan elements are named as a recording's, not a print's (PyTorch's overflowed sample)", () => {
    const sampler = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'sampler.json'), 'utf8')) as {
      cases: { name: string; inputs: FixtureInputs; results: Record<string, { sample: number[] }> }[];
    };
    const overflow = sampler.cases.find((c) => c.name === 'overflow to inf and nan');
    assert.ok(overflow, 'sampler.json: no case "overflow to inf and nan"');
    const inputs = toInputs(overflow.inputs);
    const run = runSampler(inputs, { record: { kind: 'none' } });
    const x = matrix([inputs.n, inputs.d], overflow.results['avx2-fma'].sample);
    const r = compareRecording(inputs, run, { init: null, steps: [{ t: 0, x }] }, 'a recording of the sample');
    assert.equal(r.bitwiseEqual, true, r.summary);
    assert.match(
      r.summary,
      /\nBitwise equal: yes \(every value is nan on both sides; a nan's sign and payload bits are not compared, as engines may store a nan differently\)\n/
    );
  });

  // a printed nan is any nan: its sign and payload are not in the print, so "Bitwise equal" says so for those elements
  it('says that nan elements are equal as nan only, as far as a print shows (PyTorch prints, precision 12 and default)', () => {
    const both = assertClose.cases.find((c) => c.name === 'nan in both (equal_nan=False)');
    assert.ok(both, 'assert_close.json: no case "nan in both (equal_nan=False)"');
    const r = compareSample(matrix(both.shape, both.actual), both.expectedText);
    assert.equal(r.rule, 'bitwise', r.ruleExplanation);
    assert.equal(r.bitwiseEqual, true);
    assert.match(
      r.summary,
      /\nBitwise equal: yes \(the 1 nan element is nan on both sides; a print does not show a nan's bits\)\n/
    );
    // nothing mismatches: the greatest differences are the other elements' (0 here), not the nan element's nan
    assert.deepEqual([r.greatestAbs?.value, r.greatestRel?.value], [0, 0], r.summary);
    assert.doesNotMatch(r.summary, /difference: nan/);
    // PyTorch's print of a sample that overflowed to nan everywhere (scripts/fixtures/sampler.py)
    const sampler = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'sampler.json'), 'utf8')) as {
      cases: {
        name: string;
        inputs: { shape: [number, number] };
        results: Record<string, { sample: number[]; printed: string }>;
      }[];
    };
    const overflow = sampler.cases.find((c) => c.name === 'overflow to inf and nan');
    assert.ok(overflow, 'sampler.json: no case "overflow to inf and nan"');
    const { sample, printed } = overflow.results['avx2-fma'];
    const all = compareSample(matrix(overflow.inputs.shape, sample), printed);
    assert.ok(
      sample.every((b) => b === 0xffc00000),
      'PyTorch’s sample is all nan (the default x86 nan)'
    );
    assert.equal(all.bitwiseEqual, true);
    assert.match(
      all.summary,
      /\nBitwise equal: yes, as far as a print shows \(every value is nan on both sides; a print does not show a nan's bits\)\n/
    );
    // every element is nan on both sides: no greatest difference to name
    assert.deepEqual([all.greatestAbs, all.greatestRel], [null, null], all.summary);
    assert.doesNotMatch(all.summary, /Greatest (absolute|relative)/);
    // the tolerance rule (rtol = atol = 0) never counts nan equal: every element mismatches, and that is all it is, so
    // no profile and no mistake in the loop is looked for, nor said to be missing
    const inputs = toInputs(overflow.inputs as unknown as FixtureInputs);
    const tol = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), printed, { rtol: 0, atol: 0 });
    assert.equal(tol.matches, false, tol.summary);
    assert.equal(tol.mismatched, sample.length);
    assert.equal(tol.profileSearch, undefined);
    assert.deepEqual(tol.diagnosis, []);
    assert.match(
      tol.summary,
      /\nEvery mismatched element is nan on both sides, which the tolerance rule never counts equal/
    );
    assert.doesNotMatch(tol.summary, /RNG profile|Diagnosis/);
    // no nan: the plain answer
    const plain = assertClose.cases.find((c) => c.name === 'identical');
    assert.ok(plain, 'assert_close.json: no case "identical"');
    assert.match(
      compareSample(matrix(plain.shape, plain.actual), plain.expectedText).summary,
      /\nBitwise equal: yes\n/
    );
  });
});
