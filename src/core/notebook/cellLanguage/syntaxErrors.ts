// One-line messages for cells that do not parse (README: "DDPM notebooks", "The language"). peggy reports the
// farthest place the parse reached and what it expected there; this turns that into what a Python user needs:
// - a Python construct the language does not have, named (`//` is not supported, `for` loops are not supported);
// - otherwise the expectations a user can act on, the whole token found (a number, a name, a string), and,
//   inside a list literal, the variable or argument the list is for:
//     w_model: expected "," or "]", found "0.0625"

import { clipped } from '../../describe';
import { characterNamed, invisibleCharacter, lookAlikeOf, quoted, typeInstead } from '../../lookAlikes';

interface Expectation {
  type: string;
  text?: string;
  description?: string;
  parts?: (string | string[])[];
  inverted?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'space' | 'newline' | 'comment' | 'string' | 'number' | 'name' | 'op';

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
}

const TOKEN_PATTERNS: [TokenKind, RegExp][] = [
  ['space', /[ \t]+|\\\r?\n/y],
  ['newline', /\r?\n/y],
  ['comment', /#[^\r\n]*/y],
  [
    'string',
    /(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])?(?:"""(?:[^\\]|\\[\s\S])*?(?:"""|$)|'''(?:[^\\]|\\[\s\S])*?(?:'''|$)|"(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?)/y
  ],
  // a malformed number is one token, as Python's tokenizer reads it (`0.0625e`, `1.5x`)
  ['number', /(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?[A-Za-z0-9_]*/y],
  ['name', /[A-Za-z_][A-Za-z0-9_]*/y],
  // (u: a character beyond U+FFFF, an emoji, is one token, not half of a surrogate pair)
  ['op', /\*\*=|\/\/=|\.\.\.|\*\*|\/\/|==|!=|<=|>=|<<|>>|:=|->|[+\-*/%@&|^~]=|[\s\S]/uy]
];

/** The token that starts at `offset` (the lexer is Python's, roughly: enough to name what was found). */
function tokenAt(text: string, offset: number): Token | null {
  if (offset >= text.length) return null;
  for (const [kind, re] of TOKEN_PATTERNS) {
    re.lastIndex = offset;
    const m = re.exec(text);
    if (m && m[0].length > 0) return { kind, text: m[0], offset };
  }
  return null;
}

/** The tokens of `text` up to `end`, in order: their texts joined give the text back. */
export function tokenize(text: string, end: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < end) {
    const t = tokenAt(text, i);
    if (!t) break;
    out.push(t);
    i += t.text.length;
  }
  return out;
}

/**
 * A typographic stand-in for an ASCII character at `offset` (a minus sign, a curly quote, a multiplication sign, a
 * full-width bracket): named with its code point, as Python names it ("invalid character '−' (U+2212)"), and the
 * character to type instead. Undefined for anything else, and for a middle dot after a letter (`a·b`: one name to
 * Python, which the language refuses as a name beyond ASCII).
 */
function lookAlikeCharacter(text: string, offset: number): string | undefined {
  const cp = text.codePointAt(offset);
  if (cp === undefined) return undefined;
  const ch = String.fromCodePoint(cp);
  const ascii = lookAlikeOf(ch);
  if (ascii === undefined || (ch === '\u00b7' && /[\p{L}_]$/u.test(text.slice(0, offset)))) return undefined;
  return `invalid character ${typeInstead(ch, ascii)}`;
}

/** The token found where the parse stopped, as the message shows it. */
function describeFound(text: string, offset: number): string {
  const t = tokenAt(text, offset);
  if (!t) return 'end of input';
  if (t.kind === 'newline') return 'end of line';
  if (t.kind === 'string') return `the string ${t.text}`;
  if (t.kind === 'space') return JSON.stringify(t.text[0]);
  return JSON.stringify(clipped(t.text)); // a name or a number thousands of characters long, cut
}

// ---------------------------------------------------------------------------------------------
// Python constructs the language does not have

