// What the table view shows, computed without the DOM: each element as PyTorch prints the tensor
// (in full, or by its default summarised print) and the exact float32 for hover and copy.
import type { MatrixF32 } from '../../../src/core/types';
import { formatFloat32Shortest, formatTensorF32 } from '../../../src/core/tensors/printTensor';
import { at } from '../commonModel';

/** Cells a table shows at most; beyond that, whole rows are left out and the model says so. */
export const TABLE_MAX_CELLS = 20_000;

/** The numbers of a formatTensorF32 repr, in order, as printed. */
function printedNumbers(repr: string): string[] {
  return repr.slice('tensor('.length).match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)/g) ?? [];
}

/**
 * Each element of an (rows, cols) float32 matrix as PyTorch prints the whole tensor (common format:
 * fixed decimals or scientific for all), taken from formatTensorF32's unsummarised repr.
 */
export function torchPrintedElements(m: MatrixF32): string[] {
  const tokens = printedNumbers(
    formatTensorF32(m.data, [m.rows, m.cols], {
      threshold: Number.POSITIVE_INFINITY,
      linewidth: Number.POSITIVE_INFINITY
    })
  );
  if (tokens.length !== m.data.length) {
    throw new Error(`table: expected ${m.data.length} printed elements, found ${tokens.length}`);
  }
  return tokens;
}

/** torch's default print options (torch/_tensor_str.py PRINT_OPTS): summarise above 1000 elements, keep 3 at each end. */
const TORCH_DEFAULT_THRESHOLD = 1000;
const TORCH_DEFAULT_EDGEITEMS = 3;

/** Indices kept along one dimension by a summarised print: all, or the first and last edgeitems. */
function keptAlong(size: number, summarize: boolean): number[] {
  if (summarize && size > 2 * TORCH_DEFAULT_EDGEITEMS) {
    return [
      ...Array.from({ length: TORCH_DEFAULT_EDGEITEMS }, (_, i) => i),
      ...Array.from({ length: TORCH_DEFAULT_EDGEITEMS }, (_, i) => size - TORCH_DEFAULT_EDGEITEMS + i)
    ];
  }
  return Array.from({ length: size }, (_, i) => i);
}

/**
 * The elements PyTorch's default print (repr(x), summarised above 1000 elements) shows, by row-major
 * index, as it shows them. Its format comes from the shown elements only, so it can differ from the
 * unsummarised print's.
 */
export function torchDefaultPrintedElements(m: MatrixF32): Map<number, string> {
  const tokens = printedNumbers(formatTensorF32(m.data, [m.rows, m.cols]));
  const summarize = m.data.length > TORCH_DEFAULT_THRESHOLD;
  const rows = keptAlong(m.rows, summarize);
  const cols = keptAlong(m.cols, summarize);
  if (tokens.length !== rows.length * cols.length) {
    throw new Error(`table: expected ${rows.length * cols.length} printed elements, found ${tokens.length}`);
  }
  const out = new Map<number, string>();
  let k = 0;
  for (const i of rows) for (const j of cols) out.set(i * m.cols + j, tokens[k++]);
  return out;
}

export interface TableModel {
  rows: number;
  cols: number;
  /** row indices shown, ascending */
  shownRows: number[];
  /** per shown cell (shownRows x cols, row-major): the value as PyTorch prints the tensor */
  printed: string[];
  /** per shown cell: the shortest decimal that reads back as the float32 (hover and copy) */
  exact: string[];
  note?: string;
}

export function tableModel(m: MatrixF32, maxCells = TABLE_MAX_CELLS): TableModel {
  const maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, m.cols)));
  const shownRows = Array.from({ length: Math.min(m.rows, maxRows) }, (_, i) => i);
  const all = torchPrintedElements(m);
  const printed: string[] = [];
  const exact: string[] = [];
  for (const i of shownRows) {
    for (let j = 0; j < m.cols; j++) {
      printed.push(all[i * m.cols + j]);
      exact.push(formatFloat32Shortest(at(m, i, j)));
    }
  }
  const note =
    shownRows.length < m.rows
      ? `Showing the first ${shownRows.length} of ${m.rows} rows; copy the sample for all of them.`
      : undefined;
  return { rows: m.rows, cols: m.cols, shownRows, printed, exact, note };
}

/**
 * Which print the table shows and which the copy gives, in one sentence for the view. The table prints every
 * element in the format PyTorch picks for the whole tensor (torch.set_printoptions(threshold=inf)); "Copy as
 * PyTorch text" and a notebook's text output give PyTorch's default print (repr(x)), which summarises above 1000
 * elements and picks its format from the elements it shows, so the same value can read differently (2.4004e+05
 * against 240040.7812). When that happens for this sample, the sentence shows the first such element both ways.
 */
export function printFormatNote(m: MatrixF32): string {
  const base =
    'Cells read as PyTorch prints the whole tensor (every element, one format for all: torch.set_printoptions(threshold=float("inf"))); ' +
    '"Copy as PyTorch text" and the notebook\'s text output give PyTorch\'s default print(x), summarised above 1000 elements';
  const full = torchPrintedElements(m);
  for (const [k, text] of torchDefaultPrintedElements(m)) {
    if (full[k] !== text) {
      const i = Math.floor(k / m.cols);
      const j = k % m.cols;
      return `${base}, whose format differs here: x_0[${i}, ${j}] reads ${full[k]} in the table and ${text} in the default print.`;
    }
  }
  return `${base}; for this sample both use the same format.`;
}
