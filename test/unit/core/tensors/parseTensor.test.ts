// The tensor-text parser: PyTorch, NumPy and list printouts made by scripts/fixtures/print.py,
// round trips through our printer, and garbage.
import { strict as assert } from 'node:assert';
import { ROOT } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseTensorText, toFloat32Array, type ParsedTensor } from '../../../../src/core/tensors/parseTensor';
import { formatFloat32Shortest, formatTensorF32 } from '../../../../src/core/tensors/printTensor';

const root = ROOT;
const fixtureDir = path.join(root, 'test', 'fixtures', 'print');

interface ReprCase {
  name: string;
  shape: number[];
  bits: number[];
  repr: string;
  opts?: { precision?: number; sciMode?: boolean; threshold?: number };
}
interface ParseCase {
  name: string;
  text: string;
  shape: number[];
  dtype: ParsedTensor['dtype'];
  source: ParsedTensor['source'];
  summarized: boolean;
  float32_bits?: number[];
  float64?: (number | string)[];
  rounded_decimals?: number;
}

const reprCases = (JSON.parse(readFileSync(path.join(fixtureDir, 'repr.json'), 'utf8')) as { cases: ReprCase[] }).cases;
const parseCases = (JSON.parse(readFileSync(path.join(fixtureDir, 'parse.json'), 'utf8')) as { cases: ParseCase[] })
  .cases;

const float32FromBits = (bits: number[]): Float32Array => new Float32Array(Uint32Array.from(bits).buffer);
const bitsOf = (values: Float32Array): number[] => Array.from(new Uint32Array(new Float32Array(values).buffer));
const pyFloat = (v: number | string): number =>
  typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity;

/** Kept index -> full index along each dimension of a summarised print. */
function fullIndexOfKept(p: ParsedTensor, fullShape: number[], keptFlat: number): number {
  const idx: number[] = [];
  let rest = keptFlat;
  for (let k = p.shape.length - 1; k >= 0; k--) {
    idx[k] = rest % p.shape[k];
    rest = Math.floor(rest / p.shape[k]);
  }
  let flat = 0;
  for (let k = 0; k < fullShape.length; k++) {
    const dim = p.summary!.dims[k];
    const full = idx[k] < dim.leading ? idx[k] : fullShape[k] - (dim.leading + dim.trailing) + idx[k];
    flat = flat * fullShape[k] + full;
  }
  return flat;
}

/** |printed - true| within half a unit of the last printed digit (fixed or scientific). */
function assertRoundsTo(parsed: number, truth: number, decimals: number, sci: boolean, where: string): void {
  if (Number.isNaN(truth)) return assert.ok(Number.isNaN(parsed), `${where}: expected nan, got ${parsed}`);
  if (!Number.isFinite(truth)) return assert.equal(parsed, truth, where);
  let half = 0.5 * 10 ** -decimals;
  if (sci && truth !== 0) half = 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(parsed))) - decimals);
  const slack = 1e-12 * Math.max(Math.abs(truth), 10 ** -decimals);
  assert.ok(
    Math.abs(parsed - truth) <= half + slack,
    `${where}: printed ${parsed} is not ${truth} rounded to ${decimals} ${sci ? 'significant decimals' : 'decimals'}`
  );
}

