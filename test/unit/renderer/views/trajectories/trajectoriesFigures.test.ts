// The dimensions-against-t plot (renderer/views/trajectories/trajectoriesFigures.ts): its figure holds one invisible
// line a subplot across the box of that dimension's paths (autorange fits it), and its paths are drawn per pixel into
// one layout image a subplot, each on its subplot's axes and showing the chosen dimension's paths in its colour.
import { strict as assert } from 'node:assert';
import { at } from '../../../../../renderer/views/commonModel';
import type { PlotArea } from '../../../../../renderer/views/common';
import type { Pixels } from '../../../../../renderer/dom';
import { pathCoverage, type PathPoints } from '../../../../../renderer/views/trajectories/pathRaster';
import {
  cloudFigure,
  dimensionsFigure,
  dimensionsImages,
  planeFigure,
  seriesRgb,
  trajectoryScene
} from '../../../../../renderer/views/trajectories/trajectoriesFigures';
import { LIGHT_THEME, syntheticRun } from '../../../helpers/rendererRuns';

const theme = LIGHT_THEME;

// 4 samples, d = 3, every state of T = 6 recorded: x_6 … x_0; dimension j of sample i at t is sin(0.7 t + 1.3 i + 2.1 j)
const run = syntheticRun(4, 3, 6);
const scene = trajectoryScene(run);
const DIMS = [2, 0];

/** The smallest and largest value of dimension j over every state and sample, read from the states themselves. */
function dimensionBox(j: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of scene.states.mats)
    for (let i = 0; i < scene.n; i++) {
      lo = Math.min(lo, at(m, i, j));
      hi = Math.max(hi, at(m, i, j));
    }
  return [lo, hi];
}

