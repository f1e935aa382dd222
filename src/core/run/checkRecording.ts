// Checks a recording (recording.ts: the user's own PyTorch loop, recorded by python/ddpm_lab.py) against the exact
// reference: runs Algorithm 2 (sampler.ts) on the recording's inputs, keeping x after every recorded step, and
// compares each recorded state bit for bit (x_T when recorded, then each step in loop order). At the first
// divergent step t0 it asks the diagnosis catalogue (src/core/diagnosis, diagnoseTrajectory) which mistakes, present
// from t0 on, give every recorded state from t0 down exactly. README "Use it from Jupyter" describes the verdict.
// Pure and synchronous: the notebook renderer runs it in the browser, the compare command may run it in Node.
import { diagnoseTrajectory } from '../diagnosis/diagnose';
import { correctStates, stepBefore } from '../diagnosis/loop';
import { mistakeInfo, type MistakeInfo } from '../diagnosis/catalogue';
import { float32ToBits, ulpDistanceF32 } from '../float32';
import { runSampler } from '../sampler/sampler';
import { formatFloat32Shortest } from '../tensors/printTensor';
import { DEFAULT_PROFILE, type ProfilePair, type RecordPolicy, type RngProfile, type RunResult } from '../types';
import { DIAGNOSIS_MAX_WORK, closeByDefaults, loopWork } from '../compare/compare';
import { APPROXIMATE_WORDS, pairWords, withinToleranceWords } from '../compare/summaryText';
import { mistakeUnderLeadingPair, profilePairsReproducing } from '../diagnosis/profilePairs';
import { TRANSPOSED_DRAW_NOTE, transposedDraw } from '../diagnosis/transposedDraw';
import {
  float64LoopHint,
  float64LoopReproducing,
  recordedLoopInputs,
  type Float64LoopMatch
} from '../diagnosis/float64Loop';
import { float64XTNote, type Recording, type RecordedState, type TensorInputName } from './recording';

/** How far one recorded state is from the reference's state at the same point. */
export interface StateDistance {
  /** the step after which x was recorded; null for x_T */
  t: number | null;
  /** elements whose float32 bits differ */
  differing: number;
  /** largest ulpDistanceF32 over the elements (0 when every element is equal; +0 and -0 count as equal) */
  maxUlp: number;
  /** largest |yours - reference| over the elements, as a double (Infinity where exactly one is NaN or they are infinite apart) */
  maxAbsDiff: number;
}

/** The first element whose bits differ, in loop order then row-major order. */
export interface RecordingDivergence {
  /** the step after which the state differs; null: x_T differs */
  t: number | null;
  /** row-major index into the (N, d) state */
  index: number;
  /** [row, column] */
  element: [number, number];
  /** the user's float32 value (a float64 state rounded to float32) */
  yours: number;
  /** the reference's float32 value */
  reference: number;
  ulp: number;
}

export interface RecordingDiagnosis {
  /** the step from which the named mistakes were assumed present (the correct loop before it) */
  fromStep: number;
  /** catalogue entries that reproduce every recorded state from fromStep on, bit for bit; [] when none does */
  mistakes: MistakeInfo[];
  /**
   * the mistakes give every state only within torch.testing.assert_close's float32 tolerance, not bit for bit (no
   * entry does so exactly): the mistake written with operations that round differently (Ho et al.'s code)
   */
  approximate?: true;
  /**
   * set when the mistakes give the states only under another (RNG, matmul) profile pair than the run's: a PyTorch with
   * another randn kernel or BLAS whose loop has the mistake (profilePairs.ts leadingPairs)
   */
  pair?: ProfilePair;
  /**
   * no entry reproduces the states, and every recorded state is within that tolerance of the reference: a correct
   * loop written with operations that round differently; the greatest distance in ulps
   */
  rewritten?: { maxUlps: number };
}

/** How a recording's diagnosis says what its mistakes give (the verdict and the recording view share it). */
export function diagnosisLead(d: RecordingDiagnosis): string {
  const how = d.approximate ? APPROXIMATE_WORDS : 'exactly';
  const run = d.pair ? `, run ${pairWords(d.pair)},` : '';
  return `Your output is ${how} what Algorithm 2 gives${run} with ${d.mistakes.length === 1 ? 'this mistake' : 'any of these mistakes'}`;
}

/** What a recording's diagnosis says when no mistake is needed (RecordingDiagnosis.rewritten). */
export function rewrittenNote(maxUlps: number): string {
  return `No mistake is needed: ${withinToleranceWords('every recorded state is', 'the reference', maxUlps)}.`;
}

