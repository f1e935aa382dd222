// A thin fake of the few VS Code APIs the serializer, the kernel and the results panel use, for unit tests in
// plain Node (the integration suite, test/integration/, runs them against the real API). It records what the
// kernel does with each cell execution (order, start/end, success and outputs), keeps the panel's files in
// memory and lets a test close the webview panels it created.
import path from 'node:path';
import type { KernelApi } from '../../../src/extension/kernel';
import type { SerializerApi } from '../../../src/extension/serializer';

enum NotebookCellKind {
  Markup = 1,
  Code = 2
}

class NotebookCellOutputItem {
  constructor(
    readonly data: Uint8Array,
    readonly mime: string
  ) {}
  static text(value: string, mime = 'text/plain'): NotebookCellOutputItem {
    return new NotebookCellOutputItem(new TextEncoder().encode(value), mime);
  }
  static json(value: unknown, mime = 'text/x-json'): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(JSON.stringify(value, undefined, '\t'), mime);
  }
  static stderr(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, 'application/vnd.code.notebook.stderr');
  }
  static stdout(value: string): NotebookCellOutputItem {
    return NotebookCellOutputItem.text(value, 'application/vnd.code.notebook.stdout');
  }
  static error(value: Error): NotebookCellOutputItem {
    // as VS Code does (extHostTypes.ts): name, message and stack as JSON
    return NotebookCellOutputItem.json(
      { name: value.name, message: value.message, stack: value.stack },
      'application/vnd.code.notebook.error'
    );
  }
}

class NotebookCellOutput {
  constructor(
    public items: NotebookCellOutputItem[],
    public metadata?: Record<string, unknown>
  ) {}
}

class NotebookCellData {
  metadata?: Record<string, unknown>;
  outputs?: NotebookCellOutput[];
  executionSummary?: { executionOrder?: number; success?: boolean; timing?: { startTime: number; endTime: number } };
  constructor(
    public kind: NotebookCellKind,
    public value: string,
    public languageId: string
  ) {}
}

class NotebookData {
  metadata?: Record<string, unknown>;
  constructor(public cells: NotebookCellData[]) {}
}

type Listener<T> = (e: T) => unknown;

export class FakeEvent<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

export class FakeCancellationToken {
  isCancellationRequested = false;
  private readonly emitter = new FakeEvent<void>();
  readonly onCancellationRequested = this.emitter.event;
  cancel(): void {
    if (this.isCancellationRequested) return;
    this.isCancellationRequested = true;
    this.emitter.fire();
  }
}

export interface FakeCell {
  index: number;
  document: { getText(): string; languageId: string };
  outputs: NotebookCellOutput[];
}

export interface FakeNotebook {
  uri: { toString(): string };
  notebookType: string;
  cells: FakeCell[];
  getCells(): FakeCell[];
}

export class FakeExecution {
  executionOrder: number | undefined;
  readonly token = new FakeCancellationToken();
  started?: number;
  ended?: { success: boolean | undefined; time?: number };
  /** resolves when end() is called */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  constructor(readonly cell: FakeCell) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }
  start(time?: number): void {
    if (this.started !== undefined || this.ended) throw new Error('start called twice or after end');
    this.started = time ?? Date.now();
  }
  end(success: boolean | undefined, time?: number): void {
    if (this.ended) throw new Error('end called twice');
    this.ended = { success, time };
    this.resolveDone();
  }
  async clearOutput(): Promise<void> {
    this.cell.outputs = [];
  }
  async replaceOutput(out: NotebookCellOutput | NotebookCellOutput[]): Promise<void> {
    if (this.ended) throw new Error('replaceOutput after end');
    this.cell.outputs = Array.isArray(out) ? out : [out];
  }
  async appendOutput(out: NotebookCellOutput | NotebookCellOutput[]): Promise<void> {
    this.cell.outputs.push(...(Array.isArray(out) ? out : [out]));
  }
}

