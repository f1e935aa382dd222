// "DDPM: Compare with Local PyTorch" (README "Compare with your own PyTorch"): runs the run's inputs in the user's
// own PyTorch through the check harness (python/ddpm_check.py, src/host/pythonCheck.ts) and shows both runs side by
// side in the results panel with the four-part verdict. Which Python: src/core/check/pythonResolution.ts. Only in a
// trusted workspace, and only in a desktop or remote extension host (the web host cannot start processes).
import * as vscode from 'vscode';
import { noTorchAdvice, NoUsableTorchError } from '../core/check/harness';
import { NoPythonError, resolvePython } from '../core/check/pythonResolution';
import { errorFirstLine, isAbort } from '../core/errors';
import type { RunResult, SamplerInputs } from '../core/types';
import { SETTINGS_SECTION } from './settings';

export const WEB_HOST_MESSAGE = 'Compare with Local PyTorch needs the desktop or remote extension host (it runs Python on your machine)';
export const UNTRUSTED_MESSAGE =
  'Compare with Local PyTorch runs a Python on your machine, so it is off in Restricted Mode: trust this workspace to use it';

/** The part of the Python extension's API (ms-python.python, @vscode/python-extension) used here, typed by hand. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
    resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter selected in the Python extension, when it is installed and has one. */
export async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  const api = ext.isActive ? ext.exports : await ext.activate();
  const envs = api?.environments;
  const active = envs?.getActiveEnvironmentPath(resource);
  if (!envs || !active) return undefined;
  const resolved = await envs.resolveEnvironment(active);
  return resolved?.executable.uri?.fsPath ?? active.path;
}

/** What the check runs on: a run's inputs and a name for messages. */
export interface CheckSource {
  inputs: SamplerInputs;
  origin: string;
}

/** Runs the check with progress and cancel; the run to show (ours with torchCheck), or undefined when it could not run. */
export async function compareWithLocalPytorch(source: CheckSource | undefined, scope?: vscode.Uri): Promise<RunResult | undefined> {
  if (process.env.DDPM_WEB) {
    void vscode.window.showErrorMessage(WEB_HOST_MESSAGE);
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    const manage = 'Manage Workspace Trust';
    void vscode.window.showErrorMessage(UNTRUSTED_MESSAGE, manage).then((c) => c === manage && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  }
  if (!source) {
    void vscode.window.showErrorMessage('DDPM: no run to compare yet: run "DDPM: Run Sampler" (or sample() in a notebook) first, or open an inputs file');
    return undefined;
  }
  // the web build defines DDPM_WEB, and this if/else lets it drop the Node modules (as workerClient.ts does)
  let host: typeof import('../host/pythonCheck');
  if (process.env.DDPM_WEB) throw new Error(WEB_HOST_MESSAGE);
  else host = await import('../host/pythonCheck');
  const { runCheck, whichOnPath } = host;
  const script = (await import('../../python/ddpm_check.py')).default;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  let python: string;
  try {
    python = (
      await resolvePython({
        setting: config.get<string>('pythonPath'),
        pythonExtensionInterpreter: () => pythonExtensionInterpreter(scope),
        which: (c) => whichOnPath(c)
      })
    ).command;
  } catch (e) {
    void vscode.window.showErrorMessage(e instanceof NoPythonError ? `DDPM: ${e.message}` : errorFirstLine(e));
    return undefined;
  }
  const { inputs } = source;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DDPM: running N=${inputs.n} d=${inputs.d} T=${inputs.betas.length} in ${python}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: 'starting PyTorch' });
        const { withTorchCheck } = await import('../core/check/verdict');
        const r = await runCheck(inputs, { python, script, signal: abort.signal });
        return withTorchCheck(r.ours, r.verdict, r.torch, python);
      }
    );
  } catch (e) {
    if (isAbort(e)) void vscode.window.showInformationMessage('DDPM: Compare with Local PyTorch: cancelled');
    else if (e instanceof NoUsableTorchError) {
      const open = 'Open Settings';
      void vscode.window
        .showErrorMessage(`DDPM: no usable PyTorch: ${e.message}; ${noTorchAdvice(e.kind, python)}`, open)
        .then((c) => c === open && vscode.commands.executeCommand('workbench.action.openSettings', 'ddpmLab.pythonPath'));
    } else void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
}
