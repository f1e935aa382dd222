// The syntax tree the generated parser (grammar.peggy -> parser.generated.js) builds for a cell.
import { parse as peggyParse } from './parser.generated.js';
import { syntaxErrorDetail } from './syntaxErrors';

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
  /** misplaced: where a positional argument follows a keyword argument (Python's SyntaxError) */
  | { type: 'call'; callee: string; args: Expr[]; kwargs: KeywordArg[]; misplaced?: Loc; loc: Loc }
  | { type: 'unary'; op: '-' | '+'; operand: Expr; loc: Loc }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr; loc: Loc }
  /** target[items]: `tuple` when the index holds a comma (x[0, 1], x[0,]); loc is the "[" */
  | { type: 'index'; target: Expr; items: IndexItem[]; tuple: boolean; loc: Loc };

/** One item of an index: an expression or a slice start:stop:step (each part optional). */
export type IndexItem =
  | { kind: 'expr'; expr: Expr; loc: Loc }
  | { kind: 'slice'; start: Expr | null; stop: Expr | null; step: Expr | null; loc: Loc };

export interface KeywordArg {
  name: string;
  value: Expr;
  loc: Loc;
}

export type Statement =
  { type: 'assign'; name: string; value: Expr; loc: Loc } | { type: 'expr'; expr: Expr; loc: Loc };

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

interface PeggyErrorLike {
  message: string;
  expected?: Parameters<typeof syntaxErrorDetail>[2] | null;
  location?: { start: Loc };
}

function isPeggyError(e: unknown): e is PeggyErrorLike {
  return e instanceof Error && e.name === 'SyntaxError' && typeof (e as PeggyErrorLike).location === 'object';
}

/**
 * What a cell whose expression nests too deeply for the parser's or the interpreter's recursion is told, or whose
 * value does (a list of lists thousands deep, built one level a statement, shown or converted).
 */
export const TOO_DEEP =
  'too many nested parentheses (or operators, or lists): the expression or its value nests too deeply';

/** Whether `e` is the engine's "Maximum call stack size exceeded" (a RangeError, as an invalid array length is too). */
export function isStackOverflow(e: unknown): boolean {
  // no regular expression: this runs where the stack has just run out
  return e instanceof RangeError && e.message.includes('call stack');
}

function parseWith(text: string, startRule: 'Program' | 'Expr'): unknown {
  try {
    return peggyParse(text, { startRule });
  } catch (e) {
    if (isPeggyError(e) && e.location) {
      const start = e.location.start;
      // with expectations: a failed parse; without: a message the grammar raised itself (error(...))
      const detail = e.expected ? syntaxErrorDetail(text, start.offset, e.expected) : e.message;
      throw new CellError(detail, { line: start.line, column: start.column, offset: start.offset }, 'SyntaxError');
    }
    // the parser's recursion ran out of stack: Python refuses such nesting too ("too many nested parentheses")
    if (e instanceof RangeError) throw new CellError(TOO_DEEP, { line: 1, column: 1, offset: 0 }, 'SyntaxError');
    throw e;
  }
}

/** Parses a cell into statements; throws CellError (kind 'SyntaxError') pointing at line and column. */
export function parseCell(text: string): Statement[] {
  const statements = parseWith(text, 'Program') as Statement[];
  // IPython's leading_indent: a cell whose first line that is not blank is indented (code copied from inside a
  // function) loses that indentation on every line that has it, as Jupyter runs it
  const cellIndent = /^(?:[ \t\f]*\r?\n)*([ \t]*)/.exec(text)![1];
  for (const s of statements) {
    // a statement indented beyond that: Python's IndentationError; a continued line (in brackets, after an operator
    // or a backslash) is inside a statement
    if (s.loc.column === 1) continue;
    const lineStart = text.lastIndexOf('\n', s.loc.offset - 1) + 1;
    const before = text.slice(lineStart, s.loc.offset);
    if (/^[ \t\f]*$/.test(before) && before !== cellIndent)
      throw new CellError(
        `${UNEXPECTED_INDENT}: start each statement at the beginning of its line, or indent the whole cell alike (Python's IndentationError)`,
        s.loc,
        'SyntaxError'
      );
  }
  return statements;
}

/** Python's words for a statement indented where no block is open. */
export const UNEXPECTED_INDENT = 'unexpected indent';

/** Parses one expression (used for `tensor(<expression>)` that is not a pasted print). */
export function parseExpression(text: string): Expr {
  return parseWith(text, 'Expr') as Expr;
}
