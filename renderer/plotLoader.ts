// Loads the plotly partial bundle on first use (a separate chunk in the ESM renderer build), and
// decides whether WebGL traces can work here: they need a WebGL context. The bundle's scattergl is plotly's
// strict (precompiled regl) variant, so a CSP without 'unsafe-eval' does not stop it; should an eval violation
// still be reported (a trace that is not precompiled), the plot is redrawn with SVG.
import { importPlotly, importPlotlyGl } from './chunkImports';
import type { PlotlyApi } from './plotly';

let loading: Promise<PlotlyApi> | undefined;
let loaded = false;

export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= importPlotly().then((m) => {
    loaded = true;
    return m.default;
  });
  return loading;
}

let loadingGl: Promise<PlotlyApi> | undefined;

/**
 * plotly with its WebGL scatter trace registered (plotlyGl.ts, a chunk of its own): what a figure with a scattergl
 * trace needs before it is drawn.
 */
export function loadPlotlyGl(): Promise<PlotlyApi> {
  // plotly first: the results panel's page imports the WebGL trace the way plotly came (chunkImportsByUrl.ts)
  loadingGl ??= loadPlotly()
    .then(importPlotlyGl)
    .then((m) => m.default)
    .catch((e: unknown) => {
      loadingGl = undefined; // the next figure that needs it tries again
      throw e;
    });
  return loadingGl;
}

/** Whether plotly's chunk has loaded on this page (else a first plot is sketched while it loads: views/sketch.ts). */
export function plotlyLoaded(): boolean {
  return loaded;
}

let webgl: boolean | undefined;

/** Whether this page can create a WebGL context. */
export function webglAvailable(): boolean {
  if (webgl === undefined) {
    try {
      const canvas = document.createElement('canvas');
      webgl = !!(canvas.getContext('webgl') ?? canvas.getContext('experimental-webgl'));
    } catch {
      webgl = false;
    }
  }
  return webgl;
}

let evalViolations = 0;
if (typeof document !== 'undefined') {
  // a CSP set by HTTP header is only seen when it bites: count the eval violations it reports
  document.addEventListener('securitypolicyviolation', (e) => {
    if (e.blockedURI === 'eval') evalViolations++;
  });
}

/** How many eval violations this page has reported so far. */
export function evalViolationCount(): number {
  return evalViolations;
}

/** Whether WebGL traces (scattergl) may be used: WebGL exists and no eval violation was reported on this page. */
export function webglTracesUsable(): boolean {
  return evalViolations === 0 && webglAvailable();
}
