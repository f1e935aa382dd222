// What a notebook file's JSON would lose on its way through JSON.parse and back out through JSON.stringify (the
// next save): a key given twice in one object (JSON.parse keeps the last); a number whose double the save would
// not give back (-0, written 0; 1e400, beyond the doubles, written null), or written as an integer that the save
// would write otherwise (past 2^53, a double rounds it; from 1e21 on, it is written with an exponent), which Python's
// json reads as that exact integer; and nesting deeper than a save can write
// (JSON.parse reads any depth; JSON.stringify, recursive, stops near 4000 levels). Other numbers are kept as
// doubles (0.10000000000000001 is saved as 0.1, the same double). parseNotebook refuses such a file with one line
// naming the place, so that nothing in it is lost unseen.

/** A place in the file and what the save would do to it. */
export interface UnkeptValue {
  /** `metadata.run_id`, `cells[0].metadata["my key"]` */
  field: string;
  problem: string;
}

type Frame =
  { kind: 'object'; keys: Set<string>; key: string | null; wantKey: boolean } | { kind: 'array'; index: number };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Objects and arrays within one another, the file's own object counted: far below where JSON.stringify stops. */
export const MAX_DEPTH = 1000;

function tooDeep(stack: Frame[]): UnkeptValue {
  return {
    field: `${fieldOf(stack.slice(0, 4))}…`,
    problem: `nested more than ${MAX_DEPTH} objects and arrays deep, deeper than a save can write`
  };
}

function fieldOf(stack: Frame[]): string {
  let field = '';
  for (const f of stack) {
    if (f.kind === 'array') field += `[${f.index}]`;
    else if (f.key !== null)
      field += IDENTIFIER.test(f.key) ? `${field ? '.' : ''}${f.key}` : `[${JSON.stringify(f.key)}]`;
  }
  return field;
}

/** What the save would do to a number token, in words, or null when it keeps it (see the top of this file). */
function numberChange(token: string): string | null {
  const v = Number(token);
  if (!Number.isFinite(v)) return `the number ${token} is beyond what a double holds: a save would write null`;
  if (Object.is(v, -0)) return `the number ${token} is negative zero, which a save writes as 0`;
  if (!/^-?\d+$/.test(token)) return null;
  // an integer's text is unique (JSON has no leading zeros), and JSON.stringify writes a double that is an integer
  // below 1e21 in full: anything else is another integer, or the same double in another notation (a float to Python)
  const saved = String(v); // JSON.stringify's number
  return saved === token
    ? null
    : `the integer ${token} would be saved as ${saved} (a notebook keeps numbers as doubles)`;
}

const [QUOTE, BACKSLASH, MINUS, ZERO, NINE, COMMA] = ['"', '\\', '-', '0', '9', ','].map((c) => c.charCodeAt(0));
const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY] = ['{', '}', '[', ']'].map((c) => c.charCodeAt(0));
const [LOWER_E, UPPER_E] = ['e', 'E'].map((c) => c.charCodeAt(0));

/** The characters a JSON number token is made of: digits, '.', 'e', 'E', '+', '-'. */
function inNumber(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 46 || code === 101 || code === 69 || code === 43 || code === 45;
}

/**
 * The first key given twice in one object, or number the save would change, in `text` (valid JSON: JSON.parse has
 * read it); null when the save keeps every value. One pass, without recursion (any depth JSON.parse takes).
 */
export function firstUnkeptValue(text: string): UnkeptValue | null {
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === QUOTE) {
      // the closing quote: the next one not escaped (preceded by an even number of backslashes)
      let end = text.indexOf('"', i + 1);
      for (;;) {
        if (end < 0) return null; // not valid JSON (parseNotebook has JSON.parse say where)
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
        if (backslashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (top?.kind === 'object' && top.wantKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.wantKey = false;
        if (top.keys.has(key)) {
          top.key = key;
          return {
            field: fieldOf(stack),
            problem: 'this key is given twice in its object; a save would keep the last value only (remove one)'
          };
        }
        top.keys.add(key);
        top.key = key;
      }
      i = end + 1;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let end = i + 1;
      let exponent = false;
      for (let code = text.charCodeAt(end); end < n && inNumber(code); code = text.charCodeAt(++end))
        if (code === LOWER_E || code === UPPER_E) exponent = true;
      // up to 15 characters without an exponent: a finite double, and an integer one holds exactly (15 digits
      // survive the round trip to a double and back); -0 aside
      const short = end - i <= 15 && !exponent && !(c === MINUS && text.charCodeAt(i + 1) === ZERO);
      const change = short ? null : numberChange(text.slice(i, end));
      if (change !== null) {
        // in metadata and json output items, values of the user's own, a string keeps any number's text
        const own = stack.some((f) => f.kind === 'object' && (f.key === 'metadata' || f.key === 'json'));
        return { field: fieldOf(stack), problem: own ? `${change}; write it as a string to keep it` : change };
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      stack.push({ kind: 'object', keys: new Set(), key: null, wantKey: true });
      if (stack.length > MAX_DEPTH) return tooDeep(stack);
      i++;
    } else if (c === OPEN_ARRAY) {
      stack.push({ kind: 'array', index: 0 });
      if (stack.length > MAX_DEPTH) return tooDeep(stack);
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      i++;
    } else if (c === COMMA) {
      if (top?.kind === 'array') top.index++;
      else if (top) top.wantKey = true;
      i++;
    } else {
      // whitespace, ':', true, false, null
      i++;
    }
  }
  return null;
}
