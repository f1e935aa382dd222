// Errors as users see them: one line, never a stack trace.

/** The first line of an error's message (of String(e) for anything thrown that is not an Error). */
export function errorFirstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** A cancelled run: an Error named 'AbortError', like fetch and AbortSignal use. */
export function abortError(message = 'run cancelled'): Error {
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}

/** Whether `e` is a cancelled run (abortError, or what the worker reports for one). */
export const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';
