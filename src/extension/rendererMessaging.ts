// Messages from the notebook renderer ('ddpm-lab.renderer', requiresMessaging 'optional'): notebook
// outputs cannot download files or write the clipboard themselves, so they post 'save-image' and
// 'copy' here (same shapes as the results panel's messages).
import * as vscode from 'vscode';
import { parseViewMessage } from './messages';
import { copyText, saveImage } from './viewActions';

export const RENDERER_ID = 'ddpm-lab.renderer';

export function registerRendererMessaging(context: vscode.ExtensionContext): void {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  context.subscriptions.push(
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const msg = parseViewMessage(message);
      if (!msg) return;
      const notebookUri = editor.notebook.uri;
      const near = notebookUri.scheme === 'file' ? vscode.Uri.joinPath(notebookUri, '..') : undefined;
      if (msg.type === 'save-image') void saveImage(msg, near);
      else if (msg.type === 'copy') void copyText(msg);
    })
  );
}
