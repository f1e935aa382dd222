// NumPy's float printing against real NumPy (fixtures made by scripts/fixtures/numpy_print.py): Dragon4 on single
// values, every element string of FloatingFormat, whole repr and str texts, the element predicate the comparison
// uses (our values and their float32 neighbours), the precision inference, and reading every print back.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FIXTURES, ROOT } from '../../helpers/paths';
import { PYTHON, pythonModulesMissing } from '../../helpers/torch';
import { bitsToFloat32, nextDownF32, nextUpF32 } from '../../../../src/core/float32';
import {
  dragon4Positional,
  dragon4Scientific,
  type Dragon4Options,
  type Dragon4Trim
} from '../../../../src/core/tensors/dragon4';
import {
  formatNumpyArray,
  formatNumpyElement,
  formatNumpyElements,
  judgeNumpyPaste,
  numpyElementMatches,
  numpyFloatFormat,
  numpyShownIndices,
  type NumpyFloatDtype,
  type NumpyPrintOptions
} from '../../../../src/core/tensors/numpyPrint';
import { parseTensorText } from '../../../../src/core/tensors/parseTensor';

interface ArrayCase {
  name: string;
  dtype: NumpyFloatDtype;
  shape: number[];
  hex: string[];
  options: {
    precision?: number;
    suppress?: boolean;
    floatmode?: NumpyPrintOptions['floatmode'];
    sign?: NumpyPrintOptions['sign'];
    linewidth?: number;
    threshold?: number;
    edgeitems?: number;
  };
  repr: string;
  str: string | null;
  summarized: boolean;
  elements: string[];
  neighbourDtype: NumpyFloatDtype;
  neighbours: ([string, string] | null)[];
}
interface ScalarCall {
  kind: 'positional' | 'scientific';
  args: Record<string, number | boolean | string>;
}
interface Fixture {
  cases: ArrayCase[];
  scalarCalls: ScalarCall[];
  scalars: { dtype: NumpyFloatDtype; hex: string; texts: string[] }[];
}

const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'print', 'numpy.json'), 'utf8')) as Fixture;

const F64 = new DataView(new ArrayBuffer(8));
function fromHex(hex: string, dtype: NumpyFloatDtype): number {
  if (dtype === 'float32') return bitsToFloat32(parseInt(hex, 16));
  F64.setUint32(0, parseInt(hex.slice(0, 8), 16));
  F64.setUint32(4, parseInt(hex.slice(8), 16));
  return F64.getFloat64(0);
}
/** The next float64 toward +inf (up) or -inf. */
function nextF64(v: number, up: boolean): number {
  if (v === 0) return up ? 5e-324 : -5e-324;
  F64.setFloat64(0, v);
  let bits = (BigInt(F64.getUint32(0)) << 32n) | BigInt(F64.getUint32(4));
  bits += v > 0 === up ? 1n : -1n;
  F64.setUint32(0, Number(bits >> 32n));
  F64.setUint32(4, Number(bits & 0xffffffffn));
  return F64.getFloat64(0);
}
const valuesOf = (c: ArrayCase): number[] => c.hex.map((h) => fromHex(h, c.dtype));
const printOptions = (c: ArrayCase): NumpyPrintOptions => ({ ...c.options });
/** Cases printed with the default floatmode ('maxprec'), the one the element predicate reads. */
const isMaxprec = (c: ArrayCase): boolean => (c.options.floatmode ?? 'maxprec') === 'maxprec';

/** dragon4_positional / dragon4_scientific keyword arguments as our options. */
function dragon4Options(args: ScalarCall['args']): Dragon4Options {
  const o: Dragon4Options = {};
  if (args.precision !== undefined) o.precision = args.precision as number;
  if (args.min_digits !== undefined) o.minDigits = args.min_digits as number;
  if (args.unique !== undefined) o.unique = args.unique as boolean;
  if (args.fractional !== undefined) o.fractional = args.fractional as boolean;
  if (args.trim !== undefined) o.trim = args.trim as Dragon4Trim;
  if (args.sign !== undefined) o.sign = args.sign as boolean;
  if (args.pad_left !== undefined) o.padLeft = args.pad_left as number;
  if (args.pad_right !== undefined) o.padRight = args.pad_right as number;
  if (args.exp_digits !== undefined) o.expDigits = args.exp_digits as number;
  return o;
}

