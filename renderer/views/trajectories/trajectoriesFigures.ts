// The trajectories view's plotly figures, built from the run's scene (its states, which plots, the
// projection) and what the controls chose (state index, dimensions): the paths in the plane, the
// cloud of samples at the slider's state, and chosen dimensions against t. No DOM here.
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import type { MatrixF32, RunResult } from '../../../src/core/types';
import type { PlotData, PlotLayout } from '../../plotly';
import type { ThemeColors } from '../../theme';
import type { Pixels } from '../../dom';
import type { Figure, PlotArea } from '../common';
import { at, stepTicks, trajectoryStates, type TrajectoryStates } from '../commonModel';
import { pcaOfStates, pcaPlane, type Pca2 } from './pca';
import {
  coverageRgba,
  extendBox,
  parseCssColor,
  pathAlpha,
  pathBounds,
  pathCoverage,
  nearestPoint,
  stampMarkers,
  type PathPoints,
  type RasterFrame
} from './pathRaster';
import {
  PATH_POINT_BUDGET,
  identityPlane,
  selectPaths,
  type PathSelection,
  trajectoryLayout,
  type TrajectoryKinds
} from './trajectoriesModel';

/** What the figures of one run are drawn from; fixed for the run. */
export interface TrajectoryScene {
  /** samples N and dimensions d */
  n: number;
  d: number;
  states: TrajectoryStates;
  /** which plots the run gets */
  kinds: TrajectoryKinds;
  /** the principal components when the plane is a projection */
  pca: Pca2 | null;
  /** the point of sample `row` of a state in the plane, when there is a plane */
  project: ((m: MatrixF32, row: number) => [number, number]) | null;
  /** the plane's axis titles */
  axisTitle: [string, string];
  /** every state's points in the plane, for the per-pixel paths (pathRaster.ts); null when there is no plane */
  points: PathPoints | null;
  /** the indices of all samples, 0..n-1 (whose start, end and cloud points are drawn and hovered) */
  every: number[];
}

export function trajectoryScene(run: RunResult): TrajectoryScene {
  const d = run.sample.cols;
  const states = trajectoryStates(run);
  const kinds = trajectoryLayout(d);
  const pca = kinds.plane === 'pca' ? pcaOfStates(states, d) : null;
  const project = kinds.plane === 'identity' ? identityPlane : pca ? pcaPlane(pca) : null;
  const axisTitle: [string, string] = kinds.plane === 'identity' ? ['x[:, 0]', 'x[:, 1]'] : ['PC1', 'PC2'];
  const n = run.sample.rows;
  const points = project ? planePoints(states, n, d, project) : null;
  return { n, d, states, kinds, pca, project, axisTitle, points, every: Array.from({ length: n }, (_, i) => i) };
}

/** The states' points in the plane: the matrices themselves for d = 2, else their projections (float64, display only). */
function planePoints(
  states: TrajectoryStates,
  n: number,
  d: number,
  project: (m: MatrixF32, row: number) => [number, number]
): PathPoints {
  if (d === 2) return identityPoints(states);
  const data = states.mats.map((m) => {
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) [xy[2 * i], xy[2 * i + 1]] = project(m, i);
    return xy;
  });
  return { data, stride: 2, ox: 0, oy: 1 };
}

/** The states of d = 2 as the path rasteriser reads them: each state's (N, 2) matrix as it is, the plane. */
export function identityPoints(states: TrajectoryStates): PathPoints {
  return { data: states.mats.map((m) => m.data), stride: 2, ox: 0, oy: 1 };
}

/** Dimension j of every state (of dimension d) against t (pathRaster.ts xOfState): one dimension's paths. */
export function dimensionPoints(states: TrajectoryStates, d: number, j: number): PathPoints {
  return { data: states.mats.map((m) => m.data), stride: d, ox: j, oy: j, xOfState: states.t };
}

/** An axis-aligned box in the plane: x range and y range. */
export interface PlaneRange {
  x: [number, number];
  y: [number, number];
}

