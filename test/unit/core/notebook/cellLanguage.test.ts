// The notebook cell language: parser, PyTorch semantics of every helper and
// operator (fixtures from real PyTorch: scripts/fixtures/notebook.py), the sampler and compare() flow,
// errors that point at line and column, and robustness on garbage.
import { strict as assert } from 'node:assert';
import { ROOT } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { CellError, parseCell } from '../../../../src/core/notebook/cellLanguage/ast';
import {
  CellSession,
  executeCell,
  HELPERS,
  interpretCellsInputs,
  interpretInputs,
  runCellSync,
  type CellDefaults,
  type CellOutput
} from '../../../../src/core/notebook/cellLanguage/interpreter';
import { parseInputsText } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { RNG_PROFILES, type RngProfile } from '../../../../src/core/types';
import { f32Bits } from '../../helpers/bits';
import { bitsToFloat32 } from '../../../../src/core/float32';
import { formatFloat32Shortest } from '../../../../src/core/tensors/printTensor';
import { seedInputsText, seedExpected } from '../../helpers/seedExample';
import { cellError, directHost, fixtureResult, runCell as run } from '../../helpers/cellLanguage';
import { verdicts } from '../../helpers/compareFixtures';

const root = ROOT;
const fixture = JSON.parse(readFileSync(path.join(root, 'test/fixtures/notebook/cell_language.json'), 'utf8')) as {
  setup: string;
  cases: { cell: string; python: string; results: Record<string, FixtureResult> }[];
};
type FixtureResult =
  | { kind: 'tensor'; dtype: 'float32'; shape: number[]; bits: number[]; repr: string }
  | { kind: 'tensor'; dtype: 'float64'; shape: number[]; values: number[] }
  | { kind: 'python'; repr: string };

const defaults = (profile: RngProfile = 'avx2-fma'): CellDefaults => ({ profile, record: { kind: 'all' } });

// the seed example as cells, the way the bundled notebook writes it
const SEED_CELLS = [
  'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42',
  'betas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)'
];

describe('cell language: parser', () => {
  it("long string literals and pasted prints keep every character, wherever one falls at the parser's 4096-character runs", () => {
    const valueOf = (cell: string) => (parseCell(cell)[0] as { value: { value?: string; inner?: string } }).value;
    for (const at of [4095, 4096, 4097, 8191, 8192]) {
      const a = 'a'.repeat(at);
      const tail = 'c'.repeat(4096);
      // as Python reads them: the escape \n is a line break, a CRLF in the source one line break, quotes kept
      assert.equal(
        valueOf(`x = """${a}\\n${'b'.repeat(5000)}\r\n'"${tail}"""`).value,
        `${a}\n${'b'.repeat(5000)}\n'"${tail}`
      );
      assert.equal(valueOf(`x = '''${a}"\r\n${tail}'''`).value, `${a}"\n${tail}`);
      assert.equal(valueOf(`x = "${a}\\t'${tail}"`).value, `${a}\t'${tail}`);
      assert.equal(valueOf(`x = '${a}\\x41"${tail}'`).value, `${a}A"${tail}`);
      // a pasted print: its text between the parentheses, comments and nested parentheses included
      const inner = `[${'1.0, '.repeat(at / 5)}(2.0), # note (\n ${tail}]`;
      assert.equal(valueOf(`x = tensor(${inner})`).inner, inner);
    }
  });

  it('a character no message can show is named by its code point, as Python names it', () => {
    // Python 3.11: "SyntaxError: invalid non-printable character U+00A0" for each of these
    for (const [cell, code, column] of [
      ['seed\u00a0= 8', 'U+00A0', 5], // a non-breaking space, as pasted from a web page or a chat
      ['\ufeffseed = 8', 'U+FEFF', 1], // a byte order mark
      ['seed = \u200b8', 'U+200B', 8] // a zero-width space
    ] as const)
      assert.match(
        cellError(() => run(new CellSession(), cell)).message,
        new RegExp(`^line 1, column ${column}: invalid non-printable character ${code.replace('+', '\\+')} \\(`)
      );
  });

  it('syntax errors name the line and column of the offending character and what was expected', () => {
    const cases: { cell: string; at: string; line: number }[] = [
      { cell: 'betas = linspace(1e-4, 0.02, 4)\nx = $', at: '$', line: 2 },
      { cell: 'a = 1\n\nb = (1 + 2', at: '', line: 3 },
      { cell: 'w = [[1, 2],\n     [3 4]]', at: '4', line: 2 },
      { cell: 'sample(seed=)', at: ')', line: 1 }
    ];
    for (const c of cases) {
      const e = cellError(() => run(new CellSession(), c.cell));
      assert.equal(e.kind, 'SyntaxError');
      const lineText = c.cell.split('\n')[c.line - 1];
      const column = c.at ? lineText.indexOf(c.at) + 1 : lineText.length + 1;
      assert.deepEqual([e.loc?.line, e.loc?.column], [c.line, column], c.cell);
      assert.match(e.message, new RegExp(`^line ${c.line}, column ${column}: (?:\\w+: )?expected .+, found `));
      assert.ok(!e.message.includes('\n'), 'one line');
    }
  });

  it('comments, blank lines, semicolons, line continuations and multi-line brackets', () => {
    const s = new CellSession();
    const out = run(s, '# inputs\n\na = 1; b = 2  # two\nc = [a,\n     b,\n]\nd = a + \\\n  b\nd');
    assert.deepEqual(out, [{ kind: 'text', text: '3' }]);
    assert.equal(s.vars.get('c')?.kind, 'list');
  });

  it('never crashes on garbage: every failure is a one-line CellError', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abc_=+-*/()[],.;:#\n "\'0123456789e'.split('')), maxLength: 40 }),
        (text) => {
          try {
            runCellSync(new CellSession(), text, 'ddpm', defaults(), () => {
              throw new Error('no runs here');
            });
          } catch (e) {
            assert.ok(e instanceof CellError, `not a CellError for ${JSON.stringify(text)}: ${String(e)}`);
            assert.ok(!e.message.includes('\n'));
          }
        }
      ),
      { numRuns: 500 }
    );
  });
});

