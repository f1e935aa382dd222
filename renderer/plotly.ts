// The plotly.js partial bundle: only the traces the views use (README "Renderer"). Imported with a
// dynamic import() so esbuild puts it in its own chunk, loaded the first time a plot is drawn; the WebGL scatter
// trace is a chunk of its own, registered when a figure needs it (plotlyGl.ts).
import PlotlyCore from 'plotly.js/lib/core';
import heatmap from 'plotly.js/lib/heatmap';
import histogram from 'plotly.js/lib/histogram';

/* eslint-disable @typescript-eslint/no-explicit-any -- plotly's figure objects are loose JSON */
export type PlotData = Record<string, any>;
export type PlotLayout = Record<string, any>;
export type PlotConfig = Record<string, any>;

/** A plot's root div as plotly leaves it after newPlot/react. */
export interface PlotDiv extends HTMLDivElement {
  data?: PlotData[];
  layout?: PlotLayout;
}

/** The slice of plotly's API the views use. */
export interface PlotlyApi {
  register(modules: unknown[]): void;
  react(root: HTMLElement, data: PlotData[], layout?: PlotLayout, config?: PlotConfig): Promise<PlotDiv>;
  restyle(root: HTMLElement, update: PlotData, traces?: number | number[]): Promise<PlotDiv>;
  relayout(root: HTMLElement, update: PlotLayout): Promise<PlotDiv>;
  purge(root: HTMLElement): void;
  toImage(
    root: HTMLElement | { data: PlotData[]; layout: PlotLayout },
    opts: { format: 'png' | 'svg'; width?: number; height?: number; scale?: number }
  ): Promise<string>;
  Plots: { resize(root: HTMLElement): Promise<void> };
  version: string;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const Plotly = PlotlyCore as PlotlyApi; // scatter is registered by plotly's core itself
Plotly.register([heatmap, histogram]);

export default Plotly;
