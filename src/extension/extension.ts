// DDPM Lab's entry point (Node: dist/extension.js; web: dist/web/extension.js). Activation only
// registers things: the notebook type and kernel (notebook.ts), the palette commands, the results
// panel's restorer and the renderer's messaging. The command code and the core load on first use.
import * as vscode from 'vscode';
import { registerNotebook } from './notebook';
import { ResultsPanel } from './panel';
import { registerRendererMessaging } from './rendererMessaging';

export const COMMAND_IDS = {
  runSampler: 'ddpm-lab.runSampler',
  compareClipboard: 'ddpm-lab.compareClipboard',
  copyPytorchScript: 'ddpm-lab.copyPytorchScript'
} as const;

const loadCommands = () => import('./commands');

export function activate(context: vscode.ExtensionContext): void {
  registerNotebook(context);
  registerRendererMessaging(context);
  const uri = context.extensionUri;
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMAND_IDS.runSampler, async (target?: unknown) =>
      (await loadCommands()).runSamplerCommand(uri, target instanceof vscode.Uri ? target : undefined)
    ),
    vscode.commands.registerCommand(COMMAND_IDS.compareClipboard, async () => (await loadCommands()).compareClipboardCommand(uri)),
    vscode.commands.registerCommand(COMMAND_IDS.copyPytorchScript, async () => (await loadCommands()).copyPytorchScriptCommand())
  );
  // The panel's restorer is registered at activation (activation event onWebviewPanel:ddpmLab.results).
  ResultsPanel.configure(context, async (panel) => (await loadCommands()).compareRequestFromPanel(uri, panel));
}

export function deactivate(): void {
  // Workers are terminated by their runs' AbortControllers or when the extension host exits.
}
