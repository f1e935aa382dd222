// What the host does for the views' 'save-image' and 'copy' messages, shared by the results panel
// (panel.ts) and notebook outputs (rendererMessaging.ts): plotly's own download button cannot save
// from inside a webview, so the image comes here and is written where the user picks.
import * as vscode from 'vscode';
import { errorFirstLine } from '../core/errors';
import type { ViewMessage } from '../common/viewMessages';
import { imageBytesFromDataUrl, imageFileName } from './messages';

export async function saveImage(
  msg: Extract<ViewMessage, { type: 'save-image' }>,
  near?: vscode.Uri
): Promise<vscode.Uri | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = imageBytesFromDataUrl(msg.data, msg.format);
  } catch (e) {
    void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
  const folder = near ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = imageFileName(msg.name, msg.format);
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: msg.format === 'png' ? { 'PNG image': ['png'] } : { 'SVG image': ['svg'] },
    saveLabel: 'Save Plot',
    title: `Save plot as ${msg.format.toUpperCase()}`
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
  } catch (e) {
    void vscode.window.showErrorMessage(
      `save-image: could not write ${target.fsPath || target.toString()}: ${errorFirstLine(e)}`
    );
    return undefined;
  }
  vscode.window.setStatusBarMessage(`DDPM Lab: saved ${fileName}`, 4000);
  return target;
}

export async function copyText(msg: Extract<ViewMessage, { type: 'copy' }>): Promise<void> {
  await vscode.env.clipboard.writeText(msg.text);
  vscode.window.setStatusBarMessage('DDPM Lab: copied to the clipboard', 3000);
}
