// A cancelled run, as the extension's files see it: an Error named 'AbortError' (no `vscode`, no heavy
// import, so the kernel can use it at activation). One-line messages come from src/core/errors.ts.

/** Whether `e` is a cancelled run (abortError, or what the worker reports for one). */
export const isAbort = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';

export function abortError(): Error {
  const e = new Error('run cancelled');
  e.name = 'AbortError';
  return e;
}
