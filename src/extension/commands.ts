// The palette commands (README "Using the extension"): Run Sampler, Compare Clipboard with Last
// Run, Copy Equivalent PyTorch Script, plus the results panel's "Compare with PyTorch output…".
// Loaded on first use (extension.ts imports it lazily). Errors are one line, never a stack trace.
import * as vscode from 'vscode';
import { interpretCellsInputs, interpretInputs } from '../core/notebook/cellLanguage/interpreter';
import { readInputs, type WrittenSchedule } from '../core/sampler/inputs';
import { buildPytorchScript } from '../core/notebook/pytorchScript';
import { encodeRunResult } from '../core/run/runCodec';
import type { RngProfile, RunResult, SamplerInputs } from '../core/types';
import { errorFirstLine, isAbort } from '../core/errors';
import { pendingSink, progressAfterDelay, type ProgressSink } from './delayedProgress';
import { NO_ACTIVE_EDITOR, pickInputs, resolveInputsFromActiveEditor, resolveInputsFromFile } from './inputSource';
import { ResultsPanel, type PanelRun } from './panel';
import type { CellInputsInterpreter, NotebookCellsInterpreter, Resolution } from './resolveInputs';
import { confirmLargeRun, settingsFor } from './runSettings';
import { cellDefaults, largeRun, type DdpmSettings } from './settings';
import { runInWorker } from './workerClient';
import { compareWithLocalPytorch, type CheckSource } from './localTorch';
import { inputsToMessage, type WorkerRequest } from './workerProtocol';

/** Editor text in the notebook cell language (`w_model = [[...]]`, `betas = linspace(...)`, ...) read by its interpreter. */
function cellInterpreter(settings: DdpmSettings): CellInputsInterpreter {
  return (text, origin) => interpretInputs(text, origin, cellDefaults(settings));
}

/** A DDPM notebook's cells up to the active one, read together (resolveInputsFromCells), with its folder's settings. */
function cellsInterpreterFor(notebook: vscode.Uri): NotebookCellsInterpreter {
  const defaults = cellDefaults(settingsFor(notebook));
  return (cells) => interpretCellsInputs(cells, defaults);
}

/**
 * Runs a request in the worker; undefined when cancelled. A run still going after PROGRESS_DELAY_MS gets a cancellable
 * progress notification for the rest of it (delayedProgress.ts); a quicker one shows none.
 */
async function runWithProgress(title: string, request: WorkerRequest): Promise<RunResult | undefined> {
  const abort = new AbortController();
  try {
    return await progressAfterDelay(
      (onProgress) => runInWorker(request, abort.signal, { onProgress }),
      (rest) => progressNotification(title, rest, () => abort.abort())
    );
  } catch (e) {
    if (isAbort(e)) {
      void vscode.window.showInformationMessage(`${title}: cancelled`);
      return undefined;
    }
    throw e;
  }
}

/** A cancellable notification titled `title` until `rest` settles, showing the step it has reached. */
function progressNotification(title: string, rest: Promise<void>, cancel: () => void): ProgressSink {
  // progress that comes before VS Code runs the notification's task is kept for it
  const shown = pendingSink();
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(cancel);
      let reported = 0;
      shown.attach((done, total) => {
        const pct = (100 * done) / total;
        progress.report({ increment: pct - reported, message: `step ${done} of ${total}` });
        reported = pct;
      });
      return rest;
    }
  );
  return shown.sink;
}

