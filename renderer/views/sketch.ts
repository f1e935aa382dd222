// A sketch of a plot: its axes (plotly's automatic ticks and labels, sketchModel.ts), grid, axis titles and its
// layout image, drawn on a canvas while plotly's chunk is still loading (the first run in a new results panel or
// notebook: about a second in code-server). Plotly's plot replaces it when drawn (PlotBox.unsketch), in the same
// plot area: the sketch lays the plot out as plotly does for our figures (fixed margins, the y axis's automargin).
import type { Pixels } from '../dom';
import type { ThemeColors } from '../theme';
import type { PlotArea } from './common';
import { autoTicks, type AxisTicks } from './sketchModel';

/** What a sketch draws: the plot's ranges and axis titles, the margins of its layout, its image for the plot area. */
export interface SketchSpec {
  x: { range: [number, number]; title: string };
  y: { range: [number, number]; title: string };
  margin: { l: number; r: number; t: number; b: number };
  /** the layout image's pixels for the plot area (CSS pixels, axis ranges) at `scale` device pixels per CSS pixel */
  image(area: PlotArea, scale: number): Pixels | null;
}

/** The plot area in CSS pixels from the plot's top-left corner (written on the canvas for tests and tools). */
interface SketchArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The left margin plotly's automargin gives a y axis whose widest tick label is `labelWidth` CSS pixels wide:
 * the label, its standoff and the rotated title (fitted to plotly 3.7's layout of our plots, checked in the
 * browser test), never less than the layout's own margin.
 */
export function automarginLeft(margin: number, labelWidth: number, fontSize: number): number {
  return Math.max(margin, Math.round(labelWidth + 2.39 * fontSize));
}

/**
 * A titled linear y axis showing `range` on a plot area `height` CSS pixels high, as plotly lays it out: its
 * automatic ticks (sketchModel.ts), the widest label as `measure` (a canvas in the theme's font) gives it, and the
 * left margin its automargin settles on (automarginLeft, never less than `marginLeft`).
 */
export function yAxisLeft(
  range: [number, number],
  height: number,
  marginLeft: number,
  fontSize: number,
  measure: (text: string) => number
): { ticks: AxisTicks; labelWidth: number; left: number } {
  const ticks = autoTicks(range, height, 'y');
  const labelWidth = Math.max(0, ...ticks.labels.map(measure));
  return { ticks, labelWidth, left: automarginLeft(marginLeft, labelWidth, fontSize) };
}

/**
 * Draws the sketch into a canvas the size of `plot` (at `scale` device pixels per CSS pixel), to be laid over it;
 * null when the plot has no size or the page cannot draw on a canvas.
 */
export function drawSketch(
  plot: HTMLElement,
  spec: SketchSpec,
  theme: ThemeColors,
  scale: number
): HTMLCanvasElement | null {
  const W = plot.clientWidth;
  const H = plot.clientHeight;
  if (W <= 0 || H <= 0) return null;
  const canvas = plot.ownerDocument.createElement('canvas');
  canvas.className = 'ddpm-sketch';
  canvas.setAttribute('aria-hidden', 'true');
  canvas.width = Math.round(W * scale);
  canvas.height = Math.round(H * scale);
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.scale(scale, scale);
  const fontSize = theme.fontSize;
  g.font = `${fontSize}px ${theme.fontFamily}`;

  const { margin } = spec;
  const height = Math.max(1, H - margin.t - margin.b);
  const {
    ticks: yTicks,
    labelWidth,
    left
  } = yAxisLeft(spec.y.range, height, margin.l, fontSize, (s) => g.measureText(s).width);
  const width = Math.max(1, W - left - margin.r);
  const xTicks = autoTicks(spec.x.range, width, 'x');
  const area: SketchArea = { left, top: margin.t, width, height };
  const px = (v: number): number => left + ((v - spec.x.range[0]) / (spec.x.range[1] - spec.x.range[0])) * width;
  const py = (v: number): number =>
    margin.t + height - ((v - spec.y.range[0]) / (spec.y.range[1] - spec.y.range[0])) * height;

  // grid lines at the ticks, the zero lines over them (plotly's gridcolor and zerolinecolor are the theme's grid)
  g.strokeStyle = theme.grid;
  g.lineWidth = 1;
  g.beginPath();
  for (const v of xTicks.values) {
    const x = Math.round(px(v)) + 0.5;
    g.moveTo(x, margin.t);
    g.lineTo(x, margin.t + height);
  }
  for (const v of yTicks.values) {
    const y = Math.round(py(v)) + 0.5;
    g.moveTo(left, y);
    g.lineTo(left + width, y);
  }
  g.stroke();

  const image = spec.image({ width, height, x: spec.x.range, y: spec.y.range }, scale);
  if (image) {
    const tile = plot.ownerDocument.createElement('canvas');
    tile.width = image.width;
    tile.height = image.height;
    tile
      .getContext('2d')
      ?.putImageData(new ImageData(image.rgba as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
    g.drawImage(tile, left, margin.t, width, height);
  }

  // the axis lines along the bottom and the left of the plot area (plotly's linecolor: the theme's grid)
  g.beginPath();
  g.moveTo(left - 1, margin.t + height + 0.5);
  g.lineTo(left + width, margin.t + height + 0.5);
  g.moveTo(left - 0.5, margin.t);
  g.lineTo(left - 0.5, margin.t + height);
  g.stroke();

  g.fillStyle = theme.foreground;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  xTicks.values.forEach((v, k) => g.fillText(xTicks.labels[k], px(v), margin.t + height + 5));
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  yTicks.values.forEach((v, k) => g.fillText(yTicks.labels[k], left - 3, py(v)));
  // axis titles in plotly's bigFont (1.2 times the font): x at the bottom edge, y rotated left of its labels
  // (positions measured on plotly 3.7's plots of our layouts)
  const titleFont = Math.round(1.2 * fontSize);
  g.font = `${titleFont}px ${theme.fontFamily}`;
  g.textAlign = 'center';
  g.textBaseline = 'bottom';
  g.fillText(spec.x.title, left + width / 2, H - 1);
  g.save();
  g.translate(left - labelWidth - 3 - 0.53 * titleFont, margin.t + height / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = 'middle';
  g.fillText(spec.y.title, 0, 0);
  g.restore();
  // for tests and tools: where the sketch put the plot area and which tick labels it wrote
  canvas.setAttribute('data-ddpm-area', JSON.stringify(area));
  canvas.setAttribute('data-ddpm-ticks', JSON.stringify({ x: xTicks.labels, y: yTicks.labels }));
  return canvas;
}
