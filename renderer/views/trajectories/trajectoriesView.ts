// Trajectories: d = 2, every sample's path x_T -> x_0 in the plane with start and end marked;
// other d, chosen dimensions against t plus the paths projected on two principal components.
// A slider scrubs t and shows the cloud of samples at that state. This file builds the controls and
// the plots and wires them; the figures are in trajectoriesFigures.ts.
import { errorFirstLine } from '../../../src/core/errors';
import type { RunResult } from '../../../src/core/types';
import { afterPaint, h, pixelScale, rgbaDataUrl, type Pixels } from '../../dom';
import { plotlyLoaded } from '../../plotLoader';
import { readTheme, type ThemeColors } from '../../theme';
import { imagePlot, PlotBox, type Figure, type PlotArea, type View, type ViewContext } from '../common';
import {
  areaImage,
  cloudFigure,
  cloudHover,
  cloudPixels,
  dimensionsFigure,
  dimensionsImages,
  pathsPixels,
  PLANE_SAVED_LAYOUT,
  planeFigure,
  planeLegend,
  type LegendEntry,
  sliderShape,
  stateLabel,
  stateName,
  trajectoryScene,
  type PlaneRange,
  type TrajectoryScene
} from './trajectoriesFigures';
import { defaultDimensions, parseDimensions, pathsSentence, type PathSelection } from './trajectoriesModel';
import { NO_WEBGL, nonFiniteNote, type WebglProbe } from '../commonModel';

/** What the controls chose, and what the last draws decided. */
interface TrajectoryViewState {
  /** the dimensions plotted against t */
  dims: number[];
  /** the slider's state, an index into the scene's states */
  stateIndex: number;
  /** which samples and states the dimensions plot's last draw kept (the plane's paths keep theirs in selection) */
  dimsSelection?: PathSelection;
  /** the dimensions the dimensions plot's last figure holds, whose paths its images draw */
  dimsDrawn?: number[];
  /** the slider's state the dimensions plot's last figure marked (its dotted line) */
  dimsStateIndex?: number;
  /** the plane plot's axes, padded; the slider's cloud keeps them fixed */
  planeRange?: PlaneRange;
  /** the theme of the last draw (the dimensions plot's slider line uses it) */
  theme?: ThemeColors;
  /** the plane and the cloud on equal axes (off: each axis fits its data) */
  equalAxes: boolean;
  /** which samples and states the plane's paths draw (its layout image), for the image and the notes' sentence */
  selection?: PathSelection;
}

interface TrajectoryControls {
  element: HTMLElement;
  slider: HTMLInputElement;
  sliderLabel: HTMLOutputElement;
  dimsInput: HTMLInputElement;
  dimsError: HTMLElement;
  equalAxes: HTMLInputElement;
}

/** The plots of the view, each null when the run does not get it. */
interface TrajectoryPlots {
  plane: PlotBox | null;
  /** the slider's cloud has a plot of its own (fixed axes): moving the slider repaints its samples, not every path */
  cloud: PlotBox | null;
  dims: PlotBox | null;
}

type FigureBuilder = (gl: WebglProbe, theme: ThemeColors) => Figure;

