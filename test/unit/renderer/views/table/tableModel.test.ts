// The table view's model. Printed values are checked against real PyTorch's print
// (test/fixtures/renderer/runs.json, scripts/fixtures/renderer.py).
import { strict as assert } from 'node:assert';
import { printFormatNote, tableModel, torchPrintedElements } from '../../../../../renderer/views/table/tableModel';
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
      model.exact.forEach((s, k) =>
        assert.ok(Object.is(f32(Number(s)), m.data[k]), `${s} does not read back as ${m.data[k]}`)
      );
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

describe('tableModel: the view says which print the table shows and which the copy gives', () => {
  for (const c of fixtureCases()) {
    it(`${c.name}: the note quotes PyTorch's own two prints when they differ, and says so when they agree`, () => {
      const [n, d] = c.inputs.shape as [number, number];
      const note = printFormatNote(bitsToMatrix(c.sample_bits, n, d));
      assert.match(
        note,
        /^Cells read as PyTorch prints the whole tensor .*"Copy as PyTorch text" and the notebook's text output give PyTorch's default print\(x\)/
      );
      const full = printedNumbers(c.printed_full);
      const shown = printedNumbers(c.printed);
      const differs = /x_0\[(\d+), (\d+)\] reads (\S+) in the table and (\S+) in the default print\.$/.exec(note);
      if (c.printed === c.printed_full) assert.equal(differs, null, note);
      if (differs) {
        const k = Number(differs[1]) * d + Number(differs[2]);
        assert.equal(differs[3], full[k]);
        assert.ok(shown.includes(differs[4]) && differs[4] !== differs[3], note);
      } else {
        assert.match(note, /both use the same format\.$/);
      }
    });
  }
});
