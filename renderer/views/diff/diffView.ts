// The diff against pasted PyTorch output, as src/core/compare/ computed it (the view decides
// nothing): verdict, rule, summary in assert_close's format, shape notes, profile search, ours /
// PyTorch's / |difference| side by side with mismatches highlighted, and a heatmap of |diff|.
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { h } from '../../dom';
import { PlotBox, type View, type ViewContext } from '../common';
import { numericTable } from '../table/tableView';
import { absDiffHeatmap, diffTableModel } from './diffModel';

export function createDiffView(ctx: ViewContext): View {
  const c = ctx.run.comparison;
  if (!c) throw new Error('comparison: this run has none');
  const model = diffTableModel(ctx.run);
  const heatModel = model ? absDiffHeatmap(ctx.run, model.shownRows) : null;
  if (!model || !heatModel) throw new Error('comparison: this run has none');
  const { z } = heatModel;

  const verdict = h(
    'p',
    { class: `ddpm-verdict ${c.matches ? 'ddpm-ok' : 'ddpm-bad'}`, 'data-testid': 'ddpm-diff-verdict', 'data-matches': String(c.matches) },
    c.matches ? '✓ Matches' : '✗ Does not match',
    ` (rule: ${c.rule}${c.bitwiseEqual ? ', bitwise equal' : ''})`
  );
  const facts = h('div', { class: 'ddpm-notes' }, h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-diff-rule' }, c.ruleExplanation));
  if (c.shapeNote) facts.append(h('p', { class: 'ddpm-note ddpm-warning', 'data-testid': 'ddpm-diff-shape-note' }, c.shapeNote));
  if (c.profileSearch) {
    const { tried, matching } = c.profileSearch;
    facts.append(
      h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-diff-profiles' },
        `RNG profiles tried: ${tried.join(', ')}. ` +
          (matching.length ? `Reproducing the paste: ${matching.join(', ')}.` : 'None of them reproduces the paste.'))
    );
  }
  const summary = h('pre', { class: 'ddpm-summary', 'data-testid': 'ddpm-diff-summary' }, c.summary);

  const cls = (k: number): string | undefined => (model.mismatch[k] ? 'ddpm-mismatch' : !model.known[k] ? 'ddpm-unknown' : undefined);
  const ours = numericTable('ours', model.cols, model.shownRows, (k, i, j) => ({
    text: model.ours[k], title: `ours[${i}, ${j}] = ${model.oursExact[k]}`, className: cls(k)
  }), 'ddpm-diff-ours');
  const theirs = numericTable('PyTorch (pasted)', model.cols, model.shownRows, (k, i, j) => ({
    text: model.known[k] ? model.expected[k] : '—',
    title: model.known[k] ? `pasted[${i}, ${j}] = ${model.expected[k]} (as float32)` : `pasted[${i}, ${j}]: not in the paste`,
    className: cls(k)
  }), 'ddpm-diff-expected');
  const diffs = numericTable('|ours − PyTorch|', model.cols, model.shownRows, (k, i, j) => ({
    text: model.absDiff[k] || '—', title: model.absDiff[k] ? `|diff|[${i}, ${j}] = ${model.absDiff[k]}` : `[${i}, ${j}] not compared`, className: cls(k)
  }), 'ddpm-diff-absdiff');
  const tables = h('div', { class: 'ddpm-side-by-side', 'data-testid': 'ddpm-diff-table' }, ours, theirs, diffs);

  const heat = new PlotBox(ctx, 'ddpm-diff-heatmap', 'abs-diff-heatmap', '|ours − PyTorch| over (N, d)', Math.min(520, Math.max(220, 60 + 14 * z.length)));
  const element = h('div', { class: 'ddpm-view' }, verdict, facts, summary, model.note ? h('p', { class: 'ddpm-note' }, model.note) : null, tables, h('div', { class: 'ddpm-plots' }, heat.element));

  const draw = (): Promise<void> =>
    heat.draw((_gl, theme) => {
      const labels = heatModel.rows.map(String);
      const text = z.map((row, r) => row.map((v, j) => {
        const i = heatModel.rows[r];
        return v === null ? `[${i}, ${j}]: not compared` : `[${i}, ${j}]: |diff| = ${formatFloat32Shortest(v)}${c.mismatchMask[i * row.length + j] ? ' (mismatch)' : ''}`;
      }));
      const shownMismatches = heatModel.mismatches.slice(0, 5000);
      return {
        data: [
          {
            type: 'heatmap', z, x: Array.from({ length: model.cols }, (_, j) => j), y: labels, text, hoverinfo: 'text', name: '|diff|',
            colorscale: [[0, theme.background], [1, theme.error]],
            colorbar: { title: { text: '|diff|' }, exponentformat: 'e', tickfont: { color: theme.foreground } },
            xgap: 1, ygap: labels.length > 200 ? 0 : 1
          },
          // mismatches stay visible however thin their rows get
          {
            type: 'scatter', mode: 'markers', name: 'mismatch', x: shownMismatches.map(([, j]) => j), y: shownMismatches.map(([i]) => String(i)),
            marker: { symbol: 'square-open', size: 12, color: theme.foreground, line: { width: 2 } }, hoverinfo: 'skip', showlegend: shownMismatches.length > 0
          }
        ],
        layout: {
          xaxis: { title: { text: 'column j' }, dtick: 1, showgrid: false, zeroline: false },
          yaxis: { title: { text: 'row i' }, type: 'category', autorange: 'reversed', showgrid: false },
          legend: { orientation: 'h', y: -0.2 }
        }
      };
    });

  return { element, draw, resize: () => heat.resize(), dispose: () => heat.dispose() };
}
