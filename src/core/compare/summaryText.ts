// The summary of a comparison, as text: its first block is character for character what
// torch.testing.assert_close (1.13) raises (torch/testing/_comparison.py: make_tensor_mismatch_msg, checked
// by test/fixtures/compare/ from PyTorch), followed by our own lines: the distance in ulps, bitwise equality,
// the rule and why it was chosen, the shape note, and which RNG profile reproduces the paste.
import type {
  Comparison,
  CompareRule,
  DiagnosisEntry,
  FirstDivergence,
  ProfilePair,
  RngProfile,
  StepByStep,
  StepComparisonSummary
} from '../types';
import { formatFixedF64, formatFloat32Shortest } from '../tensors/printTensor';
import { ulpDistanceF32 } from '../float32';
import { pairName } from '../diagnosis/profilePairs';
import { describeStyle } from './literalStyle';
import type { RuleChoice } from './ruleChoice';
import type { ElementStatistics } from './statistics';

// ---------------------------------------------------------------------------------------------
// Python's number formatting, as assert_close's message uses it

/** Python's repr(float) (float_repr_style 'short'): shortest round-trip digits; exponent form below 1e-4 and from 1e16 on (Python/pystrtod.c). */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = x.toExponential(); // shortest digits that read back as x, closest to x (ECMA-262 Number::toExponential)
  const ePos = e.indexOf('e');
  const sign = x < 0 ? '-' : '';
  const digits = e.slice(0, ePos).replace('-', '').replace('.', '');
  const exp10 = Number(e.slice(ePos + 1));
  const decpt = exp10 + 1; // x = 0.digits * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
}

/** Python's f"{count / total:.1%}" (the division and the *100 in double, then '{:.1f}' with ties to even). */
export function formatPythonPercent(count: number, total: number): string {
  return `${formatFixedF64((count / total) * 100, 1)}%`;
}

/** A tuple index as Python prints it: (2, 1). */
function pythonIndex(index: [number, number]): string {
  return `(${index[0]}, ${index[1]})`;
}

/** What the summary says beyond the Comparison itself: from the statistics, and the paste's shape. */
export type SummaryStats = Pick<ElementStatistics, 'maxUlpsAt' | 'nanOneSided' | 'nanBoth' | 'allBitsEqual'> & {
  /** set when the paste's shape is known and its size differs from ours */
  mismatchedShape?: number[];
  /** the paste holds as many values as ours, in another shape */
  sameSize?: boolean;
  /** ours and the pasted value at maxUlpsAt have opposite signs (the distance counts every float32 near zero) */
  maxUlpsAcrossZero?: boolean;
};

/** The header and statistics block: assert_close's message when the rule is tolerance (or bitwise, its rtol=atol=0 form). */
function assertCloseBlock(c: Comparison, choice: RuleChoice): string {
  const equality = choice.rule === 'bitwise' || (choice.rule === 'tolerance' && c.rtol === 0 && c.atol === 0);
  let header: string;
  if (choice.rule === 'printed-precision') {
    header =
      c.mismatched > 0
        ? 'Tensor-likes are not equal at the printed precision!'
        : 'Tensor-likes are equal at the printed precision!';
  } else if (equality) {
    header = c.mismatched > 0 ? 'Tensor-likes are not equal!' : 'Tensor-likes are equal!';
  } else {
    header = c.mismatched > 0 ? 'Tensor-likes are not close!' : 'Tensor-likes are close!';
  }
  const suffix = (tol: number): string => {
    if (choice.rule === 'printed-precision')
      return choice.style ? ` (printed with ${describeStyle(choice.style)})` : '';
    return equality ? '' : ` (up to ${formatPythonFloat(tol)} allowed)`;
  };
  const lines = [
    header,
    '',
    `Mismatched elements: ${c.mismatched} / ${c.compared} (${formatPythonPercent(c.mismatched, c.compared)})`
  ];
  if (c.greatestAbs)
    lines.push(
      `Greatest absolute difference: ${formatPythonFloat(c.greatestAbs.value)} at index ${pythonIndex(c.greatestAbs.index)}${suffix(c.atol)}`
    );
  if (c.greatestRel)
    lines.push(
      `Greatest relative difference: ${formatPythonFloat(c.greatestRel.value)} at index ${pythonIndex(c.greatestRel.index)}${suffix(c.rtol)}`
    );
  return lines.join('\n');
}

