// Reading the sampler's inputs: the forms users paste, and one-line errors naming the field (README "Inputs").
import { strict as assert } from 'node:assert';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { INPUT_KEYS, parseInputsText, readInputs } from '../../../../src/core/sampler/inputs';
import { MAX_SAMPLE_ELEMENTS, MAX_WORKING_BYTES, samplerWorkingBytes } from '../../../../src/core/sampler/limits';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import type { SamplerFixture } from '../../helpers/samplerFixture';
import { f32Bits, fromBits } from '../../helpers/bits';
import { verdicts } from '../../helpers/compareFixtures';
import { seedInputsText } from '../../helpers/seedExample';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'sampler.json'), 'utf8'));
const example = fixture.cases.find((c) => c.name === 'seed example')!.inputs; // torch.tensor(...) of the example, as bits
const exampleJson = JSON.parse(seedInputsText);

const withKey = (key: string, value: unknown) => ({ ...exampleJson, [key]: value });

/** Runs readInputs expecting a one-line error that starts with `field:` and matches `pattern`. */
function assertInputError(json: unknown, field: string, pattern: RegExp): void {
  assert.throws(
    () => readInputs(json),
    (e: Error) => {
      assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
      assert.ok(e.message.startsWith(`${field}: `), `names the field ${field}: ${e.message}`);
      assert.match(e.message, pattern);
      return true;
    }
  );
}

