// Tiny DOM helpers: elements built with text inserted as text (never as HTML).

type Child = Node | string | null | undefined | false;

/** createElement with attributes (strings) and children (text nodes for strings). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

/** A one-line error shown in place of a view (role=alert, text only). */
export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'ddpm-error', role: 'alert', 'data-testid': 'ddpm-error' }, message);
}

/** Offers a data: URL as a file download (a page without a host to save through: the report, a renderer with no listener). */
export function downloadDataUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Installs the renderer's stylesheet once per document (constructed stylesheet when allowed, else a <style>). */
export function installStyles(doc: Document, css: string): void {
  const marker = 'ddpmLabStyles';
  if ((doc as unknown as Record<string, unknown>)[marker]) return;
  (doc as unknown as Record<string, unknown>)[marker] = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } catch {
    const style = doc.createElement('style');
    style.textContent = css;
    doc.head.append(style);
  }
}

/**
 * Plots follow the output's width: a change of the root's width calls onResize at the next frame; returns the
 * function that stops following. The observer's first report (the width the plots are drawn at) and changes of
 * height only (the plots appearing) call nothing: a resize makes plotly lay a plot out again and the view repaint
 * its paths image.
 */
export function followWidth(root: HTMLElement, onResize: () => void): () => void {
  let frame = 0;
  let width: number | undefined;
  const observer = new ResizeObserver((entries) => {
    const seen = entries[entries.length - 1].contentRect.width;
    const changed = width !== undefined && seen !== width;
    width = seen;
    if (!changed) return;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => onResize());
  });
  observer.observe(root);
  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  };
}

/**
 * Resolves once the page has shown what is drawn on it (its next frame, then a task): before work that holds the
 * page's thread for long. A hidden page paints no frame: at once there; and after 1 s on a page that gives none.
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (document.visibilityState === 'hidden') return resolve();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve();
    };
    requestAnimationFrame(() => setTimeout(finish, 0));
    setTimeout(finish, 1000);
  });
}

/**
 * RGBA pixels, row-major from the top row: a plot's layout image or layer (PlotBox.paintLayer), or a sketch's
 * (views/sketch.ts).
 */
export interface Pixels {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

/** A PNG data: URL of RGBA pixels: a plot's layout image. */
export function rgbaDataUrl({ rgba, width, height }: Pixels): string {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('paths: this page cannot draw on a canvas');
  ctx.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  return canvas.toDataURL('image/png');
}

/** Device pixels per CSS pixel for images drawn into plots: the screen's, between 1 and 2. */
export function pixelScale(): number {
  return Math.min(2, Math.max(1, globalThis.devicePixelRatio || 1));
}
