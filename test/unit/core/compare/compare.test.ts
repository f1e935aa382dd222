// The diff against pasted PyTorch output (src/core/compare.ts). Every expected text, value and verdict
// comes from real PyTorch via scripts/fixtures/compare.py (test/fixtures/compare/*.json): the summary
// must be torch.testing.assert_close's message character for character, real sampler outputs printed
// by PyTorch must match, altered prints must mismatch exactly where they were altered, and a paste made
// with PyTorch's portable kernel (ATEN_CPU_CAPABILITY=default) must be traced to the 'scalar' profile.
import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { compareRun, compareSample, formatPythonFloat, formatPythonPercent } from '../../../../src/core/compare/compare';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import type { Comparison, MatrixF32, RngProfile } from '../../../../src/core/types';

const COMPARE_FIXTURES = path.join(FIXTURES, 'compare');

interface AssertCloseCase {
  name: string;
  shape: [number, number];
  actual: number[];
  expected: number[];
  expectedText: string;
  rtol: number;
  atol: number;
  message: string | null;
  equalityMessage: string | null;
  equalitySkipped: boolean;
}
interface Paste {
  kind: string;
  text: string;
  matches: boolean;
  mismatchIndices: [number, number][];
  toleranceMessage: string | null;
  note: 'overlap' | 'reshaped' | 'scalar' | null;
}
interface VerdictCase {
  name: string;
  inputs: unknown;
  shape: [number, number];
  avx2fma: number[];
  scalar: number[];
  pastes: Paste[];
}

const assertClose = JSON.parse(readFileSync(path.join(COMPARE_FIXTURES, 'assert_close.json'), 'utf8')) as {
  cases: AssertCloseCase[];
  python: { reprs: { hex: string; repr: string }[]; percents: { count: number; total: number; text: string }[] };
};
const verdicts = JSON.parse(readFileSync(path.join(COMPARE_FIXTURES, 'verdicts.json'), 'utf8')) as { cases: VerdictCase[] };

const fromBits = (bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);
const matrix = (shape: [number, number], bits: number[]): MatrixF32 => ({ rows: shape[0], cols: shape[1], data: fromBits(bits) });

function mismatchIndices(c: Comparison): [number, number][] {
  const out: [number, number][] = [];
  c.mismatchMask.forEach((m, k) => { if (m) out.push([Math.floor(k / c.expected.cols), k % c.expected.cols]); });
  return out;
}

/** The assert_close block of our summary: everything before our own lines. */
function assertCloseBlock(summary: string): string {
  return summary.split('\nGreatest distance in float32 ulps')[0];
}

describe('compare: Python number formatting (from the oracle)', () => {
  it('formats floats like repr(float)', () => {
    for (const { hex, repr } of assertClose.python.reprs) {
      const x = new DataView(Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))).buffer).getFloat64(0);
      assert.equal(formatPythonFloat(x), repr, `repr of 0x${hex}`);
    }
  });
  it('formats the mismatch percentage like f"{a / b:.1%}"', () => {
    for (const { count, total, text } of assertClose.python.percents) {
      assert.equal(formatPythonPercent(count, total), text, `${count} / ${total}`);
    }
  });
});

