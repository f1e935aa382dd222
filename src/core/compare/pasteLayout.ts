// Reading the pasted text (a PyTorch or NumPy print, a list, or our CLI's JSON) and laying its numbers, as
// written, over our (rows, cols) sample: which pasted literal stands for each element, and what a shape
// mismatch or a summarised ("...") print leaves to compare.
import {
  MAX_DEPTH,
  parseTensorText,
  tokenValue,
  type ParsedTensor,
  type SummaryDim,
  type TensorSummary
} from '../tensors/parseTensor';
import { formatFixedF64, pythonTuple } from '../tensors/printTensor';
import { errorFirstLine } from '../errors';
import { isObject } from '../describe';
import { lineColumnAt, scanJson } from '../tensors/jsonText';
import { formatNumberLiteral } from './literalStyle';

/**
 * Reads the pasted text: a printed tensor or list (parseTensorText), or the JSON our CLI writes. Throws an Error
 * with one line naming `field` when it cannot be read.
 */
export function parsePaste(expectedText: string, field: string): ParsedTensor {
  const trimmed = expectedText.trim();
  if (trimmed.startsWith('{')) {
    // the JSON that `ddpm-lab sample --json` / `randn --json` prints: {"sample": [[...]]} or {"values": [...]}
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch (e) {
      const scan = scanJson(trimmed);
      if (scan.errorAt === null) throw new Error(`${field}: not valid JSON (${errorFirstLine(e)})`);
      const at = expectedText.indexOf(trimmed) + scan.errorAt; // positions in the text as given
      const { line, column } = lineColumnAt(expectedText, at);
      throw new Error(`${field}: not valid JSON: line ${line}, column ${column}: ${scan.reason}`);
    }
    const arr = isObject(obj) ? (obj.sample ?? obj.values) : undefined;
    if (!Array.isArray(arr)) {
      if (isObject(obj) && 'w_model' in obj && 'betas' in obj)
        throw new Error(`${field}: holds sampler inputs (w_model, betas, ...), not PyTorch's output`);
      throw new Error(`${field}: a JSON object must hold the tensor under "sample" or "values"`);
    }
    // (JSON.stringify is recursive: a list nested thousands deep is refused before it)
    if (listDepth(arr, MAX_DEPTH) > MAX_DEPTH)
      throw new Error(`${field}: expected at most ${MAX_DEPTH} nested lists, found deeper nesting`);
    return parseTensorText(JSON.stringify(arr).replace(/"(-?(?:nan|inf))"/gi, '$1'), field);
  }
  return parseTensorText(expectedText, field, { savetxt: true });
}

/** How deep lists nest in `value`, counted level by level without recursion, and only up to limit + 1. */
function listDepth(value: unknown, limit: number): number {
  let level: unknown[] = [value];
  for (let depth = 0; ; depth++) {
    const lists = level.filter(Array.isArray);
    if (lists.length === 0 || depth > limit) return depth;
    level = lists.flat();
  }
}

// ---------------------------------------------------------------------------------------------
// The pasted numbers as written (needed to know how precisely each was printed)

