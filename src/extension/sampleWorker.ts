// Worker entry (build target 'worker' -> dist/worker.js): runs one request per message off the
// extension host's main thread. Protocol: src/extension/workerProtocol.ts. The host cancels a run by
// terminating the worker, so no cancellation message is needed.
import { parentPort } from 'node:worker_threads';
import { executeRequest, warmUpSampler } from './sampleJob';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

const port = parentPort;
if (port) {
  warmUpSampler();
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
