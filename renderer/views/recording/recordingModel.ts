// What the recording view draws, without the DOM: the user's recorded states and the reference's at the same steps
// as trajectory states (commonModel.ts numbering: x_T at T, the output of step t at t), the trajectory figure of both
// (the plane for d = 2, x[:, 0] against t otherwise) with the first divergent state marked, and the per-state
// distance figure (largest ulp distance per recorded state). The verdict itself is the core's (checkRecording.ts).
import type { RecordingVerdict } from '../../../src/core/run/checkRecording';
import type { Recording } from '../../../src/core/run/recording';
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import type { MatrixF32 } from '../../../src/core/types';
import type { PlotData } from '../../plotly';
import type { ThemeColors } from '../../theme';
import type { Pixels } from '../../dom';
import type { Figure, PlotArea } from '../common';
import { at, finiteOrNaN, scatterTraceType, stepTicks, type TrajectoryStates, type WebglProbe } from '../commonModel';
import { compositeOver, pathBounds, stampMarkers, type PathPoints } from '../trajectories/pathRaster';
import {
  boundsTrace,
  dimensionPoints,
  frameOf,
  identityPoints,
  paddedRange,
  pathLayerPixels,
  seriesRgb,
  type PlaneRange
} from '../trajectories/trajectoriesFigures';
import { PATH_POINT_BUDGET, identityPlane, selectPaths, type PathSelection } from '../trajectories/trajectoriesModel';

/** The two runs' recorded states, state for state (same t in the same order). */
export interface RecordingScene {
  n: number;
  d: number;
  T: number;
  yours: TrajectoryStates;
  ours: TrajectoryStates;
  /** index into the states of the first divergent one, or -1 */
  firstDivergentIndex: number;
}

/**
 * The marks of the first divergence, each run's in its chart colour (theme series): plotly's symbol and size (a
 * diameter, in CSS pixels) in the legend, drawn the same into the image.
 */
const DIVERGENCE_MARKS = [
  { run: 'ours', who: 'reference', series: 0, symbol: 'circle-open', size: 9, shape: 'ring' },
  { run: 'yours', who: 'yours', series: 3, symbol: 'x', size: 8, shape: 'x' }
] as const;

/**
 * The trajectory plot's legend, under it: a key, not a switch (its paths and marks are one image, which a click on an
 * entry would not change).
 */
const LEGEND = { orientation: 'h', y: -0.3, itemclick: false, itemdoubleclick: false };

/** The state key of a verdict state: x_T is T, the state after step t is t. */
const stateKey = (t: number | null, T: number): number => (t === null ? T : t);

export function recordingScene(r: Recording, v: RecordingVerdict): RecordingScene {
  const T = r.T;
  const yours: TrajectoryStates = { t: [], mats: [] };
  const ours: TrajectoryStates = { t: [], mats: [] };
  const after = new Map<number, MatrixF32>(v.reference.trajectory.steps.map((s) => [s.t, s.xPrev]));
  const xT = v.reference.trajectory.steps.find((s) => s.t === T - 1)?.x;
  const add = (t: number, mine: MatrixF32, ref: MatrixF32): void => {
    yours.t.push(t);
    yours.mats.push(mine);
    ours.t.push(t);
    ours.mats.push(ref);
  };
  if (r.init && xT) add(T, r.init.x, xT);
  for (const s of r.steps) {
    const ref = after.get(s.t);
    if (ref) add(s.t, s.x, ref);
  }
  const f = v.firstDivergence;
  const firstDivergentIndex = f ? yours.t.indexOf(stateKey(f.t, T)) : -1;
  return { n: r.inputs.n, d: r.inputs.d, T, yours, ours, firstDivergentIndex };
}

/** "x_T", "x_3", "x_0": the state's name. */
export function stateName(scene: RecordingScene, index: number): string {
  const t = scene.yours.t[index];
  return t === scene.T ? 'x_T' : `after step t = ${t}`;
}

/** The verdict for the view's root attribute: the first divergent step, "x_T", or "" when everything matches. */
export function firstDivergentStepAttribute(v: RecordingVerdict): string {
  if (!v.firstDivergence) return '';
  return v.firstDivergence.t === null ? 'x_T' : String(v.firstDivergence.t);
}

