// DDPM Lab's entry point (Node: dist/extension.js; web: dist/web/extension.js). Activation (on a DDPM notebook, a
// JSON file such as the palette command's inputs, the results panel or a command) only registers things: the
// notebook type and kernel (notebook.ts), the palette commands, the results panel's restorer and the renderer's
// messaging. The sampler's worker, the command code and the core are readied once an inputs file or a DDPM notebook
// is open (whenInUse.ts), or on first use.
import * as vscode from 'vscode';
import { registerNotebook } from './notebook';
import { NOTEBOOK_TYPE } from './serializer';
import { ResultsPanel } from './panel';
import { registerRendererMessaging } from './rendererMessaging';
import { ADD_PYTHON_HELPER_COMMAND, addPythonHelper } from './pythonHelper';
import { whenInUse } from './whenInUse';
import helperText from '../../python/ddpm_lab.py';

export const COMMAND_IDS = {
  runSampler: 'ddpm-lab.runSampler',
  compareClipboard: 'ddpm-lab.compareClipboard',
  copyPytorchScript: 'ddpm-lab.copyPytorchScript',
  addPythonHelper: ADD_PYTHON_HELPER_COMMAND,
  compareLocalPytorch: 'ddpm-lab.compareLocalPytorch'
} as const;

const loadCommands = () => import('./commands');

export function activate(context: vscode.ExtensionContext): void {
  const kernel = registerNotebook(context);
  registerRendererMessaging(context);
  const uri = context.extensionUri;
  // the last run of the active DDPM notebook, if it has one ("Last Run" then means that notebook's)
  const notebookRun = () => {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const last = nb?.notebookType === NOTEBOOK_TYPE ? kernel.lastRun(nb.uri.toString()) : undefined;
    return last && nb
      ? { ...last, notebookName: nb.uri.path.split('/').pop() || nb.uri.toString(), notebookUri: nb.uri.toString() }
      : undefined;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(COMMAND_IDS.runSampler, async (target?: unknown) =>
      (await loadCommands()).runSamplerCommand(uri, target instanceof vscode.Uri ? target : undefined)
    ),
    vscode.commands.registerCommand(COMMAND_IDS.compareClipboard, async () =>
      (await loadCommands()).compareClipboardCommand(uri, notebookRun())
    ),
    vscode.commands.registerCommand(COMMAND_IDS.copyPytorchScript, async () =>
      (await loadCommands()).copyPytorchScriptCommand(notebookRun())
    ),
    vscode.commands.registerCommand(COMMAND_IDS.addPythonHelper, () => addPythonHelper(vscode, helperText)),
    vscode.commands.registerCommand(COMMAND_IDS.compareLocalPytorch, async () =>
      (await loadCommands()).compareLocalPytorchCommand(uri, notebookRun())
    )
  );
  // The panel's restorer is registered at activation (activation event onWebviewPanel:ddpmLab.results).
  ResultsPanel.configure(context, async (panel) => (await loadCommands()).compareRequestFromPanel(uri, panel));
  // Once an inputs file or a DDPM notebook is open (whenInUse.ts; not for any JSON file): the sampler's worker started
  // ahead, its kernels compiled, so that a run does not wait for it, and a second later the command code and the core
  // loaded, so that the first "DDPM: Run Sampler" opens its panel without first evaluating them (30 to 40 ms here,
  // README "Performance"). A command chosen before then loads what it needs itself.
  context.subscriptions.push(
    ...whenInUse(vscode, NOTEBOOK_TYPE, () => {
      void import('./workerClient')
        .then((m) => {
          m.resumeWorkers(); // after a deactivate in the same extension host
          return m.prewarmWorker();
        })
        .catch(() => undefined);
      const ahead = setTimeout(() => void loadCommands(), 1000);
      context.subscriptions.push({ dispose: () => clearTimeout(ahead) });
    })
  );
}

export async function deactivate(): Promise<void> {
  // the sampler's workers (a spare waiting for the next run, any run still going): stopped, and none started after
  await (await import('./workerClient')).stopWorkers();
}
