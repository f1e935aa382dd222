// The results panel's HTML (pure, no `vscode`): a strict content security policy — scripts only
// with this page's nonce, from the extension's own local resources or from blob: URLs the page makes, no remote
// content, no eval — and one root element the panel script fills. The script is held inline (the build's
// dist/panel-page.js, with this page's nonce), so it runs as soon as the webview writes the page, without first
// fetching modules through the webview's service worker; plotly's chunks come by message from the extension and are
// imported from blob: URLs (renderer/chunkImportsByUrl.ts), or, should that fail, from the extension's resources by
// the URLs the root element names. A build without it (a watch build, or tests running the sources) loads
// dist/renderer/panel.js instead.
import type { HostMessage, ModuleRef, ModuleSet } from '../common/viewMessages';
import { errorFirstLine } from '../core/errors';

/** The results panel's webview type (activation event onWebviewPanel:ddpmLab.results restores it). */
export const PANEL_VIEW_TYPE = 'ddpmLab.results';

export interface PanelHtmlParts {
  /** webview.cspSource: the origin of the extension's local resources */
  cspSource: string;
  nonce: string;
  /** webview URI of dist/renderer/panel.js: the page's script when there is no inline one */
  scriptUri: string;
  /** the page's script itself (panelAssets().page), held inline in place of scriptUri's */
  inlineScript?: string;
  /** webview URIs of the entries of plotly's chunks, which the inline script imports (data-ddpm-chunk-*) */
  chunks?: { plotly: string; plotlyGl: string };
  /** a stylesheet's webview URI (the panel itself needs none: panel.js installs its styles) */
  cssUri?: string;
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
    // 'wasm-unsafe-eval' lets the sampler compile its WebAssembly kernel (it is not 'unsafe-eval': no JS eval);
    // blob: lets the page import plotly's modules the extension sent it (only a script already running here can make
    // a blob: URL)
    `script-src 'nonce-${nonce}' ${cspSource} blob: 'wasm-unsafe-eval'`,
    // no workers (they would fall back to script-src, blob: among it): the page starts none
    "worker-src 'none'",
    // plotly sets inline styles on the elements it draws
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`
  ].join('; ');
}

export interface PanelAssets {
  /**
   * plotly's modules, in sets the page asks for, each its entry first (scripts/build.mjs panelModules); none without
   * the build's list
   */
  modules?: Record<ModuleSet, ModuleRef[]>;
  /** the page's script (dist/panel-page.js), for the HTML to hold inline */
  page?: string;
}

declare const DDPM_PANEL_ASSETS: PanelAssets | undefined;

/**
 * The results panel's page as scripts/build.mjs gave it to this bundle: its script's text, and plotly's modules
 * (paths under dist/renderer/); neither when the bundle was built without the renderer (a watch build) or not by
 * build.mjs (tests run the sources).
 */
export function panelAssets(): PanelAssets {
  return typeof DDPM_PANEL_ASSETS === 'undefined' ? {} : DDPM_PANEL_ASSETS;
}

/**
 * The name the inline script goes by in the browser's developer tools and CPU profiles (its `sourceURL`; without one,
 * its functions are listed under no file): the file it was built as.
 */
export const INLINE_SCRIPT_NAME = 'ddpm-lab/dist/panel-page.js';

export function buildPanelHtml(p: PanelHtmlParts): string {
  const title = p.title ?? 'DDPM Lab: Results';
  const inline = p.inlineScript;
  if (inline !== undefined && /<\/script|<!--/i.test(inline))
    throw new Error('the panel page script holds "</script" or "<!--": it cannot be written inline');
  const chunks = p.chunks
    ? ` data-ddpm-chunk-plotly="${escapeAttr(p.chunks.plotly)}" data-ddpm-chunk-plotly-gl="${escapeAttr(p.chunks.plotlyGl)}"`
    : '';
  const script =
    inline !== undefined
      ? `<script type="module" nonce="${p.nonce}">${inline}\n//# sourceURL=${INLINE_SCRIPT_NAME}</script>`
      : `<script type="module" nonce="${p.nonce}" src="${escapeAttr(p.scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${p.cssUri ? `<link rel="stylesheet" href="${escapeAttr(p.cssUri)}">\n` : ''}<title>${escapeAttr(title)}</title>
</head>
<body>
<div id="ddpm-root" data-ddpm-panel="results"${chunks}><p class="ddpm-loading">Waiting for a run: use “DDPM: Run Sampler”.</p></div>
${script}
</body>
</html>
`;
}

/**
 * The `modules` message for a set of plotly's modules (PanelAssets.modules): each module's file and imports with its
 * bytes, read by `read` (a file under dist/renderer/); or, should one not be read, one line saying why (the page then
 * imports plotly by URL).
 */
export async function modulesMessage(
  set: ModuleSet,
  refs: readonly ModuleRef[],
  read: (file: string) => Promise<Uint8Array>
): Promise<HostMessage> {
  try {
    const modules = await Promise.all(
      refs.map(async (r) => ({ file: r.file, imports: r.imports.slice(), bytes: await read(r.file) }))
    );
    return { type: 'modules', set, modules };
  } catch (e) {
    return { type: 'modules', set, error: errorFirstLine(e) };
  }
}