const NUMBER_RE = /^[-+]?(?:nan|inf(?:inity)?|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/i;
/** One number alone, as written by print(v) or np.savetxt: no tensor(...) around it, no brackets. */
const BARE_NUMBER = new RegExp(`${NUMBER_RE.source}$`, 'i');

/**
 * The numbers of a printed tensor as written, row-major, "..." left out (run after parseTensorText
 * accepted the text). Returns null when the text has a form this scan does not follow; the caller
 * then falls back on the parsed values.
 */
function scanLiterals(text: string): string[] | null {
  const s = text;
  let i = 0;
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const readNumber = (): string | null => {
    const quote = s[i] === '"' || s[i] === "'" ? s[i++] : '';
    const m = NUMBER_RE.exec(s.slice(i, i + 400));
    if (!m) return null;
    i += m[0].length;
    if (quote) {
      if (s[i] !== quote) return null;
      i++;
    }
    return m[0];
  };
  skipSpace();
  const prefix = /^(?:tensor|array)\s*\(/.exec(s.slice(i, i + 20));
  if (prefix) i += prefix[0].length;
  skipSpace();
  if (s[i] !== '[') {
    const lit = readNumber();
    return lit === null ? null : [lit];
  }
  const out: string[] = [];
  let depth = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '[') {
      depth++;
      i++;
      continue;
    }
    if (c === ']') {
      depth--;
      i++;
      if (depth === 0) return out;
      continue;
    }
    if (c === ',' || /\s/.test(c)) {
      i++;
      continue;
    }
    if (s.startsWith('...', i)) {
      i += 3;
      continue;
    }
    const lit = readNumber();
    if (lit === null) return null;
    out.push(lit);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Laying the paste over our (rows, cols) sample

export interface Layout {
  /** per element of our sample (row-major): the pasted literal, or null where the paste gave none */
  literals: (string | null)[];
  /** the paste cannot be our sample whatever the values (it holds a different number of elements) */
  shapeMismatch: boolean;
  shapeNote?: string;
  /** the paste's full shape when it is known and differs from ours (assert_close's shape message) */
  mismatchedShape?: number[];
  /** the paste holds as many values as ours in another shape (all compared in row-major order) */
  sameSize?: boolean;
  /** a summarised paste's shape in words, "(1, ...)", when it cannot be ours (its full shape is unknown) */
  pastedShapeText?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function rangeText(from: number, to: number): string {
  return from === to ? `${from}` : `${from}-${to}`;
}

/** Lays a complete paste of the given shape and row-major literals over (rows, cols). */
function layFull(lits: string[], pasteShape: number[], rows: number, cols: number): Layout {
  const total = rows * cols;
  const ours = pythonTuple([rows, cols]);
  const literals: (string | null)[] = new Array(total).fill(null);
  const sameShape = pasteShape.length === 2 && pasteShape[0] === rows && pasteShape[1] === cols;
  if (sameShape) {
    for (let k = 0; k < total; k++) literals[k] = lits[k];
    return { literals, shapeMismatch: false };
  }
  if (lits.length === total) {
    // the same values in another shape: compared in row-major order, but a mismatch (assert_close checks the shape)
    for (let k = 0; k < total; k++) literals[k] = lits[k];
    return {
      literals,
      shapeMismatch: true,
      sameSize: true,
      mismatchedShape: pasteShape,
      shapeNote: `the paste has shape ${pythonTuple(pasteShape)} and ours ${ours}; both hold ${total} values, compared in row-major order.`
    };
  }
  if (pasteShape.length === 2) {
    const [pr, pc] = pasteShape;
    const r = Math.min(pr, rows);
    const c = Math.min(pc, cols);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) literals[i * cols + j] = lits[i * pc + j];
    const block =
      r * c === 0
        ? 'nothing overlaps'
        : `compared the overlapping block, rows ${rangeText(0, r - 1)} and columns ${rangeText(0, c - 1)} (${r * c} of ${total} values)`;
    return {
      literals,
      shapeMismatch: true,
      mismatchedShape: pasteShape,
      shapeNote: `the paste has shape ${pythonTuple(pasteShape)} but ours is ${ours}; ${block}.`
    };
  }
  const n = Math.min(lits.length, total);
  for (let k = 0; k < n; k++) literals[k] = lits[k];
  return {
    literals,
    shapeMismatch: true,
    mismatchedShape: pasteShape,
    shapeNote: `the paste has shape ${pythonTuple(pasteShape)} (${plural(lits.length, 'value')}) but ours is ${ours} (${total}); compared the first ${n} in row-major order.`
  };
}

/** Kept index i of a summarised dimension of full size `size` (tensorText.ts: SummaryDim). */
function fullIndex(i: number, dim: SummaryDim, size: number): number {
  return i < dim.leading ? i : size - (dim.leading + dim.trailing) + i;
}

function dimFits(dim: SummaryDim, kept: number, size: number): boolean {
  return dim.elided ? dim.leading + dim.trailing < size : kept === size;
}

function dimText(dim: SummaryDim, size: number, what: string): string {
  return dim.elided
    ? `the first ${dim.leading} and last ${dim.trailing} of our ${size} ${what}`
    : `all ${size} ${what}`;
}

/**
 * For a summarised print whose shape cannot be ours (1-D, or 2-D with another number of whole rows and columns
 * summarised): the row-major position, in a tensor of our size, of each shown value, and the printed shape in words.
 */
function otherShapeFlat(
  shape: number[],
  summary: TensorSummary,
  rows: number,
  cols: number
): { flat: (i: number) => number; text: string } | null {
  const total = rows * cols;
  if (shape.length === 1 && summary.dims.length === 1) {
    const [dv] = summary.dims;
    if (!dimFits(dv, shape[0], total)) return null;
    return { flat: (i) => fullIndex(i, dv, total), text: dv.elided ? '(...,)' : `(${shape[0]},)` };
  }
  if (shape.length === 2 && summary.dims.length === 2) {
    const [dr, dc] = summary.dims;
    if (dr.elided || shape[0] === rows || !dc.elided || total % shape[0] !== 0) return null;
    const width = total / shape[0];
    if (!dimFits(dc, shape[1], width)) return null;
    return {
      flat: (i) => Math.floor(i / shape[1]) * width + fullIndex(i % shape[1], dc, width),
      text: `(${shape[0]}, ...)`
    };
  }
  return null;
}

/** Lays a summarised print ("..." in place of rows, columns or values) over (rows, cols): kept leading items at the start, trailing at the end. */
function laySummarised(lits: string[], shape: number[], summary: TensorSummary, rows: number, cols: number): Layout {
  const total = rows * cols;
  const literals: (string | null)[] = new Array(total).fill(null);
  const place = (at: number, lit: string): number => {
    if (at < 0 || at >= total || literals[at] !== null) return 0;
    literals[at] = lit;
    return 1;
  };
  let placed = 0;
  let fits: boolean;
  let what: string;
  // a summarised print in another shape (x.flatten(), x.reshape(1, -1)): its values laid in row-major order as if it
  // held as many as ours, and a shape mismatch
  const other = otherShapeFlat(shape, summary, rows, cols);
  if (other) {
    for (let i = 0; i < lits.length; i++) placed += place(other.flat(i), lits[i]);
    return {
      literals,
      shapeMismatch: true,
      sameSize: true,
      pastedShapeText: other.text,
      shapeNote: `the paste is summarised ("...") with shape ${other.text}, not ours ${pythonTuple([rows, cols])}; compared its ${placed} shown values in row-major order, as if it held our ${total}.`
    };
  }
  if (shape.length === 2 && summary.dims.length === 2) {
    const [dr, dc] = summary.dims;
    fits = dimFits(dr, shape[0], rows) && dimFits(dc, shape[1], cols);
    for (let i = 0; i < shape[0]; i++) {
      const ri = fullIndex(i, dr, rows);
      for (let j = 0; j < shape[1]; j++) {
        const ci = fullIndex(j, dc, cols);
        if (ri >= 0 && ri < rows && ci >= 0 && ci < cols) placed += place(ri * cols + ci, lits[i * shape[1] + j]);
      }
    }
    what = `${dimText(dr, rows, 'rows')} and ${dimText(dc, cols, 'columns')}`;
  } else if (shape.length === 1 && summary.dims.length === 1) {
    const [dv] = summary.dims;
    fits = dimFits(dv, shape[0], total);
    for (let i = 0; i < shape[0]; i++) placed += place(fullIndex(i, dv, total), lits[i]);
    what = `${dimText(dv, total, 'values')} in row-major order`;
  } else {
    return {
      literals,
      shapeMismatch: true,
      shapeNote: `the paste is a summarised ("...") ${shape.length}-D print, which cannot be laid over our shape ${pythonTuple([rows, cols])}; nothing compared.${
        shape.length === 3 && shape[2] === cols
          ? ` A stacked trajectory (torch.stack(xs)) is compared state by state when its values are all there: save it with np.save(f, torch.stack(xs).numpy()), or print it in full (torch.set_printoptions(profile="full")).`
          : ''
      }`
    };
  }
  if (!fits) {
    return {
      literals,
      shapeMismatch: true,
      shapeNote: `the paste is summarised ("...") with a printed block of ${pythonTuple(shape)} that does not fit our shape ${pythonTuple([rows, cols])}; compared ${placed} of ${total} values where they fall.`
    };
  }
  return {
    literals,
    shapeMismatch: false,
    shapeNote: `the paste is summarised ("..."): compared ${what}, ${placed} of ${total} values.`
  };
}

/** The paste's literals laid over a (rows, cols) sample. */
export function layPaste(parsed: ParsedTensor, text: string, rows: number, cols: number): Layout {
  const scanned = parsed.literals ?? scanLiterals(text);
  const agrees =
    scanned !== null &&
    scanned.length === parsed.values.length &&
    scanned.every((lit, k) => Object.is(tokenValue(lit), parsed.values[k]));
  // when the scan cannot follow the text, the parser's values stand in (printed at its decimals if it found them)
  const lits = agrees
    ? scanned
    : Array.from(parsed.values, (v) =>
        parsed.printedDecimals !== null && Number.isFinite(v)
          ? formatFixedF64(v, parsed.printedDecimals)
          : formatNumberLiteral(v)
      );
  if (parsed.summarized && parsed.summary) return laySummarised(lits, parsed.shape, parsed.summary, rows, cols);
  // a bare number (no tensor( or brackets: print(x.item()), np.savetxt of a (1, 1) array) says nothing of a shape: it
  // is a one-element sample's whole value, as a 0-d print (tensor(0.3861)) is not
  if (rows * cols === 1 && parsed.shape.length === 0 && BARE_NUMBER.test(text.trim()))
    return layFull(lits, [rows, cols], rows, cols);
  return layFull(lits, parsed.shape, rows, cols);
}
