// The verdict of a check against the user's own PyTorch (README "Compare with your own PyTorch"), in four parts,
// each exact and labelled:
//   (1) random stream: x_T and every step's z, bit for bit, against each RNG profile (torch.randn from
//       torch.Generator().manual_seed(seed), then manual_seed(seed + 100 + t) for step t);
//   (2) step arithmetic: every step recomputed from PyTorch's own x_t, predicted noise and z
//       (mean = (1/sqrt(alpha_t)) * (x - (beta_t/sqrt(1 - alpha_bar_t)) * eps), x = mean + sqrt(beta_t) * z), bit for bit;
//   (3) matmul: PyTorch's predicted noise against each matmul profile applied to PyTorch's own x_t (concat(x_t, t/T) @ w);
//   (4) the final sample against our run with the profiles found (or the ones asked for).
import { ulpDistanceF32 } from '../float32';
import { randnSeeded } from '../rng/randn';
import { stepSeed } from '../rng/seed';
import { gemmF32 } from '../sampler/matmul';
import { runSampler } from '../sampler/sampler';
import { stepElementwiseF32 } from '../sampler/stepWorkspace';
import {
  DEFAULT_MATMUL_PROFILE,
  DEFAULT_PROFILE,
  MATMUL_PROFILES,
  RNG_PROFILES,
  type MatmulProfile,
  type RngProfile,
  type RunResult,
  type SamplerInputs,
  type TorchCheck
} from '../types';
import type { HarnessRun, MachineFacts } from './harness';

const f32 = Math.fround;

/**
 * Distance of two equally long float32 arrays: elements whose bits differ (+0 and -0 count as different), max ulps.
 * maxUlps is taken over the elements that are NaN in both or in neither (a number in JSON, never Infinity); the ones
 * NaN in one and not the other (one BLAS's NaN where another gives inf) are counted in nanMismatches instead.
 */
export interface ArrayDistance {
  compared: number;
  differing: number;
  maxUlps: number;
  /** elements that are NaN in one array and not in the other (counted in differing too) */
  nanMismatches: number;
}

export function arrayDistance(a: Float32Array, b: Float32Array): ArrayDistance {
  let differing = 0;
  let maxUlps = 0;
  let nanMismatches = 0;
  for (let i = 0; i < a.length; i++) {
    const aNaN = a[i] !== a[i];
    const bNaN = b[i] !== b[i];
    if (Object.is(a[i], b[i]) || (aNaN && bNaN)) continue;
    differing++;
    if (aNaN !== bNaN) {
      nanMismatches++;
      continue;
    }
    const u = ulpDistanceF32(a[i], b[i]);
    if (u > maxUlps) maxUlps = u;
  }
  return { compared: a.length, differing, maxUlps, nanMismatches };
}

function add(total: ArrayDistance, d: ArrayDistance): void {
  total.compared += d.compared;
  total.differing += d.differing;
  total.maxUlps = Math.max(total.maxUlps, d.maxUlps);
  total.nanMismatches += d.nanMismatches;
}

const none = (): ArrayDistance => ({ compared: 0, differing: 0, maxUlps: 0, nanMismatches: 0 });

export interface CheckVerdict {
  torch: { version: string; cpuCapability: string | null; blas: string | null };
  machine: MachineFacts;
  /**
   * the profiles that reproduce this PyTorch (the first of each part's matching list, where several do the one the
   * machine's CPU capability and loaded BLAS point at), null where none does
   */
  profile: { rng: RngProfile | null; matmul: MatmulProfile | null };
  rng: { exact: boolean; matching: RngProfile[]; byProfile: Record<string, ArrayDistance> };
  stepArithmetic: { exact: boolean; distance: ArrayDistance; firstDifferentT: number | null };
  matmul: {
    exact: boolean;
    matching: MatmulProfile[];
    byProfile: Record<string, ArrayDistance>;
    closest: MatmulProfile;
    maxUlps: number;
    /** the closest profile's values that are NaN in one and not the other */
    nanMismatches: number;
    /** OpenBLAS's thread count openblas-haswell was run with (machineOpenblasThreads) */
    openblasThreads: number;
  };
  final: { bitwiseEqual: boolean; rng: RngProfile; matmul: MatmulProfile; distance: ArrayDistance };
  /** sampling order (t = T-1 first): max ulps between our x_{t-1} and PyTorch's; null for a step our run did not record */
  stepUlps: { t: number; maxUlps: number | null }[];
  /** the first step (t) where our state and PyTorch's differ in any bit, null when none does */
  firstDifferentT: number | null;
  summary: string;
}

