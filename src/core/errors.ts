// Errors as users see them: one line, never a stack trace.

/** The first line of an error's message (of String(e) for anything thrown that is not an Error). */
export function errorFirstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