export interface RecordingVerdict {
  /** every recorded state is the reference's, bit for bit, and the sample (x after step 0) is among them */
  matches: boolean;
  /** the recording holds the sample, x after step 0 (a loop that stopped early, or a recorder not yet used, does not) */
  complete: boolean;
  /**
   * every recorded state is the reference's x before its step rather than after it (rec.step(t, x) called at the top
   * of the loop body, before x is updated); only when the states do not match as recorded
   */
  recordedBeforeStep: boolean;
  /** per recorded state in loop order: x_T first when recorded, then each step */
  states: StateDistance[];
  firstDivergence: RecordingDivergence | null;
  /** null when everything matches, when x_T differs (no catalogue entry changes x_T) or when diagnosis was off */
  diagnosis: RecordingDiagnosis | null;
  /**
   * the other (RNG, matmul) profile pairs whose correct loop gives every recorded state bit for bit (a PyTorch with
   * another randn kernel or BLAS), when the states differ and no catalogue mistake reproduces them; absent when not
   * searched (everything matches, diagnosis off, or a run beyond DIAGNOSIS_MAX_WORK)
   */
  profilePairs?: ProfilePair[];
  /** inputs that were float64 in the user's session: tensors, arrays or lists of Python floats (the reference rounds them to float32) */
  float64Inputs: TensorInputName[];
  /** whether the states were recorded as float64 (compared after rounding to float32, as x.float() does) */
  float64States: boolean;
  /**
   * how a loop run wholly in float64 gives every recorded state (diagnosis/float64Loop.ts), when float64 states differ
   * and neither a catalogue mistake nor another profile pair gives them; absent otherwise
   */
  float64Loop?: Float64LoopMatch;
  /** x_T is the reference's draw laid out as torch.randn(d, N).T (diagnosis/transposedDraw.ts); absent otherwise */
  transposedXT?: boolean;
  /** the reference run: its trajectory holds (at least) every recorded step, in loop order */
  reference: RunResult;
  /** the verdict's first sentence: "matches: ..." or "first differs at step t = ..., element [i, j]: ..." */
  headline: string;
  /** one paragraph: the headline, the diagnosis and the notes (float64 inputs or states) */
  summary: string;
}

export interface CheckRecordingOptions {
  /** which PyTorch CPU randn kernel to reproduce (default avx2-fma) */
  profile?: RngProfile;
  /** run the diagnosis catalogue at a divergence (default true) */
  diagnose?: boolean;
  /** checked between steps of the diagnosis; when it returns true the check throws an Error named 'AbortError' */
  shouldStop?: () => boolean;
}

/** The sampler's record policy that keeps every step the helper kept (every k-th from t = T-1, and t = 0). */
function recordPolicy(r: Recording): RecordPolicy {
  if (r.every === 1) return { kind: 'all' };
  const kept = (t: number) => (r.T - 1 - t) % r.every === 0 || t === 0;
  return r.steps.every((s) => kept(s.t)) ? { kind: 'every', k: r.every } : { kind: 'all' };
}

function distance(t: number | null, yours: Float32Array, ref: Float32Array): { d: StateDistance; first: number } {
  let differing = 0;
  let maxUlp = 0;
  let maxAbsDiff = 0;
  let first = -1;
  for (let i = 0; i < yours.length; i++) {
    if (float32ToBits(yours[i]) === float32ToBits(ref[i])) continue;
    differing++;
    if (first < 0) first = i;
    const ulp = ulpDistanceF32(yours[i], ref[i]);
    if (ulp > maxUlp) maxUlp = ulp;
    const abs = ulp === 0 ? 0 : Math.abs(yours[i] - ref[i]);
    const absOrInf = Number.isNaN(abs) ? Infinity : abs;
    if (absOrInf > maxAbsDiff) maxAbsDiff = absOrInf;
  }
  return { d: { t, differing, maxUlp, maxAbsDiff }, first };
}

const sameBits = (a: Float32Array, b: Float32Array): boolean => {
  for (let i = 0; i < a.length; i++) if (float32ToBits(a[i]) !== float32ToBits(b[i])) return false;
  return true;
};

const stateName = (t: number | null): string => (t === null ? 'x_T' : `step t = ${t}`);
const ulpText = (u: number): string => (u === Infinity ? 'NaN against a number' : `${u} ulp${u === 1 ? '' : 's'}`);