export function createTrajectoriesView(ctx: ViewContext): View {
  const scene = trajectoryScene(ctx.run);
  const state: TrajectoryViewState = {
    dims: defaultDimensions(scene.d),
    stateIndex: scene.states.t.length - 1,
    equalAxes: false
  };
  const notes = h('div', { class: 'ddpm-notes' });
  const controls = buildControls(scene, state);
  const plots = createPlots(ctx, scene);
  const legend = h('div', { class: 'ddpm-legend', 'data-testid': 'ddpm-plane-legend' });
  plots.plane?.element.append(legend);
  const element = h('div', { class: 'ddpm-view' }, notes, controls.element, plotsElement(plots));
  const fixedNotes = trajectoryNotes(ctx.run, scene);
  const build = figureBuilders(scene, state);

  const updateLabel = (): void => {
    controls.sliderLabel.textContent = stateLabel(scene.states, state.stateIndex);
  };
  /** tells tests and tools which state the plots show (data-ddpm-state-t on the view) */
  const markState = (): void => element.setAttribute('data-ddpm-state-t', String(scene.states.t[state.stateIndex]));
  const renderNotes = (): void => {
    // one sentence about recording and drawing, for the plane's paths, or for the dimensions plot where it is alone
    // (d = 1); beside the plane (d >= 3) the dimensions plot says what it left out
    const dimsNote = plots.dims && state.dimsSelection?.note;
    const lines = plots.plane
      ? [
          pathsNote(ctx.run, scene, state.selection),
          ...fixedNotes,
          dimsNote && `Chosen dimensions against t: ${dimsNote}`
        ]
      : [pathsNote(ctx.run, scene, state.dimsSelection), ...fixedNotes];
    notes.replaceChildren(...lines.filter((s): s is string => !!s).map((s) => h('p', { class: 'ddpm-note' }, s)));
  };

  let sketchedPaths: { key: string; pixels: Pixels | null } | undefined;
  /** The plane's paths, drawn per pixel for the plot area as it is now (after a draw, a zoom, a resize). */
  const paintPaths = async (): Promise<void> => {
    const plane = plots.plane;
    const area = plane?.plotArea();
    if (!plane || !area || !state.selection || !state.theme) return;
    const scale = pixelScale();
    // the sketch's pixels when plotly laid the plot out as the sketch did (the same area, ranges and theme)
    const key = JSON.stringify([area, scale, state.theme]);
    const pixels =
      sketchedPaths?.key === key ? sketchedPaths.pixels : pathsPixels(scene, state.selection, area, scale, state.theme);
    sketchedPaths = undefined;
    await plane.relayout({ images: pixels ? [areaImage(rgbaDataUrl(pixels), area)] : [] });
  };
  /**
   * The samples at the slider's state, drawn on the cloud plot's layer (PlotBox.paintLayer: a slider move is one
   * putImageData, not a new layout image), with the state as the plot's title (drawn over the plot,
   * PlotBox.setTitle: a move lays nothing out in plotly).
   */
  const paintCloud = async (): Promise<void> => {
    const cloud = plots.cloud;
    const area = cloud?.plotArea();
    if (!cloud || !area || !state.theme) return;
    cloud.paintLayer(cloudPixels(scene, state.stateIndex, area, pixelScale(), state.theme), (source) =>
      areaImage(source, area)
    );
    cloud.setTitle(stateName(scene, state.stateIndex));
  };
  /** The dimensions plot's paths, drawn per pixel for each subplot as it is now (after a draw, a zoom, a resize). */
  const paintDims = async (): Promise<void> => {
    const box = plots.dims;
    if (!box || !state.dimsSelection || !state.dimsDrawn || !state.theme) return;
    const images = dimensionsImages(
      scene,
      state.dimsDrawn,
      state.dimsSelection,
      (axis) => box.subplotArea(axis),
      pixelScale(),
      state.theme,
      rgbaDataUrl
    );
    await box.relayout({ images });
  };
  const plane = imagePlot(plots.plane, build.plane, paintPaths, ['images']);
  const cloud = imagePlot(plots.cloud, build.cloud, paintCloud, []);
  // the slider's dotted line ('shapes') moves without repainting the paths
  const dimensions = imagePlot(plots.dims, build.dims, paintDims, ['images', 'shapes']);

  /**
   * Plotly's chunk still loading (the first run on a page): the plane and the cloud are sketched at once
   * (views/sketch.ts), plotly's plots replace them when drawn; data-ddpm-sketched-at on the run's root says when.
   */
  const sketch = (): void => {
    const theme = readTheme(ctx.root);
    const planeSketched = plots.plane?.sketch(build.plane(NO_WEBGL, theme), theme, (area, scale) => {
      const pixels = state.selection ? pathsPixels(scene, state.selection, area, scale, theme) : null;
      sketchedPaths = { key: JSON.stringify([area, scale, theme]), pixels };
      return pixels;
    });
    const cloudSketched = plots.cloud?.sketch(build.cloud(NO_WEBGL, theme), theme, (area, scale) =>
      cloudPixels(scene, state.stateIndex, area, scale, theme)
    );
    if (!planeSketched && !cloudSketched) return;
    renderNotes();
    ctx.root.setAttribute('data-ddpm-sketched-at', String(Date.now()));
  };

  const draw = async (): Promise<void> => {
    updateLabel();
    renderLegend(legend, plots.plane ? planeLegend(scene, readTheme(ctx.root)) : []);
    if (!plotlyLoaded()) sketch();
    // the plane and the cloud first, then, once the page shows them, the dimensions against t
    await plane.draw();
    await cloud.draw();
    if (plots.dims) {
      if (plots.plane) {
        renderNotes();
        await afterPaint();
      }
      await drawDims();
    }
    markState();
    renderNotes();
  };
  /** The dimensions plot's dotted line moved to the slider's state (nothing for a plot not drawn yet). */
  const moveDimsLine = async (): Promise<void> => {
    if (state.theme && plots.dims)
      await plots.dims.relayout({ shapes: [sliderShape(scene, state.stateIndex, state.theme)] });
  };
  /** The dimensions plot, its dotted line moved on if the slider moved while it drew (a move skips an undrawn plot). */
  const drawDims = async (): Promise<void> => {
    if (!plots.dims) return;
    await dimensions.draw();
    if (state.dimsStateIndex !== state.stateIndex) await moveDimsLine();
  };

  wireSlider(controls.slider, state, updateLabel, () => {
    void Promise.all([paintCloud(), moveDimsLine()]).then(markState);
  });
  if (plots.cloud) wireCloudHover(plots.cloud, (area, x, y) => cloudHover(scene, state.stateIndex, area, x, y));
  controls.equalAxes.addEventListener('change', () => {
    state.equalAxes = controls.equalAxes.checked;
    void (async () => {
      await plane.draw();
      await cloud.draw();
    })();
  });
  wireDimensions(controls, scene.d, (dims) => {
    state.dims = dims;
    void drawDims().then(renderNotes);
  });

  return {
    element,
    draw,
    resize: () => forEachPlot(plots, (box) => box.resize()),
    dispose: () => {
      plane.cancel();
      cloud.cancel();
      dimensions.cancel();
      forEachPlot(plots, (box) => box.dispose());
    }
  };
}

