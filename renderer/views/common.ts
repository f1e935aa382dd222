// What every view gets (the run, the host bridge, the theme) and the plot box: a plot with its own
// Save PNG / Save SVG buttons (plotly's download button cannot save from a VS Code webview).
import { errorFirstLine } from '../../src/core/errors';
import type { RunResult } from '../../src/core/types';
import { nextTask } from '../../src/common/nextTask';
import { h, pixelScale, type Pixels } from '../dom';
import { evalViolationCount, loadPlotly, loadPlotlyGl, webglTracesUsable } from '../plotLoader';
import type { PlotConfig, PlotData, PlotDiv, PlotLayout } from '../plotly';
import { plotlyThemeLayout, readTheme, type ThemeColors } from '../theme';
import { drawSketch, yAxisLeft, type SketchSpec } from './sketch';
import { NO_WEBGL, type WebglProbe } from './commonModel';

/** How a view talks to where it is shown (notebook renderer, results panel or report page). */
export interface HostBridge {
  copy(text: string): void;
  saveImage(format: 'png' | 'svg', dataUrl: string, name: string): void;
  /** the results panel only: ask the host for PyTorch output to compare with */
  compareRequest?(): void;
  /** the results panel only: run the inputs in the user's own PyTorch ("DDPM: Compare with Local PyTorch") */
  torchCheckRequest?(): void;
}

export interface ViewContext {
  run: RunResult;
  host: HostBridge;
  root: HTMLElement;
  /** tells the user something briefly (status line) */
  status(message: string): void;
}

export interface View {
  element: HTMLElement;
  /** (re)draws everything with the current theme */
  draw(): Promise<void>;
  resize(): void;
  dispose(): void;
}

/** What the views read of plotly's computed layout (private fields, stable across plotly 2.x). */
interface PlotAxis {
  range?: unknown[];
  /** its length on screen, CSS pixels */
  _length?: number;
}

interface PlotFullLayout {
  _size?: { l: number; t: number; w: number; h: number };
  xaxis?: PlotAxis;
  yaxis?: PlotAxis;
  [axis: `yaxis${number}`]: PlotAxis | undefined;
}

/** A plot's area as plotly laid it out (PlotBox.plotArea) or a sketch does: CSS pixels and the axes' ranges. */
export interface PlotArea {
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
}

export interface Figure {
  data: PlotData[];
  layout: PlotLayout;
}

export const PLOT_CONFIG: PlotConfig = {
  displaylogo: false,
  responsive: false, // the run view resizes plots itself (ResizeObserver on the output)
  modeBarButtonsToRemove: ['toImage', 'sendDataToCloud', 'select2d', 'lasso2d'],
  scrollZoom: false
};

/** Deep-merges plain objects (b wins). */
export function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && prev && typeof prev === 'object' && !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function isRange(r: unknown): r is [number, number] {
  return Array.isArray(r) && r.length === 2 && r.every((v) => Number.isFinite(v)) && r[0] !== r[1];
}

const SVG_NS = 'http://www.w3.org/2000/svg';

let measuring: CanvasRenderingContext2D | null | undefined;

/** Text widths in CSS pixels in `font`, on a canvas of the page's; null where the page cannot draw on one. */
function textMeasure(doc: Document, font: string): ((text: string) => number) | null {
  if (measuring === undefined || measuring?.canvas.ownerDocument !== doc)
    measuring = doc.createElement('canvas').getContext('2d');
  const g = measuring;
  if (!g) return null;
  g.font = font;
  return (text) => g.measureText(text).width;
}

export class PlotBox {
  readonly element: HTMLElement;
  readonly plot: HTMLDivElement;
  /** whether the last draw used WebGL traces */
  gl = false;
  private drawn = false;
  private disposed = false;
  private relayoutHooked = false;
  /** the sketch shown until plotly's plot is ready (sketch()) */
  private sketched: HTMLCanvasElement | undefined;
  /** the canvas paintLayer() draws on the plot area, and the layout image it stands for in a saved image */
  private layer: { canvas: HTMLCanvasElement; image: (source: string) => Record<string, unknown> } | undefined;
  /** the plot's title drawn over it (options.overlayTitle), and the layout title it stands for in a saved image */
  private title: { svg: SVGSVGElement; text: SVGTextElement; layout: PlotLayout } | undefined;
  private readonly savedLayout: PlotLayout | undefined;
  private readonly overlayTitle: boolean;

