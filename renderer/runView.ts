// One run drawn into one element: a header (what ran, warnings, copy actions), tabs for the views,
// lazy drawing of the visible view, redraw on theme change, resize with the output's width.
// Used by the notebook renderer (index.ts), the results panel (panel.ts) and the report page (report.ts).
import { errorFirstLine } from '../src/core/errors';
import type { RunResult } from '../src/core/types';
import { errorBox, h, installStyles } from './dom';
import css from './styles.css';
import { observeTheme, themeKind } from './theme';
import { runHeadline, sampleAsJson, sampleAsPytorchText, VIEW_LABELS, viewsFor, type ViewId } from './runModel';
import type { HostBridge, View, ViewContext } from './views/common';
import { createDiffView } from './views/diff/diffView';
import { createSamplesView } from './views/samples/samplesView';
import { createStatisticsView } from './views/statistics/statisticsView';
import { createTableView } from './views/table/tableView';
import { createTrajectoriesView } from './views/trajectories/trajectoriesView';

export type { HostBridge } from './views/common';

export interface RunViewHandle {
  readonly root: HTMLElement;
  /** shows a view (and draws it if needed); resolves when drawn */
  show(view: ViewId): Promise<void>;
  dispose(): void;
}

const FACTORIES: Record<ViewId, (ctx: ViewContext) => View> = {
  trajectories: createTrajectoriesView,
  statistics: createStatisticsView,
  samples: createSamplesView,
  table: createTableView,
  diff: createDiffView
};

/** Marks the container for tests and tools: data-ddpm-ready is "true" when the visible view is drawn, "error" when drawing failed. */
function setReady(root: HTMLElement, state: 'false' | 'true' | 'error'): void {
  root.setAttribute('data-ddpm-ready', state);
}

/** Renders a one-line error in place of a run (malformed output data), never a blank box. */
export function renderRunError(container: HTMLElement, message: string): void {
  installStyles(container.ownerDocument, css);
  const root = h('div', { class: 'ddpm-run' }, errorBox(`DDPM Lab could not show this output: ${message}`));
  container.replaceChildren(root);
  setReady(root, 'error');
}

