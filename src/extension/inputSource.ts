// Where "DDPM: Run Sampler" takes its inputs from (README "Using the extension"), the VS Code side: the active editor's
// selection or whole text when it holds inputs; otherwise a quick pick: open an inputs file, the
// bundled example, or N, d, T, seed typed in. The decisions themselves are in resolveInputs.ts.
import * as vscode from 'vscode';
import type { RngProfile } from '../core/types';
import {
  countProblem,
  describeGenerated,
  generateInputs,
  intendedLanguage,
  resolveInputsFromCells,
  resolveInputsFromText,
  seedProblem,
  type CellInputsInterpreter,
  type NotebookCellsInterpreter,
  type GeneratedSpec,
  type Resolution
} from './resolveInputs';
import { parseSeed } from '../core/rng/seed';
import { errorFirstLine } from '../core/errors';
import { decodeText } from '../core/textBytes';
import { NOTEBOOK_TYPE } from './serializer';
import { SUPPORTED_LANGUAGES } from './kernel';
import type { NotebookCellText } from '../core/notebook/cellLanguage/interpreter';

export const EXAMPLE_INPUTS = ['media', 'examples', 'seed.inputs.json'] as const;

/** resolveInputsFromActiveEditor's reason when there is no editor (the quick pick then says nothing of why). */
export const NO_ACTIVE_EDITOR = 'no active editor';

function displayName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

/**
 * Reads a file the user chose and resolves it; a file that is not inputs is an error, not a fallback. A file open in
 * an editor is read as the editor holds it (unsaved edits included), as the active editor is.
 */
export async function resolveInputsFromFile(uri: vscode.Uri, interpret?: CellInputsInterpreter): Promise<Resolution> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let text: string;
  try {
    text = open ? open.getText() : decodeText(await vscode.workspace.fs.readFile(uri), { fatal: true });
  } catch (e) {
    return { kind: 'error', message: `${displayName(uri)}: cannot read the file (${errorFirstLine(e)})` };
  }
  const r = resolveInputsFromText(text, displayName(uri), interpret);
  if (r.kind === 'none')
    return {
      kind: 'error',
      message: `${displayName(uri)}: holds no DDPM inputs (a JSON object with w_model, shape, betas, alpha_bar and seed)`
    };
  return r.kind === 'inputs' ? { ...r, source: uri.toString() } : r;
}

/**
 * The active editor's selection (when not empty) or whole text, if it holds inputs; in a DDPM notebook's cell, the
 * notebook's code cells up to that one (the selection in place of that cell's text), read together with the
 * settings of the notebook's folder (`interpretCellsFor(notebook)`, resolveInputsFromCells).
 */
export function resolveInputsFromActiveEditor(
  interpret?: CellInputsInterpreter,
  interpretCellsFor?: (notebook: vscode.Uri) => NotebookCellsInterpreter
): Resolution {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return { kind: 'none', reason: NO_ACTIVE_EDITOR };
  const selection = editor.selection;
  const name = displayName(editor.document.uri);
  const source = (r: Resolution, uri = editor.document.uri): Resolution =>
    r.kind === 'inputs' ? { ...r, source: uri.toString() } : r;
  const inNotebook = interpretCellsFor && ddpmCellOf(editor.document);
  if (inNotebook) {
    const { notebook } = inNotebook;
    const selected = selection.isEmpty ? undefined : editor.document.getText(selection);
    const cells = cellsUpTo(notebook, inNotebook.cell, selected);
    const r = resolveInputsFromCells(cells, displayName(notebook.uri), interpretCellsFor(notebook.uri), {
      selection: selected !== undefined
    });
    return source(r, notebook.uri);
  }
  if (!selection.isEmpty) {
    const r = resolveInputsFromText(editor.document.getText(selection), `${name} (selection)`, interpret);
    if (r.kind !== 'none') return source(r);
  }
  // a Python script that assigns `betas = ...` in its own way, notes, a config file: not an error, the quick pick
  const intended = intendedLanguage(editor.document.languageId);
  return source(resolveInputsFromText(editor.document.getText(), name, interpret, { intended }));
}

/** Whether a notebook cell is one the DDPM kernel runs: code in one of its languages (ddpm, json). */
function kernelCell(c: vscode.NotebookCell): boolean {
  return c.kind === vscode.NotebookCellKind.Code && SUPPORTED_LANGUAGES.includes(c.document.languageId);
}

/**
 * The open DDPM notebook `document` is a cell of, and that cell, if any; not for a code cell the kernel does not run
 * (another language: its text is read as the editor's, by its language).
 */
function ddpmCellOf(
  document: vscode.TextDocument
): { notebook: vscode.NotebookDocument; cell: vscode.NotebookCell } | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') return undefined;
  const uri = document.uri.toString();
  for (const notebook of vscode.workspace.notebookDocuments) {
    if (notebook.notebookType !== NOTEBOOK_TYPE) continue;
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === uri);
    if (cell) return cell.kind === vscode.NotebookCellKind.Code && !kernelCell(cell) ? undefined : { notebook, cell };
  }
  return undefined;
}

