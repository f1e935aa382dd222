// chunkImports.ts for the results panel's inline page script (scripts/build.mjs puts this module in its place): the
// page's HTML names plotly's chunks by their webview URIs (src/extension/panelHtml.ts, data-ddpm-chunk-* on the
// root element), and they are imported from there.
import type { PlotlyApi } from './plotly';

function chunkUrl(name: 'plotly' | 'plotly-gl'): string {
  const url = document.getElementById('ddpm-root')?.getAttribute(`data-ddpm-chunk-${name}`);
  if (!url) throw new Error(`the panel's page does not name its ${name} chunk (data-ddpm-chunk-${name})`);
  return url;
}

export const importPlotly = (): Promise<{ default: PlotlyApi }> => import(chunkUrl('plotly'));
export const importPlotlyGl = (): Promise<{ default: PlotlyApi }> => import(chunkUrl('plotly-gl'));
