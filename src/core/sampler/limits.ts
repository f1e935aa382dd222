// Memory limits of the core, documented in one place (README "Limits" repeats them).
// A float32 is 4 bytes; the sampler's working set is a few (N, d) buffers plus the recorded trajectory.

/** Largest N*d the sampler accepts: 2^25 elements (128 MiB per (N, d) float32 buffer); MAX_WORKING_BYTES bounds the rest. */
export const MAX_SAMPLE_ELEMENTS = 2 ** 25;

/** Largest number of values `randn` (CLI and notebook) produces in one call: 2^27 float32 (512 MiB). */
export const MAX_RANDN_ELEMENTS = 2 ** 27;

/** Largest T (length of betas) accepted. */
export const MAX_STEPS = 1_000_000;

/**
 * Default budget for the recorded trajectory: 64 MiB. Each recorded step keeps five (N, d) float32 matrices
 * (x_t, eps, mean, z, x_{t-1}): 20*N*d bytes. When the recording policy asks for more steps than fit,
 * fewer steps are kept, evenly spaced and always including the first and the last, and trajectory.note says so.
 * (1000 steps of N = 1000, d = 2 take 40 MB and fit.)
 */
export const DEFAULT_TRAJECTORY_BUDGET_BYTES = 64 * 2 ** 20;

/** Bytes one recorded trajectory step takes for an (N, d) sample. */
export function trajectoryStepBytes(n: number, d: number): number {
  return 5 * 4 * n * d;
}

/** Largest working memory of one sampler run, trajectory excluded: 1 GiB (see samplerWorkingBytes). */
export const MAX_WORKING_BYTES = 2 ** 30;

/** Columns of the sampler's padded (N, dp) buffers: d rounded up to 4, or to 16 from d = 8 on (SIMD lanes). */
export function paddedWidth(d: number): number {
  const lanes = d >= 8 ? 16 : 4;
  return Math.ceil(d / lanes) * lanes;
}

/**
 * The float32 counts of the sampler's buffers for an (N, d) run (stepWorkspace.ts makeWorkspace lays them out in this
 * order): x, W (d+1, dp), eps, mean, z, each row padded to dp; then, when rows are padded (d < dp), the noise randn
 * fills and the (N, d) block a state is copied out through.
 */
export function workspaceCounts(n: number, d: number): number[] {
  const dp = paddedWidth(d);
  const padded = n * dp;
  return [padded, (d + 1) * dp, padded, padded, padded, ...(d === dp ? [] : [n * d, n * d])];
}

/** Bytes the sampler itself needs for an (N, d) run, trajectory excluded: its buffers (workspaceCounts). */
export function samplerWorkingBytes(n: number, d: number): number {
  return 4 * workspaceCounts(n, d).reduce((a, b) => a + b, 0);
}

/** "64 MiB" style size for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${+(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${+(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
