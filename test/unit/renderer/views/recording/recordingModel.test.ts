// The recording view's plots (renderer/views/recording/recordingModel.ts): the distance plot has a point for every
// recorded state, a state gone NaN included; for d other than 2, both runs' x[:, 0] against t are drawn per pixel.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkRecording } from '../../../../../src/core/run/checkRecording';
import { decodeRecording } from '../../../../../src/core/run/recording';
import {
  NAN_ULP_Y,
  recordingDistanceFigure,
  recordingPathsPixels,
  recordingScene,
  recordingTrajectoryFigure,
  stateName
} from '../../../../../renderer/views/recording/recordingModel';
import { at, NO_WEBGL } from '../../../../../renderer/views/commonModel';
import type { PlotArea } from '../../../../../renderer/views/common';
import {
  parseCssColor,
  pathCoverage,
  stampMarkers,
  type PathPoints
} from '../../../../../renderer/views/trajectories/pathRaster';
import { ROOT } from '../../../helpers/paths';
import { LIGHT_THEME } from '../../../helpers/rendererRuns';

const theme = LIGHT_THEME;

/** PyTorch's recording of the correct loop (scripts/fixtures/recording.py), with x after step `t` set to NaN from element `from` on. */
function goneNaN(t: number, from: number): ReturnType<typeof decodeRecording> {
  const json = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/recording/correct.run.json'), 'utf8'));
  const step = (json.steps as { t: number; x: { base64: string } }[]).find((s) => s.t === t)!;
  const bytes = Buffer.from(step.x.base64, 'base64');
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  x.fill(NaN, from);
  step.x.base64 = Buffer.from(x.buffer).toString('base64');
  return decodeRecording(json);
}

describe('recording view: the distance plot', () => {
  it('draws a state with NaN against a number at the top, as an x, instead of leaving it out', () => {
    const r = goneNaN(1, 3);
    const v = checkRecording(r);
    const k = v.states.findIndex((s) => s.t === 1);
    assert.equal(v.states[k].maxUlp, Infinity);
    const [trace] = recordingDistanceFigure(recordingScene(r, v), v, theme).data;
    const y = trace.y as number[];
    assert.equal(y.length, v.states.length, 'a point per recorded state');
    assert.ok(y.every(Number.isFinite), `every point is drawn: ${y.join(', ')}`);
    assert.equal(y[k], NAN_ULP_Y);
    // above every finite float32 ulp distance (-inf to +inf: 2 * 0x7f800000 ulps)
    assert.ok(NAN_ULP_Y > 2 * 0x7f800000);
    assert.equal((trace.marker.symbol as string[])[k], 'x');
    assert.match((trace.text as string[])[k], /NaN against a number \(drawn at the top, as an x\)/);
    // the states before it match the reference: on the floor, as circles
    const before = v.states.findIndex((s) => s.t === 2);
    assert.equal(y[before], 0.5);
    assert.equal((trace.marker.symbol as string[])[before], 'circle');
  });
});

