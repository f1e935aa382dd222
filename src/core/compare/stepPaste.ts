// Step-by-step pastes (README "Comparing with PyTorch's output", step-by-step pastes): what a user who prints `x`
// inside the sampling loop pastes. Several tensor prints, in loop order, each x after one step (t = T-1 down to 0),
// optionally preceded by x_T; any other lines between them (`t = 3`, `step 997:`) are ignored (and prints of another
// shape and bracketed log text: compare.ts printsOfX; step labels may say which steps: compare.ts stepLabels). Fewer
// prints than steps are the last steps of the loop.

/** One tensor print found in a paste. */
export interface PrintSpan {
  /** the print's text */
  text: string;
  /** where it starts in the paste (characters) */
  at: number;
}

const START_RE = /^(?:tensor|array)\s*\(/;
const PARAMETER_RE = /^Parameter containing:\s*/;
/** after a list's `[`: its first item is a tensor print */
const LIST_OF_PRINTS_RE = /^\s*(?:tensor|array)\s*\(/;

/**
 * The tensor prints of a paste, in order: each `tensor(...)`, `array(...)` (with what follows in its parentheses,
 * `grad_fn=`, `dtype=`) or bracketed list (`[[...]]`, NumPy's str, `x.tolist()`) standing outside any other
 * brackets, and each tensor print in a Python list of them (`print(xs)` of `xs.append(x)`: `[tensor(...), ...]`);
 * text between them is left out. A JSON object (`{"sample": ...}`) is one print. Brackets inside a
 * print are followed to its end; a print left open runs to the end of the text (its parser then says what is missing).
 */
export function findPrints(text: string): PrintSpan[] {
  const trimmed = text.trim();
  // JSON; a Python dict's print (`{'x': tensor(...)}`) holds tensor prints like any other text
  if (trimmed.startsWith('{') && !/^\{\s*'/.test(trimmed)) return [{ text, at: 0 }];
  const out: PrintSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = (): string => text.slice(i, i + 40);
    let start = -1;
    if (c === 'P' && PARAMETER_RE.test(rest())) {
      start = i;
      i += PARAMETER_RE.exec(rest())![0].length;
    }
    const ctor = START_RE.exec(text.slice(i, i + 20));
    const free = i === 0 || !/[A-Za-z0-9_.\]]/.test(text[i - 1]); // not x[0] or np.array(
    if (free && !ctor && text[i] === '[' && LIST_OF_PRINTS_RE.test(text.slice(i + 1, i + 40))) {
      i++; // a list of tensor prints: each is found on its own
      continue;
    }
    if (free && (ctor || text[i] === '[')) {
      if (start < 0) start = i;
      if (ctor) i += ctor[0].length - 1; // at the '('
      let depth = 0;
      for (; i < text.length; i++) {
        const ch = text[i];
        if (ch === '[' || ch === '(') depth++;
        else if (ch === ']' || ch === ')') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
      out.push({ text: text.slice(start, i), at: start });
      continue;
    }
    i++;
  }
  return out;
}

/** Which step each print of a step-by-step paste shows, and that in words. */
export interface StepAssignment {
  /** per print: the step t after which x was printed, null for x_T */
  steps: (number | null)[];
  note: string;
}

function stepRange(from: number, to: number): string {
  return from === to ? `t = ${from}` : `t = ${from}..${to}`;
}

/**
 * The steps of `count` prints of a T-step loop: T + 1 prints are x_T then x after every step; at most T prints are x
 * after the last `count` steps (t = count-1 down to 0). Throws a one-line Error naming `field` for more than T + 1.
 */
export function assignSteps(count: number, T: number, field: string): StepAssignment {
  if (count > T + 1) {
    throw new Error(
      `${field}: ${count} tensor prints, but the loop has ${T} step${T === 1 ? '' : 's'} (at most ${T + 1} prints: x_T, then x after each step)`
    );
  }
  if (count === T + 1) {
    return {
      steps: [null, ...Array.from({ length: T }, (_, k) => T - 1 - k)],
      note: `${count} prints, taken as x_T (the initial noise) and then x after every step, ${stepRange(T - 1, 0)}.`
    };
  }
  const steps = Array.from({ length: count }, (_, k) => count - 1 - k);
  // one print among other text (`step 0:`, a dict's print): the sample
  if (count === 1 && T > 1) return { steps, note: '1 print, taken as the sample, x after the last step (t = 0).' };
  const which =
    count === T
      ? `after every step, ${stepRange(T - 1, 0)}`
      : `after the last ${count} of the ${T} steps, ${stepRange(count - 1, 0)}`;
  return { steps, note: `${count} prints, taken as x ${which} (in loop order; the last print is the sample).` };
}

/** The steps of a recording (explicit t per state, x_T when recorded), in words. */
export function recordedStepsNote(steps: (number | null)[], T: number, float64States = false): string {
  const hasInit = steps[0] === null;
  const ts = steps.filter((s): s is number => s !== null);
  const every = ts.length === T ? 'every step' : `${ts.length} of the ${T} steps`;
  const range = ts.length > 0 ? `, ${stepRange(ts[0], ts[ts.length - 1])}` : '';
  const how = float64States
    ? 'float64 states, each rounded to float32 as x.float() does, then bit for bit: the bitwise rule'
    : 'exact float32 bits, so the bitwise rule';
  const what = ts.length === 0 ? 'x_T only' : `${hasInit ? 'x_T and ' : ''}x after ${every}${range}`;
  return `a recording of ${what} (${how}).`;
}
