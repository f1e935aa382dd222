// The recording decoder (src/core/run/recording.ts) on payloads written by the real Python helper
// (python/ddpm_lab.py) from loops run by real PyTorch: scripts/fixtures/recording.py -> test/fixtures/recording/,
// with expected.json holding what PyTorch computed (state bits, float64 inputs and their .float() bits),
// independent of the helper's encoding. Malformed payloads fail with one line naming the field.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, ROOT } from '../../helpers/paths';
import { f32Bits, fromBits } from '../../helpers/bits';
import { firstBitDifference } from '../../helpers/samplerFixture';
import {
  RECORDING_MIME,
  RECORDING_SCHEMA,
  decodeRecording,
  encodeRecording,
  type Recording
} from '../../../../src/core/run/recording';
import { parseInputsText } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';
import type { SamplerInputs } from '../../../../src/core/types';

const dir = path.join(FIXTURES, 'recording');
const payload = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(dir, `${name}.run.json`), 'utf8'));

interface ExpectedState {
  bits?: number[];
  float64?: number[][];
}
interface ExpectedRecording {
  T: number;
  every: number;
  seed: string;
  shape: [number, number];
  dtypes: Record<string, string>;
  init: ExpectedState;
  steps: (ExpectedState & { t: number })[];
  float64_inputs?: Record<string, { values: number[]; float_bits: number[] }>;
}
const expected: { torch: string; recordings: Record<string, ExpectedRecording> } = JSON.parse(
  readFileSync(path.join(dir, 'expected.json'), 'utf8')
);
const RECORDINGS = ['correct', 'step-seed-plus-t', 'float64-schedule', 'float64-states'];

function assertBits(ours: Float32Array, bits: number[], what: string): void {
  const at = firstBitDifference(ours, bits);
  assert.equal(at, -1, `${what}: first difference at element ${at}: ours ${ours[at]}, PyTorch ${fromBits(bits)[at]}`);
}

function sameInputs(a: SamplerInputs, b: SamplerInputs): void {
  assert.deepEqual([a.n, a.d, a.seed, a.wModel.rows, a.wModel.cols], [b.n, b.d, b.seed, b.wModel.rows, b.wModel.cols]);
  assert.deepEqual(f32Bits(a.wModel.data), f32Bits(b.wModel.data));
  assert.deepEqual(f32Bits(a.betas), f32Bits(b.betas));
  assert.deepEqual(f32Bits(a.alphaBar), f32Bits(b.alphaBar));
}

/** The states PyTorch computed for a recording, checked against what the decoder gives. */
function assertStatesArePyTorchs(r: Recording, e: ExpectedRecording, name: string): void {
  assert.deepEqual(
    r.steps.map((s) => s.t),
    e.steps.map((s) => s.t),
    `${name}: recorded steps`
  );
  const states: [string, Recording['init'], ExpectedState][] = [
    ['init', r.init, e.init],
    ...r.steps.map((s, i) => [`t = ${s.t}`, s, e.steps[i]] as [string, Recording['init'], ExpectedState])
  ];
  for (const [what, state, want] of states) {
    assert.ok(state, `${name}: ${what} missing`);
    assert.deepEqual([state.x.rows, state.x.cols], e.shape);
    if (want.bits) {
      assert.equal(state.recorded.dtype, 'float32');
      assertBits(state.x.data, want.bits, `${name}: ${what}`);
    } else {
      assert.equal(state.recorded.dtype, 'float64');
      assert.deepEqual(Array.from(state.recorded.values), want.float64!.flat(), `${name}: ${what} (float64 values)`);
    }
  }
}