  /**
   * options.savedLayout: what a saved image adds to the plot's layout (the plane's legend, HTML on screen);
   * options.overlayTitle: the figure's title is drawn over the plot by this box, not by plotly (setTitle() changes
   * it without a relayout).
   */
  constructor(
    private readonly ctx: ViewContext,
    testId: string,
    private readonly name: string,
    label: string,
    height = 420,
    options: { savedLayout?: PlotLayout; overlayTitle?: boolean } = {}
  ) {
    this.savedLayout = options.savedLayout;
    this.overlayTitle = options.overlayTitle ?? false;
    this.plot = h('div', { class: 'ddpm-plot', 'data-testid': testId, 'aria-label': label, role: 'img' });
    this.plot.style.height = `${height}px`;
    const png = h(
      'button',
      { type: 'button', class: 'ddpm-button ddpm-small', title: `Save ${label} as PNG` },
      'Save PNG'
    );
    const svg = h(
      'button',
      { type: 'button', class: 'ddpm-button ddpm-small', title: `Save ${label} as SVG` },
      'Save SVG'
    );
    png.addEventListener('click', () => void this.save('png'));
    svg.addEventListener('click', () => void this.save('svg'));
    this.element = h(
      'figure',
      { class: 'ddpm-figure' },
      h('figcaption', {}, h('span', {}, label), h('span', { class: 'ddpm-tools' }, png, svg)),
      this.plot
    );
  }