describe('compare: torch.testing.assert_close messages, character for character', () => {
  for (const c of assertClose.cases) {
    it(`${c.name} (rtol=${c.rtol}, atol=${c.atol})`, () => {
      const r = compareSample(matrix(c.shape, c.actual), c.expectedText, { rtol: c.rtol, atol: c.atol });
      assert.equal(r.rule, 'tolerance');
      assert.equal(r.compared, c.shape[0] * c.shape[1]);
      if (c.message === null) {
        assert.equal(r.matches, true, r.summary);
        assert.equal(r.mismatched, 0);
      } else {
        assert.equal(r.matches, false);
        assert.equal(assertCloseBlock(r.summary), c.message);
      }
      // the expected values read from the print are PyTorch's float32 values exactly
      const expected = fromBits(c.expected);
      r.expected.data.forEach((v, k) => assert.ok(Object.is(v, expected[k]) || (Number.isNaN(v) && Number.isNaN(expected[k])), `expected[${k}]`));
    });
    if (!c.equalitySkipped) {
      it(`${c.name}: a full-precision paste is judged bitwise, in assert_close's rtol=0, atol=0 form`, () => {
        const r = compareSample(matrix(c.shape, c.actual), c.expectedText);
        assert.equal(r.rule, 'bitwise', r.ruleExplanation);
        if (c.equalityMessage === null) {
          assert.equal(r.matches, true, r.summary);
          assert.equal(r.bitwiseEqual, true);
          assert.match(r.summary, /^Tensor-likes are equal!/);
        } else {
          assert.equal(r.matches, false);
          assert.equal(r.bitwiseEqual, false);
          assert.equal(assertCloseBlock(r.summary), c.equalityMessage);
        }
      });
    }
  }

  it('explains the rule in one sentence, and lists ulps and bitwise equality after the assert_close block', () => {
    const c = assertClose.cases.find((x) => x.message !== null && x.shape[0] * x.shape[1] > 1)!;
    const r = compareSample(matrix(c.shape, c.actual), c.expectedText, { rtol: c.rtol, atol: c.atol });
    const lines = r.summary.split('\n');
    const tail = lines.slice(c.message!.split('\n').length);
    assert.match(tail[0], /^Greatest distance in float32 ulps: \d+ at index \(\d+, \d+\)/);
    assert.equal(tail[1], 'Bitwise equal: no');
    assert.equal(tail[2], `Rule: ${r.ruleExplanation}`);
    assert.ok(!r.ruleExplanation.includes('\n') && r.ruleExplanation.startsWith('tolerance'));
  });
});

describe('compare: real sampler outputs against PyTorch prints', () => {
  for (const c of verdicts.cases) {
    describe(c.name, () => {
      const { inputs } = readInputs(c.inputs);
      const run = runSampler(inputs, { record: { kind: 'none' } });

      it('our sample is PyTorch\'s (the premise of every verdict below)', () => {
        const theirs = fromBits(c.avx2fma);
        run.sample.data.forEach((v, k) => assert.ok(Object.is(v, theirs[k]), `element ${k}: ours ${v}, PyTorch ${theirs[k]}`));
      });

      for (const p of c.pastes) {
        it(`${p.kind}: ${p.matches ? 'matches' : 'does not match'}`, () => {
          const r = compareRun(inputs, run, p.text);
          assert.equal(r.matches, p.matches, r.summary);
          if (p.mismatchIndices.length > 0) assert.deepEqual(mismatchIndices(r), p.mismatchIndices);
          if (p.note === 'scalar') {
            // made by PyTorch's portable kernel: our default profile does not match, the scalar one does
            assert.ok(r.profileSearch, 'profile search ran');
            assert.ok(r.profileSearch.matching.includes('scalar'), r.summary);
            assert.ok(!r.profileSearch.matching.includes('avx2-fma'));
            assert.match(r.summary, /RNG profile: avx2-fma does not reproduce the paste; .*scalar/);
            const scalarRun = runSampler(inputs, { profile: 'scalar' as RngProfile, record: { kind: 'none' } });
            assert.equal(compareRun(inputs, scalarRun, p.text).matches, true);
          }
          if (p.kind === 'default print' || p.kind === 'sci_mode=True') {
            assert.equal(r.rule, 'printed-precision', r.ruleExplanation);
            assert.equal(r.bitwiseEqual, false);
            assert.match(r.summary, /Bitwise equal: cannot tell/);
          }
          if (p.kind === 'precision 12' || p.kind === 'tolist' || p.kind === 'sci_mode=True precision 10') {
            assert.equal(r.rule, 'bitwise', r.ruleExplanation);
            assert.equal(r.bitwiseEqual, true);
            assert.equal(r.maxUlps, 0);
            assert.match(r.summary, /Bitwise equal: yes/);
          }
          if (p.matches) assert.equal(r.mismatched, 0);
          else if (p.note !== 'overlap') assert.ok(r.mismatched > 0);
          if (p.note === 'overlap') {
            // a cut paste: compared where it overlaps, never a match; assert_close's shape message first
            assert.ok(r.shapeNote && r.compared > 0 && r.compared < run.sample.data.length, r.shapeNote);
            assert.equal(r.summary.split('\n')[0], p.toleranceMessage);
          } else if (p.toleranceMessage !== null) {
            const t = compareSample(run.sample, p.text, { rtol: 1.3e-6, atol: 1e-5 });
            assert.equal(t.rule, 'tolerance');
            assert.equal(assertCloseBlock(t.summary), p.toleranceMessage);
          }
          if (p.note === 'reshaped') assert.match(r.shapeNote ?? '', /both hold \d+ values/);
          if (r.known && p.note !== 'overlap') {
            // a summarised print: only the printed rows/columns are compared, and they are laid where they belong
            assert.match(r.shapeNote ?? '', /summarised/);
            assert.ok(r.compared < run.sample.data.length);
            const total = run.sample.data.length;
            assert.equal(r.known[0], 1);
            assert.equal(r.known[total - 1], 1);
            r.known.forEach((k, i) => {
              if (k) assert.equal(Math.fround(r.expected.data[i]), r.expected.data[i]);
              else assert.ok(Number.isNaN(r.expected.data[i]) && !r.mismatchMask[i]);
            });
          }
        });
      }
    });
  }
});

