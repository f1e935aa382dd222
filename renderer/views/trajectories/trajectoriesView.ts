// Trajectories: d = 2, every sample's path x_T -> x_0 in the plane with start and end marked;
// other d, chosen dimensions against t plus the paths projected on two principal components.
// A slider scrubs t and shows the cloud of samples at that state.
import { errorFirstLine } from '../../../src/core/errors';
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import type { MatrixF32 } from '../../../src/core/types';
import { h } from '../../dom';
import type { ThemeColors } from '../../theme';
import { PlotBox, type Figure, type View, type ViewContext } from '../common';
import { at, finiteOrNaN, scatterTraceType, trajectoryStates } from '../commonModel';
import { pcaOfStates, pcaPlane } from './pca';
import {
  PATH_POINT_BUDGET,
  defaultDimensions,
  dimensionPaths,
  identityPlane,
  parseDimensions,
  planePaths,
  selectPaths,
  trajectoryLayout
} from './trajectoriesModel';

export function createTrajectoriesView(ctx: ViewContext): View {
  const { run } = ctx;
  const d = run.sample.cols;
  const n = run.sample.rows;
  const states = trajectoryStates(run);
  const kinds = trajectoryLayout(d);
  const pca = kinds.plane === 'pca' ? pcaOfStates(states, d) : null;
  const project = kinds.plane === 'identity' ? identityPlane : pca ? pcaPlane(pca) : null;
  let dims = defaultDimensions(d);
  let stateIndex = states.t.length - 1;

  const notes = h('div', { class: 'ddpm-notes' });
  const slider = h('input', {
    type: 'range', min: '0', max: String(states.t.length - 1), step: '1', value: String(stateIndex),
    'aria-label': 'Step: show the samples at state x_t', 'data-testid': 'ddpm-step-slider'
  });
  const sliderLabel = h('output', { class: 'ddpm-slider-label' });
  const dimsInput = h('input', { type: 'text', value: dims.join(', '), size: '12', 'aria-label': 'Dimensions to plot against t', 'data-testid': 'ddpm-dims-input' });
  const dimsError = h('span', { class: 'ddpm-inline-error', role: 'alert' });
  const controls = h('div', { class: 'ddpm-controls' });
  if (states.t.length > 1) controls.append(h('label', {}, 'State ', slider), sliderLabel);
  if (kinds.dimsVsStep) controls.append(h('label', {}, 'Dimensions ', dimsInput), dimsError);

  const planeBox = project
    ? new PlotBox(ctx, kinds.plane === 'identity' ? 'ddpm-trajectory-plot' : 'ddpm-trajectory-pca', 'trajectories', kinds.plane === 'identity' ? 'Paths x_T → x_0' : 'Paths on the first two principal components', 480)
    : null;
  // the slider's cloud has a plot of its own (fixed axes): moving it redraws 1000 markers, not every path
  const cloudBox = project && states.t.length > 1 ? new PlotBox(ctx, 'ddpm-trajectory-cloud', 'samples-at-t', 'Samples at the slider\'s state', 480) : null;
  const dimsBox = kinds.dimsVsStep ? new PlotBox(ctx, 'ddpm-trajectory-plot', 'dimensions-vs-t', 'Chosen dimensions against t', 420) : null;
  const plots = h('div', { class: 'ddpm-plots' }, dimsBox?.element, h('div', { class: 'ddpm-side-by-side ddpm-wide-first' }, planeBox?.element, cloudBox?.element));
  const element = h('div', { class: 'ddpm-view' }, notes, controls, plots);

  const noteLines: string[] = [];
  if (run.trajectory.note) noteLines.push(run.trajectory.note);
  if (states.t.length === 1) noteLines.push('No trajectory was recorded for this run (recording policy "none"); only the final sample is shown.');
  if (pca) noteLines.push('The projection uses the first two principal components of all recorded states (computed for display only).');

  const updateLabel = (): void => {
    const t = states.t[stateIndex];
    sliderLabel.textContent = t === states.t[0] && t !== 0 ? `x_${t} (initial noise)` : t === 0 ? 'x_0 (the sample)' : `x_${t}`;
  };

  const cloudXY = (m: MatrixF32): { x: number[]; y: number[] } => {
    const x: number[] = [];
    const y: number[] = [];
    if (!project) return { x, y };
    for (let i = 0; i < n; i++) {
      const [a, b] = project(m, i);
      x.push(finiteOrNaN(a));
      y.push(finiteOrNaN(b));
    }
    return { x, y };
  };

  const markerText = (m: MatrixF32, label: string): string[] =>
    Array.from({ length: n }, (_, i) =>
      kinds.plane === 'identity'
        ? `sample ${i}, ${label}<br>(${formatFloat32Shortest(at(m, i, 0))}, ${formatFloat32Shortest(at(m, i, 1))})`
        : `sample ${i}, ${label}`
    );

  let selectionNote: string | undefined;
  /** the plane plot's axes, padded; the slider's cloud keeps them fixed */
  let planeRange: { x: [number, number]; y: [number, number] } | undefined;
  const axisTitle = kinds.plane === 'identity' ? ['x[:, 0]', 'x[:, 1]'] : ['PC1', 'PC2'];

  const planeFigure = (gl: boolean, theme: ThemeColors): Figure => {
    if (!project) return { data: [], layout: {} };
    const sel = selectPaths(n, states.t.length, gl ? PATH_POINT_BUDGET.gl : PATH_POINT_BUDGET.svg);
    selectionNote = sel.note;
    const paths = planePaths(states, sel, project);
    const first = states.mats[0];
    const last = states.mats[states.mats.length - 1];
    const start = cloudXY(first);
    const end = cloudXY(last);
    planeRange = paddedRange(paths, start, end);
    const markerType = scatterTraceType(n, gl);
    const opacity = Math.max(0.08, Math.min(0.7, 6 / Math.sqrt(sel.samples.length)));
    return {
      data: [
        { type: scatterTraceType(paths.x.length, gl), mode: 'lines', x: paths.x, y: paths.y, name: 'paths', hoverinfo: 'skip', line: { width: 1, color: theme.series[0] }, opacity, connectgaps: false },
        { type: markerType, mode: 'markers', x: start.x, y: start.y, name: `start x_${states.t[0]}`, text: markerText(first, `x_${states.t[0]}`), hoverinfo: 'text', marker: { symbol: 'circle-open', size: 7, color: theme.series[1] } },
        { type: markerType, mode: 'markers', x: end.x, y: end.y, name: 'end x_0', text: markerText(last, 'x_0'), hoverinfo: 'text', marker: { symbol: 'circle', size: 6, color: theme.series[2] } }
      ],
      layout: {
        xaxis: { title: { text: axisTitle[0] } },
        yaxis: { title: { text: axisTitle[1] }, scaleanchor: kinds.plane === 'identity' ? 'x' : undefined },
        legend: { orientation: 'h', y: -0.18 },
        showlegend: true
      }
    };
  };

  const cloudFigure = (gl: boolean, theme: ThemeColors): Figure => {
    const m = states.mats[stateIndex];
    const label = `x_${states.t[stateIndex]}`;
    const cloud = cloudXY(m);
    return {
      data: [{ type: scatterTraceType(n, gl), mode: 'markers', x: cloud.x, y: cloud.y, name: label, text: markerText(m, label), hoverinfo: 'text', marker: { symbol: 'circle', size: 6, color: theme.series[3] } }],
      layout: {
        xaxis: { title: { text: axisTitle[0] }, range: planeRange?.x, autorange: planeRange ? false : true },
        yaxis: { title: { text: axisTitle[1] }, range: planeRange?.y, autorange: planeRange ? false : true },
        title: { text: label, font: { size: theme.fontSize } },
        margin: { t: 36 },
        showlegend: false
      }
    };
  };

  const dimsFigure = (gl: boolean, theme: ThemeColors): Figure => {
    const budget = (gl ? PATH_POINT_BUDGET.gl : PATH_POINT_BUDGET.svg) / Math.max(1, dims.length);
    const sel = selectPaths(n, states.t.length, Math.floor(budget));
    selectionNote = sel.note;
    const data: Record<string, unknown>[] = [];
    const layout: Record<string, unknown> = {
      xaxis: { title: { text: 't' }, autorange: 'reversed', anchor: 'y' },
      showlegend: false,
      shapes: [sliderShape(theme)]
    };
    const gap = 0.06;
    const height = (1 - gap * (dims.length - 1)) / dims.length;
    dims.forEach((j, k) => {
      const pos = dims.length - 1 - k; // first chosen dimension on top
      const axis = pos === 0 ? 'y' : `y${pos + 1}`;
      const paths = dimensionPaths(states, sel, j);
      data.push({ type: scatterTraceType(paths.x.length, gl), mode: 'lines', x: paths.x, y: paths.y, xaxis: 'x', yaxis: axis, hoverinfo: 'skip', line: { width: 1, color: theme.series[k % theme.series.length] }, opacity: Math.max(0.08, Math.min(0.8, 6 / Math.sqrt(sel.samples.length))), connectgaps: false, name: `x[:, ${j}]` });
      layout[pos === 0 ? 'yaxis' : `yaxis${pos + 1}`] = { domain: [pos * (height + gap), pos * (height + gap) + height], title: { text: `x[:, ${j}]` }, anchor: 'x' };
    });
    return { data, layout };
  };

  const sliderShape = (theme: ThemeColors): Record<string, unknown> => ({
    type: 'line', xref: 'x', yref: 'paper', x0: states.t[stateIndex], x1: states.t[stateIndex], y0: 0, y1: 1, line: { color: theme.muted, width: 1, dash: 'dot' }
  });

  let theme: ThemeColors | undefined;
  /** tells tests and tools which state the plots show (data-ddpm-state-t on the view) */
  const markState = (): void => element.setAttribute('data-ddpm-state-t', String(states.t[stateIndex]));
  const renderNotes = (): void => {
    notes.replaceChildren(...[...noteLines, selectionNote].filter((s): s is string => !!s).map((s) => h('p', { class: 'ddpm-note' }, s)));
  };

  const draw = async (): Promise<void> => {
    updateLabel();
    if (dimsBox) await dimsBox.draw((gl, th) => ((theme = th), dimsFigure(gl, th)));
    if (planeBox) await planeBox.draw((gl, th) => ((theme = th), planeFigure(gl, th)));
    if (cloudBox) await cloudBox.draw(cloudFigure);
    markState();
    renderNotes();
  };

  let pending = false;
  slider.addEventListener('input', () => {
    stateIndex = Number(slider.value);
    updateLabel();
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const m = states.mats[stateIndex];
      const label = `x_${states.t[stateIndex]}`;
      const cloud = cloudXY(m);
      const updates: Promise<void>[] = [];
      if (cloudBox) updates.push(cloudBox.restyle({ x: [cloud.x], y: [cloud.y], name: label, text: [markerText(m, label)] }, [0]).then(() => cloudBox.relayout({ 'title.text': label })));
      if (theme && dimsBox) updates.push(dimsBox.relayout({ shapes: [sliderShape(theme)] }));
      void Promise.all(updates).then(markState);
    });
  });

  dimsInput.addEventListener('change', () => {
    try {
      dims = parseDimensions(dimsInput.value, d);
      dimsError.textContent = '';
      void dimsBox?.draw((gl, th) => ((theme = th), dimsFigure(gl, th))).then(renderNotes);
    } catch (e) {
      dimsError.textContent = errorFirstLine(e);
    }
  });

  return {
    element,
    draw,
    resize: () => {
      dimsBox?.resize();
      planeBox?.resize();
      cloudBox?.resize();
    },
    dispose: () => {
      dimsBox?.dispose();
      planeBox?.dispose();
      cloudBox?.dispose();
    }
  };
}

/** The box around every drawn point, padded by 5% (fixed axes for the slider's cloud). */
function paddedRange(...sets: { x: ArrayLike<number>; y: ArrayLike<number> }[]): { x: [number, number]; y: [number, number] } | undefined {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of sets) {
    for (let k = 0; k < s.x.length; k++) {
      const x = s.x[k];
      const y = s.y[k];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (!(x1 >= x0 && y1 >= y0)) return undefined;
  const px = (x1 - x0) * 0.05 || 1;
  const py = (y1 - y0) * 0.05 || 1;
  return { x: [x0 - px, x1 + px], y: [y0 - py, y1 + py] };
}
