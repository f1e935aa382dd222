// Loads the plotly partial bundle on first use (a separate chunk in the ESM renderer build), and
// decides whether WebGL traces can work here: they need a WebGL context, and regl (plotly's WebGL
// layer) compiles its shaders' glue with Function, which a CSP without 'unsafe-eval' forbids.
import type { PlotlyApi } from './plotly';

let loading: Promise<PlotlyApi> | undefined;

export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('./plotly').then((m) => m.default);
  return loading;
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

/** Whether a CSP given in a <meta> tag forbids eval (its script-src, or default-src, lacks 'unsafe-eval'). */
export function metaCspForbidsEval(doc: Document = document): boolean {
  for (const meta of Array.from(doc.querySelectorAll('meta[http-equiv]'))) {
    if (meta.getAttribute('http-equiv')?.toLowerCase() !== 'content-security-policy') continue;
    const directives = new Map<string, string>();
    for (const part of (meta.getAttribute('content') ?? '').split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name) directives.set(name.toLowerCase(), values.join(' '));
    }
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    if (scripts !== undefined && !scripts.includes("'unsafe-eval'")) return true;
  }
  return false;
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

/** Whether WebGL traces (scattergl) may be used: WebGL exists and nothing has forbidden eval. */
export function webglTracesUsable(): boolean {
  return evalViolations === 0 && webglAvailable() && !metaCspForbidsEval();
}
