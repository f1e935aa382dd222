// How error messages name a value they did not expect ("w_model: expected a number at w_model[1][1], got "x"").
// One wording everywhere: the inputs, the seed, the run-result codec and the .ddpmnb reader all use it.

/** Strings longer than this are cut (and end with "...") so that a message stays one short line. */
export const DESCRIBED_STRING_MAX = 40;

/** A short description of a value for a one-line error message: `"text"`, `42`, `null`, `an array`, `an object`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > DESCRIBED_STRING_MAX ? `${value.slice(0, DESCRIBED_STRING_MAX)}...` : value);
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Whether a value is a plain JSON-style object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