describe('trajectoriesFigures: the dimensions plot', () => {
  it('one invisible line a chosen dimension, across the box of its paths, the first dimension on top', () => {
    const { figure, selection } = dimensionsFigure(scene, DIMS, 0, theme);
    assert.equal(selection.note, undefined, 'every path and state is drawn');
    assert.deepEqual(
      figure.data.map((d) => [d.type, d.mode, d.opacity, d.yaxis, d.name]),
      [
        ['scatter', 'lines', 0, 'y2', 'x[:, 2]'],
        ['scatter', 'lines', 0, 'y', 'x[:, 0]']
      ]
    );
    DIMS.forEach((j, k) => {
      assert.deepEqual(figure.data[k].x, [0, 6]);
      assert.deepEqual(figure.data[k].y, dimensionBox(j));
    });
    const { layout } = figure;
    assert.equal(layout.yaxis2.title.text, 'x[:, 2]');
    assert.equal(layout.yaxis.title.text, 'x[:, 0]');
    assert.ok(layout.yaxis2.domain[0] > layout.yaxis.domain[1], 'the first chosen dimension is the top subplot');
    assert.equal(layout.xaxis.autorange, 'reversed');
  });

  it("each subplot's image lies on its axes and holds its dimension's paths, per pixel, in its own colour", () => {
    const { figure, selection } = dimensionsFigure(scene, DIMS, 0, theme);
    // the subplots as plotly lays them out: t reversed, y fitted to the invisible line
    const areas = new Map<string, PlotArea>([
      ['yaxis2', { width: 30, height: 12, x: [6, 0], y: figure.data[0].y as [number, number] }],
      ['yaxis', { width: 30, height: 12, x: [6, 0], y: figure.data[1].y as [number, number] }]
    ]);
    const encoded: Pixels[] = [];
    const images = dimensionsImages(
      scene,
      DIMS,
      selection,
      (axis) => areas.get(axis),
      1,
      theme,
      (pixels) => {
        encoded.push(pixels);
        return `image ${encoded.length - 1}`;
      }
    );
    // each image on its subplot's axes, in their data (t reversed: a negative width, which plotly takes as |sizex|), over
    // the grid
    const top = areas.get('yaxis2')!.y;
    const bottom = areas.get('yaxis')!.y;
    assert.deepEqual(
      images.map((im) => [im.source, im.xref, im.yref, im.x, im.y, im.sizex, im.sizey, im.sizing, im.layer]),
      [
        ['image 0', 'x', 'y2', 6, top[1], -6, top[1] - top[0], 'stretch', 'above'],
        ['image 1', 'x', 'y', 6, bottom[1], -6, bottom[1] - bottom[0], 'stretch', 'above']
      ]
    );
    DIMS.forEach((j, k) => {
      // the same paths written out point by point: (t, x_t[i, j])
      const data = scene.states.mats.map((m, s) => {
        const xy = new Float64Array(2 * scene.n);
        for (let i = 0; i < scene.n; i++) [xy[2 * i], xy[2 * i + 1]] = [scene.states.t[s], at(m, i, j)];
        return xy;
      });
      const written: PathPoints = { data, stride: 2, ox: 0, oy: 1 };
      const area = areas.get(k === 0 ? 'yaxis2' : 'yaxis')!;
      const counts = pathCoverage(written, selection.samples, selection.states, { ...area });
      const { rgba, width, height } = encoded[k];
      assert.deepEqual([width, height], [30, 12]);
      const rgb = seriesRgb(theme, k);
      let painted = 0;
      counts.forEach((c, p) => {
        assert.equal(rgba[4 * p + 3] > 0, c > 0, `dimension ${j}, pixel ${p}: ${c} paths`);
        if (c > 0) {
          painted++;
          assert.deepEqual([rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]], rgb);
        }
      });
      assert.ok(painted > 30, `dimension ${j}: only ${painted} pixels painted`);
    });
  });

  it('a subplot not laid out (yet) gets no image', () => {
    const { selection } = dimensionsFigure(scene, DIMS, 0, theme);
    const area: PlotArea = { width: 10, height: 10, x: [6, 0], y: [-1, 1] };
    const images = dimensionsImages(
      scene,
      DIMS,
      selection,
      (axis) => (axis === 'yaxis' ? area : undefined),
      1,
      theme,
      () => 'png'
    );
    assert.deepEqual(
      images.map((im) => im.yref),
      ['y']
    );
  });
});

describe('trajectoriesFigures: the plane', () => {
  it("fixes its axes to every point of the paths, padded by 5 %; a zoom written into one figure's range leaves the next one's alone", () => {
    const plane = trajectoryScene(syntheticRun(5, 2, 6));
    // the box of every state of every sample, read from the states themselves
    const padded = (j: number): [number, number] => {
      const v = plane.states.mats.flatMap((m) => Array.from({ length: plane.n }, (_, i) => at(m, i, j)));
      const [lo, hi] = [Math.min(...v), Math.max(...v)];
      return [lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05];
    };
    const expected = { x: padded(0), y: padded(1) };
    const first = planeFigure(plane, theme);
    assert.deepEqual(first.range, expected);
    const layout = first.figure.layout as { xaxis: { range: number[] }; yaxis: { range: number[] } };
    assert.deepEqual([layout.xaxis.range, layout.yaxis.range], [expected.x, expected.y]);
    // plotly writes a zoom into the layout's range arrays, in place: into the plane's, or into the cloud's beside it,
    // which is given the plane's range
    const cloud = cloudFigure(plane, 0, first.range, theme).layout as typeof layout;
    assert.deepEqual([cloud.xaxis.range, cloud.yaxis.range], [expected.x, expected.y]);
    layout.xaxis.range[0] = 123;
    layout.yaxis.range[1] = 456;
    cloud.xaxis.range[1] = 789;
    cloud.yaxis.range[0] = -789;
    assert.deepEqual(first.range, expected);
    for (const equalAxes of [false, true]) assert.deepEqual(planeFigure(plane, theme, equalAxes).range, expected);
  });
});