const KEYWORD_MESSAGES: Record<string, string> = {
  for: '`for` loops and comprehensions are not supported',
  while: '`while` loops are not supported',
  if: '`if` is not supported',
  else: '`else` is not supported',
  elif: '`elif` is not supported',
  def: 'function definitions (`def`) are not supported',
  lambda: '`lambda` is not supported',
  class: '`class` is not supported',
  import: '`import` is not supported: the helpers are built in (see the README, "DDPM notebooks")',
  from: '`from ... import` is not supported: the helpers are built in (see the README, "DDPM notebooks")',
  and: 'boolean operators (`and`) are not supported',
  or: 'boolean operators (`or`) are not supported',
  not: 'boolean operators (`not`) are not supported',
  in: 'comparisons (`in`) are not supported',
  is: 'comparisons (`is`) are not supported',
  return: '`return` is not supported',
  with: '`with` is not supported'
};
const OTHER_KEYWORDS = new Set([
  'assert',
  'async',
  'await',
  'as',
  'break',
  'continue',
  'del',
  'except',
  'finally',
  'global',
  'nonlocal',
  'pass',
  'raise',
  'try',
  'yield'
]);

const OPERATOR_MESSAGES: Record<string, string> = {
  '//': '`//` (floor division) is not supported',
  '%': '`%` (remainder) is not supported',
  '@': '`@` (matrix multiplication) is not supported',
  '==': 'comparisons (`==`) are not supported',
  '!=': 'comparisons (`!=`) are not supported',
  '<=': 'comparisons (`<=`) are not supported',
  '>=': 'comparisons (`>=`) are not supported',
  '<': 'comparisons (`<`) are not supported',
  '>': 'comparisons (`>`) are not supported',
  '<<': 'bit shifts (`<<`) are not supported',
  '>>': 'bit shifts (`>>`) are not supported',
  '&': 'bitwise operators (`&`) are not supported',
  '|': 'bitwise operators (`|`) are not supported',
  '^': 'bitwise operators (`^`) are not supported',
  '~': 'bitwise operators (`~`) are not supported',
  ':=': 'assignment expressions (`:=`) are not supported',
  '{': 'dict and set literals (`{...}`) are not supported'
};

const MODULES = new Set(['torch', 'np', 'numpy', 'math']);

/**
 * Why a helper other than tensor() and array() takes no `dtype=` (PyTorch's linspace and cumprod do): what it gives
 * instead, and for cumprod the equivalent, as torch.cumprod(x, dtype=...) casts its input first.
 */
export function dtypeRefusal(fn: string): string {
  const why =
    fn === 'cumprod'
      ? "it keeps its input's dtype; convert the input first, as torch.cumprod does with a dtype: cumprod(tensor(x, dtype=torch.float64))"
      : fn === 'linspace' || fn === 'linear_schedule'
        ? "its values are float32, torch.linspace's default (a float64 linspace computes other values than float32 ones converted, and is not supported)"
        : fn === 'cosine_schedule'
          ? 'its values are float32, rounded from Python floats as torch.tensor(betas, dtype=torch.float32) does (float64 betas are not supported)'
          : 'only tensor() and array() take one';
  return `\`dtype=\` in ${fn}() is not supported: ${why}`;
}

/** The name of the call whose parentheses hold `offset` (`linspace` in `linspace(0, 1, dtype=`), or null. */
function enclosingCall(text: string, offset: number): string | null {
  let depth = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')' || c === ']') depth++;
    else if (c === '[') depth--;
    else if (c === '(') {
      if (depth === 0) return /([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/.exec(text.slice(0, i))?.[1] ?? null;
      depth--;
    }
  }
  return null;
}

/** How many brackets are open at `offset` (strings and comments skipped). */
function bracketDepth(text: string, offset: number): number {
  let depth = 0;
  for (const t of tokenize(text, offset)) {
    if (t.kind !== 'op') continue;
    if ('([{'.includes(t.text)) depth++;
    else if (')]}'.includes(t.text)) depth = Math.max(0, depth - 1);
  }
  return depth;
}

