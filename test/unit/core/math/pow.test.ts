// The pow kernels behind the cell language's `**`, bit for bit against PyTorch (scripts/fixtures/pow.py):
// SLEEF's AVX2 vector pow (ATen's AVX2 kernels) and glibc's pow/powf (ATen's default kernels, Python floats).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bitsToFloat32, float32ToBits } from '../../../../src/core/float32';
import { fromWords, highWord, lowWord } from '../../../../src/core/math/float64';
import { powfGlibc, powGlibc } from '../../../../src/core/math/glibcPow';
import { powfSleefAvx2, powSleefAvx2 } from '../../../../src/core/math/sleefPow';
import { FIXTURES } from '../../helpers/paths';

interface KernelCases {
  x: string[];
  y: string[];
  result: string[];
}
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'math/pow_kernels.json'), 'utf8')) as {
  kernels: Record<string, KernelCases>;
};

const f32 = (hex: string): number => bitsToFloat32(parseInt(hex, 16));
const f64 = (hex: string): number => fromWords(parseInt(hex.slice(0, 8), 16), parseInt(hex.slice(8), 16));
const hex32 = (v: number): string => float32ToBits(v).toString(16).padStart(8, '0');
const hex64 = (v: number): string =>
  highWord(v).toString(16).padStart(8, '0') + lowWord(v).toString(16).padStart(8, '0');

function check(
  name: string,
  read: (h: string) => number,
  write: (v: number) => string,
  pow: (x: number, y: number) => number
): void {
  const c = fixture.kernels[name];
  assert.ok(c.x.length >= 1024, 'the fixture holds the cases');
  const bad: string[] = [];
  for (let i = 0; i < c.x.length; i++) {
    const x = read(c.x[i]);
    const y = read(c.y[i]);
    const expected = read(c.result[i]);
    const got = pow(x, y);
    const same = expected !== expected ? got !== got : write(got) === c.result[i];
    if (!same) bad.push(`pow(${x}, ${y}): expected ${c.result[i]} (${expected}), got ${write(got)} (${got})`);
  }
  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${c.x.length} differ`);
}

describe('pow kernels (fixtures from PyTorch 1.13 on the CPU)', () => {
  it('Sleef_powf8_u10, one lane (float32, ATen AVX2)', () => check('sleef_powf8_u10', f32, hex32, powfSleefAvx2));
  it('Sleef_pow4_u10, one lane (float64, ATen AVX2)', () => check('sleef_pow4_u10', f64, hex64, powSleefAvx2));
  it('glibc powf (float32, ATen default)', () => check('glibc_powf', f32, hex32, powfGlibc));
  it('glibc pow (float64, ATen default; Python floats)', () => check('glibc_pow', f64, hex64, powGlibc));
});
