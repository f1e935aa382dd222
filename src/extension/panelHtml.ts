// The results panel's HTML (pure, no `vscode`): a strict content security policy — scripts only
// with this page's nonce or from the extension's own local resources, no remote content, no eval —
// and one root element the panel script (dist/renderer/panel.js, an ES module whose chunks, plotly's among them,
// load from the extension's resources) fills.

/** The results panel's webview type (activation event onWebviewPanel:ddpmLab.results restores it). */
export const PANEL_VIEW_TYPE = 'ddpmLab.results';

export interface PanelHtmlParts {
  /** webview.cspSource: the origin of the extension's local resources */
  cspSource: string;
  nonce: string;
  /** webview URI of dist/renderer/panel.js */
  scriptUri: string;
  /** a stylesheet's webview URI (the panel itself needs none: panel.js installs its styles) */
  cssUri?: string;
  /**
   * webview URIs of modules the page will import, fetched with its script (`<link rel="modulepreload">`, panelPreload):
   * `script`, the script's own chunks, before it, and `plotly`, plotly's chunks, after it
   */
  preload?: { script: readonly string[]; plotly: readonly string[] };
  title?: string;
}

/** 32 hex digits from the platform's CSPRNG. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' lets the sampler compile its WebAssembly kernel (it is not 'unsafe-eval': no JS eval)
    `script-src 'nonce-${nonce}' ${cspSource} 'wasm-unsafe-eval'`,
    // plotly sets inline styles on the elements it draws
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`
  ].join('; ');
}

export interface PanelPreload {
  script: readonly string[];
  plotly: readonly string[];
}

declare const DDPM_PANEL_PRELOAD: PanelPreload | undefined;

/**
 * The results panel's modules as scripts/build.mjs named them for this bundle (paths under dist/renderer/): the
 * chunks panel.js imports, and the chunk that its import('./plotly') loads with those it imports; none when the
 * bundle was built without the renderer (a watch build) or not by build.mjs (tests run the sources).
 */
export function panelPreload(): PanelPreload {
  return typeof DDPM_PANEL_PRELOAD === 'undefined' ? { script: [], plotly: [] } : DDPM_PANEL_PRELOAD;
}

export function buildPanelHtml(p: PanelHtmlParts): string {
  const title = p.title ?? 'DDPM Lab: Results';
  const links = (uris: readonly string[] = []): string =>
    uris.map((u) => `<link rel="modulepreload" nonce="${p.nonce}" href="${escapeAttr(u)}">\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.cssUri ? `<link rel="stylesheet" href="${escapeAttr(p.cssUri)}">\n` : ''}<title>${escapeAttr(title)}</title>
</head>
<body>
<div id="ddpm-root" data-ddpm-panel="results"><p class="ddpm-loading">Waiting for a run: use “DDPM: Run Sampler”.</p></div>
${links(p.preload?.script)}<script type="module" nonce="${p.nonce}" src="${escapeAttr(p.scriptUri)}"></script>
${links(p.preload?.plotly)}</body>
</html>
`;
}
