// The dynamic imports of plotly's chunks (renderer/plotly.ts, renderer/plotlyGl.ts), in a module of their own: in
// the ES module build (the notebook renderer) esbuild resolves them to the chunks beside the importing file; the
// results panel's page script, which the panel's HTML holds inline (scripts/build.mjs), has no file to resolve them
// from and gets chunkImportsByUrl.ts in place of this module.
import type { PlotlyApi } from './plotly';

export const importPlotly = (): Promise<{ default: PlotlyApi }> => import('./plotly');
export const importPlotlyGl = (): Promise<{ default: PlotlyApi }> => import('./plotlyGl');