describe('recording: payloads from the Python helper', () => {
  const seedExample = parseInputsText(
    readFileSync(path.join(ROOT, 'media', 'examples', 'seed.inputs.json'), 'utf8'),
    'seed.inputs.json'
  ).inputs;
  const reference = runSampler(seedExample, { record: { kind: 'all' } });

  it("the MIME type and schema are the helper's", () => {
    const helper = readFileSync(path.join(ROOT, 'python', 'ddpm_lab.py'), 'utf8');
    assert.equal(/^MIME = '([^']+)'$/m.exec(helper)?.[1], RECORDING_MIME);
    assert.equal(/^SCHEMA = '([^']+)'$/m.exec(helper)?.[1], RECORDING_SCHEMA);
    assert.equal(RECORDING_MIME, 'application/vnd.ddpm-lab.recording+json');
  });

  for (const name of RECORDINGS) {
    it(`${name}: every state is PyTorch's, bit for bit, and the fields are as recorded`, () => {
      const e = expected.recordings[name];
      const r = decodeRecording(payload(name));
      assertStatesArePyTorchs(r, e, name);
      assert.deepEqual(
        [r.T, r.every, r.inputs.seed.toString(), r.inputs.n, r.inputs.d],
        [e.T, e.every, e.seed, ...e.shape]
      );
      assert.deepEqual(r.torch, { version: expected.torch });
      for (const [key, dtype] of Object.entries(e.dtypes))
        assert.equal(r.recordedInputs[key as 'betas'].dtype, dtype, key);
    });
  }

  it("correct: the inputs are the seed example's and every state is our reference run's", () => {
    const r = decodeRecording(payload('correct'));
    sameInputs(r.inputs, seedExample);
    assert.deepEqual([r.float64Inputs, r.inputWarnings], [[], []]);
    assert.equal(r.note, undefined);
    assert.deepEqual(f32Bits(r.init!.x.data), f32Bits(reference.trajectory.steps[0].x.data));
    r.steps.forEach((s, i) =>
      assert.deepEqual(f32Bits(s.x.data), f32Bits(reference.trajectory.steps[i].xPrev.data), `t = ${s.t}`)
    );
  });

  it('step-seed-plus-t: x_T agrees with the reference and the first step already differs', () => {
    const r = decodeRecording(payload('step-seed-plus-t'));
    sameInputs(r.inputs, seedExample);
    assert.deepEqual(f32Bits(r.init!.x.data), f32Bits(reference.trajectory.steps[0].x.data));
    assert.equal(r.steps[0].t, 3);
    assert.notDeepEqual(f32Bits(r.steps[0].x.data), f32Bits(reference.trajectory.steps[0].xPrev.data));
  });

  it("float64-schedule: keeps the float64 values and converts them as torch's .float() does", () => {
    const e = expected.recordings['float64-schedule'];
    const r = decodeRecording(payload('float64-schedule'));
    assert.deepEqual(r.float64Inputs, ['betas', 'alpha_bar']);
    assert.equal(r.recordedInputs.w_model.dtype, 'float32');
    assert.ok(r.recordedInputs.betas.values instanceof Float64Array);
    assert.deepEqual(Array.from(r.recordedInputs.betas.values), e.float64_inputs!.betas.values);
    assert.deepEqual(Array.from(r.recordedInputs.alpha_bar.values), e.float64_inputs!.alpha_bar.values);
    assertBits(r.inputs.betas, e.float64_inputs!.betas.float_bits, 'betas.float()');
    assertBits(r.inputs.alphaBar, e.float64_inputs!.alpha_bar.float_bits, 'alpha_bar.float()');
    assert.equal(r.inputs.seed, 2n ** 63n + 12345n);
    assert.equal(r.note, 'float64 schedule, every 3rd step');
    assert.ok(
      r.inputWarnings.includes(
        'betas: recorded as float64 (a float64 tensor or array, or Python floats); the reference runs it rounded to float32, as .float() does'
      ),
      r.inputWarnings.join('\n')
    );
  });

  it('float64-states: float64 states round to the float32 states PyTorch computed', () => {
    const r = decodeRecording(payload('float64-states'));
    const correct = expected.recordings.correct;
    assertBits(r.init!.x.data, correct.init.bits!, 'init');
    r.steps.forEach((s, i) => assertBits(s.x.data, correct.steps[i].bits!, `t = ${s.t}`));
  });

  it('the inputs file the helper writes (rec.save_inputs) reads as the same inputs', () => {
    const fromFile = parseInputsText(readFileSync(path.join(dir, 'seed.inputs.json'), 'utf8'), 'seed.inputs.json');
    sameInputs(fromFile.inputs, decodeRecording(payload('correct')).inputs);
  });

  for (const name of RECORDINGS) {
    it(`${name}: encodeRecording gives back the helper's payload`, () => {
      const json = payload(name);
      const encoded = encodeRecording(decodeRecording(json));
      assert.deepEqual(JSON.parse(JSON.stringify(encoded)), json);
    });
  }
});