describe('dragon4 (numpy.core.multiarray dragon4_positional / dragon4_scientific)', () => {
  it('has fixtures', () => {
    assert.ok(fixture.scalars.length >= 200 && fixture.scalarCalls.length >= 15);
  });
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives NumPy's string for every ${dtype} value and every call`, () => {
      let checked = 0;
      for (const s of fixture.scalars.filter((x) => x.dtype === dtype)) {
        const x = fromHex(s.hex, dtype);
        fixture.scalarCalls.forEach((call, k) => {
          const o = dragon4Options(call.args);
          const ours = call.kind === 'positional' ? dragon4Positional(x, dtype, o) : dragon4Scientific(x, dtype, o);
          assert.equal(ours, s.texts[k], `${call.kind}(${dtype} 0x${s.hex}, ${JSON.stringify(call.args)})`);
          checked++;
        });
      }
      assert.ok(checked > 1000);
    });
  }
  it('refuses a non-unique call without precision, as NumPy does', () => {
    assert.throws(() => dragon4Positional(1.5, 'float64', { unique: false }), {
      message: /^precision: in non-unique mode/
    });
  });
});

describe('NumPy array printing (numpy.json)', () => {
  it('has fixtures of every kind', () => {
    assert.ok(fixture.cases.length > 300);
    assert.ok(fixture.cases.some((c) => c.summarized) && fixture.cases.some((c) => c.dtype === 'float64'));
    assert.ok(
      fixture.cases.some((c) => /e[+-]\d/.test(c.repr)) && fixture.cases.some((c) => c.options.precision === 0)
    );
  });

  for (const c of fixture.cases) {
    it(`prints ${c.name} ${JSON.stringify(c.options)} exactly as NumPy (elements, repr, str)`, () => {
      const values = valuesOf(c);
      const size = c.shape.reduce((a, b) => a * b, 1);
      if (size > 0) assert.deepEqual(formatNumpyElements(values, c.shape, c.dtype, printOptions(c)), c.elements);
      assert.equal(formatNumpyArray(values, c.shape, c.dtype, 'repr', printOptions(c)), c.repr);
      if (c.str !== null) assert.equal(formatNumpyArray(values, c.shape, c.dtype, 'str', printOptions(c)), c.str);
    });
  }

  it('prints fresh random arrays exactly as the installed NumPy, and reads them back (live; skipped without /usr/bin/python3 and numpy)', function () {
    this.timeout(120000);
    if (pythonModulesMissing(['numpy'])) this.skip();
    const seed = Math.floor(Math.random() * 2 ** 31);
    const script = path.join(ROOT, 'scripts', 'fixtures', 'numpy_print.py');
    const run = spawnSync(PYTHON, [script, '--live', String(seed), '200'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(run.status, 0, `numpy_print.py --live ${seed} failed: ${run.stderr}`);
    const cases = JSON.parse(run.stdout) as ArrayCase[];
    assert.equal(cases.length, 200);
    for (const c of cases) {
      const where = `numpy_print.py --live ${seed}: ${c.name}`;
      const values = valuesOf(c);
      assert.deepEqual(formatNumpyElements(values, c.shape, c.dtype, printOptions(c)), c.elements, where);
      assert.equal(formatNumpyArray(values, c.shape, c.dtype, 'repr', printOptions(c)), c.repr, where);
      assert.equal(formatNumpyArray(values, c.shape, c.dtype, 'str', printOptions(c)), c.str, where);
      const tokens = c.elements.map((e) => e.trim());
      assert.deepEqual(parseTensorText(c.repr, 'pasted').literals, tokens, where);
      assert.deepEqual(parseTensorText(c.str!, 'pasted').literals, tokens, where);
      if (isMaxprec(c) && (c.options.sign ?? '-') === '-') {
        const shown = numpyShownIndices(c.shape, printOptions(c)).map((i) => values[i]);
        const j = judgeNumpyPaste(shown, tokens, [c.dtype]);
        assert.ok(j.matched === tokens.length && j.formatAgrees, where);
      }
    }
  });

  it("refuses the str of a 0-d array (the scalar's str) and a wrong number of values", () => {
    assert.throws(() => formatNumpyArray([1.5], [], 'float32', 'str'), { message: /^style: str of a 0-d array/ });
    assert.throws(() => formatNumpyArray([1.5], [2], 'float32', 'repr'), {
      message: 'values: expected 2 values for shape (2,), got 1'
    });
    assert.throws(() => formatNumpyArray([1.5], [1], 'float32', 'repr', { precision: -1 }), {
      message: 'precision: expected a non-negative integer, got -1'
    });
  });
});

describe('numpyElementMatches (the element rule of a pasted NumPy print)', () => {
  for (const c of fixture.cases.filter((x) => isMaxprec(x) && x.elements.length > 0)) {
    it(`accepts ${c.name} ${JSON.stringify(c.options)} and rejects the neighbours the print tells apart`, () => {
      const values = valuesOf(c);
      const shown = numpyShownIndices(c.shape, printOptions(c)).map((i) => values[i]);
      const options = { dtype: c.dtype, precision: c.options.precision ?? 8 };
      shown.forEach((v, i) => {
        const token = c.elements[i];
        assert.ok(
          numpyElementMatches(v, token, options),
          `element ${i}: ${v} should print as ${JSON.stringify(token)}`
        );
        const n = c.neighbours[i];
        if (n === null) return;
        const step =
          c.neighbourDtype === 'float32' ? [nextUpF32(v), nextDownF32(v)] : [nextF64(v, true), nextF64(v, false)];
        step.forEach((w, k) => {
          const same = n[k].trim() === token.trim(); // NumPy prints the neighbour as the same text
          assert.equal(
            numpyElementMatches(w, token, options),
            same,
            `element ${i}: neighbour ${w} of ${v} prints as ${JSON.stringify(n[k])}, pasted ${JSON.stringify(token)}`
          );
        });
      });
    });
  }

  it('distinguishes nan, inf and -inf and refuses tokens NumPy never prints', () => {
    const o = { dtype: 'float32' as const };
    assert.ok(numpyElementMatches(NaN, '   nan', o));
    assert.ok(!numpyElementMatches(NaN, 'inf', o));
    assert.ok(numpyElementMatches(-Infinity, '-inf', o) && !numpyElementMatches(Infinity, '-inf', o));
    assert.ok(!numpyElementMatches(1, '1', o), 'NumPy prints a float 1 as "1."');
    assert.ok(!numpyElementMatches(1, '1.0', o));
    assert.ok(numpyElementMatches(1, '1.', o));
    assert.ok(numpyElementMatches(-0, '-0.', o) && !numpyElementMatches(0, '-0.', o));
  });

  it('reads the scientific digits from the token: float32 1e-5 shows its exact digits when others need 7', () => {
    const o = { dtype: 'float32' as const };
    assert.ok(numpyElementMatches(1e-5, '1.e-05', o));
    assert.ok(numpyElementMatches(1e-5, '9.9999997e-06', o));
    assert.ok(!numpyElementMatches(1e-5, '1.0000000e-05', o));
    assert.ok(
      !numpyElementMatches(1e-5, '9.9999997e-06', { dtype: 'float32', precision: 6 }),
      'precision 6 never shows 7 digits'
    );
  });
});

describe('judgeNumpyPaste (dtype and precision read from the paste)', () => {
  for (const c of fixture.cases.filter(
    (x) => isMaxprec(x) && x.elements.length > 0 && (x.options.sign ?? '-') === '-'
  )) {
    it(`reads ${c.name} ${JSON.stringify(c.options)} back: every element matches and NumPy reprints it so`, () => {
      const values = valuesOf(c);
      const shown = numpyShownIndices(c.shape, printOptions(c)).map((i) => values[i]);
      const tokens = c.elements.map((e) => e.trim());
      for (const dtypes of [[c.dtype], ['float32', 'float64']] as NumpyFloatDtype[][]) {
        const j = judgeNumpyPaste(shown, tokens, dtypes);
        assert.equal(
          j.matched,
          tokens.length,
          `dtypes ${dtypes}: ${j.matches
            .map((m, i) => (m ? '' : `${i}:${tokens[i]}`))
            .filter(Boolean)
            .join(' ')}`
        );
        assert.ok(j.formatAgrees, `dtypes ${dtypes}: the format of our values differs`);
        // under the options read from the paste, NumPy's rule prints our values as pasted, padding included
        const format = numpyFloatFormat(shown, j.dtype, { precision: j.precision, suppress: j.suppress });
        assert.deepEqual(
          shown.map((v) => formatNumpyElement(v, format).trim()),
          tokens,
          `dtype ${j.dtype} precision ${j.precision} suppress ${j.suppress}`
        );
        if (dtypes.length === 1)
          assert.deepEqual(
            shown.map((v) => formatNumpyElement(v, format)),
            c.elements
          );
      }
    });
  }

  it('finds the one altered element of a print, at the right precision', () => {
    const values = Float32Array.from([0.5559889, 0.09540706, 0.10810623, -1.2345678, 0.25, 3.1415927]);
    for (const precision of [3, 5, 8]) {
      const tokens = formatNumpyElements(values, [6], 'float32', { precision }).map((t) => t.trim());
      const altered = [...tokens];
      altered[2] = altered[2].replace(/\d$/, (d) => String((Number(d) + 1) % 10));
      const j = judgeNumpyPaste(values, altered, ['float32']);
      assert.equal(j.precision, precision);
      assert.deepEqual(j.matches, [true, true, false, true, true, true]);
    }
  });

  it('says the paste holds float64 digits of a float32 result (x.double().numpy())', () => {
    const values = Float32Array.from([0.5559889, -0.61371803, 0.0889781]);
    const tokens = formatNumpyElements(Float64Array.from(values), [3], 'float64').map((t) => t.trim());
    assert.deepEqual(tokens, ['0.55598891', '-0.61371803', '0.0889781']);
    const j = judgeNumpyPaste(values, tokens);
    assert.equal(j.dtype, 'float64');
    assert.equal(j.matched, 3);
    assert.equal(judgeNumpyPaste(values, tokens, ['float32']).matched, 2);
  });

  it('needs suppress=True for small values printed in fixed notation, and flags a paste NumPy would print otherwise', () => {
    const values = Float32Array.from([0.00001, 0.5]);
    const j = judgeNumpyPaste(values, ['0.00001', '0.5    '.trim()], ['float32']);
    assert.deepEqual([j.matched, j.formatAgrees, j.suppress], [2, true, true]);
    const big = judgeNumpyPaste(Float32Array.from([1e9, 0.5]), ['1000000000.', '0.5'], ['float32']);
    assert.deepEqual([big.matched, big.formatAgrees], [2, false]);
  });

  it('property: any float32 array printed by our rule at any precision reads back with every element matching', function () {
    this.timeout(60000);
    const arrays = fc.record({
      bits: fc.array(
        fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x38000000, max: 0x42000000 })),
        { minLength: 1, maxLength: 12 }
      ),
      precision: fc.integer({ min: 0, max: 12 }),
      suppress: fc.boolean()
    });
    fc.assert(
      fc.property(arrays, ({ bits, precision, suppress }) => {
        const values = bits.map((b) => bitsToFloat32(b));
        const tokens = formatNumpyElements(values, [values.length], 'float32', { precision, suppress }).map((t) =>
          t.trim()
        );
        const j = judgeNumpyPaste(values, tokens, ['float32']);
        assert.equal(j.matched, values.length, JSON.stringify({ tokens, j }));
        tokens.forEach((t, i) =>
          assert.ok(
            numpyElementMatches(values[i], t, { dtype: 'float32', precision }),
            `${values[i]} ${t} precision ${precision}`
          )
        );
      }),
      { numRuns: 300 }
    );
  });
});

