// Colors for plots from VS Code's --vscode-* CSS variables (notebook outputs and webviews define
// them), with fallbacks for the standalone report page; and a watcher for theme switches.

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ThemeColors {
  kind: ThemeKind;
  foreground: string;
  background: string;
  muted: string;
  grid: string;
  /** distinct series colors (charts palette) */
  series: string[];
  error: string;
  fontFamily: string;
  fontSize: number;
}

/** The colors a theme kind falls back to where a --vscode-* variable is not defined. */
type Fallbacks = Omit<ThemeColors, 'kind' | 'fontFamily' | 'fontSize'>;

/** The light theme's fallbacks (also what figures built without a page are tested with). */
export const LIGHT: Fallbacks = {
  foreground: '#1f1f1f',
  background: '#ffffff',
  muted: '#616161',
  grid: '#e5e5e5',
  series: ['#1a85ff', '#d67e00', '#388a34', '#e51400', '#652d90', '#bf8803'],
  error: '#e51400'
};
const DARK: Fallbacks = {
  foreground: '#cccccc',
  background: '#1f1f1f',
  muted: '#9d9d9d',
  grid: '#3c3c3c',
  series: ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'],
  error: '#f14c4c'
};
const HC_DARK: Fallbacks = {
  foreground: '#ffffff',
  background: '#000000',
  muted: '#ffffff',
  grid: '#6fc3df',
  series: ['#3794ff', '#d18616', '#89d185', '#f48771', '#b180d7', '#ffd700'],
  error: '#f48771'
};
const HC_LIGHT: Fallbacks = {
  foreground: '#292929',
  background: '#ffffff',
  muted: '#292929',
  grid: '#0f4a85',
  series: ['#0f4a85', '#b5200d', '#374e06', '#b5200d', '#652d90', '#895503'],
  error: '#b5200d'
};

/** The theme kind from the classes VS Code puts on <body> (vscode-light, vscode-dark, vscode-high-contrast[-light]); else the OS preference. */
export function themeKind(doc: Document = document): ThemeKind {
  const body = doc.body;
  const attr = body?.getAttribute('data-vscode-theme-kind');
  const has = (c: string): boolean => !!body?.classList.contains(c);
  if (has('vscode-high-contrast-light') || attr === 'vscode-high-contrast-light') return 'high-contrast-light';
  if (has('vscode-high-contrast') || attr === 'vscode-high-contrast') return 'high-contrast';
  if (has('vscode-dark') || attr === 'vscode-dark') return 'dark';
  if (has('vscode-light') || attr === 'vscode-light') return 'light';
  const view = doc.defaultView;
  return view?.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Reads the theme for plots drawn inside `el`. */
export function readTheme(el: HTMLElement): ThemeColors {
  const kind = themeKind(el.ownerDocument);
  const fb =
    kind === 'dark' ? DARK : kind === 'high-contrast' ? HC_DARK : kind === 'high-contrast-light' ? HC_LIGHT : LIGHT;
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const fontSize = parseFloat(v('--vscode-font-size', '13'));
  return {
    kind,
    foreground: v('--vscode-editor-foreground', v('--vscode-foreground', fb.foreground)),
    background: v('--vscode-editor-background', fb.background),
    muted: v('--vscode-descriptionForeground', fb.muted),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', fb.grid)),
    series: [
      v('--vscode-charts-blue', fb.series[0]),
      v('--vscode-charts-orange', fb.series[1]),
      v('--vscode-charts-green', fb.series[2]),
      v('--vscode-charts-red', fb.series[3]),
      v('--vscode-charts-purple', fb.series[4]),
      v('--vscode-charts-yellow', fb.series[5])
    ],
    error: v('--vscode-errorForeground', fb.error),
    fontFamily: v('--vscode-font-family', 'system-ui, -apple-system, "Segoe UI", sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13
  };
}

/** Calls onChange when VS Code switches theme (body class / data attribute) or the OS scheme flips. Returns an unsubscribe. */
export function observeTheme(onChange: () => void, doc: Document = document): () => void {
  let last = themeKind(doc);
  const check = (): void => {
    const now = themeKind(doc);
    if (now !== last) {
      last = now;
      onChange();
    }
  };
  const observer = new MutationObserver(check);
  if (doc.body) observer.observe(doc.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  const media = doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', check);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', check);
  };
}

/** Plotly layout defaults for a theme: transparent backgrounds, theme font and grid (views/common.ts gives extra axes those of xaxis / yaxis). */
export function plotlyThemeLayout(theme: ThemeColors): Record<string, unknown> {
  // automargin only on y axes: on x, with a legend below the plot, plotly redraws in a loop
  const axis = {
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    color: theme.foreground,
    exponentformat: 'e',
    // plotly's default ('hide past div') measures every tick label again as each one is placed, each measure
    // laying the page out: 34 ms of the run view's first draw in a profile of the palette command. The y labels have
    // their automargin; an x label at the plot's right end may be cut at the plot's SVG edge instead of hidden, as
    // the sketch (views/sketch.ts) draws it
    ticklabeloverflow: 'allow'
  };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: theme.fontFamily, size: theme.fontSize, color: theme.foreground },
    colorway: theme.series,
    xaxis: axis,
    yaxis: { ...axis, automargin: true },
    legend: { bgcolor: 'rgba(0,0,0,0)', font: { color: theme.foreground } },
    hoverlabel: {
      bgcolor: theme.background,
      bordercolor: theme.foreground,
      font: { color: theme.foreground, family: theme.fontFamily }
    },
    margin: { l: 64, r: 16, t: 32, b: 44 },
    autosize: true
  };
}
