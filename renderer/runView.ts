// One run drawn into one element: a header (what ran, warnings, copy actions), tabs for the views,
// lazy drawing of the visible view, redraw on theme change, resize with the output's width.
// Used by the notebook renderer (index.ts), the results panel (panel.ts) and the report page (report.ts).
import { errorFirstLine } from '../src/core/errors';
import { recomputeTrajectory } from '../src/core/run/recompute';
import type { RunResult } from '../src/core/types';
import { errorBox, followWidth, h, installStyles } from './dom';
import { loadPlotly } from './plotLoader';
import css from './styles.css';
import { observeTheme, themeKind } from './theme';
import { runHeadline, sampleAsJson, sampleAsPytorchText, VIEW_LABELS, viewsFor, type ViewId } from './runModel';
import type { HostBridge, View, ViewContext } from './views/common';
import { createDiffView } from './views/diff/diffView';
import { createSamplesView } from './views/samples/samplesView';
import { createStatisticsView } from './views/statistics/statisticsView';
import { createTableView } from './views/table/tableView';
import { createTrajectoriesView } from './views/trajectories/trajectoriesView';
import { createPytorchView } from './views/pytorch/pytorchView';

export type { HostBridge } from './views/common';

export interface RunViewHandle {
  readonly root: HTMLElement;
  /** shows a view (and draws it if needed); resolves when drawn */
  show(view: ViewId): Promise<void>;
  dispose(): void;
}

/**
 * Each view's factory. A new view gets its folder under views/ (its view and its model side by side),
 * its id, label and place in the tab order in runModel.ts, and its factory here.
 */
const FACTORIES: Record<ViewId, (ctx: ViewContext) => View> = {
  trajectories: createTrajectoriesView,
  statistics: createStatisticsView,
  samples: createSamplesView,
  table: createTableView,
  diff: createDiffView,
  pytorch: createPytorchView
};

/**
 * Marks the container for tests and tools: data-ddpm-ready is "true" when the visible view is drawn, "error" when
 * drawing failed; data-ddpm-drawn-at is when it was last drawn (Date.now(), for the end-to-end timings).
 */
function setReady(root: HTMLElement, state: 'false' | 'true' | 'error'): void {
  if (state === 'true') root.setAttribute('data-ddpm-drawn-at', String(Date.now()));
  root.setAttribute('data-ddpm-ready', state);
}

/** Renders a one-line error in place of a run (malformed output data), never a blank box. */
export function renderRunError(container: HTMLElement, message: string): void {
  installStyles(container.ownerDocument, css);
  const root = h('div', { class: 'ddpm-run' }, errorBox(`DDPM Lab could not show this output: ${message}`));
  container.replaceChildren(root);
  setReady(root, 'error');
}

/** Draws `run` into `container` (replacing what it held) and shows `initial`, else the run's first view. */
export function mountRunView(
  container: HTMLElement,
  carried: RunResult,
  host: HostBridge,
  initial?: ViewId
): RunViewHandle {
  // the plots' chunk starts loading now: fetched and compiled by the browser while the steps are recomputed
  void loadPlotly().catch(() => undefined);
  // a run that carries its inputs instead of its steps: compute them here, checked bit for bit (throws one line)
  // (the states only at first: eps, mean and z are computed when the per-step statistics first read them)
  const run = recomputeTrajectory(carried, { statesFirst: true });
  const doc = container.ownerDocument;
  installStyles(doc, css);
  const root = h('div', { class: 'ddpm-run', 'data-ddpm-ready': 'false', 'data-ddpm-theme': themeKind(doc) });
  container.replaceChildren(root);

  const status = createStatusLine();
  const { views, initial: defaultView } = viewsFor(run);
  const tabs = buildTabs(views);
  const deck = new ViewDeck({ run, host, root, status: status.show }, tabs);
  wireTabs(tabs, views, (id) => deck.show(id));
  root.append(...buildHeader(run, host, status.show), tabs.list, ...tabs.panels.values(), status.element);

  const stopTheme = redrawOnThemeChange(root, doc, deck);
  const stopFollowingWidth = followWidth(root, () => deck.resizeCurrent());
  void deck.show(initial && views.includes(initial) ? initial : defaultView);

  return {
    root,
    show: (id) => deck.show(id),
    dispose: () => {
      deck.dispose();
      stopTheme();
      stopFollowingWidth();
      status.dispose();
    }
  };
}

