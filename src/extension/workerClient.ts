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
import { executeRequestInSlices, warmUpSampler } from './sampleJob';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

export interface RunOptions {
  onProgress?: (done: number, total: number) => void;
  /** the worker script; default dist/worker.js beside the extension bundle */
  workerFile?: string;
  /** force the inline path (what the web extension does) */
  inline?: boolean;
  /** KEEP_WORKER_MAX_ELEMENTS unless given (tests) */
  keepWorkerMaxElements?: number;
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
    running.add(worker);
    let finished = false;
    let detach = (): void => undefined;
    /** `keep`: the worker answered and may take the next run (else it is stopped and a new spare started) */
    const finish = (action: () => void, keep = false) => {
      if (finished) return;
      finished = true;
      detach();
      running.delete(worker);
      signal.removeEventListener('abort', onAbort);
      if (keep && !spare && !stopping) keepAsSpare(worker, workerFile);
      else {
        void worker.terminate();
        // the next run starts in a worker that has already loaded and compiled its kernels
        if (!stopping) setTimeout(() => void prewarmWorker(workerFile), 0);
      }
      action();
    };
    const onAbort = () => finish(() => reject(abortError()));
    signal.addEventListener('abort', onAbort);
    const keep = keepsWorker(request, opts.keepWorkerMaxElements ?? KEEP_WORKER_MAX_ELEMENTS);
    const onMessage = (reply: WorkerResponse): void => {
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
      }, keep);
    };
    const onError = (e: Error): void => finish(() => reject(new Error(`sampler worker: ${errorFirstLine(e)}`)));
    // stopped by stopWorkers (the extension deactivating): the run is aborted, not failed
    const onExit = (code: number): void =>
      finish(() =>
        reject(stopping ? abortError() : new Error(`sampler worker: stopped unexpectedly (exit code ${code})`))
      );
    // this run's own listeners, taken off again when it finishes (see keepAsSpare)
    detach = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

function defaultWorkerFile(): string {
  return `${__dirname}/worker.js`;
}

type NodeWorker = import('node:worker_threads').Worker;

/**
 * A worker waiting for the next run, and its file: started ahead of need (it loads dist/worker.js and compiles its
 * kernels while idle), or the worker of the last run, kept when that run was small.
 */
let spare: { worker: NodeWorker; file: string; release: () => void } | undefined;

/**
 * A worker whose run had at most this many sample values (N x d) takes the next run too. It is warm: a run started
 * right after another waited 0.31-0.34 s for a newly started worker (loading dist/worker.js, compiling its kernels,
 * on the CPU the run's view is being drawn with) and 0.03-0.05 s in a kept one (N = 1000, d = 2, T = 1000, this
 * machine). After a larger run the worker is stopped, and a new spare started: an idle worker does not collect its
 * garbage, so the memory a large run used would stay taken.
 */
export const KEEP_WORKER_MAX_ELEMENTS = 1 << 20;

function keepsWorker(request: WorkerRequest, maxElements: number): boolean {
  const [n, d] = request.inputs.shape;
  return n * d <= maxElements;
}

/**
 * Makes `worker` the spare: it does not keep the extension host alive (unref) and is dropped if it exits. Only our own
 * listeners are ever taken off a worker, never all of them: Node's Worker listens to its own 'newListener' and
 * 'removeListener' events, stopping its message port when the last 'message' listener goes and starting it again
 * when one comes; `removeAllListeners()` took those too, and a worker kept after a run it was made for then never
 * delivered the next run's reply (the next run hung).
 */
function keepAsSpare(worker: NodeWorker, file: string): void {
  worker.unref();
  const drop = (): void => {
    if (spare?.worker === worker) spare = undefined;
  };
  worker.on('error', drop);
  worker.on('exit', drop);
  spare = {
    worker,
    file,
    release: () => {
      worker.off('error', drop);
      worker.off('exit', drop);
    }
  };
}

/** The spare worker for `file` when there is one (a run then skips the worker's start-up), else a new one. */
function takeWorker(Worker: typeof import('node:worker_threads').Worker, file: string): NodeWorker {
  const s = spare;
  spare = undefined;
  if (s?.file === file) {
    s.release();
    s.worker.ref();
    return s.worker;
  }
  if (s) void s.worker.terminate();
  return new Worker(file);
}

/** Workers running a request now (terminated by stopWorkers). */
const running = new Set<NodeWorker>();

/** Set by stopWorkers (the extension deactivating): no spare is kept or started after it. */
let stopping = false;

/**
 * Terminates the spare worker and those running requests (their runs reject as aborted), and keeps new spares from
 * starting: the extension's deactivate. A worker that was not unref'd would otherwise keep a closing extension host
 * waiting for its run.
 */
export async function stopWorkers(): Promise<void> {
  stopping = true;
  const all = [...running, ...(spare ? [spare.worker] : [])];
  spare = undefined;
  running.clear();
  await Promise.all(all.map((w) => w.terminate().catch(() => undefined)));
}

/** Lets workers start again after stopWorkers: the extension activated again in the same host (and tests). */
export function resumeWorkers(): void {
  stopping = false;
}

/** Whether the web extension host's inline sampler has had its warm-up run (prewarmWorker). */
let inlineWarm = false;

/**
 * Starts a spare sampler worker: called when the extension activates (registerNotebook) and after each run, so that a
 * run does not wait for a worker to start. The spare does not keep the extension host alive (unref) and is dropped if it
 * exits. The web extension host, which samples inline, instead compiles its own kernels once (warmUpSampler), so that
 * its first run does not pay for that either.
 */
export async function prewarmWorker(workerFile = defaultWorkerFile()): Promise<void> {
  if (spare || stopping) return;
  let Worker: typeof import('node:worker_threads').Worker;
  // as in runInNodeWorker: the import sits in a branch the web build's define removes
  if (process.env.DDPM_WEB) {
    if (!inlineWarm) {
      inlineWarm = true;
      warmUpSampler();
    }
    return;
  } else Worker = (await import('node:worker_threads')).Worker;
  if (spare || stopping) return;
  keepAsSpare(new Worker(workerFile), workerFile);
}

/** The file and thread id of the spare worker waiting for the next run, if one is (for tests and diagnostics). */
export function spareWorker(): { file: string; threadId: number } | undefined {
  return spare && { file: spare.file, threadId: spare.worker.threadId };
}

/** Runs the request in a worker (inline in the web extension host); rejects with an AbortError when `signal` aborts. */
export function runInWorker(request: WorkerRequest, signal: AbortSignal, opts: RunOptions = {}): Promise<RunResult> {
  if (process.env.DDPM_WEB || opts.inline) return runInline(request, signal, opts);
  return runInNodeWorker(request, signal, opts);
}