describe('compare: properties', () => {
  const finiteF32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
  const sampleArb = fc.record({ rows: fc.integer({ min: 1, max: 6 }), cols: fc.integer({ min: 1, max: 5 }) }).chain(({ rows, cols }) =>
    fc.array(finiteF32, { minLength: rows * cols, maxLength: rows * cols }).map((vals) => ({ rows, cols, data: Float32Array.from(vals) })));

  it('a PyTorch-style print of our own values always matches, and a full-precision one bit for bit', () => {
    fc.assert(fc.property(sampleArb, (m) => {
      const r = compareSample(m, formatTensorF32(m.data, [m.rows, m.cols]));
      assert.equal(r.matches, true, r.summary);
      const full = compareSample(m, formatTensorF32(m.data, [m.rows, m.cols], { precision: 12, sciMode: true }));
      assert.equal(full.rule, 'bitwise');
      assert.equal(full.matches, true, full.summary);
      assert.equal(full.bitwiseEqual, true);
    }), { numRuns: 150 });
  });

  it('a change that shows in the print is reported at its index, and nowhere else', () => {
    fc.assert(fc.property(sampleArb, fc.nat(), (m, pick) => {
      const k = pick % m.data.length;
      const altered = Float32Array.from(m.data);
      altered[k] = Math.fround(m.data[k] + Math.max(Math.abs(m.data[k]) * 0.01, 0.01));
      const text = formatTensorF32(altered, [m.rows, m.cols]);
      const r = compareSample(m, text);
      assert.equal(r.matches, false, r.summary);
      assert.deepEqual(mismatchIndices(r), [[Math.floor(k / m.cols), k % m.cols]]);
      assert.deepEqual(r.greatestAbs?.index, [Math.floor(k / m.cols), k % m.cols]);
    }), { numRuns: 150 });
  });

  it('garbage never crashes it: a one-line Error naming the field, or a comparison', () => {
    const m: MatrixF32 = { rows: 2, cols: 2, data: Float32Array.from([0.5, -1.25, 3, 0]) };
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (text) => {
      try {
        const r = compareSample(m, text, { field: 'pasted' });
        assert.equal(typeof r.summary, 'string');
      } catch (e) {
        assert.ok(e instanceof Error && e.constructor === Error, `not a plain Error: ${String(e)}`);
        assert.ok(!e.message.includes('\n') && e.message.length > 0, e.message);
        assert.ok(/^(pasted|rtol|atol)\b/.test(e.message), e.message);
      }
    }), { numRuns: 300 });
  });
});

