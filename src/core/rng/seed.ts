// Seeds as PyTorch's torch.Generator().manual_seed(s) takes them (torch/csrc/Generator.cpp,
// THPGenerator_manualSeed): a Python int in [-2^63, 2^64); negative values count as their int64 bit
// pattern (2^64 + s); anything else raises "RuntimeError: Overflow when unpacking long".

import { describe } from '../describe';

export const SEED_MIN = -(1n << 63n);
/** exclusive */
export const SEED_MAX_EXCLUSIVE = 1n << 64n;
const TWO_64 = 1n << 64n;

const DECIMAL_INTEGER = /^[+-]?[0-9]+$/;

/**
 * Reads a seed: a JSON/JS number that is a safe integer, a bigint, or a decimal integer string
 * ("-5", "18446744073709551615"). Checks PyTorch's range too. Throws Error(`${field}: ...`) (one line).
 */
export function parseSeed(value: unknown, field = 'seed'): bigint {
  let seed: bigint;
  if (typeof value === 'bigint') {
    seed = value;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      throw new Error(`${field}: expected an integer, got ${describe(value)}`);
    }
    if (!Number.isSafeInteger(value)) {
      throw new Error(
        `${field}: ${describe(value)} is 2^53 or more in magnitude, where JSON numbers lose digits; give the exact seed as a decimal string (e.g. "18446744073709551615")`
      );
    }
    seed = BigInt(value);
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (!DECIMAL_INTEGER.test(text)) {
      throw new Error(`${field}: expected an integer (a number or a decimal string), got ${describe(value)}`);
    }
    seed = BigInt(text);
  } else {
    throw new Error(`${field}: expected an integer (a number or a decimal string), got ${describe(value)}`);
  }
  toGeneratorSeed(seed, field);
  return seed;
}

/**
 * The uint64 seed PyTorch's manual_seed stores (Generator.initial_seed()): s for s >= 0, 2^64 + s for
 * s < 0. Throws for s outside [-2^63, 2^64), where PyTorch raises "Overflow when unpacking long".
 */
export function toGeneratorSeed(seed: bigint, field = 'seed'): bigint {
  if (seed < SEED_MIN || seed >= SEED_MAX_EXCLUSIVE) throw new Error(`${field}: ${outOfRange(String(seed))}`);
  return seed < 0n ? TWO_64 + seed : seed;
}

function outOfRange(what: string): string {
  return `${what} is out of range: torch.Generator().manual_seed accepts integers in [-2^63, 2^64) (PyTorch raises "RuntimeError: Overflow when unpacking long")`;
}

/**
 * The seed of the sampler's noise at step t: seed + 100 + t, computed exactly. Throws (like PyTorch's
 * manual_seed would) when that sum leaves [-2^63, 2^64).
 */
export function stepSeed(seed: bigint, t: number): bigint {
  if (!Number.isSafeInteger(t)) throw new Error(`t: expected an integer step, got ${t}`);
  const s = seed + 100n + BigInt(t);
  if (s < SEED_MIN || s >= SEED_MAX_EXCLUSIVE)
    throw new Error(`seed: the step seed seed + 100 + ${t} = ${s} ${outOfRange('').trim()}`);
  return s;
}

/** The 32 bits that seed mt19937 (CPUGeneratorImpl: mt19937(seed) keeps seed & 0xffffffff). */
export function mt19937SeedBits(seed: bigint): number {
  return Number(toGeneratorSeed(seed) & 0xffffffffn);
}