/** The status line under the views: tells the user something for a few seconds (aria-live, so screen readers say it). */
function createStatusLine(): { element: HTMLElement; show(message: string): void; dispose(): void } {
  const element = h('div', { class: 'ddpm-status', role: 'status', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    element,
    show: (message) => {
      element.textContent = message;
      clearTimeout(timer);
      timer = setTimeout(() => (element.textContent = ''), 4000);
    },
    dispose: () => clearTimeout(timer)
  };
}

/** The header (what ran, the copy actions) and, when there are any, the run's warnings. */
function buildHeader(run: RunResult, host: HostBridge, status: (message: string) => void): HTMLElement[] {
  const header = h(
    'div',
    { class: 'ddpm-header' },
    h(
      'div',
      { class: 'ddpm-headline', 'data-testid': 'ddpm-headline' },
      h('strong', {}, 'DDPM sample '),
      runHeadline(run)
    ),
    buildActions(run, host, status)
  );
  if (!run.warnings.length) return [header];
  return [
    header,
    h('ul', { class: 'ddpm-warnings', 'data-testid': 'ddpm-warnings' }, ...run.warnings.map((w) => h('li', {}, w)))
  ];
}

/** Copy the sample as PyTorch text or as JSON; in the results panel, also ask for PyTorch output to compare with. */
function buildActions(run: RunResult, host: HostBridge, status: (message: string) => void): HTMLElement {
  const button = (label: string, testId: string, onClick: () => void): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: 'ddpm-button', 'data-testid': testId }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const actions = h(
    'div',
    { class: 'ddpm-actions' },
    button('Copy as PyTorch text', 'ddpm-copy-pytorch', () => {
      host.copy(sampleAsPytorchText(run));
      status('Copied the sample as PyTorch prints it.');
    }),
    button('Copy as JSON', 'ddpm-copy-json', () => {
      host.copy(sampleAsJson(run));
      status('Copied the sample as JSON (exact float32 values).');
    })
  );
  if (host.compareRequest)
    actions.append(button('Compare with PyTorch output…', 'ddpm-compare', () => host.compareRequest?.()));
  if (host.torchCheckRequest)
    actions.append(button('Compare with Local PyTorch', 'ddpm-torch-check', () => host.torchCheckRequest?.()));
  return actions;
}

/** The tab strip and one panel per view (the WAI-ARIA tabs pattern), all panels hidden until a view is shown. */
interface RunTabs {
  list: HTMLElement;
  tabs: Map<ViewId, HTMLButtonElement>;
  panels: Map<ViewId, HTMLElement>;
}

function buildTabs(views: ViewId[]): RunTabs {
  const list = h('div', { class: 'ddpm-tabs', role: 'tablist' });
  const tabs = new Map<ViewId, HTMLButtonElement>();
  const panels = new Map<ViewId, HTMLElement>();
  const uid = Math.random().toString(36).slice(2, 8);
  for (const id of views) {
    const tab = h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'ddpm-tab',
        id: `ddpm-tab-${id}-${uid}`,
        'aria-controls': `ddpm-panel-${id}-${uid}`,
        'aria-selected': 'false',
        'data-testid': `ddpm-tab-${id}`,
        tabindex: '-1'
      },
      VIEW_LABELS[id]
    );
    const panel = h('div', {
      role: 'tabpanel',
      class: 'ddpm-panel',
      id: `ddpm-panel-${id}-${uid}`,
      'aria-labelledby': tab.id,
      'data-testid': `ddpm-panel-${id}`
    });
    panel.hidden = true;
    tabs.set(id, tab);
    panels.set(id, panel);
    list.append(tab);
  }
  return { list, tabs, panels };
}