/** Compares every recorded state with the reference, bit for bit, and names the mistakes that reproduce a divergence. */
export function checkRecording(r: Recording, opts: CheckRecordingOptions = {}): RecordingVerdict {
  const { inputs } = r;
  const reference = runSampler(inputs, {
    profile: opts.profile,
    record: recordPolicy(r),
    // only the steps the recording holds (and the first, for x_T): a loop that recorded 10 of 1000 steps with every = 1
    // would otherwise keep the reference's 1000
    onlySteps: new Set([r.T - 1, ...r.steps.map((s) => s.t)]),
    maxTrajectoryBytes: Infinity, // every recorded step is compared: never thin the reference's trajectory
    inputWarnings: r.inputWarnings
  });
  const after = new Map<number, Float32Array>(); // x after step t
  for (const s of reference.trajectory.steps) after.set(s.t, s.xPrev.data);
  const xT = reference.trajectory.steps.find((s) => s.t === r.T - 1)?.x.data;

  const compared: { t: number | null; state: RecordedState; ref: Float32Array }[] = [];
  if (r.init) compared.push({ t: null, state: r.init, ref: xT! });
  for (const s of r.steps) compared.push({ t: s.t, state: s, ref: after.get(s.t)! });

  const states: StateDistance[] = [];
  let firstDivergence: RecordingDivergence | null = null;
  for (const c of compared) {
    const { d, first } = distance(c.t, c.state.x.data, c.ref);
    states.push(d);
    if (first >= 0 && !firstDivergence) {
      const yours = c.state.x.data[first];
      const ref = c.ref[first];
      firstDivergence = {
        t: c.t,
        index: first,
        element: [Math.floor(first / inputs.d), first % inputs.d],
        yours,
        reference: ref,
        ulp: ulpDistanceF32(yours, ref)
      };
    }
  }

  const recordedBeforeStep =
    firstDivergence !== null && firstDivergence.t !== null && beforeEachStep(r, after, xT!, opts);
  let diagnosis: RecordingDiagnosis | null = null;
  if (firstDivergence && firstDivergence.t !== null && opts.diagnose !== false && !recordedBeforeStep) {
    // the first recorded state the reference is not within assert_close's tolerance of (null: none, or x_T)
    const far = compared.find((c) => !closeF32(c.state.x.data, c.ref))?.t;
    diagnosis = diagnose(r, firstDivergence.t, states, far === undefined ? 'all' : far, opts);
  } else if (
    firstDivergence?.t === null &&
    opts.diagnose !== false &&
    !recordedBeforeStep &&
    loopWork(inputs, r.T) <= DIAGNOSIS_MAX_WORK
  ) {
    // x_T that another randn kernel draws (PyTorch's scalar kernel), and a mistake in the loop under its pair
    diagnosis = diagnoseUnderPair(r, states, opts);
  }
  // no mistake in the loop is the answer: another randn kernel or BLAS may be
  let profilePairs: ProfilePair[] | undefined;
  if (
    firstDivergence &&
    opts.diagnose !== false &&
    !recordedBeforeStep &&
    ((diagnosis?.mistakes.length ?? 0) === 0 || diagnosis?.approximate) &&
    loopWork(inputs, r.T) <= DIAGNOSIS_MAX_WORK
  ) {
    const byT = new Map(compared.map((c) => [c.t, c.state.x.data]));
    profilePairs = profilePairsReproducing(
      inputs,
      { rng: opts.profile ?? DEFAULT_PROFILE },
      [...byT.keys()],
      (t, x) => sameBits(byT.get(t)!, x),
      opts.shouldStop
    ).matching;
    // a profile pair that gives every state bit for bit is the answer, not a mistake that gives them approximately
    if (profilePairs.length > 0 && diagnosis?.approximate) diagnosis = { fromStep: diagnosis.fromStep, mistakes: [] };
  }
  const float64States = [r.init, ...r.steps].some((s) => s?.recorded.dtype === 'float64');
  // correct, in float64: a loop run wholly in float64 gives every state (the states are float64, nothing else does)
  const float64Loop =
    firstDivergence &&
    float64States &&
    opts.diagnose !== false &&
    !recordedBeforeStep &&
    (diagnosis?.mistakes.length ?? 0) === 0 &&
    (profilePairs?.length ?? 0) === 0 &&
    loopWork(inputs, r.T) <= DIAGNOSIS_MAX_WORK
      ? float64LoopReproducing(
          { ...recordedLoopInputs(r), profile: opts.profile ?? DEFAULT_PROFILE },
          compared.map((c) => ({ t: c.t, x: c.state.x.data })),
          opts.shouldStop
        )
      : null;
  const complete = r.steps.at(-1)?.t === 0;
  // x_T drawn as (d, N) and transposed: the reference's numbers, elsewhere
  const transposedXT =
    firstDivergence?.t === null && r.init !== null && sameBits(r.init.x.data, transposedDraw(xT!, inputs.n, inputs.d));
  const verdict = {
    ...(transposedXT ? { transposedXT } : {}),
    ...(profilePairs ? { profilePairs } : {}),
    ...(float64Loop ? { float64Loop } : {}),
    matches: firstDivergence === null && complete,
    complete,
    recordedBeforeStep,
    states,
    firstDivergence,
    diagnosis,
    float64Inputs: r.float64Inputs,
    float64States,
    reference
  };
  const sentences = recordingSummary(r, verdict);
  return { ...verdict, headline: sentences[0], summary: sentences.join(' ') };
}