/** The slider over the recorded states (when there is more than one) and the dimension chooser (when dimensions are plotted against t). */
function buildControls(scene: TrajectoryScene, state: TrajectoryViewState): TrajectoryControls {
  const slider = h('input', {
    type: 'range',
    min: '0',
    max: String(scene.states.t.length - 1),
    step: '1',
    value: String(state.stateIndex),
    'aria-label': 'Step: show the samples at state x_t',
    'data-testid': 'ddpm-step-slider'
  });
  const sliderLabel = h('output', { class: 'ddpm-slider-label' });
  const dimsInput = h('input', {
    type: 'text',
    value: state.dims.join(', '),
    size: '12',
    'aria-label': 'Dimensions to plot against t',
    'data-testid': 'ddpm-dims-input'
  });
  const dimsError = h('span', { class: 'ddpm-inline-error', role: 'alert' });
  const equalAxes = h('input', { type: 'checkbox', 'data-testid': 'ddpm-equal-axes' });
  const element = h('div', { class: 'ddpm-controls' });
  if (scene.states.t.length > 1) element.append(h('label', {}, 'State ', slider), sliderLabel);
  if (scene.kinds.dimsVsStep) element.append(h('label', {}, 'Dimensions ', dimsInput), dimsError);
  if (scene.project)
    element.append(
      h(
        'label',
        { title: 'Off: each axis fits its own data. On: one unit is as long on both axes.' },
        equalAxes,
        ' Equal axes'
      )
    );
  return { element, slider, sliderLabel, dimsInput, dimsError, equalAxes };
}

function createPlots(ctx: ViewContext, scene: TrajectoryScene): TrajectoryPlots {
  const identity = scene.kinds.plane === 'identity';
  return {
    plane: scene.project
      ? new PlotBox(
          ctx,
          identity ? 'ddpm-trajectory-plot' : 'ddpm-trajectory-pca',
          'trajectories',
          identity ? 'Paths x_T → x_0' : 'Paths on the first two principal components',
          456,
          { savedLayout: PLANE_SAVED_LAYOUT }
        )
      : null,
    cloud:
      scene.project && scene.states.t.length > 1
        ? new PlotBox(ctx, 'ddpm-trajectory-cloud', 'samples-at-t', "Samples at the slider's state", 480, {
            overlayTitle: true
          })
        : null,
    dims: scene.kinds.dimsVsStep
      ? new PlotBox(ctx, 'ddpm-trajectory-plot', 'dimensions-vs-t', 'Chosen dimensions against t', 420)
      : null
  };
}

/** The plane's legend under its plot: a line, a ring and a disc in the theme's colours, each with its name. */
function renderLegend(legend: HTMLElement, entries: LegendEntry[]): void {
  legend.replaceChildren(
    ...entries.map((entry) => {
      const mark = h('span', { class: `ddpm-legend-${entry.kind}` });
      mark.style.setProperty('--ddpm-legend-color', entry.color);
      return h('span', { class: 'ddpm-legend-entry' }, mark, entry.name);
    })
  );
}

/** The dimensions plot on top, then the plane and the cloud side by side. */
function plotsElement(plots: TrajectoryPlots): HTMLElement {
  return h(
    'div',
    { class: 'ddpm-plots' },
    plots.dims?.element,
    h('div', { class: 'ddpm-side-by-side ddpm-wide-first' }, plots.plane?.element, plots.cloud?.element)
  );
}