/**
 * A run's recorded states as the path rasteriser reads them: for d = 2 the plane (each state's (N, 2) matrix as it
 * is), otherwise x[:, 0] against t (each state's t its x: pathRaster.ts xOfState).
 */
function statePoints(states: TrajectoryStates, d: number): PathPoints {
  return d === 2 ? identityPoints(states) : dimensionPoints(states, d, 0);
}

/**
 * Both runs' paths and both states at the first divergence marked: for d = 2 in the plane, otherwise x[:, 0] against
 * t. The paths are drawn per pixel into the plot's image afterwards (recordingPathsPixels: every recorded state of
 * every path, the reference's under yours), so the figure's paths are legend entries, and its axes are fixed to both
 * runs' points (d = 2), or fit an invisible line across them (t reversed; as for a line, t without padding and the
 * values padded).
 */
export function recordingTrajectoryFigure(
  scene: RecordingScene,
  gl: WebglProbe,
  theme: ThemeColors
): { figure: Figure; note?: string; selection?: PathSelection } {
  const plane = scene.d === 2;
  const count = scene.yours.t.length;
  const sel = selectPaths(scene.n, count, Math.floor(PATH_POINT_BUDGET.raster / 2));
  const runs = [
    { states: scene.ours, name: 'reference (Algorithm 2)', color: theme.series[0] },
    { states: scene.yours, name: 'yours (recorded)', color: theme.series[1] }
  ];
  // the legend's entries (the image's paths are solid lines, in these colours)
  const data: PlotData[] = runs.map((r) => ({
    type: 'scatter',
    mode: 'lines',
    x: [null],
    y: [null],
    name: r.name,
    hoverinfo: 'skip',
    line: { width: 1.5, color: r.color }
  }));
  const boxes = runs
    .map((r) => pathBounds(statePoints(r.states, scene.d), sel.samples, sel.states))
    .filter((b) => b !== null);
  let range: PlaneRange | undefined;
  if (plane) {
    range = paddedRange(...boxes);
    data.push(...boundsTrace(range));
  } else if (boxes.length) {
    const x = [Math.min(...boxes.map((b) => b.x[0])), Math.max(...boxes.map((b) => b.x[1]))];
    const y = [Math.min(...boxes.map((b) => b.y[0])), Math.max(...boxes.map((b) => b.y[1]))];
    data.push({ type: 'scatter', mode: 'lines', x, y, opacity: 0, hoverinfo: 'skip', showlegend: false });
  }
  const k = scene.firstDivergentIndex;
  if (k >= 0) {
    const marks = (states: TrajectoryStates, who: string) => {
      const m = states.mats[k];
      const x: number[] = [];
      const y: number[] = [];
      const text: string[] = [];
      for (const i of sel.samples) {
        const [px, py] = plane ? identityPlane(m, i) : [states.t[k], at(m, i, 0)];
        x.push(finiteOrNaN(px));
        y.push(finiteOrNaN(py));
        text.push(
          `${who}, sample ${i}, ${stateName(scene, k)}<br>${plane ? `(${formatFloat32Shortest(px)}, ${formatFloat32Shortest(py)})` : formatFloat32Shortest(py)}`
        );
      }
      return { x, y, text };
    };
    const label = `first divergence (${stateName(scene, k)})`;
    // the marks are drawn into the image, over the paths (recordingPathsPixels); their traces are the legend's
    // entries and, unseen, the hover of each mark
    for (const mark of DIVERGENCE_MARKS) {
      const name = `${label}: ${mark.who}`;
      const marker = { symbol: mark.symbol, size: mark.size, color: theme.series[mark.series] };
      const m = marks(scene[mark.run], mark.who);
      data.push(
        { type: 'scatter', mode: 'markers', x: [null], y: [null], name, hoverinfo: 'skip', marker },
        {
          type: scatterTraceType(m.x.length, gl),
          mode: 'markers',
          ...m,
          hoverinfo: 'text',
          name,
          showlegend: false,
          marker: { ...marker, opacity: 0 }
        }
      );
    }
  }
  const fixed = (r: [number, number] | undefined) => ({ range: r, autorange: r ? false : true });
  const layout = plane
    ? {
        // fixed to both runs' points (the paths are images, which autorange does not see), each axis fitting its own
        xaxis: { title: { text: 'x[:, 0]' }, ...fixed(range?.x) },
        yaxis: { title: { text: 'x[:, 1]' }, ...fixed(range?.y) },
        legend: LEGEND,
        showlegend: true
      }
    : {
        xaxis: { title: { text: 't' }, autorange: 'reversed', ...stepTicks(scene.ours.t, scene.yours.t) },
        yaxis: { title: { text: 'x[:, 0]' } },
        legend: LEGEND,
        showlegend: true
      };
  return { figure: { data, layout }, note: sel.note, selection: sel };
}

