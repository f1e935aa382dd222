// The final samples x_0: a scatter for d = 2, and a histogram of a chosen dimension with the N(0, 1) density.
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { h } from '../../dom';
import { PlotBox, type View, type ViewContext } from '../common';
import { at, finiteOrNaN, nonFiniteSamples, scatterTraceType } from '../commonModel';
import { histogramModel } from './samplesModel';

export function createSamplesView(ctx: ViewContext): View {
  const sample = ctx.run.sample;
  const d = sample.cols;
  let dim = 0;
  const scatterBox =
    d === 2 ? new PlotBox(ctx, 'ddpm-samples-scatter', 'final-samples', 'Final samples x_0', 420) : null;
  const histBox = new PlotBox(
    ctx,
    'ddpm-samples-histogram',
    'histogram',
    'Histogram of a dimension of x_0, with the N(0, 1) density',
    420
  );
  const select = h('select', { 'aria-label': 'Dimension for the histogram', 'data-testid': 'ddpm-hist-dim' });
  for (let j = 0; j < d; j++) select.append(h('option', { value: String(j) }, `x[:, ${j}]`));
  const note = h('p', { class: 'ddpm-note' });
  const bad = scatterBox ? nonFiniteSamples({ t: [0], mats: [sample] }).count : 0;
  const scatterNote = bad
    ? `${bad} of ${sample.rows} final samples hold inf or nan and are left out of the scatter.`
    : '';
  const controls = h('div', { class: 'ddpm-controls' }, h('label', {}, 'Histogram of ', select));
  const element = h(
    'div',
    { class: 'ddpm-view' },
    controls,
    note,
    h('div', { class: 'ddpm-side-by-side' }, scatterBox?.element, histBox.element)
  );

  const drawHistogram = (): Promise<void> =>
    histBox.draw((_gl, theme) => {
      const model = histogramModel(sample, dim);
      note.textContent = [
        scatterNote,
        model.nonFinite ? `${model.nonFinite} non-finite value(s) of x[:, ${dim}] are left out of the histogram.` : ''
      ]
        .filter(Boolean)
        .join(' ');
      return {
        data: [
          {
            type: 'histogram',
            x: model.values,
            histnorm: 'probability density',
            name: `x[:, ${dim}]`,
            marker: { color: theme.series[0], line: { color: theme.background, width: 1 } },
            opacity: 0.75
          },
          {
            type: 'scatter',
            mode: 'lines',
            x: model.densityX,
            y: model.densityY,
            name: 'N(0, 1) density',
            hoverinfo: 'skip',
            line: { color: theme.series[1], width: 2 }
          }
        ],
        layout: {
          xaxis: { title: { text: `x[:, ${dim}]` } },
          yaxis: { title: { text: 'density' } },
          bargap: 0.02,
          legend: { orientation: 'h', y: -0.2 }
        }
      };
    });

  const drawScatter = async (): Promise<void> => {
    if (!scatterBox) return;
    await scatterBox.draw((gl, theme) => {
      const x: number[] = [];
      const y: number[] = [];
      const text: string[] = [];
      for (let i = 0; i < sample.rows; i++) {
        x.push(finiteOrNaN(at(sample, i, 0)));
        y.push(finiteOrNaN(at(sample, i, 1)));
        text.push(
          `x_0[${i}] = (${formatFloat32Shortest(at(sample, i, 0))}, ${formatFloat32Shortest(at(sample, i, 1))})`
        );
      }
      return {
        data: [
          {
            type: scatterTraceType(sample.rows, gl),
            mode: 'markers',
            x,
            y,
            text,
            hoverinfo: 'text',
            name: 'x_0',
            marker: { size: 6, color: theme.series[2] }
          }
        ],
        // each axis fits its data (equal axes let one dimension's spread flatten the other's, as in the paths plot)
        layout: { xaxis: { title: { text: 'x[:, 0]' } }, yaxis: { title: { text: 'x[:, 1]' } } }
      };
    });
  };

  select.addEventListener('change', () => {
    dim = Number(select.value);
    void drawHistogram();
  });

  return {
    element,
    draw: async () => {
      await drawScatter();
      await drawHistogram();
    },
    resize: () => {
      scatterBox?.resize();
      histBox.resize();
    },
    dispose: () => {
      scatterBox?.dispose();
      histBox.dispose();
    }
  };
}