/**
 * Whether every recorded step's state is the correct loop's x before that step (x_T for t = T-1, else x after step
 * t + 1): rec.step(t, x) at the top of the loop body. x_T, when recorded, must be the reference's too. The
 * reference's states (`after`, `xT`) serve when they hold every step needed (every = 1); else the correct loop is run.
 */
function beforeEachStep(
  r: Recording,
  after: Map<number, Float32Array>,
  xT: Float32Array,
  opts: CheckRecordingOptions
): boolean {
  if (r.steps.length === 0) return false;
  const wanted = r.steps.map((s) => stepBefore(s.t, r.T));
  let ours = new Map<number | null, Float32Array>([[null, xT], ...after]);
  if (!wanted.every((t) => ours.has(t)))
    ours = correctStates(r.inputs, opts.profile ?? DEFAULT_PROFILE, wanted, opts.shouldStop);
  if (r.init && !sameBits(r.init.x.data, xT)) return false;
  return r.steps.every((s, k) => sameBits(s.x.data, ours.get(wanted[k])!));
}

/**
 * The mistakes that reproduce the recorded states from the first divergent recorded step t1 on. With every > 1 the
 * change may have begun at an unrecorded step after the last matching one: the earliest such start is tried first
 * (a mistake present throughout the loop starts there), then t1 itself.
 */
function diagnose(
  r: Recording,
  t1: number,
  states: StateDistance[],
  /**
   * 'all' when every recorded state is within assert_close's float32 tolerance of the reference's; else the step of
   * the first that is not (null: x_T), from which the tolerance pass tries the catalogue too (a mistake that shows after
   * an ulp of rounding here and there)
   */
  close: 'all' | number | null,
  opts: CheckRecordingOptions
): RecordingDiagnosis {
  const { byT, matchesStep, schedule64 } = recordedSteps(r);
  const lastMatching = states.filter((s) => s.t !== null && s.differing === 0 && s.t > t1).map((s) => s.t as number);
  const earliest = lastMatching.length ? lastMatching.reduce((a, b) => Math.min(a, b)) - 1 : r.T - 1;
  let fromStep = t1;
  for (const start of earliest > t1 ? [earliest, t1] : [t1]) {
    fromStep = start;
    const ids = diagnoseTrajectory(r.inputs, start, matchesStep, {
      profile: opts.profile,
      schedule64,
      shouldStop: opts.shouldStop
    });
    if (ids.length) return { fromStep, mistakes: ids.map((id) => mistakeInfo(id)) };
  }
  if (loopWork(r.inputs, r.T) > DIAGNOSIS_MAX_WORK) return { fromStep, mistakes: [] };
  // none under the run's profiles: a PyTorch on another BLAS or randn kernel whose loop has a mistake
  const underPair = diagnoseUnderPair(r, states, opts);
  if (underPair) return underPair;
  // none bit for bit: within assert_close's float32 tolerance, a rewrite of the correct loop, or a mistake written
  // with other operations (compare.ts nearDiagnosis says the same of a paste)
  if (close === 'all')
    return { fromStep, mistakes: [], rewritten: { maxUlps: Math.max(...states.map((s) => s.maxUlp)) } };
  const closeStep = (t: number, x: Float32Array): boolean => {
    const mine = byT.get(t);
    return mine === undefined || closeF32(mine, x);
  };
  const starts = new Set([
    ...(earliest > t1 ? [earliest, t1] : [t1]),
    ...(close !== null && close < t1 ? [close] : [])
  ]);
  for (const start of starts) {
    fromStep = start;
    const ids = diagnoseTrajectory(r.inputs, start, closeStep, { profile: opts.profile, shouldStop: opts.shouldStop });
    if (ids.length) return { fromStep, mistakes: ids.map((id) => mistakeInfo(id)), approximate: true };
  }
  return { fromStep, mistakes: [] };
}

