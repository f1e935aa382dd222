// Warming the run view where a page waits anyway, so that the first real output draws without first-run costs (the
// sampler's WebAssembly, the JSON readers, the path rasteriser, the run view's and plotly's drawing code compiled and
// run once). Two ways, for the two pages (README "Performance"):
// - the DDPM notebook's preload (`whileLoading`), when a notebook opens: in short steps, each a task of its own that a
//   real output stops before it begins, so that the warm-up holds the page's thread (in code-server, the whole
//   window's) as little as it can: while plotly's chunk loads, a small run (N = 200, d = 2, T = 100, recorded in
//   full) is made, encoded and decoded; its steps are recomputed; then it is mounted off screen, where its plots are
//   sketched (views/sketch.ts), and removed; once plotly is in, one small plot like the views' is drawn (react, then
//   its layout image by relayout) and purged; then, once the page's thread has been quiet for 300 ms (no task of
//   20 ms or more meanwhile: in code-server, the window's thread), the small run is drawn in full, stopped at its
//   next plot by a real output. Measured in code-server (2026-12-03): drawing the small run in full as soon as
//   plotly was in held the window's thread 0.2 to 0.4 s, and delayed a notebook's first run started meanwhile more
//   than its draw gained; drawn once the window is quiet, a first run after that is drawn 0.15 to 0.2 s sooner, and
//   one started right after opening no later;
// - the results panel's page, while the host samples (its run comes right after its script, so this mostly gives
//   way): once plotly's chunk is in, the small run drawn in full off screen, stopping at its next plot when a real
//   run comes (plots yield to the page between them, renderer/views/common.ts).
// A closed shadow root keeps the warm-up out of document.querySelector and of playwright's selectors, so tools and
// tests that look for `.ddpm-run` or a `data-testid` never see it.
import { nextTask } from '../src/common/nextTask';
import { linearSchedule, alphaBarFromBetas } from '../src/core/sampler/schedules';
import { recomputeTrajectory, runForView } from '../src/core/run/recompute';
import { decodeRunResult, encodeRunResult } from '../src/core/run/runCodec';
import type { RunResult } from '../src/core/types';
import { loadPlotly } from './plotLoader';
import type { PlotlyApi } from './plotly';
import { mountRunView, type HostBridge } from './runView';
import { plotlyThemeLayout, readTheme } from './theme';
import { merge, PLOT_CONFIG } from './views/common';

/** The warm-up's run as the extension host sends it: its inputs and final sample, its steps left to the view. */
export function warmUpRun(n = 200, d = 2, T = 100): RunResult {
  const betas = linearSchedule(T);
  const wModel = { rows: d + 1, cols: d, data: new Float32Array((d + 1) * d).map((_, k) => ((k % 5) - 2) / 8) };
  const inputs = { wModel, n, d, betas, alphaBar: alphaBarFromBetas(betas), seed: 0n };
  return decodeRunResult(JSON.parse(JSON.stringify(encodeRunResult(runForView(inputs, {}, { kind: 'all' })))));
}

const NO_HOST: HostBridge = { copy: () => undefined, saveImage: () => undefined };

let warming: Promise<void> | undefined;
let stopRequested = false;
/** resolves when stopWarmUp is called: a full draw (the panel's) stops at its next plot */
let onStop: () => void = () => undefined;
const stopped = new Promise<void>((resolve) => (onStop = resolve));

type Outcome = 'true' | 'skipped' | 'failed';

/**
 * Warms the page once (above: `whileLoading` for the notebook's preload, else the panel's way); resolves when done.
 * Marks the document with data-ddpm-plotly-warm: "true" when every step ran, "skipped" when a real run came first
 * (stopWarmUp: the steps not yet begun did not begin), "failed" (a failure here shows where a real plot is drawn, not
 * here), and data-ddpm-warm-at with the time (Date.now()). Benchmarks and tests wait for it.
 */
