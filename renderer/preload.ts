// The DDPM notebook's preload (package.json contributes.notebookPreload): VS Code loads it into a DDPM notebook's
// output webview when the notebook opens, before any output. It imports the renderer's entry module by the URL VS
// Code itself imports it from when the first output comes (dist/renderer/index.js beside this file: a module loads
// once per page, by URL, so that output finds it loaded instead of fetching it through code-server's resource path
// on a thread the notebook's first run keeps busy), and warms the run view in short steps (warmUp.ts). The first
// sample() waits for none of it (README "Performance").
import { warmUp } from './warmUp';

export function activate(): void {
  try {
    // not bundled: a path esbuild does not follow, so that the module is the renderer's own entry, not a copy
    void import(new URL('./index.js', import.meta.url).href).catch(() => undefined);
  } catch {
    // no URL to resolve against (the renderer then loads its entry itself, when the first output comes)
  }
  void warmUp({ whileLoading: true });
}
