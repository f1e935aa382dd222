// The printer against PyTorch's own repr() (fixtures made by scripts/fixtures/print.py).
import { strict as assert } from 'node:assert';
import { FIXTURES, ROOT } from '../../helpers/paths';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { PYTHON, pythonModulesMissing } from '../../helpers/torch';
import {
  formatFloat32Shortest,
  formatGeneralF64,
  formatTensorF32,
  type TensorPrintOptions
} from '../../../../src/core/tensors/printTensor';

interface ReprCase {
  name: string;
  shape: number[];
  bits: number[];
  repr: string;
  opts?: TensorPrintOptions;
}

const fixturePath = path.join(FIXTURES, 'print', 'repr.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { cases: ReprCase[] };

function float32FromBits(bits: number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

describe('formatTensorF32 (PyTorch repr)', () => {
  it('has fixtures', () => {
    assert.ok(fixture.cases.length > 100, `only ${fixture.cases.length} cases in ${fixturePath}`);
  });

  for (const c of fixture.cases) {
    it(`prints ${c.name}${c.opts ? ' ' + JSON.stringify(c.opts) : ''} exactly as PyTorch`, () => {
      const values = float32FromBits(c.bits);
      assert.equal(formatTensorF32(values, c.shape, c.opts), c.repr);
    });
  }

  it('prints fresh random tensors exactly as the installed PyTorch (live; skipped without /usr/bin/python3 and torch)', function () {
    this.timeout(120000);
    if (pythonModulesMissing(['torch', 'numpy'])) this.skip();
    const seed = Math.floor(Math.random() * 2 ** 31);
    const script = path.join(ROOT, 'scripts', 'fixtures', 'print.py');
    const run = spawnSync(PYTHON, [script, '--live', String(seed), '200'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(run.status, 0, `print.py --live ${seed} failed: ${run.stderr}`);
    const cases = JSON.parse(run.stdout) as ReprCase[];
    assert.equal(cases.length, 200);
    for (const c of cases) {
      assert.equal(
        formatTensorF32(float32FromBits(c.bits), c.shape, c.opts),
        c.repr,
        `print.py --live ${seed}: shape ${JSON.stringify(c.shape)} opts ${JSON.stringify(c.opts)}`
      );
    }
  });

  it('refuses a shape that does not fit the values, naming the field', () => {
    assert.throws(
      () => formatTensorF32(new Float32Array(3), [2, 2]),
      /^Error: values: expected 4 values for shape \(2, 2\), got 3$/
    );
    assert.throws(() => formatTensorF32(new Float32Array(0), [-1]), /^Error: shape: /);
    assert.throws(
      () => formatTensorF32(new Float32Array(1), [], { precision: -1 }),
      /^Error: precision: expected a non-negative integer, got -1$/
    );
  });
});

const shortestCases = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'print', 'shortest.json'), 'utf8')) as { cases: [number, string][] }
).cases;

const generalCases = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'print', 'general.json'), 'utf8')) as { cases: [number, string[]][] }
).cases;

describe('formatGeneralF64', () => {
  it(`gives Python's '%.{p}g' for p = 1 to 9 of ${generalCases.length} float32 values (general.json)`, () => {
    assert.ok(generalCases.length > 1500);
    for (const [bits, texts] of generalCases) {
      const v = float32FromBits([bits])[0];
      texts.forEach((python, k) => assert.equal(formatGeneralF64(v, k + 1), python, `bits ${bits}, '%.${k + 1}g'`));
    }
  });
});

describe('formatFloat32Shortest', () => {
  it(`gives NumPy's shortest decimal for ${shortestCases.length} float32 values (shortest.json)`, () => {
    assert.ok(shortestCases.length > 2000);
    for (const [bits, numpyText] of shortestCases) {
      const v = float32FromBits([bits])[0];
      const ours = formatFloat32Shortest(v);
      assert.ok(Object.is(Number(ours), Number(numpyText)), `bits ${bits}: ours ${ours}, NumPy ${numpyText}`);
    }
  });

  it('reads back as the same float32 for any float32 bit pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (bits) => {
        const v = float32FromBits([bits])[0];
        const s = formatFloat32Shortest(v);
        if (Number.isNaN(v)) return s === 'nan';
        if (!Number.isFinite(v)) return s === (v > 0 ? 'inf' : '-inf');
        const back = Math.fround(Number(s));
        return Object.is(back, v);
      }),
      { numRuns: 20000 }
    );
  });

  it('is no longer than any other decimal that reads back (no shorter precision round-trips)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatFloat32Shortest(v);
        const digits = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
        if (v === 0) return true;
        const n = digits.replace(/0+$/, '').length;
        if (n <= 1) return true;
        // every (n-1)-significant-digit decimal near v fails to read back as v
        const base = Math.abs(v).toExponential(n - 2);
        const [m, e] = base.split('e');
        const mInt = BigInt(m.replace('.', ''));
        for (const delta of [-1n, 0n, 1n]) {
          const candidate = Number(`${mInt + delta}e${Number(e) - (n - 2)}`) * Math.sign(v);
          if (Math.fround(candidate) === v) return false;
        }
        return true;
      }),
      { numRuns: 20000 }
    );
  });

  it('keeps the sign of negative zero', () => {
    assert.equal(formatFloat32Shortest(-0), '-0');
    assert.ok(Object.is(Number(formatFloat32Shortest(-0)), -0));
  });
});