  /**
   * Draws build(gl, theme) with WebGL traces where usable (gl() says so; a figure asks only if it would use one); when
   * they fail (an error, or a CSP refusing regl's eval), redraws with SVG traces.
   */
  async draw(build: (gl: WebglProbe, theme: ThemeColors) => Figure): Promise<void> {
    const Plotly = await loadPlotly();
    // between plots the page handles what came meanwhile (an output to render: it may dispose this one, a click)
    await nextTask();
    if (this.disposed) return;
    const theme = readTheme(this.ctx.root);
    const attempt = async (gl: WebglProbe): Promise<void> => {
      const fig = build(gl, theme);
      if (fig.data.some((trace) => trace.type === 'scattergl')) await loadPlotlyGl();
      const themed = plotlyThemeLayout(theme);
      const layout = this.takeTitle(merge(themed, fig.layout));
      this.hintLeftMargin(layout, theme);
      // extra axes (xaxis2, yaxis3, ...) get the theme of the first axis of their kind
      for (const key of Object.keys(layout)) {
        const extra = /^([xy])axis\d+$/.exec(key);
        if (extra)
          layout[key] = merge(
            themed[`${extra[1]}axis`] as Record<string, unknown>,
            layout[key] as Record<string, unknown>
          );
      }
      await Plotly.react(this.plot, fig.data, layout, PLOT_CONFIG);
      this.gl = fig.data.some((trace) => String(trace.type).endsWith('gl'));
    };
    // the probe's answer as the figure got it: asking again after a failure could read an eval violation the failed
    // draw itself reported, and so take a WebGL failure for another
    let offered = false;
    const gl: WebglProbe = () => (offered = webglTracesUsable());
    const violations = evalViolationCount();
    let failed = false;
    try {
      await attempt(gl);
    } catch (e) {
      if (!offered) throw e; // not a WebGL failure: the figure was offered no WebGL trace
      failed = true;
    }
    if (this.gl && !failed) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // CSP violation events arrive as tasks
      failed = evalViolationCount() > violations;
    }
    if (failed) {
      Plotly.purge(this.plot); // drops plotly's event listeners too
      this.relayoutHooked = false;
      await attempt(NO_WEBGL);
    }
    this.drawn = true;
  }

  /**
   * Before plotly has loaded: draws `fig` as a sketch (views/sketch.ts: axes, grid, axis titles) with `image` in its
   * plot area, so that the plot is seen at once; draw() then lays plotly's plot out hidden under it, and unsketch()
   * swaps them. A figure without fixed ranges or on equal axes is not sketched (plotly decides its ranges), nor one
   * with a plot title plotly would draw (options.overlayTitle draws it over the sketch too). Returns whether it
   * sketched.
   */
  sketch(fig: Figure, theme: ThemeColors, image: SketchSpec['image']): boolean {
    if (this.drawn || this.disposed || this.sketched) return false;
    const layout = merge(plotlyThemeLayout(theme), fig.layout) as PlotLayout;
    const { xaxis: x, yaxis: y, margin: m } = layout;
    if (!isRange(x?.range) || !isRange(y?.range) || y.scaleanchor) return false;
    // the sketch draws no plot title: a title drawn over the plot (options.overlayTitle) is shown over the sketch too
    if (layout.title?.text !== undefined && !this.overlayTitle) return false;
    this.takeTitle(layout);
    const canvas = drawSketch(
      this.plot,
      {
        x: { range: x.range, title: String(x.title?.text ?? '') },
        y: { range: y.range, title: String(y.title?.text ?? '') },
        margin: { l: Number(m.l), r: Number(m.r), t: Number(m.t), b: Number(m.b) },
        image
      },
      theme,
      pixelScale()
    );
    if (!canvas) return false;
    this.plot.classList.add('ddpm-sketching');
    this.plot.append(canvas);
    this.sketched = canvas;
    return true;
  }

  /**
   * Sets the left margin of `layout` to the one plotly's y automargin will settle on, where the sketch knows it (a
   * fixed range on a titled linear y axis with automatic ticks): plotly then lays the plot out once. Otherwise its
   * first draw, finding the y tick labels wider than the margin, draws the whole plot a second time (plots.js
   * doAutoMargin; about a fifth of a first draw of the run view's plots, README "Performance"). The margin is a
   * minimum: wider labels after a zoom still widen it.
   */
  private hintLeftMargin(layout: PlotLayout, theme: ThemeColors): void {
    const { yaxis: y, margin: m } = layout;
    if (!m || !isRange(y?.range) || y.scaleanchor || y.automargin !== true || !y.title?.text) return;
    if ((y.type ?? 'linear') !== 'linear' || y.tickmode !== undefined || y.dtick !== undefined) return;
    if (y.tickvals !== undefined || y.nticks !== undefined || y.tickformat !== undefined) return;
    const height = this.plot.clientHeight - Number(m.t) - Number(m.b);
    const measure = textMeasure(this.plot.ownerDocument, `${theme.fontSize}px ${theme.fontFamily}`);
    if (!(height > 0) || !measure) return;
    m.l = yAxisLeft(y.range, height, Number(m.l), theme.fontSize, measure).left;
  }

  /**
   * With options.overlayTitle: draws layout's title itself, over the plot, and takes it out of layout (plotly and the
   * sketch then draw none): an SVG text where plotly puts a layout title of ours (its baseline at half the top margin,
   * x = 0.5 of the plot, anchored in the middle), in plotly's font for it (the title's own font over the layout's; a
   * size of 1.4 times the layout's by default). Plain text: plotly's pseudo-HTML (`<br>`, `<sub>`) is not read.
   * A figure without a title removes it.
   */
  private takeTitle(layout: PlotLayout): PlotLayout {
    if (!this.overlayTitle) return layout;
    const title = layout.title as PlotLayout | undefined;
    if (title?.text === undefined) {
      this.title?.svg.remove();
      this.title = undefined;
      return layout;
    }
    delete layout.title;
    if (!this.title) {
      const svg = document.createElementNS(SVG_NS, 'svg');
      svg.setAttribute('class', 'ddpm-plot-title');
      const text = document.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', '50%');
      text.setAttribute('text-anchor', 'middle');
      svg.append(text);
      // first in the plot, so that plotly's plot (its modebar) lies over it
      this.plot.prepend(svg);
      this.title = { svg, text, layout: title };
    }
    const top = Number(layout.margin?.t ?? 0);
    const base = (layout.font ?? {}) as PlotLayout;
    const font: PlotLayout = {
      ...base,
      size: Math.round(1.4 * Number(base.size ?? 12)),
      ...((title.font ?? {}) as PlotLayout)
    };
    const { svg, text } = this.title;
    svg.style.height = `${top}px`;
    text.setAttribute('y', String(top / 2));
    text.style.fontFamily = String(font.family ?? '');
    text.style.fontSize = `${Number(font.size)}px`;
    text.style.fill = String(font.color ?? '');
    this.title.layout = title;
    this.setTitle(String(title.text));
    return layout;
  }

  /**
   * Sets the title drawn over the plot (options.overlayTitle): one text update, where plotly's relayout of
   * `title.text` lays the whole plot out again (about 8 ms of a slider move at N = 10^4, README "Performance").
   */
  setTitle(text: string): void {
    if (!this.title) return;
    this.title.layout = { ...this.title.layout, text };
    if (this.title.text.textContent !== text) this.title.text.textContent = text;
  }

  /**
   * Draws `pixels` (the plot area as it is now, at pixelScale()) on a canvas laid on plotly's plot area, over its main
   * SVG (the grid, the zero lines, the traces) and under its top SVG and hover labels, where a layout image of layer
   * 'above' lies (areaImage): repainting it is one putImageData, without the PNG encoding and decoding and the
   * relayout a layout image costs (the step slider's cloud, README "Performance"). null removes it. A saved image
   * holds it as image(its PNG data: URL).
   */
  paintLayer(pixels: Pixels | null, image: (source: string) => Record<string, unknown>): void {
    if (!pixels || !this.fullLayout()?._size || !this.drawn || this.disposed) {
      this.layer?.canvas.remove();
      this.layer = undefined;
      return;
    }
    if (!this.layer) {
      const canvas = document.createElement('canvas');
      canvas.className = 'ddpm-layer';
      canvas.setAttribute('aria-hidden', 'true');
      this.layer = { canvas, image };
    }
    const { canvas } = this.layer;
    this.layer.image = image;
    this.placeLayer();
    if (canvas.width !== pixels.width) canvas.width = pixels.width;
    if (canvas.height !== pixels.height) canvas.height = pixels.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('plot: this page cannot draw on a canvas');
    ctx.putImageData(new ImageData(pixels.rgba as Uint8ClampedArray<ArrayBuffer>, pixels.width, pixels.height), 0, 0);
  }

  /**
   * Lays the layer on the plot area as plotly has it now (its pixels are repainted by paintLayer): in plotly's
   * container, right after its main SVG (the SVGs and the layer are positioned, so they stack in document order),
   * where it is put again should plotly have made its SVGs anew.
   */
  private placeLayer(): void {
    const size = this.fullLayout()?._size;
    if (!this.layer || !size) return;
    const { canvas } = this.layer;
    const main = this.plot.querySelector(':scope > .plot-container > .svg-container > svg.main-svg');
    if (main && canvas.previousElementSibling !== main) main.after(canvas);
    else if (!main && !canvas.isConnected) this.plot.prepend(canvas);
    const { style } = canvas;
    style.left = `${size.l}px`;
    style.top = `${size.t}px`;
    style.width = `${size.w}px`;
    style.height = `${size.h}px`;
  }

  private fullLayout(): PlotFullLayout | undefined {
    return (this.plot as unknown as { _fullLayout?: PlotFullLayout })._fullLayout;
  }

  /** Shows plotly's plot instead of the sketch, once its layout images are decoded (so no frame shows it empty). */
  async unsketch(): Promise<void> {
    const canvas = this.sketched;
    if (!canvas) return;
    this.sketched = undefined;
    await Promise.all(
      Array.from(this.plot.querySelectorAll('image'), (img) => {
        const decoded = new Image();
        decoded.src = img.getAttribute('href') ?? '';
        return decoded.decode().catch(() => undefined);
      })
    );
    this.plot.classList.remove('ddpm-sketching');
    canvas.remove();
  }

  /** The plot area of the first x and y axes, in CSS pixels, and their ranges; undefined before the first draw. */
  plotArea(): PlotArea | undefined {
    const full = this.fullLayout();
    if (!this.drawn || !full?._size || !full.xaxis?.range || !full.yaxis?.range) return undefined;
    const [x0, x1] = full.xaxis.range.map(Number);
    const [y0, y1] = full.yaxis.range.map(Number);
    return { width: full._size.w, height: full._size.h, x: [x0, x1], y: [y0, y1] };
  }

  /**
   * The area of the subplot of the first x axis and the y axis `yaxis` (its layout key: yaxis, yaxis2, …), in CSS
   * pixels, and their ranges (the x range reversed when the axis is); undefined before the first draw.
   */
  subplotArea(yaxis: 'yaxis' | `yaxis${number}`): PlotArea | undefined {
    const full = this.fullLayout();
    const xa = full?.xaxis;
    const ya = full?.[yaxis];
    if (!this.drawn || !xa?.range || !ya?.range || !xa._length || !ya._length) return undefined;
    const [x0, x1] = xa.range.map(Number);
    const [y0, y1] = ya.range.map(Number);
    return { width: xa._length, height: ya._length, x: [x0, x1], y: [y0, y1] };
  }

  /** The plot area's top-left corner in the page (client coordinates), once drawn: where a pointer event's x and y start. */
  plotOffset(): { left: number; top: number } | undefined {
    const full = this.fullLayout();
    if (!this.drawn || !full?._size) return undefined;
    const box = this.plot.getBoundingClientRect();
    return { left: box.left + full._size.l, top: box.top + full._size.t };
  }

  /**
   * Calls f after each relayout of this plot by the user or a resize (zoom, pan, autoscale, size): plotly's
   * plotly_relayout event, except for updates of only `ignore`'s keys (the view's own), with the layer (paintLayer)
   * laid on the new plot area at once; and, while the plot has a layer, at each step of a drag that moves the axes
   * (plotly_relayouting: a pan, an axis dragged), which moves a layout image with them but not the layer. Once per
   * PlotBox.
   */
  onRelayout(f: () => void, ignore: string[]): void {
    const plot = this.plot as unknown as {
      on?(event: string, handler: (update: Record<string, unknown>) => void): void;
    };
    if (this.relayoutHooked || !plot.on) return;
    this.relayoutHooked = true;
    plot.on('plotly_relayout', (update) => {
      if (
        Object.keys(update).every((k) => ignore.some((i) => k === i || k.startsWith(`${i}[`) || k.startsWith(`${i}.`)))
      )
        return;
      this.placeLayer();
      f();
    });
    plot.on('plotly_relayouting', () => {
      if (this.layer) f();
    });
  }

  async relayout(update: PlotLayout): Promise<void> {
    if (!this.drawn || this.disposed) return;
    const Plotly = await loadPlotly();
    await Plotly.relayout(this.plot, update);
  }

  resize(): void {
    if (!this.drawn || !this.plot.isConnected || this.plot.offsetParent === null) return;
    void loadPlotly()
      .then((Plotly) => Plotly.Plots.resize(this.plot))
      .catch(() => undefined);
  }

  async save(format: 'png' | 'svg'): Promise<void> {
    if (!this.drawn) return;
    try {
      const Plotly = await loadPlotly();
      const width = Math.max(320, this.plot.clientWidth);
      const height = Math.max(240, this.plot.clientHeight);
      const shown = this.plot as PlotDiv;
      let figure: PlotDiv | { data: PlotData[]; layout: PlotLayout } = this.plot;
      if (this.savedLayout || this.layer || this.title) {
        // copies: plotly's toImage draws a plain figure as given, and would write its computed ranges into the live one
        const layout = merge(structuredClone(shown.layout ?? {}), this.savedLayout ?? {}) as PlotLayout;
        if (this.title) layout.title = structuredClone(this.title.layout);
        if (this.layer) {
          const images = Array.isArray(layout.images) ? (layout.images as unknown[]) : [];
          layout.images = [...images, this.layer.image(this.layer.canvas.toDataURL('image/png'))];
        }
        figure = { data: structuredClone(shown.data ?? []), layout };
      }
      const url = await Plotly.toImage(figure, { format, width, height, scale: format === 'png' ? 2 : 1 });
      this.ctx.host.saveImage(format, url, `${this.name}.${format}`);
      this.ctx.status(`Saving ${this.name}.${format}…`);
    } catch (e) {
      this.ctx.status(`Could not save the image: ${errorFirstLine(e)}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (!this.drawn) return;
    void loadPlotly().then((Plotly) => Plotly.purge(this.plot));
  }
}

/**
 * A plot whose points are drawn per pixel (its layout image, or its layer): draw() draws the figure, then paints
 * them for the plot area as it is; a zoom, pan or resize (any relayout but the view's own `own` keys) paints them
 * again at the next frame.
 */
export function imagePlot(
  box: PlotBox | null,
  build: (gl: WebglProbe, theme: ThemeColors) => Figure,
  paint: () => Promise<void>,
  own: string[]
): { draw(): Promise<void>; cancel(): void } {
  let frame = 0;
  return {
    draw: async () => {
      if (!box) return;
      await box.draw(build);
      await paint();
      await box.unsketch();
      box.onRelayout(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => void paint());
      }, own);
    },
    cancel: () => cancelAnimationFrame(frame)
  };
}
