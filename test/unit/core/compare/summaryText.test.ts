// The summary text of a comparison (src/core/compare/summaryText.ts): Python's number formatting and
// torch.testing.assert_close's message, character for character, from real PyTorch via scripts/fixtures/compare.py
// (test/fixtures/compare/assert_close.json).
import { strict as assert } from 'node:assert';
import { compareRun, compareSample } from '../../../../src/core/compare/compare';
import { formatPythonFloat, formatPythonPercent } from '../../../../src/core/compare/summaryText';
import { fromBits } from '../../helpers/bits';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import { assertClose, assertCloseBlock, matrix, verdictRun, verdicts } from '../../helpers/compareFixtures';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';

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
      r.expected.data.forEach((v, k) =>
        assert.ok(Object.is(v, expected[k]) || (Number.isNaN(v) && Number.isNaN(expected[k])), `expected[${k}]`)
      );
    });
    if (!c.equalitySkipped) {
      it(`${c.name}: a full-precision paste is judged bitwise, in assert_close's rtol=0, atol=0 form`, () => {
        const r = compareSample(matrix(c.shape, c.actual), c.expectedText);
        if (fromBits(c.expected).some((v) => v === 0) && !/e[-+]/.test(c.expectedText)) {
          // a zero in fixed notation does not pin the value down (with sci_mode=False any |v| < 5e-13 prints so):
          // the paste is judged at its printed precision
          assert.equal(r.rule, 'printed-precision', r.ruleExplanation);
          assert.equal(r.matches, c.equalityMessage === null, r.summary);
          return;
        }
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

  it('a greatest ulp distance between values of opposite signs says so (the float32 values near zero counted)', () => {
    const { inputsText, pastes } = verdicts.listPastes;
    const { inputs } = readInputs(JSON.parse(inputsText));
    const run = runSampler(inputs, { record: { kind: 'none' } });
    const across =
      /\nGreatest distance in float32 ulps[^\n]*: \d+ at index \(\d+, \d+\) \(the two values have opposite signs: the float32 values between them near zero are counted too\)\n/;
    // print(list(x)) of the next seed's sample: its greatest ulp distance, at (2, 0), is across zero
    const other = compareRun(inputs, run, pastes.find((p) => p.kind === 'list(x) of the next seed')!.text);
    assert.match(other.summary, across);
    // a value changed by 1e-2 keeps its sign
    const c = verdicts.cases[1];
    const altered = compareSample(
      verdictRun(1).run.sample,
      c.pastes.find((p) => p.kind === 'altered by 1e-2, default print')!.text
    );
    assert.equal(altered.matches, false);
    assert.doesNotMatch(altered.summary, /opposite signs/);
  });

  it('under the printed-precision rule, says the ulps are measured to the rounded pasted decimals', () => {
    const c = assertClose.cases.find((x) => x.message !== null && x.shape[0] * x.shape[1] > 1)!;
    const ours = matrix(c.shape, c.actual);
    const r = compareSample(ours, formatTensorF32(ours.data, c.shape));
    assert.equal(r.rule, 'printed-precision');
    assert.equal(r.matches, true, r.summary);
    assert.match(
      r.summary,
      /\nGreatest distance in float32 ulps \(to the pasted decimals, which are rounded\): \d+ at/
    );
  });
});
