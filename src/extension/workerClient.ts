// Runs a sampler request off the extension host's main thread and resolves with the decoded RunResult.
// Node (desktop, remote, code-server): a worker_threads Worker on dist/worker.js, terminated when the
// signal aborts, so a cancelled run stops at once. Web extension host (vscode.dev, github.dev,
// code-server's web worker host; no worker_threads): the request runs on the host in slices of a few
// milliseconds (executeRequestInSlices), yielding to the event loop between them, so the host stays
// responsive and an interrupt or cancel stops the run within one slice.
import type { RunResult } from '../core/types';
import { decodeRunResult } from '../core/run/runCodec';
import { nextTask } from '../common/nextTask';
import { abortError, errorFirstLine } from '../core/errors';
import { executeRequestInSlices } from './sampleJob';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

export interface RunOptions {
  onProgress?: (done: number, total: number) => void;
  /** the worker script; default dist/worker.js beside the extension bundle */
  workerFile?: string;
  /** force the inline path (what the web extension does) */
  inline?: boolean;
}

function settle(reply: WorkerResponse): RunResult {
  if (reply.type === 'result') return decodeRunResult(reply.run);
  if (reply.type === 'error') {
    if (reply.aborted) throw abortError();
    throw new Error(reply.message);
  }
  throw new Error('sampler worker: unexpected reply');
}

async function runInline(request: WorkerRequest, signal: AbortSignal, opts: RunOptions): Promise<RunResult> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (signal.aborted) throw abortError();
  const reply = await executeRequestInSlices(
    request,
    { onProgress: opts.onProgress, shouldStop: () => signal.aborted },
    nextTask
  );
  return settle(reply);
}

async function runInNodeWorker(request: WorkerRequest, signal: AbortSignal, opts: RunOptions): Promise<RunResult> {
  // The import sits in a branch the web build's define removes, so the web bundle never resolves it.
  let Worker: typeof import('node:worker_threads').Worker;
  if (process.env.DDPM_WEB) throw new Error('sampler worker: not available in the web extension host');
  else Worker = (await import('node:worker_threads')).Worker;
  const workerFile = opts.workerFile ?? defaultWorkerFile();
  if (signal.aborted) throw abortError();
  return new Promise<RunResult>((resolve, reject) => {
    const worker = takeWorker(Worker, workerFile);
    let finished = false;
    const finish = (action: () => void) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      action();
      // the next run starts in a worker that has already loaded and compiled its kernels
      setTimeout(() => void prewarmWorker(workerFile), 0);
    };
    const onAbort = () => finish(() => reject(abortError()));
    signal.addEventListener('abort', onAbort);
    worker.on('message', (reply: WorkerResponse) => {
      if (finished) return;
      if (reply.type === 'progress') {
        opts.onProgress?.(reply.done, reply.total);
        return;
      }
      finish(() => {
        try {
          resolve(settle(reply));
        } catch (e) {
          reject(e);
        }
      });
    });
    worker.on('error', (e) => finish(() => reject(new Error(`sampler worker: ${errorFirstLine(e)}`))));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`sampler worker: stopped unexpectedly (exit code ${code})`)))
    );
    worker.postMessage(request);
  });
}

function defaultWorkerFile(): string {
  return `${__dirname}/worker.js`;
}

type NodeWorker = import('node:worker_threads').Worker;

/** A worker started ahead of need (it loads dist/worker.js and compiles its kernels while idle), and its file. */
let spare: { worker: NodeWorker; file: string } | undefined;

/** The spare worker for `file` when there is one (a run then skips the worker's start-up), else a new one. */
function takeWorker(Worker: typeof import('node:worker_threads').Worker, file: string): NodeWorker {
  const s = spare;
  spare = undefined;
  if (s?.file === file) {
    s.worker.removeAllListeners();
    s.worker.ref();
    return s.worker;
  }
  if (s) void s.worker.terminate();
  return new Worker(file);
}

/**
 * Starts a spare sampler worker (Node extension host only; nothing in the web host, which samples inline): called
 * when a DDPM notebook's kernel starts and after each run, so that a run does not wait for a worker to start. The
 * spare does not keep the extension host alive (unref) and is dropped if it exits.
 */
export async function prewarmWorker(workerFile = defaultWorkerFile()): Promise<void> {
  if (spare) return;
  let Worker: typeof import('node:worker_threads').Worker;
  // as in runInNodeWorker: the import sits in a branch the web build's define removes
  if (process.env.DDPM_WEB) return;
  else Worker = (await import('node:worker_threads')).Worker;
  if (spare) return;
  const worker = new Worker(workerFile);
  worker.unref();
  const drop = (): void => {
    if (spare?.worker === worker) spare = undefined;
  };
  worker.on('error', drop);
  worker.on('exit', drop);
  spare = { worker, file: workerFile };
}

/** The file of the spare worker waiting for the next run, if one is (for tests and diagnostics). */
export function spareWorkerFile(): string | undefined {
  return spare?.file;
}

/** Runs the request in a worker (inline in the web extension host); rejects with an AbortError when `signal` aborts. */
export function runInWorker(request: WorkerRequest, signal: AbortSignal, opts: RunOptions = {}): Promise<RunResult> {
  if (process.env.DDPM_WEB || opts.inline) return runInline(request, signal, opts);
  return runInNodeWorker(request, signal, opts);
}