/**
 * The notebook's cells the kernel runs, from the first to `cell` (a markdown cell: those above it), `selected` in
 * place of `cell`'s own text when given.
 */
function cellsUpTo(
  notebook: vscode.NotebookDocument,
  cell: vscode.NotebookCell,
  selected?: string
): NotebookCellText[] {
  const text = (c: vscode.NotebookCell) => (c === cell && selected !== undefined ? selected : c.document.getText());
  return notebook
    .getCells()
    .slice(0, cell.index + 1)
    .filter(kernelCell)
    .map((c) => ({ source: text(c), language: c.document.languageId, index: c.index }));
}

type PickId = 'file' | 'example' | 'enter';

/**
 * The quick pick offered when the editor holds no inputs (`why` says why, in its placeholder); undefined when the user
 * cancels. `interpretFor` gives the cell-language reader for a file the user opens (with the defaults of that file's
 * folder).
 */
export async function pickInputs(
  extensionUri: vscode.Uri,
  profile: RngProfile,
  interpretFor?: (scope: vscode.Uri) => CellInputsInterpreter,
  why = 'No inputs in the active editor'
): Promise<Resolution | undefined> {
  const items: (vscode.QuickPickItem & { id: PickId })[] = [
    {
      id: 'file',
      label: '$(folder-opened) Open an inputs file…',
      detail:
        'A JSON object with w_model, shape, betas, alpha_bar and seed (arrays as lists or as printed PyTorch/NumPy text)'
    },
    {
      id: 'example',
      label: '$(beaker) Use the bundled example',
      detail: 'N = 4, d = 2, T = 4, seed 42, betas = torch.linspace(1e-4, 0.02, 4)'
    },
    {
      id: 'enter',
      label: '$(edit) Enter N, d, T and seed…',
      detail: 'Linear or cosine schedule; w_model = 0.1 * torch.randn(d + 1, d) from seed + 1'
    }
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'DDPM: Run Sampler',
    // why the active editor's text was not taken (`ddpm.py holds no DDPM inputs the cell language reads`)
    placeHolder: `${why}: where should the inputs come from?`
  });
  if (!picked) return undefined;
  if (picked.id === 'file') {
    const uris = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Run Sampler',
      title: 'DDPM: open an inputs file',
      filters: { 'DDPM inputs': ['json'], 'All files': ['*'] }
    });
    if (!uris?.length) return undefined;
    return resolveInputsFromFile(uris[0], interpretFor?.(uris[0]));
  }
  if (picked.id === 'example') {
    const r = await resolveInputsFromFile(vscode.Uri.joinPath(extensionUri, ...EXAMPLE_INPUTS));
    // the extension's own file: no folder of the workspace (the run reads the settings of where the user is)
    return r.kind === 'inputs' ? { ...r, origin: 'the bundled example (seed.inputs.json)', source: undefined } : r;
  }
  const spec = await enterSpec();
  if (!spec) return undefined;
  try {
    const { inputs, warnings } = generateInputs(spec, profile);
    return { kind: 'inputs', inputs, warnings, origin: describeGenerated(spec) };
  } catch (e) {
    return { kind: 'error', message: errorFirstLine(e) };
  }
}

async function askCount(field: string, prompt: string, value: string, step: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: `DDPM: Run Sampler (${step}/5)`,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (t) => countProblem(field, t)
  });
  return text === undefined ? undefined : Number(text.trim());
}

async function enterSpec(): Promise<GeneratedSpec | undefined> {
  const n = await askCount('N', 'N: how many samples', '16', 1);
  if (n === undefined) return undefined;
  const d = await askCount('d', 'd: dimension of each sample', '2', 2);
  if (d === undefined) return undefined;
  const T = await askCount('T', 'T: number of diffusion steps', '100', 3);
  if (T === undefined) return undefined;
  const seedText = await vscode.window.showInputBox({
    title: 'DDPM: Run Sampler (4/5)',
    prompt: 'seed: torch.Generator().manual_seed(seed); any integer in [-2^63, 2^64 - 1)',
    value: '42',
    ignoreFocusOut: true,
    validateInput: seedProblem
  });
  if (seedText === undefined) return undefined;
  const schedule = await vscode.window.showQuickPick(
    [
      { label: 'linear', detail: 'betas = torch.linspace(1e-4, 0.02, T) (Ho et al. 2020)' },
      { label: 'cosine', detail: 'cosine_schedule(T, s=0.008) (Nichol & Dhariwal 2021)' }
    ],
    { title: 'DDPM: Run Sampler (5/5)', placeHolder: 'Noise schedule' }
  );
  if (!schedule) return undefined;
  return { n, d, T, seed: parseSeed(seedText.trim(), 'seed'), schedule: schedule.label as 'linear' | 'cosine' };
}
