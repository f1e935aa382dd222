// x_T drawn in the other shape: torch.randn(d, N, generator=g).T holds the numbers of torch.randn(N, d, generator=g)
// (randn fills its tensor in order, whatever its shape: aten/src/ATen/native/cpu/DistributionTemplates.h normal_fill)
// laid out transposed. No catalogue mistake changes x_T, so this is told apart on its own.

/**
 * torch.randn(d, N).T as an (N, d) row-major matrix, from x_T = torch.randn(N, d) of the same generator (row-major):
 * element (i, j) is the draw's (j N + i)-th value.
 */
export function transposedDraw(xT: Float32Array, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = xT[j * n + i];
  return out;
}

/** What to say of an x_T that is transposedDraw of the reference's. */
export const TRANSPOSED_DRAW_NOTE =
  'your x_T is torch.randn(d, N, generator=...).T: the numbers of torch.randn(N, d, generator=...) drawn as a (d, N) tensor and transposed, so each lands elsewhere; draw torch.randn(N, d, generator=torch.Generator().manual_seed(seed)) (no catalogue mistake changes x_T).';
