// Warming the run view where a page waits anyway (the DDPM notebook's preload when a notebook opens, the results
// panel's page while the host samples), in two short steps, so that it holds the page's thread (in code-server, the
// whole window's: README "Performance") as little as it can:
// 1. while plotly's chunk loads (the preload; the panel's page, whose run comes right after its script, once it has
//    loaded), a small run (N = 200, d = 2, T = 100, recorded in full) is encoded, decoded,
//    recomputed and mounted off screen, where its plots are sketched (views/sketch.ts), then removed: the sampler's
//    WebAssembly, the JSON readers, the path rasteriser and the run view's own code are compiled and run once;
// 2. once plotly is in, one small plot like the views' (axes with titles, a title, a layout image, an invisible
//    trace) is drawn off screen and purged: plotly's drawing code has run once.
// The first real output then draws at nearly the speed of the next ones. Measured in code-server (2026-12-03): the
// whole run view drawn off screen instead (both plots, 0.25 to 0.3 s of the window's thread) delayed a notebook's
// first output when the user ran it while the warm-up drew, by more than its draw gained.
// A closed shadow root keeps the warm-up out of document.querySelector and of playwright's selectors, so tools and
// tests that look for `.ddpm-run` or a `data-testid` never see it.
import { linearSchedule, alphaBarFromBetas } from '../src/core/sampler/schedules';
import { runSampler } from '../src/core/sampler/sampler';
import { carryInputs } from '../src/core/run/recompute';
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
  const run = carryInputs(runSampler(inputs, { record: { kind: 'none' } }), wModel, { kind: 'all' });
  return decodeRunResult(JSON.parse(JSON.stringify(encodeRunResult(run))));
}

const NO_HOST: HostBridge = { copy: () => undefined, saveImage: () => undefined };

let warming: Promise<void> | undefined;
let stopRequested = false;

/**
 * Warms the page once (the two steps above; `early`: step 1 while plotly's chunk loads, else after); resolves when
 * done. Marks the document with data-ddpm-plotly-warm:
 * "true" when both steps ran, "skipped" when a real run came first (stopWarmUp: a step not yet begun does not
 * begin), "failed" (a failure here shows where a real plot is drawn, not here), and data-ddpm-warm-at with the time
 * (Date.now()). Benchmarks and tests wait for it.
 */
export function warmUp({ early }: { early: boolean }, doc: Document = document): Promise<void> {
  warming ??= (async () => {
    let outcome: 'true' | 'skipped' | 'failed';
    try {
      const plotly = loadPlotly();
      if (early && !stopRequested) runOffScreen(doc);
      const Plotly = await plotly;
      if (!early && !stopRequested) runOffScreen(doc);
      if (!stopRequested) await plotOffScreen(doc, Plotly);
      outcome = stopRequested ? 'skipped' : 'true';
    } catch {
      outcome = 'failed';
    }
    doc.documentElement.setAttribute('data-ddpm-plotly-warm', outcome);
    doc.documentElement.setAttribute('data-ddpm-warm-at', String(Date.now())); // the end-to-end timings log it
  })();
  return warming;
}

/** Called when a real run is to be drawn: a warm-up step that has not begun does not begin. */
export function stopWarmUp(): void {
  stopRequested = true;
}

/** An element off screen in a closed shadow root (removed with `holder`). */
function offScreen(doc: Document, width: number): { holder: HTMLElement; container: HTMLElement } {
  const holder = doc.createElement('div');
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText = `position:absolute;left:-10000px;top:0;width:${width}px;visibility:hidden;pointer-events:none`;
  const shadow = holder.attachShadow({ mode: 'closed' });
  const container = doc.createElement('div');
  shadow.append(container);
  doc.body.append(holder);
  return { holder, container };
}

/** Step 1: the small run mounted (its steps recomputed, its plots sketched while plotly loads) and removed at once. */
function runOffScreen(doc: Document): void {
  const { holder, container } = offScreen(doc, 900);
  try {
    mountRunView(container, warmUpRun(), NO_HOST).dispose();
  } finally {
    holder.remove();
  }
}

/** Step 2: one small plot drawn with plotly as the views draw theirs (react, then its image by relayout), then purged. */
async function plotOffScreen(doc: Document, Plotly: PlotlyApi): Promise<void> {
  const { holder, container } = offScreen(doc, 400);
  const plot = doc.createElement('div');
  plot.style.height = '300px';
  container.append(plot);
  try {
    const image = doc.createElement('canvas');
    image.width = image.height = 2;
    const layout = {
      xaxis: { title: { text: 'x[:, 0]' }, range: [0, 1], autorange: false },
      yaxis: { title: { text: 'x[:, 1]' }, range: [0, 1], autorange: false },
      title: { text: 'x_0' },
      showlegend: false
    };
    // the plane's legend entries (a line, open and filled markers) and the invisible trace autoscale fits
    const traces = [
      { type: 'scatter', mode: 'lines', x: [null], y: [null], line: { width: 2 }, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'markers', x: [null], y: [null], marker: { symbol: 'circle-open' }, hoverinfo: 'skip' },
      { type: 'scatter', mode: 'markers', x: [0, 1], y: [0, 1], marker: { opacity: 0 }, hoverinfo: 'skip' }
    ];
    await Plotly.react(plot, traces, merge(plotlyThemeLayout(readTheme(doc.body)), layout), PLOT_CONFIG);
    const source = image.toDataURL('image/png');
    await Plotly.relayout(plot, {
      images: [{ source, xref: 'x', yref: 'y', x: 0, y: 1, sizex: 1, sizey: 1, sizing: 'stretch', layer: 'below' }]
    });
  } finally {
    Plotly.purge(plot);
    holder.remove();
  }
}