/**
 * A recording's states by step, whether a candidate's x after step t is the recorded one bit for bit (true for a step
 * not recorded), and the schedule as recorded (float64 values kept) for the schedule-float64 entry.
 */
function recordedSteps(r: Recording): {
  byT: Map<number, Float32Array>;
  matchesStep: (t: number, x: Float32Array) => boolean;
  schedule64: { betas: ArrayLike<number>; alphaBar: ArrayLike<number> };
} {
  const byT = new Map<number, Float32Array>(r.steps.map((s) => [s.t, s.x.data]));
  const matchesStep = (t: number, x: Float32Array): boolean => {
    const mine = byT.get(t);
    return mine === undefined || sameBits(mine, x);
  };
  return {
    byT,
    matchesStep,
    schedule64: { betas: r.recordedInputs.betas.values, alphaBar: r.recordedInputs.alpha_bar.values }
  };
}

/**
 * The catalogue's mistakes under the (RNG, matmul) pair whose correct loop gives the most recorded states from the
 * first (profilePairs.ts mistakeUnderLeadingPair; compare.ts mistakeUnderPair does the same for a paste): a PyTorch on
 * another BLAS or randn kernel whose loop has a mistake. Null when none.
 */
function diagnoseUnderPair(
  r: Recording,
  states: StateDistance[],
  opts: CheckRecordingOptions
): RecordingDiagnosis | null {
  const { matchesStep, schedule64 } = recordedSteps(r);
  const steps = [...(r.init ? [null] : []), ...r.steps.map((s) => s.t)];
  const matchesAt = (t: number | null, x: Float32Array): boolean =>
    t === null ? sameBits(r.init!.x.data, x) : matchesStep(t, x);
  const own = { rng: opts.profile ?? DEFAULT_PROFILE };
  const ownLeading = states.findIndex((s) => s.differing > 0);
  const found = mistakeUnderLeadingPair(r.inputs, own, steps, ownLeading, matchesAt, matchesStep, {
    schedule64,
    shouldStop: opts.shouldStop
  });
  return found && { fromStep: found.from, mistakes: found.ids.map((id) => mistakeInfo(id)), pair: found.pair };
}

/** Whether every value of `a` is within torch.testing.assert_close's float32 defaults of `b`'s (the reference's). */
function closeF32(a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!closeByDefaults(b[i], a[i])) return false;
  return true;
}

const list = (items: string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Why the recorded states differ when the diagnosis catalogue is not the answer: the whole loop runs in float64, x_T
 * differs (drawn in float64, or otherwise: the seed), or every state is the reference's x before its step (rec.step
 * called at the top of the loop body). null when the states match or the diagnosis speaks. The summary and the
 * recording view say the same.
 */
export function divergenceCause(
  r: Recording,
  v: Pick<RecordingVerdict, 'firstDivergence' | 'recordedBeforeStep' | 'float64Loop' | 'transposedXT' | 'diagnosis'>
): string | null {
  const f = v.firstDivergence;
  if (!f) return null;
  // a mistake named under another pair, whose randn kernel draws the recorded x_T: no word on x_T
  if (v.diagnosis?.pair && v.diagnosis.mistakes.length > 0) return null;
  if (v.float64Loop) {
    const hint = float64LoopHint(v.float64Loop, r.inputs.n * r.inputs.d);
    return hint[0].toUpperCase() + hint.slice(1);
  }
  if (f.t === null && r.init?.recorded.dtype === 'float64') return float64XTNote(r.inputs.n * r.inputs.d);
  if (f.t === null && v.transposedXT) return TRANSPOSED_DRAW_NOTE[0].toUpperCase() + TRANSPOSED_DRAW_NOTE.slice(1);
  if (f.t === null)
    return 'x_T is torch.randn(N, d, generator=torch.Generator().manual_seed(seed)): check the seed and how x_T is drawn; no catalogue mistake changes x_T.';
  if (v.recordedBeforeStep)
    return "Every recorded state is the reference's x before its step: rec.step(t, x) was called at the top of the loop body, before x is updated; call it after the step (and rec.init(x) before the loop for x_T).";
  return null;
}