describe('compare: what PyTorch prints and our CLI writes', () => {
  const { inputs } = readInputs(verdicts.cases[1].inputs);
  const run = runSampler(inputs, { record: { kind: 'none' } });
  const theirs = fromBits(verdicts.cases[1].avx2fma);
  const jsonOf = (values: Float32Array, cols: number, fmt: (v: number) => string): string => {
    const rows: string[] = [];
    for (let i = 0; i < values.length / cols; i++) rows.push(`[${Array.from(values.subarray(i * cols, (i + 1) * cols), fmt).join(',')}]`);
    return `[${rows.join(',')}]`;
  };

  it('reads {"sample": [[...]]} (sample --json) as a bitwise paste', () => {
    const text = `{"sample":${jsonOf(theirs, run.sample.cols, (v) => String(v))},"warnings":[]}`;
    const r = compareRun(inputs, run, text);
    assert.equal(r.rule, 'bitwise');
    assert.equal(r.matches, true, r.summary);
    assert.equal(r.bitwiseEqual, true);
  });

  it('treats nan printed by PyTorch as equal to our nan under the print rules, never under the tolerance rule (equal_nan=False)', () => {
    const m: MatrixF32 = { rows: 1, cols: 3, data: Float32Array.from([NaN, theirs[0], theirs[1]]) };
    const text = formatTensorF32(m.data, [1, 3]);
    assert.equal(compareSample(m, text).matches, true);
    const t = compareSample(m, text, { rtol: 1.3e-6, atol: 1e-5 });
    assert.equal(t.matches, false);
    assert.deepEqual(mismatchIndices(t)[0], [0, 0]);
  });

  it('explicit tolerances select the tolerance rule even for a default print', () => {
    const text = verdicts.cases[1].pastes.find((p) => p.kind === 'default print')!.text;
    const r = compareSample(run.sample, text, { atol: 1e-4 });
    assert.equal(r.rule, 'tolerance');
    assert.equal(r.atol, 1e-4);
    assert.equal(r.rtol, 1.3e-6);
    assert.equal(r.matches, true, r.summary);
  });

  it('names the field in a one-line error for unreadable pastes', () => {
    assert.throws(() => compareSample(run.sample, 'tensor([[0.1, 0.2], [0.3]])', { field: 'pasted.txt' }), /^Error: pasted\.txt: /);
    assert.throws(() => compareSample(run.sample, '{"nope": 1}', { field: 'pasted.txt' }), /pasted\.txt: a JSON object must hold/);
    assert.throws(() => compareSample(run.sample, 'tensor([1.0])', { rtol: -1 }), /^Error: rtol: /);
  });

  it('says where broken JSON is (line and column), in one line', () => {
    const text = `{\n  "sample": ${jsonOf(theirs, run.sample.cols, (v) => String(v))},\n  "warnings": [x]\n}`;
    const at = text.indexOf('[x]') + 1;
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    assert.throws(() => compareSample(run.sample, text, { field: 'pasted.txt' }), (e: Error) => {
      assert.equal(e.message, `pasted.txt: not valid JSON: line ${line}, column ${column}: unexpected 'x'`);
      return true;
    });
  });

  it('reads a paste that starts with a byte order mark (a file saved on Windows) like one without', () => {
    const text = verdicts.cases[1].pastes.find((p) => p.kind === 'default print')!.text;
    const plain = compareRun(inputs, run, text);
    const bom = compareRun(inputs, run, '\uFEFF' + text);
    assert.equal(bom.matches, plain.matches);
    assert.equal(bom.summary, plain.summary);
    assert.deepEqual(Array.from(bom.expected.data), Array.from(plain.expected.data));
  });
});
