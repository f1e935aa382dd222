// The diff of our float32 sample against PyTorch output the user pasted, put together: the paste is read and
// laid over our sample (pasteLayout.ts), its rule chosen from how it was printed (ruleChoice.ts, literalStyle.ts;
// NumPy's prints by NumPy's printing rule, numpyPrint.ts), each element judged (statistics.ts) and the result
// summed up in torch.testing.assert_close's words (summaryText.ts). A paste of several prints is a step-by-step
// paste (stepPaste.ts): each print is judged against our state after the same step. When the paste does not
// match, the other RNG profiles are tried and the diagnosis catalogue (src/core/diagnosis/) is run under the same
// rule to name the mistakes that reproduce it.
import type {
  Comparison,
  DiagnosisEntry,
  FirstDivergence,
  MatrixF32,
  ProfilePair,
  RngProfile,
  RunResult,
  SamplerInputs,
  StepComparisonSummary
} from '../types';
import { clipped } from '../describe';
import { RNG_PROFILES } from '../types';
import { tokenValue, type ParsedTensor } from '../tensors/parseTensor';
import { judgeNumpyPaste, numpyTokensPinFloat32, type NumpyFloatDtype } from '../tensors/numpyPrint';
import { formatFloat32Shortest, pythonTuple } from '../tensors/printTensor';
import { runSampler } from '../sampler/sampler';
import { nextDownF32, nextUpF32, roundToBfloat16, roundToFloat16 } from '../float32';
import { diagnoseSample, diagnoseTrajectory } from '../diagnosis/diagnose';
import { mistakeInfo, type MistakeId } from '../diagnosis/catalogue';
import { correctStates, stepBefore, type Schedule64 } from '../diagnosis/loop';
import { float64LoopHint, float64LoopReproducing, type Float64LoopInputs } from '../diagnosis/float64Loop';
import { TRANSPOSED_DRAW_NOTE, transposedDraw } from '../diagnosis/transposedDraw';
import { float64DrawDiffers, float64XTNote } from '../run/recording';
import { layPaste, parsePaste, type Layout } from './pasteLayout';
import {
  chooseNumpyRule,
  chooseRule,
  elementJudge,
  iscloseF64,
  numpyRuleExplanation,
  printsAsPasted,
  type RuleChoice
} from './ruleChoice';
import {
  float32sPrintedAsShown,
  float32sPrintedWithNine,
  longerThanShortestF32,
  halfUnitOfDigit,
  significantDigits,
  sameDouble,
  sameFloat32
} from './literalStyle';
import { elementStatistics } from './statistics';
import { buildSummary, diagnosisLines, pairLine, profileLine, stepLines, withinToleranceWords } from './summaryText';
import { assignSteps, findPrints, recordedStepsNote, type PrintSpan } from './stepPaste';
import {
  mistakeUnderLeadingPair,
  profilePairs,
  profilePairsReproducing,
  runPair,
  samePair
} from '../diagnosis/profilePairs';

/** torch.testing's default tolerances for float32 (torch/testing/_comparison.py: _DTYPE_PRECISIONS). */
export const DEFAULT_RTOL_F32 = 1.3e-6;
export const DEFAULT_ATOL_F32 = 1e-5;

/**
 * The diagnosis runs the catalogue as a plain JavaScript loop (diagnose.ts): about 25 runs of the loop in the worst
 * case, each costing about N * (d + 1) * d multiply-adds per step and STEP_WORK of its own. Beyond this many per run
 * ((N * (d + 1) * d + STEP_WORK) * steps, loopWork) it is not run, and the comparison says so (diagnosisNote): about
 * 0.1 s per entry here.
 */
export const DIAGNOSIS_MAX_WORK = 2e7;

export interface CompareOptions {
  /** relative tolerance; giving rtol or atol selects the tolerance rule */
  rtol?: number;
  /** absolute tolerance; giving rtol or atol selects the tolerance rule */
  atol?: number;
  /** the name used in error messages for the pasted text (default "expected") */
  field?: string;
  /** run the diagnosis catalogue when the paste does not match (default true; compareRun only) */
  diagnose?: boolean;
  /** checked between steps of the diagnosis; when it returns true the comparison throws an AbortError */
  shouldStop?: () => boolean;
  /** betas and alpha_bar as the user's float64 tensors held them (a recording), for the schedule-float64 entry */
  schedule64?: Schedule64;
  /**
   * betas and alpha_bar as the inputs were written (their decimals read as doubles): when the diagnosis finds
   * nothing with `schedule64` (or the float32 values), it is run again with these as the float64 schedule, which
   * is what `torch.tensor([...decimals], dtype=torch.float64)` holds
   */
  writtenSchedule?: Schedule64;
  /** set by compareRecording: the summary speaks of recorded states instead of prints */
  source?: 'recording';
  /** set by compareRecording: why x_T differs when the recording knows (a float64 x_T), said instead of "check the seed" */
  xTNote?: string;
  /** set by compareRun: the paste is a list of the rows' own prints (print(list(x))), each in its own style */
  rowPrints?: boolean;
  /** set by compareRun: the prints are the matrices of a stacked trajectory (torch.stack(xs)), which have no labels */
  stacked?: boolean;
}

/** The float64 schedules the diagnosis tries, in order: the recorded (or float32) one, then the written one. */
function schedules64(opts: CompareOptions): (Schedule64 | undefined)[] {
  return opts.writtenSchedule ? [opts.schedule64, opts.writtenSchedule] : [opts.schedule64];
}

/**
 * Compares our float32 sample with pasted PyTorch output (a printed tensor, a list, or our CLI's JSON).
 * The rule is chosen from the paste (see chooseRule) unless rtol/atol are given, which select the tolerance rule.
 * Throws an Error with a one-line message naming the field when the paste cannot be read.
 */
export function compareSample(ours: MatrixF32, expectedText: string, opts: CompareOptions = {}): Comparison {
  return judgeSample(ours, preparePaste(expectedText, ours.rows, ours.cols, opts));
}

/** The paste read, laid over a (rows, cols) sample and its rule chosen: all that does not depend on our values. */
interface PreparedPaste {
  expectedText: string;
  rtol: number;
  atol: number;
  parsed: ParsedTensor;
  layout: Layout;
  choice: RuleChoice;
  /** row-major indices of the elements the paste gives */
  knownAt: number[];
  /** the paste holds float64 values (pasteIsFloat64): compared as they are, not rounded to float32 */
  float64: boolean;
  /** the pasted values, per element (NaN where none): as float32 (torch.tensor(pasted)), or as doubles when float64 */
  pasted: Float64Array;
}

function tolerances(opts: CompareOptions): { rtol: number; atol: number; explicitTol: boolean } {
  const explicitTol = opts.rtol !== undefined || opts.atol !== undefined;
  const rtol = opts.rtol ?? DEFAULT_RTOL_F32;
  const atol = opts.atol ?? DEFAULT_ATOL_F32;
  if (!(rtol >= 0) || !Number.isFinite(rtol)) throw new Error(`rtol: expected a finite number >= 0, got ${rtol}`);
  if (!(atol >= 0) || !Number.isFinite(atol)) throw new Error(`atol: expected a finite number >= 0, got ${atol}`);
  return { rtol, atol, explicitTol };
}

function prepared(
  expectedText: string,
  parsed: ParsedTensor,
  layout: Layout,
  choice: RuleChoice,
  rtol: number,
  atol: number,
  float64 = false
): PreparedPaste {
  const knownAt: number[] = [];
  const pasted = new Float64Array(layout.literals.length).fill(NaN);
  layout.literals.forEach((l, k) => {
    if (l === null) return;
    knownAt.push(k);
    // torch.tensor(pasted) holds float32 values; a float64 paste is kept as printed
    pasted[k] = float64 ? tokenValue(l) : Math.fround(tokenValue(l));
  });
  return { expectedText, rtol, atol, parsed, layout, choice, knownAt, float64, pasted };
}

