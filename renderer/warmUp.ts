// Warming the run view where a page waits anyway (the DDPM notebook's preload when a notebook opens, the results
// panel's page while the host samples): plotly's chunk is loaded, and a small run (N = 200, d = 2, T = 100,
// recorded in full) is recomputed, encoded and decoded, and drawn into a closed shadow root off screen, then
// removed. The first real output then finds plotly loaded and the sampler's WebAssembly, the path rasteriser,
// plotly's drawing code and the JSON readers compiled and warmed by the JIT: measured with `npm run bench:editor`
// (README "Performance": about half of a first draw's time in this browser was first-run cost).
// A closed shadow root keeps the warm-up out of document.querySelector and of playwright's selectors, so tools and
// tests that look for `.ddpm-run` or a `data-testid` never see it.
import { linearSchedule, alphaBarFromBetas } from '../src/core/sampler/schedules';
import { runSampler } from '../src/core/sampler/sampler';
import { carryInputs } from '../src/core/run/recompute';
import { decodeRunResult, encodeRunResult } from '../src/core/run/runCodec';
import type { RunResult } from '../src/core/types';
import { loadPlotly } from './plotLoader';
import { mountRunView, type HostBridge } from './runView';

/** The warm-up's run as the extension host sends it: its inputs and final sample, its steps left to the view. */
export function warmUpRun(n = 200, d = 2, T = 100): RunResult {
  const betas = linearSchedule(T);
  const wModel = { rows: d + 1, cols: d, data: new Float32Array((d + 1) * d).map((_, k) => ((k % 5) - 2) / 8) };
  const inputs = { wModel, n, d, betas, alphaBar: alphaBarFromBetas(betas), seed: 0n };
  const run = carryInputs(runSampler(inputs, { record: { kind: 'none' } }), wModel, { kind: 'all' });
  return decodeRunResult(JSON.parse(JSON.stringify(encodeRunResult(run))));
}

const NO_HOST: HostBridge = { copy: () => undefined, saveImage: () => undefined };

let warming: Promise<void> | undefined;
let stopRequested = false;
/** resolves when stopWarmUp is called: a warm-up that is drawing stops at its next step */
let onStop: () => void = () => undefined;
const stopped = new Promise<void>((resolve) => (onStop = resolve));

/**
 * Loads plotly and draws the warm-up run off screen once per page; resolves when done. Marks the document with
 * data-ddpm-plotly-warm: "true" when drawn, "skipped" when a real run came first (stopWarmUp; before or while it
 * drew), "failed" (a failure here shows where a real plot is drawn, not here), and data-ddpm-warm-at with the time
 * (Date.now()). Benchmarks and tests wait for it.
 */
export function warmUp(doc: Document = document): Promise<void> {
  warming ??= (async () => {
    let outcome: 'true' | 'skipped' | 'failed';
    try {
      await loadPlotly();
      outcome = stopRequested ? 'skipped' : await drawOffScreen(doc);
    } catch {
      outcome = 'failed';
    }
    doc.documentElement.setAttribute('data-ddpm-plotly-warm', outcome);
    doc.documentElement.setAttribute('data-ddpm-warm-at', String(Date.now())); // the end-to-end timings log it
  })();
  return warming;
}

/**
 * Called when a real run is to be drawn: a warm-up that has not started drawing does not start, one that is drawing
 * is disposed (its plots stop at their next step: they yield to the page between plots, renderer/views/common.ts).
 */
export function stopWarmUp(): void {
  stopRequested = true;
  onStop();
}

async function drawOffScreen(doc: Document): Promise<'true' | 'skipped' | 'failed'> {
  const holder = doc.createElement('div');
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText = 'position:absolute;left:-10000px;top:0;width:900px;visibility:hidden;pointer-events:none';
  const shadow = holder.attachShadow({ mode: 'closed' });
  const container = doc.createElement('div');
  shadow.append(container);
  doc.body.append(holder);
  try {
    const handle = mountRunView(container, warmUpRun(), NO_HOST);
    try {
      const state = await Promise.race([readyOf(handle.root), stopped.then(() => 'stopped')]);
      return state === 'true' ? 'true' : state === 'stopped' ? 'skipped' : 'failed';
    } finally {
      handle.dispose();
    }
  } finally {
    holder.remove();
  }
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
