// The DDPM notebook's preload (package.json contributes.notebookPreload): VS Code loads it into a DDPM notebook's
// output webview when the notebook opens, before any output. It loads plotly's chunk there and draws one tiny plot
// off screen (warmPlotly), so the first sample() draws without waiting for either (README "Performance"). The
// renderer (index.ts) imports the same chunk from the same URL: the browser loads and runs it once.
import { warmPlotly } from './plotLoader';

export function activate(): void {
  void warmPlotly().catch(() => undefined); // a failure shows where a plot is drawn, not here
}