export class FakeController {
  supportedLanguages?: string[];
  supportsExecutionOrder?: boolean;
  description?: string;
  executeHandler?: (cells: FakeCell[], notebook: FakeNotebook, controller: FakeController) => void | Promise<void>;
  readonly executions: FakeExecution[] = [];
  disposed = false;
  constructor(
    readonly id: string,
    readonly notebookType: string,
    readonly label: string
  ) {}
  createNotebookCellExecution(cell: FakeCell): FakeExecution {
    if (this.executions.some((e) => e.cell === cell && !e.ended))
      throw new Error('cell already has a pending execution');
    const e = new FakeExecution(cell);
    this.executions.push(e);
    return e;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export class FakeUri {
  constructor(readonly path: string) {}
  static parse(text: string): FakeUri {
    return new FakeUri(text.replace(/^file:\/\//, ''));
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri(path.posix.normalize([base.path, ...parts].join('/')));
  }
  toString(): string {
    return `file://${this.path}`;
  }
}

/**
 * A webview panel as panel.ts uses it; dispose() closes it as the user would; `posted` holds what the extension
 * posted to its page, and receive(m) plays a message from the page.
 */
function fakeWebviewPanel() {
  const disposeListeners: (() => void)[] = [];
  const messageListeners: ((m: unknown) => void)[] = [];
  const posted: unknown[] = [];
  return {
    title: '',
    iconPath: undefined as unknown,
    posted,
    receive: (m: unknown) => messageListeners.forEach((l) => l(m)),
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-resource:',
      asWebviewUri: (u: FakeUri) => u,
      onDidReceiveMessage: (l: (m: unknown) => void) => {
        messageListeners.push(l);
        return { dispose() {} };
      },
      postMessage: async (m: unknown) => {
        posted.push(m);
        return true;
      }
    },
    onDidDispose: (l: () => void) => {
      disposeListeners.push(l);
      return { dispose() {} };
    },
    reveal() {},
    dispose: () => disposeListeners.splice(0).forEach((l) => l())
  };
}

/**
 * A fresh fake `vscode` module: the notebook API (controllers it created, events to open and close a notebook), for
 * the results panel an in-memory file system (files by path) and webview panels (those it created), and for the
 * commands the configuration (`folderSettings`: a folder's path -> its ddpmLab.* values, read for a scope under
 * it as workspaceFolderValue), the clipboard, progress notifications, error messages and the user's answers to a
 * quick pick and an open dialog (`answers`).
 */
export function makeFakeVscode() {
  const controllers: FakeController[] = [];
  const folderSettings = new Map<string, Record<string, unknown>>();
  const clipboard = { text: '' };
  const errors: string[] = [];
  const warnings: string[] = [];
  /** the placeholder of each quick pick shown */
  const quickPicks: string[] = [];
  /** the text documents open in editors (workspace.textDocuments), unsaved edits included */
  const textDocuments: { uri: FakeUri; getText(): string }[] = [];
  /** what the user answers: the id of the quick pick item chosen, the files chosen in an open dialog */
  const answers: { quickPick?: string; openDialog?: FakeUri[] } = {};
  const folderValues = (scope?: FakeUri) =>
    [...folderSettings].find(([folder]) => scope?.path.startsWith(`${folder}/`))?.[1] ?? {};
  const closeNotebook = new FakeEvent<FakeNotebook>();
  const openNotebook = new FakeEvent<FakeNotebook>();
  /** the notebooks open when a test starts the kernel (workspace.notebookDocuments) */
  const notebookDocuments: FakeNotebook[] = [];
  const files = new Map<string, Uint8Array>();
  const panels: ReturnType<typeof fakeWebviewPanel>[] = [];
  const notFound = () => Object.assign(new Error('file not found'), { code: 'FileNotFound' });
  const api = {
    NotebookCellKind,
    NotebookCellOutputItem,
    NotebookCellOutput,
    NotebookCellData,
    NotebookData,
    Uri: FakeUri,
    ViewColumn: { Active: -1, Beside: -2 },
    ProgressLocation: { Notification: 15 },
    env: {
      clipboard: {
        readText: async () => clipboard.text,
        writeText: async (t: string) => void (clipboard.text = t)
      }
    },
    notebooks: {
      createNotebookController: (id: string, type: string, label: string) => {
        const c = new FakeController(id, type, label);
        controllers.push(c);
        return c;
      }
    },
    window: {
      activeTextEditor: undefined,
      withProgress: (_options: unknown, task: (progress: unknown, token: unknown) => Promise<unknown>) =>
        task({ report() {} }, { onCancellationRequested: () => ({ dispose() {} }) }),
      setStatusBarMessage: () => ({ dispose() {} }),
      showErrorMessage: async (message: string) => void errors.push(message),
      showWarningMessage: async (message: string) => void warnings.push(message),
      showQuickPick: async (items: { id?: string }[], options?: { placeHolder?: string }) => {
        quickPicks.push(options?.placeHolder ?? '');
        return items.find((i) => i.id === answers.quickPick);
      },
      showOpenDialog: async () => answers.openDialog,
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
      createWebviewPanel: (_viewType: string, title: string) => {
        const panel = fakeWebviewPanel();
        panel.title = title;
        panels.push(panel);
        return panel;
      }
    },
    workspace: {
      onDidCloseNotebookDocument: closeNotebook.event,
      onDidOpenNotebookDocument: openNotebook.event,
      notebookDocuments,
      textDocuments,
      getConfiguration: (_section: string, scope?: FakeUri) => {
        const values = folderValues(scope);
        return {
          get: (key: string) => values[key],
          inspect: (key: string) => ({ workspaceFolderValue: values[key] })
        };
      },
      fs: {
        stat: async (u: FakeUri) => {
          if (!files.has(u.path)) throw notFound();
          return {};
        },
        readFile: async (u: FakeUri) => {
          const data = files.get(u.path);
          if (!data) throw notFound();
          return data;
        },
        writeFile: async (u: FakeUri, data: Uint8Array) => void files.set(u.path, data),
        createDirectory: async () => undefined
      }
    }
  };
  return {
    api: api as unknown as SerializerApi & KernelApi,
    controllers,
    closeNotebook,
    openNotebook,
    notebookDocuments,
    files,
    panels,
    folderSettings,
    clipboard,
    errors,
    warnings,
    quickPicks,
    textDocuments,
    answers
  };
}

/** One shared fake for tests that only need the classes (the serializer). */
export const fakeVscode = makeFakeVscode().api;

export function fakeNotebook(
  uri: string,
  sources: { text: string; language?: string }[],
  notebookType = 'ddpm-notebook'
): FakeNotebook {
  const cells = sources.map((s, index) => ({
    index,
    document: { getText: () => s.text, languageId: s.language ?? 'ddpm' },
    outputs: []
  }));
  return { uri: { toString: () => uri }, notebookType, cells, getCells: () => cells };
}