/** The slider's text for a state: x_T is the initial noise, x_0 the sample. */
export function stateLabel(states: TrajectoryStates, stateIndex: number): string {
  const t = states.t[stateIndex];
  return t === states.t[0] && t !== 0 ? `x_${t} (initial noise)` : t === 0 ? 'x_0 (the sample)' : `x_${t}`;
}

/** One entry of the plane's legend: the paths' line, the samples' start ring or end disc. */
export interface LegendEntry {
  name: string;
  kind: 'line' | 'ring' | 'disc';
  color: string;
}

/** The plane's legend: shown under the plot as HTML (drawn at once, also in the sketch), in saved images by plotly. */
export function planeLegend(scene: TrajectoryScene, theme: ThemeColors): LegendEntry[] {
  return [
    { name: 'paths', kind: 'line', color: theme.series[0] },
    { name: `start x_${scene.states.t[0]}`, kind: 'ring', color: theme.series[1] },
    { name: 'end x_0', kind: 'disc', color: theme.series[2] }
  ];
}

/**
 * What a saved image of the plane adds to the plot on screen: plotly's legend of the legend-only traces (on screen
 * the legend is HTML under the plot, so plotly's plot area is known before plotly has drawn: views/sketch.ts).
 */
export const PLANE_SAVED_LAYOUT: PlotLayout = { showlegend: true, legend: { orientation: 'h', y: -0.18 } };

/**
 * The plane's axes, fitted to every drawn point (padded). The paths and their start and end points are drawn per
 * pixel into the plot's layout image afterwards (pathsPixels), so the figure's traces are only the legend's entries
 * (for saved images) and the bounds for autoscale; the cloud beside it shows each sample's exact values on hover.
 * Also returns which samples and states the paths draw and the plane's range.
 */
export function planeFigure(
  scene: TrajectoryScene,
  theme: ThemeColors,
  equalAxes = false
): { figure: Figure; range?: PlaneRange; selection?: PathSelection } {
  const { points, axisTitle } = scene;
  if (!points) return { figure: { data: [], layout: {} } };
  const { sel, range } = planeBox(scene, points);
  const style: Record<LegendEntry['kind'], (color: string) => PlotData> = {
    line: (color) => ({ mode: 'lines', line: { width: 2, color } }),
    ring: (color) => ({ mode: 'markers', marker: { symbol: 'circle-open', size: 7, color } }),
    disc: (color) => ({ mode: 'markers', marker: { symbol: 'circle', size: 6, color } })
  };
  const legend = planeLegend(scene, theme).map((entry): PlotData => ({
    type: 'scatter',
    x: [null],
    y: [null],
    name: entry.name,
    hoverinfo: 'skip',
    ...style[entry.kind](entry.color)
  }));
  const figure: Figure = {
    data: [...legend, ...boundsTrace(range)],
    layout: { ...planeAxes(axisTitle, range, equalAxes), showlegend: false }
  };
  return { figure, range, selection: sel };
}

/**
 * The axes of the plane and of the cloud beside it: fixed to `range`, every drawn point (the paths and the samples
 * are not traces, so autorange would not see them), or autorange without one. Each axis fits its own data (spreads of
 * 1e6 against 1e4 would collapse into a line on equal axes); equal axes on request. Each layout gets range arrays of
 * its own: plotly writes a zoom into them, which must not reach the plane's box (kept for the scene) or the other
 * plot's axes.
 */
function planeAxes(
  titles: [string, string],
  range: PlaneRange | undefined,
  equalAxes: boolean
): { xaxis: Record<string, unknown>; yaxis: Record<string, unknown> } {
  const axis = (title: string, r: [number, number] | undefined) => ({
    title: { text: title },
    range: r && [r[0], r[1]],
    autorange: range ? false : true
  });
  return {
    xaxis: axis(titles[0], range?.x),
    yaxis: { ...axis(titles[1], range?.y), scaleanchor: equalAxes ? 'x' : undefined }
  };
}

