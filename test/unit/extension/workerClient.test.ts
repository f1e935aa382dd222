// The sampler worker (src/extension/sampleWorker.ts, built like dist/worker.js) and its client:
// the same bits as the core in this thread, progress, comparisons, one-line errors, and cancellation
// that stops the worker at once. The inline path (what the web extension uses) is checked too.
import { strict as assert } from 'node:assert';
import { ROOT } from '../helpers/paths';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { readInputs } from '../../../src/core/sampler/inputs';
import { runSampler } from '../../../src/core/sampler/sampler';
import { formatTensorF32 } from '../../../src/core/tensors/printTensor';
import {
  prewarmWorker,
  resumeWorkers,
  runInWorker,
  spareWorker,
  stopWorkers
} from '../../../src/extension/workerClient';
import { inputsToMessage, type WorkerRequest } from '../../../src/extension/workerProtocol';
import { decodeRunResult, encodeRunResult } from '../../../src/core/run/runCodec';
import { generateInputs } from '../../../src/extension/resolveInputs';
import { f32Bits } from '../helpers/bits';
import { seedInputsText } from '../helpers/seedExample';
import { executeRequest, warmUpSampler } from '../../../src/extension/sampleJob';
import { verdicts } from '../helpers/compareFixtures';
import { resolveInputsFromText } from '../../../src/extension/resolveInputs';

const root = ROOT;
const example = readInputs(JSON.parse(seedInputsText)).inputs;

