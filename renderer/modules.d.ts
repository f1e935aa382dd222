// Module declarations for the renderer's untyped imports: plotly.js's partial-bundle modules and CSS text.

declare module '*.css' {
  const text: string;
  export default text;
}

declare module 'plotly.js/lib/core' {
  // typed where it is used: renderer/plotly.ts casts it to its PlotlyApi interface
  const Plotly: unknown;
  export default Plotly;
}
declare module 'plotly.js/src/traces/scattergl/strict' {
  const trace: unknown;
  export default trace;
}
declare module 'plotly.js/lib/heatmap' {
  const trace: unknown;
  export default trace;
}
declare module 'plotly.js/lib/histogram' {
  const trace: unknown;
  export default trace;
}