const planeBoxes = new WeakMap<TrajectoryScene, { sel: PathSelection; range?: PlaneRange }>();

/**
 * Which samples and states the plane's paths draw and the box around them and every start and end point (padded),
 * worked out once for a scene: its sketch and its plotly figure (and a new theme's) ask for the same.
 */
function planeBox(scene: TrajectoryScene, points: PathPoints): { sel: PathSelection; range?: PlaneRange } {
  const known = planeBoxes.get(scene);
  if (known) return known;
  const count = scene.states.t.length;
  const sel = selectPaths(scene.n, count, PATH_POINT_BUDGET.raster);
  const bounds = pathBounds(points, sel.samples, sel.states);
  // the start and end points of every sample are drawn, also those whose paths are left out
  const ends = pathBounds(points, scene.every, [0, count - 1]);
  const box = { sel, range: paddedRange(...[bounds, ends].filter((b) => b !== null)) };
  planeBoxes.set(scene, box);
  return box;
}

/**
 * The plane's pixels for the plot area `area` (CSS pixels, its axis ranges) at `scale` device pixels per CSS pixel:
 * the paths per pixel, then every sample's start (a ring) and end (a disc) as the legend shows them.
 */
export function pathsPixels(
  scene: TrajectoryScene,
  sel: PathSelection,
  area: PlotArea,
  scale: number,
  theme: ThemeColors
): Pixels | null {
  const { points, states, every } = scene;
  if (!points) return null;
  const frame = frameOf(area, scale);
  const { rgba } = pathLayerPixels(points, sel, area, scale, seriesRgb(theme, 0));
  // plotly's marker size is a diameter in CSS pixels: 7 (open circle) and 6 (disc), as in the legend
  stampMarkers(rgba, frame, points, 0, every, { rgb: seriesRgb(theme, 1), radius: 3.5 * scale, shape: 'ring' });
  stampMarkers(rgba, frame, points, states.t.length - 1, every, {
    rgb: seriesRgb(theme, 2),
    radius: 3 * scale,
    shape: 'disc'
  });
  return { rgba, width: frame.width, height: frame.height };
}

/**
 * The paths of `sel` through `points` drawn per pixel in colour `rgb` over the plot area `area` at `scale` device
 * pixels per CSS pixel: a pixel is the stronger the more paths cross it (pathRaster.ts).
 */
export function pathLayerPixels(
  points: PathPoints,
  sel: PathSelection,
  area: PlotArea,
  scale: number,
  rgb: [number, number, number]
): Pixels {
  const frame = frameOf(area, scale);
  const rgba = coverageRgba(pathCoverage(points, sel.samples, sel.states, frame), rgb, pathAlpha(sel.samples.length));
  return { rgba, width: frame.width, height: frame.height };
}

/**
 * An invisible trace at two corners of the drawn points' box: the points are the plot's image, which plotly's
 * autoscale (its modebar button) cannot see, so autoscale fits this instead.
 */
export function boundsTrace(range: PlaneRange | undefined): PlotData[] {
  if (!range) return [];
  return [
    {
      type: 'scatter',
      mode: 'markers',
      x: range.x,
      y: range.y,
      marker: { opacity: 0 },
      hoverinfo: 'skip',
      showlegend: false
    }
  ];
}

/** The theme's series colour k as RGB for the images (grey should the theme give a colour CSS cannot parse). */
export function seriesRgb(theme: ThemeColors, k: number): [number, number, number] {
  return parseCssColor(theme.series[k]) ?? [128, 128, 128];
}

/** The pixel frame of `area` at `scale` device pixels per CSS pixel. */
export function frameOf(area: PlotArea, scale: number): RasterFrame {
  return {
    width: Math.max(1, Math.round(area.width * scale)),
    height: Math.max(1, Math.round(area.height * scale)),
    x: area.x,
    y: area.y
  };
}

