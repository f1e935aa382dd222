// chunkImports.ts for the results panel's inline page script (scripts/build.mjs puts this module in its place): the
// page's HTML names plotly's chunks by their webview URIs (src/extension/panelHtml.ts, data-ddpm-chunk-* on the
// root element), and they are imported from there. This page's own modules are copies, not the renderer's: plotly.ts
// and plotlyGl.ts must import none of them (they would be a second instance, apart from this page's), only plotly.
import type { PlotlyApi } from './plotly';

function chunkUrl(name: 'plotly' | 'plotly-gl'): string {
  const url = document.getElementById('ddpm-root')?.getAttribute(`data-ddpm-chunk-${name}`);
  if (!url) throw new Error(`the panel's page does not name its ${name} chunk (data-ddpm-chunk-${name})`);
  return url;
}

export const importPlotly = (): Promise<{ default: PlotlyApi }> => import(chunkUrl('plotly'));
export const importPlotlyGl = (): Promise<{ default: PlotlyApi }> => import(chunkUrl('plotly-gl'));