describe('inputs: reading', () => {
  it('reads media/examples/seed.inputs.json to the tensors PyTorch made from the same numbers', () => {
    const { inputs, warnings } = readInputs(exampleJson);
    assert.deepEqual(warnings, []);
    assert.equal(inputs.n, example.shape[0]);
    assert.equal(inputs.d, example.shape[1]);
    assert.deepEqual(f32Bits(inputs.wModel.data), example.w_model.bits);
    assert.deepEqual([inputs.wModel.rows, inputs.wModel.cols], example.w_model.shape);
    assert.deepEqual(f32Bits(inputs.betas), example.betas);
    assert.deepEqual(f32Bits(inputs.alphaBar), example.alpha_bar);
    assert.equal(inputs.seed, BigInt(example.seed));
  });

  it('takes any array as PyTorch-printed or NumPy-printed text', () => {
    const w = fromBits(example.w_model.bits);
    const printedW = formatTensorF32(w, example.w_model.shape); // tensor([[ 0.1200, -0.3000], ...])
    const { inputs } = readInputs(withKey('w_model', printedW));
    assert.deepEqual(f32Bits(inputs.wModel.data), example.w_model.bits);
    const numpy = readInputs(
      withKey('w_model', 'array([[ 0.12, -0.3 ],\n       [ 0.05,  0.41],\n       [-0.2 ,  0.07]], dtype=float32)')
    );
    assert.deepEqual(f32Bits(numpy.inputs.wModel.data), example.w_model.bits);
    const sci = readInputs(
      withKey('betas', `tensor([${exampleJson.betas.map((b: number) => b.toExponential(8)).join(', ')}])`)
    );
    assert.deepEqual(f32Bits(sci.inputs.betas), example.betas);
  });

  it('rounds float64 text to float32 and says so', () => {
    const { inputs, warnings } = readInputs(
      withKey('betas', `tensor([${exampleJson.betas.join(', ')}], dtype=torch.float64)`)
    );
    assert.deepEqual(f32Bits(inputs.betas), example.betas);
    assert.match(warnings.join('\n'), /^betas: given as float64; rounded to float32/m);
  });

  it('keeps the schedule as written (decimals or a float64 print, as doubles) when it is not the float32 values', () => {
    const written = { betas: exampleJson.betas, alphaBar: exampleJson.alpha_bar };
    assert.deepEqual(readInputs(exampleJson).writtenSchedule, written);
    const float64Print = (v: number[]) => `tensor([${v.join(', ')}], dtype=torch.float64)`;
    const printed = {
      ...exampleJson,
      betas: float64Print(exampleJson.betas),
      alpha_bar: float64Print(exampleJson.alpha_bar)
    };
    assert.deepEqual(readInputs(printed).writtenSchedule, written);
    // a float32 print: PyTorch's schedule was float32, nothing more to try; nor for the float32 values written exactly
    assert.equal(readInputs(withKey('betas', `tensor([${exampleJson.betas.join(', ')}])`)).writtenSchedule, undefined);
    const { inputs } = readInputs(exampleJson);
    const exact = { ...exampleJson, betas: Array.from(inputs.betas), alpha_bar: Array.from(inputs.alphaBar) };
    assert.equal(readInputs(exact).writtenSchedule, undefined);
  });

  it('truncates shape like int() and accepts seeds beyond 2^53 as decimal strings', () => {
    const { inputs } = readInputs({ ...exampleJson, shape: [4.9, 2.7], seed: '18446744073709551000' });
    assert.equal(inputs.n, 4);
    assert.equal(inputs.d, 2);
    assert.equal(inputs.seed, 18446744073709551000n);
    assert.equal(readInputs(withKey('seed', -(2 ** 40))).inputs.seed, -(2n ** 40n));
  });

  it('warns (does not fail) when alpha_bar is not cumprod(1 - betas), and when it has extra values', () => {
    const other = fixture.cases.find((c) => c.name.includes('not cumprod'))!.inputs;
    const ab = Array.from(fromBits(other.alpha_bar));
    const betas = Array.from(fromBits(other.betas));
    const w = fromBits(other.w_model.bits);
    const wRows = Array.from({ length: other.w_model.shape[0] }, (_, r) =>
      Array.from(w.subarray(r * other.w_model.shape[1], (r + 1) * other.w_model.shape[1]))
    );
    const { warnings } = readInputs({ w_model: wRows, shape: other.shape, betas, alpha_bar: ab, seed: 1 });
    assert.match(warnings.join('\n'), /^alpha_bar: differs from cumprod\(1 - betas\) at \d+ of 10 steps/m);
    // a float64 schedule (PyTorch's, scripts/fixtures/recording.py): alpha_bar its own float64 cumprod is noted, not
    // warned of; with one value changed it is warned of as before
    const rec = JSON.parse(readFileSync(path.join(FIXTURES, 'recording', 'expected.json'), 'utf8')).recordings[
      'float64-schedule'
    ] as { float64_inputs: Record<string, { values: number[] }>; shape: number[] };
    const betas64 = rec.float64_inputs.betas.values;
    const alphaBar64 = rec.float64_inputs.alpha_bar.values;
    const of64 = (ab: number[]) =>
      readInputs({ ...exampleJson, shape: [2, 2], betas: betas64, alpha_bar: ab }).warnings.join('\n');
    assert.match(of64(alphaBar64), /^alpha_bar: cumprod\(1 - betas\) computed in float64, as given; /m);
    assert.doesNotMatch(of64(alphaBar64), /differs from cumprod/);
    const changed = alphaBar64.map((v, t) => (t === 4 ? v * (1 + 1e-12) : v));
    assert.match(of64(changed), /^alpha_bar: differs from cumprod\(1 - betas\) at \d+ of 10 steps/m);
    assert.doesNotMatch(of64(changed), /computed in float64/);
    const longer = readInputs(withKey('alpha_bar', [...exampleJson.alpha_bar, 0.5]));
    assert.match(longer.warnings.join('\n'), /alpha_bar: 1 value beyond len\(betas\) = 4 is not used/);
  });
});