/**
 * A layout image covering the area of the x axis and the y axis `y` (y, y2, …) exactly, in their data: plotly moves it
 * with the axes during a pan or an axis drag, and places it by its left edge and width |sizex| on a reversed axis too.
 * Its layer is 'above': over the grid and the zero lines, as plotly draws data, clipped to the plot area (so not over
 * the axis lines at its edges), under the slider's line (a shape above), the legend and the hover labels. It lies over
 * the traces too, so what a plot shows over its paths is drawn into the image (the recording view's marks).
 */
export function areaImage(source: string, area: PlotArea, y = 'y'): Record<string, unknown> {
  return {
    source,
    xref: 'x',
    yref: y,
    x: area.x[0],
    y: area.y[1],
    sizex: area.x[1] - area.x[0],
    sizey: area.y[1] - area.y[0],
    sizing: 'stretch',
    xanchor: 'left',
    yanchor: 'top',
    layer: 'above'
  };
}

/** The name of a state: x_t. */
export function stateName(scene: TrajectoryScene, stateIndex: number): string {
  return `x_${scene.states.t[stateIndex]}`;
}

/**
 * The cloud of samples at one state: axes fixed to the plane's range (so that moving the slider keeps them still),
 * titled with the state; the samples themselves are drawn on the plot's layer (cloudPixels, PlotBox.paintLayer), so
 * the figure has no trace of them (only the invisible one that holds the axes' ranges) and a slider move repaints
 * one canvas, not N markers.
 */
export function cloudFigure(
  scene: TrajectoryScene,
  stateIndex: number,
  range: PlaneRange | undefined,
  theme: ThemeColors,
  equalAxes = false
): Figure {
  const label = stateName(scene, stateIndex);
  return {
    data: boundsTrace(range),
    layout: {
      ...planeAxes(scene.axisTitle, range, equalAxes),
      title: { text: label, font: { size: theme.fontSize } },
      margin: { t: 36 },
      showlegend: false
    }
  };
}

/** The pixels of the samples at one state, as discs of plotly's marker size 6, over the plot area. */
export function cloudPixels(
  scene: TrajectoryScene,
  stateIndex: number,
  area: PlotArea,
  scale: number,
  theme: ThemeColors
): Pixels | null {
  if (!scene.points) return null;
  const frame = frameOf(area, scale);
  const rgba = new Uint8ClampedArray(frame.width * frame.height * 4);
  stampMarkers(rgba, frame, scene.points, stateIndex, scene.every, {
    rgb: seriesRgb(theme, 3),
    radius: 3 * scale,
    shape: 'disc'
  });
  return { rgba, width: frame.width, height: frame.height };
}

/**
 * What the pointer at (x, y) CSS pixels in the plot area is on: the nearest sample at the state within 8 pixels,
 * with its exact float32 coordinates when the plane is x itself ("sample 3, x_0 (0.1, -2.5)"), or null.
 */
export function cloudHover(
  scene: TrajectoryScene,
  stateIndex: number,
  area: PlotArea,
  x: number,
  y: number
): { sample: number; text: string } | null {
  if (!scene.points) return null;
  const i = nearestPoint(scene.points, stateIndex, scene.every, frameOf(area, 1), x, y, 8);
  if (i < 0) return null;
  const m = scene.states.mats[stateIndex];
  const label = stateName(scene, stateIndex);
  const text =
    scene.kinds.plane === 'identity'
      ? `sample ${i}, ${label} (${formatFloat32Shortest(at(m, i, 0))}, ${formatFloat32Shortest(at(m, i, 1))})`
      : `sample ${i}, ${label}`;
  return { sample: i, text };
}

/**
 * Each chosen dimension against t in a subplot of its own (the first on top), with the slider's line, and what was
 * left out. The paths are drawn per pixel into each subplot's layout image afterwards (dimensionsImages), as the
 * plane's are: as plotly's WebGL lines they took seconds to draw without a GPU (README "Performance"). So each
 * subplot's one trace is an invisible line (opacity 0) across the box of its paths, which plotly's autorange fits as
 * it fitted the lines (t without padding, the values padded).
 */
