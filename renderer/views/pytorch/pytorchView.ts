// Both runs side by side after "DDPM: Compare with Local PyTorch": the four labelled verdict parts, the first step
// where anything differs, ours and PyTorch's trajectories overlaid, and the per-step ulp distance (pytorchModel.ts).
import { h } from '../../dom';
import { PlotBox, type View, type ViewContext } from '../common';
import { stepTicks } from '../commonModel';
import { pytorchViewModel } from './pytorchModel';

export function createPytorchView(ctx: ViewContext): View {
  const model = pytorchViewModel(ctx.run);
  if (!model) throw new Error('torchCheck: this run was not checked against a local PyTorch');
  const verdict = h(
    'p',
    {
      class: `ddpm-verdict ${model.bitwiseEqual ? 'ddpm-ok' : 'ddpm-bad'}`,
      'data-testid': 'ddpm-torch-verdict',
      'data-equal': String(model.bitwiseEqual)
    },
    `${model.bitwiseEqual ? '✓' : '✗'} ${model.headline}`
  );
  const parts = h(
    'ol',
    { class: 'ddpm-notes', 'data-testid': 'ddpm-torch-parts' },
    ...model.parts.map((p) =>
      h(
        'li',
        {
          class: `ddpm-note ${p.exact ? 'ddpm-ok' : 'ddpm-bad'}`,
          'data-testid': `ddpm-torch-part-${p.number}`,
          'data-exact': String(p.exact)
        },
        h('strong', {}, `${p.label}: `),
        p.text
      )
    )
  );
  const facts = h(
    'div',
    { class: 'ddpm-notes' },
    h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-torch-first-difference' }, model.firstDifference),
    h('p', { class: 'ddpm-note', 'data-testid': 'ddpm-torch-machine' }, model.machine)
  );
  const overlay = new PlotBox(
    ctx,
    'ddpm-torch-overlay',
    'torch-overlay',
    'Trajectories: ours (solid) and your PyTorch (dashed)',
    380
  );
  const ulps = new PlotBox(
    ctx,
    'ddpm-torch-ulps',
    'torch-ulps',
    "Per-step distance: most ulps between our x_{t-1} and PyTorch's",
    300
  );
  const element = h(
    'div',
    { class: 'ddpm-view', 'data-testid': 'ddpm-torch-view' },
    verdict,
    parts,
    facts,
    h('div', { class: 'ddpm-plots' }, overlay.element, ulps.element)
  );

  const draw = async (): Promise<void> => {
    await overlay.draw((_gl, theme) => ({
      data: model.overlay.map((tr, i) => ({
        type: 'scatter',
        mode: 'lines',
        name: tr.name,
        x: tr.t,
        y: tr.y,
        legendgroup: String(Math.floor(i / 2)),
        line: { dash: tr.source === 'pytorch' ? 'dash' : 'solid', width: tr.source === 'pytorch' ? 3 : 1.5 },
        opacity: tr.source === 'pytorch' ? 0.7 : 1
      })),
      layout: {
        xaxis: { title: { text: 'step t' }, autorange: 'reversed', ...stepTicks(...model.overlay.map((tr) => tr.t)) },
        yaxis: { title: { text: 'x_{t-1}' } },
        legend: { font: { color: theme.foreground } }
      }
    }));
    await ulps.draw((_gl, theme) => ({
      data: [
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: 'max ulps',
          x: model.ulps.t,
          y: model.ulps.maxUlps,
          line: { color: theme.error }
        }
      ],
      layout: {
        xaxis: { title: { text: 'step t' }, autorange: 'reversed', ...stepTicks(model.ulps.t) },
        yaxis: { title: { text: 'ulps' }, rangemode: 'tozero' },
        showlegend: false
      }
    }));
  };
  return {
    element,
    draw,
    resize: () => {
      overlay.resize();
      ulps.resize();
    },
    dispose: () => {
      overlay.dispose();
      ulps.dispose();
    }
  };
}
