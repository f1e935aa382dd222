// The 32-bit Mersenne Twister exactly as PyTorch's at::mt19937 (aten/src/ATen/core/MT19937RNGEngine.h),
// which is the standard MT19937 (Matsumoto & Nishimura 1998) seeded with the low 32 bits of the seed.
// State is an Int32Array of 624 words; uint32 values are read back with `>>> 0`.

export const MT_N = 624;
export const MT_M = 397;
export const MT_MATRIX_A = 0x9908b0df | 0;
export const MT_UPPER = 0x80000000 | 0;
export const MT_LOWER = 0x7fffffff;

/** init_with_uint32: state[0] = seed; state[i] = 1812433253 * (state[i-1] ^ (state[i-1] >>> 30)) + i (mod 2^32). */
export function mt19937Seed(state: Int32Array, seed32: number): void {
  let prev = seed32 | 0;
  state[0] = prev;
  for (let i = 1; i < MT_N; i++) {
    prev = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) | 0;
    state[i] = prev;
  }
}

/** next_state(): regenerates all 624 words in place (twist(u, v) = ((u & UPPER) | (v & LOWER)) >>> 1 ^ (v & 1 ? MATRIX_A : 0)). */
export function mt19937Twist(state: Int32Array): void {
  let i = 0;
  for (; i < MT_N - MT_M; i++) {
    const v = state[i + 1];
    const y = (state[i] & MT_UPPER) | (v & MT_LOWER);
    state[i] = state[i + MT_M] ^ (y >>> 1) ^ (-(v & 1) & MT_MATRIX_A);
  }
  for (; i < MT_N - 1; i++) {
    const v = state[i + 1];
    const y = (state[i] & MT_UPPER) | (v & MT_LOWER);
    state[i] = state[i + MT_M - MT_N] ^ (y >>> 1) ^ (-(v & 1) & MT_MATRIX_A);
  }
  const v = state[0];
  const y = (state[MT_N - 1] & MT_UPPER) | (v & MT_LOWER);
  state[MT_N - 1] = state[MT_M - 1] ^ (y >>> 1) ^ (-(v & 1) & MT_MATRIX_A);
}

/** The tempering transform of one state word; returns the output as int32 (use `>>> 0` for uint32). */
export function mt19937Temper(word: number): number {
  let y = word | 0;
  y ^= y >>> 11;
  y ^= (y << 7) & (0x9d2c5680 | 0);
  y ^= (y << 15) & (0xefc60000 | 0);
  y ^= y >>> 18;
  return y;
}
