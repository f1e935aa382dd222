// What the diff view shows, computed without the DOM or plotly: ours, PyTorch's and |difference| side
// by side and the |diff| heatmap. Every verdict and diff number comes from src/core (Comparison).
import type { Comparison, RunResult } from '../../../src/core/types';
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { exactLike } from '../../../src/core/compare/literalStyle';
import { parseCssColor } from '../trajectories/pathRaster';
import { TABLE_MAX_CELLS, torchDefaultPrintedElements, torchPrintedElements } from '../table/tableModel';

/** The verdict line's words after its mark: the rule, and bitwise equality (of the values shown, for a summarised paste). */
export function verdictRuleText(c: Comparison): string {
  const bitwise = c.bitwiseEqual ? (c.known ? ', bitwise equal for the values shown' : ', bitwise equal') : '';
  return ` (rule: ${c.rule}${bitwise})`;
}

/** The diff side by side: ours, PyTorch's (pasted) and |difference| per element, with the core's mismatch mask. */
export interface DiffTableModel {
  rows: number;
  cols: number;
  shownRows: number[];
  /** per shown cell, row-major */
  ours: string[];
  oursExact: string[];
  /** the pasted text of each cell, as written */
  expected: string[];
  /** the pasted value as float32 (shortest decimal) */
  expectedValue: string[];
  absDiff: string[];
  mismatch: boolean[];
  /** whether the paste gave a value for the cell */
  known: boolean[];
  note?: string;
}

/**
 * Rows shown: those the paste gave values for (all, unless it was summarised); when they do not all
 * fit, the rows holding mismatches first, then the rest, up to maxCells cells. Our values read as
 * PyTorch prints the tensor the way the paste was printed: in full when the paste gave every value,
 * else by the default (summarised) print.
 */
export function diffTableModel(run: RunResult, maxCells = TABLE_MAX_CELLS): DiffTableModel | null {
  const c = run.comparison;
  if (!c) return null;
  const m = run.sample;
  const known = c.known;
  const candidates: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    let any = !known;
    for (let j = 0; known && j < m.cols; j++) if (known[i * m.cols + j]) any = true;
    if (any) candidates.push(i);
  }
  const maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, m.cols)));
  let shownRows: number[];
  const notes: string[] = [];
  if (known && candidates.length < m.rows)
    notes.push(`Showing the ${candidates.length} of ${m.rows} rows the paste gave values for.`);
  if (candidates.length <= maxRows) {
    shownRows = candidates;
  } else {
    const bad: number[] = [];
    const good: number[] = [];
    for (const i of candidates) {
      let hit = false;
      for (let j = 0; j < m.cols; j++) if (c.mismatchMask[i * m.cols + j]) hit = true;
      (hit ? bad : good).push(i);
    }
    shownRows = [...bad, ...good].slice(0, maxRows).sort((a, b) => a - b);
    notes.push(
      `Showing ${shownRows.length} of ${candidates.length} rows (${Math.min(bad.length, maxRows)} with mismatches).`
    );
  }
  const note = notes.length ? notes.join(' ') : undefined;
  const full = torchPrintedElements(m);
  const summarised = known ? torchDefaultPrintedElements(m) : null;
  const printed = summarised ? full.map((t, k) => summarised.get(k) ?? t) : full;
  const exact = c.rule === 'bitwise';
  // |diff| as PyTorch prints the tensor (ours - expected).abs() (cells not compared count as 0, which torch's formatter ignores)
  const diffPrinted = torchPrintedElements({
    rows: m.rows,
    cols: m.cols,
    data: c.absDiff.map((v) => (Number.isNaN(v) ? 0 : v))
  });
  const out: DiffTableModel = {
    rows: m.rows,
    cols: m.cols,
    shownRows,
    ours: [],
    oursExact: [],
    expected: [],
    expectedValue: [],
    absDiff: [],
    mismatch: [],
    known: [],
    note
  };
  for (const i of shownRows) {
    for (let j = 0; j < m.cols; j++) {
      const k = i * m.cols + j;
      const given = known ? known[k] === 1 : true;
      // a paste that identifies every value (the bitwise rule: x.tolist(), a recording, 9 or more digits) beside ours
      // in as many digits, not PyTorch's 4 decimals, which would not tell an ulp apart
      out.ours.push(exact ? exactLike(m.data[k], c.expectedLiterals?.[k]) : printed[k]);
      out.oursExact.push(formatFloat32Shortest(m.data[k]));
      // the number as it was pasted (`8689.1201`), not our re-print of its float32 value (older comparisons: that)
      out.expected.push(given ? (c.expectedLiterals?.[k] ?? formatFloat32Shortest(c.expected.data[k])) : '');
      out.expectedValue.push(given ? formatFloat32Shortest(c.expected.data[k]) : '');
      out.absDiff.push(Number.isNaN(c.absDiff[k]) ? '' : diffPrinted[k]);
      out.mismatch.push(c.mismatchMask[k] === 1);
      out.known.push(given);
    }
  }
  return out;
}

