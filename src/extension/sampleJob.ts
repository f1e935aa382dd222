// What the sampler worker does with one request, as a pure function: validate the inputs, run the
// sampler (or the comparison), and answer with plain data. The Node worker (sampleWorker.ts) calls
// executeRequest; the web extension host (workerClient.ts) calls executeRequestInSlices, which yields.
import { compareRun } from '../core/compare/compare';
import { readInputs } from '../core/sampler/inputs';
import { canDefer, carryInputs } from '../core/run/recompute';
import { decodeRunResult, encodeRunResult } from '../core/run/runCodec';
import { samplerSteps } from '../core/sampler/sampler';
import { errorFirstLine, isAbort } from '../core/errors';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

export interface JobHooks {
  /** called with (steps done, total steps); cheap to call every step */
  onProgress?: (done: number, total: number) => void;
  /** polled between steps; true stops the run with an AbortError */
  shouldStop?: () => boolean;
}

export function executeRequest(req: WorkerRequest, hooks: JobHooks = {}): WorkerResponse {
  const job = requestJob(req, hooks);
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
  }
}

/**
 * Compiles the sampler's kernels (WebAssembly, and the JIT's first tiers) with a 2-step run of one sample, so that a
 * sampler readied ahead of need answers its first request at full speed: the Node worker started ahead
 * (workerClient.ts prewarmWorker) and, in the web extension host, which samples inline, the host itself. True when
 * the run answered; a failure here shows on the first real request.
 */
export function warmUpSampler(): boolean {
  try {
    const reply = executeRequest({
      op: 'sample',
      inputs: {
        w_model: [
          [0.5, 0],
          [0, 0.5],
          [0.1, 0.1]
        ],
        shape: [1, 2],
        betas: [0.1, 0.2],
        alpha_bar: [0.9, 0.72],
        seed: '0'
      },
      profile: 'avx2-fma',
      record: { kind: 'none' },
      deferTrajectory: true
    });
    return reply.type === 'result';
  } catch {
    return false; // shown by the first real request instead
  }
}

/**
 * The same job on a thread it must share (the web extension host, which has no worker_threads): the
 * sampler runs step by step and, whenever `sliceMs` have passed, `pause()` lets the event loop run, so
 * an interrupt or a cancel (which sets what `shouldStop` polls) stops the run within one slice.
 */
export async function executeRequestInSlices(
  req: WorkerRequest,
  hooks: JobHooks,
  pause: () => Promise<void>,
  sliceMs = 15
): Promise<WorkerResponse> {
  const job = requestJob(req, hooks);
  let sliceStart = Date.now();
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
    if (Date.now() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = Date.now();
    }
  }
}

/** The job as a generator: yields between sampler steps, returns the reply (errors included, never thrown). */
function* requestJob(req: WorkerRequest, hooks: JobHooks): Generator<void, WorkerResponse, void> {
  try {
    const { inputs, warnings } = readInputs(req.inputs);
    if (req.op === 'sample') {
      const total = inputs.betas.length;
      let done = 0;
      const defer = req.deferTrajectory === true && req.record.kind !== 'none' && canDefer(inputs.d);
      const steps = samplerSteps(inputs, {
        profile: req.profile,
        matmul: req.matmul,
        record: defer ? { kind: 'none' } : req.record,
        maxTrajectoryBytes: req.maxTrajectoryBytes,
        onStep: () => hooks.onProgress?.(++done, total),
        shouldStop: hooks.shouldStop,
        inputWarnings: [...(req.inputWarnings ?? []), ...warnings]
      });
      let r = steps.next();
      while (!r.done) {
        yield;
        r = steps.next();
      }
      const run = defer ? carryInputs(r.value, inputs.wModel, req.record) : r.value;
      return { type: 'result', run: encodeRunResult(run) };
    }
    const run = decodeRunResult(req.run);
    const tol = req.rtol !== undefined || req.atol !== undefined ? { rtol: req.rtol, atol: req.atol } : {};
    // the diagnosis and a step-by-step paste re-run the loop here, in the worker; a cancel stops them between steps
    run.comparison = compareRun(inputs, run, req.expectedText, {
      ...tol,
      shouldStop: hooks.shouldStop,
      ...(req.writtenSchedule ? { writtenSchedule: req.writtenSchedule } : {})
    });
    return { type: 'result', run: encodeRunResult(run) };
  } catch (e) {
    const aborted = isAbort(e);
    return { type: 'error', message: aborted ? 'run cancelled' : errorFirstLine(e), aborted };
  }
}