/** The whole summary: assert_close's shape message and block, then ulps, bitwise equality, the rule and the shape note. */
export function buildSummary(c: Comparison, choice: RuleChoice, stats: SummaryStats): string {
  const lines: string[] = [];
  if (stats.mismatchedShape) {
    // what assert_close raises first (torch/testing/_comparison.py: _compare_attributes)
    const size = (shape: number[]): string => `torch.Size([${shape.join(', ')}])`;
    lines.push(
      `The values for attribute 'shape' do not match: ${size([c.expected.rows, c.expected.cols])} != ${size(stats.mismatchedShape)}.`,
      ''
    );
    if (c.compared > 0) lines.push(stats.sameSize ? 'In row-major order:' : 'Where they overlap:');
  }
  if (c.compared === 0) {
    lines.push('Nothing to compare: the paste gives no value for any element of our sample.');
  } else {
    lines.push(assertCloseBlock(c, choice));
    if (c.maxUlps !== null) {
      const at: [number, number] = [Math.floor(stats.maxUlpsAt / c.expected.cols), stats.maxUlpsAt % c.expected.cols];
      const n = stats.nanOneSided;
      const nanNote = n > 0 ? ` (${n} element${n === 1 ? '' : 's'} with nan on one side not counted)` : '';
      // under the printed-precision rule the pasted values are rounded decimals: a distance to them, not to PyTorch's value
      const rounded =
        choice.rule === 'printed-precision' && !choice.pinned ? ' (to the pasted decimals, which are rounded)' : '';
      // about 2.1e9 ulps for 1 against -1: the float32 values near zero are most of them
      const acrossZero = stats.maxUlpsAcrossZero
        ? ' (the two values have opposite signs: the float32 values between them near zero are counted too)'
        : '';
      lines.push(
        `Greatest distance in float32 ulps${rounded}: ${c.maxUlps} at index ${pythonIndex(at)}${acrossZero}${nanNote}`
      );
    } else {
      lines.push('Greatest distance in float32 ulps: none (nan on one side of every compared element)');
    }
    let bitwise: string;
    const total = c.expected.rows * c.expected.cols;
    // a printed nan stands for any nan: its sign and payload bits are not in the print, so the summary says that
    // the nan elements are equal as nan only
    const n = stats.nanBoth;
    // a recording has the bits, but a nan's sign and payload are not compared (engines store a nan differently)
    const why = choice.recorded
      ? "a nan's sign and payload bits are not compared, as engines may store a nan differently"
      : "a print does not show a nan's bits";
    const nanNote =
      n === 0
        ? ''
        : n === c.compared
          ? choice.recorded
            ? ` (every value is nan on both sides; ${why})`
            : `, as far as a print shows (every value is nan on both sides; ${why})`
          : ` (the ${n} nan element${n === 1 ? ' is' : 's are'} nan on both sides; ${why})`;
    // a summarised paste (`...`) shows some values only: equal bit for bit, those
    if (choice.pinned)
      bitwise = !stats.allBitsEqual
        ? 'no'
        : (c.known ? `yes, for the ${c.compared} values shown (of ${total})` : 'yes') + nanNote;
    else if (!c.bitwiseUnknown) bitwise = 'no';
    else
      bitwise = choice.float64Print
        ? 'cannot tell: the pasted digits do not identify float64 values exactly (print x as float32 with torch.set_printoptions(precision=12), or x.tolist(), for that)'
        : choice.savetxt
          ? "cannot tell: the pasted digits do not identify float32 values exactly (save with np.savetxt's default fmt, '%.18e', or with np.save, for that)"
          : 'cannot tell: the pasted digits do not identify float32 values exactly (print with torch.set_printoptions(precision=12) or print x.tolist() for that)';
    lines.push(`Bitwise equal: ${bitwise}`);
  }
  lines.push(`Rule: ${c.ruleExplanation}`);
  if (c.shapeNote) lines.push(`Shape: ${c.shapeNote}`);
  return lines.join('\n');
}