function forEachPlot(plots: TrajectoryPlots, f: (box: PlotBox) => void): void {
  for (const box of [plots.dims, plots.plane, plots.cloud]) if (box) f(box);
}

/** The plane's sentence: what was recorded and what each path draws (trajectoriesModel.ts pathsSentence). */
function pathsNote(run: RunResult, scene: TrajectoryScene, selection: PathSelection | undefined): string | undefined {
  if (scene.states.t.length === 1) return undefined;
  return pathsSentence(
    run.schedule.betas.length,
    run.trajectory.steps.length,
    scene.states.t.length,
    run.trajectory.note,
    selection && { samples: selection.samples.length, states: selection.states.length },
    scene.n
  );
}

/** The notes that hold for the whole run: no trajectory, the projection. */
function trajectoryNotes(run: RunResult, scene: TrajectoryScene): string[] {
  const lines: string[] = [];
  const nonFinite = nonFiniteNote(scene.states);
  if (nonFinite) lines.push(nonFinite);
  if (scene.states.t.length === 1)
    lines.push('No trajectory was recorded for this run (recording policy "none"); only the final sample is shown.');
  if (scene.points && scene.states.t.length > 1)
    lines.push(
      "The paths and their start and end points are drawn pixel by pixel (a pixel is the stronger in colour the more paths cross it; zooming redraws them); the samples at the slider's state show their exact values on hover, as do the table and the copy buttons."
    );
  if (scene.pca)
    lines.push(
      'The projection uses the first two principal components of all recorded states (computed for display only).'
    );
  return lines;
}

/** Each plot's figure for the current state; the dimension and plane figures record the theme, what they left out and the plane's range. */
function figureBuilders(
  scene: TrajectoryScene,
  state: TrajectoryViewState
): { dims: FigureBuilder; plane: FigureBuilder; cloud: FigureBuilder } {
  return {
    dims: (_gl, theme) => {
      state.theme = theme;
      const { figure, selection } = dimensionsFigure(scene, state.dims, state.stateIndex, theme);
      state.dimsSelection = selection;
      state.dimsDrawn = state.dims;
      state.dimsStateIndex = state.stateIndex;
      return figure;
    },
    plane: (gl, theme) => {
      state.theme = theme;
      const { figure, range, selection } = planeFigure(scene, theme, state.equalAxes);
      state.selection = selection;
      state.planeRange = range;
      return figure;
    },
    cloud: (_gl, theme) => {
      state.theme = theme;
      return cloudFigure(scene, state.stateIndex, state.planeRange, theme, state.equalAxes);
    }
  };
}

/** Moving the slider sets the state index and calls onInput at once (the label), onFrame at most once a frame (the plots). */
function wireSlider(
  slider: HTMLInputElement,
  state: TrajectoryViewState,
  onInput: () => void,
  onFrame: () => void
): void {
  let pending = false;
  slider.addEventListener('input', () => {
    state.stateIndex = Number(slider.value);
    onInput();
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onFrame();
    });
  });
}

/**
 * The cloud's hover: the sample under the pointer (within a few pixels) with its exact values, in a tooltip over
 * the plot (the samples are an image, so plotly's own hover does not see them).
 */
function wireCloudHover(
  box: PlotBox,
  hit: (area: PlotArea, x: number, y: number) => { sample: number; text: string } | null
): void {
  const tip = h('div', { class: 'ddpm-tooltip', role: 'tooltip', 'data-testid': 'ddpm-cloud-hover' });
  tip.hidden = true;
  box.element.append(tip);
  box.plot.addEventListener('mousemove', (e) => {
    const offset = box.plotOffset();
    const area = box.plotArea();
    const found = offset && area ? hit(area, e.clientX - offset.left, e.clientY - offset.top) : null;
    if (!found) {
      tip.hidden = true;
      return;
    }
    const frame = box.element.getBoundingClientRect();
    tip.textContent = found.text;
    tip.hidden = false;
    tip.style.left = `${e.clientX - frame.left + 12}px`;
    tip.style.top = `${e.clientY - frame.top + 12}px`;
  });
  box.plot.addEventListener('mouseleave', () => (tip.hidden = true));
}

/** The dimension chooser: a valid list goes to onChange, a bad one shows its one-line error. */
function wireDimensions(controls: TrajectoryControls, d: number, onChange: (dims: number[]) => void): void {
  controls.dimsInput.addEventListener('change', () => {
    try {
      const dims = parseDimensions(controls.dimsInput.value, d);
      controls.dimsError.textContent = '';
      onChange(dims);
    } catch (e) {
      controls.dimsError.textContent = errorFirstLine(e);
    }
  });
}
