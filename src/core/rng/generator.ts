// torch.Generator() on CPU (aten/src/ATen/CPUGeneratorImpl.cpp) as a value: an mt19937 engine plus the
// cached second Box-Muller value of at::normal_distribution<double> (next_double_normal_sample).
import { MT_N, mt19937Seed, mt19937Temper, mt19937Twist } from './mt19937';
import { toGeneratorSeed } from './seed';

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_POW_32 = 2 ** 32;

export class CpuGenerator {
  /** The mt19937 state words. */
  readonly state: Int32Array;
  /** Index of the next state word to temper; MT_N means "twist first". */
  index: number;
  /** The uint64 seed as Generator.initial_seed() reports it. */
  initialSeed: bigint;
  /** at::CPUGeneratorImpl::next_double_normal_sample_: r * sin(theta) kept for the next normal draw. */
  nextDoubleNormal: number | null;

  private constructor(initialSeed: bigint, state: Int32Array, index: number, nextDoubleNormal: number | null) {
    this.initialSeed = initialSeed;
    this.state = state;
    this.index = index;
    this.nextDoubleNormal = nextDoubleNormal;
  }

  /**
   * torch.Generator().manual_seed(seed): seed in [-2^63, 2^64) (negative = 2^64 + seed); the engine is
   * seeded with its low 32 bits; the normal caches are cleared. Throws a one-line Error out of range.
   */
  static manualSeed(seed: bigint): CpuGenerator {
    const gen = new CpuGenerator(0n, new Int32Array(MT_N), MT_N, null);
    gen.reseed(seed);
    return gen;
  }

  /** gen.manual_seed(seed) on this generator, in place (same rules and errors as manualSeed). */
  reseed(seed: bigint): void {
    const u64 = toGeneratorSeed(seed);
    mt19937Seed(this.state, Number(u64 & 0xffffffffn));
    this.initialSeed = u64;
    this.index = MT_N;
    this.nextDoubleNormal = null;
  }

  /** An independent copy (same state, same cache). */
  clone(): CpuGenerator {
    return new CpuGenerator(this.initialSeed, new Int32Array(this.state), this.index, this.nextDoubleNormal);
  }

  /** CPUGeneratorImpl::random(): the next uint32 of the engine. */
  random(): number {
    if (this.index >= MT_N) {
      mt19937Twist(this.state);
      this.index = 0;
    }
    return mt19937Temper(this.state[this.index++]) >>> 0;
  }

  /** CPUGeneratorImpl::random64(): (first uint32 << 32) | second uint32. */
  random64(): bigint {
    const hi = this.random();
    const lo = this.random();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** at::uniform_real_distribution<float>(0, 1): (random() & (2^24 - 1)) * 2^-24, exact. */
  uniformFloat24(): number {
    return (this.random() & 0xffffff) * TWO_POW_M24;
  }

  /** at::uniform_real_distribution<double>(0, 1): (random64() & (2^53 - 1)) * 2^-53, exact. */
  uniformFloat53(): number {
    const hi = this.random();
    const lo = this.random();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /**
   * count values of uniform_real_distribution<float>(0, 1) into out[offset..offset+count), in order:
   * the first loop of normal_fill / normal_fill_AVX2 (DistributionTemplates.h).
   */
  fillUniformFloat24(out: Float32Array, offset: number, count: number): void {
    const state = this.state;
    let index = this.index;
    let o = offset;
    const end = offset + count;
    while (o < end) {
      if (index >= MT_N) {
        mt19937Twist(state);
        index = 0;
      }
      const stop = Math.min(end, o + (MT_N - index));
      for (; o < stop; o++) {
        let y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & (0x9d2c5680 | 0);
        y ^= (y << 15) & (0xefc60000 | 0);
        y ^= y >>> 18;
        out[o] = (y & 0xffffff) * TWO_POW_M24;
      }
    }
    this.index = index;
  }
}