describe("inputs: an array read from PyTorch's print", () => {
  const { inputs, small, prints } = verdicts.printedInputs;
  const rounded = (field: string, how: string): string =>
    `${field}: read from a print with ${how}, which rounds its values: unless your ${field} holds exactly these decimals, this is not a run of your inputs (give ${field}.tolist() for its exact values)`;

  it("PyTorch's default 4 decimals: a warning that the values are rounded, and they are not the tensor's", () => {
    const r = readInputs({ ...inputs, w_model: prints.default });
    assert.deepEqual(r.warnings, [rounded('w_model', '4 decimals')]);
    const exact = readInputs(inputs).inputs.wModel.data;
    assert.notDeepEqual(f32Bits(r.inputs.wModel.data), f32Bits(exact));
  });

  it('scientific notation with 4 decimals: the same warning, naming the notation', () => {
    const r = readInputs({ ...inputs, w_model: prints.sci });
    assert.deepEqual(r.warnings, [rounded('w_model', '4 decimals in scientific notation')]);
    assert.notDeepEqual(f32Bits(r.inputs.wModel.data), f32Bits(Float32Array.from(small.flat())));
  });

  it('precision=12, whose digits identify the float32 values: no warning, and the exact values', () => {
    const r = readInputs({ ...inputs, w_model: prints.precision12 });
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(f32Bits(r.inputs.wModel.data), f32Bits(readInputs(inputs).inputs.wModel.data));
  });
});

