// Per-step statistics on one t axis: mean and spread of x over the samples, the size (RMS) of the
// predicted noise and of z, and the schedule (betas, alpha_bar).
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { h } from '../../dom';
import { PlotBox, type View, type ViewContext } from '../common';
import { stepTicks } from '../commonModel';
import { hasValue, stepStatistics, undrawnNote } from './statisticsModel';

export function createStatisticsView(ctx: ViewContext): View {
  const stats = stepStatistics(ctx.run);
  const box = new PlotBox(ctx, 'ddpm-stats-plot', 'per-step-statistics', 'Per-step statistics and schedule', 620);
  const note = h(
    'p',
    { class: 'ddpm-note' },
    'x: mean over samples (averaged over dimensions) and spread (square root of the mean unbiased variance over samples); ε and z: root mean square over all elements. These statistics are computed in float64 for display; betas and alpha_bar are the float32 inputs.'
  );
  const undrawn = undrawnNote(stats, ctx.run.sample.rows);
  const element = h(
    'div',
    { class: 'ddpm-view' },
    note,
    ...(undrawn ? [h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-stats-undrawn' }, undrawn)] : []),
    h('div', { class: 'ddpm-plots' }, box.element)
  );
  const exactText = (values: number[], name: string): string[] =>
    values.map((v, t) => `${name}[${t}] = ${formatFloat32Shortest(v)}`);
  const mode = (count: number): string => (count <= 60 ? 'lines+markers' : 'lines');

  const draw = (): Promise<void> =>
    box.draw((_gl, theme) => {
      const rows = 4;
      const gap = 0.05;
      const hgt = (1 - gap * (rows - 1)) / rows;
      const domain = (pos: number): [number, number] => [pos * (hgt + gap), pos * (hgt + gap) + hgt];
      const hover = { hovertemplate: '%{fullData.name}: %{y:.4~g}<br>t = %{x}<extra></extra>' };
      return {
        data: [
          {
            type: 'scatter',
            mode: mode(stats.stateT.length),
            x: stats.stateT,
            y: stats.xMean,
            showlegend: hasValue(stats.xMean),
            name: 'mean of x',
            yaxis: 'y4',
            line: { color: theme.series[0] },
            ...hover
          },
          {
            type: 'scatter',
            mode: mode(stats.stateT.length),
            x: stats.stateT,
            y: stats.xSpread,
            showlegend: hasValue(stats.xSpread),
            name: 'spread of x',
            yaxis: 'y4',
            line: { color: theme.series[1] },
            ...hover
          },
          {
            type: 'scatter',
            mode: mode(stats.stepT.length),
            x: stats.stepT,
            y: stats.epsRms,
            showlegend: hasValue(stats.epsRms),
            name: 'RMS of ε (predicted noise)',
            yaxis: 'y3',
            line: { color: theme.series[2] },
            ...hover
          },
          {
            type: 'scatter',
            mode: mode(stats.stepT.length),
            x: stats.stepT,
            y: stats.zRms,
            showlegend: hasValue(stats.zRms),
            name: 'RMS of z',
            yaxis: 'y3',
            line: { color: theme.series[3] },
            ...hover
          },
          {
            type: 'scatter',
            mode: mode(stats.scheduleT.length),
            x: stats.scheduleT,
            y: stats.betas,
            showlegend: hasValue(stats.betas),
            name: 'betas',
            yaxis: 'y2',
            line: { color: theme.series[4] },
            text: exactText(stats.betas, 'betas'),
            hoverinfo: 'text'
          },
          {
            type: 'scatter',
            mode: mode(stats.scheduleT.length),
            x: stats.scheduleT,
            y: stats.alphaBar,
            showlegend: hasValue(stats.alphaBar),
            name: 'alpha_bar',
            yaxis: 'y',
            line: { color: theme.series[0], dash: 'dot' },
            text: exactText(stats.alphaBar, 'alpha_bar'),
            hoverinfo: 'text'
          }
        ],
        layout: {
          xaxis: {
            title: { text: 't (sampling runs left to right, T-1 → 0)' },
            autorange: 'reversed',
            anchor: 'y',
            ...stepTicks(stats.stateT, stats.scheduleT)
          },
          yaxis: { domain: domain(0), title: { text: 'alpha_bar' } },
          yaxis2: { domain: domain(1), title: { text: 'betas' }, anchor: 'x', exponentformat: 'e' },
          yaxis3: { domain: domain(2), title: { text: 'ε, z' }, anchor: 'x' },
          yaxis4: { domain: domain(3), title: { text: 'x' }, anchor: 'x' },
          legend: { orientation: 'h', y: -0.12 },
          showlegend: true
        }
      };
    });

  return { element, draw, resize: () => box.resize(), dispose: () => box.dispose() };
}
