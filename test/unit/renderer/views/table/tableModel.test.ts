// The table view's model. Printed values are checked against real PyTorch's print
// (test/fixtures/renderer/runs.json, scripts/fixtures/renderer.py).
import { strict as assert } from 'node:assert';
import { tableModel, torchPrintedElements } from '../../../../../renderer/views/table/tableModel';
import { fixtureCases } from '../../../../browser/fixtureRuns';
import { bitsToMatrix, printedNumbers, syntheticRun } from '../../../helpers/rendererRuns';

const f32 = Math.fround;

describe('tableModel: tables print what PyTorch prints', () => {
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

  it('shows whole rows up to the cell limit and says how many', () => {
    const run = syntheticRun(50, 3, 1);
    const model = tableModel(run.sample, 30);
    assert.equal(model.shownRows.length, 10);
    assert.equal(model.printed.length, 30);
    assert.ok(model.note?.includes('10 of 50'));
  });
});