/** "DDPM: Run Sampler"; `uri` when invoked on a file from the explorer or editor context menu. */
export async function runSamplerCommand(extensionUri: vscode.Uri, uri?: vscode.Uri): Promise<RunResult | undefined> {
  const initial = uri ?? vscode.window.activeTextEditor?.document.uri;
  // cell-language text reads its defaults (profile, matmul, recording) from the settings of its own folder
  const interpreterFor = (scope?: vscode.Uri) => cellInterpreter(settingsFor(scope));
  let resolution: Resolution | undefined;
  if (uri instanceof vscode.Uri) {
    // from a context menu or the editor title: the editor's text when the file is open (unsaved edits included), else the file
    const active = vscode.window.activeTextEditor?.document.uri.toString() === uri.toString();
    const interpreter = interpreterFor(uri);
    resolution = active
      ? resolveInputsFromActiveEditor(interpreter, cellsInterpreterFor)
      : await resolveInputsFromFile(uri, interpreter);
    if (resolution.kind === 'none') resolution = await resolveInputsFromFile(uri, interpreter);
  } else {
    resolution = resolveInputsFromActiveEditor(interpreterFor(initial), cellsInterpreterFor);
    if (resolution.kind === 'none') {
      const why = resolution.reason === NO_ACTIVE_EDITOR ? undefined : resolution.reason;
      resolution = await pickInputs(extensionUri, settingsFor(initial).profile, interpreterFor, why);
    }
  }
  if (!resolution) return undefined;
  if (resolution.kind !== 'inputs') {
    void vscode.window.showErrorMessage(
      resolution.kind === 'error' ? resolution.message : `DDPM: ${resolution.reason}`
    );
    return undefined;
  }
  const { inputs, origin } = resolution;
  // the settings of the folder the inputs came from (a file opened from the quick pick may be in another folder)
  const scope = resolution.source ? vscode.Uri.parse(resolution.source) : initial;
  const settings = settingsFor(scope);
  const profile = resolution.profile ?? settings.profile;
  const T = inputs.betas.length;
  const large = largeRun(inputs.n, inputs.d, T, settings);
  if (large && !(await confirmLargeRun(large))) return undefined;
  const inputsJson = inputsToMessage(inputs);
  const title = `DDPM: sampling N=${inputs.n} d=${inputs.d} T=${T}`;
  // the panel's page loads while the sampler runs
  const { runId, unprepare } = ResultsPanel.prepare(extensionUri, `${title}…`);
  try {
    const result = await runWithProgress(title, {
      op: 'sample',
      inputs: inputsJson,
      profile,
      matmul: resolution.matmul ?? settings.matmul,
      record: settings.record,
      deferTrajectory: true,
      inputWarnings: resolution.warnings
    });
    if (!result) {
      unprepare();
      return undefined;
    }
    const { writtenSchedule } = resolution;
    const shown = ResultsPanel.show(
      extensionUri,
      {
        run: result,
        inputs: inputsJson,
        profile,
        origin,
        ...(writtenSchedule ? { writtenSchedule } : {}),
        ...(scope ? { scope: scope.toString() } : {})
      },
      runId
    );
    // a run started after this one was shown first: this one is not put over it
    if (!shown)
      void vscode.window.showInformationMessage(
        `${title}: finished after a run started later; the results panel keeps the later run`
      );
    return result;
  } catch (e) {
    unprepare();
    void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
}

/** Compares the panel's run with pasted PyTorch output and shows the diff in the panel. */
export async function compareWithText(
  extensionUri: vscode.Uri,
  data: PanelRun,
  expectedText: string
): Promise<RunResult | undefined> {
  // the settings of the run's own folder (a multi-root workspace's folders may set ddpmLab.compare.* apart)
  const settings = settingsFor(scopeUri(data));
  const request: WorkerRequest = {
    op: 'compare',
    inputs: data.inputs,
    profile: data.profile,
    record: settings.record,
    run: encodeRunResult({ ...data.run, comparison: undefined }),
    expectedText,
    ...(settings.tolerances ?? {}),
    ...(data.writtenSchedule ? { writtenSchedule: data.writtenSchedule } : {})
  };
  try {
    const result = await runWithProgress('DDPM: comparing with the PyTorch output', request);
    if (!result) return undefined;
    ResultsPanel.show(extensionUri, { ...data, run: result });
    const c = result.comparison;
    if (c) {
      const where =
        c.steps && c.firstDivergence
          ? `, first at ${c.firstDivergence.step === null ? 'x_T' : `step ${c.firstDivergence.step}`}`
          : '';
      const why =
        c.diagnosis && c.diagnosis.length > 0 ? `; diagnosis: ${c.diagnosis.map((d) => d.id).join(', ')}` : '';
      const verdict = c.matches
        ? `matches (${c.rule} rule)`
        : `${c.mismatched} of ${c.compared} elements differ (${c.rule} rule${where})${why}`;
      vscode.window.setStatusBarMessage(`DDPM Lab: the PyTorch output ${verdict}`, 6000);
    }
    return result;
  } catch (e) {
    void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
}

/** The last sample() of the active DDPM notebook (src/extension/kernel.ts, DdpmKernel.lastRun). */
export interface NotebookRun {
  run: RunResult;
  inputs: SamplerInputs;
  notebookName: string;
  /** the notebook's URI: its folder's settings are the run's */
  notebookUri: string;
  /** the schedule as the notebook's cells wrote it (the float64-schedule retry of a comparison's diagnosis) */
  writtenSchedule?: WrittenSchedule;
}

/** A notebook's run as the results panel holds it (the comparison itself is recomputed). */
export function panelRunOfNotebook(nb: NotebookRun): PanelRun {
  return {
    run: nb.run,
    inputs: inputsToMessage(nb.inputs),
    profile: nb.run.inputs.profile,
    origin: `the last sample() of ${nb.notebookName}`,
    ...(nb.writtenSchedule ? { writtenSchedule: nb.writtenSchedule } : {}),
    scope: nb.notebookUri
  };
}

/** The file or notebook whose settings a shown run read, if known. */
function scopeUri(data: PanelRun): vscode.Uri | undefined {
  return data.scope ? vscode.Uri.parse(data.scope) : undefined;
}

const NO_RUN =
  'DDPM: no run to compare with yet: run "DDPM: Run Sampler" first (in a notebook, use compare(...) in a cell)';

/** "DDPM: Compare Clipboard with Last Run": the active DDPM notebook's last sample(), else the results panel's last run. */
export async function compareClipboardCommand(
  extensionUri: vscode.Uri,
  notebookRun?: NotebookRun
): Promise<RunResult | undefined> {
  const data = notebookRun ? panelRunOfNotebook(notebookRun) : await ResultsPanel.lastRun();
  if (!data) {
    void vscode.window.showErrorMessage(NO_RUN);
    return undefined;
  }
  const text = await vscode.env.clipboard.readText();
  if (!text.trim()) {
    void vscode.window.showErrorMessage('clipboard: empty; copy what PyTorch printed for x_0 first');
    return undefined;
  }
  return compareWithText(extensionUri, data, text);
}

/** The panel's "Compare with PyTorch output…": an input box for the pasted text (the clipboard prefilled when it looks like a tensor). */
export async function compareRequestFromPanel(extensionUri: vscode.Uri, panel: ResultsPanel): Promise<void> {
  const data = panel.run;
  if (!data) {
    void vscode.window.showErrorMessage(NO_RUN);
    return;
  }
  const clip = (await vscode.env.clipboard.readText()).trim();
  const looksLikeTensor = /^(tensor|array)\s*\(|^\[/.test(clip);
  const text = await vscode.window.showInputBox({
    title: 'DDPM: Compare with PyTorch output',
    prompt: `Paste what PyTorch printed for x_0 (print(x0), or print(x0.tolist()) for a bit-for-bit check), shape (${data.run.inputs.n}, ${data.run.inputs.d})`,
    placeHolder: 'tensor([[ 0.4467,  0.1984], ...])',
    value: looksLikeTensor ? clip.replace(/\s*\n\s*/g, ' ') : '',
    ignoreFocusOut: true,
    validateInput: (t) => (t.trim() ? undefined : 'expected: the pasted PyTorch output')
  });
  if (text === undefined) return;
  await compareWithText(extensionUri, data, text);
}

/**
 * "DDPM: Copy Equivalent PyTorch Script": for the active DDPM notebook's last sample(), else the run in the results
 * panel, else the inputs in the active editor, else the last run the panel showed (closed since).
 */
export async function copyPytorchScriptCommand(notebookRun?: NotebookRun): Promise<string | undefined> {
  let source: { resolution: Resolution; profile: RngProfile } | undefined;
  const fromRun = (data: PanelRun): { resolution: Resolution; profile: RngProfile } => ({
    resolution: { kind: 'inputs', ...readInputs(data.inputs), origin: data.origin },
    profile: data.profile
  });
  try {
    const shown = notebookRun ? panelRunOfNotebook(notebookRun) : ResultsPanel.current?.run;
    if (shown) source = fromRun(shown);
    else {
      const settings = settingsFor(vscode.window.activeTextEditor?.document.uri);
      const r = resolveInputsFromActiveEditor(cellInterpreter(settings), cellsInterpreterFor);
      source = { resolution: r, profile: (r.kind === 'inputs' && r.profile) || settings.profile };
      const last = r.kind === 'none' ? await ResultsPanel.lastRun() : undefined;
      if (last) source = fromRun(last);
    }
  } catch (e) {
    void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
  const r = source.resolution;
  if (r.kind !== 'inputs') {
    void vscode.window.showErrorMessage(
      r.kind === 'error'
        ? r.message
        : 'DDPM: no run yet and no inputs in the active editor: run "DDPM: Run Sampler" first'
    );
    return undefined;
  }
  const script = buildPytorchScript(r.inputs, { profile: source.profile, origin: r.origin });
  await vscode.env.clipboard.writeText(script);
  const open = 'Open in Editor';
  void vscode.window
    .showInformationMessage(
      'DDPM: copied a PyTorch script that reproduces the run; its output can be pasted back with "DDPM: Compare Clipboard with Last Run".',
      open
    )
    .then(async (choice) => {
      if (choice === open)
        await vscode.window.showTextDocument(
          await vscode.workspace.openTextDocument({ language: 'python', content: script })
        );
    });
  return script;
}

/**
 * "DDPM: Compare with Local PyTorch" (and the results panel's button): the active DDPM notebook's last sample(), else
 * the run in the results panel, else the inputs in the active editor, else the last run the panel showed; the check
 * then opens in the results panel, both runs side by side.
 */
export async function compareLocalPytorchCommand(
  extensionUri: vscode.Uri,
  notebookRun?: NotebookRun
): Promise<RunResult | undefined> {
  let data: PanelRun | undefined;
  let source: CheckSource | undefined;
  try {
    data = notebookRun ? panelRunOfNotebook(notebookRun) : ResultsPanel.current?.run;
    if (!data) {
      const settings = settingsFor(vscode.window.activeTextEditor?.document.uri);
      const r = resolveInputsFromActiveEditor(cellInterpreter(settings), cellsInterpreterFor);
      if (r.kind === 'inputs') {
        const inputs = inputsToMessage(r.inputs);
        source = { inputs: r.inputs, origin: r.origin };
        data = {
          run: undefined as unknown as RunResult,
          inputs,
          profile: r.profile ?? settings.profile,
          origin: r.origin,
          ...(r.source ? { scope: r.source } : {})
        };
      } else if (r.kind === 'error') throw new Error(r.message);
      else data = await ResultsPanel.lastRun();
    }
    if (data && !source) source = { inputs: readInputs(data.inputs).inputs, origin: data.origin ?? 'the last run' };
  } catch (e) {
    void vscode.window.showErrorMessage(errorFirstLine(e));
    return undefined;
  }
  const result = await compareWithLocalPytorch(
    source,
    (data && scopeUri(data)) ?? vscode.window.activeTextEditor?.document.uri
  );
  if (!result || !data) return undefined;
  ResultsPanel.show(extensionUri, { ...data, run: result, profile: result.inputs.profile });
  const c = result.torchCheck;
  if (c)
    vscode.window.setStatusBarMessage(
      `DDPM Lab: your PyTorch ${c.torch.version}: ${c.bitwiseEqual ? 'bitwise equal' : 'differs'}`,
      6000
    );
  return result;
}
