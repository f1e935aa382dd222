// The DDPM notebook's preload (package.json contributes.notebookPreload): VS Code loads it into a DDPM notebook's
// output webview when the notebook opens, before any output. It starts loading plotly's chunk there, so the first
// sample() draws without waiting for it (README "Performance"). The renderer (index.ts) imports the same chunk from
// the same URL: the browser loads and runs it once.
import { loadPlotly } from './plotLoader';

export function activate(): void {
  void loadPlotly().catch(() => undefined); // a failure shows where a plot is drawn, not here
}
