// "DDPM: Compare with Local PyTorch" (README "Compare with your own PyTorch"): runs the run's inputs in the user's
// own PyTorch through the check harness (python/ddpm_check.py, src/host/pythonCheck.ts) and shows both runs side by
// side in the results panel with the four-part verdict. Which Python: src/core/check/pythonResolution.ts. Only in a
// trusted workspace, and only in a desktop or remote extension host (the web host cannot start processes).
import * as vscode from 'vscode';
import { noTorchAdvice, NoUsableTorchError } from '../core/check/harness';
import { NoPythonError, resolvePython } from '../core/check/pythonResolution';
import { errorFirstLine, isAbort } from '../core/errors';
import type { MatmulProfile, RngProfile, RunResult, SamplerInputs } from '../core/types';
import { SETTINGS_SECTION } from './settings';

export const WEB_HOST_MESSAGE =
  'Compare with Local PyTorch needs the desktop or remote extension host (it runs Python on your machine)';
export const UNTRUSTED_MESSAGE =
  'Compare with Local PyTorch runs a Python on your machine, so it is off in Restricted Mode: trust this workspace to use it';

/** The part of the Python extension's API (ms-python.python, @vscode/python-extension) used here, typed by hand. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string } | undefined;
    resolveEnvironment(
      env: { id: string; path: string } | string
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
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

/** Why the check cannot run here (web host, untrusted workspace), or null. */
export function localTorchUnavailable(): string | null {
  if (process.env.DDPM_WEB) return WEB_HOST_MESSAGE;
  if (!vscode.workspace.isTrusted) return UNTRUSTED_MESSAGE;
  return null;
}

export interface LocalCheckOptions {
  profile?: RngProfile;
  matmul?: MatmulProfile;
  signal?: AbortSignal;
  scope?: vscode.Uri;
}

/** The local folder ddpmLab.pythonPath is relative to: the scope's workspace folder, else the first one. */
function settingFolder(scope: vscode.Uri | undefined): string | undefined {
  const folder =
    (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0] ?? undefined;
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/**
 * Runs the inputs in the user's own PyTorch and returns our run carrying the check (RunResult.torchCheck). Errors are
 * one line: NoPythonError, NoUsableTorchError (with how to fix it), an AbortError on cancel.
 */
export async function runLocalCheck(inputs: SamplerInputs, opts: LocalCheckOptions = {}): Promise<RunResult> {
  const unavailable = localTorchUnavailable();
  // the web build defines DDPM_WEB, and this if/else lets it drop the Node modules (as workerClient.ts does)
  let host: typeof import('../host/pythonCheck');
  if (process.env.DDPM_WEB || unavailable) throw new Error(unavailable ?? WEB_HOST_MESSAGE);
  else host = await import('../host/pythonCheck');
  const script = (await import('../../python/ddpm_check.py')).default;
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, opts.scope);
  const python = (
    await resolvePython({
      setting: config.get<unknown>('pythonPath'),
      workspaceFolder: settingFolder(opts.scope),
      homeDir: host.homeDir(),
      pythonExtensionInterpreter: () => pythonExtensionInterpreter(opts.scope),
      which: (c) => host.whichOnPath(c)
    })
  ).command;
  try {
    const r = await host.runCheck(inputs, {
      python,
      script,
      signal: opts.signal,
      profile: opts.profile,
      matmul: opts.matmul
    });
    const { withTorchCheck } = await import('../core/check/verdict');
    return withTorchCheck(r.ours, r.verdict, r.torch, python);
  } catch (e) {
    if (e instanceof NoUsableTorchError)
      throw new NoUsableTorchError(
        e.kind,
        `no usable PyTorch: ${e.message}; ${noTorchAdvice(e.kind, python, e.signal, undefined, e.message)}`,
        e.signal
      );
    throw e;
  }
}

/** Runs the check with progress and cancel; the run to show (ours with torchCheck), or undefined when it could not run. */
export async function compareWithLocalPytorch(
  source: CheckSource | undefined,
  scope?: vscode.Uri
): Promise<RunResult | undefined> {
  const unavailable = localTorchUnavailable();
  if (unavailable === WEB_HOST_MESSAGE) {
    void vscode.window.showErrorMessage(WEB_HOST_MESSAGE);
    return undefined;
  }
  if (unavailable) {
    const manage = 'Manage Workspace Trust';
    void vscode.window
      .showErrorMessage(unavailable, manage)
      .then((c) => c === manage && vscode.commands.executeCommand('workbench.trust.manage'));
    return undefined;
  }
  if (!source) {
    void vscode.window.showErrorMessage(
      'DDPM: no run to compare yet: run "DDPM: Run Sampler" (or sample() in a notebook) first, or open an inputs file'
    );
    return undefined;
  }
  const { inputs } = source;
  try {
    return await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `DDPM: running N=${inputs.n} d=${inputs.d} T=${inputs.betas.length} in your PyTorch`,
        cancellable: true
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: 'starting Python' });
        return runLocalCheck(inputs, { signal: abort.signal, scope });
      }
    );
  } catch (e) {
    if (isAbort(e)) void vscode.window.showInformationMessage('DDPM: Compare with Local PyTorch: cancelled');
    else if (e instanceof NoUsableTorchError || e instanceof NoPythonError) {
      const open = 'Open Settings';
      void vscode.window
        .showErrorMessage(`DDPM: ${e.message}`, open)
        .then(
          (c) => c === open && vscode.commands.executeCommand('workbench.action.openSettings', 'ddpmLab.pythonPath')
        );
    } else void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
}
