// The DDPM notebook's preload (package.json contributes.notebookPreload): VS Code loads it into a DDPM notebook's
// output webview when the notebook opens, before any output. It loads the renderer's code (importing index.ts puts
// all of it in a chunk both share, so dist/renderer/index.js is a few bytes when the first output asks for it) and
// plotly's chunk, and draws a small run off screen (warmUp.ts): the first sample() waits for none of it (README
// "Performance"). Modules load once per page, by URL, whoever imports them first.
import './index';
import { warmUp } from './warmUp';

export function activate(): void {
  void warmUp();
}