describe('cell language: editor support', () => {
  it('the manifest contributes the ddpm language with its grammar, which highlights every helper and every documented one', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    const lang = manifest.contributes.languages.find((l: { id: string }) => l.id === 'ddpm');
    assert.ok(lang, 'language ddpm contributed');
    JSON.parse(readFileSync(path.join(root, lang.configuration), 'utf8'));
    const grammar = manifest.contributes.grammars.find((g: { language: string }) => g.language === 'ddpm');
    const tm = readFileSync(path.join(root, grammar.path), 'utf8');
    assert.equal(JSON.parse(tm).scopeName, grammar.scopeName);
    const docs = readFileSync(path.join(root, 'README.md'), 'utf8'); // the language is documented in README's "DDPM notebooks" section
    for (const h of HELPERS) {
      assert.ok(tm.includes(h), `${h} highlighted`);
      assert.ok(docs.includes(`\`${h}(`), `${h} documented`);
    }
  });
});

describe('cell language: values as PyTorch computes and prints them (fixtures from PyTorch)', () => {
  for (const profile of ['avx2-fma', 'scalar'] as RngProfile[]) {
    for (const c of fixture.cases) {
      it(`${profile}: ${c.cell.split('\n')[0]}`, () => {
        const expected = c.results[profile];
        const { session: s, result: v } = fixtureResult(fixture.setup, c.cell, profile);
        assert.ok(v);
        if (expected.kind === 'python') {
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
          return;
        }
        assert.equal(v.kind, 'tensor');
        if (v.kind !== 'tensor') return;
        assert.equal(v.dtype, expected.dtype);
        assert.deepEqual(v.shape, expected.shape);
        if (expected.dtype === 'float32') {
          assert.deepEqual(f32Bits(v.data as Float32Array), expected.bits);
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
        } else {
          assert.deepEqual(Array.from(v.data), expected.values);
        }
      });
    }
  }
});

