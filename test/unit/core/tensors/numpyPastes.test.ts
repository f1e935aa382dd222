// The NumPy pastes of real sampler results (test/fixtures/compare/numpy_pastes.json, made by
// scripts/fixtures/numpy_pastes.py) through the building blocks the comparison uses: the parser says which print
// each paste is and lists its tokens, judgeNumpyPaste reads dtype and precision from it and finds the elements
// that differ, and a paste in another shape is told apart by its shape alone.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../helpers/paths';
import { bitsToFloat32 } from '../../../../src/core/float32';
import {
  formatNumpyElements,
  judgeNumpyPaste,
  numpyShownIndices,
  type NumpyFloatDtype
} from '../../../../src/core/tensors/numpyPrint';
import { parseTensorText } from '../../../../src/core/tensors/parseTensor';

interface Paste {
  name: string;
  text: string;
  printKind: 'numpy-repr' | 'numpy-str' | 'numpy-list';
  dtype: NumpyFloatDtype;
  options: { precision?: number; suppress?: boolean; floatmode?: 'fixed' | 'maxprec_equal' };
  printedShape: number[];
  verdict: 'match' | 'mismatch';
  reason: null | 'shape' | 'values';
  valuesAgree: boolean;
  mismatchIndices: [number, number][];
}
interface Case {
  name: string;
  shape: [number, number];
  avx2fma: number[];
  pastes: Paste[];
}

const cases = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'compare', 'numpy_pastes.json'), 'utf8')) as { cases: Case[] }
).cases;

describe('NumPy pastes of sampler results (numpy_pastes.json)', () => {
  it('has fixtures of every kind', () => {
    const all = cases.flatMap((c) => c.pastes);
    assert.ok(all.length >= 100);
    for (const reason of [null, 'shape', 'values'])
      assert.ok(
        all.some((p) => p.reason === reason),
        String(reason)
      );
    assert.ok(all.some((p) => p.printKind === 'numpy-str' && p.dtype === 'float64'));
    assert.ok(all.some((p) => p.text.includes('...')) && all.some((p) => /\de[+-]\d/.test(p.text)));
  });

  for (const c of cases) {
    const ours = c.avx2fma.map((b) => bitsToFloat32(b));
    for (const p of c.pastes) {
      it(`${c.name}: ${p.name} is a ${p.verdict}${p.reason ? ` (${p.reason})` : ''}`, () => {
        const parsed = parseTensorText(p.text, 'pasted');
        assert.equal(parsed.kind, p.printKind);
        // str and array2string do not show the dtype
        const dtypeShown = p.printKind === 'numpy-repr';
        assert.equal(parsed.dtype, dtypeShown ? p.dtype : 'unknown');
        const printedShape = parsed.summarized ? p.printedShape : parsed.shape;
        assert.deepEqual(printedShape, p.printedShape);
        const sameShape = printedShape.length === c.shape.length && printedShape.every((n, i) => n === c.shape[i]);
        assert.equal(sameShape, p.reason !== 'shape');

        // our values at the places the print shows, laid out in the printed shape (row-major)
        const shown = numpyShownIndices(printedShape);
        const dtypes: NumpyFloatDtype[] = dtypeShown ? [p.dtype] : ['float32', 'float64'];
        const j = judgeNumpyPaste(
          shown.map((i) => ours[i]),
          parsed.literals!,
          dtypes
        );
        const allAgree = j.matched === shown.length && j.formatAgrees;
        assert.equal(
          allAgree,
          p.valuesAgree,
          `matches: ${j.matches
            .map((m, i) => (m ? '' : i))
            .filter((x) => x !== '')
            .join(',')}`
        );
        assert.equal(sameShape && allAgree, p.verdict === 'match');

        const differing = shown
          .filter((_, k) => !j.matches[k])
          .map((i) => [Math.floor(i / c.shape[1]), i % c.shape[1]]);
        assert.deepEqual(differing, p.mismatchIndices);
        if (allAgree) {
          // NumPy's rule, with the dtype and precision read from the paste, prints our values as pasted
          const reprinted = formatNumpyElements(ours, printedShape, j.dtype, {
            precision: j.precision,
            suppress: j.suppress,
            floatmode: j.floatmode
          }).map((t) => t.trim());
          assert.deepEqual(reprinted, parsed.literals);
          if (p.printKind === 'numpy-repr') assert.equal(j.dtype, p.dtype);
        }
      });
    }
  }
});
