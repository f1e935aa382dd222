// plotly's WebGL scatter trace, in a chunk of its own (README "Performance"): the CSP-safe scattergl of plotly's
// strict bundle (lib/index-strict.js: its regl shaders' glue precompiled, so WebGL draws without 'unsafe-eval'; the
// panel's and the report's content security policies forbid eval). With regl and its precompiled shaders it is about
// a third of plotly's code, and a first draw of the d = 2 views uses none of it: plotLoader.loadPlotlyGl loads it
// before a figure with a scattergl trace is drawn. It imports plotly's chunk itself, so that everything plotly.ts
// holds stays in that one chunk (esbuild would otherwise split out the part both chunks use, a second file for every
// first plot to wait for).
import scattergl from 'plotly.js/src/traces/scattergl/strict';
import Plotly from './plotly';

Plotly.register([scattergl]);

export default Plotly;
