// The results panel of "DDPM: Run Sampler": a webview that draws a RunResult with the same renderer
// code as notebook outputs (dist/renderer/panel.js, built from renderer/panel.ts). One panel, reused
// for each run. It keeps its state when hidden (retainContextWhenHidden) and after a window reload
// (a WebviewPanelSerializer restores it from the last run saved in the extension's storage).
import * as vscode from 'vscode';
import { decodeRunResult, encodeRunResult, type RunResultJson } from '../core/run/runCodec';
import type { RngProfile, RunResult } from '../core/types';
import { parseViewMessage, type HostMessage, type ModuleSet } from '../common/viewMessages';
import { buildPanelHtml, makeNonce, modulesMessage, PANEL_VIEW_TYPE, panelAssets } from './panelHtml';
import { copyText, saveImage } from './viewActions';
import type { InputsJson } from './workerProtocol';
import type { WrittenSchedule } from '../core/sampler/inputs';
import { isObject } from '../core/describe';

export { PANEL_VIEW_TYPE };

/** A run as the panel holds it: the result, and what is needed to compare it or re-run it. */
export interface PanelRun {
  run: RunResult;
  inputs: InputsJson;
  profile: RngProfile;
  /** where the inputs came from, for the title and the PyTorch script */
  origin: string;
  /** the inputs file's schedule decimals, when not exactly float32 (a comparison's diagnosis tries them as float64) */
  writtenSchedule?: WrittenSchedule;
  /** the file or notebook whose folder's ddpmLab.* settings the run read (a URI), for its comparisons */
  scope?: string;
}

interface StoredPanelRun {
  run: RunResultJson;
  inputs: InputsJson;
  profile: RngProfile;
  origin: string;
  writtenSchedule?: WrittenSchedule;
  scope?: string;
}

export type CompareRequestHandler = (panel: ResultsPanel) => Promise<void>;