/** The verdict's sentences: the headline first, then the diagnosis and the notes. */
export function recordingSummary(r: Recording, v: Omit<RecordingVerdict, 'summary' | 'headline'>): string[] {
  const parts: string[] = [];
  const stepTs = r.steps.map((s) => s.t);
  const what =
    (r.init ? 'x_T and ' : '') +
    (stepTs.length === 0
      ? 'no step'
      : stepTs.length === 1
        ? `1 step, t = ${stepTs[0]}`
        : `${stepTs.length} steps, t = ${stepTs[0]} down to ${stepTs[stepTs.length - 1]}${r.every > 1 ? ` every ${r.every}` : ''}`);
  const f = v.firstDivergence;
  const last = r.steps.at(-1)?.t ?? null;
  if (!f && v.complete) {
    parts.push(`matches: every recorded step is bit for bit the reference (${what}).`);
  } else if (!f && r.steps.length === 0 && !r.init) {
    parts.push(
      'nothing to check yet: the recording holds no state; call rec.step(t, x) after each step of your loop (and rec.init(x) for x_T).'
    );
  } else if (!f) {
    parts.push(
      `not a match: the recording ends at ${last === null ? 'x_T' : `x after step t = ${last}`} and has no sample (x after step 0) to compare; ` +
        `every recorded state is bit for bit the reference (${what}). A loop that stops before t = 0 (range(T - 1, 0, -1)) leaves the last step out.`
    );
  } else {
    const differing = v.states.filter((s) => s.differing > 0).length;
    const at = v.states.find((s) => s.t === f.t)!;
    parts.push(
      `first differs at ${stateName(f.t)}, element [${f.element[0]}, ${f.element[1]}]: yours ${formatFloat32Shortest(f.yours)}, ` +
        `the reference ${formatFloat32Shortest(f.reference)} (${ulpText(f.ulp)}); ${at.differing} of ${r.inputs.n * r.inputs.d} elements differ there ` +
        `(at most ${ulpText(at.maxUlp)}), and ${differing} of the ${v.states.length} recorded states differ.`
    );
    const cause = divergenceCause(r, v);
    const pairs = v.profilePairs ?? [];
    if (pairs.length > 0) {
      const names = list(
        pairs.map(
          (p) =>
            `the RNG profile ${p.rng} with the matmul profile ${p.matmul}${(p.threads ?? 1) > 1 ? ` on ${p.threads} threads` : ''}`
        )
      );
      parts.push(
        `Every recorded state is bit for bit the reference run with ${names}: your PyTorch draws randn or multiplies by w_model as that profile does (README "RNG profiles", "Matmul profiles"), not a mistake in the loop.`
      );
      // yet a loop that stops before t = 0 leaves the sample out, as the headline of one that matches would say
      if (!v.complete)
        parts.push(
          `But the recording ends at ${last === null ? 'x_T' : `x after step t = ${last}`} and has no sample (x after step 0): a loop over range(T - 1, 0, -1) leaves the last step out; record x after step 0 too.`
        );
    } else if (cause) {
      parts.push(cause);
    } else if (v.diagnosis) {
      const ms = v.diagnosis.mistakes;
      const from = v.diagnosis.fromStep === r.T - 1 ? '' : ` from step t = ${v.diagnosis.fromStep} on`;
      if (ms.length === 1) {
        const m = ms[0];
        parts.push(
          `${diagnosisLead(v.diagnosis)}${from}: ${lowerFirst(m.title)} (${m.id}): \`${m.wrong}\` instead of \`${m.right}\`.`
        );
      } else if (ms.length > 1) {
        parts.push(`${diagnosisLead(v.diagnosis)}${from}: ${list(ms.map((m) => `${lowerFirst(m.title)} (${m.id})`))}.`);
      } else if (v.diagnosis.rewritten) {
        parts.push(rewrittenNote(v.diagnosis.rewritten.maxUlps));
      } else {
        parts.push('No mistake of the diagnosis catalogue reproduces your states.');
      }
    }
  }
  if (v.float64Inputs.length) {
    parts.push(
      `${list(v.float64Inputs)} ${v.float64Inputs.length === 1 ? 'was' : 'were'} float64 in your session (a float64 tensor or array, or Python floats); ` +
        'the reference runs them rounded to float32, as .float() does.'
    );
  }
  if (v.float64States)
    parts.push('Your states were float64 and are compared after rounding to float32, as x.float() does.');
  return parts;
}