/**
 * The plot's image for the plot area `area` at `scale` device pixels per CSS pixel: the reference's paths, then yours
 * laid over them (where they are equal, yours cover the reference's), each in its legend colour.
 */
export function recordingPathsPixels(
  scene: RecordingScene,
  sel: PathSelection,
  area: PlotArea,
  scale: number,
  theme: ThemeColors
): Pixels {
  const points = { ours: statePoints(scene.ours, scene.d), yours: statePoints(scene.yours, scene.d) };
  const ours = pathLayerPixels(points.ours, sel, area, scale, seriesRgb(theme, 0));
  const yours = pathLayerPixels(points.yours, sel, area, scale, seriesRgb(theme, 1));
  compositeOver(ours.rgba, yours.rgba);
  const k = scene.firstDivergentIndex;
  if (k >= 0) {
    // the marks of the first divergence over both runs' paths, as the figure's legend shows them
    const frame = frameOf(area, scale);
    for (const mark of DIVERGENCE_MARKS)
      stampMarkers(ours.rgba, frame, points[mark.run], k, sel.samples, {
        rgb: seriesRgb(theme, mark.series),
        radius: (mark.size / 2) * scale,
        shape: mark.shape
      });
  }
  return ours;
}

/**
 * Where a state with a NaN against a number (maxUlp Infinity) is drawn on the log axis: above every finite distance
 * (two float32 values are fewer than 2^32 ulps apart), as an x, so that a run gone NaN does not vanish from the plot.
 */
export const NAN_ULP_Y = 2 ** 32;

/** Largest ulp distance of each recorded state from the reference's (log axis; a matching state sits on the floor at 0). */
export function recordingDistanceFigure(scene: RecordingScene, v: RecordingVerdict, theme: ThemeColors): Figure {
  const x = v.states.map((s) => stateKey(s.t, scene.T));
  // log axis: 0 ulps is drawn at 0.5 (below 1 ulp), labelled as 0 in the hover text
  const y = v.states.map((s) => (s.maxUlp === Infinity ? NAN_ULP_Y : Math.max(s.maxUlp, 0.5)));
  const text = v.states.map(
    (s) =>
      `${s.t === null ? 'x_T' : `after step t = ${s.t}`}: ${s.differing === 0 ? 'bit for bit equal' : `${s.differing} of ${scene.n * scene.d} elements differ, at most ${s.maxUlp === Infinity ? 'NaN against a number (drawn at the top, as an x)' : `${s.maxUlp} ulps`}, max |diff| ${s.maxAbsDiff}`}`
  );
  const symbols = v.states.map((s) => (s.maxUlp === Infinity ? 'x' : 'circle'));
  const colors = v.states.map((s) => (s.differing === 0 ? theme.series[2] : theme.series[3]));
  const shapes: Record<string, unknown>[] = [];
  const f = v.firstDivergence;
  if (f) {
    const at = stateKey(f.t, scene.T);
    shapes.push({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: at,
      x1: at,
      y0: 0,
      y1: 1,
      line: { color: theme.error, width: 1, dash: 'dot' }
    });
  }
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        x,
        y,
        text,
        hoverinfo: 'text',
        name: 'max ulp distance',
        line: { color: theme.muted, width: 1 },
        marker: { color: colors, size: 7, symbol: symbols }
      }
    ],
    layout: {
      xaxis: { title: { text: 't (x_T at T)' }, autorange: 'reversed', ...stepTicks(x) },
      yaxis: { title: { text: 'max ulp distance' }, type: 'log' },
      shapes,
      showlegend: false
    }
  };
}
