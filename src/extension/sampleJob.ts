// What the sampler worker does with one request, as a pure function: validate the inputs, run the
// sampler (or the comparison), and answer with plain data. The Node worker (sampleWorker.ts) and the
// web extension's inline fallback (workerClient.ts) both call it.
import { compareRun } from '../core/compare/compare';
import { readInputs } from '../core/sampler/inputs';
import { decodeRunResult, encodeRunResult } from '../core/run/runCodec';
import { runSampler } from '../core/sampler/sampler';
import { errorFirstLine, isAbort } from '../core/errors';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

export interface JobHooks {
  /** called with (steps done, total steps); cheap to call every step */
  onProgress?: (done: number, total: number) => void;
  /** polled between steps; true stops the run with an AbortError */
  shouldStop?: () => boolean;
}

export function executeRequest(req: WorkerRequest, hooks: JobHooks = {}): WorkerResponse {
  try {
    const { inputs, warnings } = readInputs(req.inputs);
    if (req.op === 'sample') {
      const total = inputs.betas.length;
      let done = 0;
      const run = runSampler(inputs, {
        profile: req.profile,
        matmul: req.matmul,
        record: req.record,
        maxTrajectoryBytes: req.maxTrajectoryBytes,
        onStep: () => hooks.onProgress?.(++done, total),
        shouldStop: hooks.shouldStop,
        inputWarnings: warnings
      });
      return { type: 'result', run: encodeRunResult(run) };
    }
    const run = decodeRunResult(req.run);
    const opts = req.rtol !== undefined || req.atol !== undefined ? { rtol: req.rtol, atol: req.atol } : undefined;
    run.comparison = compareRun(inputs, run, req.expectedText, opts);
    return { type: 'result', run: encodeRunResult(run) };
  } catch (e) {
    const aborted = isAbort(e);
    return { type: 'error', message: aborted ? 'run cancelled' : errorFirstLine(e), aborted };
  }
}