describe('cell language: sample() and compare()', () => {
  it('the seed cells + sample() print what PyTorch printed, bit for bit', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) assert.deepEqual(run(s, cell), []);
    const [out] = run(s, 'sample()');
    assert.equal(out.kind, 'run');
    if (out.kind !== 'run') return;
    assert.equal(out.text, seedExpected.printed);
    assert.deepEqual(f32Bits(out.run.sample.data), seedExpected.bits);
  });

  it('the seed cells define exactly the inputs of media/examples/seed.inputs.json', () => {
    const fromCells = interpretInputs(SEED_CELLS.join('\n'), 'cells');
    const fromJson = parseInputsText(seedInputsText, 'seed.inputs.json').inputs;
    assert.ok(fromCells);
    assert.deepEqual(f32Bits(fromCells.inputs.wModel.data), f32Bits(fromJson.wModel.data));
    assert.deepEqual(f32Bits(fromCells.inputs.betas), f32Bits(fromJson.betas));
    assert.deepEqual(f32Bits(fromCells.inputs.alphaBar), f32Bits(fromJson.alphaBar));
    assert.equal(fromCells.inputs.seed, fromJson.seed);
    assert.deepEqual([fromCells.inputs.n, fromCells.inputs.d], [fromJson.n, fromJson.d]);
  });

  it('a JSON cell with the five inputs runs as sample() of them and sets the variables', () => {
    const s = new CellSession();
    const [out] = runCellSync(s, seedInputsText, 'json', defaults(), directHost);
    assert.equal(out.kind === 'run' && out.text, seedExpected.printed);
    assert.equal(s.vars.get('seed')?.kind, 'int');
    // the variables it set drive a later sample() too
    const [again] = run(s, 'sample()');
    assert.equal(again.kind === 'run' && again.text, seedExpected.printed);
  });

  it("a DDPM cell of `#` comment lines and then the JSON runs as the JSON; its positions stay the cell's", () => {
    const s = new CellSession();
    const [out] = run(s, `# inputs written by my script\n\n  # seed 42\n${seedInputsText}`);
    assert.equal(out.kind === 'run' && out.text, seedExpected.printed);
    // a cell with Windows line ends
    const [crlf] = run(new CellSession(), `\r\n# inputs\r\n\r\n${seedInputsText.replace(/\n/g, '\r\n')}`);
    assert.equal(crlf.kind === 'run' && crlf.text, seedExpected.printed);
    assert.equal(
      cellError(() => run(new CellSession(), '# my inputs\n{seed: 42}')).message,
      `cell: invalid JSON at line 2, column 2: Expected property name or '}' (a cell that starts with "{" is read as one JSON object of the five inputs; dict and set literals are not supported: assign each input on a line of its own)`
    );
  });

  it('an input given as a string is read as a pasted print; its message places the mistake in the string', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    assert.equal(
      cellError(() => run(s, 'shape = "4, 2"\nsample()')).message,
      'line 2, column 1: sample(): shape: in its string "4, 2", line 1, column 2: expected end of input, found ","'
    );
    // a list's message keeps its own place (there is no string)
    assert.match(
      cellError(() => run(s, 'shape = [4, 2, 1]\nsample()')).message,
      /^line 2, column 1: sample\(\): shape\b(?!: in its string)/
    );
  });

  it('a DDPM cell holding a Python dict or set is read as JSON, and told that dict and set literals are not supported', () => {
    const hint =
      ' (a cell that starts with "{" is read as one JSON object of the five inputs; dict and set literals are not supported: assign each input on a line of its own)';
    assert.equal(
      cellError(() => run(new CellSession(), "{'seed': 42}")).message,
      `cell: invalid JSON at line 1, column 2: Expected property name or '}'${hint}`
    );
    assert.ok(cellError(() => run(new CellSession(), '{"seed": True}')).message.endsWith(hint));
    // a set, or a dict whose first key is a name or a number: JSON wants a quoted key there
    for (const [literal, column] of [
      ['{1, 2}', 2],
      [' {seed}', 3],
      ['{seed: 42}', 2],
      ['{-0.5, 1e-3}', 2],
      ['{ 42 }', 3],
      ['{x.y: 1}', 2]
    ] as const)
      assert.equal(
        cellError(() => run(new CellSession(), literal)).message,
        `cell: invalid JSON at line 1, column ${column}: Expected property name or '}'${hint}`,
        literal
      );
    // JSON that ends too early, or holds an apostrophe or the word None in a string, is no dict: no hint; nor in a
    // cell of language json
    for (const broken of [
      '{"seed": 42',
      '{"seed": 42, "note": "Bob\'s run",}',
      '{"shape": [4 2], "x": "None"}',
      '{"seed": 42} {1, 2}'
    ])
      assert.ok(!cellError(() => run(new CellSession(), broken)).message.includes('dict'), broken);
    const json = cellError(() => runCellSync(new CellSession(), "{'seed': 42}", 'json', defaults(), directHost));
    assert.ok(json.message.startsWith('cell: invalid JSON') && !json.message.includes('dict'), json.message);
  });

  it('a dtype the language does not have is refused by name, pasted or in code', () => {
    const s = new CellSession();
    run(s, 'betas = linspace(1e-4, 0.02, 4)');
    for (const [cell, dtype] of [
      ['x16 = tensor([0.4100, 1.0000], dtype=torch.float16)', 'float16'],
      ['xb = tensor([0.4100, 1.0000], dtype=torch.bfloat16)', 'bfloat16'],
      ['xi = tensor(betas, dtype=torch.int64)', 'int64'],
      ['xl = tensor([0.5, 1.5], dtype=torch.int64)', 'int64'],
      ['xo = tensor([0.5], dtype=torch.bool)', 'bool'],
      // PyTorch's own prints, with what follows the dtype
      ['xr = tensor([0.4099, 1.0000], dtype=torch.float16, requires_grad=True)', 'float16'],
      ['xg = tensor([0.4102, 1.0000], dtype=torch.bfloat16, grad_fn=<MulBackward0>)', 'bfloat16']
    ]) {
      const e = cellError(() => run(s, cell));
      assert.equal(
        e.detail,
        `${cell.split(' ')[0]}: dtype=torch.${dtype} is not supported (the language has float32 and float64 tensors)`
      );
    }
    assert.equal(
      cellError(() => run(s, 'xi = tensor([1, 2], dtype=int)')).detail,
      'xi: dtype=int is not supported (the language has float32 and float64 tensors)'
    );
  });

  it("compare() of a list literal with names or expressions in it compares its values (PyTorch's sample, bit for bit)", () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    run(s, 'sample()');
    const values = seedExpected.bits.map((b) => formatFloat32Shortest(bitsToFloat32(b)));
    const rows = [0, 1, 2, 3].map((i) => values.slice(2 * i, 2 * i + 2));
    run(s, `a = ${rows[0][0]}`);
    for (const first of ['a', 'a * 1']) {
      const text = `[${rows.map((r, i) => `[${i === 0 ? first : r[0]}, ${r[1]}]`).join(', ')}]`;
      const [ok] = run(s, `compare(${text})`);
      assert.equal(ok.kind, 'run', text);
      if (ok.kind !== 'run') return;
      assert.equal(ok.run.comparison?.matches, true, ok.text);
      assert.equal(ok.run.comparison?.bitwiseEqual, true, ok.text);
    }
  });

  it("compare(expected) with PyTorch's print matches; an altered value is reported at its index", () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    run(s, 'sample()');
    const [ok] = run(s, `expected = ${seedExpected.printed}\ncompare(expected)`);
    assert.equal(ok.kind, 'run');
    if (ok.kind !== 'run') return;
    assert.equal(ok.run.comparison?.matches, true);
    assert.equal(ok.text, ok.run.comparison?.summary);
    // alter the element at row 2, column 1 of the paste
    const lines = seedExpected.printed.split('\n');
    const row = lines[2];
    const last = row.lastIndexOf(row.includes('-0') ? '-0' : '0');
    const altered = [
      ...lines.slice(0, 2),
      row.slice(0, last) +
        (row.slice(last).startsWith('-') ? row.slice(last).replace('-0', '-1') : row.slice(last).replace('0', '1')),
      ...lines.slice(3)
    ].join('\n');
    const [bad] = run(s, `compare(${altered})`);
    assert.ok(bad.kind === 'run' && bad.run.comparison);
    if (bad.kind !== 'run' || !bad.run.comparison) return;
    assert.equal(bad.run.comparison.matches, false);
    assert.equal(bad.run.comparison.mismatched, 1);
    assert.deepEqual(bad.run.comparison.greatestAbs?.index, [2, 1]);
  });

  it('sample(matmul=...) runs with that matmul profile (routing; the profiles themselves: matmul.test.ts)', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    const direct = parseInputsText(seedInputsText, 'seed').inputs;
    for (const m of ['reference', 'openblas-haswell'] as const) {
      const [out] = run(s, `sample(matmul="${m}", record="none")`);
      assert.ok(out.kind === 'run');
      if (out.kind !== 'run') return;
      assert.equal(out.run.inputs.matmul, m);
      assert.deepEqual(
        f32Bits(out.run.sample.data),
        f32Bits(runSampler(direct, { matmul: m, record: { kind: 'none' } }).sample.data)
      );
    }
    assert.match(
      cellError(() => run(s, 'sample(matmul="mkl")')).message,
      /sample\(\): matmul: expected one of "reference", "openblas-haswell", got 'mkl'$/
    );
  });

  it('compare("""...""") takes a multi-line NumPy print pasted as it is, as the CLI does', () => {
    const numpy = JSON.parse(readFileSync(path.join(root, 'test/fixtures/compare/numpy_pastes.json'), 'utf8')) as {
      cases: { inputs: unknown; pastes: { name: string; text: string; verdict: string }[] }[];
    };
    const [c] = numpy.cases;
    const pastes = c.pastes.filter((p) => p.text.includes('\n'));
    assert.ok(pastes.some((p) => p.verdict === 'match') && pastes.some((p) => p.verdict === 'mismatch'));
    for (const p of pastes) {
      const s = new CellSession();
      run(s, JSON.stringify(c.inputs));
      for (const quote of ['"""', "'''"]) {
        const [out] = run(s, `compare(${quote}${p.text}${quote})`);
        assert.ok(out.kind === 'run' && out.run.comparison, p.name);
        assert.equal(out.run.comparison.matches, p.verdict === 'match', `${p.name}: ${out.run.comparison.summary}`);
      }
    }
    assert.match(cellError(() => run(new CellSession(), 'x = """[[1.0]]')).message, /unterminated string literal/);
  });

  it('the matmul profile of the settings: sample() and a JSON cell run with it alike', () => {
    const withMatmul: CellDefaults = { profile: 'avx2-fma', matmul: 'openblas-haswell', record: { kind: 'none' } };
    for (const cells of [SEED_CELLS.concat('sample()'), [seedInputsText]]) {
      const s = new CellSession();
      let out: CellOutput[] = [];
      for (const cell of cells)
        out = runCellSync(s, cell, cell.startsWith('{') ? 'json' : 'ddpm', withMatmul, directHost);
      const [o] = out;
      assert.ok(o?.kind === 'run', cells.at(-1));
      assert.equal(o.run.inputs.matmul, 'openblas-haswell', cells.at(-1));
    }
  });

  it('sample() overrides: seed=, profile= (every profile), record=', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    for (const p of RNG_PROFILES) {
      const [out] = run(s, `sample(seed=7, profile="${p}", record="none")`);
      assert.ok(out.kind === 'run');
      if (out.kind !== 'run') return;
      const direct = parseInputsText(seedInputsText, 'seed').inputs;
      const expected = runSampler({ ...direct, seed: 7n }, { profile: p, record: { kind: 'none' } });
      assert.deepEqual(f32Bits(out.run.sample.data), f32Bits(expected.sample.data));
      assert.equal(out.run.inputs.profile, p);
      assert.equal(out.run.trajectory.steps.length, 0);
    }
    assert.match(
      cellError(() => run(s, 'sample(profile="avx512")')).message,
      /^line 1, column 16: sample\(\): profile: expected one of "avx2-fma", "avx2", "scalar", got 'avx512'$/
    );
    assert.match(cellError(() => run(s, 'sample(7)')).message, /keyword arguments only/);
    assert.match(cellError(() => run(s, 'sample(sed=7)')).message, /unexpected keyword argument 'sed'/);
  });

  describe("a float64 schedule made from the decimals the cells write (PyTorch's torch.tensor(decimals, dtype=torch.float64))", () => {
    const w = verdicts.writtenFloat64;
    const file = JSON.parse(w.inputsText) as {
      w_model: number[][];
      shape: number[];
      betas: number[];
      alpha_bar: number[];
      seed: number;
    };
    const head = `w_model = ${JSON.stringify(file.w_model)}\nshape = ${JSON.stringify(file.shape)}\nseed = ${file.seed}`;
    const diagnosed = (cells: string[]): string[] => {
      const s = new CellSession();
      for (const cell of cells) run(s, cell);
      const [out] = run(s, `compare(${w.pastes[0].text})`);
      assert.ok(out.kind === 'run' && out.run.comparison, 'a comparison');
      if (out.kind !== 'run' || !out.run.comparison) return [];
      assert.equal(out.run.comparison.matches, false, out.run.comparison.summary);
      return (out.run.comparison.diagnosis ?? []).map((d) => d.id);
    };
    for (const [kind, schedule] of [
      ['lists of decimals', `betas = ${JSON.stringify(file.betas)}\nalpha_bar = ${JSON.stringify(file.alpha_bar)}`],
      [
        'float64 tensors',
        `betas = tensor(${JSON.stringify(file.betas)}, dtype=torch.float64)\nalpha_bar = tensor(${JSON.stringify(file.alpha_bar)}, dtype=torch.float64)`
      ]
    ])
      it(`${kind}: the diagnosis names schedule-float64, as cli compare does for the inputs file`, () =>
        assert.ok(diagnosed([head, schedule, 'sample()']).includes('schedule-float64')));
    it('the inputs file pasted as a cell: the same', () =>
      assert.ok(diagnosed([w.inputsText]).includes('schedule-float64')));
    it('float32 tensors of the same decimals: not found (the float32 values are not what PyTorch held)', () => {
      const f32 = `betas = tensor(${JSON.stringify(file.betas)})\nalpha_bar = tensor(${JSON.stringify(file.alpha_bar)})`;
      assert.ok(!diagnosed([head, f32, 'sample()']).includes('schedule-float64'));
    });
  });

  it('compare(sample(seed=7)) compares that run with the run before the call, never a run with itself', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    run(s, 'r = sample()');
    const [out] = run(s, 'compare(sample(seed=7))');
    assert.ok(out.kind === 'run' && out.run.comparison, 'a comparison');
    if (out.kind !== 'run' || !out.run.comparison) return;
    assert.equal(out.run.comparison.matches, false, out.run.comparison.summary);
    assert.equal(out.run.inputs.seed, '42', 'the run compared is the one before the call');
    const fresh = new CellSession();
    for (const cell of SEED_CELLS) run(fresh, cell);
    assert.match(
      cellError(() => run(fresh, 'compare(sample(seed=7))')).message,
      /compare\(\): no run to compare with: the sample\(\) in its arguments is what is compared/
    );
  });

  it('compare() with rtol but no atol (or atol but no rtol) is refused, as torch.testing.assert_close refuses it', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    run(s, 'r = sample()');
    assert.match(
      cellError(() => run(s, 'compare(tensor([[1.0, 2.0]]), rtol=1e-3)')).message,
      /compare\(\): rtol and atol must be given together or not at all, as in torch\.testing\.assert_close; got no atol$/
    );
    assert.match(cellError(() => run(s, 'compare(tensor([[1.0, 2.0]]), atol=1e-3)')).message, /got no rtol$/);
  });

  it('errors name the field: bad inputs, unknown names, missing variables; earlier statements keep their effect', () => {
    const s = new CellSession();
    const e1 = cellError(() => run(s, 'shape = [4, 2]\nsample()'));
    assert.match(e1.message, /^line 2, column 1: sample\(\): w_model is not set/);
    assert.equal(s.vars.get('shape')?.kind, 'list', 'the assignment before the failing line stays');
    for (const cell of SEED_CELLS) run(s, cell);
    const e2 = cellError(() => run(s, 'w_model = [[1, 2]]\nsample()'));
    assert.match(e2.message, /^line 2, column 1: sample\(\): w_model: expected shape \(3, 2\)/);
    assert.match(cellError(() => run(s, 'x = betaz + 1')).message, /^line 1, column 5: name 'betaz' is not defined$/);
    // the user's text echoed in a message is cut: a name, a token or a value thousands of characters long
    assert.equal(
      cellError(() => run(s, `x = ${'a'.repeat(10000)}`)).message,
      `line 1, column 5: name '${'a'.repeat(40)}...' is not defined`
    );
    assert.equal(
      cellError(() => run(s, `x = 1 ${'9'.repeat(10000)}`)).message,
      `line 1, column 7: expected end of statement, found "${'9'.repeat(40)}..."`
    );
    assert.match(
      cellError(() => run(s, `sample(record=[${'1.5, '.repeat(10000)}1])`)).message,
      /^line 1, column 15: sample\(\): record: expected "all", "every" or "none", got \[1\.5, (1\.5, ){14}1\.5,\.\.\.$/
    );
    assert.match(cellError(() => run(s, 'x = cumprod(1 - tensor([[1, 2], [3]]))')).message, /ragged/);
    // the helpers run on the kernel's thread: a size beyond what a run can use is refused at once, naming it
    assert.match(
      cellError(() => run(s, 'b = linear_schedule(5 * 10**8)')).message,
      /^line 1, column 23: linear_schedule\(\): T = 500000000 exceeds the limit of 1000000 steps \(the sampler's\)$/
    );
    assert.match(cellError(() => run(s, 'cosine_schedule(1000001)')).message, /T = 1000001 exceeds the limit/);
    assert.match(
      cellError(() => run(s, 'linspace(0, 1, 10**10)')).message,
      /^line 1, column 18: linspace\(\): steps = 10000000000 exceeds the limit of 33554432 values/
    );
    assert.match(
      cellError(() => run(s, 'linspace(0, 1, 2.5)')).message,
      /^line 1, column 16: linspace\(\): steps: expected an integer, got float$/
    );
    assert.match(
      cellError(() => run(new CellSession(), 'compare(tensor([1.0]))')).message,
      /no run to compare with yet/
    );
    // a pasted print with a typo points inside the paste
    const e3 = cellError(() => run(s, 'x = tensor([[ 0.1200, -0.3000],\n        [ 0.0500  0.4100]])'));
    assert.deepEqual([e3.loc?.line, e3.loc?.column], [2, '        [ 0.0500  0.4100]])'.indexOf('0.4100') + 1]);
    // the session still works after failures
    const [out] = run(s, 'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nsample()');
    assert.equal(out.kind === 'run' && out.text, seedExpected.printed);
  });

  it('a summarised paste (...) is refused as an input but compared as far as it goes', () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    run(s, 'sample()');
    const lines = seedExpected.printed.split('\n');
    const summarised = `${lines[0]}\n        ...,\n${lines[lines.length - 1]}`;
    const [out] = run(s, `compare(${summarised})`);
    assert.ok(out.kind === 'run' && out.run.comparison?.matches, `${summarised}`);
    assert.match(cellError(() => run(s, `sample(w_model=tensor([[1.0, 2.0], ..., [3.0, 4.0]]))`)).message, /w_model/);
    run(s, `partial = ${summarised}`);
    assert.deepEqual(run(s, 'partial'), [{ kind: 'text', text: summarised }], 'shown as pasted');
    assert.match(
      cellError(() => run(s, 'partial * 2')).message,
      /^line 1, column 9: a summarised paste \(with \.\.\.\) lacks values/
    );
    assert.match(cellError(() => run(s, 'cumprod([1, ..., 2])')).message, /lacks values/);
  });

  it("executeCell (the kernel's async driver) locates host failures and lets aborts through", async () => {
    const s = new CellSession();
    for (const cell of SEED_CELLS) run(s, cell);
    await assert.rejects(
      executeCell(s, 'x = 1\nsample()', 'ddpm', defaults(), async () => {
        throw new Error('worker died');
      }),
      (e: unknown) => e instanceof CellError && e.message === 'line 2, column 1: sample(): worker died'
    );
    // pytorch()'s failures are named pytorch() (they were named compare())
    await assert.rejects(
      executeCell(s, 'pytorch()', 'ddpm', defaults(), async () => {
        throw new Error('/nonexistent/python3: no such interpreter');
      }),
      (e: unknown) =>
        e instanceof CellError && e.message === 'line 1, column 1: pytorch(): /nonexistent/python3: no such interpreter'
    );
    const abort = new Error('run cancelled');
    abort.name = 'AbortError';
    await assert.rejects(
      executeCell(s, 'sample()', 'ddpm', defaults(), async () => {
        throw abort;
      }),
      (e: unknown) => e === abort
    );
    const outputs = await executeCell(s, 'sample()', 'ddpm', defaults(), async (req) => directHost(req));
    assert.equal(outputs[0].kind === 'run' && outputs[0].text, seedExpected.printed);
  });

  it('interpretInputs: the first sample() call decides (with its overrides); null without inputs', () => {
    assert.equal(interpretInputs('x = 1\ny = [1, 2]', 'editor'), null);
    const r = interpretInputs(`${SEED_CELLS.join('\n')}\nsample(seed=9, profile="scalar")`, 'editor');
    assert.equal(r?.inputs.seed, 9n);
    assert.equal(r?.profile, 'scalar');
    assert.throws(() => interpretInputs('w_model = [[1, 2]]', 'editor'), /^Error: shape is not set: assign it$/);
  });

  it('interpretCellsInputs: the cells above the last run first (their sample() calls skipped), the last decides', () => {
    const cells = (...sources: string[]) => sources.map((source, index) => ({ source, language: 'ddpm', index }));
    const fromJson = parseInputsText(seedInputsText, 'seed.inputs.json').inputs;
    // the example notebook's sample() cell, with its input cells above: the example's inputs
    const r = interpretCellsInputs(cells(...SEED_CELLS, 'sample()'));
    assert.ok(r);
    assert.deepEqual(f32Bits(r.inputs.betas), f32Bits(fromJson.betas));
    assert.deepEqual([r.inputs.n, r.inputs.d, r.inputs.seed], [fromJson.n, fromJson.d, fromJson.seed]);
    // a sample() above is skipped, not run, and the statements after it in that cell still run; the last cell's
    // first sample() decides, with its overrides; without one, the variables all the cells define
    const skipped = cells(SEED_CELLS[0], `${SEED_CELLS[1]}\nsample()\nseed = 5`);
    assert.deepEqual(
      [
        interpretCellsInputs([...skipped, ...cells('sample(seed=9)')])?.inputs.seed,
        interpretCellsInputs([...skipped, ...cells('x = 1')])?.inputs.seed
      ],
      [9n, 5n]
    );
    // a JSON cell above defines its five inputs
    const json = [
      { source: seedInputsText, language: 'json', index: 0 },
      { source: 'sample(seed=3)', language: 'ddpm', index: 1 }
    ];
    assert.equal(interpretCellsInputs(json)?.inputs.seed, 3n);
    // messages name the cell (its index in the notebook, from 1) and the line in it
    assert.throws(
      () =>
        interpretCellsInputs([
          { source: 'seed = 1\nbetas = [0.1,', language: 'ddpm', index: 2 },
          { source: 'sample()', language: 'ddpm', index: 4 }
        ]),
      /^Error: cell 3: line 2, column /
    );
    assert.throws(
      () => interpretCellsInputs(cells(SEED_CELLS[0], 'sample()')),
      /^Error: cell 2: line 1, column 1: sample\(\): betas is not set/
    );
    assert.equal(interpretCellsInputs(cells('x = 1', 'y = 2')), null);
    assert.equal(interpretCellsInputs([]), null);
  });

  it('interpretCellsInputs: what a passed-over call would have given is not missed (a review found these refused)', () => {
    const cells = (...sources: string[]) => sources.map((source, index) => ({ source, language: 'ddpm', index }));
    const seedOf = (...sources: string[]) => interpretCellsInputs(cells(...sources))?.inputs.seed;
    const expected = `expected = ${JSON.stringify(seedExpected.printed)}`;
    // the example notebook with a cell after its compare(expected): compare() found no run (its sample() passed over)
    assert.equal(seedOf(...SEED_CELLS, 'sample()', `${expected}\ncompare(expected)`, 'sample(seed=7)'), 7n);
    // the compare cell itself: the variables
    assert.equal(seedOf(...SEED_CELLS, 'sample()', `${expected}\ncompare(expected)`), 42n);
    // a run kept in a variable and used below
    assert.equal(seedOf(...SEED_CELLS, 'r = sample()', 'x = r', 'sample(seed=8)'), 8n);
    // pytorch(...) of the last cell runs its inputs: they are taken, with its arguments
    assert.equal(seedOf(...SEED_CELLS, 'pytorch(seed=9)'), 9n);
    // still an error: a statement that fails before any call was passed over, and one that assigns an input
    assert.throws(() => seedOf('x = nope', ...SEED_CELLS, 'sample()'), /^Error: cell 1: line 1, column 5: name 'nope'/);
    assert.throws(
      () => seedOf(...SEED_CELLS, 'sample()', 'seed = nope', 'sample()'),
      /^Error: cell 4: line 1, column 8: name 'nope'/
    );
    // a JSON cell's message says "cell" once
    assert.throws(
      () => interpretCellsInputs([{ source: '{"seed": 1,}', language: 'json', index: 1 }]),
      /^Error: cell 2: invalid JSON/
    );
  });

  it("interpretInputs: a sample(matmul=...) call's profile and the schedule as written, for the palette's run", () => {
    const file = JSON.parse(seedInputsText) as { betas: number[]; alpha_bar: number[] };
    const cells = `w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42
betas = ${JSON.stringify(file.betas)}\nalpha_bar = ${JSON.stringify(file.alpha_bar)}`;
    const written = { betas: file.betas, alphaBar: file.alpha_bar };
    const called = interpretInputs(`${cells}\nsample(matmul="openblas-haswell")`, 'editor');
    assert.equal(called?.matmul, 'openblas-haswell');
    assert.deepEqual(called?.writtenSchedule, written);
    // assignments alone: the schedule as written too; float32 values (linspace) have none
    assert.deepEqual(interpretInputs(cells, 'editor')?.writtenSchedule, written);
    assert.equal(interpretInputs(SEED_CELLS.join('\n'), 'editor')?.writtenSchedule, undefined);
  });
});