/** A number padded on the left (`[ 0.5`, `,  0.25`): a print's alignment (NumPy's, PyTorch's), never a Python list's. */
const LEFT_PADDING = /\[ +[-+0-9.n]|, {2,}[-+0-9.n]/;

/**
 * Whether a paste holds float64 values: a PyTorch print saying `dtype=torch.float64`, or a Python list (x.tolist(),
 * whose numbers Python prints as the shortest decimals of the doubles) with a number of 10 or more significant digits
 * that is no float32 value, which a float32 tensor's list never holds (its loop ran in float64); a float32 value's
 * shortest decimal (NumPy's repr, `sample --json`: 9 digits at most) is not such a number. Such values are compared
 * as they are: rounded to float32 first, a float64 loop's output could read as ours bit for bit.
 */
function pasteIsFloat64(parsed: ParsedTensor, literals: readonly string[]): boolean {
  if (parsed.source === 'torch') return parsed.dtype === 'float64';
  if (parsed.source !== 'list') return false;
  const longNoFloat32 = literals.some((l) => {
    const v = tokenValue(l);
    return Number.isFinite(v) && significantDigits(l) >= 10 && Math.fround(v) !== v;
  });
  // a float32 array written with 10 to 16 digits ('%.12g', '%.12e', '%.12f') shows numbers that are no float32
  // values either, but each is its float32 value rounded to the digits it shows
  return longNoFloat32 && !float32sPrintedAsShown(literals);
}

const NAN_ONLY_NOTE =
  'Every mismatched element is nan on both sides, which the tolerance rule never counts equal (torch.testing.assert_close(..., equal_nan=False)): no profile or mistake in the loop is looked for.';

/** Whether every mismatched element is nan in ours and in the paste (and some is). */
function onlyNanMismatches(c: Comparison, ours: Float32Array): boolean {
  if (c.mismatched === 0) return false;
  for (let k = 0; k < ours.length; k++)
    if (c.mismatchMask[k] === 1 && !(Number.isNaN(ours[k]) && Number.isNaN(c.expected.data[k]))) return false;
  return true;
}

/**
 * A float32 `array(...)` whose numbers NumPy cannot have printed, so they are read as the decimals they are (the
 * list rule: bitwise when every one identifies a float32 value): `np.array(x.tolist(), dtype=np.float32)` written
 * out. NumPy prints a float32 by its shortest decimal (at most 9 significant digits, cut at the precision) unless
 * floatmode is 'fixed' or 'maxprec_equal', which print every number with the same digits after the point; here some
 * number has more significant digits than that and they do not all show the same digits after the point.
 */
function notNumpyFloat32Digits(dtype: string, literals: readonly string[]): boolean {
  if (dtype !== 'float32') return false;
  const { pointDigitsVary, mostDigits } = digitsShown(literals);
  return pointDigitsVary && mostDigits > 9;
}

/** The numbers' digits (nan and inf left out): whether those after the point vary, and the most any number shows. */
function digitsShown(literals: readonly string[]): { pointDigitsVary: boolean; mostDigits: number } {
  let after = -1;
  let pointDigitsVary = false;
  let mostDigits = 0;
  for (const l of literals) {
    const m = /^[-+]?(\d+)(?:\.(\d*))?(?:e[-+]?\d+)?$/i.exec(l.trim());
    if (!m) continue; // nan, inf
    const frac = m[2]?.length ?? 0;
    if (after >= 0 && frac !== after) pointDigitsVary = true;
    after = frac;
    mostDigits = Math.max(mostDigits, significantDigits(l));
  }
  return { pointDigitsVary, mostDigits };
}

/**
 * A NumPy print (repr, str or array2string) of float32 values with 9 significant digits or more where NumPy's own
 * print shows a float32's shortest decimal, and not the same digits after the point for every number (floatmode
 * 'fixed' or 'maxprec_equal'): a formatter's print, `formatter={'float_kind': '{:.9g}'.format}`, whose digits each
 * identify a float32 value (literalStyle.ts float32sPrintedWithNine). The cheap tests first: a NumPy print of
 * 10^5 numbers or more is no rare paste, and each shortest decimal costs about 2 us.
 */
function numpyFormatterNineDigits(dtype: string, literals: readonly string[]): boolean {
  if (dtype === 'float64') return false;
  const { pointDigitsVary, mostDigits } = digitsShown(literals);
  return (
    pointDigitsVary && mostDigits >= 9 && float32sPrintedWithNine(literals) && literals.some(longerThanShortestF32)
  );
}

const FORMATTER_NOTE =
  " The paste is a NumPy print with more digits than NumPy's own print of a float32 shows (its shortest decimal), as a formatter such as np.set_printoptions(formatter={'float_kind': '{:.9g}'.format}) prints, so its numbers are read as the decimals they are.";

const WRITTEN_NOTE =
  " The paste is written as NumPy's repr of a float32 array, but with more digits than NumPy prints of a float32 (as np.array(x.tolist(), dtype=np.float32) is written), so its numbers are read as the decimals they are.";

const FLOAT64_NOTE =
  ' The pasted values are float64 (the loop that printed them ran in float64: its x, schedule or weights were float64 tensors), so they are compared as printed, not rounded to float32: none can be our float32 value bit for bit unless it is a float32 value itself (0 float32 ulps: the pasted value rounds to ours).';

function preparePaste(expectedText: string, rows: number, cols: number, opts: CompareOptions): PreparedPaste {
  const field = opts.field ?? 'expected';
  const { rtol, atol, explicitTol } = tolerances(opts);
  const parsed = parsePaste(expectedText, field);
  const layout = layPaste(parsed, expectedText, rows, cols);
  const knownLits = layout.literals.filter((l): l is string => l !== null);
  const writtenRepr = parsed.kind === 'numpy-repr' && notNumpyFloat32Digits(parsed.dtype, knownLits);
  const formatterDigits =
    !writtenRepr &&
    (parsed.kind === 'numpy-repr' || parsed.kind === 'numpy-str' || parsed.kind === 'numpy-list') &&
    numpyFormatterNineDigits(parsed.dtype, knownLits);
  const written = writtenRepr || formatterDigits;
  const numpy =
    !written && (parsed.kind === 'numpy-repr' || parsed.kind === 'numpy-str' || parsed.kind === 'numpy-list')
      ? parsed.kind
      : null;
  // a list with a print's padding (the inside of a PyTorch print, np.array2string with every number as wide): its
  // digits are a print's, each number rounded to as many digits after the point (not x.tolist()'s of float64 values),
  // judged as PyTorch prints them (at a fixed precision NumPy's rounding is the same)
  const printBody = parsed.source === 'list' && LEFT_PADDING.test(expectedText);
  const float64 = !numpy && !printBody && pasteIsFloat64(parsed, knownLits);
  const chosen =
    numpy && !explicitTol
      ? chooseNumpyRule(numpy)
      : chooseRule(
          // nothing laid over our sample (a summarised print of another shape): the rule the paste's own numbers ask
          knownLits.length > 0 ? knownLits : (parsed.literals ?? []).filter((l) => /\d/.test(l)),
          written ? 'list' : printBody ? 'torch' : parsed.source,
          explicitTol,
          rtol,
          atol,
          float64 && parsed.source === 'torch',
          parsed.kind === 'savetxt',
          opts.rowPrints === true,
          parsed.shape.length === 0 && parsed.source === 'list'
        );
  // (a float64 print judged by its printed digits says so in its own explanation)
  const note =
    (float64 && chosen.rule !== 'printed-precision' ? FLOAT64_NOTE : '') +
    (written && !explicitTol ? (formatterDigits ? FORMATTER_NOTE : WRITTEN_NOTE) : '');
  const choice = note ? { ...chosen, explanation: chosen.explanation + note } : chosen;
  return prepared(expectedText, parsed, layout, choice, rtol, atol, float64);
}

/** A state recorded bit for bit (a recording's x): judged bitwise, as a list of its shortest decimals would be. */
function prepareExact(m: MatrixF32, description: string, rows: number, cols: number): PreparedPaste {
  const literals = Array.from(m.data, (v) => formatFloat32Shortest(v));
  const parsed: ParsedTensor = {
    shape: [m.rows, m.cols],
    values: Float64Array.from(m.data),
    dtype: 'float32',
    summarized: false,
    printedDecimals: null,
    source: 'list',
    kind: 'list',
    literals
  };
  const sameShape = m.rows === rows && m.cols === cols;
  const layout: Layout = sameShape
    ? { literals, shapeMismatch: false }
    : {
        literals: new Array(rows * cols).fill(null),
        shapeMismatch: true,
        mismatchedShape: [m.rows, m.cols],
        shapeNote: `the recorded state has shape ${pythonTuple([m.rows, m.cols])} but ours is ${pythonTuple([rows, cols])}; nothing compared.`
      };
  const choice: RuleChoice = {
    rule: 'bitwise',
    pinned: true,
    style: null,
    recorded: true,
    explanation:
      'bitwise: a recording holds the exact float32 bits of each state, so an element matches only when it is our float32 value bit for bit.'
  };
  return prepared(description, parsed, layout, choice, 0, 0);
}

/** NumPy's printing rule applied to our values at the pasted places: per element whether it prints as pasted. */
function numpyJudgement(
  values: ArrayLike<number>,
  paste: PreparedPaste
): { printed: Uint8Array; explanation: string; allMatch: boolean; pinned: boolean } {
  const { parsed, layout, knownAt, choice } = paste;
  const dtypes: NumpyFloatDtype[] =
    parsed.kind === 'numpy-repr' && (parsed.dtype === 'float32' || parsed.dtype === 'float64')
      ? [parsed.dtype]
      : ['float32', 'float64'];
  const j = judgeNumpyPaste(
    knownAt.map((k) => values[k]),
    knownAt.map((k) => layout.literals[k]!),
    dtypes
  );
  const printed = new Uint8Array(layout.literals.length);
  knownAt.forEach((k, i) => {
    printed[k] = j.matches[i] ? 1 : 0;
  });
  // every element prints as ours, digit for digit, in a notation NumPy's options would not choose for these values:
  // printed by a formatter (np.set_printoptions(formatter=...)). In scientific notation, values NumPy prints fixed;
  // in fixed notation, values of 1e8 or more, which NumPy prints in scientific notation even with suppress=True
  // (arrayprint.py FloatingFormat.fillFormat), and whose digits a fixed print shows in full
  if (!j.formatAgrees && j.notation !== 'none' && j.matched === knownAt.length) {
    const scientific = j.notation === 'scientific';
    const pattern = scientific ? /\.(\d+)e/i : /\.(\d*)$/;
    // the digits after the point of each number (nan and inf have none)
    const counts = knownAt.flatMap((k) => pattern.exec(layout.literals[k]!)?.[1].length ?? []);
    const digits = counts.reduce((a, b) => Math.max(a, b), -Infinity); // (no spread: a paste of 10^6 numbers)
    const upTo = counts.every((n) => n === digits) ? '' : 'up to ';
    const what = choice.numpy === 'numpy-repr' ? 'a NumPy repr' : 'a NumPy print';
    const why = scientific ? '' : 'NumPy prints values of 1e8 or more in scientific notation; ';
    return {
      printed,
      allMatch: true,
      pinned: !scientific && j.dtype === 'float32' && formatterPinned(paste),
      explanation: `printed precision: the paste is ${what} of a ${j.dtype} array in ${scientific ? 'scientific' : 'fixed'} notation with ${upTo}${digits} digits after the point, which NumPy's print options do not choose for these values (${why}a formatter, np.set_printoptions(formatter=...), printed it), so an element matches when our value, printed in that notation with those digits, gives the pasted text.`
    };
  }
  return {
    printed,
    allMatch: j.matched === knownAt.length && j.formatAgrees,
    // (a str or array2string print does not show its dtype: a float64 array's might print these digits too)
    pinned:
      j.dtype === 'float32' && parsed.kind === 'numpy-repr'
        ? numpyTokensPinFloat32(
            knownAt.map((k) => layout.literals[k]!),
            j.floatmode,
            j.precision
          )
        : j.floatmode === 'maxprec' && numpyPinned(paste, j.precision),
    explanation: numpyRuleExplanation(choice.numpy!, j.dtype, j.precision, j.suppress, j.formatAgrees, j.floatmode)
  };
}

/**
 * Whether a NumPy paste's tokens identify the values exactly: each nan or inf does, each token in positional notation
 * does when `pins` says so of it (its text and its digits after the point), and no other token does.
 */
function positionalPinned(paste: PreparedPaste, pins: (lit: string, digits: number) => boolean): boolean {
  return paste.knownAt.every((k) => {
    const lit = paste.layout.literals[k]!;
    if (/nan|inf/i.test(lit)) return true;
    const m = /^[-+]?\d+\.(\d*)$/.exec(lit);
    return m !== null && pins(lit, m[1].length);
  });
}

/** NumPy's own print: every token positional with fewer digits than the precision cut (its shortest decimal). */
function numpyPinned(paste: PreparedPaste, precision: number): boolean {
  return positionalPinned(paste, (_, digits) => digits < precision);
}

/**
 * A formatter's print in fixed notation. Each token is a value rounded to a unit of its last digit, so it names one
 * float32 value where the float32 values next to the one it rounds to lie more than that unit away (with 4 digits
 * after the point, from 1024 up): no other prints as it does.
 */
function formatterPinned(paste: PreparedPaste): boolean {
  return positionalPinned(paste, (lit, digits) => {
    const unit = 10 ** -digits;
    const v = Math.fround(Number(lit));
    return nextUpF32(v) - v > unit && v - nextDownF32(v) > unit;
  });
}

/** Judges our sample against a prepared paste. */
function judgeSample(ours: MatrixF32, paste: PreparedPaste): Comparison {
  const { expectedText, rtol, atol, parsed, layout } = paste;
  let choice = paste.choice;
  const { rows, cols } = ours;
  const half = halfNote(ours.data, paste);
  if (half) choice = { ...choice, explanation: choice.explanation + half };
  let printed: Uint8Array | undefined;
  if (choice.numpy) {
    const nj = numpyJudgement(ours.data, paste);
    printed = nj.printed;
    choice = { ...choice, explanation: nj.explanation, pinned: nj.pinned };
  }
  if (!printed && (choice.generalDigits || choice.wholeNumbers)) {
    // np.savetxt's '%g' or whole numbers: ours written so, against the pasted text
    printed = new Uint8Array(layout.literals.length);
    for (const k of paste.knownAt)
      printed[k] = printsAsPasted(choice, ours.data[k], layout.literals[k]!, parsed.source) ? 1 : 0;
  }
  if (!printed && choice.pinned && choice.rule === 'bitwise') {
    // each pasted number identifies one float32 value: ours prints as it exactly when ours is that value
    printed = new Uint8Array(layout.literals.length);
    const same = paste.float64 ? sameDouble : sameFloat32;
    for (const k of paste.knownAt) printed[k] = same(ours.data[k], paste.pasted[k]) ? 1 : 0;
  }
  const stats = elementStatistics(
    ours,
    layout.literals,
    parsed.source,
    elementJudge(choice.rule, rtol, atol, paste.float64),
    printed,
    paste.float64
  );
  const { compared, mismatched } = stats;
  const bitwiseEqual = compared > 0 && choice.pinned && stats.allBitsEqual && !layout.shapeMismatch;
  // every value agrees as printed, and the print does not say more: the summary's "cannot tell"
  const bitwiseUnknown = compared > 0 && !choice.pinned && !stats.anyPrintDiffers;
  const matches = compared > 0 && mismatched === 0 && !layout.shapeMismatch;
  const printedDecimals = choice.numpy
    ? null
    : choice.style?.kind === 'fixed'
      ? choice.style.decimals
      : choice.style?.kind === 'int'
        ? 0
        : null;
  let shapeNote = layout.shapeNote;
  const pastedShape = layout.pastedShapeText ?? (layout.mismatchedShape ? pythonTuple(layout.mismatchedShape) : null);
  if (layout.sameSize && pastedShape) {
    const shapes = `the shapes differ: ${pastedShape} pasted vs ${pythonTuple([rows, cols])} ours`;
    const which = compared === rows * cols ? `the ${compared} values` : `the ${compared} values shown`;
    shapeNote =
      mismatched === 0
        ? `${which} agree in row-major order; ${shapes}.`
        : compared === rows * cols
          ? `${shapes}; both hold ${compared} values, compared in row-major order: ${mismatched} differ.`
          : `${shapes}; the ${compared} values the print shows, compared in row-major order: ${mismatched} differ.`;
  }

  const c: Comparison = {
    rule: choice.rule,
    ruleExplanation: choice.explanation,
    rtol,
    atol,
    expectedText,
    expected: { rows, cols, data: stats.expected },
    expectedLiterals: layout.literals.slice(),
    known: compared === rows * cols ? null : stats.known,
    printedDecimals,
    ...(shapeNote ? { shapeNote } : {}),
    compared,
    mismatched,
    mismatchMask: stats.mismatchMask,
    absDiff: stats.absDiff,
    greatestAbs: stats.greatestAbs,
    greatestRel: stats.greatestRel,
    maxUlps: stats.maxUlps,
    bitwiseEqual,
    ...(bitwiseUnknown ? { bitwiseUnknown } : {}),
    matches,
    summary: ''
  };
  const { maxUlpsAt, nanOneSided, nanBoth, allBitsEqual } = stats;
  c.summary = buildSummary(c, choice, {
    mismatchedShape: layout.mismatchedShape,
    sameSize: layout.sameSize,
    maxUlpsAt,
    maxUlpsAcrossZero: maxUlpsAt >= 0 && ours.data[maxUlpsAt] * c.expected.data[maxUlpsAt] < 0,
    nanOneSided,
    nanBoth,
    allBitsEqual
  });
  const first = firstMismatch(c);
  c.firstDivergence = c.matches ? null : { step: 0, index: first };
  return c;
}

/**
 * A PyTorch print of a float16 or bfloat16 tensor (`dtype=torch.float16`): its values were rounded to that dtype
 * before printing, so they are no float32 sample's. Says so, and whether our sample converted the same way
 * (`x.half()`, `x.bfloat16()`) prints as the paste: then the loop's result was right and only its conversion (or a
 * loop run in that dtype) makes the difference. Null for any other paste.
 */
function halfNote(ours: Float32Array, paste: PreparedPaste): string | null {
  const { dtype } = paste.parsed;
  if (paste.parsed.source !== 'torch' || (dtype !== 'float16' && dtype !== 'bfloat16')) return null;
  const [round, bits, method] =
    dtype === 'float16' ? [roundToFloat16, 11, 'x.half()'] : [roundToBfloat16, 8, 'x.bfloat16()'];
  const same = valuesMatch(Float32Array.from(ours, round), paste);
  return (
    ` The pasted tensor is ${dtype} (dtype=torch.${dtype}): PyTorch rounded its values to ${bits} significant bits before printing them, so they are not a float32 sample's values;` +
    (same
      ? ` our sample converted to ${dtype} (${method}) prints as your paste: the values agree up to that rounding (your x, or what you printed, was ${dtype}).`
      : ` our sample converted to ${dtype} (${method}) does not print as your paste either.`)
  );
}

/**
 * A paste that is one Python list of `rows` 1-D tensor prints of `cols` values each, as `print(list(x))` prints an
 * (N, d) tensor or NumPy array (`[tensor([...]), tensor([...]), ...]`, `[array([...], dtype=float32), ...]`), or
 * those prints one a line, as `for row in x: print(row)` prints them (two rows or more: one 1-D print alone has its
 * own shape): the same values as one 2-D print of the first kind (`tensor([[...], [...]])`, with the prints' own
 * keywords), each number as its row's print wrote it, and which of the two forms it was; null for any other paste (a
 * step-by-step one prints 2-D states).
 */
function rowsAsMatrix(
  text: string,
  prints: PrintSpan[],
  rows: number,
  cols: number,
  field: string
): { text: string; form: 'list' | 'lines' } | null {
  if (prints.length !== rows) return null;
  // nothing but the prints, the list's brackets and the commas between them (a list of one row too: N = 1), or
  // nothing but the prints, each on a line of its own
  const gaps = prints.map((p, k) => text.slice(k === 0 ? 0 : prints[k - 1].at + prints[k - 1].text.length, p.at));
  const last = prints[rows - 1];
  const tail = text.slice(last.at + last.text.length);
  const inner = gaps.slice(1);
  const form =
    /^\s*\[[\s,]*$/.test(gaps[0]) && /^[\s,]*\]\s*$/.test(tail) && inner.every((g) => /^[\s,]*$/.test(g))
      ? 'list'
      : rows > 1 && /^\s*$/.test(gaps[0]) && /^\s*$/.test(tail) && inner.every((g) => /^[^\S\n]*\n\s*$/.test(g))
        ? 'lines'
        : null;
  if (!form) return null;
  const parts: { ctor: string; list: string; kwargs: string }[] = [];
  for (const p of prints) {
    // one level of brackets (a 2-D print, a step's state, is no row), then read as a print of `cols` values
    const m = /^\s*(tensor|array)\s*\(\s*(\[[^[\]]*\])([^()[\]]*)\)\s*$/.exec(p.text);
    if (!m) return null;
    let parsed: ParsedTensor;
    try {
      parsed = parsePaste(p.text, field);
    } catch {
      return null;
    }
    if (parsed.shape.length !== 1 || parsed.shape[0] !== cols || parsed.summarized) return null;
    parts.push({ ctor: m[1], list: m[2], kwargs: m[3] });
  }
  const [first] = parts;
  if (parts.some((q) => q.ctor !== first.ctor || q.kwargs.trim() !== first.kwargs.trim())) return null;
  return { text: `${first.ctor}([${parts.map((q) => q.list).join(',\n ')}]${first.kwargs})`, form };
}

/**
 * A print of a stacked trajectory, shape (K, rows, cols) with 2 <= K <= T + 2 (torch.stack(xs) printed or its
 * tolist(), np.stack(xs) saved): its K matrices as K prints of their own, each written as the print wrote it (its
 * constructor and keywords around it), for the step-by-step comparison; null for anything else.
 */
function stackedStates(
  text: string,
  rows: number,
  cols: number,
  T: number,
  field: string
): { text: string; count: number } | null {
  if (!text.includes('[[[')) return null;
  let parsed: ParsedTensor;
  try {
    parsed = parsePaste(text, field);
  } catch {
    return null;
  }
  const [count, r, c] = parsed.shape;
  // (T + 2: the sample appended once more, left out as for T + 2 prints)
  if (parsed.shape.length !== 3 || r !== rows || c !== cols || count < 2 || count > T + 2 || parsed.summarized)
    return null;
  // the blocks one bracket in: each matrix's own text
  const open = text.indexOf('[');
  const blocks: string[] = [];
  let depth = 0;
  let start = -1;
  let close = -1;
  for (let i = open; i < text.length && close < 0; i++) {
    if (text[i] === '[' && ++depth === 2) start = i;
    else if (text[i] === ']') {
      if (depth === 2) blocks.push(text.slice(start, i + 1));
      if (--depth === 0) close = i;
    }
  }
  if (blocks.length !== count || close < 0) return null;
  const [head, tail] = [text.slice(0, open), text.slice(close + 1)];
  return { text: blocks.map((b) => `${head}${b}${tail}`).join('\n'), count };
}

function firstMismatch(c: Comparison): [number, number] | null {
  const k = c.mismatchMask.indexOf(1);
  return k < 0 ? null : [Math.floor(k / c.expected.cols), k % c.expected.cols];
}

/**
 * Whether values (a candidate's state, row-major like our sample) satisfy the paste's rule at every pasted element:
 * what judgeSample decides, without building the comparison (the diagnosis asks it once per candidate and step).
 */
function valuesMatch(values: Float32Array, paste: PreparedPaste): boolean {
  const { layout, knownAt, pasted, choice, parsed, rtol, atol } = paste;
  if (layout.shapeMismatch || knownAt.length === 0) return false;
  if (choice.numpy) return numpyJudgement(values, paste).allMatch;
  const judge = elementJudge(choice.rule, rtol, atol, paste.float64);
  const needsPrint = choice.rule === 'printed-precision';
  for (const k of knownAt) {
    const a = values[k];
    const b = pasted[k];
    let printsSame = false;
    if (needsPrint) {
      const lit = layout.literals[k]!;
      printsSame = printsAsPasted(choice, a, lit, parsed.source);
    }
    if (!judge(a, b, printsSame)) return false;
  }
  return true;
}

/**
 * torch.testing.assert_close's float32 defaults on one element (ours, theirs), with `slack` added to the allowed
 * difference (theirs rounded when printed: half a unit of its last significant digit).
 */
export const closeByDefaults = (ours: number, theirs: number, slack = 0): boolean =>
  iscloseF64(ours, theirs, DEFAULT_RTOL_F32, DEFAULT_ATOL_F32, slack);

/**
 * A '%g' paste's slack per element: half a unit of its p-th digit (the value it was rounded from lies within it);
 * worked out once per paste, as closeToPaste judges every candidate of the diagnosis against the same numbers.
 */
const roundingSlack = new WeakMap<PreparedPaste, Float64Array>();
function slackOf(paste: PreparedPaste, p: number): Float64Array {
  let slack = roundingSlack.get(paste);
  if (!slack) {
    slack = new Float64Array(paste.pasted.length);
    for (const k of paste.knownAt) slack[k] = halfUnitOfDigit(paste.pasted[k], p);
    roundingSlack.set(paste, slack);
  }
  return slack;
}

/** Whether every element the paste gives is within torch.testing.assert_close's float32 defaults of `values`. */
function closeToPaste(values: Float32Array, paste: PreparedPaste): boolean {
  const { layout, knownAt, pasted } = paste;
  if (layout.shapeMismatch || knownAt.length === 0) return false;
  const p = paste.choice.generalDigits;
  // '%g': within the tolerance of some value the printed number was rounded from (half a unit of its p-th digit away)
  const slack = p === undefined ? null : slackOf(paste, p);
  return knownAt.every((k) => closeByDefaults(values[k], pasted[k], slack ? slack[k] : 0));
}

/** Whether a paste's numbers identify or nearly identify values, so that a correct loop close to them says something: exact values, or '%g' with 5 to 8 digits. */
function nearlyExact(paste: PreparedPaste): boolean {
  return paste.choice.rule === 'bitwise' || paste.choice.generalDigits !== undefined;
}

/**
 * When no catalogue entry reproduces exact values (`what`) bit for bit: the correct loop within assert_close's
 * tolerance of them says a rewrite of the loop (or an unprofiled BLAS), not a mistake, and `advice` adds the options
 * that judge them so; else the entries that give them within that tolerance (`near`, run by the caller, with the step
 * it ran them from) are the mistake written with other operations (Ho et al.'s code computes sigma and the clipped
 * x_0 so). Returns the entries (marked approximate) or the note.
 */
function nearDiagnosis(
  correctIsClose: boolean,
  maxUlps: number | null,
  what: string,
  advice: boolean,
  /** the pasted values are float64 (a loop run in float64 printed them) */
  float64: boolean,
  /** the pasted numbers are rounded ('%g' with 5 to 8 digits): closeness allows for it, and ulps to them say nothing */
  rounded: boolean,
  near: () => { ids: MistakeId[]; from?: number }
): { diagnosis: DiagnosisEntry[]; note?: string; from?: number } {
  if (correctIsClose) {
    // (rounded numbers: no ulps to them, and tolerances would not judge them, their rounding aside)
    const how = rounded ? 'at its printed precision' : 'bit for bit';
    const words = withinToleranceWords('the correct loop is', 'it', rounded ? null : (maxUlps ?? 0), float64);
    const tip = rounded
      ? "; save x with np.save (or np.savetxt's default fmt, '%.18e') to see it bit for bit"
      : '; compare with --rtol 1.3e-6 --atol 1e-5 to judge it so';
    return {
      diagnosis: [],
      note: `no entry of the diagnosis catalogue reproduces ${what} ${how}, and none is needed: ${words}${advice ? tip : ''}.`
    };
  }
  const { ids, from } = near();
  return { diagnosis: entries(ids).map((e) => ({ ...e, approximate: true })), ...(from !== undefined ? { from } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Runs: the RNG profiles, step-by-step pastes and the diagnosis

/**
 * What a step of the loop costs beyond its multiply-adds, counted as multiply-adds: seeding its generator (624 words,
 * then a twist) and its coefficients. Measured on `cli compare` of a mismatch with N = d = 1: about 0.11 ms a step
 * for the whole search (every profile, every entry), which took 130 s at T = 10^6 before steps were counted.
 */
const STEP_WORK = 1000;

/** The work of one run of the loop (multiply-adds, and STEP_WORK a step), for DIAGNOSIS_MAX_WORK. */
export function loopWork(inputs: Pick<SamplerInputs, 'n' | 'd'>, steps: number): number {
  return (inputs.n * (inputs.d + 1) * inputs.d + STEP_WORK) * steps;
}

function tooLargeNote(inputs: SamplerInputs, steps: number): string {
  return `not run: the catalogue runs as plain JavaScript, and (N * (d + 1) * d + ${STEP_WORK}) * steps = ${loopWork(inputs, steps)} multiply-adds per entry (${STEP_WORK} for each step's own work) is beyond ${DIAGNOSIS_MAX_WORK} (DIAGNOSIS_MAX_WORK); compare a smaller run (fewer samples or steps) for a diagnosis.`;
}

/** What the summary says when the run is too large to rerun under every (RNG, matmul) pair. */
function pairsNotTriedLine(inputs: SamplerInputs): string {
  return `Profile pairs: not tried: the other matmul profiles run as plain JavaScript, and this run's ${loopWork(inputs, inputs.betas.length)} multiply-adds are beyond ${DIAGNOSIS_MAX_WORK} (DIAGNOSIS_MAX_WORK); run compare with --matmul openblas-haswell (and --profile) to try a profile yourself.`;
}

function entries(ids: MistakeId[], profile?: RngProfile, pair?: ProfilePair): DiagnosisEntry[] {
  return ids.map((id) => {
    const { title, explanation, pytorch } = mistakeInfo(id);
    return { id, title, explanation, pytorch, ...(profile ? { profile } : {}), ...(pair ? { pair } : {}) };
  });
}

/**
 * Compares a run's sample with pasted PyTorch output. When the run's RNG profile does not match, reruns the
 * sampler under each other profile (without trajectory) and reports which reproduce the paste (profileSearch);
 * when none does, runs the diagnosis catalogue (diagnosis). A paste of several prints is a step-by-step paste
 * (see compareSteps).
 */
export function compareRun(
  inputs: SamplerInputs,
  run: RunResult,
  expectedText: string,
  opts: CompareOptions = {}
): Comparison {
  const prints = outsideErrorLines(expectedText, findPrints(expectedText), opts.field ?? 'expected');
  const stacked =
    prints.length === 1
      ? stackedStates(prints[0].text, run.sample.rows, run.sample.cols, inputs.betas.length, opts.field ?? 'expected')
      : null;
  if (stacked) {
    const c = compareRun(inputs, run, stacked.text, { ...opts, stacked: true });
    const { rows, cols } = run.sample;
    return {
      ...c,
      summary: `${c.summary}\nRead as ${stacked.count} prints: the paste is a stacked trajectory of shape (${stacked.count}, ${rows}, ${cols}) (torch.stack(xs), np.stack(xs)), each (${rows}, ${cols}) matrix one state, in loop order.`
    };
  }
  const matrix = rowsAsMatrix(expectedText, prints, run.sample.rows, run.sample.cols, opts.field ?? 'expected');
  if (!matrix) return comparePrints(inputs, run, expectedText, prints, opts);
  const c = comparePrints(inputs, run, matrix.text, findPrints(matrix.text), { ...opts, rowPrints: true });
  const { rows, cols } = run.sample;
  const note =
    matrix.form === 'list'
      ? `Read as one (${rows}, ${cols}) matrix: the paste is a list of its ${rows === 1 ? 'one row, printed' : `${rows} rows, each printed`} on its own (print(list(x))).`
      : `Read as one (${rows}, ${cols}) matrix: the paste is its ${rows} rows, each printed on a line of its own (for row in x: print(row)).`;
  const T = inputs.betas.length;
  // more prints than a loop of T steps makes (T + 1 with x_T): rows only
  if (c.matches || prints.length < T || prints.length > T + 1) return { ...c, summary: `${c.summary}\n${note}` };
  // as many prints as steps: a list of one sample's states (xs.append(x[0])) reads so too; that reading when its
  // values agree with our states (the part of each that it shows)
  const steps = comparePrints(inputs, run, expectedText, prints, opts);
  const agree = steps.steps?.prints.every((q) => q.compared > 0 && q.mismatched === 0) ?? false;
  return steps.matches || agree ? steps : { ...c, summary: `${c.summary}\n${note}` };
}

// a traceback's first line: Python's (`Traceback (most recent call last):`) or IPython's, after the exception's name
// (`RuntimeError                              Traceback (most recent call last)`)
const TRACEBACK_RE = /Traceback \(most recent call last\)/;
// the exception's line that ends a traceback (`RuntimeError: ...`, `KeyboardInterrupt`)
const EXCEPTION_RE = /^[A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit)\b(?::.*)?$/;
// an exception's line on its own, without its traceback: with its message
const ALONE_RE = /^[A-Za-z_][\w.]*(?:Error|Exception): .*$/;

/** The lines of a paste (without their line ends: \n or \r\n), each with where it starts. */
function linesOf(text: string): { line: string; at: number }[] {
  const out: { line: string; at: number }[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    out.push({ line: raw.endsWith('\r') ? raw.slice(0, -1) : raw, at });
    at += raw.length + 1;
  }
  return out;
}

/**
 * The prints of a paste that stand outside a Python error: a traceback (its source lines may hold brackets, IPython's
 * `----> 5 y = x.view([3, 3])` too) down to its exception's line, or an exception's line on its own, whose bracketed
 * lists are no prints (a tensor print on such a line, `MeanError: tensor([...])`, is taken for a labelled print).
 * Throws a one-line Error naming `field`, quoting the exception, when the paste is an error and holds no print.
 */
function outsideErrorLines(text: string, prints: PrintSpan[], field: string): PrintSpan[] {
  const lines = linesOf(text);
  const regions: { from: number; to: number; exception: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { line, at } = lines[i];
    if (TRACEBACK_RE.test(line)) {
      let j = i + 1;
      while (j < lines.length && !EXCEPTION_RE.test(lines[j].line)) j++;
      const end = lines[Math.min(j, lines.length - 1)];
      regions.push({ from: at, to: end.at + end.line.length, exception: j < lines.length ? end.line : line.trim() });
      i = j;
    } else if (ALONE_RE.test(line)) {
      const onLine = prints.filter((p) => p.at >= at && p.at < at + line.length);
      if (onLine.every((p) => p.text.startsWith('[')))
        regions.push({ from: at, to: at + line.length, exception: line });
    }
  }
  if (regions.length === 0) return prints;
  const kept = prints.filter((p) => !regions.some((r) => p.at >= r.from && p.at < r.to));
  if (kept.length === 0) {
    const last = regions[regions.length - 1].exception;
    throw new Error(
      `${field}: a Python error (${clipped(last, 80)}), not printed output: paste what the loop prints once it runs to its end`
    );
  }
  return kept;
}

/** compareRun of a paste whose tensor prints findPrints found: one print, or a step-by-step paste. */
function comparePrints(
  inputs: SamplerInputs,
  run: RunResult,
  expectedText: string,
  prints: PrintSpan[],
  opts: CompareOptions
): Comparison {
  let single = prints.length === 1;
  if (single && prints[0].text.trim() !== expectedText.trim()) {
    // one print among other lines (`step 0:`): read as a one-print step-by-step paste when the whole text is no print
    try {
      parsePaste(expectedText, opts.field ?? 'expected');
    } catch {
      single = false;
    }
  }
  if (prints.length >= 2 || (prints.length === 1 && !single)) {
    const field = opts.field ?? 'expected';
    const T = inputs.betas.length;
    const ofX = printsOfX(prints, run.sample.rows, run.sample.cols, opts, field, T);
    // x_T, every step and x printed once more after the loop: one print more than the loop has states, the last two
    // the same values
    const n = ofX.pastes.length;
    const repeated = n === T + 2 && samePasted(ofX.pastes[n - 2], ofX.pastes[n - 1]);
    const pastes = repeated ? ofX.pastes.slice(0, -1) : ofX.pastes;
    const spans = repeated ? ofX.spans.slice(0, -1) : ofX.spans;
    const ignored = `${ofX.ignored}${repeated ? ' The last print repeats the one before it (x printed once more after the loop) and is left out.' : ''}`;
    const count = assignSteps(pastes.length, T, field);
    // our states at every step a reading of the labels names, computed once for choosing and for judging
    let states: Map<number | null, Float32Array> | undefined;
    const leading = (options: (number | null)[][]): number[] => {
      states = correctStates(
        inputs,
        run.inputs.profile,
        [...new Set(options.flat())],
        opts.shouldStop,
        run.inputs.matmul,
        run.inputs.matmulThreads
      );
      return options.map((o) => leadingMatches(states!, o, pastes));
    };
    const labelled = labelledSteps(stepLabels(expectedText, spans, T), T, count, leading);
    const { steps, note } = labelled ?? xTFirst(count, T, leading) ?? count;
    let c = compareSteps(inputs, run, expectedText, steps, pastes, note + ignored, opts, states);
    // every print matches, but the sample is not among them (the loop stopped before t = 0, or x was printed at the
    // top of the loop body): what was printed matches, not the sample
    if (c.matches && steps[steps.length - 1] !== 0) return withoutSample(c, steps[steps.length - 1], false);
    // the first print already diverges under every reading (a mistaken loop printing at the top of its body, or one
    // over t = T..1 printing its t): another reading, when the diagnosis reproduces the prints under it (not when a
    // profile pair already does under this one)
    const explained = c.matches || (c.diagnosis?.length ?? 0) > 0 || (c.pairSearch?.matching.length ?? 0) > 0;
    for (const other of explained ? [] : (labelled?.tied ?? [])) {
      const o = compareSteps(inputs, run, expectedText, other.steps, pastes, other.note + ignored, opts, states);
      if ((o.diagnosis?.length ?? 0) > 0) {
        c = o;
        break;
      }
    }
    const hint = c.matches ? null : printPlacementHint(inputs, run.inputs, run.sample.data, steps, pastes, opts);
    return hint ? { ...c, summary: `${c.summary}\n${hint}` } : c;
  }
  const paste = preparePaste(expectedText, run.sample.rows, run.sample.cols, opts);
  let c = judgeSample(run.sample, paste);
  if (c.matches) return { ...c, diagnosis: [] };
  // another profile cannot fix a shape, nor can a mistake in the loop (the diagnosis reruns it in our shape)
  if (paste.layout.shapeMismatch && opts.diagnose !== false)
    return withDiagnosis(c, [], 'not run: the paste does not have our shape.');
  if (c.compared === 0 || paste.layout.shapeMismatch) return { ...c, diagnosis: [] };
  // only elements that are nan on both sides mismatch (the tolerance rule, as assert_close with equal_nan=False): no
  // profile or mistake in the loop gives other values, so none is looked for
  if (onlyNanMismatches(c, run.sample.data)) return { ...c, diagnosis: [], summary: `${c.summary}\n${NAN_ONLY_NOTE}` };
  const own = run.inputs.profile;
  const tried: RngProfile[] = [own];
  const matching: RngProfile[] = [];
  for (const p of RNG_PROFILES) {
    if (p === own) continue;
    tried.push(p);
    // the run's matmul kept
    const other = runSampler(inputs, {
      profile: p,
      matmul: run.inputs.matmul,
      matmulThreads: run.inputs.matmulThreads,
      record: { kind: 'none' }
    });
    if (valuesMatch(other.sample.data, paste)) matching.push(p);
  }
  const profileSearch = { tried, matching };
  c = { ...c, profileSearch, summary: `${c.summary}\n${profileLine(own, profileSearch)}` };
  const T = inputs.betas.length;
  // every (RNG, matmul) pair, so that a PyTorch on another BLAS is named too (the other matmul profiles run as plain
  // JavaScript: bounded like the diagnosis)
  const self = runPair(inputs, { rng: own, matmul: run.inputs.matmul, threads: run.inputs.matmulThreads });
  let profileExplains = false;
  if (loopWork(inputs, T) <= DIAGNOSIS_MAX_WORK) {
    const pairs = profilePairs(inputs, self.threads);
    const pairMatching = pairs.filter((p) => {
      // the run's own matmul: the RNG profiles were tried above
      if (samePair({ ...p, rng: own }, self)) return p.rng === own ? false : matching.includes(p.rng);
      const other = runSampler(inputs, {
        profile: p.rng,
        matmul: p.matmul,
        matmulThreads: p.threads,
        record: { kind: 'none' },
        shouldStop: opts.shouldStop
      });
      return valuesMatch(other.sample.data, paste);
    });
    const pairSearch = { tried: pairs, matching: pairMatching };
    c = { ...c, pairSearch, summary: `${c.summary}\n${pairLine(pairSearch)}` };
    profileExplains ||= pairMatching.length > 0;
  } else if (matching.length === 0) {
    c = { ...c, summary: `${c.summary}\n${pairsNotTriedLine(inputs)}` };
  }
  // another profile gives the paste: when its digits identify the values, that is the answer; at a precision that
  // does not (PyTorch's default 4 decimals), a mistake in the loop run on the run's own profile may give it as well,
  // and the diagnosis says so beside the profile
  profileExplains ||= matching.length > 0;
  if ((profileExplains && paste.choice.pinned) || opts.diagnose === false) return { ...c, diagnosis: [] };
  let diagnosis: DiagnosisEntry[] = [];
  let diagnosisNote: string | undefined;
  const matches = (sample: Float32Array): boolean => valuesMatch(sample, paste);
  if (loopWork(inputs, T) > DIAGNOSIS_MAX_WORK) {
    if (profileExplains) return { ...c, diagnosis: [] };
    diagnosisNote = tooLargeNote(inputs, T);
  } else {
    search: for (const schedule64 of schedules64(opts)) {
      for (const profile of profileExplains ? [own] : [own, ...RNG_PROFILES.filter((p) => p !== own)]) {
        const found = diagnoseSample(inputs, matches, {
          profile,
          matmul: run.inputs.matmul,
          matmulThreads: run.inputs.matmulThreads,
          shouldStop: opts.shouldStop,
          schedule64,
          ...(profile === own ? { correctSample: run.sample.data } : {})
        });
        if (found.length > 0) {
          diagnosis = entries(found, profile === own ? undefined : profile);
          break search;
        }
      }
    }
  }
  if (diagnosis.length === 0 && diagnosisNote === undefined && !profileExplains && nearlyExact(paste)) {
    const near = nearDiagnosis(
      closeToPaste(run.sample.data, paste),
      c.maxUlps,
      'the paste',
      true,
      paste.float64,
      paste.choice.rule !== 'bitwise',
      () => ({
        ids: diagnoseSample(inputs, (sample) => closeToPaste(sample, paste), {
          profile: own,
          matmul: run.inputs.matmul,
          matmulThreads: run.inputs.matmulThreads,
          shouldStop: opts.shouldStop,
          correctSample: run.sample.data
        })
      })
    );
    diagnosis = near.diagnosis;
    diagnosisNote = near.note;
    // entries that give the sample approximately: exactly, maybe, under another matmul profile (a PyTorch on another
    // BLAS whose loop has the mistake; the run's randn kernel), those entries only
    if (diagnosis.length > 0) {
      for (const pair of profilePairs(inputs, self.threads)) {
        if (pair.rng !== own || samePair(pair, self)) continue;
        const found = diagnoseSample(inputs, matches, {
          profile: own,
          matmul: pair.matmul,
          matmulThreads: pair.threads,
          shouldStop: opts.shouldStop,
          ids: diagnosis.map((d) => d.id as MistakeId)
        });
        if (found.length > 0) {
          diagnosis = entries(found, undefined, pair);
          break;
        }
      }
    }
  }
  if (profileExplains) {
    if (diagnosis.length === 0) return { ...c, diagnosis: [] };
    const both = withDiagnosis(c, diagnosis, diagnosisNote);
    return { ...both, summary: `${both.summary}\n${AMBIGUOUS_NOTE}` };
  }
  return withDiagnosis(c, diagnosis, diagnosisNote);
}

const AMBIGUOUS_NOTE =
  "Both fit: at the paste's precision the other profile above and this mistake give the same print; print x.tolist() (or with torch.set_printoptions(precision=12)) to tell them apart.";

/** How many prints, from the first, our states at `steps` (null: x_T) give. */
function leadingMatches(
  states: Map<number | null, Float32Array>,
  steps: (number | null)[],
  pastes: PreparedPaste[]
): number {
  let k = 0;
  while (k < pastes.length && valuesMatch(states.get(steps[k])!, pastes[k])) k++;
  return k;
}

/** Labels of prints: `xT` when the first print is x_T (unlabelled, or labelled T), then the step each other print names. */
interface StepLabels {
  xT: boolean;
  labels: number[];
  /** where the labels stand: on a line before each print (`t = 15` then print(x)) or after it (print(x, "t =", t)) */
  where: 'before' | 'after';
  /**
   * how the labels name the steps: the timestep t itself, or a count of the steps done, from 0 (`for i, t in
   * enumerate(reversed(range(T)))`: t = T - 1 - i) or from 1 (`step {i + 1}/{T}`: t = T - i); `counts` are the
   * numbers as printed
   */
  counted?: { from: 0 | 1; counts: number[] };
  /** the last print has no label: the sample printed after the loop (x_0), after labelled prints */
  sampleLast?: boolean;
  /**
   * the labels are the t of a loop over t = T..1 (`for t in range(T, 0, -1)`, the one-based-loop mistake): label L
   * is x after that loop's step L, the loop's (T - L + 1)-th, our step L - 1
   */
  oneBased?: boolean;
}

/** A step t printed as a label: a 0-dim integer tensor's print, `tensor(900)`, or a batch's, `tensor([900, 900])`. */
const STEP_TENSOR_RE = /^(?:tensor|array)\((?:\s*(\d+)\s*|\[\s*(\d+)(?:\s*,\s*\2)*\s*\])\)$/;

// `t = 900`, `t: 900`, `t=900`, `step 900`, `Step: 900`, `timestep 900`, `iter 900`, `iteration 900/1000`,
// `Step 900/1000` (with T after the slash; lower-case t only: `T = 1000` names T), a dict's `'t': 900`, the step as a
// tensor (`t = tensor(900)`, a batch's `t = tensor([900, 900])`); not `step [9/10]` or `9/10` (a progress count
// without a label)
const LABEL_RE =
  /(?:^|[^\w.])(?:t|[Ss]tep|STEP|[Tt]imestep|[Ii]ter(?:ation)?|ITER)['"]?\s*[=: ]\s*(?:(?:tensor|array)\(\[?)?(\d+)(?:\s*\/\s*(\d+))?(?![\d./])/g;
// x indexed with the step (`x_900 =`, `x_{900}:`, `x[900] =`): read only where no LABEL_RE label is (`t = 6` then
// `print("x[0] =", x[0])` is labelled t = 6, not 0)
const X_INDEX_RE = /(?:^|[^\w.])x(?:_\{?|\[)(\d+)(?![\d./])/g;

// a step printed bare: before the print on its line (`print(t, x)`: `15 tensor([[...`, `print(f"{t}:", x)`, a tuple's
// `(15, tensor(...`) or on a line of its own before it (`print(t)`: `15`, or `tensor(15)` for a tensor t; `=== 15 ===`);
// after the print on its line (`print(x, t)`)
const BARE_BEFORE = /(?:^|\n)[ \t]*[-=#*(]*[ \t]*(?:tensor\()?(\d+)\)?[ \t]*[-=#*:,]*[ \t]*(?:\r?\n[ \t]*)?$/;
const BARE_AFTER = /^[ \t]*(?:tensor\()?(\d+)\)?[ \t]*(?:\r?\n|$)/;

/**
 * The step each print is labelled with, read two ways: the last label in the text before each print (since the print
 * before it), or the first one after it (before the next print). A label is read as the timestep t, or as a count of
 * the steps done (from 0 or from 1, when the labels increase: `step {i}` of `enumerate`). A reading counts when every
 * print has a label, except that the first may be x_T (unlabelled, or labelled T) and the last the sample printed
 * after the loop (unlabelled: t = 0), and the steps fall strictly in loop order within 0..T-1. The readings of the way the text ends with (a label after the last print, or not) come first.
 */
function stepLabels(text: string, spans: PrintSpan[], T: number): StepLabels[] {
  const gaps: string[] = [];
  let from = 0;
  for (const span of spans) {
    gaps.push(text.slice(from, span.at));
    from = span.at + span.text.length;
  }
  gaps.push(text.slice(from));
  const labelsIn = (gap: string): number[] => {
    const named = [...gap.matchAll(LABEL_RE)].filter((m) => m[2] === undefined || Number(m[2]) === T);
    return (named.length > 0 ? named : [...gap.matchAll(X_INDEX_RE)]).map((m) => Number(m[1]));
  };
  const bare = (re: RegExp, gap: string): number | null => {
    const m = re.exec(gap);
    return m ? Number(m[1]) : null;
  };
  const before = spans.map((_, i) => labelsIn(gaps[i]).at(-1) ?? bare(BARE_BEFORE, gaps[i]));
  const after = spans.map((_, i) => labelsIn(gaps[i + 1])[0] ?? bare(BARE_AFTER, gaps[i + 1]));
  const groups: StepLabels[][] = [];
  for (const [where, raw] of [
    ['before', before],
    ['after', after]
  ] as const) {
    const readings: StepLabels[] = [];
    groups.push(readings);
    for (const counted of [undefined, 0, 1, 'one-based'] as const) {
      const oneBased = counted === 'one-based';
      const steps = raw.map((a) => (a === null || counted === undefined ? a : oneBased ? a - 1 : T - 1 + counted - a));
      // a first print whose label is no step (`iter 500: loss 0.1` of a training log before print(x_T)): x_T, unlabelled
      if (steps.length > 1 && steps[0] !== null && (steps[0] < 0 || steps[0] > T)) steps[0] = null;
      const xT = steps.length > 1 && (steps[0] === null || (!oneBased && steps[0] === T));
      const ts = xT ? steps.slice(1) : steps;
      // labelled prints, then print(x) once the loop is done, unlabelled: the sample
      const sampleLast = ts.length > 1 && ts[ts.length - 1] === null && ts.slice(0, -1).every((t) => t !== null);
      if (sampleLast) ts[ts.length - 1] = 0;
      // in loop order; the sample printed after the loop, unlabelled or labelled t = 0 (`print("x_0 =", x)`), repeats
      // x_0 when the loop printed it too (labelled t = 0)
      const inOrder = (t: number, i: number): boolean =>
        i === 0 || t < ts[i - 1]! || (i === ts.length - 1 && t === 0 && ts[i - 1] === 0);
      if (ts.some((t, i) => t === null || t < 0 || t > T - 1 || !inOrder(t, i))) continue;
      const reading: StepLabels = { xT, labels: ts as number[], where };
      if (sampleLast) reading.sampleLast = true;
      if (oneBased) reading.oneBased = true;
      else if (counted !== undefined) {
        const counts = (xT ? raw.slice(1) : raw) as number[];
        reading.counted = { from: counted, counts: sampleLast ? counts.slice(0, -1) : counts };
      }
      readings.push(reading);
    }
  }
  // within a way, the timestep, then counts from 0, then from 1 (which reads a first label 0 as x_T): a tie (a loop
  // wrong from its first step) keeps every labelled print a step where a reading can
  const endsLabelled = labelsIn(gaps[gaps.length - 1]).length > 0 || bare(BARE_AFTER, gaps[gaps.length - 1]) !== null;
  return (endsLabelled ? groups.reverse() : groups).flat();
}

/**
 * The steps of a step-by-step paste whose prints are labelled with their steps. Each reading of the labels
 * (stepLabels) gives two: x after the step each label names, and x before it (print(x) at the top of the loop body:
 * `t = T-1` labels x_T); the count's steps are a third. `leading` says how many prints, from the first, our states
 * give under some steps; the steps under which the most do are taken (all of them, for a correct loop; up to the first
 * divergent step, for a mistaken one). Null without a reading.
 */
function labelledSteps(
  readings: StepLabels[],
  T: number,
  count: { steps: (number | null)[]; note: string },
  leading: (steps: (number | null)[][]) => number[]
): {
  steps: (number | null)[];
  note: string;
  tied?: { steps: (number | null)[]; note: string }[];
} | null {
  if (readings.length === 0) return null;
  /** What a reading's notes share: x_T first or not, the prints' count in words, the labels that name steps. */
  const parts = ({ xT, labels, sampleLast }: StepLabels) => {
    const first: (number | null)[] = xT ? [null] : [];
    const count = labels.length + first.length;
    return {
      first,
      n: `${count} print${count === 1 ? '' : 's'}, taken as ${xT ? 'x_T (the first), then ' : ''}x`,
      named: sampleLast ? labels.slice(0, -1) : labels
    };
  };
  // labels of a loop over t = T..1: x after our step L - 1; read so last, and chosen only when they fit the prints
  // better, or, on a tie, when the diagnosis reproduces the prints under them (comparePrints)
  const oneBased = readings
    .filter((r) => r.oneBased)
    .map((r) => {
      const { first, n, named } = parts(r);
      const labelled = `their labels (t = ${stepList(named.map((t) => t + 1))}, each label written ${r.where} its print${r.sampleLast ? '; the last, unlabelled, the sample' : ''}) are the t of a loop over t = ${T}..1, one more than ours`;
      const head = `${n} after our steps t = ${stepList(r.labels)}: ${labelled}`;
      return {
        steps: [...first, ...r.labels],
        note: `${head}.`,
        diagnosedNote: `${head}, the reading under which the diagnosis reproduces the prints (under the labels as our steps, the first print differs too).`
      };
    });
  const variants = readings
    .filter((r) => !r.oneBased)
    .map((r) => {
      const { labels, where, counted, sampleLast } = r;
      const { first, n, named } = parts(r);
      const last = sampleLast ? '; the last, unlabelled, the sample: t = 0' : '';
      const labelled = counted
        ? `their labels count (${stepList(counted.counts)}, each label written ${where} its print, counted from ${counted.from}: t = ${stepList(named)}${last})`
        : `their labels name (t = ${stepList(named)}, each label written ${where} its print${last})`;
      return {
        after: { steps: [...first, ...labels], note: `${n} after the steps ${labelled}.` },
        before: {
          // the sample printed after the loop stays x_0
          steps: [...first, ...labels.map((t, i) => (sampleLast && i === labels.length - 1 ? t : stepBefore(t, T)))],
          note: `${n} before the steps ${labelled}: print(x) at the top of the loop body, as that fits the prints best.`
        },
        beforeDiagnosedNote: `${n} before the steps ${labelled}: print(x) at the top of the loop body, the reading under which the diagnosis reproduces the prints (under x after the steps, the first print differs too).`
      };
    });
  // on a tie (a loop wrong from its first step): the readings in order, as x after the named steps (the count where
  // they agree with it), then the count, then x before
  const same = (a: (number | null)[], b: (number | null)[]): boolean =>
    a.length === b.length && a.every((t, i) => t === b[i]);
  const all = [
    ...variants.map((v) => (same(v.after.steps, count.steps) ? count : v.after)),
    count,
    ...variants.map((v) => v.before),
    ...oneBased
  ];
  const scores = leading(all.map((o) => o.steps));
  let best = 0;
  scores.forEach((sc, k) => {
    if (sc > scores[best]) best = k;
  });
  // a reading as x after the steps, tied with x before them, or with one-based labels: those, for a diagnosis to try
  // (comparePrints)
  const tiedBefore = variants
    .filter((v, k) => best < variants.length && scores[variants.length + 1 + k] === scores[best])
    .filter((v) => !same(v.before.steps, all[best].steps))
    .map((v) => ({ steps: v.before.steps, note: v.beforeDiagnosedNote }));
  const tiedOneBased = oneBased
    .filter((v, k) => scores[2 * variants.length + 1 + k] === scores[best] && !same(v.steps, all[best].steps))
    .map((v) => ({ steps: v.steps, note: v.diagnosedNote }));
  const tied = [...tiedBefore, ...tiedOneBased];
  const chosen = all[best];
  const taken = { steps: chosen.steps, note: chosen.note };
  return tied.length > 0 ? { ...taken, tied } : taken;
}

/** Steps in words: all of them, or the first three and the last two around "...". */
function stepList(ns: readonly number[]): string {
  return ns.length > 6 ? `${ns.slice(0, 3).join(', ')}, ..., ${ns.slice(-2).join(', ')}` : ns.join(', ');
}

/**
 * Unlabelled prints read as x_T (printed before the loop) and then the last steps, when our states give more prints
 * from the first so than as the last steps (`count`) or as x before each of them (print(x) at the top of the loop
 * body, which printPlacementHint names): print(x) before the loop and after it gives x_T and x_0. Null when another
 * reading is as good (or there are T + 1 prints: the count has x_T already).
 */
function xTFirst(
  count: { steps: (number | null)[]; note: string },
  T: number,
  leading: (steps: (number | null)[][]) => number[]
): { steps: (number | null)[]; note: string } | null {
  const k = count.steps.length;
  if (k < 2 || k > T) return null;
  const steps = [null, ...Array.from({ length: k - 1 }, (_, i) => k - 2 - i)];
  const before = count.steps.map((t) => stepBefore(t, T));
  const [asCounted, asBefore, asXT] = leading([count.steps, before, steps]);
  if (asXT <= Math.max(asCounted, asBefore)) return null;
  const last =
    k - 1 === 1 ? 'the sample (t = 0)' : `x after the last ${k - 1} steps, t = ${k - 2}..0 (the last print the sample)`;
  return {
    steps,
    note: `${k} prints, taken as x_T (the first, printed before the loop), then ${last}, as that fits the prints best.`
  };
}

/**
 * When a step-by-step paste does not match as the prints were taken (x after each step, the last one the sample),
 * whether the correct loop gives every print when x was printed elsewhere in the loop: at the top of each
 * iteration (the first print x_T, the sample never printed), or once more after the loop (the last two prints both
 * the sample, printed the same way or not: print(x), then print(x.tolist())). Returns a line saying so, or null.
 */
function printPlacementHint(
  inputs: SamplerInputs,
  profiles: LoopProfiles,
  /** our sample, x_0 */
  sample: Float32Array,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  opts: CompareOptions
): string | null {
  const T = inputs.betas.length;
  const n = pastes.length;
  // one tensor updated in place (x -= ..., x *= ...) and appended to a list each step: every entry is its last state
  if (n >= 3 && pastes.every((p) => samePasted(p, pastes[0]))) {
    const theSample = valuesMatch(sample, pastes[n - 1]) ? ", and they are the correct loop's sample x_0" : '';
    return `Hint: all ${n} prints hold the same values${theSample}: a list of one tensor updated in place (x -= ..., x *= ..., then xs.append(x)) shows its last state in every entry. Append x.clone(), or print x after each step.`;
  }
  if (!steps.includes(null) && everyBeforeItsStep(inputs, profiles, steps, pastes, opts))
    return `Hint: every print is the correct loop's x before a step (print(x) at the top of the loop body, so the first print is x_T and the sample itself is not printed): print x after the step, or paste the final sample alone. A loop that stops before t = 0 (range(T - 1, 0, -1)) and prints x after each step gives the same prints: the last is then x after step 1, and the step t = 0 is missing.`;
  const strided = everyKthStep(inputs, profiles, pastes, opts);
  if (strided)
    return `Hint: the ${opts.stacked ? "stacked trajectory's states" : 'prints'} are the correct loop's ${strided.xT ? 'x_T and then its ' : ''}x every ${strided.k} steps (t = ${stepList(strided.steps)}), not x after the last steps as they were taken: ${opts.stacked ? 'keep every state (xs.append(x) after every step, x_T first) and they are read so.' : 'label each print with its step (print(f"t = {t}") before it) and they are read so.'}`;
  const bothTheSample = n >= 2 && valuesMatch(sample, pastes[n - 1]) && valuesMatch(sample, pastes[n - 2]);
  if (bothTheSample && n - 1 <= T + 1 && loopWork(inputs, T) <= DIAGNOSIS_MAX_WORK) {
    const { steps: fewer } = assignSteps(n - 1, T, 'expected');
    if (correctLoopGives(inputs, profiles, [...fewer, 0], pastes, opts))
      return `Hint: the last two prints are both the correct loop's sample x_0, and without the last one every print is the correct loop's (x printed inside the loop and once more after it): leave out the print after the loop.`;
  }
  return null;
}

/** Whether two prints hold the same values (nan where the other has nan). */
function samePasted(a: PreparedPaste, b: PreparedPaste): boolean {
  if (a.pasted.length !== b.pasted.length) return false;
  for (let i = 0; i < a.pasted.length; i++) {
    const x = a.pasted[i];
    const y = b.pasted[i];
    if (x !== y && !(x !== x && y !== y)) return false;
  }
  return true;
}

/**
 * Unlabelled prints of a correct loop printing every k steps (`if t % k == 0: print(x)`, x_T perhaps first): the k, and
 * the steps, for which the correct loop gives every print; null when none does, or beyond the diagnosis's bound on
 * work (or when keeping every step's state would take more than 2^22 values).
 */
function everyKthStep(
  inputs: SamplerInputs,
  profiles: LoopProfiles,
  pastes: PreparedPaste[],
  opts: CompareOptions
): { k: number; xT: boolean; steps: number[] } | null {
  const T = inputs.betas.length;
  const n = pastes.length;
  if (n < 2 || loopWork(inputs, T) > DIAGNOSIS_MAX_WORK || inputs.n * inputs.d * T > 2 ** 22) return null;
  let states: Map<number | null, Float32Array> | undefined;
  for (const xT of [false, true]) {
    const m = xT ? n - 1 : n; // prints of steps
    if (m < 2) continue;
    for (let k = 2; (m - 1) * k <= T - 1; k++) {
      const steps = Array.from({ length: m }, (_, i) => (m - 1 - i) * k);
      states ??= correctStates(
        inputs,
        profiles.profile,
        [null, ...Array.from({ length: T }, (_, t) => T - 1 - t)],
        opts.shouldStop,
        profiles.matmul,
        profiles.matmulThreads
      );
      const all = xT ? [null, ...steps] : steps;
      if (leadingMatches(states, all, pastes) === n) return { k, xT, steps };
    }
  }
  return null;
}

/** The profiles a run's loop ran with: its RNG profile, its matmul profile (absent: reference) and OpenBLAS's threads. */
type LoopProfiles = Pick<RunResult['inputs'], 'profile' | 'matmul' | 'matmulThreads'>;

/** Whether the correct loop gives every print (or recorded state) at `steps`. */
function correctLoopGives(
  inputs: SamplerInputs,
  profiles: LoopProfiles,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  opts: CompareOptions
): boolean {
  const states = correctStates(
    inputs,
    profiles.profile,
    steps,
    opts.shouldStop,
    profiles.matmul,
    profiles.matmulThreads
  );
  return leadingMatches(states, steps, pastes) === pastes.length;
}

/**
 * Whether every print (or recorded state) taken at `steps` is the correct loop's x before that step instead (print(x)
 * or rec.step(t, x) at the top of the loop body); false beyond the diagnosis's bound on work.
 */
function everyBeforeItsStep(
  inputs: SamplerInputs,
  profiles: LoopProfiles,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  opts: CompareOptions
): boolean {
  const T = inputs.betas.length;
  if (loopWork(inputs, T) > DIAGNOSIS_MAX_WORK) return false;
  return correctLoopGives(
    inputs,
    profiles,
    steps.map((t) => stepBefore(t, T)),
    pastes,
    opts
  );
}

/** Log text in brackets (`step [9/10]`, `[t=0]`, a progress bar): characters no list of numbers holds. */
const NOT_NUMBERS_RE = /[^-+0-9.eE,\s[\]naif]/;

/**
 * The prints of x in a step-by-step paste: other prints among the log lines (`print(t, x.mean())` gives
 * `tensor(0.1915)`, `print(x.shape)` gives `torch.Size([4, 2])`) have another number of elements and are left out
 * when some prints have x's; bracketed log text that is no list of numbers is left out too. Returns the prepared
 * prints and a sentence on what was left out ('' when nothing was).
 */
function printsOfX(
  prints: PrintSpan[],
  rows: number,
  cols: number,
  opts: CompareOptions,
  field: string,
  /** the loop's steps: a paste of far more prints of x than T + 1 is refused before all of it is read */
  T: number
): { pastes: PreparedPaste[]; spans: PrintSpan[]; ignored: string } {
  const read: { span: PrintSpan; paste: PreparedPaste }[] = [];
  let notNumbers = 0;
  let firstNotNumbers: PrintSpan | undefined;
  // far more prints than the loop makes (a long log pasted for a short loop): when the first `head` prints read are
  // all of x, that is said before the rest (200,000 prints: seconds) is read
  const head = 2 * (T + 1) + 100;
  for (const [i, span] of prints.entries()) {
    try {
      read.push({
        span,
        paste: preparePaste(span.text, rows, cols, {
          ...opts,
          field: `${field} (print ${i + 1} of ${prints.length}, at character ${span.at})`
        })
      });
    } catch (e) {
      if (span.text.startsWith('[') && NOT_NUMBERS_RE.test(span.text)) {
        notNumbers++;
        firstNotNumbers ??= span;
      } else throw e;
    }
    if (
      i === head - 1 &&
      prints.length > head &&
      read.length === head &&
      read.every((r) => !r.paste.layout.shapeMismatch)
    )
      throw new Error(
        `${field}: more than ${head} tensor prints (${prints.length} in all), but the loop has ${T} step${T === 1 ? '' : 's'} (at most ${T + 1} prints: x_T, then x after each step)`
      );
  }
  if (read.length === 0 && firstNotNumbers) {
    // text with brackets and no print at all (`Epoch [1/10] loss`, a log line, an error message)
    const shown = firstNotNumbers.text.length > 40 ? `${firstNotNumbers.text.slice(0, 40)}...` : firstNotNumbers.text;
    throw new Error(
      `${field}: no printed tensor found, only bracketed text that holds no list of numbers (the first: \`${shown.replace(/\s+/g, ' ')}\` at character ${firstNotNumbers.at}): paste PyTorch's printed output`
    );
  }
  const ofX = read.filter((r) => !r.paste.layout.shapeMismatch);
  const kept = ofX.length > 0 ? ofX : read;
  // a step printed as a tensor (`t = tensor(900)`, the loop's t from torch.arange; a batch's `tensor([900, 900])`) is
  // a step label (stepLabels), not a print left out
  const others = read.filter((r) => !kept.includes(r) && !STEP_TENSOR_RE.test(r.span.text));
  const otherShapes = others.length;
  const parts: string[] = [];
  if (otherShapes > 0) {
    const first = others[0];
    const shown = first.span.text.length > 40 ? `${first.span.text.slice(0, 40)}...` : first.span.text;
    parts.push(
      `${otherShapes} print${otherShapes === 1 ? '' : 's'} of another shape than x's ${pythonTuple([rows, cols])} (the first: \`${shown.replace(/\s+/g, ' ')}\` at character ${first.span.at})`
    );
  }
  if (notNumbers > 0)
    parts.push(`${notNumbers} bracketed text${notNumbers === 1 ? '' : 's'} that hold no list of numbers`);
  const ignored = parts.length > 0 ? ` Left out as other lines: ${parts.join('; ')}.` : '';
  return { pastes: kept.map((r) => r.paste), spans: kept.map((r) => r.span), ignored };
}

/** `fromStep`: the step the diagnosed mistake starts at (default: the first divergent step of a step-by-step paste). */
function withDiagnosis(
  c: Comparison,
  diagnosis: DiagnosisEntry[],
  diagnosisNote: string | undefined,
  fromStep: number | null = c.steps ? (c.firstDivergence?.step ?? null) : null,
  what?: string
): Comparison {
  const lines = diagnosisLines(diagnosis, diagnosisNote, fromStep, c.rule, what);
  return {
    ...c,
    diagnosis,
    ...(diagnosisNote ? { diagnosisNote } : {}),
    ...(diagnosis.length > 0 && fromStep !== null ? { diagnosisFromStep: fromStep } : {}),
    summary: lines.length > 0 ? `${c.summary}\n${lines.join('\n')}` : c.summary
  };
}

/** A recording of the user's states (src/core/run/recording.ts), as compareRecording needs it. */
export interface RecordedStates {
  /** x_T, when recorded */
  init: MatrixF32 | null;
  /** x after step t, in loop order */
  steps: { t: number; x: MatrixF32 }[];
  /** the states were float64 tensors, rounded to float32 (as x.float() does) to be compared */
  float64States?: boolean;
  /** x_T was recorded as a float64 tensor */
  float64Init?: boolean;
  /**
   * the recording's own inputs as it holds them (float64 values as recorded): with float64 states that match neither
   * the reference nor a catalogue entry nor another profile pair, the loop is run wholly in float64 with them
   * (diagnosis/float64Loop.ts)
   */
  recordedInputs?: Omit<Float64LoopInputs, 'profile'>;
}

/**
 * Compares a run with a recording of the user's loop (the Python helper's payload, decoded by decodeRecording):
 * a step-by-step paste of exact bits, judged bitwise.
 */
export function compareRecording(
  inputs: SamplerInputs,
  run: RunResult,
  recording: RecordedStates,
  description: string,
  opts: CompareOptions = {}
): Comparison {
  const { rows, cols } = run.sample;
  const steps: (number | null)[] = [];
  const pastes: PreparedPaste[] = [];
  if (recording.init) {
    steps.push(null);
    pastes.push(prepareExact(recording.init, 'x_T', rows, cols));
  }
  for (const s of recording.steps) {
    steps.push(s.t);
    pastes.push(prepareExact(s.x, `x after step ${s.t}`, rows, cols));
  }
  if (pastes.length === 0) throw new Error(`${opts.field ?? 'recording'}: no recorded state to compare`);
  const c = compareSteps(
    inputs,
    run,
    description,
    steps,
    pastes,
    recordedStepsNote(steps, inputs.betas.length, recording.float64States),
    {
      ...opts,
      source: 'recording',
      ...(recording.float64Init ? { xTNote: float64XTNote(inputs.n * inputs.d) } : {})
    }
  );
  const last = steps[steps.length - 1];
  if (!c.matches) return recordingHints(inputs, run, recording, steps, pastes, c, opts);
  return last === 0 ? c : withoutSample(c, last, true);
}

/**
 * A step-by-step comparison whose every state matches but which holds no sample (x after step 0): a loop that ended
 * early (range(T - 1, 0, -1)), or stopped being recorded or printed. What it holds matches, but nothing says the
 * sample does: not a match, saying why.
 */
function withoutSample(c: Comparison, last: number | null, recording: boolean): Comparison {
  const { bitwiseUnknown: _cannotTell, ...rest } = c;
  return { ...rest, matches: false, bitwiseEqual: false, summary: `${c.summary}\n${noSampleLine(last, recording)}` };
}

/**
 * The summary's line for prints or recorded states that end before the sample: ours match them all (or, `pair` set,
 * the loop under another profile pair does), yet there is no x after step 0 to compare.
 */
function noSampleLine(last: number | null, recording: boolean, pair = false): string {
  const what = recording ? 'recording' : 'paste';
  const where = last === null ? 'x_T' : `x after step ${last}`;
  const why =
    last === 1
      ? ` A loop over range(T - 1, 0, -1) stops there, leaving the step t = 0 out${recording ? '' : ', and print(x) at the top of the loop body ends there too'}; if yours ran it, ${recording ? 'record' : 'paste'} x after it too.`
      : ` ${recording ? 'Record' : 'Paste'} x after step 0 too${recording ? '' : ' (print(x) after the loop)'}.`;
  const matching = `every ${recording ? 'recorded state' : 'print'} matches${pair ? ' under the profile pair above' : ''}`;
  return `Not a match: the ${what} ends at ${where} and has no sample (x after step 0) to compare; ${matching}.${why}`;
}

/**
 * What a recording that does not match may say beyond the divergence: every state recorded before its step instead
 * of after it (rec.step(t, x) at the top of the loop body); float64 states that differ from the first, unexplained,
 * without x_T (a loop drawing its random numbers in float64, which rec.init(x) would show).
 */
function recordingHints(
  inputs: SamplerInputs,
  run: RunResult,
  recording: RecordedStates,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  c: Comparison,
  opts: CompareOptions
): Comparison {
  const float64Loop = float64LoopHintFor(run, recording, c, opts);
  if (float64Loop) return { ...c, summary: `${c.summary}\nHint: ${float64Loop}` };
  if (
    recording.float64States &&
    !recording.init &&
    c.firstDivergence?.step === steps[0] &&
    (c.diagnosis?.length ?? 0) === 0 &&
    float64DrawDiffers(inputs.n * inputs.d)
  )
    return {
      ...c,
      summary: `${c.summary}\nHint: your states are float64 and differ from the first one recorded: a loop run in float64 that draws x_T or its noise as float64 (torch.randn(N, d, dtype=torch.float64)) draws other numbers than the float32 draw for 16 or more values. Record x_T with rec.init(x) before the loop to see it, or draw in float32 (the default) and convert with .double().`
    };
  if (c.firstDivergence?.step === null || !everyBeforeItsStep(inputs, run.inputs, steps, pastes, opts)) return c;
  return {
    ...c,
    summary: `${c.summary}\nHint: every recorded state is the correct loop's x before its step (rec.step(t, x) called at the top of the loop body, before x is updated): call rec.step(t, x) after the step, and rec.init(x) before the loop for x_T.`
  };
}

/**
 * The hint for a recording whose every state a loop run wholly in float64 gives (float64 states that differ, and that
 * neither a catalogue entry nor another profile pair gives), or null: not such a recording, diagnosis off, too large
 * a run to try (DIAGNOSIS_MAX_WORK), or no such loop gives them.
 */
function float64LoopHintFor(
  run: RunResult,
  recording: RecordedStates,
  c: Comparison,
  opts: CompareOptions
): string | null {
  const own = recording.recordedInputs;
  if (!recording.float64States || !own || c.matches || opts.diagnose === false) return null;
  if ((c.diagnosis?.length ?? 0) > 0 || (c.pairSearch?.matching.length ?? 0) > 0) return null;
  if (loopWork(own, own.betas.length) > DIAGNOSIS_MAX_WORK) return null;
  const states = [
    ...(recording.init ? [{ t: null, x: recording.init.data }] : []),
    ...recording.steps.map((s) => ({ t: s.t, x: s.x.data }))
  ];
  const match = float64LoopReproducing({ ...own, profile: run.inputs.profile }, states, opts.shouldStop);
  return match && float64LoopHint(match, own.n * own.d);
}

/** Each print of a step-by-step paste against our state after the same step; the diagnosis from the first divergent step. */
function compareSteps(
  inputs: SamplerInputs,
  run: RunResult,
  expectedText: string,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  stepsNote: string,
  opts: CompareOptions,
  /** our states at these steps (and perhaps others), when already computed */
  known?: Map<number | null, Float32Array>
): Comparison {
  const recording = opts.source === 'recording';
  const profile = run.inputs.profile;
  const { rows, cols } = run.sample;
  const states =
    known ?? correctStates(inputs, profile, steps, opts.shouldStop, run.inputs.matmul, run.inputs.matmulThreads);
  const judged = pastes.map((p, i) => judgeSample({ rows, cols, data: states.get(steps[i])! }, p));
  const prints: StepComparisonSummary[] = judged.map((c, i) => ({
    step: steps[i],
    matches: c.matches,
    compared: c.compared,
    mismatched: c.mismatched,
    maxAbsDiff: maxAbs(c),
    maxUlps: c.maxUlps,
    ...(c.shapeNote ? { shapeNote: c.shapeNote } : {})
  }));
  const firstBad = judged.findIndex((c) => !c.matches);
  const firstDivergence: FirstDivergence | null =
    firstBad < 0 ? null : { step: steps[firstBad], index: firstMismatch(judged[firstBad]) };
  const row = firstDivergence?.index?.[0] ?? 0;
  const rowOf = (data: Float32Array): number[] => Array.from(data.subarray(row * cols, (row + 1) * cols));
  const last = judged[judged.length - 1];
  const matches = firstBad < 0;
  const stepByStep = {
    stepsNote,
    prints,
    row,
    ours: steps.map((t) => rowOf(states.get(t)!)),
    theirs: judged.map((c) => rowOf(c.expected.data))
  };
  const lastStep = steps[steps.length - 1];
  const head = stepLines(
    stepByStep,
    firstDivergence,
    judged[firstBad] ?? null,
    firstDivergence ? (states.get(firstDivergence.step) ?? null) : null,
    recording
  );
  const lastItem = recording ? 'The last recorded state' : 'The last print';
  const finalTitle =
    lastStep === 0
      ? `${lastItem} (the sample, x after step 0):`
      : `${lastItem} (${lastStep === null ? 'x_T, the initial noise' : `x after step ${lastStep}`}; not the sample):`;
  const bitwiseEqual = matches && judged.every((j) => j.bitwiseEqual);
  // every print agrees as printed, and some print's digits cannot tell whether it is ours bit for bit
  const bitwiseUnknown = !bitwiseEqual && judged.every((j) => j.bitwiseEqual || j.bitwiseUnknown);
  const { bitwiseUnknown: _lastUnknown, ...lastPrint } = last;
  const c: Comparison = {
    ...lastPrint,
    expectedText,
    matches,
    bitwiseEqual,
    ...(bitwiseUnknown ? { bitwiseUnknown } : {}),
    firstDivergence,
    steps: stepByStep,
    summary: `${head.join('\n')}\n\n${finalTitle}\n${last.summary}`
  };
  if (matches || opts.diagnose === false) return { ...c, diagnosis: [] };
  // another (RNG, matmul) pair, as for a single print: a PyTorch on OpenBLAS drifts by an ulp here and there, which
  // no mistake in the loop reproduces (bounded like the diagnosis: the other matmul profiles run as plain JavaScript)
  const T = inputs.betas.length;
  const diagnosed = (on: Comparison): Comparison =>
    diagnoseSteps(inputs, run, steps, pastes, judged, states, firstBad, on, opts, recording, T);
  // a pair that gives every print of prints that end before the sample: still no match, and the line says why
  const noSample = (search: { matching: ProfilePair[] }): string =>
    search.matching.length > 0 && lastStep !== 0 ? `\n${noSampleLine(lastStep, recording, true)}` : '';
  const withSearch = (on: Comparison, search: ReturnType<typeof stepsPairSearch>): Comparison =>
    search === undefined
      ? on
      : search
        ? {
            ...on,
            pairSearch: search,
            summary: `${on.summary}\n${pairLine(search, recording ? 'the recording' : undefined)}${noSample(search)}`
          }
        : { ...on, summary: `${on.summary}\n${pairsNotTriedLine(inputs)}` };
  if (pastes.every((p) => p.choice.pinned)) {
    // digits that identify the values: a catalogue mistake that reproduces every print is the answer, and the pairs
    // (one of them may follow the prints for hundreds of steps, at plain JavaScript's pace) are tried only without one
    const d = diagnosed(c);
    if ((d.diagnosis?.length ?? 0) > 0 && !d.diagnosis![0].approximate) return d;
    const search = stepsPairSearch(inputs, run, steps, pastes, opts);
    return search && search.matching.length > 0 ? { ...withSearch(c, search), diagnosis: [] } : withSearch(d, search);
  }
  const search = stepsPairSearch(inputs, run, steps, pastes, opts);
  const searched = withSearch(c, search);
  if (!search || search.matching.length === 0) return diagnosed(searched);
  // a pair reproduces the prints at their precision, and a mistake in the loop may print the same: the diagnosis says
  // so beside the pair
  const d = diagnosed(searched);
  if ((d.diagnosis?.length ?? 0) === 0) return { ...searched, diagnosis: [] };
  return { ...d, summary: `${d.summary}\n${AMBIGUOUS_NOTE}` };
}

/**
 * The (RNG, matmul) pairs under which every print (or recorded state) is our state at its step; null when the run is
 * too large to rerun under every pair (DIAGNOSIS_MAX_WORK), undefined when no print has our shape (no pair can give
 * them).
 */
function stepsPairSearch(
  inputs: SamplerInputs,
  run: RunResult,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  opts: CompareOptions
): { tried: ProfilePair[]; matching: ProfilePair[] } | null | undefined {
  if (pastes.every((p) => p.layout.shapeMismatch)) return undefined;
  if (loopWork(inputs, inputs.betas.length) > DIAGNOSIS_MAX_WORK) return null;
  // the prints of each step (x_0 may be printed twice: labelled, and once more after the loop)
  const byStep = new Map<number | null, PreparedPaste[]>();
  steps.forEach((t, i) => byStep.set(t, [...(byStep.get(t) ?? []), pastes[i]]));
  return profilePairsReproducing(
    inputs,
    { rng: run.inputs.profile, matmul: run.inputs.matmul, threads: run.inputs.matmulThreads },
    [...byStep.keys()],
    (t, x) => byStep.get(t)!.every((p) => valuesMatch(x, p)),
    opts.shouldStop
  );
}

/** The diagnosis of a step-by-step comparison `c` that does not match (compareSteps). */
function diagnoseSteps(
  inputs: SamplerInputs,
  run: RunResult,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  judged: Comparison[],
  states: Map<number | null, Float32Array>,
  firstBad: number,
  c: Comparison,
  opts: CompareOptions,
  recording: boolean,
  T: number
): Comparison {
  const profile = run.inputs.profile;
  const t0 = c.firstDivergence!.step;
  const bad = judged[firstBad];
  const byStep = new Map<number, PreparedPaste>();
  steps.forEach((t, i) => {
    if (t !== null) byStep.set(t, pastes[i]);
  });
  const matchesStep = (t: number, x: Float32Array): boolean => {
    const p = byStep.get(t);
    return p === undefined || valuesMatch(x, p);
  };
  const what = recording ? 'the recording' : 'the paste';
  if (t0 === null || bad.compared === 0 || pastes[firstBad].layout.shapeMismatch) {
    // x_T that another randn kernel draws (PyTorch's scalar kernel), and a mistake in the loop under its pair
    const underPair =
      t0 === null && bad.compared > 0 && !pastes[firstBad].layout.shapeMismatch
        ? mistakeUnderPair(inputs, run, steps, pastes, firstBad, matchesStep, opts)
        : null;
    if (underPair)
      return withDiagnosis(c, entries(underPair.ids, undefined, underPair.pair), undefined, underPair.from, what);
    const xT = states.get(null);
    const transposed =
      t0 === null && xT !== undefined && valuesMatch(transposedDraw(xT, inputs.n, inputs.d), pastes[firstBad]);
    // a print of another shape whose values all agree (x[0] of each state when N = 1): no seed to check
    const shapeOnly = pastes[firstBad].layout.shapeMismatch && bad.compared > 0 && bad.mismatched === 0;
    const why = shapeOnly
      ? `not run: the first divergent print differs in its shape only, and its values agree with ours in row-major order: print x itself, of shape (${inputs.n}, ${inputs.d}).`
      : t0 === null
        ? opts.xTNote
          ? `not run: x_T differs. ${opts.xTNote}`
          : transposed
            ? `not run: x_T differs: ${TRANSPOSED_DRAW_NOTE}`
            : 'not run: x_T already differs, and no catalogue entry changes x_T (check the seed, how x_T is drawn, and the RNG profile).'
        : 'not run: the first divergent print does not have our shape.';
    return withDiagnosis(c, [], why);
  }
  if (loopWork(inputs, t0 + 1) > DIAGNOSIS_MAX_WORK) return withDiagnosis(c, [], tooLargeNote(inputs, t0 + 1));
  const stateBefore = t0 === T - 1 ? undefined : states.get(t0 + 1);
  // the step right after the last matching print, when steps between were not printed (every k-th, a recording with
  // every > 1): a mistake that began there, unseen, is tried from there too, as the recording view does
  const lastGood = firstBad > 0 ? steps[firstBad - 1] : null;
  const gap = lastGood !== null && lastGood - 1 > t0 ? lastGood - 1 : null;
  let found: MistakeId[] = [];
  let from = t0;
  const baseOpts = {
    profile,
    matmul: run.inputs.matmul,
    matmulThreads: run.inputs.matmulThreads,
    shouldStop: opts.shouldStop
  };
  for (const schedule64 of schedules64(opts)) {
    const diagnoseOpts = { ...baseOpts, schedule64 };
    found = diagnoseTrajectory(inputs, t0, matchesStep, { ...diagnoseOpts, ...(stateBefore ? { stateBefore } : {}) });
    from = t0;
    if (found.length === 0 && gap !== null && loopWork(inputs, gap + 1) <= DIAGNOSIS_MAX_WORK) {
      found = diagnoseTrajectory(inputs, gap, matchesStep, { ...diagnoseOpts, stateBefore: states.get(gap + 1)! });
      from = gap;
    }
    // A mistake of the last bits (a float64 schedule, a mean computed another way) can be there from the first step
    // and show in a print only some steps later: then it is tried from the first step too.
    if (found.length === 0 && t0 < T - 1 && loopWork(inputs, T) <= DIAGNOSIS_MAX_WORK) {
      found = diagnoseTrajectory(inputs, T - 1, matchesStep, diagnoseOpts);
      from = T - 1;
    }
    if (found.length > 0) break;
  }
  // none under the run's profiles: a PyTorch on another BLAS or randn kernel whose loop has a mistake, under a pair
  // whose correct loop gives more prints from the first than the run's own (as many, with the run's randn kernel)
  const pair = found.length === 0 ? mistakeUnderPair(inputs, run, steps, pastes, firstBad, matchesStep, opts) : null;
  if (pair) return withDiagnosis(c, entries(pair.ids, undefined, pair.pair), undefined, pair.from, what);
  if (found.length > 0 || !pastes.every(nearlyExact) || loopWork(inputs, T) > DIAGNOSIS_MAX_WORK)
    return withDiagnosis(c, entries(found), undefined, from, what);
  // exact values no entry gives bit for bit: within assert_close's tolerance
  const closeStep = (t: number, x: Float32Array): boolean => {
    const p = byStep.get(t);
    return p === undefined || closeToPaste(x, p);
  };
  // the first print the correct loop is not within tolerance of (none: the correct loop is that close to them all)
  const farIndex = steps.findIndex((t, i) => !closeToPaste(states.get(t)!, pastes[i]));
  const far = farIndex < 0 ? null : steps[farIndex];
  const worst = (c.steps?.prints ?? []).reduce<number | null>(
    (m, p) => (p.maxUlps === null ? m : Math.max(m ?? 0, p.maxUlps)),
    null
  );
  // from the first divergent step, from that first print (where a mistake shows after an ulp of rounding here and
  // there: a BLAS, torch.rsqrt), and from the first step
  const starts = [...new Set([t0, ...(typeof far === 'number' ? [far] : []), T - 1])];
  const float64 = !recording && pastes.some((p) => p.float64);
  const rounded = pastes.some((p) => p.choice.rule !== 'bitwise');
  const near = nearDiagnosis(farIndex < 0, worst, what, !recording, float64, rounded, () => {
    for (const from of starts) {
      // x before step `from`: the correct loop's x after step from + 1 (x_T, drawn by the catalogue, for T - 1)
      const before = from < T - 1 ? states.get(from + 1) : undefined;
      const ids = diagnoseTrajectory(inputs, from, closeStep, {
        ...baseOpts,
        ...(before ? { stateBefore: before } : {})
      });
      if (ids.length > 0) return { ids, from };
    }
    return { ids: [] };
  });
  return withDiagnosis(c, near.diagnosis, near.note, near.from ?? t0, what);
}

/**
 * The catalogue entries a PyTorch on another (RNG, matmul) profile pair gives the prints with
 * (profilePairs.ts mistakeUnderLeadingPair); null when none, or the diagnosis is off or beyond its bound.
 */
function mistakeUnderPair(
  inputs: SamplerInputs,
  run: RunResult,
  steps: (number | null)[],
  pastes: PreparedPaste[],
  firstBad: number,
  matchesStep: (t: number, x: Float32Array) => boolean,
  opts: CompareOptions
): { ids: MistakeId[]; pair: ProfilePair; from: number } | null {
  if (opts.diagnose === false || loopWork(inputs, inputs.betas.length) > DIAGNOSIS_MAX_WORK) return null;
  const xTAt = steps.indexOf(null);
  const matchesAt = (t: number | null, x: Float32Array): boolean =>
    t === null ? valuesMatch(x, pastes[xTAt]) : matchesStep(t, x);
  const own = { rng: run.inputs.profile, matmul: run.inputs.matmul, threads: run.inputs.matmulThreads };
  return mistakeUnderLeadingPair(inputs, own, steps, firstBad, matchesAt, matchesStep, { shouldStop: opts.shouldStop });
}

function maxAbs(c: Comparison): number | null {
  let m: number | null = null;
  for (let k = 0; k < c.absDiff.length; k++) {
    const v = c.absDiff[k];
    if (Number.isNaN(v)) continue; // not compared, or nan on a side (counted by the ulps line of the summary)
    if (m === null || v > m) m = v;
  }
  return m;
}
