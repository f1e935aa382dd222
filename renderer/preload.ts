// The DDPM notebook's preload (package.json contributes.notebookPreload): VS Code loads it into a DDPM notebook's
// output webview when the notebook opens, before any output. It imports the renderer's entry module by the URL VS
// Code itself imports it from when the first output comes (dist/renderer/index.js beside this file: a module loads
// once per page, by URL, so that output finds it loaded instead of fetching it through code-server's resource path
// on a thread the notebook's first run keeps busy), and warms the run view: a small run mounted off screen while
// plotly's chunk loads, then one small plot (warmUp.ts). The first sample() waits for none of it (README
// "Performance").
import { warmUp } from './warmUp';

export function activate(): void {
  // not bundled: a path esbuild does not follow, so that the module is the renderer's own entry, not a copy
  const entry = new URL('./index.js', import.meta.url).href;
  void import(entry).catch(() => undefined);
  void warmUp({ early: true });
}