describe('inputs: one-line errors naming the field', () => {
  it('refuses what is not an object, unknown keys and missing keys', () => {
    assertInputError(
      [1, 2],
      'inputs',
      /expected a JSON object with the keys w_model, shape, betas, alpha_bar, seed, got an array/
    );
    assertInputError(null, 'inputs', /got null/);
    assertInputError({ ...exampleJson, model: 1 }, 'inputs', /unknown key "model"/);
    for (const key of INPUT_KEYS) {
      const rest = { ...exampleJson };
      delete rest[key];
      assertInputError(rest, key, /missing/);
    }
  });

  it('refuses lists nested deeper than a tensor may be, in one line (not a stack overflow)', () => {
    let deep: unknown = 0.1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    assertInputError(withKey('w_model', deep), 'w_model', /expected at most 64 nested lists, found 5000$/);
  });

  it('refuses ragged and non-numeric arrays', () => {
    assertInputError(
      withKey('w_model', [[0.1, 0.2], [0.3], [0.5, 0.6]]),
      'w_model',
      /ragged array: w_model\[1\] has 1 values, expected 2/
    );
    assertInputError(
      withKey('w_model', [
        [0.1, 0.2],
        [0.3, 'x'],
        [0.5, 0.6]
      ]),
      'w_model',
      /expected a number at w_model\[1\]\[1\], got "x"/
    );
    assertInputError(withKey('betas', [0.1, [0.2]]), 'betas', /ragged/);
    assertInputError(
      withKey('betas', { a: 1 }),
      'betas',
      /expected a list of numbers or printed tensor text, got an object/
    );
    assertInputError(withKey('betas', 'tensor([0.1, 0.2'), 'betas', /line 1, column/);
  });

  it('refuses w_model not (d+1, d), with the exact message', () => {
    assert.throws(
      () =>
        readInputs(
          withKey('w_model', [
            [1, 2],
            [3, 4]
          ])
        ),
      { message: 'w_model: expected shape (3, 2) for d = 2, got (2, 2)' }
    );
    assertInputError(withKey('w_model', [1, 2, 3]), 'w_model', /expected shape \(3, 2\) for d = 2, got \(3,\)/);
    // (d, d + 1): an nn.Linear(d + 1, d)'s weight, named as the transpose
    assert.throws(
      () =>
        readInputs(
          withKey('w_model', [
            [1, 2, 3],
            [4, 5, 6]
          ])
        ),
      {
        message:
          "w_model: expected shape (3, 2) for d = 2, got (2, 3), its transpose (an nn.Linear's weight is (out, in) and is applied as x @ weight.T: pass weight.T)"
      }
    );
  });

  it('alpha_bar starting with 1 (alphas_cumprod_prev): says what that 1 is', () => {
    assert.throws(() => readInputs(withKey('alpha_bar', [1, 0.9999, 0.9932, 0.98])), {
      message:
        'alpha_bar: alpha_bar[0] = 1 is outside [0, 1) (1 - alpha_bar[t] must be positive); alpha_bar[0] = 1 is the value before the first step (alphas_cumprod_prev); alpha_bar[t] is the product up to step t included, alpha_bar[0] = 1 - betas[0]'
    });
  });

  it('refuses betas outside (0, 1) and alpha_bar outside [0, 1) or too short', () => {
    assertInputError(withKey('betas', [0.1, 0, 0.2, 0.3]), 'betas', /betas\[1\] = 0 is outside \(0, 1\)/);
    assertInputError(withKey('betas', [0.1, 1, 0.2, 0.3]), 'betas', /outside \(0, 1\)/);
    assertInputError(
      withKey('betas', [0.1, 0.2, 0.3, 0.99999999]),
      'betas',
      /betas\[3\] = 0.99999999 is outside \(0, 1\) in float32 \(it rounds to 1\)$/
    );
    assertInputError(
      withKey('betas', [1e-50, 0.2, 0.3, 0.4]),
      'betas',
      /betas\[0\] = 1e-50 is outside \(0, 1\) in float32 \(it rounds to 0\)$/
    );
    assertInputError(withKey('betas', []), 'betas', /at least one value/);
    assertInputError(
      withKey('alpha_bar', [0.9, 0.8, 0.7]),
      'alpha_bar',
      /expected at least 4 values \(as many as betas\), got 3/
    );
    assertInputError(
      withKey('alpha_bar', [0.9, 1, 0.7, 0.6]),
      'alpha_bar',
      /alpha_bar\[1\] = 1 is outside \[0, 1\) \(1 - alpha_bar\[t\] must be positive\)/
    );
    assertInputError(withKey('alpha_bar', [0.9, -0.1, 0.7, 0.6]), 'alpha_bar', /outside \[0, 1\)/);
  });

  it('refuses non-finite values', () => {
    assertInputError(
      withKey('w_model', [
        [0.1, 0.2],
        [0.3, 'nan'],
        [0.5, 0.6]
      ]),
      'w_model',
      /non-finite value nan at \[1, 1\]/
    );
    assertInputError(
      withKey('w_model', 'tensor([[0.1, 0.2], [inf, 0.4], [0.5, 0.6]])'),
      'w_model',
      /non-finite value inf at \[1, 0\]/
    );
    assertInputError(
      withKey('w_model', [
        [0.1, 0.2],
        [1e39, 0.4],
        [0.5, 0.6]
      ]),
      'w_model',
      /non-finite value inf at \[1, 0\] \(1e\+39 overflows float32\)/
    );
    assertInputError(withKey('betas', 'tensor([0.1, nan, 0.2, 0.3])'), 'betas', /non-finite value nan at \[1\]/);
  });

  it('refuses a summarised ("...") printed tensor', () => {
    assertInputError(
      withKey('betas', 'tensor([1.0000e-04, 1.1992e-04, 1.3984e-04,  ..., 1.9960e-02, 1.9980e-02, 2.0000e-02])'),
      'betas',
      /summarised with "\.\.\."/
    );
  });

  it('refuses bad seeds, including a step seed seed + 100 + t beyond 2^64', () => {
    assertInputError(withKey('seed', 1.5), 'seed', /expected an integer/);
    assertInputError(withKey('seed', 'abc'), 'seed', /expected an integer/);
    assertInputError(withKey('seed', '18446744073709551616'), 'seed', /out of range/);
    assertInputError(withKey('seed', '-9223372036854775809'), 'seed', /out of range/);
    assertInputError(withKey('seed', 2 ** 60), 'seed', /^seed: 1152921504606847000 is 2\^53 or more in magnitude/);
    // 2^53 itself is exact, but 2^53 + 1 reads as it too
    assertInputError(withKey('seed', 2 ** 53), 'seed', /^seed: 9007199254740992 is 2\^53 or more in magnitude/);
    assertInputError(withKey('seed', (2n ** 64n - 100n - 3n).toString()), 'seed', /seed \+ 100 \+ 3/);
    assert.doesNotThrow(() => readInputs(withKey('seed', (2n ** 64n - 100n - 4n).toString())));
  });

  it('refuses N or d below 1 and bad shapes', () => {
    assertInputError(withKey('shape', [0.9, 2]), 'shape', /N = int\(0\.9\) = 0 is below 1/);
    assertInputError(withKey('shape', [4, -1]), 'shape', /d = int\(-1\) = -1 is below 1/);
    assertInputError(withKey('shape', [4]), 'shape', /expected \[N, d\] \(two numbers\), got 1 value/);
    assertInputError(withKey('shape', [4, '2']), 'shape', /expected a number at shape\[1\], got "2"/);
    assertInputError(withKey('shape', 7), 'shape', /expected \[N, d\], got 7/);
  });

  it('refuses a run whose memory would exceed the documented limit', () => {
    const d = 2;
    const n = MAX_SAMPLE_ELEMENTS / d + 1;
    assertInputError(
      { ...exampleJson, shape: [n, d] },
      'shape',
      new RegExp(`exceeds the limit of ${MAX_SAMPLE_ELEMENTS}`)
    );
    // d = 1 is padded to 4 SIMD lanes: fewer elements already need more than the working-memory limit
    const n1 = Math.ceil(MAX_WORKING_BYTES / (samplerWorkingBytes(2, 1) - samplerWorkingBytes(1, 1))) + 1; // bytes per row
    assert.ok(n1 <= MAX_SAMPLE_ELEMENTS);
    assertInputError(
      { ...exampleJson, shape: [n1, 1], w_model: [[0.5], [0.1]] },
      'shape',
      /needs about .* of working memory, above the limit of 1 GiB/
    );
  });

  it('reports unreadable JSON with line and column', () => {
    assert.throws(
      () => parseInputsText('{\n  "seed": 1,\n  "shape": [4 2]\n}', 'in.json'),
      (e: Error) => {
        assert.match(e.message, /^in\.json: invalid JSON at line 3, column 15: /);
        assert.ok(!e.message.includes('\n'));
        return true;
      }
    );
    // (the name says which input: a file, or standard input with nothing piped in)
    assert.throws(
      () => parseInputsText('', 'standard input'),
      /^Error: standard input: empty: expected one JSON object with w_model, shape, betas, alpha_bar and seed$/
    );
    // a character JSON does not take for a space is no empty file, and is named wherever it stands (V8's own
    // words, where it gives a place, do not name it)
    assert.throws(
      () => parseInputsText('\u00a0', 'in.json'),
      /^Error: in\.json: invalid JSON at line 1, column 1: unexpected U\+00A0$/
    );
    assert.throws(
      () => parseInputsText('{\u00a0"seed": 42}', 'in.json'),
      /^Error: in\.json: invalid JSON at line 1, column 2: expected a property name in double quotes, found U\+00A0$/
    );
    assert.throws(
      () => parseInputsText('{"seed": 42\u0085}', 'in.json'),
      /^Error: in\.json: invalid JSON at line 1, column 12: expected ',' or '\}', found U\+0085$/
    );
    assert.throws(() => parseInputsText('{"seed": ', 'x'), /^Error: x: invalid JSON at line 1, column 10/);
  });

  it('names the field of a NaN or Infinity that Python\'s json.dump wrote (no JSON), as for the string "nan"', () => {
    // json.dump(..., allow_nan=True), Python's default, writes float('nan') as NaN and float('-inf') as -Infinity
    const text = JSON.stringify(exampleJson, null, 1);
    const withBetas = text.replace(/("betas": \[\n\s*)[^,\n]+/, '$1NaN');
    assert.notEqual(withBetas, text);
    assert.throws(() => parseInputsText(withBetas, 'in.json'), /^Error: betas: non-finite value nan at \[0\]$/);
    const withW = text.replace(/("w_model": \[\n\s*\[\n\s*)[^,\n]+/, '$1-Infinity');
    assert.notEqual(withW, text);
    assert.throws(() => parseInputsText(withW, 'in.json'), /^Error: w_model: non-finite value -inf at \[0, 0\]$/);
    // a string that says NaN is left as it is: still a JSON error where the JSON is broken
    assert.throws(
      () => parseInputsText('{"note": "NaN", "seed": }', 'in.json'),
      /^Error: in\.json: invalid JSON at line 1, column 25/
    );
  });

  it("refuses a float16 or bfloat16 print, whose decimals are not its values (w_model: as PyTorch's matmul does)", () => {
    for (const dtype of ['float16', 'bfloat16'] as const) {
      // PyTorch's own print of a tensor in that dtype (the example's sample converted, scripts/fixtures/compare.py)
      const text = verdicts.halfPastes.pastes.find((p) => p.dtype === dtype)!.text;
      assert.match(text, new RegExp(`dtype=torch\\.${dtype}`));
      const name = dtype === 'float16' ? 'Half' : 'BFloat16';
      assertInputError(
        withKey('w_model', text),
        'w_model',
        new RegExp(
          `^w_model: printed as a ${dtype} tensor, which PyTorch's matmul with a float32 x refuses \\(expected scalar type Float but found ${name}\\)`
        )
      );
      assertInputError(
        withKey('betas', text),
        'betas',
        new RegExp(`^betas: printed as a ${dtype} tensor, whose printed decimals`)
      );
    }
  });

  it('refuses a print of another dtype (integer, complex, bool, float128), naming it, not reading its numbers', () => {
    // PyTorch's and NumPy's own prints (scripts/fixtures/compare.py otherDtypePrints)
    for (const { dtype, text } of verdicts.otherDtypePrints) {
      for (const field of ['w_model', 'betas']) {
        // a complex print's numbers name it (`0.1000+0.j`), with or without dtype=; int64, the default integer dtype,
        // is named by its numbers too (no decimal point)
        const pattern =
          dtype === 'int64' && !text.includes('dtype=')
            ? new RegExp(`^${field}: printed as an int64 tensor \\(numbers without a decimal point`)
            : dtype.startsWith('complex')
              ? new RegExp(
                  `^${field}: line 1, column \\d+: expected "," or "\\]", found the imaginary part of a complex number, "\\+0\\.j" \\(only real numbers`
                )
              : text.includes('dtype=')
                ? new RegExp(`^${field}: printed with dtype=(?:torch\\.)?${dtype}, which the sampler does not take`)
                : new RegExp(`^${field}: line 1, column 9: expected "\\]" or a number, found "True"$`);
        assertInputError(withKey(field, text), field, pattern);
      }
    }
  });

  it('says when a value is in range as written but not once rounded to float32', () => {
    const nearOne = 1 - 2 ** -30; // below 1 as a double, 1 as a float32
    assert.equal(Math.fround(nearOne), 1);
    assertInputError(
      withKey('alpha_bar', [nearOne, ...exampleJson.alpha_bar.slice(1)]),
      'alpha_bar',
      /alpha_bar\[0\] = .* is outside \[0, 1\) in float32 \(it rounds to 1\)/
    );
    assertInputError(
      withKey('betas', [nearOne, ...exampleJson.betas.slice(1)]),
      'betas',
      /betas\[0\] = .* is outside \(0, 1\) in float32/
    );
  });

  it('gives line and column also where the engine gives no position (unexpected token), and a short reason', () => {
    const text = '{\n  "w_model": [[0.12, -0.3],\n    [0.05, 0.41],],\n  "seed": 1\n}';
    const at = text.indexOf('],]') + 2; // the "]" after the trailing comma
    const line = text.slice(0, at).split('\n').length;
    const column = at - text.lastIndexOf('\n', at - 1);
    assert.throws(
      () => parseInputsText(text, 'in.json'),
      (e: Error) => {
        assert.equal(e.message, `in.json: invalid JSON at line ${line}, column ${column}: unexpected ']'`);
        return true;
      }
    );
    // V8 quotes the text after "Unexpected token": never more than the reason
    assert.throws(
      () => parseInputsText('{"seed": NaN}', 'in.json'),
      (e: Error) => {
        assert.match(e.message, /^in\.json: invalid JSON at line 1, column 10: /);
        assert.ok(!e.message.includes('{"seed"'), e.message);
        return true;
      }
    );
  });

  it('reads a file that starts with a byte order mark like one without', () => {
    const text = seedInputsText;
    const plain = parseInputsText(text, 'in.json');
    const bom = parseInputsText('\uFEFF' + text, 'in.json');
    assert.deepEqual(f32Bits(bom.inputs.wModel.data), f32Bits(plain.inputs.wModel.data));
    assert.equal(bom.inputs.seed, plain.inputs.seed);
  });

  it('refuses a JSON-number seed that lost digits, quoting the digits as written, and takes them as a string', () => {
    const text = seedInputsText;
    const written = (2n ** 64n - 1000n).toString(); // a seed PyTorch takes (also seed + 100 + t) that a double cannot hold
    const asNumber = text.replace(/"seed":\s*\d+/, `"seed": ${written}`);
    assert.notEqual(asNumber, text);
    assert.throws(
      () => parseInputsText(asNumber, 'in.json'),
      (e: Error) => {
        assert.ok(e.message.startsWith('seed: '), e.message);
        assert.ok(e.message.includes(`"${written}"`), `suggests the digits as written: ${e.message}`);
        assert.ok(!e.message.includes(`"${BigInt(Number(written))}"`), `suggests a rounded seed: ${e.message}`);
        return true;
      }
    );
    const asString = text.replace(/"seed":\s*\d+/, `"seed": "${written}"`);
    assert.equal(parseInputsText(asString, 'in.json').inputs.seed, BigInt(written));
    // out of PyTorch's range whatever the digits: that is the message
    assert.throws(
      () => parseInputsText(text.replace(/"seed":\s*\d+/, '"seed": -9223372036854775809'), 'in.json'),
      /^Error: seed: -9223372036854775809 is out of range/
    );
  });

  it('never throws anything but a one-line Error on arbitrary JSON values (property)', () => {
    const anyInputs = fc.record(
      {
        w_model: fc.oneof(fc.jsonValue(), fc.constant(exampleJson.w_model), fc.string()),
        shape: fc.oneof(fc.jsonValue(), fc.array(fc.double(), { maxLength: 3 }), fc.constant([4, 2])),
        betas: fc.oneof(fc.jsonValue(), fc.array(fc.double({ min: -1, max: 2 }), { maxLength: 6 }), fc.string()),
        alpha_bar: fc.oneof(fc.jsonValue(), fc.array(fc.double({ min: -1, max: 2 }), { maxLength: 6 })),
        seed: fc.oneof(fc.jsonValue(), fc.bigInt().map(String), fc.integer())
      },
      { requiredKeys: [] }
    );
    fc.assert(
      fc.property(anyInputs, (json) => {
        try {
          readInputs(json);
        } catch (e) {
          assert.ok(e instanceof Error);
          assert.ok(!e.message.includes('\n'), e.message);
          assert.match(e.message, /^(inputs|w_model|shape|betas|alpha_bar|seed): /);
        }
      }),
      { numRuns: 500 }
    );
  });
});
