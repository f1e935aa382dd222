// `cli compare` on NumPy prints of real sampler results (scripts/fixtures/numpy_pastes.py ->
// test/fixtures/compare/numpy_pastes.json, from real PyTorch and NumPy): every paste gets exactly its verdict (exit 0
// for NumPy's repr/str of the right values in the right shape, 1 for an altered or reshaped one), judged by NumPy's
// printing rule, and a reshaped paste says that its values agree.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers/paths';
import { runCliInMemory } from '../helpers/cliInMemory';
import { numpyTokensPinFloat32 } from '../../../src/core/tensors/numpyPrint';

interface Paste {
  name: string;
  text: string;
  printKind: 'numpy-repr' | 'numpy-str' | 'numpy-list';
  dtype: 'float32' | 'float64';
  printedShape: number[];
  verdict: 'match' | 'mismatch';
  reason: null | 'shape' | 'values';
  mismatchIndices: [number, number][];
  /** a float32 print: whether each of its numbers names one float32 value under the options in force (NumPy); null for float64 */
  identifiesFloat32: boolean | null;
  /** the np.set_printoptions arguments in force (empty: NumPy's defaults) */
  options: { precision?: number; floatmode?: string };
}
interface Case {
  name: string;
  inputs: unknown;
  shape: [number, number];
  pastes: Paste[];
  /** print(a) and repr(a) under np.set_printoptions(formatter={'float_kind': f}), f '{:.6e}' or '{:.4f}', and altered */
  formatterPastes: { name: string; text: string; verdict: 'match' | 'mismatch'; mismatchIndices: [number, number][] }[];
  /** np.array2string(a, separator=', ') in floatmode 'fixed': every number as wide, only the left padding a print's */
  equalWidthPastes: {
    name: string;
    text: string;
    verdict: 'match' | 'mismatch';
    mismatchIndices: [number, number][];
  }[];
  /** x.tolist() written as a float32 array(...), as is and with one element one float32 ulp up */
  writtenPastes: { name: string; text: string; verdict: 'match' | 'mismatch'; mismatchIndices: [number, number][] }[];
}

const cases = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'compare', 'numpy_pastes.json'), 'utf8')) as { cases: Case[] }
).cases;

/** `compare in.json pasted.txt --json` on the case's inputs and a paste, in memory. */
const compareJson = (inputs: unknown, pasted: string) =>
  runCliInMemory(
    ['compare', 'in.json', 'pasted.txt', '--json'],
    { 'in.json': JSON.stringify(inputs), 'pasted.txt': pasted },
    { writable: false }
  );