export interface CheckOptions {
  /** our run's RNG profile for part (4); default: the one found, else avx2-fma */
  profile?: RngProfile;
  /** our run's matmul profile for part (4); default: the one found, else the closest */
  matmul?: MatmulProfile;
  shouldStop?: () => boolean;
}

/** How the loaded BLAS reads in one phrase: "openblas 0.3.21 (Haswell, 1 thread)", or what PyTorch was built with. */
export function blasText(m: MachineFacts): string | null {
  const b = m.loadedBlas;
  if (b?.library) {
    const extra = [b.coreName, b.threads !== null ? `${b.threads} thread${b.threads === 1 ? '' : 's'}` : null].filter(
      Boolean
    );
    // (without threadpoolctl the version is OpenBLAS's own config string, which names the library again)
    const version = b.version && !b.version.toLowerCase().startsWith(b.library.toLowerCase()) ? ` ${b.version}` : '';
    const name = version || !b.version ? b.library : b.version;
    return `${name}${version}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  return m.builtBlas ? `built with ${m.builtBlas}` : null;
}

/**
 * The RNG profile the machine's facts point at, for a tie (small N x d, below randn's vectorised path of 16 values, gives
 * the same bits in every profile): scalar where PyTorch dispatches to no AVX2 kernel (CPU capability "NO AVX",
 * "DEFAULT", "AVX", as with ATEN_CPU_CAPABILITY=default), avx2-fma for AVX2 and AVX512; null when unknown.
 */
export function machineRngProfile(m: MachineFacts): RngProfile | null {
  const c = m.cpuCapability?.toUpperCase();
  if (!c) return null;
  return /AVX2|AVX512/.test(c) ? 'avx2-fma' : 'scalar';
}

/**
 * The matmul profile the loaded BLAS points at, for a tie (a short K = d + 1 sums in the same order in both):
 * openblas-haswell when the process loaded OpenBLAS, else null (no preference: reference first).
 */
export function machineMatmulProfile(m: MachineFacts): MatmulProfile | null {
  return /openblas/i.test(m.loadedBlas?.library ?? '') ? 'openblas-haswell' : null;
}

/**
 * The thread count the openblas-haswell profile is run with: OpenBLAS's own, when the process loaded OpenBLAS and
 * reported it (threads split a product of 262,144 multiply-adds or more, README "Matmul profiles"); else 1.
 */
export function machineOpenblasThreads(m: MachineFacts): number {
  const t = m.loadedBlas?.threads;
  return machineMatmulProfile(m) && typeof t === 'number' && Number.isSafeInteger(t) && t > 1 ? t : 1;
}

/** The matching profiles with the one the machine points at first (it is the one named), the rest in their order. */
function preferred<P extends string>(matching: P[], fact: P | null): P[] {
  return fact && matching.includes(fact) ? [fact, ...matching.filter((p) => p !== fact)] : matching;
}

/** Part (1): x_T and every z against each RNG profile. */
function rngPart(inputs: SamplerInputs, py: HarnessRun): CheckVerdict['rng'] {
  const nd = inputs.n * inputs.d;
  const byProfile: Record<string, ArrayDistance> = {};
  for (const p of RNG_PROFILES) {
    const total = none();
    add(total, arrayDistance(randnSeeded(inputs.seed, nd, p), py.init.data));
    for (const s of py.steps)
      if (s.z) add(total, arrayDistance(randnSeeded(stepSeed(inputs.seed, s.t), nd, p), s.z.data));
    byProfile[p] = total;
  }
  const matching = preferred(
    RNG_PROFILES.filter((p) => byProfile[p].differing === 0),
    machineRngProfile(py.machine)
  );
  return { exact: matching.length > 0, matching, byProfile };
}

/** Part (2): each step recomputed from PyTorch's own x_t, eps and z (stepWorkspace.ts's elementwise step). */
function stepPart(inputs: SamplerInputs, py: HarnessRun): CheckVerdict['stepArithmetic'] {
  const nd = inputs.n * inputs.d;
  const total = none();
  let firstDifferentT: number | null = null;
  const x = new Float32Array(nd);
  const mean = new Float32Array(nd);
  const zeros = new Float32Array(nd);
  for (const s of py.steps) {
    const beta = inputs.betas[s.t];
    const alpha = f32(1 - beta);
    const c1 = f32(1 / f32(Math.sqrt(alpha)));
    const c2 = f32(beta / f32(Math.sqrt(f32(1 - inputs.alphaBar[s.t]))));
    x.set(s.x.data);
    stepElementwiseF32(x, s.eps.data, s.z?.data ?? zeros, mean, nd, c1, c2, f32(Math.sqrt(beta)), s.t > 0);
    const d = arrayDistance(x, s.xPrev.data);
    if (d.differing && firstDifferentT === null) firstDifferentT = s.t;
    add(total, d);
  }
  return { exact: total.differing === 0, distance: total, firstDifferentT };
}

/** Part (3): PyTorch's predicted noise against each matmul profile applied to PyTorch's own x_t. */
function matmulPart(inputs: SamplerInputs, py: HarnessRun): CheckVerdict['matmul'] {
  const { n, d } = inputs;
  const T = inputs.betas.length;
  const k = d + 1;
  const inp = new Float32Array(n * k);
  const eps = new Float32Array(n * d);
  const byProfile: Record<string, ArrayDistance> = {};
  const openblasThreads = machineOpenblasThreads(py.machine);
  for (const p of MATMUL_PROFILES) {
    const total = none();
    for (const s of py.steps) {
      for (let j = 0; j < n; j++) {
        inp.set(s.x.data.subarray(j * d, (j + 1) * d), j * k);
        inp[j * k + d] = f32(s.t / T); // torch.cat([x, (t / T) * torch.ones(N, 1)], dim=-1)
      }
      gemmF32(
        p,
        n,
        k,
        d,
        inp,
        0,
        k,
        inputs.wModel.data,
        0,
        d,
        eps,
        0,
        d,
        p === 'openblas-haswell' ? openblasThreads : 1
      );
      add(total, arrayDistance(eps, s.eps.data));
    }
    byProfile[p] = total;
  }
  const matching = preferred(
    MATMUL_PROFILES.filter((p) => byProfile[p].differing === 0),
    machineMatmulProfile(py.machine)
  );
  const closest = [...MATMUL_PROFILES].sort(
    (a, b) =>
      byProfile[a].nanMismatches - byProfile[b].nanMismatches ||
      byProfile[a].maxUlps - byProfile[b].maxUlps ||
      byProfile[a].differing - byProfile[b].differing
  )[0];
  const { maxUlps, nanMismatches } = byProfile[closest];
  return { exact: matching.length > 0, matching, byProfile, closest, maxUlps, nanMismatches, openblasThreads };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "at most 3 ulps" ("1 ulp"), and how many values are NaN on one side only ("; 2 values are NaN in one and not the other"). */
function ulpsText(d: ArrayDistance): string {
  const nan = d.nanMismatches
    ? `; ${plural(d.nanMismatches, 'value')} ${d.nanMismatches === 1 ? 'is' : 'are'} NaN in one and not the other`
    : '';
  return `at most ${plural(d.maxUlps, 'ulp')}${nan}`;
}

/** "1 value of 6,400 differs", "3 values differ" (of: how many were compared, when said). */
function differText(d: ArrayDistance, of: boolean): string {
  return `${plural(d.differing, 'value')}${of ? ` of ${d.compared.toLocaleString('en-US')}` : ''} ${d.differing === 1 ? 'differs' : 'differ'}`;
}

/** The four parts and our run with the profiles found; returns our run too (for the side-by-side view). */
export function checkAgainstTorch(
  inputs: SamplerInputs,
  py: HarnessRun,
  opts: CheckOptions = {}
): { verdict: CheckVerdict; ours: RunResult } {
  const rng = rngPart(inputs, py);
  const stepArithmetic = stepPart(inputs, py);
  const matmul = matmulPart(inputs, py);
  const rngUsed = opts.profile ?? rng.matching[0] ?? DEFAULT_PROFILE;
  const matmulUsed = opts.matmul ?? matmul.matching[0] ?? matmul.closest ?? DEFAULT_MATMUL_PROFILE;
  const ours = runSampler(inputs, {
    profile: rngUsed,
    matmul: matmulUsed,
    matmulThreads: matmul.openblasThreads,
    record: { kind: 'all' },
    shouldStop: opts.shouldStop
  });
  const distance = arrayDistance(ours.sample.data, py.sample.data);
  const byT = new Map(ours.trajectory.steps.map((s) => [s.t, s]));
  let firstDifferentT: number | null = null;
  const initDiff = arrayDistance(randnSeeded(inputs.seed, inputs.n * inputs.d, rngUsed), py.init.data).differing > 0;
  const stepUlps = py.steps.map((s) => {
    const o = byT.get(s.t);
    if (!o) return { t: s.t, maxUlps: null };
    const d = arrayDistance(o.xPrev.data, s.xPrev.data);
    const any =
      d.differing > 0 ||
      arrayDistance(o.eps.data, s.eps.data).differing > 0 ||
      (s.z && o.z ? arrayDistance(o.z.data, s.z.data).differing > 0 : false);
    if (any && firstDifferentT === null) firstDifferentT = s.t;
    return { t: s.t, maxUlps: d.maxUlps };
  });
  if (initDiff) firstDifferentT = inputs.betas.length; // x_T itself differs: before the first step
  const bitwiseEqual = distance.differing === 0;
  const m = py.machine;
  const verdict: CheckVerdict = {
    torch: { version: m.torch, cpuCapability: m.cpuCapability, blas: blasText(m) },
    machine: m,
    profile: { rng: rng.matching[0] ?? null, matmul: matmul.matching[0] ?? null },
    rng,
    stepArithmetic,
    matmul,
    final: { bitwiseEqual, rng: rngUsed, matmul: matmulUsed, distance },
    stepUlps,
    firstDifferentT,
    summary: ''
  };
  verdict.summary = summaryText(verdict);
  return { verdict, ours };
}

/** The four labelled lines of a verdict. */
export function verdictLines(v: CheckVerdict): string[] {
  return verdictParts(v).map((p, i) => `(${i + 1}) ${p.label}: ${p.text}`);
}

/** Our run with the check attached (RunResult.torchCheck): the verdict and PyTorch's states where our run recorded its own. */
export function withTorchCheck(ours: RunResult, v: CheckVerdict, py: HarnessRun, python: string): RunResult {
  const pyByT = new Map(py.steps.map((s) => [s.t, s]));
  const torchCheck: TorchCheck = {
    torch: v.torch,
    python,
    profile: v.profile,
    parts: verdictParts(v),
    bitwiseEqual: v.final.bitwiseEqual,
    firstDifferentT: v.firstDifferentT,
    stepUlps: v.stepUlps,
    torchSteps: ours.trajectory.steps.map((s) => ({ t: s.t, x: pyByT.get(s.t)!.xPrev })),
    torchSample: py.sample,
    summary: v.summary
  };
  return { ...ours, torchCheck };
}

/**
 * "RNG profile avx2-fma", or for a tie "RNG profiles scalar, avx2-fma, avx2 alike (these inputs do not tell them apart;
 * scalar named, as CPU capability NO AVX)": several reproduce it, and the one named is the machine's where it is one.
 */
function matchingText(kind: string, matching: string[], fact: string | null, why: string): string {
  if (matching.length === 1) return `${kind} profile ${matching[0]}`;
  const named = matching[0] === fact ? `${matching[0]} named, as ${why}` : `${matching[0]} named`;
  return `${kind} profiles ${matching.join(', ')} alike (these inputs do not tell them apart; ${named})`;
}

/** A matmul profile as run: openblas-haswell with OpenBLAS's thread count when that is more than one. */
function matmulName(p: MatmulProfile, threads: number): string {
  return p === 'openblas-haswell' && threads > 1 ? `${p} (${threads} threads)` : p;
}

/** The four parts of a verdict, labelled, each with its sentence. */
export function verdictParts(v: CheckVerdict): { label: string; exact: boolean; text: string }[] {
  const rngBest = [...RNG_PROFILES].sort((a, b) => v.rng.byProfile[a].differing - v.rng.byProfile[b].differing)[0];
  const rb = v.rng.byProfile[rngBest];
  const sa = v.stepArithmetic;
  const mm = v.matmul;
  const named = (p: MatmulProfile): string => matmulName(p, mm.openblasThreads);
  const fact = machineMatmulProfile(v.machine);
  const fd = v.final.distance;
  return [
    {
      label: 'random stream',
      exact: v.rng.exact,
      text: `${v.rng.exact ? `bit for bit, ${matchingText('RNG', v.rng.matching, machineRngProfile(v.machine), `CPU capability ${v.machine.cpuCapability}`)}` : `no RNG profile reproduces it (closest ${rngBest}: ${differText(rb, true)}, ${ulpsText(rb)})`}`
    },
    {
      label: 'step arithmetic',
      exact: sa.exact,
      text: `${sa.exact ? 'bit for bit' : `${differText(sa.distance, false)}, ${ulpsText(sa.distance)}, first at t = ${sa.firstDifferentT}`}`
    },
    {
      label: 'matmul',
      exact: mm.exact,
      text: `${mm.exact ? `bit for bit, ${matchingText('matmul', mm.matching.map(named), fact === null ? null : named(fact), 'OpenBLAS is loaded')}` : `no matmul profile reproduces it (closest ${named(mm.closest)}: ${differText(mm.byProfile[mm.closest], true)}, ${ulpsText(mm.byProfile[mm.closest])})`}${otherKernelsNote(v)}`
    },
    {
      label: 'final sample',
      exact: v.final.bitwiseEqual,
      text: `${v.final.bitwiseEqual ? 'bitwise equal' : `${differText(fd, true)}, ${ulpsText(fd)}${v.firstDifferentT !== null ? `; first difference at ${whereText(v.firstDifferentT, v.stepUlps.length)}` : ''}`} (ours with ${v.final.rng} + ${named(v.final.matmul)})`
    }
  ];
}

/**
 * When the loaded OpenBLAS runs other kernels than Haswell's (its Cooperlake or SkylakeX ones on an AVX-512 CPU), which
 * openblas-haswell does not reproduce: what to set to compare with it. Empty otherwise.
 */
function otherKernelsNote(v: CheckVerdict): string {
  const core = v.machine.loadedBlas?.coreName;
  if (machineMatmulProfile(v.machine) === null || !core || core.toLowerCase() === 'haswell') return '';
  // another profile reproduced it: nothing to say of OpenBLAS's kernels
  if (v.matmul.exact && !v.matmul.matching.includes('openblas-haswell')) return '';
  const where = v.matmul.exact
    ? `; OpenBLAS runs its ${core} kernels here, which give the Haswell kernels' bits for these inputs but not for all`
    : `; OpenBLAS runs its ${core} kernels here, and openblas-haswell reproduces its Haswell kernels`;
  return `${where}: run PyTorch with OPENBLAS_CORETYPE=Haswell in the environment to compare with it`;
}

/** "t = 3", or "x_T" for T (the starting noise). */
export function whereText(t: number, T: number): string {
  return t === T ? 'x_T' : `t = ${t}`;
}

function summaryText(v: CheckVerdict): string {
  const head = `PyTorch ${v.torch.version} (CPU capability ${v.torch.cpuCapability ?? 'unknown'}, BLAS ${v.torch.blas ?? 'unknown'}): ${v.final.bitwiseEqual ? 'bitwise equal' : 'differs'}`;
  const flags = profileFlags(v);
  return [
    head,
    ...verdictLines(v),
    ...(flags ? [`To run as this PyTorch: sample, compare or report with ${flags}`] : [])
  ].join('\n');
}

/**
 * The CLI options that run the profiles which reproduce this PyTorch, when they are not the defaults
 * (`--matmul openblas-haswell --blas-threads 2`); null when the defaults do, or when no profile does.
 */
export function profileFlags(v: CheckVerdict): string | null {
  const flags: string[] = [];
  if (v.profile.rng && v.profile.rng !== DEFAULT_PROFILE) flags.push(`--profile ${v.profile.rng}`);
  if (v.profile.matmul === 'openblas-haswell') {
    flags.push('--matmul openblas-haswell');
    if (v.matmul.openblasThreads > 1) flags.push(`--blas-threads ${v.matmul.openblasThreads}`);
  }
  return flags.length > 0 ? flags.join(' ') : null;
}