describe('runInWorker (the sampler worker)', function () {
  this.timeout(60000);
  let dir = '';
  let workerFile = '';
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ddpm-worker-'));
    workerFile = path.join(dir, 'worker.js');
    await esbuild.build({
      entryPoints: [path.join(root, 'src/extension/sampleWorker.ts')],
      outfile: workerFile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning'
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sampleRequest = (inputs = example): WorkerRequest => ({
    op: 'sample',
    inputs: inputsToMessage(inputs),
    profile: 'avx2-fma',
    record: { kind: 'all' }
  });

  it('a worker started ahead of need takes the next run (same bits) and, the run being small, the one after it too', async () => {
    await prewarmWorker(workerFile);
    const first = spareWorker();
    assert.equal(first?.file, workerFile, 'no spare worker was started');
    for (const seed of [3n, 4n]) {
      const inputs = generateInputs({ n: 6, d: 2, T: 30, seed, schedule: 'linear' }, 'avx2-fma').inputs;
      let during: unknown = 'no progress';
      const run = await runInWorker(sampleRequest(inputs), new AbortController().signal, {
        workerFile,
        onProgress: () => (during = spareWorker())
      });
      assert.equal(during, undefined, 'the run did not take the spare');
      const direct = runSampler(inputs, { profile: 'avx2-fma', record: { kind: 'all' } });
      assert.deepEqual(f32Bits(run.sample.data), f32Bits(direct.sample.data));
      assert.deepEqual(spareWorker(), first, 'the worker of a small run is not the spare after it');
    }
  });

  it('a worker made for a run (no spare waiting) and kept takes the next run too (it hung: its message port stopped)', async () => {
    await stopWorkers(); // no spare: the run starts a worker of its own
    resumeWorkers();
    assert.equal(spareWorker(), undefined);
    const first = await runInWorker(sampleRequest(), new AbortController().signal, { workerFile });
    const kept = spareWorker();
    assert.equal(kept?.file, workerFile, 'the small run keeps its worker');
    let timer: NodeJS.Timeout | undefined;
    const second = await Promise.race([
      runInWorker(sampleRequest(), new AbortController().signal, { workerFile }),
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('the kept worker never answered')), 20000))
      )
    ]).finally(() => clearTimeout(timer));
    assert.deepEqual(f32Bits(second.sample.data), f32Bits(first.sample.data));
    assert.deepEqual(spareWorker(), kept, 'and is kept again');
  });

  it('deactivating stops the spare and a running worker (the run rejects as aborted); none starts until resumed', async () => {
    await prewarmWorker(workerFile);
    assert.ok(spareWorker(), 'a spare to stop');
    const inputs = generateInputs({ n: 64, d: 2, T: 200_000, seed: 1n, schedule: 'linear' }, 'avx2-fma').inputs;
    let started!: () => void;
    const progressed = new Promise<void>((r) => (started = r));
    const long = runInWorker(sampleRequest(inputs), new AbortController().signal, {
      workerFile,
      onProgress: () => started()
    });
    await progressed;
    await stopWorkers();
    await assert.rejects(long, (e: Error) => e.name === 'AbortError');
    assert.equal(spareWorker(), undefined);
    await prewarmWorker(workerFile);
    assert.equal(spareWorker(), undefined, 'no spare started after stopWorkers');
    resumeWorkers();
    await prewarmWorker(workerFile);
    assert.equal(spareWorker()?.file, workerFile);
  });

  it('after a run larger than the limit, or an aborted one, its worker stops and a new spare is started', async () => {
    const inputs = generateInputs({ n: 6, d: 2, T: 30, seed: 5n, schedule: 'linear' }, 'avx2-fma').inputs;
    await prewarmWorker(workerFile);
    let before = spareWorker();
    // N x d = 12 values, over a limit of 11
    await runInWorker(sampleRequest(inputs), new AbortController().signal, { workerFile, keepWorkerMaxElements: 11 });
    await new Promise((r) => setTimeout(r, 200));
    let after = spareWorker();
    assert.equal(after?.file, workerFile, 'no spare after the large run');
    assert.notEqual(after?.threadId, before?.threadId, 'the large run kept its worker');
    before = after;
    const abort = new AbortController();
    const long = generateInputs({ n: 2000, d: 2, T: 2000, seed: 5n, schedule: 'linear' }, 'avx2-fma').inputs;
    // aborted once it runs (its first step's progress)
    const pending = runInWorker(sampleRequest(long), abort.signal, { workerFile, onProgress: () => abort.abort() });
    await assert.rejects(pending, { name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 200));
    after = spareWorker();
    assert.equal(after?.file, workerFile, 'no spare after the aborted run');
    assert.notEqual(after?.threadId, before?.threadId, 'the aborted run kept its worker');
  });

  for (const inline of [false, true]) {
    it(`${inline ? 'inline' : 'in a worker'}: returns the run the core computes, bit for bit, with progress to the last step`, async () => {
      const inputs = generateInputs({ n: 5, d: 3, T: 40, seed: 11n, schedule: 'cosine' }, 'avx2-fma').inputs;
      const progress: number[] = [];
      const run = await runInWorker(sampleRequest(inputs), new AbortController().signal, {
        workerFile,
        inline,
        onProgress: (done, total) => progress.push(done / total)
      });
      const direct = runSampler(inputs, { profile: 'avx2-fma', record: { kind: 'all' } });
      assert.deepEqual(f32Bits(run.sample.data), f32Bits(direct.sample.data));
      assert.equal(run.trajectory.steps.length, direct.trajectory.steps.length);
      assert.deepEqual(f32Bits(run.trajectory.steps[7].eps.data), f32Bits(direct.trajectory.steps[7].eps.data));
      assert.equal(progress[progress.length - 1], 1);
    });
  }

  it('compares a run with pasted text: its own print matches, an altered copy is reported at the right index', async () => {
    const run = await runInWorker(sampleRequest(), new AbortController().signal, { workerFile });
    const printed = formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]);
    const request = (expectedText: string): WorkerRequest => ({
      op: 'compare',
      inputs: inputsToMessage(example),
      profile: 'avx2-fma',
      record: { kind: 'none' },
      run: encodeRunResult(run),
      expectedText
    });
    const same = await runInWorker(request(printed), new AbortController().signal, { workerFile });
    assert.ok(same.comparison, 'no comparison in the result');
    assert.equal(same.comparison.matches, true, same.comparison.summary);
    assert.deepEqual(f32Bits(same.sample.data), f32Bits(run.sample.data));
    // change the printed value of element (2, 1): its 4-decimal text gets a different leading digit
    const values = Array.from(run.sample.data);
    values[2 * run.sample.cols + 1] = values[2 * run.sample.cols + 1] + 1;
    const altered = formatTensorF32(Float32Array.from(values), [run.sample.rows, run.sample.cols]);
    const diff = await runInWorker(request(altered), new AbortController().signal, { workerFile });
    assert.equal(diff.comparison?.matches, false);
    assert.equal(diff.comparison?.mismatched, 1);
    assert.equal(diff.comparison?.mismatchMask[2 * run.sample.cols + 1], 1);
  });

  it("the sampler's warm-up (a worker's first act; the web host's at activation) is a request that runs", () => {
    assert.equal(warmUpSampler(), true, 'the warm-up request failed, so it would compile nothing');
  });

  it('rejects bad inputs with the one-line `field: problem` message', async () => {
    const bad = { ...sampleRequest(), inputs: { ...inputsToMessage(example), w_model: [[1, 2]] } } as WorkerRequest;
    await assert.rejects(runInWorker(bad, new AbortController().signal, { workerFile }), (e: Error) => {
      assert.match(e.message, /^w_model: /);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('stops a long run at once when aborted (AbortError)', async () => {
    const big = generateInputs({ n: 4096, d: 16, T: 5000, seed: 3n, schedule: 'linear' }, 'avx2-fma').inputs;
    const abort = new AbortController();
    const done: number[] = [];
    const pending = runInWorker({ ...sampleRequest(big), record: { kind: 'none' } }, abort.signal, {
      workerFile,
      onProgress: (d) => {
        done.push(d);
        abort.abort();
      }
    });
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(done.length, 1, 'it had started, and reported nothing after the abort');
    assert.ok(done[0] < big.betas.length, 'it stopped before the last step');
  });

  it('inline (the web extension host): an abort from the event loop (a timer, as an interrupt arrives) stops a long run between steps', async () => {
    // the inline path shares its thread: it must yield between slices of steps, or the timer fires only after the run
    const big = generateInputs({ n: 4096, d: 16, T: 5000, seed: 3n, schedule: 'linear' }, 'avx2-fma').inputs;
    const abort = new AbortController();
    let done = 0;
    let abortedAt = -1;
    const pending = runInWorker({ ...sampleRequest(big), record: { kind: 'none' } }, abort.signal, {
      inline: true,
      onProgress: (d) => {
        done = d;
        if (d === 1) setTimeout(() => ((abortedAt = done), abort.abort()), 0);
      }
    });
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    assert.ok(
      abortedAt >= 1 && abortedAt < big.betas.length,
      `the timer fired only after step ${abortedAt} of ${big.betas.length}`
    );
    assert.equal(done, abortedAt, 'it ran steps after the abort');
  });

  it('a signal aborted before the start never runs, in a worker or inline', async () => {
    const pre = new AbortController();
    pre.abort();
    for (const inline of [false, true]) {
      await assert.rejects(
        runInWorker(sampleRequest(), pre.signal, { workerFile, inline }),
        (e: Error) => e.name === 'AbortError'
      );
    }
  });
});

describe("a comparison request with the inputs file's written schedule (the results panel's compare)", () => {
  const w = verdicts.writtenFloat64;
  const resolved = resolveInputsFromText(w.inputsText, w.inputsFile);
  if (resolved.kind !== 'inputs') throw new Error(`${w.inputsFile}: not inputs`);
  const run = runSampler(resolved.inputs, { record: { kind: 'none' } });
  const diagnosed = (expectedText: string, withWritten: boolean): string[] => {
    const reply = executeRequest({
      op: 'compare',
      inputs: inputsToMessage(resolved.inputs),
      profile: 'avx2-fma',
      record: { kind: 'none' },
      run: encodeRunResult(run),
      expectedText,
      ...(withWritten && resolved.writtenSchedule ? { writtenSchedule: resolved.writtenSchedule } : {})
    });
    if (reply.type !== 'result') throw new Error(reply.type === 'error' ? reply.message : reply.type);
    return (decodeRunResult(reply.run).comparison?.diagnosis ?? []).map((d) => d.id);
  };
  for (const p of w.pastes)
    it(`${p.kind}: schedule-float64 is named only with the written schedule`, () => {
      assert.ok(diagnosed(p.text, true).includes('schedule-float64'));
      assert.ok(!diagnosed(p.text, false).includes('schedule-float64'));
    });
});

describe("a sample request carries the warnings of reading the inputs where they were written (the palette's run)", () => {
  it('they come first in the run, each once; the float32 inputs the worker reads again say nothing of them', () => {
    const resolved = resolveInputsFromText(
      JSON.stringify({
        ...JSON.parse(seedInputsText),
        w_model: 'tensor([[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]], dtype=torch.float64)'
      }),
      'f64.inputs.json'
    );
    if (resolved.kind !== 'inputs') throw new Error(`not inputs: ${JSON.stringify(resolved)}`);
    assert.ok(
      resolved.warnings.some((w) => /^w_model: /.test(w)),
      resolved.warnings.join('; ')
    );
    const request = (inputWarnings?: string[]): string[] => {
      const reply = executeRequest({
        op: 'sample',
        inputs: inputsToMessage(resolved.inputs),
        profile: 'avx2-fma',
        record: { kind: 'none' },
        ...(inputWarnings ? { inputWarnings } : {})
      });
      if (reply.type !== 'result') throw new Error(reply.type === 'error' ? reply.message : reply.type);
      return decodeRunResult(reply.run).warnings;
    };
    const without = request();
    assert.ok(!without.some((w) => /^w_model: /.test(w)), without.join('; '));
    const withThem = request([...resolved.warnings, ...resolved.warnings]);
    assert.deepEqual(withThem.slice(0, resolved.warnings.length), resolved.warnings);
    assert.equal(new Set(withThem).size, withThem.length);
  });
});
