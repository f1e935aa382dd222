// The one run-result type: the core produces it, the CLI prints it, the extension host sends it,
// the renderer draws it. Keep changes additive (new optional fields) so that saved notebooks still open.

/** How PyTorch's CPU normal kernel is reproduced (README: "RNG profiles"). */
export type RngProfile = 'avx2-fma' | 'avx2' | 'scalar';
export const RNG_PROFILES: readonly RngProfile[] = ['avx2-fma', 'avx2', 'scalar'];
export const DEFAULT_PROFILE: RngProfile = 'avx2-fma';

/** Which BLAS's float32 matmul `inp @ w_model` reproduces (README: "Matmul profiles"; src/core/sampler/matmul.ts). */
export type MatmulProfile = 'reference' | 'openblas-haswell';
export const MATMUL_PROFILES: readonly MatmulProfile[] = ['reference', 'openblas-haswell'];
export const DEFAULT_MATMUL_PROFILE: MatmulProfile = 'reference';

/** A row-major float32 matrix (rows x cols). */
export interface MatrixF32 {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** Validated sampler inputs (see src/core/inputs.ts for how they are read). */
export interface SamplerInputs {
  /** (d+1, d) */
  wModel: MatrixF32;
  n: number;
  d: number;
  /** (T,) float32 */
  betas: Float32Array;
  /** (T,) float32; may be longer than betas, only the first T are used */
  alphaBar: Float32Array;
  /** any integer in [-2^63, 2^64) */
  seed: bigint;
}

/** Which steps of the trajectory are kept. */
export type RecordPolicy = { kind: 'all' } | { kind: 'every'; k: number } | { kind: 'none' };

/** One reverse step t (from x_t to x_{t-1}), as the core computed it. */
export interface TrajectoryStep {
  t: number;
  /** x_t, the step's input */
  x: MatrixF32;
  /** predicted noise: concat(x_t, t/T) @ w_model */
  eps: MatrixF32;
  mean: MatrixF32;
  /** the step's fresh noise; null at t = 0 */
  z: MatrixF32 | null;
  /** x_{t-1}, the step's output */
  xPrev: MatrixF32;
}

export interface Trajectory {
  policy: RecordPolicy;
  /** recorded steps, in sampling order (t = T-1 first) */
  steps: TrajectoryStep[];
  /** why fewer steps were kept than the policy asked for (memory bound), if so */
  note?: string;
  /**
   * true when the steps were left out on purpose: the view recomputes them from the run's inputs
   * (inputs.wModel, the schedule, the seed and the profile) with the core, and checks that its final sample
   * equals `sample` bit for bit (src/core/run/recompute.ts). steps is then empty.
   */
  recompute?: boolean;
}

export interface Schedule {
  betas: Float32Array;
  /** the first T values of alpha_bar as given */
  alphaBar: Float32Array;
  /** whether alpha_bar equals float32 cumprod(1 - betas) bit for bit */
  alphaBarMatchesCumprod: boolean;
  /** largest |alpha_bar - cumprod(1 - betas)| */
  maxAlphaBarDiff: number;
}

/** An RNG profile with a matmul profile: what one PyTorch build computes. */
export interface ProfilePair {
  rng: RngProfile;
  matmul: MatmulProfile;
  /** OpenBLAS's threads, when more than one (openblas-haswell only) */
  threads?: number;
}

/** Which rule judged a comparison. */
export type CompareRule = 'bitwise' | 'printed-precision' | 'tolerance';

export interface IndexedValue {
  value: number;
  /** [row, col] in the sample */
  index: [number, number];
}

/** A diff of our sample against PyTorch output the user pasted (computed in src/core/compare/). */
export interface Comparison {
  rule: CompareRule;
  /** one sentence saying which rule was used and why */
  ruleExplanation: string;
  rtol: number;
  atol: number;
  /** the pasted text, as given */
  expectedText: string;
  /** pasted values laid over our sample's shape; NaN where the paste gave no value (see known) */
  expected: MatrixF32;
  /** the pasted number tokens as written (`8689.1201`), row-major over our shape, null where none; absent in older comparisons */
  expectedLiterals?: (string | null)[];
  /** 1 where the paste gave a value for that element; null when it gave all of them */
  known: Uint8Array | null;
  /** decimals the paste was printed with (PyTorch prints 4 by default), null if not fixed-point */
  printedDecimals: number | null;
  /** shape mismatch or summarised ("...") paste, explained; absent when shapes agree fully */
  shapeNote?: string;
  compared: number;
  mismatched: number;
  /** 1 per mismatched element, row-major over our sample */
  mismatchMask: Uint8Array;
  /** |ours - expected| per element, NaN where not compared */
  absDiff: Float32Array;
  greatestAbs: IndexedValue | null;
  greatestRel: IndexedValue | null;
  /** largest distance in float32 ulps among compared elements */
  maxUlps: number | null;
  bitwiseEqual: boolean;
  /**
   * set when the paste's digits cannot tell whether the values are ours bit for bit (every value agrees as printed,
   * but the print does not identify float32 values): the summary says "cannot tell", bitwiseEqual is false
   */
  bitwiseUnknown?: true;
  matches: boolean;
  /** multi-line text in the format of torch.testing.assert_close, plus ulps and bitwise lines */
  summary: string;
  /** when the requested profile did not match: which profiles were tried and which reproduce the paste */
  profileSearch?: { tried: RngProfile[]; matching: RngProfile[] };
  /**
   * when the run's profiles did not match: every (RNG, matmul) profile pair tried and those that reproduce the paste
   * (README "Matmul profiles"); absent when the run is too large to re-run under every pair
   */
  pairSearch?: { tried: ProfilePair[]; matching: ProfilePair[] };
  /**
   * The first print, in loop order, that differs from our state after the same step: its step (null for x_T) and
   * its first differing element (row-major; null when only the shape differs); null when every print matches.
   * A paste of the final sample alone is the print after step 0. Absent in comparisons made before it existed.
   */
  firstDivergence?: FirstDivergence | null;
  /** a step-by-step paste (several prints, or a recording): each print against our state after the same step */
  steps?: StepByStep;
  /** the catalogue entries (src/core/diagnosis/) that reproduce a paste that does not match, under the same rule */
  diagnosis?: DiagnosisEntry[];
  /** why the diagnosis was not run, or ran only in part (too large a run), when so */
  diagnosisNote?: string;
  /** the step from which the diagnosed mistakes were taken to be present (a step-by-step paste); null or absent: the whole loop */
  diagnosisFromStep?: number | null;
}

/** Where a step-by-step comparison first differs (Comparison.firstDivergence). */
export interface FirstDivergence {
  /** the step t after which the differing print was made; null for x_T (the initial noise) */
  step: number | null;
  /** the first differing element [row, col], null when only the shape differs */
  index: [number, number] | null;
}

/** A catalogue entry that reproduces the paste. */
export interface DiagnosisEntry {
  id: string;
  title: string;
  explanation: string;
  /** the wrong PyTorch line, a newline, the right line */
  pytorch: string;
  /** set when the entry reproduces the paste only under another RNG profile than the run's */
  profile?: RngProfile;
  /**
   * set when the entry reproduces the paste only under another (RNG, matmul) profile pair than the run's: a PyTorch
   * with another randn kernel or BLAS whose loop has the mistake (profilePairs.ts leadingPairs)
   */
  pair?: ProfilePair;
  /**
   * set when the entry gives exact values (bitwise rule) only within torch.testing.assert_close's float32 tolerance,
   * not bit for bit: the mistake written with other operations, which round differently
   */
  approximate?: true;
}

/** One print of a step-by-step paste against our state after the same step. */
export interface StepComparisonSummary {
  /** null for x_T */
  step: number | null;
  matches: boolean;
  compared: number;
  mismatched: number;
  /** greatest |ours - pasted| over the compared elements (nan when one side is nan), null when nothing compared */
  maxAbsDiff: number | null;
  /** greatest distance in float32 ulps, null when none counts */
  maxUlps: number | null;
  /** set when the print's shape differs from ours or is summarised */
  shapeNote?: string;
}

/** A step-by-step paste, print by print (Comparison.steps). */
export interface StepByStep {
  /** which steps the prints were taken to be, in words */
  stepsNote: string;
  /** one per print, in loop order */
  prints: StepComparisonSummary[];
  /** the row of our sample traced in \`ours\` and \`theirs\`: that of the first divergent element (0 when all agree) */
  row: number;
  /** per print, our state's values in \`row\` (d values; empty when the print gave none) */
  ours: number[][];
  /** per print, the pasted values in \`row\` (nan where the print gave none) */
  theirs: number[][];
}

/** One labelled part of a check against the user's own PyTorch (README "Compare with your own PyTorch"). */
export interface TorchCheckPart {
  /** "random stream", "step arithmetic", "matmul", "final sample" */
  label: string;
  exact: boolean;
  text: string;
}

/** A run checked against the user's own PyTorch (src/core/check/verdict.ts): the verdict and PyTorch's own states. */
export interface TorchCheck {
  torch: { version: string; cpuCapability: string | null; blas: string | null };
  /** the interpreter that ran it */
  python: string;
  /** the profiles that reproduce this PyTorch, null where none does */
  profile: { rng: RngProfile | null; matmul: MatmulProfile | null };
  /** the four parts, in order */
  parts: TorchCheckPart[];
  bitwiseEqual: boolean;
  /** the first step t where anything differs (T: x_T itself), null when nothing does */
  firstDifferentT: number | null;
  /** sampling order: per step, the most ulps between our x_{t-1} and PyTorch's (null: step not recorded) */
  stepUlps: { t: number; maxUlps: number | null }[];
  /** PyTorch's x_{t-1} at the steps this run's trajectory recorded, in the same order */
  torchSteps: { t: number; x: MatrixF32 }[];
  /** PyTorch's final sample */
  torchSample: MatrixF32;
  summary: string;
}

/** Everything about one sampler run. */
export interface RunResult {
  schema: 'ddpm-lab.run/1';
  /**
   * matmul: the matmul profile of the run; absent in runs made before matmul profiles existed (read it as 'reference').
   * wModel, the (d+1, d) float32 weights, is carried when the trajectory is to be recomputed (trajectory.recompute).
   */
  inputs: {
    n: number;
    d: number;
    T: number;
    seed: string;
    profile: RngProfile;
    matmul?: MatmulProfile;
    /** OpenBLAS's threads for the openblas-haswell profile, when more than one (OPENBLAS_NUM_THREADS; matmul.ts) */
    matmulThreads?: number;
    wModel?: MatrixF32;
  };
  /** (N, d) float32: the final x_0 */
  sample: MatrixF32;
  trajectory: Trajectory;
  schedule: Schedule;
  warnings: string[];
  timing: { elapsedMs: number; finishedAt: string };
  comparison?: Comparison;
  /** when the run was checked against the user's own PyTorch ("DDPM: Compare with Local PyTorch") */
  torchCheck?: TorchCheck;
}

/** The notebook output MIME type that carries a RunResult (encoded by src/core/runCodec.ts). */
export const RUN_MIME = 'application/vnd.ddpm-lab.run+json';
