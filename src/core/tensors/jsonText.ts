// What JSON.parse does not say: where in the text a syntax error is (V8 gives no position for
// "Unexpected token", and other engines word it differently), and how a top-level member's value was
// written (a seed like 18446744073709551615 loses digits as a JSON number). One pass over the text by
// RFC 8259's grammar, iterative (no recursion, so deep nesting cannot overflow the stack).
import { codePointLabel } from '../describe';
import { errorFirstLine } from '../errors';

export interface JsonScan {
  /** UTF-16 offset of the first character that breaks the grammar (text.length: it ended too early); null when valid */
  errorAt: number | null;
  /** a short reason for errorAt ("unexpected '}'", "unterminated string", ...) */
  reason?: string;
  /** for a top-level object: each member's value as written, [start, end) offsets (the last one wins for a repeated key, as in JSON.parse) */
  members: Map<string, [number, number]>;
  /** the keys of the top-level object given more than once (up to errorAt), in order */
  repeated: string[];
}

const isWs = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function shown(text: string, at: number): string {
  if (at >= text.length) return 'end of input';
  const c = text[at];
  if (c.charCodeAt(0) < 0x20) return JSON.stringify(c); // "\n", "\u0001": never a raw line break in a message
  if (unseen(c)) return codePointLabel(c.charCodeAt(0));
  return c === "'" ? `"'"` : `'${c}'`;
}

/**
 * A space that is not JSON's (a no-break space pasted from a page), an invisible character or a control character
 * (DEL, U+0085): named by its code point, not shown.
 */
function unseen(c: string): boolean {
  return c !== ' ' && /[\s\p{Cf}\p{Cc}]/u.test(c);
}

/** Scans JSON text; see JsonScan. */
export function scanJson(text: string): JsonScan {
  const members = new Map<string, [number, number]>();
  const repeated: string[] = [];
  const n = text.length;
  let i = 0;
  const stack: string[] = [];
  let state: 'value' | 'after' | 'key' = 'value';
  let key: string | null = null;
  let valueStart = -1;
  const fail = (at: number, reason?: string): JsonScan => ({
    errorAt: at,
    reason: reason ?? `unexpected ${shown(text, at)}`,
    members,
    repeated
  });
  const skipWs = (): void => {
    while (i < n && isWs(text[i])) i++;
  };
  let badEscape = false;
  /** at '"': moves past the closing quote; returns the error offset (where V8 puts it: the bad character after a backslash) or -1 */
  const scanString = (): number => {
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return -1;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          for (let k = i + 2; k < i + 6; k++) {
            if (!/[0-9a-fA-F]/.test(text[k] ?? '')) {
              badEscape = true;
              return k;
            }
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          badEscape = true;
          return i + 1;
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return i;
      i++;
    }
    return n;
  };
  /** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?; returns the error offset or -1 */
  const scanNumber = (): number => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (isDigit(text[i])) while (isDigit(text[i])) i++;
    else return i;
    if (text[i] === '.') {
      i++;
      if (!isDigit(text[i])) return i;
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text[i])) return i;
      while (isDigit(text[i])) i++;
    }
    return -1;
  };
  /** a value ended at i: record it when it is a member of the top-level object */
  const ended = (): void => {
    state = 'after';
    if (stack.length === 1 && stack[0] === '{' && key !== null && valueStart >= 0) {
      if (members.has(key) && !repeated.includes(key)) repeated.push(key);
      members.set(key, [valueStart, i]);
      valueStart = -1;
    }
  };

  for (;;) {
    skipWs();
    if (state === 'value') {
      if (stack.length === 1 && stack[0] === '{') valueStart = i;
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        skipWs();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          ended();
        } else {
          state = c === '{' ? 'key' : 'value';
        }
      } else if (c === '"') {
        const at = scanString();
        if (at >= 0)
          return fail(
            at,
            at >= n ? 'unterminated string' : badEscape ? 'bad escape in a string' : 'control character in a string'
          );
        ended();
      } else if (c === '-' || isDigit(c)) {
        const at = scanNumber();
        if (at >= 0) return fail(at, `bad number (unexpected ${shown(text, at)})`);
        if (isDigit(text[i]) && text[i - 1] === '0') return fail(i, 'bad number (leading zero)');
        ended();
      } else {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : c === 'n' ? 'null' : null;
        if (!word) return fail(i, i >= n ? 'unexpected end of input' : undefined);
        for (let k = 0; k < word.length; k++, i++) {
          if (text[i] !== word[k])
            return fail(i, i >= n ? 'unexpected end of input' : `expected ${word}, found ${shown(text, i)}`);
        }
        ended();
      }
    } else if (state === 'key') {
      if (text[i] !== '"')
        return fail(
          i,
          i >= n ? 'unexpected end of input' : `expected a property name in double quotes, found ${shown(text, i)}`
        );
      const start = i;
      const at = scanString();
      if (at >= 0) return fail(at, at >= n ? 'unterminated string' : 'bad property name');
      if (stack.length === 1) key = JSON.parse(text.slice(start, i)) as string;
      skipWs();
      if (text[i] !== ':') return fail(i, `expected ':' after the property name, found ${shown(text, i)}`);
      i++;
      state = 'value';
    } else {
      if (stack.length === 0) {
        return i >= n
          ? { errorAt: null, members, repeated }
          : fail(i, `unexpected ${shown(text, i)} after the JSON value`);
      }
      const top = stack[stack.length - 1];
      const c = text[i];
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        ended();
      } else {
        return fail(
          i,
          i >= n ? 'unexpected end of input' : `expected ',' or '${top === '{' ? '}' : ']'}', found ${shown(text, i)}`
        );
      }
    }
  }
}

/** 1-based line and column of a UTF-16 offset (lines end at "\n"). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where and why `text` is not JSON, from JSON.parse's SyntaxError `e` and our own scan of the text: " at line L,
 * column C: reason", or ": reason" when neither says where (the reader puts "invalid JSON" or the like before it).
 */
export function jsonErrorDetail(text: string, e: unknown): string {
  const message = errorFirstLine(e);
  const m = /position (\d+)/.exec(message);
  const scan = scanJson(text);
  const pos = m ? Number(m[1]) : (scan.errorAt ?? (/end of (JSON )?input/i.test(message) ? text.length : -1));
  // V8 quotes the text after "Unexpected token 'x', "; the scan's reason is shorter and names what was expected
  let reason = message
    .replace(/\s*(in JSON )?at position \d+.*$/, '')
    .replace(/^JSON\.parse: /, '')
    .replace(/^(Unexpected token '.*?'), ".*$/s, '$1');
  // the scan's reason where V8 gives no place, or where the character there is one V8's own words would not name
  if (scan.errorAt !== null && scan.reason && (!m || (scan.errorAt === pos && unseen(text[pos] ?? ''))))
    reason = scan.reason;
  if (pos < 0) return `: ${reason}`;
  const { line, column } = lineColumnAt(text, pos);
  return ` at line ${line}, column ${column}: ${reason}`;
}
