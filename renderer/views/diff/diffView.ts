// The diff against pasted PyTorch output, as src/core/compare/ computed it (the view decides
// nothing): verdict, rule, summary in assert_close's format, shape notes, profile search, ours /
// PyTorch's / |difference| side by side with mismatches highlighted, and a heatmap of |diff|.
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { diagnosisHeading } from '../../../src/core/compare/summaryText';
import { pairName } from '../../../src/core/diagnosis/profilePairs';
import { h } from '../../dom';
import { PlotBox, type View, type ViewContext } from '../common';
import { stepTicks } from '../commonModel';
import { numericTable } from '../table/tableView';
import { absDiffHeatmap, diffTableModel, heatColorscale, verdictRuleText } from './diffModel';

export function createDiffView(ctx: ViewContext): View {
  const c = ctx.run.comparison;
  if (!c) throw new Error('comparison: this run has none');
  const model = diffTableModel(ctx.run);
  const heatModel = model ? absDiffHeatmap(ctx.run, model.shownRows) : null;
  if (!model || !heatModel) throw new Error('comparison: this run has none');
  const { z } = heatModel;

  // the verdict's text keeps the editor's foreground (contrast in every theme); the colour is only its mark and border
  const verdict = h(
    'p',
    {
      class: `ddpm-verdict ${c.matches ? 'ddpm-ok' : 'ddpm-bad'}`,
      'data-testid': 'ddpm-diff-verdict',
      'data-matches': String(c.matches)
    },
    c.matches ? '✓ Matches' : '✗ Does not match',
    verdictRuleText(c)
  );
  const first = c.firstDivergence;
  const stepName = (t: number | null): string => (t === null ? 'x_T' : `x after step t = ${t}`);
  const divergence =
    c.steps && first
      ? h(
          'p',
          { class: 'ddpm-note', 'data-testid': 'ddpm-diff-first-divergence', 'data-step': String(first.step) },
          `First divergent step: ${stepName(first.step)}${first.index ? `, element (${first.index[0]}, ${first.index[1]})` : ''}. ${c.steps.stepsNote}`
        )
      : c.steps
        ? h(
            'p',
            { class: 'ddpm-note', 'data-testid': 'ddpm-diff-first-divergence', 'data-step': 'none' },
            `Every print matches. ${c.steps.stepsNote}`
          )
        : null;
  const diagnosis =
    !c.matches && (c.diagnosis || c.diagnosisNote)
      ? h(
          'div',
          {
            class: 'ddpm-diagnosis',
            'data-testid': 'ddpm-diff-diagnosis',
            'data-ids': (c.diagnosis ?? []).map((d) => d.id).join(' ')
          },
          h('p', { class: 'ddpm-diagnosis-head' }, diagnosisHeading(c)),
          ...(c.diagnosis ?? []).map((d) =>
            h(
              'div',
              { class: 'ddpm-diagnosis-entry', 'data-id': d.id },
              h(
                'p',
                {},
                h('strong', {}, d.title),
                ` (${d.id}${d.pair ? `, profiles ${pairName(d.pair)}` : d.profile ? `, RNG profile ${d.profile}` : ''}). ${d.explanation}`
              ),
              h(
                'pre',
                { class: 'ddpm-summary' },
                d.pytorch
                  .split('\n')
                  .map((line, i) => `${i === 0 ? 'yours: ' : 'right: '}${line}`)
                  .join('\n')
              )
            )
          )
        )
      : null;
  const facts = h(
    'div',
    { class: 'ddpm-notes' },
    h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-diff-rule' }, c.ruleExplanation)
  );
  if (c.shapeNote)
    facts.append(h('p', { class: 'ddpm-note ddpm-warning', 'data-testid': 'ddpm-diff-shape-note' }, c.shapeNote));
  if (c.profileSearch) {
    const { tried, matching } = c.profileSearch;
    facts.append(
      h(
        'p',
        { class: 'ddpm-note', 'data-testid': 'ddpm-diff-profiles' },
        `RNG profiles tried: ${tried.join(', ')}. ` +
          (matching.length ? `Reproducing the paste: ${matching.join(', ')}.` : 'None of them reproduces the paste.')
      )
    );
  }
  const summary = h('pre', { class: 'ddpm-summary', 'data-testid': 'ddpm-diff-summary' }, c.summary);

  const cls = (k: number): string | undefined =>
    model.mismatch[k] ? 'ddpm-mismatch' : !model.known[k] ? 'ddpm-unknown' : undefined;
  const ours = numericTable(
    'ours',
    model.cols,
    model.shownRows,
    (k, i, j) => ({
      text: model.ours[k],
      title: `ours[${i}, ${j}] = ${model.oursExact[k]}`,
      className: cls(k)
    }),
    'ddpm-diff-ours'
  );
  const theirs = numericTable(
    'PyTorch (pasted)',
    model.cols,
    model.shownRows,
    (k, i, j) => ({
      text: model.known[k] ? model.expected[k] : '—',
      title: model.known[k]
        ? `pasted[${i}, ${j}] = ${model.expected[k]} (as float32: ${model.expectedValue[k]})`
        : `pasted[${i}, ${j}]: not in the paste`,
      className: cls(k)
    }),
    'ddpm-diff-expected'
  );
  const diffs = numericTable(
    '|ours − PyTorch|',
    model.cols,
    model.shownRows,
    (k, i, j) => ({
      text: model.absDiff[k] || '—',
      title: model.absDiff[k] ? `|diff|[${i}, ${j}] = ${model.absDiff[k]}` : `[${i}, ${j}] not compared`,
      className: cls(k)
    }),
    'ddpm-diff-absdiff'
  );
  const tables = h('div', { class: 'ddpm-side-by-side', 'data-testid': 'ddpm-diff-table' }, ours, theirs, diffs);

  const heat = new PlotBox(
    ctx,
    'ddpm-diff-heatmap',
    'abs-diff-heatmap',
    '|ours − PyTorch| over (N, d)',
    Math.min(520, Math.max(220, 60 + 14 * z.length))
  );
  const steps = c.steps;
  const stepsPlot = steps
    ? new PlotBox(ctx, 'ddpm-diff-steps', 'step-by-step', `Row ${steps.row}, step by step: ours and the paste`, 300)
    : null;
  const element = h(
    'div',
    { class: 'ddpm-view' },
    verdict,
    divergence,
    diagnosis,
    facts,
    summary,
    model.note ? h('p', { class: 'ddpm-note' }, model.note) : null,
    tables,
    h('div', { class: 'ddpm-plots' }, heat.element, stepsPlot ? stepsPlot.element : null),
    // on a match the heatmap is one colour: say why rather than leave a blank grid unexplained
    c.compared > 0 && c.mismatched === 0
      ? h(
          'p',
          { class: 'ddpm-note', 'data-testid': 'ddpm-diff-heatmap-note' },
          'No element differs under the rule, so the heatmap (the |ours − PyTorch| of the elements that differ) is empty.'
        )
      : null
  );

  const drawSteps = (): Promise<void> =>
    !stepsPlot || !steps
      ? Promise.resolve()
      : stepsPlot.draw((_gl, theme) => {
          // x: the print's step (x_T drawn at T); one line per coordinate of the row, ours solid, the paste's dashed
          const T = ctx.run.inputs.T;
          const xs = steps.prints.map((p) => (p.step === null ? T : p.step));
          const tMax = Math.max(...xs);
          const tMin = Math.min(...xs);
          const d = steps.ours[steps.ours.length - 1]?.length ?? 0;
          const traces: object[] = [];
          for (let j = 0; j < Math.min(d, 8); j++) {
            traces.push({
              type: 'scatter',
              mode: 'lines',
              name: `ours x[${steps.row}, ${j}]`,
              x: xs,
              y: steps.ours.map((r) => r[j] ?? null),
              line: { width: 2 }
            });
            traces.push({
              type: 'scatter',
              mode: 'lines',
              name: `pasted x[${steps.row}, ${j}]`,
              x: xs,
              y: steps.theirs.map((r) => (r[j] === undefined || Number.isNaN(r[j]) ? null : r[j])),
              line: { width: 2, dash: 'dash' }
            });
          }
          const mark = first ? (first.step === null ? T : first.step) : null;
          return {
            data: traces,
            layout: {
              xaxis: {
                title: { text: 'step t (x after step t; x_T at T)' },
                // fixed to the printed steps, T side on the left: plotly's autorange would widen the axis to fit the
                // "first divergence" text beside the mark (3 to 20 steps more in a narrow output)
                ...(tMax > tMin ? { range: [tMax, tMin], autorange: false } : { autorange: 'reversed' }),
                ...stepTicks(xs)
              },
              yaxis: { title: { text: 'value' } },
              // a column to the right (plotly widens the right margin for it): a row under the plot lay over the
              // axis title, and took several rows for a narrow output or up to 16 entries (d = 8)
              legend: { orientation: 'v' },
              shapes:
                mark === null
                  ? []
                  : [
                      {
                        type: 'line',
                        x0: mark,
                        x1: mark,
                        yref: 'paper',
                        y0: 0,
                        y1: 1,
                        line: { color: theme.error, width: 2, dash: 'dot' }
                      }
                    ],
              annotations:
                mark === null
                  ? []
                  : [
                      {
                        x: mark,
                        yref: 'paper',
                        y: 1,
                        text: `first divergence: ${first!.step === null ? 'x_T' : `t = ${first!.step}`}`,
                        showarrow: false,
                        yanchor: 'bottom',
                        // the text runs into the plot from the mark (t runs right to left)
                        xanchor: mark >= (tMax + tMin) / 2 ? 'left' : 'right',
                        font: { color: theme.foreground }
                      }
                    ]
            }
          };
        });

  const drawHeat = (): Promise<void> =>
    heat.draw((_gl, theme) => {
      const labels = heatModel.rows.map(String);
      const text = z.map((row, r) =>
        row.map((v, j) => {
          const i = heatModel.rows[r];
          const a = heatModel.raw[r][j];
          if (!heatModel.compared[r][j]) return `[${i}, ${j}]: not compared`;
          return `[${i}, ${j}]: |diff| = ${a === null ? 'nan' : formatFloat32Shortest(a)}${v !== null ? ' (mismatch)' : ` (agrees under the ${c.rule} rule)`}`;
        })
      );
      const shownMismatches = heatModel.mismatches.slice(0, 5000);
      const anyBad = heatModel.mismatches.length > 0;
      return {
        data: [
          {
            // scaled by the rule: cells the rule accepts are gaps (the background); only mismatches take the error
            // colour, from a tint of it (|diff| near 0) to all of it (the largest |diff|)
            type: 'heatmap',
            z,
            hoverongaps: true,
            x: Array.from({ length: model.cols }, (_, j) => j),
            y: labels,
            text,
            hoverinfo: 'text',
            name: '|diff|',
            colorscale: heatColorscale(theme),
            zmin: 0,
            zmax: heatModel.zmax, // plotly reads zmin only with zmax
            showscale: anyBad,
            colorbar: {
              title: { text: '|diff| of mismatches' },
              exponentformat: 'e',
              tickfont: { color: theme.foreground }
            },
            xgap: 1,
            ygap: labels.length > 200 ? 0 : 1
          },
          // mismatches stay visible however thin their rows get
          {
            type: 'scatter',
            mode: 'markers',
            name: 'mismatch',
            x: shownMismatches.map(([, j]) => j),
            y: shownMismatches.map(([i]) => String(i)),
            marker: { symbol: 'square-open', size: 12, color: theme.foreground, line: { width: 2 } },
            hoverinfo: 'skip',
            showlegend: shownMismatches.length > 0
          }
        ],
        layout: {
          xaxis: { title: { text: 'column j' }, dtick: 1, showgrid: false, zeroline: false },
          yaxis: { title: { text: 'row i' }, type: 'category', autorange: 'reversed', showgrid: false },
          legend: { orientation: 'h', y: -0.2 }
        }
      };
    });

  const draw = async (): Promise<void> => {
    await drawHeat();
    await drawSteps();
  };
  return {
    element,
    draw,
    resize: () => {
      heat.resize();
      stepsPlot?.resize();
    },
    dispose: () => {
      heat.dispose();
      stepsPlot?.dispose();
    }
  };
}
