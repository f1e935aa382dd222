// The diff view's model passes the core comparison through; our values print as PyTorch printed the
// paste (test/fixtures/renderer/runs.json, scripts/fixtures/renderer.py).
import { strict as assert } from 'node:assert';
import {
  absDiffHeatmap,
  diffTableModel,
  HEAT_FLOOR,
  heatColorscale,
  verdictRuleText
} from '../../../../../renderer/views/diff/diffModel';
import { compareRun } from '../../../../../src/core/compare/compare';
import { readInputs } from '../../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../../src/core/sampler/sampler';
import { verdicts } from '../../../helpers/compareFixtures';
import { fixtureCases, fixtureRun } from '../../../../browser/fixtureRuns';
import { printedNumbers, syntheticRun } from '../../../helpers/rendererRuns';

describe('diffModel: diff model passes the core comparison through', () => {
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
      // scaled by the rule (this used to be |diff| in every cell): a mismatch holds its |diff|, an accepted cell is a
      // gap (null), so the colours span the mismatches alone
      heat.z.forEach((row, r) =>
        row.forEach((v, j) => {
          const k = model.shownRows[r] * model.cols + j;
          const a = cmp.absDiff[k];
          assert.equal(heat.raw[r][j], Number.isNaN(a) ? null : a);
          assert.equal(v, cmp.mismatchMask[k] ? a : null);
          assert.equal(heat.compared[r][j], !cmp.known || cmp.known[k] === 1);
        })
      );
      assert.ok(heat.mismatches.some(([i, j]) => i === ai && j === aj));
      assert.equal(heat.mismatches.length, model.mismatch.filter(Boolean).length);
    }
  });

  it('a paste that identifies every value (the bitwise rule) is shown beside ours in as many digits: equal values read alike, an ulp apart does not', () => {
    const checked = new Set<string>();
    for (const c of verdicts.cases) {
      const { inputs } = readInputs(c.inputs);
      for (const kind of ['tolist', 'precision 12', 'altered by one ulp, precision 12']) {
        const p = c.pastes.find((q) => q.kind === kind);
        if (!p) continue; // (a case of summarised rows has no altered paste)
        const run = runSampler(inputs, { record: { kind: 'none' } });
        run.comparison = compareRun(inputs, run, p.text);
        assert.equal(run.comparison.rule, 'bitwise', `${c.name}, ${kind}`);
        const model = diffTableModel(run);
        assert.ok(model);
        model.ours.forEach((ours, k) => {
          if (!model.known[k]) return;
          // the pasted text is PyTorch's own (x.tolist(), or its print at precision 12)
          assert.equal(
            ours === model.expected[k],
            !model.mismatch[k],
            `${c.name}, ${kind}: cell ${k}: ${ours} vs ${model.expected[k]}`
          );
        });
        assert.equal(model.mismatch.some(Boolean), kind.startsWith('altered'), `${c.name}, ${kind}`);
        checked.add(kind);
      }
    }
    assert.equal(checked.size, 3);
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
    const knownRows = Array.from({ length: run.sample.rows }, (_, i) => i).filter((i) =>
      cmp.known?.subarray(i * cols, (i + 1) * cols).some((v) => v === 1)
    );
    assert.deepEqual(model.shownRows, knownRows);
    assert.ok(knownRows.length < run.sample.rows);
    assert.match(model.note ?? '', new RegExp(`the ${knownRows.length} of ${run.sample.rows} rows`));
    // ours reads as PyTorch's default print of the same tensor: exactly the numbers of the (unaltered) paste
    assert.deepEqual(model.ours, printedNumbers(c.printed));
    model.shownRows.forEach((i, r) => {
      for (let j = 0; j < cols; j++) assert.equal(model.known[r * cols + j], cmp.known?.[i * cols + j] === 1);
    });
  });

  it('shows the pasted text, and paints nothing for a paste the rule accepts', () => {
    for (const c of fixtureCases()) {
      const { run } = fixtureRun(c, 'printed');
      const cmp = run.comparison;
      assert.ok(cmp?.matches, c.name);
      const model = diffTableModel(run);
      assert.ok(model);
      // PyTorch's print as pasted (`0.4669`), not the float32 value's shortest decimal (`0.4669000017642975` reads as 0.4669)
      const pasted = printedNumbers(c.printed);
      assert.deepEqual(
        model.expected.filter((_, k) => model.known[k]),
        pasted
      );
      const heat = absDiffHeatmap(run, model.shownRows);
      assert.ok(heat && heat.z.every((row) => row.every((v) => v === null)), 'no cell coloured');
      // a summarised paste leaves cells not compared: they are told apart from the accepted ones (hover text)
      assert.deepEqual(
        heat.compared.flat(),
        model.shownRows.flatMap((i) =>
          Array.from({ length: model.cols }, (_, j) => !cmp.known || cmp.known[i * model.cols + j] === 1)
        )
      );
      assert.ok(
        heat.raw.some((row) => row.some((v) => v !== null && v > 0)),
        'the printed precision leaves |diff| > 0 somewhere'
      );
    }
  });

  it('colours the smallest mismatch as a tint of the error colour over the background, not as the background', () => {
    // the themes' own colours (renderer/theme.ts reads them from VS Code's variables)
    assert.deepEqual(heatColorscale({ background: '#ffffff', error: '#e51400' }), [
      [
        0,
        `rgb(${Math.round(255 + (0xe5 - 255) * HEAT_FLOOR)}, ${Math.round(255 + (0x14 - 255) * HEAT_FLOOR)}, ${Math.round(255 * (1 - HEAT_FLOOR))})`
      ],
      [1, '#e51400']
    ]);
    const [[, low]] = heatColorscale({ background: '#1f1f1f', error: 'rgb(241, 76, 76)' });
    assert.notEqual(low, 'rgb(31, 31, 31)');
    assert.ok(HEAT_FLOOR > 0.25 && HEAT_FLOOR < 1, 'a tint between the background and the error colour');
    // a colour that cannot be read: the error colour throughout, never the background
    assert.deepEqual(heatColorscale({ background: 'var(--x)', error: 'red' }), [
      [0, 'red'],
      [1, 'red']
    ]);
  });

  it('has no diff model without a comparison', () => {
    assert.equal(diffTableModel(syntheticRun(2, 2, 2)), null);
    assert.equal(absDiffHeatmap(syntheticRun(2, 2, 2)), null);
  });
});

describe('diffModel: the verdict line', () => {
  it('says bitwise equal of the values shown for a summarised print, of all for a full one (PyTorch prints)', () => {
    for (const [name, expected] of [
      ['N=400 d=4 T=3 (summarised rows)', ' (rule: bitwise, bitwise equal for the values shown)'],
      ['seed example', ' (rule: bitwise, bitwise equal)']
    ] as const) {
      const c = verdicts.cases.find((x) => x.name === name)!;
      const { inputs } = readInputs(c.inputs);
      const p = c.pastes.find((q) => q.kind === 'precision 12')!;
      const cmp = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
      assert.equal(verdictRuleText(cmp), expected, name);
    }
  });
});