/** The line that says which of the RNG profiles tried reproduce the paste. */
export function profileLine(run: RngProfile, search: { tried: RngProfile[]; matching: RngProfile[] }): string {
  if (search.matching.length === 0) return `RNG profile: none of ${search.tried.join(', ')} reproduces the paste.`;
  const which = search.matching.join(' and ');
  return `RNG profile: ${run} does not reproduce the paste; ${which} ${search.matching.length === 1 ? 'does' : 'do'} (run again with profile ${search.matching[0]}).`;
}

/** The line that names every (RNG, matmul) profile pair that reproduces the paste. */
export function pairLine(search: { tried: ProfilePair[]; matching: ProfilePair[] }, what = 'the paste'): string {
  if (search.matching.length === 0)
    return `Profile pairs: none of the ${search.tried.length} (RNG, matmul) pairs reproduces ${what}.`;
  const names = search.matching.map(pairName);
  return `Profile pairs: ${names.join('; ')} ${search.matching.length === 1 ? 'reproduces' : 'reproduce'} ${what}.`;
}

// ---------------------------------------------------------------------------------------------
// Step-by-step pastes and the diagnosis, in words

/** "x after step 3" or "x_T (the initial noise)". */
export function stepName(step: number | null): string {
  return step === null ? 'x_T (the initial noise)' : `x after step t = ${step}`;
}

/** How a step-by-step summary names what it compares: a paste's prints, or a recording's states. */
interface StepWords {
  head: string;
  item: string;
  items: string;
  theirs: string;
}
const PASTE_WORDS: StepWords = { head: 'Step-by-step paste', item: 'print', items: 'prints', theirs: 'pasted' };
const RECORDING_WORDS: StepWords = {
  head: 'Compared step by step',
  item: 'recorded state',
  items: 'recorded states',
  theirs: 'recorded'
};

/** Our value and the pasted (or recorded) one at an element, with their distance. */
function differenceText(ours: number, pasted: number, theirs = 'pasted'): string {
  const u = ulpDistanceF32(ours, pasted);
  const dist = Number.isFinite(u)
    ? ` (${u} ulp${u === 1 ? '' : 's'} apart, |diff| ${formatPythonFloat(Math.abs(ours - pasted))})`
    : '';
  return `ours ${formatFloat32Shortest(ours)}, ${theirs} ${formatFloat32Shortest(pasted)}${dist}`;
}

/** Lines shown per print when the divergence is traced: the first this many and the last few. */
const GROWTH_HEAD = 8;
const GROWTH_TAIL = 3;

/**
 * The head of a step-by-step comparison's summary: which steps the prints were taken to be, the first divergent
 * step and element (with both values), and how the divergence grows from there (per print: elements that differ,
 * greatest |ours - pasted|, greatest distance in ulps).
 */