describe('parseTensorText: PyTorch reprs (repr.json)', () => {
  for (const c of reprCases) {
    it(`reads back ${c.name}`, () => {
      const truth = float32FromBits(c.bits);
      const p = parseTensorText(c.repr, 'expected');
      assert.equal(p.source, 'torch');
      // with precision=0 a float tensor prints like an integer one (no point), which reads as int64
      if (c.opts?.precision !== 0) assert.equal(p.dtype, 'float32');
      const numel = c.shape.reduce((a, b) => a * b, 1);
      const sci = /e[+-]\d/.test(c.repr);
      const decimals = c.opts?.precision ?? 4;
      const intMode = !sci && p.printedDecimals === 0 && decimals !== 0;
      if (p.summarized) {
        assert.ok(numel > (c.opts?.threshold ?? 1000), 'only tensors over the threshold print with ...');
        assert.equal(p.shape.length, c.shape.length);
        assert.equal(p.summary!.fullShapeKnown, false);
        for (let i = 0; i < p.values.length; i++) {
          const full = fullIndexOfKept(p, c.shape, i);
          assertRoundsTo(p.values[i], truth[full], intMode ? 0 : decimals, sci, `kept ${i} (full ${full})`);
        }
      } else {
        assert.deepEqual(p.shape, c.shape);
        assert.equal(p.values.length, numel);
        for (let i = 0; i < numel; i++)
          assertRoundsTo(p.values[i], truth[i], intMode ? 0 : decimals, sci, `element ${i}`);
        if (intMode) assert.deepEqual(bitsOf(toFloat32Array(p)), bitsOf(truth), 'integer mode prints exact values');
        if (!sci && numel > 0 && !intMode && p.printedDecimals !== null) assert.equal(p.printedDecimals, decimals);
      }
    });
  }
});

describe('parseTensorText: NumPy, lists and PyTorch suffixes (parse.json)', () => {
  for (const c of parseCases) {
    it(`reads ${c.name}`, () => {
      const p = parseTensorText(c.text, 'expected');
      assert.deepEqual(p.shape, c.shape);
      assert.equal(p.dtype, c.dtype);
      assert.equal(p.source, c.source);
      assert.equal(p.summarized, c.summarized);
      if (c.float32_bits) {
        assert.deepEqual(bitsOf(toFloat32Array(p)), c.float32_bits);
      } else if (c.rounded_decimals !== undefined) {
        const truth = c.float64!.map(pyFloat);
        assert.equal(p.values.length, truth.length);
        const sci = /\de[+-]\d/.test(c.text);
        truth.forEach((t, i) => {
          // NumPy prints the shortest decimal that identifies the value in its dtype when that has
          // fewer digits than its precision (8); otherwise it rounds to 8 decimals
          const unique =
            c.source === 'numpy' &&
            (c.dtype === 'float32' ? Object.is(Math.fround(p.values[i]), t) : Object.is(p.values[i], t));
          if (!unique) assertRoundsTo(p.values[i], t, c.rounded_decimals!, sci, `element ${i}`);
        });
        if (c.source === 'torch') assert.equal(p.printedDecimals, c.rounded_decimals);
      } else {
        const truth = c.float64!.map(pyFloat);
        assert.equal(p.values.length, truth.length);
        truth.forEach((t, i) => assert.ok(Object.is(p.values[i], t), `element ${i}: ${p.values[i]} !== ${t}`));
      }
    });
  }
});

