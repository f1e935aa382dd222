// Worker entry (build target 'worker' -> dist/worker.js): runs one request per message off the
// extension host's main thread. Protocol: src/extension/workerProtocol.ts. The host cancels a run by
// terminating the worker, so no cancellation message is needed.
import { parentPort } from 'node:worker_threads';
import { executeRequest } from './sampleJob';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

const port = parentPort;
if (port) {
  warmUp();
  port.on('message', (req: WorkerRequest) => {
    let last = 0;
    const reply = executeRequest(req, {
      onProgress: (done, total) => {
        const now = Date.now();
        if (now - last >= 100 || done === total) {
          last = now;
          port.postMessage({ type: 'progress', done, total } satisfies WorkerResponse);
        }
      }
    });
    port.postMessage(reply);
  });
}

/**
 * Compiles the sampler's kernels (WebAssembly, and the JIT's first tiers) with a 2-step run of one sample, so a
 * worker started ahead of need (workerClient.ts prewarmWorker) answers its first request at full speed.
 */
function warmUp(): void {
  try {
    executeRequest({
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
  } catch {
    // a failure here shows on the first real request
  }
}