/** A Python construct starting at the failure offset that the language lacks, by name; null if none. */
function unsupportedConstruct(text: string, offset: number, wanted: Set<string>): string | null {
  const t = tokenAt(text, offset);
  if (!t) return null;
  if (
    t.kind === 'string' &&
    !/^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])?(?:"""[\s\S]*"""|'''[\s\S]*'''|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')$/.test(
      t.text
    )
  ) {
    // a plain opening quote and a curly closing one of its kind (`'a’`: the opening one corrected by hand): the curly
    // one named, as what may have been meant to close it (a curly quote in the text, `"don’t`, is not)
    const quote = /^[rRuUbBfF]*("|')/.exec(t.text)?.[1];
    const curly = [...t.text].find((c) => (c === '\u2019' || c === '\u201d') && lookAlikeOf(c) === quote);
    return `unterminated string literal${curly ? `: if ${characterNamed(curly)} is meant to close it, type ${quoted(quote!)} instead` : ''}`;
  }
  // Python's imaginary literals (`1.5j`) and names with letters beyond ASCII (`β`): valid Python the language lacks
  if (t.kind === 'number' && /^(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?[jJ]$/.test(t.text))
    return `complex numbers (\`${clipped(t.text)}\`) are not supported`;
  if (t.kind === 'op' && /^\p{L}$/u.test(t.text)) {
    const name = /[A-Za-z0-9_]*$/.exec(text.slice(0, offset))![0] + /^[\p{L}\p{N}_]+/u.exec(text.slice(offset))![0];
    return `names with letters beyond ASCII (\`${clipped(name)}\`) are not supported: use A-Z, a-z, digits and _`;
  }
  if (t.kind === 'name') {
    // `a not in b`, `a is not b`: comparisons, not the boolean `not`
    const after = text.slice(offset + t.text.length);
    if (t.text === 'not' && /^[ \t]+in\b/.test(after) && /[\w)\]'"][ \t]*$/.test(text.slice(0, offset)))
      return 'comparisons (`not in`) are not supported';
    if (t.text === 'is' && /^[ \t]+not\b/.test(after)) return 'comparisons (`is not`) are not supported';
    if (KEYWORD_MESSAGES[t.text]) return KEYWORD_MESSAGES[t.text];
    if (OTHER_KEYWORDS.has(t.text)) return `\`${t.text}\` is not supported`;
    return null;
  }
  if (t.kind !== 'op') return null;
  // IPython's line forms, first on their line outside brackets: `%timeit x`, `%%time`, `!pip install ...`; and
  // decorators (`@foo`); not `@ w` or `% 2` continuing an expression in brackets
  if (/(?:^|\n)[ \t]*$/.test(text.slice(0, offset)) && bracketDepth(text, offset) === 0) {
    const word = /^(?:%%?|!|@)[A-Za-z_][\w.]*/.exec(text.slice(offset))?.[0];
    if (word && t.text.startsWith('%')) return `IPython magics (\`${clipped(word)}\`) are not supported`;
    if (word && t.text === '!') return `shell commands (\`${clipped(word)}\`) are not supported`;
    if (word && t.text === '@') return `decorators (\`${clipped(word)}\`) are not supported`;
  }
  if (OPERATOR_MESSAGES[t.text]) return OPERATOR_MESSAGES[t.text];
  if (t.text === '.') {
    const attr = /^\.[ \t]*([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/.exec(text.slice(offset));
    if (!attr) return null;
    const before = /([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/.exec(text.slice(0, offset));
    if (before && MODULES.has(before[1])) {
      // `linspace(0, 1, 5, dtype=torch.float64)`: the module is fine there, the helper takes no dtype
      const fn = /dtype[ \t]*=[ \t]*$/.test(text.slice(0, offset - before[0].length))
        ? enclosingCall(text, offset)
        : null;
      if (fn && fn !== 'tensor' && fn !== 'array') return dtypeRefusal(fn);
      return `\`${clipped(`${before[1]}.${attr[1]}`)}\` is not supported: the language has its own helpers, without a module (see the README, "DDPM notebooks")`;
    }
    return attr[2]
      ? `method calls (\`.${clipped(attr[1])}()\`) are not supported`
      : `attribute access (\`.${clipped(attr[1])}\`) is not supported`;
  }
  // `*a` and `**d` where a list item or an argument begins: Python's unpacking
  if ((t.text === '*' || t.text === '**') && /[[(,]\s*$/.test(text.slice(0, offset)))
    return `unpacking (\`${t.text}${t.text === '*' ? 'a' : 'd'}\`) is not supported`;
  // a comma after an expression where none may follow is a tuple; after "(" or "," an argument is missing (Python:
  // invalid syntax), which the expectations say
  if (
    t.text === ',' &&
    (wanted.has('end of statement') || (wanted.has('")"') && !wanted.has('","'))) &&
    !/[(,]\s*$/.test(text.slice(0, offset))
  )
    return 'tuples (`a, b`) are not supported: use a list `[a, b]`';
  // `name: type` (an annotation) only when a lone name starts the statement: `x = 1:` or `:` is a stray colon
  if (
    t.text === ':' &&
    wanted.has('end of statement') &&
    /(?:^|[\r\n;])[ \t]*[A-Za-z_]\w*[ \t]*$/.test(text.slice(0, offset))
  )
    return 'type annotations (`name: type`) are not supported';
  if (t.text === '=' && /(?:^|[\r\n;])[ \t]*$/.test(text.slice(0, offset)))
    return 'an assignment needs a name before "=" (`name = expression`)';
  if (t.text === '=' && wanted.has('end of statement')) return 'chained assignment (`a = b = ...`) is not supported';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Which list literal (for which variable or argument) the failure is in

interface Bracket {
  open: string;
  /** a list literal (not an index) */
  list: boolean;
  /** a function call's parentheses: the function's name */
  callee: string | null;
  /** what the values inside stand for: a variable, `sample(): w_model`, ... */
  label: string | null;
}

const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const CONTINUES_LINE = new Set(['+', '-', '*', '/', '**', '=', ',', '(', '[', '{']);

/** The variable or argument whose list literal holds `offset`, if the innermost open bracket there is a list literal. */
function listLabelAt(text: string, offset: number): string | null {
  const tokens = tokenize(text, offset).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const stack: Bracket[] = [];
  let target: string | null = null; // the name a statement assigns
  let atStatementStart = true;
  let prev: Token | null = null;
  let prev2: Token | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'newline') {
      // a newline outside brackets ends the statement, unless the line ended with an operator
      if (stack.length === 0 && !(prev && prev.kind === 'op' && CONTINUES_LINE.has(prev.text))) {
        atStatementStart = true;
        target = null;
        prev = prev2 = null;
      }
      continue;
    }
    if (atStatementStart) {
      const next = tokens[i + 1];
      target = t.kind === 'name' && next && next.kind === 'op' && next.text === '=' ? t.text : null;
      atStatementStart = false;
    }
    if (t.kind === 'op' && t.text === ';' && stack.length === 0) {
      atStatementStart = true;
      target = null;
      prev = prev2 = null;
      continue;
    }
    if (t.kind === 'op' && (t.text === '[' || t.text === '(' || t.text === '{')) {
      const afterOperand =
        prev !== null && (prev.kind === 'name' || (prev.kind === 'op' && (prev.text === ')' || prev.text === ']')));
      const outer = stack[stack.length - 1];
      // a value's label: the keyword argument it is passed as, else what the enclosing bracket is for
      const keyword =
        prev && prev.kind === 'op' && prev.text === '=' && prev2 && prev2.kind === 'name' ? prev2.text : null;
      let label: string | null;
      if (!outer) label = target;
      else if (outer.callee !== null) label = keyword !== null ? `${outer.callee}(): ${keyword}` : `${outer.callee}()`;
      else label = outer.list || outer.open === '(' ? outer.label : null;
      const callee = t.text === '(' && afterOperand && prev?.kind === 'name' ? prev.text : null;
      stack.push({
        open: t.text,
        list: t.text === '[' && !afterOperand,
        callee,
        label: callee !== null ? null : label
      });
    } else if (t.kind === 'op' && CLOSING[t.text]) {
      if (stack.length && stack[stack.length - 1].open === CLOSING[t.text]) stack.pop();
    }
    prev2 = prev;
    prev = t;
  }
  const inner = stack[stack.length - 1];
  return inner && inner.list ? inner.label : null;
}

// ---------------------------------------------------------------------------------------------
// Expectations

// what can start an operand: when the parser wanted one of them, it wanted "an expression"
const OPERAND_STARTS = new Set([
  'pasted tensor(...) or array(...)',
  '"("',
  '"+"',
  '"-"',
  '"..."',
  '"["',
  '"array"',
  '"tensor"',
  'name',
  'number',
  'string'
]);
// what can follow an operand and continue the expression
const OPERATORS = new Set(['"**"', '"*"', '"/"', '"+"', '"-"', '"["', '"("']);
const NOISE = new Set(['whitespace', 'comment', '"\\"']);
// augmented assignments are in the grammar only to be refused by name (grammar.peggy): never offered as expected
const AUGMENTED = new Set(['"**="', '"//="', '"+="', '"-="', '"*="', '"/="', '"%="', '"@="']);

function describeExpectation(x: Expectation): string[] {
  if (x.type === 'literal') return [JSON.stringify(x.text)];
  if (x.type === 'end') return ['end of input'];
  // peggy turns "+" / "-" into the class [+-]: list its characters
  if (x.type === 'class' && !x.inverted && x.parts?.every((p) => typeof p === 'string'))
    return x.parts.map((p) => JSON.stringify(p));
  return [x.description ?? x.type];
}

function joinOr(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? 'something else')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * The one-line detail of a syntax error (without the `line L, column C: ` prefix) from peggy's expectations
 * at `offset` in `text`.
 */
export function syntaxErrorDetail(text: string, offset: number, expected: Expectation[]): string {
  // a look-alike where the parse stopped, or right after the number it stopped at (`1e−4`: the number read "1e")
  const found = tokenAt(text, offset);
  const invisible =
    invisibleCharacter(text.codePointAt(offset)) ??
    lookAlikeCharacter(text, offset) ??
    (found?.kind === 'number' ? lookAlikeCharacter(text, offset + found.text.length) : undefined);
  if (invisible) return invisible;
  let wanted = [...new Set(expected.flatMap(describeExpectation))].filter((w) => !NOISE.has(w));
  const unsupported = unsupportedConstruct(text, offset, new Set(wanted));
  if (unsupported) return unsupported;
  wanted = wanted.filter((w) => !AUGMENTED.has(w));
  if (wanted.includes('end of statement')) wanted = wanted.filter((w) => w !== '";"' && w !== 'end of input');
  if (wanted.includes('number')) {
    wanted = ['an expression', ...wanted.filter((w) => !OPERAND_STARTS.has(w))];
  } else {
    // after an operand: an operand found next means a missing separator, so list the separators only
    // (a bracket the parser did not take there opens a new operand too: [[1, 2] [3, 4]])
    const operandFound =
      found !== null &&
      (found.kind === 'number' ||
        found.kind === 'name' ||
        found.kind === 'string' ||
        (['[', '(', '...'].includes(found.text) && !wanted.includes(JSON.stringify(found.text))));
    const separators = wanted.filter((w) => !OPERATORS.has(w));
    const hadOperators = separators.length < wanted.length;
    wanted =
      operandFound && separators.length ? separators : hadOperators ? ['an operator', ...separators] : separators;
  }
  const label = listLabelAt(text, offset);
  return `${label ? `${label}: ` : ''}expected ${joinOr(wanted)}, found ${describeFound(text, offset)}`;
}
