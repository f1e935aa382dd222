// DDPM notebooks in VS Code: the *.ddpmnb serializer, the "DDPM Lab" kernel and "DDPM: New Sampler Notebook"
// (opens an untitled notebook holding the bundled example, media/examples/seed.ddpmnb). extension.ts calls
// registerNotebook at activation and starts the sampler's worker when a DDPM notebook or an inputs file is open
// (whenInUse.ts); the interpreter loads when the first DDPM notebook opens (DdpmKernel.warmUp).
import * as vscode from 'vscode';
import { DdpmKernel } from './kernel';
import { errorFirstLine } from '../core/errors';
import { DdpmNotebookSerializer, NOTEBOOK_TYPE } from './serializer';
import { confirmLargeRun, settingsFor } from './runSettings';

export const NEW_NOTEBOOK_COMMAND = 'ddpm-lab.newNotebook';
export const SEED_NOTEBOOK_PATH = ['media', 'examples', 'seed.ddpmnb'] as const;

/** Opens the bundled seed example as a new untitled notebook. */
async function newSamplerNotebook(context: vscode.ExtensionContext, serializer: DdpmNotebookSerializer): Promise<void> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...SEED_NOTEBOOK_PATH));
    const data = serializer.deserializeNotebook(bytes);
    const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
    await vscode.window.showNotebookDocument(doc);
  } catch (e) {
    void vscode.window.showErrorMessage(`DDPM: New Sampler Notebook: ${errorFirstLine(e)}`);
  }
}

/** Registers the serializer, the kernel and the New Sampler Notebook command; returns the kernel. */
export function registerNotebook(context: vscode.ExtensionContext): DdpmKernel {
  const serializer = new DdpmNotebookSerializer(vscode, (message) => void vscode.window.showErrorMessage(message));
  const kernel = new DdpmKernel(vscode, {
    run: async (request, signal) => (await import('./workerClient')).runInWorker(request, signal),
    settings: settingsFor,
    confirmLargeRun,
    pytorch: async (req, scope, signal) =>
      (await import('./localTorch')).runLocalCheck(req.inputs, {
        profile: req.profile,
        matmul: req.matmul,
        signal,
        scope
      })
  });
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, serializer, { transientOutputs: false }),
    kernel,
    vscode.commands.registerCommand(NEW_NOTEBOOK_COMMAND, () => newSamplerNotebook(context, serializer))
  );
  return kernel;
}