export class ResultsPanel {
  static current: ResultsPanel | undefined;
  /** The last run shown, kept after the panel is closed ("Compare Clipboard with Last Run" still finds it). */
  private static last: PanelRun | undefined;
  private static compareHandler: CompareRequestHandler | undefined;
  private static storageFile: vscode.Uri | undefined;
  /** files under dist/renderer/ read this session (plotly's modules, sent to each new page) */
  private static rendererFiles = new Map<string, Promise<Uint8Array>>();
  private ready = false;
  /**
   * sets of plotly's modules to send when the page says it is ready: those whose message the webview did not take
   * (not live yet), and plotly's for a page loaded again
   */
  private readonly modulesUndelivered = new Set<ModuleSet>();
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private data: PanelRun | undefined
  ) {
    webviewPanel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    webviewPanel.webview.options = ResultsPanel.webviewOptions(extensionUri);
    this.disposables.push(
      webviewPanel.onDidDispose(() => this.dispose()),
      webviewPanel.webview.onDidReceiveMessage((m) => this.onMessage(m))
    );
    this.render();
  }

  /** Set once at activation. */
  static configure(context: vscode.ExtensionContext, onCompareRequest: CompareRequestHandler): void {
    ResultsPanel.compareHandler = onCompareRequest;
    const folder = context.storageUri ?? context.globalStorageUri;
    ResultsPanel.storageFile = vscode.Uri.joinPath(folder, 'results-panel.json');
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
          const data = (await ResultsPanel.loadStored()) ?? ResultsPanel.fromState(state);
          if (data) ResultsPanel.last = data;
          ResultsPanel.current?.webviewPanel.dispose();
          ResultsPanel.current = new ResultsPanel(webviewPanel, context.extensionUri, data);
        }
      })
    );
  }

  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'renderer'),
        vscode.Uri.joinPath(extensionUri, 'media')
      ]
    };
  }

  /** Runs prepared and not yet shown or given up (their titles by number; runs overlap), and the last run shown. */
  private static pending = new Map<number, string>();
  private static lastPrepared = 0;
  private static lastShown = 0;

  /**
   * Opens the panel (or reuses it) and shows `data`. `runId` (from prepare) orders overlapping runs: a run that
   * finishes after one started later has been shown is not shown over it (false).
   */
  static show(extensionUri: vscode.Uri, data: PanelRun, runId?: number): boolean {
    if (runId !== undefined) {
      ResultsPanel.pending.delete(runId);
      if (runId < ResultsPanel.lastShown) return false;
      ResultsPanel.lastShown = runId;
    }
    const panel = ResultsPanel.open(extensionUri, ResultsPanel.title(data), data);
    panel.update(data);
    return true;
  }

  /**
   * Opens the panel before a run's result exists, titled `title`, so that its page loads while the sampler runs
   * (show() then only posts the run). Returns the run's number for show() and what to call when no run comes
   * (failed, cancelled). Once no prepared run is still going, that closes a panel that has shown no run yet and gives
   * one that has its run's title back; while another still goes, the panel takes the title of the latest of those.
   */
  static prepare(extensionUri: vscode.Uri, title: string): { runId: number; unprepare: () => void } {
    const runId = ++ResultsPanel.lastPrepared;
    ResultsPanel.pending.set(runId, title);
    const existed = ResultsPanel.current;
    const panel = ResultsPanel.open(extensionUri, title, undefined);
    if (existed) panel.webviewPanel.title = title;
    const unprepare = (): void => {
      if (!ResultsPanel.pending.delete(runId)) return; // shown, or given up, already
      if (ResultsPanel.current !== panel) return; // closed, or replaced, meanwhile
      const going = [...ResultsPanel.pending.values()];
      if (going.length) panel.webviewPanel.title = going[going.length - 1];
      else if (panel.data) panel.webviewPanel.title = ResultsPanel.title(panel.data);
      else panel.webviewPanel.dispose();
    };
    return { runId, unprepare };
  }

  /** The open panel, revealed without taking focus, or a new one. */
  private static open(extensionUri: vscode.Uri, title: string, data: PanelRun | undefined): ResultsPanel {
    const panel = ResultsPanel.current;
    if (panel) {
      panel.webviewPanel.reveal(undefined, true);
      return panel;
    }
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const webviewPanel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      title,
      { viewColumn: column, preserveFocus: true },
      {
        ...ResultsPanel.webviewOptions(extensionUri),
        retainContextWhenHidden: true
      }
    );
    return (ResultsPanel.current = new ResultsPanel(webviewPanel, extensionUri, data));
  }

  get run(): PanelRun | undefined {
    return this.data;
  }

  /**
   * The last run shown in the results panel, open or closed: the open panel's, else the last one this session
   * showed, else the one saved in the extension's storage (a run from before a window reload).
   */
  static async lastRun(): Promise<PanelRun | undefined> {
    const data = ResultsPanel.current?.run ?? ResultsPanel.last ?? (await ResultsPanel.loadStored());
    if (data) ResultsPanel.last ??= data;
    return data;
  }

  update(data: PanelRun): void {
    this.data = data;
    ResultsPanel.last = data;
    this.webviewPanel.title = ResultsPanel.title(data);
    if (this.ready) this.postRun();
    void ResultsPanel.store(data);
  }

  private static title(data: PanelRun | undefined): string {
    if (!data) return 'DDPM Lab: Results';
    const { n, d, T, seed } = data.run.inputs;
    return `DDPM: N=${n} d=${d} T=${T} seed=${seed}${data.run.comparison ? (data.run.comparison.matches ? ' ✓' : ' ✗') : ''}`;
  }

  private postRun(): void {
    if (!this.data) return;
    const message: HostMessage = { type: 'run', run: encodeRunResult(this.data.run), origin: this.data.origin };
    void this.webviewPanel.webview.postMessage(message);
  }

  /** The page; its script installs the renderer's styles itself (the build inlines the CSS), so no stylesheet link. */
  private render(): void {
    const webview = this.webviewPanel.webview;
    const { page, modules } = panelAssets();
    const renderer = (file: string): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'renderer', ...file.split('/'))).toString();
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: renderer('panel.js'),
      ...(page !== undefined && modules
        ? {
            inlineScript: page,
            // each set's entry, which the page imports by URL should the set's message not come
            chunks: { plotly: renderer(modules.plotly[0].file), plotlyGl: renderer(modules['plotly-gl'][0].file) }
          }
        : {})
    });
    // plotly's modules by message, ahead of the page's asking: VS Code holds the message until the page has loaded,
    // and it comes far sooner than the chunks through the webview's resource loading (README "Performance")
    if (page !== undefined) void this.postModules('plotly');
  }

  /** A set of plotly's modules to the page (renderer/chunkImportsByUrl.ts imports them), or why they were not read. */
  private async postModules(set: ModuleSet): Promise<void> {
    const refs = panelAssets().modules?.[set];
    if (!refs) return;
    const message = await modulesMessage(set, refs, (file) => ResultsPanel.readRendererFile(this.extensionUri, file));
    let delivered: boolean;
    try {
      delivered = await this.webviewPanel.webview.postMessage(message);
    } catch {
      return; // the panel was closed meanwhile
    }
    if (!delivered) this.modulesUndelivered.add(set);
  }

  /** A file under dist/renderer/, read once a session (a failed read is tried again next time). */
  private static readRendererFile(extensionUri: vscode.Uri, file: string): Promise<Uint8Array> {
    let read = ResultsPanel.rendererFiles.get(file);
    if (!read) {
      // a plain Uint8Array of its own: the Node host's readFile gives a Buffer, which a webview message would carry
      // as its toJSON (a JSON list of numbers) instead of as bytes, and a view's message carries its whole buffer
      read = Promise.resolve(
        vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'dist', 'renderer', ...file.split('/')))
      ).then((b) => new Uint8Array(b));
      read.catch(() => ResultsPanel.rendererFiles.delete(file));
      ResultsPanel.rendererFiles.set(file, read);
    }
    return read;
  }

  private onMessage(raw: unknown): void {
    const { message: msg } = parseViewMessage(raw);
    if (!msg) return; // not a message we know: ignored
    switch (msg.type) {
      case 'ready':
        // a second 'ready' is the page loaded again (Developer: Reload Webviews): it has no modules
        if (this.ready) this.modulesUndelivered.add('plotly');
        this.ready = true;
        this.postRun();
        for (const set of this.modulesUndelivered) void this.postModules(set);
        this.modulesUndelivered.clear();
        break;
      case 'modules-request':
        void this.postModules(msg.set);
        break;
      case 'torch-check-request':
        void vscode.commands.executeCommand('ddpm-lab.compareLocalPytorch');
        break;
      case 'compare-request':
        if (ResultsPanel.compareHandler) void ResultsPanel.compareHandler(this);
        break;
      case 'save-image':
        void saveImage(msg);
        break;
      case 'copy':
        void copyText(msg);
        break;
    }
  }

  private static fromState(state: unknown): PanelRun | undefined {
    try {
      const s = state as Partial<StoredPanelRun> | undefined;
      if (!s?.run || !s.inputs) return undefined;
      return {
        run: decodeRunResult(s.run),
        inputs: s.inputs,
        profile: s.profile ?? (s.run.inputs.profile as RngProfile),
        origin: s.origin ?? 'restored run',
        ...(isWrittenSchedule(s.writtenSchedule, s.inputs.betas.length) ? { writtenSchedule: s.writtenSchedule } : {}),
        ...(typeof s.scope === 'string' ? { scope: s.scope } : {})
      };
    } catch {
      return undefined;
    }
  }

  private static async loadStored(): Promise<PanelRun | undefined> {
    if (!ResultsPanel.storageFile) return undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(ResultsPanel.storageFile);
      return ResultsPanel.fromState(JSON.parse(new TextDecoder().decode(bytes)));
    } catch {
      return undefined;
    }
  }

  private static async store(data: PanelRun): Promise<void> {
    const file = ResultsPanel.storageFile;
    if (!file) return;
    try {
      // bounded: a 64 MiB trajectory is not rewritten to disk on every run (loaded lazily: it imports the sampler's helpers)
      const { thinTrajectory } = await import('./storedRun');
      const stored: StoredPanelRun = {
        run: encodeRunResult(thinTrajectory(data.run)),
        inputs: data.inputs,
        profile: data.profile,
        origin: data.origin,
        ...(data.writtenSchedule ? { writtenSchedule: data.writtenSchedule } : {}),
        ...(data.scope ? { scope: data.scope } : {})
      };
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(stored)));
    } catch {
      // Restoring after a reload is a convenience; a failed write only means the panel comes back empty.
    }
  }

  dispose(): void {
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** A stored written schedule: T doubles each for betas and alpha_bar (anything else is dropped on restore). */
function isWrittenSchedule(v: unknown, T: number): v is WrittenSchedule {
  const doubles = (a: unknown): boolean =>
    Array.isArray(a) && a.length === T && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  return isObject(v) && doubles(v.betas) && doubles(v.alphaBar);
}
