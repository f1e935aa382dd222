// The progress notification of a palette run (src/extension/delayedProgress.ts): none for a job that ends before
// the delay, and for a longer one a notification from the delay on, given the job's last progress at once and the
// rest as it comes. Timers are injected: each test fires the delay itself.
import { strict as assert } from 'node:assert';
import {
  pendingSink,
  progressAfterDelay,
  type ProgressSink,
  type ProgressTimers
} from '../../../src/extension/delayedProgress';

/** Timers whose one pending callback the test fires; records the delay asked for and whether it was cleared. */
function manualTimers(): ProgressTimers & { fire(): void; delays: number[]; cleared: number } {
  let pending: (() => void) | undefined;
  const t = {
    delays: [] as number[],
    cleared: 0,
    setTimeout(callback: () => void, ms: number) {
      pending = callback;
      t.delays.push(ms);
      return 1;
    },
    clearTimeout() {
      t.cleared++;
      pending = undefined;
    },
    fire() {
      const f = pending;
      pending = undefined;
      f?.();
    }
  };
  return t;
}

/** A job whose progress and end the test drives. */
function controlledJob<T>(): {
  job: (onProgress: ProgressSink) => Promise<T>;
  progress: ProgressSink;
  finish(value: T): void;
  fail(error: Error): void;
} {
  let report: ProgressSink = () => undefined;
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    job: (onProgress) => {
      report = onProgress;
      return promise;
    },
    progress: (done, total) => report(done, total),
    finish: (v) => resolve(v),
    fail: (e) => reject(e)
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('progressAfterDelay (the Run Sampler notification)', () => {
  it('shows nothing for a job that ends before the delay, and clears its timer', async () => {
    const timers = manualTimers();
    const c = controlledJob<string>();
    let shown = 0;
    const result = progressAfterDelay(
      c.job,
      () => {
        shown++;
        return () => undefined;
      },
      500,
      timers
    );
    c.progress(400, 1000);
    c.finish('sample');
    assert.equal(await result, 'sample');
    await settle();
    assert.deepEqual(timers.delays, [500]);
    assert.equal(timers.cleared, 1, 'the delay was not cleared when the job ended');
    timers.fire(); // nothing is pending any more
    assert.equal(shown, 0);
  });

  it('shows the notification once the delay passes, with the last progress at once and later progress after', async () => {
    const timers = manualTimers();
    const c = controlledJob<number>();
    const seen: string[] = [];
    let rest: Promise<void> | undefined;
    const result = progressAfterDelay(
      c.job,
      (r) => {
        rest = r;
        seen.push('shown');
        return (done, total) => seen.push(`${done}/${total}`);
      },
      500,
      timers
    );
    c.progress(100, 1000);
    c.progress(250, 1000);
    assert.deepEqual(seen, [], 'shown before the delay');
    timers.fire();
    c.progress(900, 1000);
    assert.deepEqual(seen, ['shown', '250/1000', '900/1000']);
    let restSettled = false;
    void rest!.then(() => (restSettled = true));
    await settle();
    assert.equal(restSettled, false, 'the notification ended before the job');
    c.finish(7);
    assert.equal(await result, 7);
    await settle();
    assert.equal(restSettled, true, 'the notification outlived the job');
  });

  it("passes the job's error on, and the notification's promise still settles without it", async () => {
    const timers = manualTimers();
    const c = controlledJob<number>();
    let rest: Promise<void> | undefined;
    const result = progressAfterDelay(
      c.job,
      (r) => {
        rest = r;
        return () => undefined;
      },
      500,
      timers
    );
    timers.fire();
    c.fail(new Error('sampler: stopped'));
    await assert.rejects(result, /sampler: stopped/);
    assert.equal(await rest, undefined);
  });

  it('shows no progress line before any progress came', () => {
    const timers = manualTimers();
    const c = controlledJob<number>();
    const seen: string[] = [];
    void progressAfterDelay(
      c.job,
      () => {
        seen.push('shown');
        return (done, total) => seen.push(`${done}/${total}`);
      },
      500,
      timers
    );
    timers.fire();
    assert.deepEqual(seen, ['shown']);
    c.finish(0);
  });
});

describe('pendingSink (progress kept until the notification takes it)', () => {
  it('passes on only the last progress that came before its target, then every later one', () => {
    const p = pendingSink();
    p.sink(1, 10);
    p.sink(2, 10);
    const seen: string[] = [];
    p.attach((done, total) => seen.push(`${done}/${total}`));
    p.sink(3, 10);
    assert.deepEqual(seen, ['2/10', '3/10']);
  });

  it('passes nothing on at attach when no progress came', () => {
    const p = pendingSink();
    const seen: string[] = [];
    p.attach((done, total) => seen.push(`${done}/${total}`));
    assert.deepEqual(seen, []);
    p.sink(1, 4);
    assert.deepEqual(seen, ['1/4']);
  });
});
