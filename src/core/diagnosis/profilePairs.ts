// Which (RNG, matmul) profile pairs reproduce a user's states: a PyTorch whose randn kernel or BLAS is another than
// the run's (README "RNG profiles", "Matmul profiles") gives states an ulp off here and there, which no mistake in the
// loop reproduces. Shared by step-by-step comparisons (compare.ts) and the recording check (run/checkRecording.ts).
import { DEFAULT_MATMUL_PROFILE, MATMUL_PROFILES, RNG_PROFILES, type ProfilePair, type SamplerInputs } from '../types';
import { correctStates } from './loop';

/**
 * Every (RNG, matmul) pair, and those other than `own` whose correct loop gives states that `reproduce` accepts (the
 * states at `steps`, null for x_T). The loop runs once a pair: the caller bounds its work.
 */
export function profilePairsReproducing(
  inputs: SamplerInputs,
  own: { rng: ProfilePair['rng']; matmul?: ProfilePair['matmul'] },
  steps: readonly (number | null)[],
  reproduce: (states: Map<number | null, Float32Array>) => boolean,
  shouldStop?: () => boolean
): { tried: ProfilePair[]; matching: ProfilePair[] } {
  const ownMatmul = own.matmul ?? DEFAULT_MATMUL_PROFILE;
  const tried: ProfilePair[] = RNG_PROFILES.flatMap((rng) => MATMUL_PROFILES.map((matmul) => ({ rng, matmul })));
  const matching = tried.filter(
    ({ rng, matmul }) =>
      !(rng === own.rng && matmul === ownMatmul) &&
      reproduce(correctStates(inputs, rng, [...steps], shouldStop, matmul))
  );
  return { tried, matching };
}