describe('recording view: x[:, 0] against t (d other than 2)', () => {
  // PyTorch's recording of a d = 3 loop (N = 5, T = 10, every 3rd step; scripts/fixtures/recording.py)
  const r = decodeRecording(
    JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/recording/float64-schedule.run.json'), 'utf8'))
  );
  const v = checkRecording(r);
  const scene = recordingScene(r, v);

  it('draws every recorded state of every path per pixel: the figure has legend entries and an invisible line across both runs', () => {
    assert.equal(scene.d, 3);
    const { figure, selection } = recordingTrajectoryFigure(scene, NO_WEBGL, theme);
    assert.ok(selection, 'the paths are drawn per pixel');
    assert.equal(selection.note, undefined, 'nothing is thinned');
    const [ours, yours, box] = figure.data;
    assert.deepEqual(
      [ours, yours].map((d) => [d.name, d.x, d.line.color]),
      [
        ['reference (Algorithm 2)', [null], theme.series[0]],
        ['yours (recorded)', [null], theme.series[1]]
      ]
    );
    // the box of both runs' x[:, 0] over every recorded state, read from the states themselves
    const values = [scene.ours, scene.yours].flatMap((s) =>
      s.mats.flatMap((m) => Array.from({ length: scene.n }, (_, i) => at(m, i, 0)))
    );
    const ts = scene.yours.t;
    assert.deepEqual(
      [box.type, box.mode, box.opacity, box.showlegend, box.x, box.y],
      ['scatter', 'lines', 0, false, [Math.min(...ts), Math.max(...ts)], [Math.min(...values), Math.max(...values)]]
    );
    assert.ok(figure.data.every((d) => d.type === 'scatter'));
    assert.equal(figure.layout.xaxis.autorange, 'reversed');
  });

  it("the image holds both runs' paths and the marks of the first divergence, each pixel lit where either run's written-out points cross it or a mark covers it", () => {
    const { figure, selection } = recordingTrajectoryFigure(scene, NO_WEBGL, theme);
    const box = figure.data[2];
    const area: PlotArea = { width: 40, height: 16, x: [box.x[1], box.x[0]], y: box.y };
    const { rgba, width, height } = recordingPathsPixels(scene, selection!, area, 1, theme);
    assert.deepEqual([width, height], [40, 16]);
    const written = (states: typeof scene.ours): PathPoints => ({
      data: states.mats.map((m, s) => {
        const xy = new Float64Array(2 * scene.n);
        for (let i = 0; i < scene.n; i++) [xy[2 * i], xy[2 * i + 1]] = [states.t[s], at(m, i, 0)];
        return xy;
      }),
      stride: 2,
      ox: 0,
      oy: 1
    });
    const [a, b] = [scene.ours, scene.yours].map((s) =>
      pathCoverage(written(s), selection!.samples, selection!.states, { ...area })
    );
    // the marks: a ring of plotly's size 9 on the reference's state, an x of size 8 on yours
    const k = scene.firstDivergentIndex;
    assert.ok(k > 0, 'the recording diverges');
    const marks = new Uint8ClampedArray(40 * 16 * 4);
    stampMarkers(marks, area, written(scene.ours), k, selection!.samples, {
      rgb: [1, 1, 1],
      radius: 4.5,
      shape: 'ring'
    });
    stampMarkers(marks, area, written(scene.yours), k, selection!.samples, { rgb: [2, 2, 2], radius: 4, shape: 'x' });
    let lit = 0;
    let marked = 0;
    a.forEach((c, p) => {
      assert.equal(rgba[4 * p + 3] > 0, c + b[p] > 0 || marks[4 * p + 3] > 0, `pixel ${p}`);
      if (c + b[p] > 0) lit++;
      // a mark is drawn opaque over the paths, in its run's colour: yours' over the reference's
      if (marks[4 * p + 3] > 0) {
        marked++;
        const rgb = parseCssColor(theme.series[marks[4 * p] === 2 ? 3 : 0]);
        assert.deepEqual([...rgba.slice(4 * p, 4 * p + 4)], [...rgb!, 255], `pixel ${p}`);
      }
    });
    assert.ok(lit > 40, `only ${lit} pixels lit`);
    assert.ok(marked > 20, `only ${marked} pixels marked`);
  });

  it('the marks of the first divergence: their traces are the legend (their symbols) and, unseen, the hover of each mark', () => {
    const { figure, selection } = recordingTrajectoryFigure(scene, NO_WEBGL, theme);
    const marks = figure.data.filter((d) => String(d.name).startsWith('first divergence'));
    const label = `first divergence (${stateName(scene, scene.firstDivergentIndex)})`;
    assert.deepEqual(
      marks.map((d) => [
        d.name,
        d.showlegend ?? true,
        d.marker.symbol,
        d.marker.size,
        d.marker.opacity ?? 1,
        d.x.length
      ]),
      [
        [`${label}: reference`, true, 'circle-open', 9, 1, 1],
        [`${label}: reference`, false, 'circle-open', 9, 0, selection!.samples.length],
        [`${label}: yours`, true, 'x', 8, 1, 1],
        [`${label}: yours`, false, 'x', 8, 0, selection!.samples.length]
      ]
    );
    assert.deepEqual(
      marks.map((d) => d.hoverinfo),
      ['skip', 'text', 'skip', 'text']
    );
    // the legend is a key: a click on an entry would hide a trace, not the image's paths or marks
    assert.deepEqual(
      [figure.layout.legend.itemclick, figure.layout.legend.itemdoubleclick, figure.layout.showlegend],
      [false, false, true]
    );
  });
});
