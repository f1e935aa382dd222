// The dynamic imports of plotly's chunks (renderer/plotly.ts, renderer/plotlyGl.ts), in a module of their own: in
// the ES module build (the notebook renderer) esbuild resolves them to the chunks beside the importing file; the
// results panel's page script, which the panel's HTML holds inline (scripts/build.mjs), has no file to resolve them
// from and gets chunkImportsByUrl.ts in place of this module.
import type { HostMessage, ModuleSet } from '../src/common/viewMessages';
import type { PlotlyApi } from './plotly';

export const importPlotly = (): Promise<{ default: PlotlyApi }> => import('./plotly');
export const importPlotlyGl = (): Promise<{ default: PlotlyApi }> => import('./plotlyGl');

// The results panel's inline page gets plotly's modules by message (chunkImportsByUrl.ts); here, beside its chunks,
// the renderer has nothing to ask for or receive.
export const connectHost = (_askForModules: (set: ModuleSet) => void): void => undefined;
export const receiveModules = (_message: Extract<HostMessage, { type: 'modules' }>): void => undefined;
