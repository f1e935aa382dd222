// The NotebookSerializer for 'ddpm-notebook' (*.ddpmnb): VS Code's NotebookData <-> the plain structures of
// src/core/notebook/notebookFile.ts. A damaged file makes deserializeNotebook throw (as VS Code's own ipynb
// serializer does): VS Code then shows the one-line message instead of opening the notebook, so nothing
// is ever saved over the file. We never return an empty notebook for a file that has content.
import type * as vscode from 'vscode';
import { errorFirstLine } from '../core/errors';
import { parseNotebook, serializeNotebook, type CellData, type NotebookFileData } from '../core/notebook/notebookFile';

export const NOTEBOOK_TYPE = 'ddpm-notebook';

/** The few VS Code classes the serializer builds (the real `vscode` module, or a test's fake). */
export type SerializerApi = Pick<
  typeof vscode,
  'NotebookData' | 'NotebookCellData' | 'NotebookCellOutput' | 'NotebookCellOutputItem' | 'NotebookCellKind'
>;

/** NotebookFileData (plain) -> vscode.NotebookData. */
export function toNotebookData(api: SerializerApi, file: NotebookFileData): vscode.NotebookData {
  const cells = file.cells.map((c) => {
    const kind = c.kind === 'markdown' ? api.NotebookCellKind.Markup : api.NotebookCellKind.Code;
    const cell = new api.NotebookCellData(kind, c.source, c.language);
    if (c.metadata) cell.metadata = c.metadata;
    if (c.outputs) {
      cell.outputs = c.outputs.map(
        (o) =>
          new api.NotebookCellOutput(
            o.items.map((i) => new api.NotebookCellOutputItem(i.data, i.mime)),
            o.metadata
          )
      );
    }
    if (c.execution) {
      const e = c.execution;
      cell.executionSummary = {
        executionOrder: e.order,
        success: e.success,
        timing: e.start !== undefined && e.end !== undefined ? { startTime: e.start, endTime: e.end } : undefined
      };
    }
    return cell;
  });
  const data = new api.NotebookData(cells);
  if (file.metadata) data.metadata = file.metadata;
  return data;
}

/** vscode.NotebookData -> NotebookFileData (plain). */
export function fromNotebookData(api: SerializerApi, data: vscode.NotebookData): NotebookFileData {
  const cells = data.cells.map((c): CellData => {
    const cell: CellData = {
      kind: c.kind === api.NotebookCellKind.Markup ? 'markdown' : 'code',
      language: c.languageId,
      source: c.value
    };
    if (c.metadata && Object.keys(c.metadata).length) cell.metadata = { ...c.metadata };
    if (c.kind !== api.NotebookCellKind.Markup) {
      cell.outputs = (c.outputs ?? []).map((o) => {
        const out: NonNullable<CellData['outputs']>[number] = {
          items: o.items.map((i) => ({ mime: i.mime, data: i.data }))
        };
        if (o.metadata && Object.keys(o.metadata).length) out.metadata = { ...o.metadata };
        return out;
      });
    }
    const s = c.executionSummary;
    if (s) {
      const execution: NonNullable<CellData['execution']> = {};
      if (s.executionOrder !== undefined) execution.order = s.executionOrder;
      if (s.success !== undefined) execution.success = s.success;
      if (s.timing) {
        execution.start = s.timing.startTime;
        execution.end = s.timing.endTime;
      }
      if (Object.keys(execution).length) cell.execution = execution;
    }
    return cell;
  });
  const file: NotebookFileData = { cells };
  if (data.metadata && Object.keys(data.metadata).length) file.metadata = { ...data.metadata };
  return file;
}

export class DdpmNotebookSerializer implements vscode.NotebookSerializer {
  /**
   * @param onError shows the message: VS Code itself only says "The editor could not be opened due to an
   *   unexpected error" (checked in VS Code 1.100), so notebook.ts shows ours in a notification.
   */
  constructor(
    private readonly api: SerializerApi,
    private readonly onError?: (message: string) => void
  ) {}

  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    try {
      return toNotebookData(this.api, parseNotebook(content, 'file'));
    } catch (e) {
      const message = `Cannot open this DDPM notebook (${errorFirstLine(e)}); the file was left untouched.`;
      this.onError?.(message);
      throw new Error(message);
    }
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(this.api, data)));
  }
}
