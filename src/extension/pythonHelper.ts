// DDPM: Add Python Helper to Workspace (README "Use it from Jupyter"): writes the Python helper python/ddpm_lab.py
// (bundled as text at build time, as `node dist/cli.js python-helper` prints it) as ddpm_lab.py into a workspace
// folder, asking before it replaces a different file of that name, and opens it. Through vscode.workspace.fs only,
// so it works in the web extension host too.
import type * as vscode from 'vscode';
import { errorFirstLine } from '../core/errors';

export const ADD_PYTHON_HELPER_COMMAND = 'ddpm-lab.addPythonHelper';
export const PYTHON_HELPER_FILE = 'ddpm_lab.py';

/** The slice of the VS Code API the command uses (a fake in unit tests). */
export type PythonHelperApi = {
  Uri: Pick<typeof vscode.Uri, 'joinPath'>;
  window: Pick<
    typeof vscode.window,
    | 'showWorkspaceFolderPick'
    | 'showWarningMessage'
    | 'showErrorMessage'
    | 'showInformationMessage'
    | 'showTextDocument'
  >;
  workspace: Pick<typeof vscode.workspace, 'workspaceFolders' | 'openTextDocument'> & {
    fs: Pick<vscode.FileSystem, 'readFile' | 'writeFile'>;
  };
};

/**
 * The file's bytes, undefined when there is no such file (vscode.FileSystemError 'FileNotFound'); any other failure to
 * read it (permissions, a folder of that name, a remote file system that did not answer) is thrown: the file may be
 * there, and is not to be written over unseen.
 */
async function existing(api: PythonHelperApi, file: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await api.workspace.fs.readFile(file);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'FileNotFound') return undefined;
    throw e;
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Writes `helperText` as ddpm_lab.py into the workspace folder (the one there is, or the one the user picks) and
 * opens it; a different existing ddpm_lab.py is replaced only when the user answers Overwrite. Returns the file's
 * URI, or undefined when nothing was written or opened (no folder, the pick or the question cancelled).
 */
export async function addPythonHelper(api: PythonHelperApi, helperText: string): Promise<vscode.Uri | undefined> {
  const folders = api.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    void api.window.showErrorMessage(
      `DDPM Lab: open a folder first to add ${PYTHON_HELPER_FILE} to it (or save the output of \`node dist/cli.js python-helper\` as ${PYTHON_HELPER_FILE}).`
    );
    return undefined;
  }
  const folder =
    folders.length === 1
      ? folders[0]
      : await api.window.showWorkspaceFolderPick({
          placeHolder: `Workspace folder to write ${PYTHON_HELPER_FILE} into`
        });
  if (!folder) return undefined;
  const file = api.Uri.joinPath(folder.uri, PYTHON_HELPER_FILE);
  const bytes = new TextEncoder().encode(helperText);
  let before: Uint8Array | undefined;
  try {
    before = await existing(api, file);
  } catch (e) {
    void api.window.showErrorMessage(
      `DDPM Lab: cannot read ${PYTHON_HELPER_FILE} in ${folder.name} (${errorFirstLine(e)}); nothing was written.`
    );
    return undefined;
  }
  if (before && !sameBytes(before, bytes)) {
    const answer = await api.window.showWarningMessage(
      `${PYTHON_HELPER_FILE} already exists in ${folder.name} and differs from DDPM Lab's helper. Overwrite it?`,
      { modal: true, detail: 'Your current file is replaced; nothing else in the folder changes.' },
      'Overwrite'
    );
    if (answer !== 'Overwrite') return undefined;
  }
  if (!before || !sameBytes(before, bytes)) {
    try {
      await api.workspace.fs.writeFile(file, bytes);
    } catch (e) {
      void api.window.showErrorMessage(
        `DDPM Lab: cannot write ${PYTHON_HELPER_FILE} into ${folder.name} (${errorFirstLine(e)}).`
      );
      return undefined;
    }
  }
  await api.window.showTextDocument(await api.workspace.openTextDocument(file));
  void api.window.showInformationMessage(
    before && sameBytes(before, bytes)
      ? `${PYTHON_HELPER_FILE} in ${folder.name} is already DDPM Lab's helper.`
      : `Added ${PYTHON_HELPER_FILE} to ${folder.name}: \`import ddpm_lab\` in a notebook or script next to it.`
  );
  return file;
}