describe('recording: malformed payloads, one line naming the field', () => {
  /** The correct recording with one change. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function changed(edit: (p: Record<string, any>) => void): unknown {
    const p = payload('correct');
    edit(p);
    return p;
  }
  const f32Base64 = (values: number[]): string => Buffer.from(new Float32Array(values).buffer).toString('base64');

  const cases: [string, unknown, string][] = [
    ['not an object', [], 'recording: expected a JSON object, got an array'],
    [
      'a newer schema',
      changed((p) => (p.schema = 'ddpm-lab.recording/2')),
      'recording: made by a newer DDPM Lab (schema "ddpm-lab.recording/2"); this version reads "ddpm-lab.recording/1": update the DDPM Lab extension'
    ],
    [
      'another schema',
      changed((p) => (p.schema = 'ddpm-lab.run/1')),
      'schema: expected "ddpm-lab.recording/1", got "ddpm-lab.run/1"'
    ],
    ['no schema', changed((p) => delete p.schema), 'schema: expected "ddpm-lab.recording/1", got nothing'],
    ['no inputs', changed((p) => delete p.inputs), 'inputs: expected an object, got nothing'],
    [
      'shape of one value',
      changed((p) => (p.inputs.shape = [4])),
      'inputs.shape: expected [N, d] (two integers >= 1), got [4]'
    ],
    [
      'a state in the wrong shape',
      changed((p) => (p.steps[3].x.shape = [2, 4])),
      'steps[3].x.shape: expected [4, 2], got [2, 4]'
    ],
    [
      'bytes missing',
      changed((p) => (p.steps[1].x.base64 = f32Base64([1, 2, 3, 4, 5, 6, 7]))),
      'steps[1].x.base64: 28 bytes, expected 32 (8 float32 values of shape [4, 2])'
    ],
    ['not base64', changed((p) => (p.steps[0].x.base64 = 'not base64!')), 'steps[0].x.base64: not valid base64'],
    [
      'an unknown dtype',
      changed((p) => (p.init.dtype = 'float16')),
      'init.dtype: expected "float32" or "float64", got "float16"'
    ],
    ['no base64', changed((p) => delete p.init.base64), 'init.base64: expected base64 text, got nothing'],
    [
      'a step beyond T',
      changed((p) => (p.steps[0].t = 4)),
      'steps[0].t: expected an integer in [0, T) = [0, 4), got 4'
    ],
    [
      'steps out of loop order',
      changed((p) => p.steps.reverse()),
      'steps[1].t: 1 after t = 0; steps are in loop order (t = T-1 first), each once'
    ],
    ['steps not a list', changed((p) => (p.steps = {})), 'steps: expected a list, got an object'],
    ['T not the number of betas', changed((p) => (p.T = 5)), 'T: 5, but inputs.betas holds 4 values'],
    ['every 0', changed((p) => (p.every = 0)), 'every: expected an integer >= 1, got 0'],
    ['a seed as a number', changed((p) => (p.inputs.seed = 42)), 'inputs.seed: expected a decimal string, got 42'],
    [
      'a seed out of range',
      changed((p) => (p.inputs.seed = '18446744073709551616')),
      'inputs.seed: 18446744073709551616 is out of range: torch.Generator().manual_seed accepts integers in [-2^63, 2^64) (PyTorch raises "RuntimeError: Overflow when unpacking long")'
    ],
    [
      'a beta outside (0, 1)',
      changed((p) => (p.inputs.betas.base64 = f32Base64([1.5, 0.1, 0.1, 0.1]))),
      'inputs.betas: betas[0] = 1.5 is outside (0, 1)'
    ],
    [
      'w_model in the wrong shape',
      changed((p) => (p.inputs.w_model.shape = [2, 3])),
      "inputs.w_model: expected shape (3, 2) for d = 2, got (2, 3), its transpose (an nn.Linear's weight is (out, in) and is applied as x @ weight.T: pass weight.T)"
    ],
    [
      'alpha_bar shorter than betas',
      changed((p) => {
        p.inputs.alpha_bar.shape = [3];
        p.inputs.alpha_bar.base64 = f32Base64([0.9, 0.8, 0.7]);
      }),
      'inputs.alpha_bar: expected at least 4 values (as many as betas), got 3'
    ],
    ['torch without a version', changed((p) => (p.torch = { version: 1 })), 'torch.version: expected a string, got 1'],
    ['a note that is not text', changed((p) => (p.note = 5)), 'note: expected a string, got 5']
  ];
  for (const [what, json, message] of cases) {
    it(what, () => {
      assert.throws(
        () => decodeRecording(json),
        (e: Error) => {
          assert.equal(e.message, message);
          assert.ok(!e.message.includes('\n'));
          return true;
        }
      );
    });
  }

  it('the unchanged payload decodes (the cases above fail for their change alone)', () => {
    assert.doesNotThrow(() => decodeRecording(changed(() => undefined)));
    assert.doesNotThrow(() => decodeRecording(changed((p) => ((p.torch = null), (p.init = null), (p.note = 'ok')))));
  });
});