describe('parseTensorText: structure and errors', () => {
  it('describes a summarised print per dimension', () => {
    const c = reprCases.find((r) => r.name === 'summarised 40x30')!;
    const p = parseTensorText(c.repr, 'expected');
    assert.equal(p.summarized, true);
    assert.deepEqual(p.shape, [6, 6]);
    assert.deepEqual(p.summary!.dims, [
      { leading: 3, trailing: 3, elided: true },
      { leading: 3, trailing: 3, elided: true }
    ]);
    const partly = parseTensorText(reprCases.find((r) => r.name === 'summarised 1200x1')!.repr, 'expected');
    assert.deepEqual(partly.summary!.dims[1], { leading: 1, trailing: 0, elided: false });
  });

  it('names line and column of a ragged row', () => {
    assert.throws(() => parseTensorText('[[1, 2],\n [3, 4, 5]]', 'w_model'), {
      message:
        'w_model: line 2, column 2: expected 2 numbers like the first list at this depth (rows must all have one length), found 3 numbers'
    });
    assert.throws(() => parseTensorText('[[1, 2], [[3], [4]]]', 'w_model'), {
      message: /^w_model: line 1, column 10: expected 2 numbers .*found 2 nested lists$/
    });
  });

  it('names line and column of a non-numeric item', () => {
    assert.throws(() => parseTensorText('tensor([[0.1, 0.2],\n        [0.3, abc]])', 'betas'), {
      message: 'betas: line 2, column 15: expected "]" or a number, found "abc"'
    });
    assert.throws(() => parseTensorText('[1, null]', 'betas'), {
      message: /^betas: line 1, column 5: expected .*found "null"$/
    });
    assert.throws(() => parseTensorText('[[1], 2]', 'betas'), {
      message: /^betas: line 1, column 7: expected .*a nested list, found "2"$/
    });
    // a print pasted through a word processor: its minus sign named, with the character to type
    assert.throws(() => parseTensorText('tensor([[ 0.4527, \u22120.1824]])', 'x'), {
      message: `x: line 1, column 19: expected "]" or a number, found '\u2212' (U+2212): type '-' instead`
    });
    // in an exponent: the character and its place, not the number cut before it
    assert.throws(() => parseTensorText('tensor([1.0000e\u221204, 6.7333e-03])', 'x'), {
      message: `x: line 1, column 16: expected "]" or a number, found '\u2212' (U+2212): type '-' instead`
    });
    // a character a message cannot show (a zero-width space), by its code point; an emoji whole, not half of it
    assert.throws(() => parseTensorText('tensor([0.5,\u200b 0.25])', 'x'), {
      message: 'x: line 1, column 13: expected "]" or a number, found a non-printable character U+200B (delete it)'
    });
    assert.throws(() => parseTensorText('tensor([0.5, 0.25]) \u{1F600}', 'x'), {
      message: 'x: line 1, column 21: expected end of input, found "\u{1F600}"'
    });
  });

  it('refuses unfinished text, unknown suffixes, a second ... and deep nesting', () => {
    assert.throws(() => parseTensorText('tensor([1., 2.]', 'x'), {
      message: /^x: line 1, column 16: expected "\)" or ",", found end of input$/
    });
    assert.throws(() => parseTensorText('tensor([1.], foo=3)', 'x'), {
      message: /^x: line 1, column 14: expected one of dtype=.*found "foo="$/
    });
    assert.throws(() => parseTensorText('[1, ..., 2, ..., 3]', 'x'), {
      message: /^x: line 1, column 13: expected at most one "\.\.\." per list/
    });
    assert.throws(() => parseTensorText('['.repeat(100000), 'x'), {
      message: /^x: line 1, column 65: expected at most 64 nested lists/
    });
    assert.throws(() => parseTensorText('', 'x'), { message: /^x: line 1, column 1: expected .*found end of input$/ });
  });

  it('says which print it was: PyTorch, NumPy repr, NumPy str, NumPy with commas, list or our JSON', () => {
    const kinds = (text: string): [string, string] => {
      const p = parseTensorText(text, 'x');
      return [p.kind, p.source];
    };
    assert.deepEqual(kinds('tensor([[0.1000, 0.2000]])'), ['torch', 'torch']);
    assert.deepEqual(kinds('Parameter containing:\ntensor([0.1000], requires_grad=True)'), ['torch', 'torch']);
    assert.deepEqual(kinds('array([0.5, 0.25], dtype=float32)'), ['numpy-repr', 'numpy']);
    assert.deepEqual(kinds('[[ 0.5   0.25]\n [-1.    2.  ]]'), ['numpy-str', 'numpy']);
    assert.deepEqual(kinds('[[0.5]\n [0.25]]'), ['numpy-str', 'numpy']);
    assert.deepEqual(kinds('[[0.5, 0.25]]'), ['list', 'list']);
    assert.deepEqual(kinds('[[0.5]]'), ['list', 'list']); // one item per list: no separator says NumPy
    // np.array2string(a, separator=', '): NumPy pads a number on the right before a comma or bracket, Python never
    assert.deepEqual(kinds('[[-0.53881174, -1.1610341 ],\n [-0.06867789, -1.2071733 ]]'), ['numpy-list', 'numpy']);
    assert.deepEqual(kinds('[0.5 , 0.25]'), ['numpy-list', 'numpy']);
    // padding before a number (PyTorch's alignment, the inside of its print) and json.dumps(indent=2) are not that
    assert.deepEqual(kinds('[[ 0.4527,  0.1824],\n [-0.9199, -0.3991]]'), ['list', 'list']);
    assert.deepEqual(kinds('[\n  [\n    0.5,\n    0.25\n  ]\n]'), ['list', 'list']);
    assert.deepEqual(kinds('{"sample": [[0.5, "nan"]], "elapsed_ms": 3}'), ['json', 'list']);
    assert.deepEqual(kinds('{"values": [1, 2]}'), ['json', 'list']);
  });

  it("reads NumPy's str with its padding, wrapped lines and ... as tokens without the padding", () => {
    const p = parseTensorText(
      '[[ 0.80327606  0.17483339 ... -1.5\n   2.        ]\n ...\n [    nan    -inf ... -0.e+00  1.e+09]]',
      'x'
    );
    assert.deepEqual(p.shape, [2, 4]);
    assert.deepEqual(p.literals, ['0.80327606', '0.17483339', '-1.5', '2.', 'nan', '-inf', '-0.e+00', '1.e+09']);
    assert.equal(p.dtype, 'unknown', 'str does not show the dtype');
    assert.deepEqual(p.summary!.dims, [
      { leading: 1, trailing: 1, elided: true },
      { leading: 2, trailing: 2, elided: true }
    ]);
    assert.equal(parseTensorText('[1 2 3]', 'x').dtype, 'int64');
  });

  it('keeps line and column in errors of NumPy str and JSON pastes', () => {
    assert.throws(() => parseTensorText('[[1. 2.]\n [3. 4. 5.]]', 'x'), {
      message: /^x: line 2, column 2: expected 2 numbers like the first list/
    });
    assert.throws(() => parseTensorText('[[1, 2] [3, 4]]', 'x'), {
      message: 'x: line 1, column 9: expected "," or "]", found "["'
    });
    assert.throws(() => parseTensorText('{"sample": [[1, 2],\n [3, x]]}', 'x'), {
      message: /^x: line 2, column 6: expected .*, found .*/
    });
    assert.throws(() => parseTensorText('{"sample": [[1, 2],\n [3, 4, 5]]}', 'x'), {
      message: /^x: line 2, column 2: expected 2 numbers like the first list/
    });
    assert.throws(() => parseTensorText('{"samples": [1]}', 'x'), {
      message:
        'x: line 1, column 1: expected a JSON object holding the tensor under "sample" or "values", found no such member'
    });
    assert.throws(() => parseTensorText('{"sample": "tensor([1.])"}', 'x'), {
      message: 'x: line 1, column 12: expected a list, found "\\""'
    });
    assert.throws(() => parseTensorText('{"sample": [1, 2]', 'x'), {
      message: /^x: line 1, column 18: expected .*, found end of input$/
    });
  });

  it('reads nan, inf and quoted specials (as the CLI writes them) and keeps -0', () => {
    const p = parseTensorText('["nan", "-inf", "inf", -0.0, 1e-05]', 'x');
    assert.deepEqual(p.literals, ['nan', '-inf', 'inf', '-0.0', '1e-05']);
    assert.ok(Number.isNaN(p.values[0]));
    assert.equal(p.values[1], -Infinity);
    assert.equal(p.values[2], Infinity);
    assert.ok(Object.is(p.values[3], -0));
    assert.equal(p.values[4], Number('1e-05'));
    assert.equal(p.printedDecimals, null);
  });
});