export function warmUp({ whileLoading }: { whileLoading: boolean }, doc: Document = document): Promise<void> {
  warming ??= (async () => {
    let outcome: Outcome;
    try {
      outcome = whileLoading ? await warmInSteps(doc) : await warmWithFullDraw(doc);
    } catch {
      outcome = 'failed';
    }
    doc.documentElement.setAttribute('data-ddpm-plotly-warm', outcome);
    doc.documentElement.setAttribute('data-ddpm-warm-at', String(Date.now())); // the end-to-end timings log it
  })();
  return warming;
}

/**
 * Called when a real run is to be drawn: a warm-up step that has not begun does not begin, a full draw stops at its
 * next plot.
 */
export function stopWarmUp(): void {
  stopRequested = true;
  onStop();
}

/** The notebook's way: each step a task of its own, begun only when no real output has come. */
async function warmInSteps(doc: Document): Promise<Outcome> {
  const plotly = loadPlotly();
  await nextTask();
  if (stopRequested) return 'skipped';
  const run = warmUpRun();
  await nextTask();
  if (stopRequested) return 'skipped';
  recomputeTrajectory(run, { statesFirst: true }); // as the view does first (mounting it does it again, warm)
  await nextTask();
  if (stopRequested) return 'skipped';
  await inHolder(doc, 900, '1', (container) => mountRunView(container, run, NO_HOST).dispose());
  const Plotly = await plotly;
  await nextTask();
  if (stopRequested) return 'skipped';
  if ((await plotOffScreen(doc, Plotly)) !== 'true') return 'skipped';
  // the small run drawn in full (the rest of the first draw's first-run costs) only once the page's thread has been
  // quiet a while: a notebook run started right after opening must not wait for it
  await quiet(QUIET_MS, doc);
  if (stopRequested) return 'skipped';
  return drawInFull(doc, run);
}

/** How long the page's thread must have been quiet before the notebook's warm-up draws the small run in full. */
const QUIET_MS = 300;
/**
 * A tick of the quietness check, and the lateness of a tick that says some other task ran meanwhile: a tick is due
 * in every task longer than TICK_MS, so any task of TICK_MS + LATE_MS or more breaks the quiet.
 */
const TICK_MS = 10;
const LATE_MS = 10;
/**
 * After this long (the page visible) without a quiet stretch, the small run is drawn in full anyway (once, as the
 * panel's page does).
 */
const QUIET_WAIT_MAX_MS = 10_000;

/**
 * Resolves once the page's thread has been quiet for `ms`: a chain of TICK_MS timers each ran less than LATE_MS
 * late, so no task (the window's, in code-server: a command, a cell's output, a frame) took 20 ms or more meanwhile;
 * or at once when a real run asks the warm-up to stop; or after QUIET_WAIT_MAX_MS of visible page (on a machine
 * so loaded that it is never quiet). While the page is hidden (its timers throttled) nothing counts: the wait starts
 * over when it is shown.
 */
function quiet(ms: number, doc: Document): Promise<void> {
  return new Promise((resolve) => {
    let start = performance.now();
    let since = start;
    let due = start + TICK_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    void stopped.then(done);
    const tick = (): void => {
      const now = performance.now();
      if (doc.visibilityState === 'hidden') start = since = now;
      else if (now - due >= LATE_MS) since = now; // something else held the thread: start over
      if (now - since >= ms || now - start >= QUIET_WAIT_MAX_MS) return done(); // a stop: `stopped` above
      due = now + TICK_MS;
      timer = setTimeout(tick, TICK_MS);
    };
    timer = setTimeout(tick, TICK_MS);
  });
}

/** The panel's way: once plotly is in, the small run drawn in full, stopped at its next plot by a real run. */
async function warmWithFullDraw(doc: Document): Promise<Outcome> {
  await loadPlotly();
  if (stopRequested) return 'skipped';
  return drawInFull(doc);
}

