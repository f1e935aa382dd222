// When to get ready for a run. The extension activates on any JSON file (onLanguage:json: the palette command's inputs
// are JSON), but starting the sampler's worker and loading the command code is for a window where DDPM Lab is in use:
// an inputs file open (`*.inputs.json`, the name the editor and explorer menus offer Run Sampler on) or a DDPM
// notebook. In any other window (a package.json opened) nothing is started until one of those opens, or a command
// runs (it starts what it needs itself).
import type * as vscode from 'vscode';

/** The slice of the VS Code API this uses (a fake in unit tests). */
export type WhenInUseApi = {
  workspace: Pick<
    typeof vscode.workspace,
    'textDocuments' | 'notebookDocuments' | 'onDidOpenTextDocument' | 'onDidOpenNotebookDocument'
  >;
};

/** Whether a text document is DDPM inputs by its name. */
export function isInputsFile(doc: Pick<vscode.TextDocument, 'uri'>): boolean {
  return /\.inputs\.json$/i.test(doc.uri.path);
}

/**
 * Calls `ready` once: now when an inputs file or a notebook of `notebookType` is open, else when the first one
 * opens. Returns the listeners to dispose with the extension (none when `ready` ran at once).
 */
export function whenInUse(
  api: WhenInUseApi,
  notebookType: string,
  ready: () => void,
  recheckMs = 1000
): vscode.Disposable[] {
  const ours = (nb: Pick<vscode.NotebookDocument, 'notebookType'>): boolean => nb.notebookType === notebookType;
  const inUse = (): boolean =>
    api.workspace.textDocuments.some(isInputsFile) || api.workspace.notebookDocuments.some(ours);
  if (inUse()) {
    ready();
    return [];
  }
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    for (const s of listeners) s.dispose();
    ready();
  };
  // once more a little later: the document whose opening activated the extension may be listed only after activate()
  const recheck = setTimeout(() => {
    if (inUse()) once();
  }, recheckMs);
  const listeners: vscode.Disposable[] = [
    api.workspace.onDidOpenTextDocument((doc) => {
      if (isInputsFile(doc)) once();
    }),
    api.workspace.onDidOpenNotebookDocument((nb) => {
      if (ours(nb)) once();
    }),
    { dispose: () => clearTimeout(recheck) }
  ];
  return listeners;
}