export function mountRunView(container: HTMLElement, run: RunResult, host: HostBridge, initial?: ViewId): RunViewHandle {
  const doc = container.ownerDocument;
  installStyles(doc, css);
  const root = h('div', { class: 'ddpm-run', 'data-ddpm-ready': 'false', 'data-ddpm-theme': themeKind(doc) });
  container.replaceChildren(root);

  const statusLine = h('div', { class: 'ddpm-status', role: 'status', 'aria-live': 'polite' });
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  const status = (message: string): void => {
    statusLine.textContent = message;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => (statusLine.textContent = ''), 4000);
  };
  const ctx: ViewContext = { run, host, root, status };

  // header
  const button = (label: string, testId: string, onClick: () => void): HTMLButtonElement => {
    const b = h('button', { type: 'button', class: 'ddpm-button', 'data-testid': testId }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const actions = h('div', { class: 'ddpm-actions' },
    button('Copy as PyTorch text', 'ddpm-copy-pytorch', () => {
      host.copy(sampleAsPytorchText(run));
      status('Copied the sample as PyTorch prints it.');
    }),
    button('Copy as JSON', 'ddpm-copy-json', () => {
      host.copy(sampleAsJson(run));
      status('Copied the sample as JSON (exact float32 values).');
    })
  );
  if (host.compareRequest) actions.append(button('Compare with PyTorch output…', 'ddpm-compare', () => host.compareRequest?.()));
  const header = h('div', { class: 'ddpm-header' },
    h('div', { class: 'ddpm-headline', 'data-testid': 'ddpm-headline' }, h('strong', {}, 'DDPM sample '), runHeadline(run)),
    actions
  );
  root.append(header);
  if (run.warnings.length) {
    root.append(h('ul', { class: 'ddpm-warnings', 'data-testid': 'ddpm-warnings' }, ...run.warnings.map((w) => h('li', {}, w))));
  }

  // tabs
  const { views, initial: defaultView } = viewsFor(run);
  const tabList = h('div', { class: 'ddpm-tabs', role: 'tablist' });
  const panels = new Map<ViewId, HTMLElement>();
  const tabs = new Map<ViewId, HTMLButtonElement>();
  const uid = Math.random().toString(36).slice(2, 8);
  for (const id of views) {
    const tab = h('button', { type: 'button', role: 'tab', class: 'ddpm-tab', id: `ddpm-tab-${id}-${uid}`, 'aria-controls': `ddpm-panel-${id}-${uid}`, 'aria-selected': 'false', 'data-testid': `ddpm-tab-${id}`, tabindex: '-1' }, VIEW_LABELS[id]);
    const panel = h('div', { role: 'tabpanel', class: 'ddpm-panel', id: `ddpm-panel-${id}-${uid}`, 'aria-labelledby': tab.id, 'data-testid': `ddpm-panel-${id}` });
    panel.hidden = true;
    tab.addEventListener('click', () => void show(id));
    tab.addEventListener('keydown', (e) => {
      const k = views.indexOf(id);
      const next = e.key === 'ArrowRight' ? views[(k + 1) % views.length] : e.key === 'ArrowLeft' ? views[(k - 1 + views.length) % views.length] : null;
      if (next) {
        e.preventDefault();
        void show(next).then(() => tabs.get(next)?.focus());
        tabs.get(next)?.focus();
      }
    });
    tabs.set(id, tab);
    panels.set(id, panel);
    tabList.append(tab);
  }
  root.append(tabList, ...panels.values(), statusLine);

  const created = new Map<ViewId, View>();
  const drawn = new Set<ViewId>();
  let current: ViewId | undefined;
  let disposed = false;
  let generation = 0;

  const drawView = async (id: ViewId): Promise<void> => {
    const panel = panels.get(id) as HTMLElement;
    let view = created.get(id);
    if (!view) {
      view = FACTORIES[id](ctx);
      created.set(id, view);
      panel.replaceChildren(view.element);
    }
    await view.draw();
    drawn.add(id);
  };

  const show = async (id: ViewId): Promise<void> => {
    if (disposed) return;
    current = id;
    const gen = ++generation;
    for (const [v, tab] of tabs) {
      const on = v === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      (panels.get(v) as HTMLElement).hidden = !on;
    }
    root.setAttribute('data-ddpm-view', id);
    if (drawn.has(id)) {
      created.get(id)?.resize();
      setReady(root, 'true');
      return;
    }
    setReady(root, 'false');
    try {
      await drawView(id);
      if (gen === generation && !disposed) setReady(root, 'true');
    } catch (e) {
      (panels.get(id) as HTMLElement).append(errorBox(`${VIEW_LABELS[id]}: ${errorFirstLine(e)}`));
      if (gen === generation) setReady(root, 'error');
    }
  };

  // theme: redraw what was drawn, visible view first
  const stopTheme = observeTheme(() => {
    root.setAttribute('data-ddpm-theme', themeKind(doc));
    const ids = [...drawn];
    drawn.clear();
    if (current) {
      void show(current).then(() => {
        for (const id of ids) if (id !== current) void drawView(id).catch(() => undefined);
      });
    }
  }, doc);

  // width: plots follow the output's size
  let frame = 0;
  const resizeObserver = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (current) created.get(current)?.resize();
    });
  });
  resizeObserver.observe(root);

  void show(initial && views.includes(initial) ? initial : defaultView);

  return {
    root,
    show,
    dispose: () => {
      disposed = true;
      stopTheme();
      resizeObserver.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(statusTimer);
      for (const v of created.values()) v.dispose();
      created.clear();
    }
  };
}