const tuple = (s: number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

describe('cli compare: NumPy pastes (numpy_pastes.json)', function () {
  this.timeout(120000);
  for (const c of cases) {
    for (const p of c.pastes) {
      it(`${c.name}: ${p.name} exits ${p.verdict === 'match' ? 0 : 1}`, async () => {
        const r = await compareJson(c.inputs, p.text);
        assert.equal(r.err, '');
        const j = JSON.parse(r.out);
        assert.equal(r.code, p.verdict === 'match' ? 0 : 1, j.summary);
        assert.equal(j.matches, p.verdict === 'match');
        assert.equal(j.rule, 'printed-precision');
        assert.match(j.ruleExplanation, /NumPy's printing rule/);
        assert.match(
          j.ruleExplanation,
          p.printKind === 'numpy-repr'
            ? new RegExp(`NumPy's repr of a ${p.dtype} array`)
            : p.printKind === 'numpy-list'
              ? /NumPy's print of a float(32|64) array with commas, np\.array2string\(a, separator=', '\)/
              : /NumPy's str \(print\(a\)\) of a float(32|64) array/
        );
        if (p.reason === 'values') {
          assert.deepEqual(j.mismatches, p.mismatchIndices);
          assert.deepEqual(j.firstDivergence, { step: 0, index: p.mismatchIndices[0] });
        } else if (p.reason === 'shape') {
          assert.equal(j.mismatched, 0, j.summary);
          const summarised = p.text.includes('...');
          const pastedShape = !summarised
            ? tuple(p.printedShape)
            : p.printedShape.length === 1
              ? '(...,)'
              : `(${p.printedShape[0]}, ...)`;
          const values = summarised ? `the ${j.compared} values shown` : `the ${c.shape[0] * c.shape[1]} values`;
          assert.equal(
            j.shapeNote,
            `${values} agree in row-major order; the shapes differ: ${pastedShape} pasted vs ${tuple(c.shape)} ours.`
          );
          assert.deepEqual(j.diagnosis, []);
        } else {
          assert.equal(j.firstDivergence, null);
          assert.deepEqual(j.diagnosis, []);
        }
      });
    }
  }
});

/** The summary's "Bitwise equal:" answer: yes, no, or cannot. */
const bitwiseLine = (summary: string): string => /\nBitwise equal: (yes|no|cannot)\b/.exec(summary)?.[1] ?? 'none';

describe('cli compare: whether a NumPy print of float32 values tells bitwise equality (identifiesFloat32)', function () {
  this.timeout(120000);
  for (const c of cases) {
    // the prints of our values, and those with a value changed (a last digit, one ulp): a changed digit may still
    // read back as our float32 value, but no float32 prints as it, so it must not be called equal bit for bit
    const float32 = c.pastes.filter((p) => p.dtype === 'float32' && p.reason !== 'shape');
    it(`${c.name}: "yes" only where NumPy's digits name one float32 value each, and there when the print's digits are its precision`, async () => {
      assert.ok(float32.length >= 16);
      for (const p of float32) {
        const j = JSON.parse((await compareJson(c.inputs, p.text)).out);
        const said = bitwiseLine(j.summary);
        // never "yes" for digits that more than one float32 value prints as, or none
        if (!p.identifiesFloat32) assert.notEqual(said, 'yes', `${p.name}: ${j.summary}`);
        if (!p.identifiesFloat32 && p.verdict === 'match') assert.equal(said, 'cannot', `${p.name}: ${j.summary}`);
        // a repr (a str does not show the dtype, and a float64 print of these digits would not name float64 values)
        // with floatmode 'fixed' or 'maxprec_equal', or whose longest number shows `precision` digits after the
        // point: the precision is read from the paste, so the answer is NumPy's (under 'maxprec' a print of fewer
        // digits could have been made with any larger precision, and "cannot tell" is the safe answer)
        const precision = p.options.precision ?? 8;
        const longest = Math.max(...(p.text.match(/\d+\.(\d*)/g) ?? []).map((t) => t.length - t.indexOf('.') - 1));
        if (
          p.verdict === 'match' &&
          p.printKind === 'numpy-repr' &&
          p.identifiesFloat32 &&
          (p.options.floatmode !== undefined || longest === precision)
        )
          assert.equal(said, 'yes', `${p.name}: ${j.summary}`);
      }
    });
  }

  it('a fixed print with 12 and 17 digits after the point (np.set_printoptions(precision=17, floatmode="fixed")) says "yes"', async () => {
    const c = cases[0];
    for (const k of [12, 17]) {
      const p = c.pastes.find((q) => q.name === `repr(x.numpy()), floatmode='fixed', precision=${k}`)!;
      assert.equal(p.identifiesFloat32, true);
      const j = JSON.parse((await compareJson(c.inputs, p.text)).out);
      assert.equal(j.matches, true);
      assert.equal(bitwiseLine(j.summary), 'yes', j.summary);
      assert.equal(j.bitwiseEqual, true);
    }
  });
});

describe("cli compare: np.array2string(a, separator=', ') with every number as wide (floatmode='fixed')", function () {
  this.timeout(120000);
  for (const c of cases) {
    for (const p of c.equalWidthPastes) {
      it(`${c.name}: ${p.name} exits ${p.verdict === 'match' ? 0 : 1}, judged as a print (not as float64 decimals)`, async () => {
        const r = await compareJson(c.inputs, p.text);
        const j = JSON.parse(r.out);
        assert.equal(r.code, p.verdict === 'match' ? 0 : 1, j.summary);
        assert.deepEqual(j.mismatches, p.mismatchIndices);
        assert.doesNotMatch(j.ruleExplanation, /float64/);
      });
    }
  }
});

describe('numpyTokensPinFloat32: whether exactly one float32 value prints as a token (tokenPins, from NumPy)', () => {
  const pins = (
    JSON.parse(readFileSync(path.join(FIXTURES, 'compare', 'numpy_pastes.json'), 'utf8')) as {
      tokenPins: { token: string; floatmode: 'maxprec' | 'fixed'; precision: number; names: boolean }[];
    }
  ).tokenPins;
  it('agrees with NumPy on each token, including float64 digits no float32 prints (11.71605401)', () => {
    assert.ok(pins.some((p) => p.names) && pins.some((p) => !p.names));
    for (const p of pins)
      assert.equal(numpyTokensPinFloat32([p.token], p.floatmode, p.precision), p.names, JSON.stringify(p));
  });
});

describe('cli compare: x.tolist() written as a float32 array(...) (not a NumPy print: judged bit for bit)', function () {
  this.timeout(120000);
  for (const c of cases) {
    for (const p of c.writtenPastes) {
      it(`${c.name}: ${p.name} exits ${p.verdict === 'match' ? 0 : 1}`, async () => {
        const r = await compareJson(c.inputs, p.text);
        const j = JSON.parse(r.out);
        assert.equal(r.code, p.verdict === 'match' ? 0 : 1, j.summary);
        assert.deepEqual(j.mismatches, p.mismatchIndices);
        assert.equal(bitwiseLine(j.summary), p.verdict === 'match' ? 'yes' : 'no', j.summary);
      });
    }
  }

  it("the seed example: the rule says the numbers are read as the decimals they are (bitwise), not by NumPy's printing rule", async () => {
    for (const p of cases[0].writtenPastes) {
      const j = JSON.parse((await compareJson(cases[0].inputs, p.text)).out);
      assert.equal(j.rule, 'bitwise');
      assert.match(
        j.ruleExplanation,
        /written as NumPy's repr of a float32 array, but with more digits than NumPy prints/
      );
    }
  });
});

describe('cli compare: NumPy prints made with a formatter (a notation NumPy would not choose)', function () {
  this.timeout(120000);
  for (const c of cases) {
    for (const p of c.formatterPastes) {
      it(`${c.name}: ${p.name} exits ${p.verdict === 'match' ? 0 : 1}, its verdict and summary agreeing`, async () => {
        const r = await compareJson(c.inputs, p.text);
        const j = JSON.parse(r.out);
        assert.equal(r.code, p.verdict === 'match' ? 0 : 1, j.summary);
        assert.equal(j.matches, p.verdict === 'match');
        assert.deepEqual(j.mismatches, p.mismatchIndices);
        assert.equal(j.mismatched, p.mismatchIndices.length);
        // the summary's first line says what the verdict says
        assert.equal(j.summary.startsWith('Tensor-likes are equal'), p.verdict === 'match', j.summary);
      });
    }
  }

  it('the seed example: the rule names the formatter, not NumPy options the paste never set', async () => {
    const c = cases[0];
    const p = c.formatterPastes.find((f) => f.verdict === 'match')!;
    const r = await compareJson(c.inputs, p.text);
    const j = JSON.parse(r.out);
    assert.match(
      j.ruleExplanation,
      /scientific notation with 6 digits after the point, which NumPy's print options do not choose/
    );
    assert.doesNotMatch(j.ruleExplanation, /the default/);
  });

  it('a loop past 1e8 printed in fixed notation: the rule says why NumPy would not print so; the digits pin the values down only where float32 values lie more than a unit of the last digit apart', async () => {
    const diverging = cases.filter((k) => /past 1e8|dimension diverging/.test(k.name));
    assert.equal(diverging.length, 3);
    for (const c of diverging) {
      const p = c.formatterPastes.find((f) => f.name === "repr(x.numpy()), formatter '{:.4f}'")!;
      const r = await compareJson(c.inputs, p.text);
      const j = JSON.parse(r.out);
      assert.equal(j.matches, true, j.summary);
      assert.match(
        j.ruleExplanation,
        /a NumPy repr of a float32 array in fixed notation with 4 digits after the point, which NumPy's print options do not choose for these values \(NumPy prints values of 1e8 or more in scientific notation; a formatter/
      );
      assert.match(j.summary, /^Tensor-likes are equal at the printed precision!\n/);
      // every value of the first two is 1024 or more in size (float32 values there lie 2^-13 or more apart), and
      // 4 digits after the point name each exactly; the last holds values below 1, which 4 digits do not
      const small = c.name.includes('one dimension');
      assert.match(j.summary, small ? /\nBitwise equal: cannot tell/ : /\nBitwise equal: yes\b/, c.name);
      assert.equal(j.bitwiseEqual, small ? null : true, c.name);
    }
  });
});
