// The standalone report: one self-contained HTML page (no network) holding the run, encoded as in
// notebook outputs, and the report script (dist/report/report.js, renderer/report.ts) that draws it
// with the same views as the notebook renderer.
import { encodeRunResult } from '../core/run/runCodec';
import type { RunResult } from '../core/types';

/** Where renderer/report.ts finds the run (REPORT_DATA_ID there). */
const DATA_ID = 'ddpm-run-data';

/** Text escaped for an HTML text node or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside <script type="application/json">: '<' (hence any </script> or <!--) written as \u003c. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A script's source made safe to inline in <script>: no "</script" or "<!--" can end or alter the
 * element, and no source-map comment points at a file the page does not have.
 */
export function scriptForInline(source: string): string {
  return source
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

// Page colors when no VS Code theme variables exist: light by default, dark when the OS prefers it.
const PAGE_CSS = `
:root { color-scheme: light dark; }
body { margin: 0; padding: 16px 20px; background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); }
body { --vscode-editor-background: #ffffff; --vscode-editor-foreground: #1f1f1f; --vscode-descriptionForeground: #616161;
  --vscode-editorWidget-border: #d4d4d4; --vscode-focusBorder: #0078d4; --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #1f1f1f; --vscode-button-secondaryHoverBackground: #d4d4d4; --vscode-errorForeground: #e51400;
  --vscode-charts-blue: #1a85ff; --vscode-charts-orange: #d67e00; --vscode-charts-green: #388a34; --vscode-charts-red: #e51400;
  --vscode-charts-purple: #652d90; --vscode-charts-yellow: #bf8803; }
@media (prefers-color-scheme: dark) {
  body { --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d;
    --vscode-editorWidget-border: #3c3c3c; --vscode-focusBorder: #0078d4; --vscode-button-secondaryBackground: #313131;
    --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c; --vscode-errorForeground: #f14c4c;
    --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c;
    --vscode-charts-purple: #b180d7; --vscode-charts-yellow: #cca700; }
}
h1 { font: 600 1.3em system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 0 8px; }
noscript { display: block; margin: 8px 0; }
`;

/**
 * One self-contained page for a run: the run's JSON and the report script inline, no remote
 * resources (a CSP forbids any). `css` is added after the page's own styles.
 */
export function buildReportHtml(run: RunResult, rendererScript: string, css = ''): string {
  const { n, d, T, seed } = run.inputs;
  const title = `DDPM Lab report: N = ${n}, d = ${d}, T = ${T}, seed ${seed}`;
  const csp =
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; worker-src blob:";
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="DDPM Lab">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    '<noscript>This report draws its plots with JavaScript; enable it to see them.</noscript>',
    '<div id="ddpm-root"></div>',
    `<script type="application/json" id="${DATA_ID}">${jsonForScript(encodeRunResult(run))}</script>`,
    `<script>${scriptForInline(rendererScript)}</script>`,
    '</body>',
    '</html>',
    ''
  ].join('\n');
}