/** A click shows the tab's view; ArrowRight / ArrowLeft show the next / previous one (wrapping) and focus its tab. */
function wireTabs(t: RunTabs, views: ViewId[], show: (id: ViewId) => Promise<void>): void {
  for (const [id, tab] of t.tabs) {
    tab.addEventListener('click', () => void show(id));
    tab.addEventListener('keydown', (e) => {
      const k = views.indexOf(id);
      const next =
        e.key === 'ArrowRight'
          ? views[(k + 1) % views.length]
          : e.key === 'ArrowLeft'
            ? views[(k - 1 + views.length) % views.length]
            : null;
      if (next) {
        e.preventDefault();
        void show(next).then(() => t.tabs.get(next)?.focus());
        t.tabs.get(next)?.focus();
      }
    });
  }
}

/** Selects the tab of `id` (the one focusable tab) and shows its panel only. */
function selectTab(t: RunTabs, id: ViewId): void {
  for (const [v, tab] of t.tabs) {
    const on = v === id;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    (t.panels.get(v) as HTMLElement).hidden = !on;
  }
}

/**
 * The run's views behind the tabs: each created and drawn the first time it is shown (a failure
 * shows its one-line error in the panel), resized when shown again, redrawn on a theme change.
 * The root's data-ddpm-ready follows the latest show only.
 */
class ViewDeck {
  private readonly created = new Map<ViewId, View>();
  private readonly drawn = new Set<ViewId>();
  private current: ViewId | undefined;
  private generation = 0;
  private disposed = false;

  constructor(
    private readonly ctx: ViewContext,
    private readonly tabs: RunTabs
  ) {}

  async show(id: ViewId): Promise<void> {
    if (this.disposed) return;
    const root = this.ctx.root;
    this.current = id;
    const gen = ++this.generation;
    selectTab(this.tabs, id);
    root.setAttribute('data-ddpm-view', id);
    if (this.drawn.has(id)) {
      this.created.get(id)?.resize();
      setReady(root, 'true');
      return;
    }
    setReady(root, 'false');
    try {
      await this.draw(id);
      if (gen === this.generation && !this.disposed) setReady(root, 'true');
    } catch (e) {
      (this.tabs.panels.get(id) as HTMLElement).append(errorBox(`${VIEW_LABELS[id]}: ${errorFirstLine(e)}`));
      if (gen === this.generation) setReady(root, 'error');
    }
  }

  /** Redraws what was drawn (a new theme), the visible view first. */
  redrawAll(): void {
    const ids = [...this.drawn];
    this.drawn.clear();
    if (!this.current) return;
    void this.show(this.current).then(() => {
      for (const id of ids) if (id !== this.current) void this.draw(id).catch(() => undefined);
    });
  }

  resizeCurrent(): void {
    if (this.current) this.created.get(this.current)?.resize();
  }

  dispose(): void {
    this.disposed = true;
    for (const v of this.created.values()) v.dispose();
    this.created.clear();
  }

  private async draw(id: ViewId): Promise<void> {
    let view = this.created.get(id);
    if (!view) {
      view = FACTORIES[id](this.ctx);
      this.created.set(id, view);
      (this.tabs.panels.get(id) as HTMLElement).replaceChildren(view.element);
    }
    await view.draw();
    this.drawn.add(id);
  }
}

/** On a theme switch the root says the new kind and the drawn views redraw; returns the function that stops watching. */
function redrawOnThemeChange(root: HTMLElement, doc: Document, deck: ViewDeck): () => void {
  return observeTheme(() => {
    root.setAttribute('data-ddpm-theme', themeKind(doc));
    deck.redrawAll();
  }, doc);
}
