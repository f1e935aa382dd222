// How error messages name a value they did not expect ("w_model: expected a number at w_model[1][1], got "x"").
// One wording everywhere: the inputs, the seed, the run-result and recording codecs and the .ddpmnb reader use it,
// and the readers of untyped JSON fields below, which throw one line naming the field.

/** Strings longer than this are cut (and end with "...") so that a message stays one short line. */
export const DESCRIBED_STRING_MAX = 40;

/**
 * `text` cut after `max` characters (ending with "...") when longer: the user's text, echoed in a one-line message.
 * A character beyond U+FFFF at the cut is kept whole or left out, never halved.
 */
export function clipped(text: string, max = DESCRIBED_STRING_MAX): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  return `${text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max)}...`;
}

/** "U+00A0": how a message names a character it cannot show, or that the reader may not tell apart (Python's way). */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A short description of a value for a one-line error message: `"text"`, `42`, `null`, `an array`, `an object`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(clipped(value));
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Whether a value is a plain JSON-style object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- reading a field of untyped JSON: its value, or an Error naming the field and what it got ----------

export function requireObject(v: unknown, field: string): Record<string, unknown> {
  if (!isObject(v)) throw new Error(`${field}: expected an object, got ${describe(v)}`);
  return v;
}

export function requireInteger(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new Error(`${field}: expected an integer >= ${min}, got ${describe(v)}`);
  return v;
}

export function requireFiniteNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${field}: expected a finite number, got ${describe(v)}`);
  return v;
}

export function requireString(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new Error(`${field}: expected a string, got ${describe(v)}`);
  return v;
}

export function requireBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new Error(`${field}: expected true or false, got ${describe(v)}`);
  return v;
}

export function requireStrings(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw new Error(`${field}: expected a list of strings, got ${describe(v)}`);
  v.forEach((s, i) => requireString(s, `${field}[${i}]`));
  return v as string[];
}