/**
 * |diff| as heatmap rows for the given rows of the sample (default all), scaled by the comparison's rule: a
 * mismatched cell holds its |diff|, a cell the rule accepts (a difference below the printed precision or the
 * tolerance reads as agreement) and a cell not compared hold null (gaps: the background shows, so the colours span
 * the mismatches alone); plus the top of the colour range, which cells were compared, the mismatched cells and each
 * cell's real |diff|.
 */
export function absDiffHeatmap(
  run: RunResult,
  rows?: number[]
): {
  rows: number[];
  z: (number | null)[][];
  /** the top of the colour range (the largest mismatch's |diff|, else 1); its bottom is 0 */
  zmax: number;
  compared: boolean[][];
  raw: (number | null)[][];
  mismatches: [number, number][];
} | null {
  const c = run.comparison;
  if (!c) return null;
  const cols = run.sample.cols;
  const shown = rows ?? Array.from({ length: run.sample.rows }, (_, i) => i);
  const z: (number | null)[][] = [];
  const compared: boolean[][] = [];
  const raw: (number | null)[][] = [];
  const mismatches: [number, number][] = [];
  for (const i of shown) {
    const row: (number | null)[] = [];
    const comparedRow: boolean[] = [];
    const rawRow: (number | null)[] = [];
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const v = c.absDiff[k];
      const bad = c.mismatchMask[k] === 1;
      comparedRow.push(!c.known || c.known[k] === 1);
      rawRow.push(Number.isNaN(v) ? null : v);
      // a mismatch with nan on a side has no |diff|: it still counts as the largest
      row.push(bad ? (Number.isNaN(v) ? Infinity : v) : null);
      if (bad) mismatches.push([i, j]);
    }
    z.push(row);
    compared.push(comparedRow);
    raw.push(rawRow);
  }
  // plotly cannot colour Infinity: the largest finite mismatch (or 1) stands in
  const zmax = heatTop(z);
  for (const row of z)
    row.forEach((v, j) => {
      if (v === Infinity) row[j] = zmax;
    });
  return { rows: shown, z, zmax, compared, raw, mismatches };
}

/** The top of the heatmap's colour range: the largest finite |diff| of a mismatch, or 1 when none is above 0. */
function heatTop(z: (number | null)[][]): number {
  let top = 0;
  for (const row of z) for (const v of row) if (v !== null && Number.isFinite(v) && v > top) top = v;
  return top > 0 ? top : 1;
}

/** How much of the error colour a mismatch's cell takes over the background at |diff| 0 (the largest takes all). */
export const HEAT_FLOOR = 0.4;

/**
 * The heatmap's colour scale, from |diff| 0 to the largest mismatch's: the error colour laid over the background at
 * HEAT_FLOOR, then in full, so that every mismatched cell, the smallest too, stands out from the background (the
 * cells the rule accepts); the error colour throughout when a colour cannot be read.
 */
export function heatColorscale(theme: { background: string; error: string }): [number, string][] {
  const bg = parseCssColor(theme.background);
  const err = parseCssColor(theme.error);
  if (!bg || !err)
    return [
      [0, theme.error],
      [1, theme.error]
    ];
  const floor = bg.map((b, k) => Math.round(b + (err[k] - b) * HEAT_FLOOR));
  return [
    [0, `rgb(${floor.join(', ')})`],
    [1, theme.error]
  ];
}
