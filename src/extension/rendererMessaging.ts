// Messages from the notebook renderer ('ddpm-lab.renderer', requiresMessaging 'optional'): notebook
// outputs cannot download files or write the clipboard themselves, so they post 'save-image' and
// 'copy' here (RendererMessage in src/common/viewMessages.ts).
import * as vscode from 'vscode';
import { parseViewMessage } from '../common/viewMessages';
import { copyText, saveImage } from './viewActions';

export const RENDERER_ID = 'ddpm-lab.renderer';

export function registerRendererMessaging(context: vscode.ExtensionContext): void {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  context.subscriptions.push(
    messaging.onDidReceiveMessage(({ editor, message }) => {
      const { message: msg } = parseViewMessage(message);
      if (!msg) return; // not a message we know: ignored
      const notebookUri = editor.notebook.uri;
      const near = notebookUri.scheme === 'file' ? vscode.Uri.joinPath(notebookUri, '..') : undefined;
      if (msg.type === 'save-image') void saveImage(msg, near);
      else if (msg.type === 'copy') void copyText(msg);
    })
  );
}