export function dimensionsFigure(
  scene: TrajectoryScene,
  dims: number[],
  stateIndex: number,
  theme: ThemeColors
): { figure: Figure; selection: PathSelection } {
  const sel = selectPaths(
    scene.n,
    scene.states.t.length,
    Math.floor(PATH_POINT_BUDGET.raster / Math.max(1, dims.length))
  );
  const data: PlotData[] = [];
  const layout: PlotLayout = {
    xaxis: { title: { text: 't' }, autorange: 'reversed', anchor: 'y', ...stepTicks(scene.states.t) },
    showlegend: false,
    shapes: [sliderShape(scene, stateIndex, theme)]
  };
  const gap = 0.06;
  const height = (1 - gap * (dims.length - 1)) / dims.length;
  dims.forEach((j, k) => {
    const pos = dims.length - 1 - k; // first chosen dimension on top
    const bounds = pathBounds(dimensionPoints(scene.states, scene.d, j), sel.samples, sel.states);
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: bounds ? bounds.x : [],
      y: bounds ? bounds.y : [],
      xaxis: 'x',
      yaxis: pos === 0 ? 'y' : `y${pos + 1}`,
      opacity: 0,
      hoverinfo: 'skip',
      name: `x[:, ${j}]`
    });
    layout[dimensionAxis(pos)] = {
      domain: [pos * (height + gap), pos * (height + gap) + height],
      title: { text: `x[:, ${j}]` },
      anchor: 'x'
    };
  });
  return { figure: { data, layout }, selection: sel };
}

/** The layout key of the y axis of the dimensions plot's subplot `pos` (0 at the bottom). */
function dimensionAxis(pos: number): 'yaxis' | `yaxis${number}` {
  return pos === 0 ? 'yaxis' : `yaxis${pos + 1}`;
}

/**
 * The dimensions plot's layout images: for each chosen dimension (the first on top) whose subplot `areaOf` gives
 * (CSS pixels, its axes' ranges), its paths per pixel at `scale` device pixels per CSS pixel in the theme's series
 * colour k, covering that subplot's axes exactly (areaImage).
 */
export function dimensionsImages(
  scene: TrajectoryScene,
  dims: number[],
  sel: PathSelection,
  areaOf: (axis: 'yaxis' | `yaxis${number}`) => PlotArea | undefined,
  scale: number,
  theme: ThemeColors,
  encode: (pixels: Pixels) => string
): Record<string, unknown>[] {
  const images: Record<string, unknown>[] = [];
  dims.forEach((j, k) => {
    const axis = dimensionAxis(dims.length - 1 - k);
    const area = areaOf(axis);
    if (!area) return;
    const pixels = pathLayerPixels(
      dimensionPoints(scene.states, scene.d, j),
      sel,
      area,
      scale,
      seriesRgb(theme, k % theme.series.length)
    );
    images.push(areaImage(encode(pixels), area, axis.replace('axis', '')));
  });
  return images;
}

/** The dotted vertical line at the slider's t on the dimensions plot. */
export function sliderShape(scene: TrajectoryScene, stateIndex: number, theme: ThemeColors): Record<string, unknown> {
  const t = scene.states.t[stateIndex];
  return {
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: t,
    x1: t,
    y0: 0,
    y1: 1,
    line: { color: theme.muted, width: 1, dash: 'dot' }
  };
}

/** The box around every drawn point, padded by 5% (fixed axes for the slider's cloud). */
export function paddedRange(...sets: { x: ArrayLike<number>; y: ArrayLike<number> }[]): PlaneRange | undefined {
  const box = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of sets) for (let k = 0; k < s.x.length; k++) extendBox(box, s.x[k], s.y[k]);
  const [x0, x1, y0, y1] = box;
  if (!(x1 >= x0 && y1 >= y0)) return undefined;
  const px = (x1 - x0) * 0.05 || 1;
  const py = (y1 - y0) * 0.05 || 1;
  return { x: [x0 - px, x1 + px], y: [y0 - py, y1 + py] };
}