describe('parseTensorText reads every NumPy print back (numpy.json)', () => {
  for (const c of fixture.cases.filter((x) => x.elements.length > 0)) {
    it(`reads ${c.name} ${JSON.stringify(c.options)}: repr and str, kind and tokens`, () => {
      const tokens = c.elements.map((e) => e.trim());
      const r = parseTensorText(c.repr, 'pasted');
      assert.equal(r.kind, 'numpy-repr');
      assert.equal(r.dtype, c.dtype);
      assert.deepEqual(r.literals, tokens);
      assert.equal(r.summarized, c.summarized);
      if (!c.summarized) assert.deepEqual(r.shape, c.shape);
      if (c.str === null) return;
      const s = parseTensorText(c.str, 'pasted');
      // a print with one item per list has no separator that says NumPy
      const separated = s.shape.some((n, d) => n > 1 || (s.summary?.dims[d].elided ?? false));
      assert.equal(s.kind, separated ? 'numpy-str' : 'list');
      assert.equal(s.dtype, 'unknown');
      assert.deepEqual(s.literals, tokens);
      assert.deepEqual(s.shape, r.shape);
      assert.deepEqual(s.summary, r.summary);
    });
  }

  it('reads the shape= of an empty NumPy array', () => {
    const c = fixture.cases.find((x) => x.name === 'float32 empty (0, 2)')!;
    assert.equal(c.repr, 'array([], shape=(0, 2), dtype=float32)');
    const p = parseTensorText(c.repr, 'pasted');
    assert.deepEqual([p.kind, p.shape, p.dtype], ['numpy-repr', [0, 2], 'float32']);
  });
});
