// The recording view's distance plot (renderer/views/recording/recordingModel.ts): every recorded state has a point,
// a state gone NaN included.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkRecording } from '../../../../../src/core/run/checkRecording';
import { decodeRecording } from '../../../../../src/core/run/recording';
import {
  NAN_ULP_Y,
  recordingDistanceFigure,
  recordingScene
} from '../../../../../renderer/views/recording/recordingModel';
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