/** A JSON nested list of the values' shortest decimals (nan and infinities as strings, as the CLI writes them). */
function jsonList(values: Float32Array, shape: number[]): string {
  let i = 0;
  const build = (dim: number): string => {
    if (dim === shape.length) {
      const s = formatFloat32Shortest(values[i++]);
      return /^-?(nan|inf)$/.test(s) ? JSON.stringify(s) : s;
    }
    const parts: string[] = [];
    for (let k = 0; k < shape[dim]; k++) parts.push(build(dim + 1));
    return '[' + parts.join(', ') + ']';
  };
  return build(0);
}

const float32Bits = fc.integer({ min: 0, max: 0xffffffff });
const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 });
const tensorArb = shapeArb.chain((shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.record({ shape: fc.constant(shape), bits: fc.array(float32Bits, { minLength: n, maxLength: n }) });
});

describe('parseTensorText: properties (fast-check)', function () {
  this.timeout(120000);
  it('print at full precision, then parse, gives the same float32 values', () => {
    fc.assert(
      fc.property(tensorArb, ({ shape, bits }) => {
        const values = float32FromBits(bits);
        const text = formatTensorF32(values, shape, { precision: 8, sciMode: true });
        const p = parseTensorText(text, 'x');
        assert.deepEqual(p.shape, shape);
        const back = toFloat32Array(p);
        for (let i = 0; i < values.length; i++) {
          if (Number.isNaN(values[i])) assert.ok(Number.isNaN(back[i]), text);
          else assert.ok(Object.is(back[i], values[i]), `${text}: element ${i}`);
        }
      }),
      { numRuns: 500 }
    );
  });

  it('a JSON list of shortest decimals parses back to the same float32 bits', () => {
    fc.assert(
      fc.property(tensorArb, ({ shape, bits }) => {
        const values = float32FromBits(bits);
        const p = parseTensorText(jsonList(values, shape), 'x');
        const back = toFloat32Array(p);
        for (let i = 0; i < values.length; i++) {
          if (Number.isNaN(values[i])) assert.ok(Number.isNaN(back[i]));
          else assert.ok(Object.is(back[i], values[i]));
        }
      }),
      { numRuns: 500 }
    );
  });

  it('default prints parse to values that round to the printed decimals', () => {
    fc.assert(
      fc.property(tensorArb, ({ shape, bits }) => {
        const values = float32FromBits(bits);
        const text = formatTensorF32(values, shape);
        const p = parseTensorText(text, 'x');
        const sci = /e[+-]\d/.test(text);
        const decimals = sci ? 4 : (p.printedDecimals ?? 4);
        for (let i = 0; i < values.length; i++)
          assertRoundsTo(p.values[i], values[i], decimals, sci, `${text}: element ${i}`);
      }),
      { numRuns: 300 }
    );
  });

  const garbage = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(...'[](),.-+e0123456789 \n...naifty=<>\'"'.split('')), maxLength: 60 }),
    // a valid print with a few characters changed
    fc
      .tuple(tensorArb, fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 2 })), { minLength: 1, maxLength: 3 }))
      .map(([t, edits]) => {
        let text = formatTensorF32(float32FromBits(t.bits), t.shape);
        for (const [pos, ins] of edits) {
          const at = pos % (text.length + 1);
          text = text.slice(0, at) + ins + text.slice(at + 1);
        }
        return text;
      })
  );

  it('never fails on garbage with anything but a one-line Error naming the field', () => {
    fc.assert(
      fc.property(garbage, (text) => {
        try {
          parseTensorText(text, 'pasted');
        } catch (e) {
          assert.ok(e instanceof Error && e.constructor === Error, `not a plain Error: ${String(e)}`);
          assert.match(e.message, /^pasted: line \d+, column \d+: expected .+, found .+$/);
          assert.ok(!e.message.includes('\n'), 'one line');
        }
      }),
      { numRuns: 3000 }
    );
  });
});
