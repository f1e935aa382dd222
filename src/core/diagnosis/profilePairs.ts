// Which (RNG, matmul) profile pairs reproduce a user's states: a PyTorch whose randn kernel or BLAS is another than
// the run's (README "RNG profiles", "Matmul profiles") gives states an ulp off here and there, which no mistake in the
// loop reproduces. Shared by comparisons (compare.ts) and the recording check (run/checkRecording.ts).
import { openblasThreadsMatter } from '../sampler/matmul';
import { DEFAULT_MATMUL_PROFILE, MATMUL_PROFILES, RNG_PROFILES, type ProfilePair, type SamplerInputs } from '../types';
import { diagnoseTrajectory, type DiagnoseOptions } from './diagnose';
import type { MistakeId } from './catalogue';
import { visitCorrectStates } from './loop';

/**
 * Every (RNG, matmul) pair to try for `inputs`: each RNG profile with each matmul profile on one thread, and with
 * OpenBLAS on 2 threads (the run's own count too, when more) where the sampler's product is large enough for OpenBLAS
 * to split it between threads (an OpenBLAS build runs as many threads as cores unless OPENBLAS_NUM_THREADS says).
 */
export function profilePairs(inputs: SamplerInputs, ownThreads = 1): ProfilePair[] {
  const threads = openblasThreadsMatter(inputs.n, inputs.d + 1, inputs.d) ? [...new Set([2, ownThreads])] : [];
  return RNG_PROFILES.flatMap((rng) => [
    ...MATMUL_PROFILES.map((matmul) => ({ rng, matmul })),
    ...threads.filter((t) => t > 1).map((t) => ({ rng, matmul: 'openblas-haswell' as const, threads: t }))
  ]);
}

/**
 * The pair a run ran with, as profilePairs names it: its threads only where they split the sampler's product (fewer
 * run as one thread, and give that pair's states).
 */
export function runPair(
  inputs: SamplerInputs,
  own: { rng: ProfilePair['rng']; matmul?: ProfilePair['matmul']; threads?: number }
): ProfilePair {
  const threads = openblasThreadsMatter(inputs.n, inputs.d + 1, inputs.d) ? own.threads : undefined;
  return { rng: own.rng, matmul: own.matmul ?? DEFAULT_MATMUL_PROFILE, threads };
}

/** Whether two pairs are one: the same profiles, and the same thread count (1 when absent). */
export function samePair(a: ProfilePair, b: ProfilePair): boolean {
  return a.rng === b.rng && a.matmul === b.matmul && (a.threads ?? 1) === (b.threads ?? 1);
}

/** A pair in words: `avx2-fma with matmul openblas-haswell (2 threads)`. */
export function pairName(p: ProfilePair): string {
  return `${p.rng} with matmul ${p.matmul}${(p.threads ?? 1) > 1 ? ` (${p.threads} threads)` : ''}`;
}

/**
 * profilePairs(inputs), and those other than `own` whose correct loop gives, at each of `steps` (null for x_T), a
 * state that `matchesAt` accepts. Each pair's loop stops at its first state not accepted (most pairs: the first one),
 * or after the last of the steps; the caller bounds the work of a whole run.
 */
export function profilePairsReproducing(
  inputs: SamplerInputs,
  own: { rng: ProfilePair['rng']; matmul?: ProfilePair['matmul']; threads?: number },
  steps: readonly (number | null)[],
  matchesAt: (t: number | null, x: Float32Array) => boolean,
  shouldStop?: () => boolean
): { tried: ProfilePair[]; matching: ProfilePair[] } {
  const self = runPair(inputs, own);
  const tried = profilePairs(inputs, self.threads);
  const matching = tried.filter(
    (p) =>
      !samePair(p, self) &&
      visitCorrectStates(inputs, p.rng, steps, matchesAt, { shouldStop, matmul: p.matmul, matmulThreads: p.threads })
  );
  return { tried, matching };
}

/**
 * A PyTorch on another BLAS or randn kernel whose loop also has a mistake: the pairs other than the run's whose
 * correct loop gives more of `steps` from the first (loop order, null for x_T; each state `matchesAt` accepts) than
 * the run's own pair gives (`ownLeading`), and those with the run's randn kernel that give as many (a mistake from the
 * first step parts the loops where the BLAS does), most first; not those that give all of them (a pair that does is
 * the answer itself, profilePairsReproducing). The catalogue then runs under each from its first divergence,
 * steps[leading]. Each pair's loop stops at its first state not accepted.
 */
export function leadingPairs(
  inputs: SamplerInputs,
  own: { rng: ProfilePair['rng']; matmul?: ProfilePair['matmul']; threads?: number },
  steps: readonly (number | null)[],
  matchesAt: (t: number | null, x: Float32Array) => boolean,
  ownLeading: number,
  shouldStop?: () => boolean
): { pair: ProfilePair; leading: number }[] {
  const self = runPair(inputs, own);
  // a state printed twice (the sample again after the loop) is visited once: counted once
  const once = steps.filter((t, i) => steps.indexOf(t) === i);
  const found: { pair: ProfilePair; leading: number }[] = [];
  for (const pair of profilePairs(inputs, self.threads)) {
    if (samePair(pair, self)) continue;
    let leading = 0;
    visitCorrectStates(
      inputs,
      pair.rng,
      once,
      (t, x) => {
        if (t !== once[leading] || !matchesAt(t, x)) return false;
        leading++;
        return true;
      },
      { shouldStop, matmul: pair.matmul, matmulThreads: pair.threads }
    );
    const ahead = leading > ownLeading || (leading === ownLeading && pair.rng === self.rng);
    // as an index into steps: the first place of the state it stopped at
    if (ahead && leading < once.length) found.push({ pair, leading: steps.indexOf(once[leading]) });
  }
  return found.sort((a, b) => b.leading - a.leading);
}

/**
 * The catalogue entries that give a step-by-step paste's prints or a recording's states under a leading pair
 * (leadingPairs, the one that gives most first), run under that pair from its first divergent state, or from the step
 * after its last matching one when steps between were not kept; null when no pair does as well as the run's own or
 * no entry gives them under any. matchesStep accepts x after step t (true for steps not kept), matchesAt also x_T
 * (t null).
 */
export function mistakeUnderLeadingPair(
  inputs: SamplerInputs,
  own: { rng: ProfilePair['rng']; matmul?: ProfilePair['matmul']; threads?: number },
  steps: readonly (number | null)[],
  ownLeading: number,
  matchesAt: (t: number | null, x: Float32Array) => boolean,
  matchesStep: (t: number, x: Float32Array) => boolean,
  opts: Pick<DiagnoseOptions, 'schedule64' | 'shouldStop'> = {}
): { ids: MistakeId[]; pair: ProfilePair; from: number } | null {
  for (const lead of leadingPairs(inputs, own, steps, matchesAt, ownLeading, opts.shouldStop)) {
    const t1 = steps[lead.leading];
    if (t1 === null) continue;
    const previous = lead.leading > 0 ? steps[lead.leading - 1] : null;
    for (const from of previous !== null && previous - 1 > t1 ? [t1, previous - 1] : [t1]) {
      const ids = diagnoseTrajectory(inputs, from, matchesStep, {
        ...opts,
        profile: lead.pair.rng,
        matmul: lead.pair.matmul,
        matmulThreads: lead.pair.threads
      });
      if (ids.length > 0) return { ids, pair: lead.pair, from };
    }
  }
  return null;
}