export function stepLines(
  s: StepByStep,
  first: FirstDivergence | null,
  bad: Comparison | null,
  oursAtBad: Float32Array | null,
  recording = false
): string[] {
  const w = recording ? RECORDING_WORDS : PASTE_WORDS;
  const lines = [`${w.head}: ${s.stepsNote}`];
  if (!first || !bad) {
    const ours = s.prints.every((p) => p.step === null) ? 'our x_T' : 'our state after the same step';
    lines.push(`Every ${w.item} matches ${ours} (${s.prints.length} of ${s.prints.length}).`);
    return lines;
  }
  const at = s.prints.findIndex((p) => !p.matches);
  let where: string;
  if (first.index && oursAtBad) {
    const k = first.index[0] * bad.expected.cols + first.index[1];
    where = `, element (${first.index[0]}, ${first.index[1]}): ${differenceText(oursAtBad[k], bad.expected.data[k], w.theirs)}`;
  } else {
    where = `: ${(bad.shapeNote ?? 'the shapes differ').replace(/\.$/, '')}`;
  }
  lines.push(`First divergence: ${stepName(first.step)} (${w.item} ${at + 1} of ${s.prints.length})${where}.`);
  if (at > 0)
    lines.push(
      `The ${at} ${at === 1 ? w.item : w.items} before it match${at === 1 ? 'es' : ''} our states ${recording ? 'bit for bit' : "bit for bit or at the paste's precision"}.`
    );
  const rest = s.prints.slice(at);
  lines.push(
    `How the divergence grows (per ${w.item}: elements that differ, greatest |ours - ${w.theirs}|, greatest distance in float32 ulps):`
  );
  const row = (p: StepComparisonSummary): string => {
    const name = p.step === null ? 'x_T' : `t = ${p.step}`;
    const abs = p.maxAbsDiff === null ? 'n/a' : formatPythonFloat(p.maxAbsDiff);
    const ulps = p.maxUlps === null ? 'n/a' : String(p.maxUlps);
    return `  ${name}: ${p.mismatched} of ${p.compared}, ${abs}, ${ulps} ulps${p.shapeNote && !p.matches && p.compared === 0 ? ` (${p.shapeNote})` : ''}`;
  };
  if (rest.length <= GROWTH_HEAD + GROWTH_TAIL + 1) {
    for (const p of rest) lines.push(row(p));
  } else {
    for (const p of rest.slice(0, GROWTH_HEAD)) lines.push(row(p));
    lines.push(`  ... (${rest.length - GROWTH_HEAD - GROWTH_TAIL} more ${w.items})`);
    for (const p of rest.slice(-GROWTH_TAIL)) lines.push(row(p));
  }
  return lines;
}

/**
 * The diagnosis's first line as a view heads its entries: the summary's own words (the rule's qualifier, the step
 * the mistakes start at), ending with a colon before the entries; or why there is no entry.
 */
export function diagnosisHeading(
  c: Pick<Comparison, 'diagnosis' | 'diagnosisNote' | 'rule' | 'diagnosisFromStep'>,
  what = 'the paste'
): string {
  const n = c.diagnosis?.length ?? 0;
  if (n === 0) return `Diagnosis: ${c.diagnosisNote ?? `no entry of the diagnosis catalogue reproduces ${what}.`}`;
  const from =
    c.diagnosisFromStep !== undefined && c.diagnosisFromStep !== null ? ` from step t = ${c.diagnosisFromStep} on` : '';
  return `Diagnosis: your output is ${ruleWords(c.rule, c.diagnosis![0])} what Algorithm 2 gives with ${n === 1 ? 'this mistake' : 'any of these mistakes'}${from}:`;
}

/**
 * An (RNG, matmul) profile pair as the diagnosis names it, when a mistake reproduces the states only under it: the
 * randn kernel and the BLAS of the user's PyTorch.
 */
export function pairWords(p: ProfilePair): string {
  const threads = (p.threads ?? 1) > 1 ? ` on ${p.threads} threads` : '';
  return `with the RNG profile ${p.rng} and the matmul profile ${p.matmul}${threads} (your PyTorch's randn kernel and BLAS, README "RNG profiles", "Matmul profiles")`;
}

/** torch.testing.assert_close's float32 defaults, as the diagnosis names them. */
const DEFAULT_TOLERANCE_WORDS = "torch.testing.assert_close's float32 tolerance (rtol 1.3e-6, atol 1e-5)";

/**
 * How a diagnosis says that its mistake gives exact values only approximately (DiagnosisEntry.approximate); for
 * rounded numbers ('%g' with 5 to 8 digits), within that tolerance of the values they may have been rounded from.
 */
