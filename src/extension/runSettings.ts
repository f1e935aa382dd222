// The ddpmLab.* settings as a run reads them from the workspace configuration, and the question asked before a
// run larger than ddpmLab.maxElementsWithoutAsking: one of each for the palette commands (commands.ts) and the
// notebook kernel (notebook.ts, kernel.ts). The reading itself is settings.ts, which has no `vscode` import.
import * as vscode from 'vscode';
import {
  configurationSource,
  largeRunQuestion,
  notebookTrajectoryBytes,
  readSettings,
  settingProblems,
  SETTINGS_SECTION,
  type DdpmSettings,
  type LargeRun
} from './settings';

/** The settings problems already shown this session (each once: settings are read for every run). */
const shownProblems = new Set<string>();

/**
 * The settings for a resource (a file, a notebook) or, without one, the workspace's. A setting given a value it does
 * not take is said once a session, with a button to open it (settingProblems).
 */
export function settingsFor(scope?: vscode.Uri): DdpmSettings {
  const source = configurationSource(vscode.workspace.getConfiguration(SETTINGS_SECTION, scope));
  for (const problem of settingProblems(source)) {
    if (shownProblems.has(problem)) continue;
    shownProblems.add(problem);
    const key = problem.slice(0, problem.indexOf(':'));
    void vscode.window.showWarningMessage(problem, 'Open Settings').then((answer) => {
      if (answer) void vscode.commands.executeCommand('workbench.action.openSettings', key);
    });
  }
  return { ...readSettings(source), notebookTrajectoryBytes: notebookTrajectoryBytes(source) };
}

/** Asks, in a modal dialog, whether to start a large run; true = run it. */
export async function confirmLargeRun(run: LargeRun): Promise<boolean> {
  const answer = 'Run';
  return (await vscode.window.showWarningMessage(largeRunQuestion(run), { modal: true }, answer)) === answer;
}
