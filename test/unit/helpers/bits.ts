// Float32 values as their bit patterns, for bit-for-bit assertions and for fixtures that store bits.

/** The bit patterns (uint32) of float32 values: compares -0 and NaN payloads exactly where numbers would not. */
export const f32Bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Float32 values from their bit patterns (uint32), as the fixtures store them. */
export const fromBits = (bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);
