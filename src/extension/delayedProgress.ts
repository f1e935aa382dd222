// A job's progress notification, shown only once the job has run for a while. VS Code shows an extension's
// notification progress at once and keeps it at least 800 ms, so a run of a few tens of milliseconds flashed a
// notification, and its toast's layout and animation shared the window's thread with the results panel's page as it
// started (README "Performance"). Pure: the notification and the timers are passed in, so plain mocha tests it.

/** How long a job runs before its progress notification shows (VS Code's own status bar progress waits 150 ms). */
export const PROGRESS_DELAY_MS = 500;

/** Receives the job's progress: `done` of `total` steps. */
export type ProgressSink = (done: number, total: number) => void;

export interface ProgressTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ProgressTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

/**
 * A progress sink whose progress goes nowhere until `attach` gives it a target: the target then gets the last
 * progress that came before (if any) at once, and every later one.
 */
export function pendingSink(): { sink: ProgressSink; attach(target: ProgressSink): void } {
  let last: [number, number] | undefined;
  let target: ProgressSink | undefined;
  return {
    sink: (done, total) => {
      last = [done, total];
      target?.(done, total);
    },
    attach: (t) => {
      target = t;
      if (last) t(...last);
    }
  };
}

/**
 * Starts `job` at once and, if it is still running after `delayMs`, calls `show` with what is left of it (a promise
 * that settles with the job and never rejects); `show` returns where the progress goes from then on, and gets the
 * job's last progress at once. Returns the job's own promise (its result or its error).
 */
export function progressAfterDelay<T>(
  job: (onProgress: ProgressSink) => Promise<T>,
  show: (rest: Promise<void>) => ProgressSink,
  delayMs: number = PROGRESS_DELAY_MS,
  timers: ProgressTimers = realTimers
): Promise<T> {
  const progress = pendingSink();
  const running = job(progress.sink);
  const rest = running.then(
    () => undefined,
    () => undefined
  );
  const timer = timers.setTimeout(() => progress.attach(show(rest)), delayMs);
  void rest.then(() => timers.clearTimeout(timer));
  return running;
}
