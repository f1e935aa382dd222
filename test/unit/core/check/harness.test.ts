// The check harness's protocol: its inputs (exact float32 bytes), its output parsed field by field, and its loop
// being the one "Copy Equivalent PyTorch Script" writes.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bytesToBase64 } from '../../../../src/core/base64';
import {
  CHECK_SCHEMA,
  harnessInputJson,
  NoUsableTorchError,
  parseHarnessOutput
} from '../../../../src/core/check/harness';
import { buildPytorchScript } from '../../../../src/core/notebook/pytorchScript';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { ROOT } from '../../helpers/paths';

const inputs = readInputs({
  w_model: [
    [0.12, -0.3],
    [0.05, 0.41],
    [-0.2, 0.07]
  ],
  shape: [2, 2],
  betas: [0.0001, 0.02],
  alpha_bar: [0.9999, 0.98],
  seed: 42
}).inputs;
const t32 = (values: number[], shape = [2, 2]) => ({
  dtype: 'float32',
  shape,
  base64: bytesToBase64(new Uint8Array(Float32Array.from(values).buffer))
});
const state = (v: number) => t32([v, v + 1, v + 2, v + 3]);

function output(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schema: CHECK_SCHEMA,
    init: state(1),
    steps: [
      { t: 1, x: state(1), eps: state(2), z: state(3), x_prev: state(4) },
      { t: 0, x: state(4), eps: state(5), z: null, x_prev: state(6) }
    ],
    sample: state(6),
    machine: {
      torch: '2.1.0',
      cpuCapability: 'AVX2',
      builtBlas: 'mkl',
      loadedBlas: { library: 'mkl', threads: 2, source: 'threadpoolctl' }
    },
    ...over
  });
}

describe('check: the harness protocol', () => {
  it('sends the inputs as their float32 bytes (alpha_bar cut to T), the seed as a decimal string', () => {
    const sent = JSON.parse(harnessInputJson(inputs));
    assert.deepEqual(sent.shape, [2, 2]);
    assert.equal(sent.seed, '42');
    assert.deepEqual(sent.betas, t32([0.0001, 0.02], [2]));
    assert.deepEqual(sent.w_model.shape, [3, 2]);
  });

  it('reads every state with its bits, after any lines the script printed before', () => {
    const run = parseHarnessOutput(`a warning torch printed\n${output()}\n`, inputs);
    assert.deepEqual(Array.from(run.steps[0].eps.data), [2, 3, 4, 5]);
    assert.equal(run.steps[1].z, null);
    assert.deepEqual(Array.from(run.sample.data), [6, 7, 8, 9]);
    assert.equal(run.machine.loadedBlas?.library, 'mkl');
  });

  it('names the first bad field in one line, as a script that failed (check exits 4, not as an internal error)', () => {
    assert.throws(
      () => parseHarnessOutput(output({ steps: [] }), inputs),
      (e: unknown) =>
        e instanceof NoUsableTorchError &&
        e.kind === 'script-failed' &&
        e.message === "the check script's output is malformed: steps: expected 2 steps, got 0"
    );
    assert.throws(
      () => parseHarnessOutput(output({ sample: t32([1, 2], [1, 2]) }), inputs),
      /sample\.shape: expected \[2, 2\], got \[1, 2\]/
    );
    assert.throws(() => parseHarnessOutput(output({ machine: {} }), inputs), /machine\.torch/);
  });

  it("the harness's refusals and non-protocol output are NoUsableTorchError of their kind", () => {
    const kindOf = (text: string) => {
      try {
        parseHarnessOutput(text, inputs);
      } catch (e) {
        return e instanceof NoUsableTorchError ? e.kind : 'other';
      }
      return 'none';
    };
    assert.equal(
      kindOf(JSON.stringify({ schema: CHECK_SCHEMA, error: { kind: 'no-torch', message: 'x' } })),
      'no-torch'
    );
    assert.equal(kindOf(JSON.stringify({ schema: CHECK_SCHEMA, error: { kind: 'too-old', message: 'x' } })), 'too-old');
    assert.equal(kindOf('Traceback (most recent call last):'), 'script-failed');
    assert.equal(kindOf(''), 'script-failed');
    assert.equal(kindOf('{"schema": "something else"}'), 'script-failed');
  });

  it('runs the loop of the equivalent PyTorch script, statement for statement', () => {
    const harness = readFileSync(path.join(ROOT, 'python', 'ddpm_check.py'), 'utf8').split('\n');
    const script = buildPytorchScript(inputs, { profile: 'avx2-fma' }).split('\n');
    const loop = script.slice(
      script.findIndex((l) => l.startsWith('def sample(')) + 1,
      script.findIndex((l) => l === '    return x')
    );
    assert.ok(loop.length >= 12);
    let at = 0;
    for (const line of loop) {
      const found = harness.indexOf(line, at);
      assert.ok(found >= 0, `the harness lacks (or reorders) the script's line ${JSON.stringify(line)}`);
      at = found + 1;
    }
  });
});
