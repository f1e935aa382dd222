// The syntax tree the generated parser (grammar.peggy -> parser.generated.js) builds for a cell.
import { parse as peggyParse } from './parser.generated.js';

/** Where a node starts in the cell: 1-based line and column, 0-based offset. */
export interface Loc {
  line: number;
  column: number;
  offset: number;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '**';

export type Expr =
  | { type: 'number'; text: string; isInt: boolean; loc: Loc }
  | { type: 'string'; value: string; loc: Loc }
  | { type: 'name'; name: string; loc: Loc }
  | { type: 'list'; items: Expr[]; text: string; loc: Loc }
  | { type: 'ellipsis'; loc: Loc }
  /** a pasted PyTorch/NumPy print, `tensor(...)` or `array(...)`, kept as its text */
  | { type: 'print'; fn: 'tensor' | 'array'; text: string; inner: string; innerLoc: Loc; loc: Loc }
  | { type: 'call'; callee: string; args: Expr[]; kwargs: KeywordArg[]; loc: Loc }
  | { type: 'unary'; op: '-' | '+'; operand: Expr; loc: Loc }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; loc: Loc }
  /** target[items]: `tuple` when the index holds a comma (x[0, 1], x[0,]); loc is the "[" */
  | { type: 'index'; target: Expr; items: IndexItem[]; tuple: boolean; loc: Loc };

/** One item of an index: an expression or a slice start:stop:step (each part optional). */
export type IndexItem = { kind: 'expr'; expr: Expr; loc: Loc } | { kind: 'slice'; start: Expr | null; stop: Expr | null; step: Expr | null; loc: Loc };

export interface KeywordArg {
  name: string;
  value: Expr;
  loc: Loc;
}

export type Statement = { type: 'assign'; name: string; value: Expr; loc: Loc } | { type: 'expr'; expr: Expr; loc: Loc };

/** A cell-language error with the place it points at (line and column within the cell). */
export class CellError extends Error {
  constructor(
    readonly detail: string,
    readonly loc: Loc | null,
    readonly kind: 'SyntaxError' | 'Error' = 'Error'
  ) {
    super(loc ? `line ${loc.line}, column ${loc.column}: ${detail}` : detail);
    this.name = kind;
  }
}

interface PeggyExpectation {
  type: string;
  text?: string;
  description?: string;
  parts?: (string | string[])[];
  inverted?: boolean;
}

interface PeggyErrorLike {
  message: string;
  expected?: PeggyExpectation[] | null;
  found?: string | null;
  location?: { start: Loc };
}

function isPeggyError(e: unknown): e is PeggyErrorLike {
  return e instanceof Error && e.name === 'SyntaxError' && typeof (e as PeggyErrorLike).location === 'object';
}

// tokens that can start an operand: when the parser wanted one of them it wanted "an expression"
const OPERAND_STARTS = new Set(['pasted tensor(...) or array(...)', '"("', '"+"', '"-"', '"..."', '"["', '"array"', '"tensor"', 'name', 'number', 'string']);
const NOISE = new Set(['whitespace', 'comment', '"\\"']);

function describeFound(found: string | null | undefined): string {
  if (found === null || found === undefined) return 'end of input';
  if (found === '\n' || found === '\r') return 'end of line';
  return JSON.stringify(found);
}

function describeExpectation(x: PeggyExpectation): string[] {
  if (x.type === 'literal') return [JSON.stringify(x.text)];
  if (x.type === 'end') return ['end of input'];
  // peggy turns "+" / "-" into the class [+-]: list its characters
  if (x.type === 'class' && !x.inverted && x.parts?.every((p) => typeof p === 'string')) return x.parts.map((p) => JSON.stringify(p));
  return [x.description ?? x.type];
}

/** peggy's expectations -> `expected an expression or ")", found "@"` (one line, no parser jargon) */
function syntaxDetail(e: PeggyErrorLike): string {
  if (!e.expected) return e.message.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase());
  let wanted = [...new Set(e.expected.flatMap(describeExpectation))];
  wanted = wanted.filter((w) => !NOISE.has(w));
  if (wanted.includes('number')) wanted = ['an expression', ...wanted.filter((w) => !OPERAND_STARTS.has(w))];
  if (wanted.includes('end of statement')) wanted = wanted.filter((w) => w !== '";"' && w !== 'end of input');
  const list = wanted.length <= 1 ? (wanted[0] ?? 'something else') : `${wanted.slice(0, -1).join(', ')} or ${wanted[wanted.length - 1]}`;
  return `expected ${list}, found ${describeFound(e.found)}`;
}

function parseWith(text: string, startRule: 'Program' | 'Expr'): unknown {
  try {
    return peggyParse(text, { startRule });
  } catch (e) {
    if (isPeggyError(e) && e.location) {
      const start = e.location.start;
      throw new CellError(syntaxDetail(e), { line: start.line, column: start.column, offset: start.offset }, 'SyntaxError');
    }
    throw e;
  }
}

/** Parses a cell into statements; throws CellError (kind 'SyntaxError') pointing at line and column. */
export function parseCell(text: string): Statement[] {
  return parseWith(text, 'Program') as Statement[];
}

/** Parses one expression (used for `tensor(<expression>)` that is not a pasted print). */
export function parseExpression(text: string): Expr {
  return parseWith(text, 'Expr') as Expr;
}