/**
 * The small run drawn in full off screen (the notebook's own, already made and recomputed, or a new one), stopped at
 * its next plot by a real run.
 */
function drawInFull(doc: Document, run: RunResult = warmUpRun()): Promise<Outcome> {
  return inHolder(doc, 900, 'full', async (container) => {
    const handle = mountRunView(container, run, NO_HOST);
    try {
      const state = await Promise.race([readyOf(handle.root), stopped.then(() => 'stopped')]);
      return state === 'true' ? 'true' : state === 'stopped' ? 'skipped' : 'failed';
    } finally {
      handle.dispose();
    }
  });
}

/** One small plot drawn with plotly as the views draw theirs (react, then its image by relayout), then purged. */
async function plotOffScreen(doc: Document, Plotly: PlotlyApi): Promise<Outcome> {
  const { holder, container } = offScreen(doc, 400, '2');
  const plot = doc.createElement('div');
  plot.style.height = '300px';
  container.append(plot);
  try {
    const image = doc.createElement('canvas');
    image.width = image.height = 2;
    const layout = {
      xaxis: { title: { text: 'x[:, 0]' }, range: [0, 1], autorange: false },
      yaxis: { title: { text: 'x[:, 1]' }, range: [0, 1], autorange: false },
      showlegend: false
    };
    // the plane's legend entries (a line, open and filled markers) and the invisible trace autoscale fits
    const traces = [
      { type: 'scatter', mode: 'lines', x: [null], y: [null], line: { width: 2 }, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'markers', x: [null], y: [null], marker: { symbol: 'circle-open' }, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'markers', x: [0, 1], y: [0, 1], marker: { opacity: 0 }, hoverinfo: 'skip' }
    ];
    await Plotly.react(plot, traces, merge(plotlyThemeLayout(readTheme(doc.body)), layout), PLOT_CONFIG);
    if (stopRequested) return 'skipped';
    const source = image.toDataURL('image/png');
    await Plotly.relayout(plot, {
      images: [{ source, xref: 'x', yref: 'y', x: 0, y: 1, sizex: 1, sizey: 1, sizing: 'stretch', layer: 'above' }]
    });
    return 'true';
  } finally {
    Plotly.purge(plot);
    holder.remove();
  }
}

/** Runs `work` on an element off screen (in a holder marked with `step`), and removes it after, done or failed. */
async function inHolder<T>(
  doc: Document,
  width: number,
  step: string,
  work: (container: HTMLElement) => T | Promise<T>
): Promise<T> {
  const { holder, container } = offScreen(doc, width, step);
  try {
    return await work(container);
  } finally {
    holder.remove();
  }
}

/**
 * An element off screen in a closed shadow root (removed with `holder`, which says which step it holds in
 * data-ddpm-warm-step for tests: "1", "2" or "full").
 */
function offScreen(doc: Document, width: number, step: string): { holder: HTMLElement; container: HTMLElement } {
  const holder = doc.createElement('div');
  holder.setAttribute('aria-hidden', 'true');
  holder.setAttribute('data-ddpm-warm-step', step);
  holder.style.cssText = `position:absolute;left:-10000px;top:0;width:${width}px;visibility:hidden;pointer-events:none`;
  const shadow = holder.attachShadow({ mode: 'closed' });
  const container = doc.createElement('div');
  shadow.append(container);
  doc.body.append(holder);
  return { holder, container };
}

/** Resolves with the run view's data-ddpm-ready once it says drawn ("true") or failed ("error"). */
function readyOf(root: HTMLElement): Promise<string> {
  return new Promise((resolve) => {
    const state = (): string | null => root.getAttribute('data-ddpm-ready');
    if (state() !== 'false') return resolve(String(state()));
    const observer = new MutationObserver(() => {
      if (state() === 'false') return;
      observer.disconnect();
      resolve(String(state()));
    });
    observer.observe(root, { attributes: true, attributeFilter: ['data-ddpm-ready'] });
  });
}