function approximateWords(rounded: boolean): string {
  const notExactly = rounded
    ? 'allowing for the rounding of its printed digits, though not at its printed precision'
    : 'though not bit for bit';
  return `within ${DEFAULT_TOLERANCE_WORDS}, ${notExactly} (your code likely writes the mistake with operations that round differently, as Ho et al.'s code does),`;
}
export const APPROXIMATE_WORDS = approximateWords(false);

/**
 * Why no mistake is needed when the correct loop is within assert_close's float32 tolerance of exact values: `what`
 * (the correct loop, every recorded state) is within it of `of`, at most maxUlps apart, as a rewrite of the loop or an
 * unprofiled BLAS gives.
 */
export function withinToleranceWords(what: string, of: string, maxUlps: number | null, float64 = false): string {
  // rounded pasted numbers ('%g'): within the tolerance of values they may have been rounded from; ulps to them say nothing
  if (maxUlps === null)
    return `${what} within ${DEFAULT_TOLERANCE_WORDS} of ${of}, allowing for the rounding of its printed digits, as a correct loop written with operations that round differently is (torch.rsqrt, coefficients precomputed as tensors, the same terms in another order), or one run on a BLAS whose rounding no matmul profile reproduces`;
  const ulps = `${maxUlps} ulp${maxUlps === 1 ? '' : 's'}`;
  // float64 values (x.tolist() of a loop run in float64) are no float32 value: the ulps are those of their float32
  if (float64)
    return `${what} within ${DEFAULT_TOLERANCE_WORDS} of ${of} (at most ${ulps} apart once its float64 values are rounded to float32), as the correct loop run in float64 is (the pasted values are float64: .double() on x, the weights and the schedule, or torch.set_default_dtype(torch.float64)), or one written with operations that round differently`;
  return `${what} within ${DEFAULT_TOLERANCE_WORDS} of ${of} (at most ${ulps} apart), as a correct loop written with operations that round differently is (torch.rsqrt, coefficients precomputed as tensors, the same terms in another order), or one run on a BLAS whose rounding no matmul profile reproduces`;
}

/** How the rule's acceptance reads in the diagnosis sentence (for an entry that gives exact values approximately: so). */
function ruleWords(rule: CompareRule, entry?: DiagnosisEntry): string {
  if (entry?.approximate) return approximateWords(rule === 'printed-precision');
  if (rule === 'bitwise') return 'exactly';
  if (rule === 'printed-precision') return 'at the printed precision';
  return 'within the tolerance';
}

/**
 * The diagnosis in words, for a comparison that does not match: each catalogue entry that reproduces the paste
 * ("Your output is exactly what Algorithm 2 gives when ..."), with the wrong and the right line; or why there is none.
 * fromStep: for a step-by-step paste, the first divergent step (the mistake is taken to be present from there on).
 */
export function diagnosisLines(
  diagnosis: readonly DiagnosisEntry[],
  note: string | undefined,
  fromStep: number | null,
  rule: CompareRule,
  what = 'the paste'
): string[] {
  if (diagnosis.length === 0) {
    if (note) return [`Diagnosis: ${note}`];
    return [
      `Diagnosis: no entry of the diagnosis catalogue reproduces ${what} (README "Diagnosis catalogue" lists them).`
    ];
  }
  const from = fromStep !== null ? ` from step t = ${fromStep} on` : '';
  const lines: string[] = [];
  diagnosis.forEach((d, i) => {
    const [wrong, right] = d.pytorch.split('\n');
    const profile = d.pair
      ? `, run ${pairWords(d.pair)}`
      : d.profile
        ? ` and PyTorch's ${d.profile} RNG kernel (profile ${d.profile})`
        : '';
    const lead = i === 0 ? 'Diagnosis: your output is' : 'It is also';
    lines.push(
      `${lead} ${ruleWords(rule, d)} what Algorithm 2 gives with this mistake${from}${profile}: ${d.title} (${d.id}). ${d.explanation}`
    );
    lines.push(`    yours: ${wrong}`);
    if (right !== undefined) lines.push(`    right: ${right}`);
  });
  return lines;
}
