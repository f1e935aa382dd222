// The cell language's `**` and indexing against PyTorch and Python (scripts/fixtures/notebook.py writes
// test/fixtures/notebook/cell_operators.json), the errors for what the language does not have, and syntax errors
// that name the variable and the whole token.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CellSession } from '../../../../src/core/notebook/cellLanguage/interpreter';
import { innerLoop } from '../../../../src/core/notebook/cellLanguage/power';
import type { TensorValue } from '../../../../src/core/notebook/cellLanguage/values';
import type { CellError } from '../../../../src/core/notebook/cellLanguage/ast';
import type { RngProfile } from '../../../../src/core/types';
import { FIXTURES, ROOT } from '../../helpers/paths';
import { f32Bits } from '../../helpers/bits';
import { cellError, fixtureResult, runCell as run } from '../../helpers/cellLanguage';
import { seedExpected } from '../../helpers/seedExample';

type FixtureResult =
  | { kind: 'tensor'; dtype: 'float32'; shape: number[]; bits: number[]; repr: string }
  | { kind: 'tensor'; dtype: 'float64'; shape: number[]; values: (number | 'nan' | 'inf' | '-inf')[]; repr: string }
  | { kind: 'python'; repr: string };
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'notebook/cell_operators.json'), 'utf8')) as {
  setup: string;
  cases: { cell: string; python: string; results: Record<string, FixtureResult> }[];
  errors: { cell: string; python: string; error: { type: string; message: string } }[];
  /** `seed = <value>` that torch.Generator().manual_seed refuses, with its exception */
  seedErrors: { value: string; error: { type: string; message: string } }[];
  /** cell text Python refuses to compile, with its SyntaxError */
  syntaxErrors: { cell: string; error: { type: string; message: string } }[];
  /** typographic stand-ins for ASCII characters (`1 − 2`), with Python's SyntaxError naming the character */
  lookAlikes: { cell: string; error: { type: string; message: string } }[];
  /** string literals and the str Python reads from each */
  strings: { cell: string; value: string }[];
  /** strings and Python's repr of each (what a cell ending in the string shows) */
  stringReprs: { cell: string; repr: string }[];
  /** string literals Python refuses, with its SyntaxError */
  stringErrors: { cell: string; error: { type: string; message: string } }[];
  /** ints around Python's limit of digits written as text: repr's length, or Python's ValueError */
  intReprs: { cell: string; length?: number; error?: { type: string; message: string } }[];
  shadowed: { assignment: string; call: string; error: { type: string; message: string } }[];
  shadowedModules: { assignment: string; call: string; error: { type: string; message: string } }[];
  /** cells with an indented statement, and Python's IndentationError (null: Python compiles the cell) */
  indentErrors: { cell: string; error: { type: string; message: string; line: number } | null }[];
  /** dtype strings and NumPy's name of each (numpy.dtype(text).name), or NumPy's error */
  arrayDtypeStrings: { text: string; name: string | null; error?: { type: string; message: string } }[];
  /** `(` * depth + `1` + `)` * depth: what Python says of it */
  nesting: { depth: number; error: { type: string; message: string } };
};

const isNanBits = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;

/** float32 bits compared exactly, except that a nan matches any nan (JavaScript does not keep nan payloads). */
function assertSameBits(ours: number[], expected: number[], what: string): void {
  assert.equal(ours.length, expected.length, `${what}: length`);
  const differ = expected.flatMap((b, i) =>
    (isNanBits(b) ? isNanBits(ours[i]) : ours[i] === b) ? [] : [`[${i}] ${ours[i].toString(16)} != ${b.toString(16)}`]
  );
  assert.deepEqual(differ.slice(0, 5), [], `${what}: ${differ.length} elements differ`);
}

describe('cell language: ** and indexing as PyTorch and Python compute them (fixtures from PyTorch)', () => {
  for (const profile of ['avx2-fma', 'scalar'] as RngProfile[]) {
    for (const c of fixture.cases) {
      it(`${profile}: ${c.cell}`, () => {
        const expected = c.results[profile];
        const { session: s, result: v } = fixtureResult(fixture.setup, c.cell, profile);
        assert.ok(v);
        if (expected.kind === 'python') {
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
          return;
        }
        assert.equal(v.kind, 'tensor');
        if (v.kind !== 'tensor') return;
        assert.equal(v.dtype, expected.dtype, 'dtype');
        assert.deepEqual(v.shape, expected.shape, 'shape');
        if (expected.dtype === 'float32') {
          assertSameBits(f32Bits(v.data as Float32Array), expected.bits, c.cell);
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
        } else {
          assert.deepEqual(
            Array.from(v.data),
            expected.values.map((x) =>
              typeof x === 'number' ? x : x === 'nan' ? NaN : x === 'inf' ? Infinity : -Infinity
            )
          );
          // shown as PyTorch prints a float64 tensor
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
        }
      });
    }
  }
});

/** The error of `result = call` in a session where x = tensor([0.5, 0.25]) and `assignment` ran (as the fixtures' Python). */
function errorAfter(assignment: string, call: string): CellError {
  const s = new CellSession();
  run(s, 'x = tensor([0.5, 0.25])');
  run(s, assignment);
  return cellError(() => run(s, `result = ${call}`));
}

describe("cell language: a helper's name assigned, then called, is Python's TypeError (fixtures from Python)", () => {
  for (const c of fixture.shadowed) {
    it(`${c.assignment}, then ${c.call}: ${c.error.message}`, () => {
      const e = errorAfter(c.assignment, c.call);
      assert.equal(c.error.type, 'TypeError');
      const name = c.call.slice(0, c.call.indexOf('('));
      assert.equal(
        e.detail,
        `${c.error.message} (${name} is a variable set in a cell, which hides the helper ${name}(): give the variable another name, then reopen the notebook to clear it)`
      );
      assert.deepEqual([e.loc?.line, e.loc?.column], [1, 10]);
    });
  }
});

describe("cell language: a module's name assigned, then a dtype= on it, is Python's error (fixtures from Python)", () => {
  for (const c of fixture.shadowedModules) {
    it(`${c.assignment}, then ${c.call}: ${c.error.message}`, () => {
      const e = errorAfter(c.assignment, c.call);
      assert.ok(['AttributeError', 'TypeError'].includes(c.error.type), c.error.type);
      assert.equal(e.detail, c.error.message);
      assert.equal(e.loc?.line, 1);
    });
  }
});

describe("cell language: an int shown within Python's limit of 4300 digits (fixtures from Python)", () => {
  for (const c of fixture.intReprs) {
    it(`${c.cell}: ${c.error ? c.error.message : `shown, ${c.length} characters`}`, () => {
      if (c.length !== undefined) {
        const [out] = run(new CellSession(), c.cell);
        assert.equal(out.kind === 'text' ? out.text.length : -1, c.length);
        return;
      }
      const e = cellError(() => run(new CellSession(), c.cell));
      // Python's words up to its advice (sys.set_int_max_str_digits, which a cell has no sys for)
      assert.ok(e.detail.startsWith(c.error!.message.split(';')[0]), e.detail);
      assert.equal(e.loc?.line, 1);
    });
  }
});

describe('cell language: indentation as Jupyter takes it: a cell indented alike runs, a statement indented beyond is refused (fixtures from IPython)', () => {
  for (const c of fixture.indentErrors) {
    it(`${JSON.stringify(c.cell)}: ${c.error ? `${c.error.type}: ${c.error.message}` : 'compiles'}`, () => {
      if (!c.error) {
        run(new CellSession(), c.cell);
        return;
      }
      const e = cellError(() => run(new CellSession(), c.cell));
      assert.equal(e.kind, 'SyntaxError');
      assert.equal(e.loc?.line, c.error.line);
      assert.ok(e.detail.startsWith(`${c.error.message}: `), e.detail);
    });
  }
});

describe("cell language: array(..., dtype='...'), a dtype as NumPy reads the string (fixtures from NumPy)", () => {
  for (const d of fixture.arrayDtypeStrings) {
    const kept = d.name === 'float32' || d.name === 'float64';
    it(`dtype='${d.text}': ${kept ? d.name : d.name ? `${d.name}, refused by name` : d.error!.message}`, () => {
      for (const quote of ["'", '"']) {
        const cell = `a = array([0.1, 1.5], dtype=${quote}${d.text}${quote})`;
        if (kept) {
          const s = new CellSession();
          run(s, cell);
          const v = s.vars.get('a') as TensorValue;
          assert.equal(v.dtype, d.name);
          // the decimals read in that dtype: 0.1 rounded to float32 once, or the double itself
          assert.equal(v.data[0], d.name === 'float32' ? Math.fround(0.1) : 0.1);
          continue;
        }
        const e = cellError(() => run(new CellSession(), cell));
        assert.ok(!e.message.includes('\n'), 'one line');
        if (d.name) assert.ok(e.detail.startsWith(`a: dtype=${quote}${d.text}${quote} is not supported `), e.detail);
        else assert.equal(e.detail, `a: ${d.error!.message}`);
      }
    });
  }
});

describe('cell language: errors of ** and indexing', () => {
  // where the language words an error its own way; every other case repeats Python's or PyTorch's text
  const OURS: Record<string, (e: { type: string; message: string }) => string> = {
    '10.0 ** 400': (e) => `10.0 ** 400 is too large for a float (Python: ${e.type}: ${e.message})`,
    // PyTorch 1.13 takes the second `...` for a dimension of size 0 (its message says so); NumPy names the mistake
    'm[..., ..., 0]': () => "an index can only have a single ellipsis ('...')",
    // PyTorch's words, after the argument they are about
    'linspace(2**63, 1, 3)': (e) => `linspace(): start: ${e.message}`,
    'linear_schedule(10, beta_end=2**63)': (e) => `linear_schedule(): beta_end: ${e.message}`,
    'cosine_schedule(3, s=-1)': (e) => `cosine_schedule(): s: ${e.message} (1 + s = 0)`,
    'linspace(0, 1e39, 3)': (e) => `linspace(): end: ${e.message}`,
    'linspace(-1e300, 0, 3)': (e) => `linspace(): start: ${e.message}`,
    'linspace(0, 3.4028235e38, 3)': (e) => `linspace(): end: ${e.message}`,
    'linear_schedule(10, 1e-4, 1e39)': (e) => `linear_schedule(): beta_end: ${e.message}`,
    'cosine_schedule(3, s=2**1100)': (e) => `cosine_schedule(): s: ${e.message}`,
    // PyTorch's AttributeError (the fixture), said as what to write instead
    'tensor([1.0], dtype=torch.float64.x)': () =>
      'result: dtype=torch.float64.x is not supported (write dtype=torch.float32 or dtype=torch.float64)'
  };
  // Python's TypeError for a list in arithmetic, then what to write for arithmetic on its values
  const LIST_HINT = " (a list is Python's list here: write tensor([...]) for arithmetic on its values)";
  const listInArithmetic = (e: { type: string; message: string }) =>
    e.type === 'TypeError' && /'list'|"list"|to list|sequence by/.test(e.message);
  for (const c of fixture.errors) {
    it(`${c.cell}: ${c.error.type}: ${c.error.message}`, () => {
      const s = new CellSession();
      run(s, fixture.setup);
      const e = cellError(() => run(s, `result = ${c.cell}`));
      assert.equal(e.kind, 'Error');
      const python = listInArithmetic(c.error) ? c.error.message + LIST_HINT : c.error.message;
      assert.equal(e.detail, OURS[c.cell] ? OURS[c.cell](c.error) : python);
      assert.equal(e.loc?.line, 1);
      assert.ok(!e.message.includes('\n'), 'one line');
    });
  }

  for (const c of fixture.syntaxErrors) {
    it(`${c.cell}: a syntax error, as Python's compiler says (${c.error.message})`, () => {
      const e = cellError(() => run(new CellSession(), `seed = ${c.cell}`));
      assert.equal(c.error.type, 'SyntaxError');
      // Python's words, without its "(<file>, line 1)"
      assert.equal(e.detail, c.error.message.replace(/ \(<case>, line \d+\)$/, ''));
      assert.equal(e.loc?.line, 1);
    });
  }

  for (const c of fixture.lookAlikes) {
    it(`${c.cell}: Python's SyntaxError (${c.error.message}), then the ASCII character to type, which makes it parse`, () => {
      const e = cellError(() => run(new CellSession(), `seed = ${c.cell}`));
      assert.equal(c.error.type, 'SyntaxError');
      const python = c.error.message.replace(/ \(<case>, line \d+\)$/, '');
      const m = /^: type (?:'([^']+)'|"([^"]+)") instead$/.exec(e.detail.slice(python.length));
      assert.ok(e.detail.startsWith(python) && m, e.detail);
      // the advice, taken (for each character the cell's message names in turn: `“a”` has two), makes the cell
      // parse: it runs, or fails only at run time (x[...]: x is not defined)
      let cell = `seed = ${c.cell}`;
      for (let k = 0; k < 4; k++) {
        let err: unknown;
        try {
          run(new CellSession(), cell);
          return;
        } catch (thrown) {
          err = thrown;
        }
        const f = cellError(() => {
          throw err;
        });
        // the character named and the one to type, each quoted as Python quotes a character ("'" and '"')
        const q = `(?:'([^']+)'|"([^"]+)")`;
        const advice = new RegExp(
          `^(?:invalid character|unterminated string literal: if) ${q} \\(U\\+[0-9A-F]{4}\\)(?::| is meant to close it,) type ${q} instead$`,
          'u'
        ).exec(f.detail);
        if (!advice) return assert.notEqual(f.kind, 'SyntaxError', `${cell}: ${f.message}`);
        cell = cell.split(advice[1] ?? advice[2]).join(advice[3] ?? advice[4]);
      }
      assert.fail(`${cell}: still a character to replace after four`);
    });
  }

  it('look-alikes: a curly quote in a string that is not of its kind is no end; names and the exponent', () => {
    const message = (cell: string): string => cellError(() => run(new CellSession(), cell)).message;
    // a `"` string holding an apostrophe: unterminated, nothing to advise
    assert.equal(message('x = "don\u2019t'), 'line 1, column 5: unterminated string literal');
    // a middle dot after a letter is part of a name to Python (`a·b`): no advice to type `*`
    assert.equal(message('x = a\u00b7b'), 'line 1, column 6: expected an operator or end of statement, found "\u00b7"');
    // full-width letters are letters to Python: a name beyond ASCII
    assert.match(
      message('x = \uff41bc'),
      /^line 1, column 5: names with letters beyond ASCII \(`\uff41bc`\) are not supported/
    );
    // a minus sign in an exponent: the number stops before it, the message names it
    assert.equal(
      message('x = linspace(1e\u22124, 0.02, 4)'),
      "line 1, column 14: invalid character '\u2212' (U+2212): type '-' instead"
    );
  });

  for (const c of fixture.strings) {
    it(`the string ${JSON.stringify(c.cell)} reads as Python reads it`, () => {
      const s = new CellSession();
      run(s, `s = ${c.cell}`);
      assert.deepEqual(s.vars.get('s'), { kind: 'str', value: c.value });
    });
  }

  for (const c of fixture.stringReprs) {
    it(`the string ${JSON.stringify(c.cell)} is shown as Python's repr shows it (${c.repr})`, () => {
      const out = run(new CellSession(), c.cell);
      assert.deepEqual(
        out.map((o) => (o.kind === 'text' ? o.text : o.kind)),
        [c.repr]
      );
    });
  }

  for (const c of fixture.stringErrors) {
    it(`the string ${JSON.stringify(c.cell)}: a syntax error naming the escape, as Python's`, () => {
      const e = cellError(() => run(new CellSession(), `s = ${c.cell}`));
      assert.equal(c.error.type, 'SyntaxError');
      // Python's words after its codec's: "truncated \xXX escape", "illegal Unicode character"
      const what = c.error.message
        .replace(/ \(<case>, line \d+\)$/, '')
        .split(': ')
        .pop()!;
      assert.ok(e.detail.includes(what), `${e.detail} | Python: ${c.error.message}`);
      assert.ok(!e.message.includes('\n'), 'one line');
    });
  }

  it('nesting deeper than the parser can follow: a one-line syntax error, as Python refuses it', () => {
    const { depth, error } = fixture.nesting;
    const e = cellError(() => run(new CellSession(), `x = ${'('.repeat(depth)}1${')'.repeat(depth)}`));
    assert.equal(error.type, 'SyntaxError');
    assert.equal(e.kind, 'SyntaxError');
    assert.ok(e.detail.startsWith(error.message.replace(/ \(<case>, line \d+\)$/, '')), e.detail);
    assert.ok(!e.message.includes('\n'), 'one line');
  });

  it('a chain of operators longer than the evaluation can follow: the same one-line error as deep nesting', () => {
    const e = cellError(() => run(new CellSession(), `r = ${Array(5000).fill('1').join(' + ')}`));
    assert.match(
      e.message,
      /^line 1, column \d+: too many nested parentheses \(or operators, or lists\): the expression or its value nests too deeply$/
    );
  });

  it('a value nested deeper than its repr can follow (a list built one level a line): the same one-line error, at its line', () => {
    // Python's repr of such a list raises RecursionError
    const s = new CellSession();
    run(s, 'x = 1.0\n' + 'x = [x]\n'.repeat(20000));
    for (const [cell, column] of [
      ['y = 2\nx', 1],
      ['y = 2\nz = tensor(x)', 5]
    ] as const)
      assert.equal(
        cellError(() => run(s, cell)).message,
        `line 2, column ${column}: too many nested parentheses (or operators, or lists): the expression or its value nests too deeply`
      );
  });

  it('a broadcast beyond the largest tensor a cell makes is refused at once with its shapes', () => {
    const s = new CellSession();
    run(s, 'x = linspace(0, 1, 20000)');
    assert.equal(
      cellError(() => run(s, 'y = x[None] * x[:, None]')).message,
      'line 1, column 13: shapes (1, 20000) and (20000, 1) broadcast to (20000, 20000), 400000000 elements: more than the 33554432 of the largest tensor a cell makes'
    );
    assert.match(cellError(() => run(s, 'y = x[None] ** x[:, None]')).message, /broadcast to \(20000, 20000\)/);
    // at the limit itself: computed
    run(s, 'z = linspace(0, 1, 2048)[None] * linspace(0, 1, 16384)[:, None]');
    assert.deepEqual((s.vars.get('z') as { shape: number[] }).shape, [16384, 2048]);
  });

  it('bytes literals and f-strings are named, not read', () => {
    assert.equal(
      cellError(() => run(new CellSession(), 's = b"abc"')).message,
      'line 1, column 5: bytes literals (`b"..."`) are not supported: write a str ("...")'
    );
    assert.equal(
      cellError(() => run(new CellSession(), 's = rf"{x}"')).message,
      'line 1, column 5: f-strings (`rf"..."`) are not supported: write the text as it is ("...")'
    );
  });

  for (const c of fixture.seedErrors) {
    it(`seed = ${c.value}: sample() says what PyTorch's manual_seed says (${c.error.message})`, () => {
      const s = new CellSession();
      run(
        s,
        'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nbetas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)'
      );
      run(s, `seed = ${c.value}`);
      const e = cellError(() => run(s, 'sample()'));
      // named like every other input error of sample() (it lacked the prefix)
      assert.equal(e.detail, `sample(): seed: ${c.error.message} (a seed is an int)`);
      assert.ok(!e.message.includes('\n'), 'one line');
    });
  }

  it('point at the operator or the index item', () => {
    const s = new CellSession();
    run(s, 'x = tensor([1.0, 2.0, 3.0, 4.0])\nlst = [1, 2, 3]');
    assert.equal(
      cellError(() => run(s, 'y = x[1] + x[5]')).message,
      'line 1, column 14: index 5 is out of bounds for dimension 0 with size 4'
    );
    assert.equal(cellError(() => run(s, 'y = lst[-4]')).message, 'line 1, column 9: list index out of range');
    assert.equal(
      cellError(() => run(s, 'y = 1 + 0 ** -1')).message,
      'line 1, column 11: 0.0 cannot be raised to a negative power'
    );
    assert.equal(
      cellError(() => run(s, 'y = x[0, 0]')).message,
      'line 1, column 6: too many indices for tensor of dimension 1'
    );
  });

  it('what Python computes and the language cannot say so by name', () => {
    const s = new CellSession();
    run(s, 'x = tensor([1.0, 2.0, 3.0, 4.0])');
    const detail = (cell: string): string => cellError(() => run(s, cell)).detail;
    assert.equal(
      detail('(-8.0) ** 0.5'),
      '(-8.0) ** 0.5 is a complex number in Python: complex numbers are not supported'
    );
    assert.equal(
      detail('(-8) ** (1 / 3)'),
      '(-8) ** 0.3333333333333333 is a complex number in Python: complex numbers are not supported'
    );
    assert.equal(
      detail('2 ** 10000000'),
      '2 ** 10000000 would have more than 1000000 bits: integers that large are not supported'
    );
    // an operand of thousands of digits is shown by its first digits and its length: the message stays short
    assert.equal(
      cellError(() => run(new CellSession(), 'x = 2 ** 2 ** 2 ** 2 ** 2 ** 2')).detail,
      '2 ** 20035299304068464649...(19729 digits) would have more than 1000000 bits: integers that large are not supported'
    );
    // so is a product that large (repeated squaring grew without bound, ending in the engine's own message)
    assert.equal(
      detail('2 ** 999999 * 2 ** 999999'),
      'the product of an integer of 1000000 bits and one of 1000000 bits would have more than 1000000 bits: integers that large are not supported'
    );
    assert.equal(
      detail('2 ** 999999 * 2'),
      'the product of an integer of 1000000 bits and one of 2 bits would have more than 1000000 bits: integers that large are not supported'
    );
    run(s, 'p = 2 ** 999998 * 2\nq = -(2 ** 999998) * 2 ** 1\nz = 2 ** 999999 * 0');
    assert.deepEqual(
      ['p', 'q', 'z'].map((k) => s.vars.get(k)),
      [
        { kind: 'int', value: 2n ** 999999n },
        { kind: 'int', value: -(2n ** 999999n) },
        { kind: 'int', value: 0n }
      ]
    );
    assert.equal(detail('x[[0, 1]]'), 'indexing a tensor with a list (advanced indexing) is not supported');
    assert.equal(detail('x[True]'), 'indexing a tensor with True or False is not supported');
    assert.equal(detail('x["a"]'), 'a tensor cannot be indexed with a str');
    assert.equal(
      detail('tensor([1.0, 2.0, ...])[0]'),
      'a summarised paste (with ...) lacks values: it can be compared, not computed with'
    );
  });
});

describe('cell language: results of ** and indexing as sampler inputs', () => {
  it('sliced and indexed tensors and lists, and ** of ints, drive sample() exactly like the literal inputs', () => {
    const s = new CellSession();
    const cells = [
      'W = tensor([[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07], [9.0, 9.0]])\nw_model = W[:3]',
      'sizes = [[4, 2], [8, 3]]\nshape = sizes[0]',
      'seed = 2**5 + 10',
      'schedule = linspace(1e-4, 0.02, 8)\nbetas = schedule[::2]\nalpha_bar = cumprod(1 - betas)'
    ];
    for (const cell of cells) assert.deepEqual(run(s, cell), []);
    const [out] = run(s, 'sample()');
    assert.ok(out.kind === 'run');
    if (out.kind !== 'run') return;
    // linspace(1e-4, 0.02, 8)[::2] are not the seed example's betas: compare with the same inputs written out
    const t = new CellSession();
    run(t, `w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42`);
    run(
      t,
      `betas = linspace(1e-4, 0.02, 8)\nbetas = tensor([betas[0], betas[2], betas[4], betas[6]])\nalpha_bar = cumprod(1 - betas)`
    );
    const [direct] = run(t, 'sample()');
    assert.ok(direct.kind === 'run');
    if (direct.kind !== 'run') return;
    assert.deepEqual(f32Bits(out.run.sample.data), f32Bits(direct.run.sample.data));
    assert.equal(out.run.inputs.seed, '42');
  });

  it('the seed example with w_model taken row by row from a bigger paste prints what PyTorch printed', () => {
    const s = new CellSession();
    run(
      s,
      'big = tensor([[ 0.1200, -0.3000],\n        [ 0.0500,  0.4100],\n        [-0.2000,  0.0700],\n        [ 1.0000,  1.0000]])'
    );
    run(
      s,
      'w_model = big[0:3]\nshape = [4, 2]\nseed = 2**6 - 22\nbetas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)'
    );
    const [out] = run(s, 'sample()');
    assert.equal(out.kind === 'run' && out.text, seedExpected.printed);
  });
});

describe('cell language: syntax errors', () => {
  const detail = (cell: string): string => cellError(() => run(new CellSession(), cell)).detail;
  const message = (cell: string): string => cellError(() => run(new CellSession(), cell)).message;

  it('says by name what it lacks or what is wrong: list literal indexing, a malformed number, a missing name', () => {
    assert.equal(
      message('sizes = [4, 2, 8][:2]'),
      'line 1, column 9: indexing a list literal (`[...][i]`) is not supported: assign the list to a name and index that'
    );
    // in parentheses too (a call's argument, a grouped expression); inside a list it is a missing comma
    for (const [cell, column] of [
      ['r = ([1, 2][0])', 6],
      ['r = cumprod([1, 2][0])', 13]
    ] as const)
      assert.equal(
        message(cell),
        `line 1, column ${column}: indexing a list literal (\`[...][i]\`) is not supported: assign the list to a name and index that`
      );
    assert.equal(message('w = [[1, 2] [3, 4]]'), 'line 1, column 13: w: expected "," or "]", found "["');
    assert.equal(
      message('c = [0.125, 0.0625e]'),
      'line 1, column 13: c: expected an expression or "]", found "0.0625e"'
    );
    // an underscore only between digits (or after the base), as Python's tokenizer takes them
    for (const bad of ['0x1__2', '0x1_', '0x_', '0b_'])
      assert.equal(message(`n = ${bad}`), `line 1, column 5: expected an expression, found "${bad}"`);
    assert.equal(message('= 3'), 'line 1, column 1: an assignment needs a name before "=" (`name = expression`)');
    assert.equal(
      message('a = 1\n  = 3'),
      'line 2, column 3: an assignment needs a name before "=" (`name = expression`)'
    );
    assert.equal(message('a = b = 3'), 'line 1, column 7: chained assignment (`a = b = ...`) is not supported');
    // valid Python the language lacks: names beyond ASCII, imaginary literals
    assert.equal(
      message('β = 0.1'),
      'line 1, column 1: names with letters beyond ASCII (`β`) are not supported: use A-Z, a-z, digits and _'
    );
    assert.equal(
      message('x = 3\nbetaβ = 1'),
      'line 2, column 5: names with letters beyond ASCII (`betaβ`) are not supported: use A-Z, a-z, digits and _'
    );
    assert.equal(message('x = 1.5j'), 'line 1, column 5: complex numbers (`1.5j`) are not supported');
    assert.equal(message('x = 2J + 1'), 'line 1, column 5: complex numbers (`2J`) are not supported');
    assert.equal(
      message('w_model = tensor([[0.1, 0.2], [-0.2]])'),
      'line 1, column 11: w_model: ragged list: expected 2 items at depth 2, got 1'
    );
    // a number before a list at the same depth (PyTorch: "must be real number, not list"), or after one ("not a
    // sequence"): refused, not filled into a (2, 1) shape
    assert.equal(
      message('w_model = tensor([0.1, [0.2]])'),
      'line 1, column 11: w_model: ragged list: a list where a number was expected at depth 2'
    );
    assert.equal(
      message('w_model = tensor([[0.1], 0.2])'),
      'line 1, column 11: w_model: ragged list: a number where a list was expected at depth 2'
    );
    // code, not a print: its list is ragged (a subtraction spelled as code, `1 - 2`, is no missing comma)
    assert.equal(
      message('w_model = tensor([[0.1, 0.2], [-0.2 * 2]])'),
      'line 1, column 11: w_model: ragged list: expected 2 items at depth 2, got 1'
    );
    assert.equal(
      message('w_model = tensor([[1 - 2, 3], [4]])'),
      'line 1, column 11: w_model: ragged list: expected 2 items at depth 2, got 1'
    );
  });

  it('a missing comma in a list literal names the variable, the expected separators and the whole token found', () => {
    assert.equal(
      message('lr = 1e-3\nsteps = 4\nw_model=[[0.5, 0.25], [0.125 0.0625]]'),
      'line 3, column 30: w_model: expected "," or "]", found "0.0625"'
    );
    assert.equal(
      message('w_model = [[0.5, 0.25],\n           [0.125 0.0625]]'),
      'line 2, column 19: w_model: expected "," or "]", found "0.0625"'
    );
    assert.equal(message('shape = [4 2]'), 'line 1, column 12: shape: expected "," or "]", found "2"');
    assert.equal(message('w = [[1, 2] [3, 4]]'), 'line 1, column 13: w: expected "," or "]", found "["');
    // (["a" "b"] is Python's ["ab"]: adjacent string literals are one string, here too)
    assert.equal(message('betas = [0.1, 0.2 beta3]'), 'line 1, column 19: betas: expected "," or "]", found "beta3"');
    assert.equal(
      message('sample(w_model=[[1, 2], [3 4]])'),
      'line 1, column 28: sample(): w_model: expected "," or "]", found "4"'
    );
    assert.equal(message('x = f(1 2)'), 'line 1, column 9: expected "," or ")", found "2"');
    assert.equal(message('seed = 4 2'), 'line 1, column 10: expected end of statement, found "2"');
    assert.equal(message('seed = 3!'), 'line 1, column 9: expected an operator or end of statement, found "!"');
    // after a name: "=" (the augmented assignments the grammar knows are refused by name, never offered)
    assert.equal(message('seed 3'), 'line 1, column 6: expected "=" or end of statement, found "3"');
    assert.equal(message('x = 1\nx $ 1'), 'line 2, column 3: expected an operator, "=" or end of statement, found "$"');
    assert.match(message('seed += 1'), /augmented assignment \(`\+=`\) is not supported/);
  });

  it("the README's example: a pasted print with a missing comma names the variable and the value", () => {
    const e = cellError(() =>
      run(new CellSession(), 'w_model = tensor([[ 0.1200, -0.3000],\n        [ 0.0500  0.4100]])')
    );
    assert.equal(e.message, 'line 2, column 19: w_model: expected "," or "]", found "0.4100"');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.ok(
      readme.includes('`line 2, column 19: w_model: expected "," or "]", found "0.4100"`'),
      'README quotes this message'
    );
    assert.ok(
      readme.includes('`line 3, column 30: w_model: expected "," or "]", found "0.0625"`'),
      'README quotes the list-literal message'
    );
  });

  it('a pasted print missing a comma before a negative number names the place and the value, not a ragged list', () => {
    // read as code, [-1.2034 -0.5531] is one number (a subtraction): the print's own reading says what is wrong
    assert.equal(
      cellError(() => run(new CellSession(), 'expected = tensor([[ 0.4527,  0.1824],\n        [-1.2034 -0.5531]])'))
        .message,
      'line 2, column 18: expected: expected "," or "]", found "-0.5531"'
    );
  });

  it('Python constructs the language does not have are named, not listed as expectations', () => {
    const cases: [string, string][] = [
      ['x = 7 // 2', '`//` (floor division) is not supported'],
      ['x = 7 % 2', '`%` (remainder) is not supported'],
      ['x = a @ b', '`@` (matrix multiplication) is not supported'],
      ['x = 1 < 2', 'comparisons (`<`) are not supported'],
      ['x = 1 == 2', 'comparisons (`==`) are not supported'],
      ['x = 1 != 2', 'comparisons (`!=`) are not supported'],
      ['x = 1 >= 2', 'comparisons (`>=`) are not supported'],
      ['x = 1 & 2', 'bitwise operators (`&`) are not supported'],
      ['x = betas.shape', 'attribute access (`.shape`) is not supported'],
      ['x = betas.sqrt()', 'method calls (`.sqrt()`) are not supported'],
      [
        'x = torch.linspace(0, 1, 5)',
        '`torch.linspace` is not supported: the language has its own helpers, without a module (see the README, "DDPM notebooks")'
      ],
      // torch.linspace(..., dtype=...) and torch.cumprod(..., dtype=...) exist: the helper's own lack is named
      [
        'x = linspace(0, 1, 5, dtype=torch.float64)',
        "`dtype=` in linspace() is not supported: its values are float32, torch.linspace's default (a float64 linspace computes other values than float32 ones converted, and is not supported)"
      ],
      [
        'x = linspace(0, 1, 5, dtype=float)',
        "`dtype=` in linspace() is not supported: its values are float32, torch.linspace's default (a float64 linspace computes other values than float32 ones converted, and is not supported)"
      ],
      // inside tensor(...)'s parentheses too: code there is named as anywhere (before, the print reader's expectations)
      [
        'x = tensor(linspace(0, 1, 5, dtype=torch.float64))',
        "`dtype=` in linspace() is not supported: its values are float32, torch.linspace's default (a float64 linspace computes other values than float32 ones converted, and is not supported)"
      ],
      ['x = tensor(betas.double())', 'method calls (`.double()`) are not supported'],
      ['x = tensor([betas[0].item(), 1.0])', 'method calls (`.item()`) are not supported'],
      [
        'x = cumprod(1 - tensor([0.5, linspace(0, 1, 3)[1]]), dtype = torch.float64)',
        "`dtype=` in cumprod() is not supported: it keeps its input's dtype; convert the input first, as torch.cumprod does with a dtype: cumprod(tensor(x, dtype=torch.float64))"
      ],
      [
        'x = cosine_schedule(10, dtype=torch.float64)',
        '`dtype=` in cosine_schedule() is not supported: its values are float32, rounded from Python floats as torch.tensor(betas, dtype=torch.float32) does (float64 betas are not supported)'
      ],
      ['x = {"a": 1}', 'dict and set literals (`{...}`) are not supported'],
      ['x = [1, 2, *y]', 'unpacking (`*a`) is not supported'],
      ['x = [*y]', 'unpacking (`*a`) is not supported'],
      ['x = linspace(*[0, 1, 3])', 'unpacking (`*a`) is not supported'],
      ['x = sample(**d)', 'unpacking (`**d`) is not supported'],
      ['shape = (4, 2)', 'tuples (`a, b`) are not supported: use a list `[a, b]`'],
      ['a, b = 1, 2', 'tuples (`a, b`) are not supported: use a list `[a, b]`'],
      ['f = lambda t: t', '`lambda` is not supported'],
      ['for t in [1, 2]: x = t', '`for` loops and comprehensions are not supported'],
      ['x = [t for t in y]', '`for` loops and comprehensions are not supported'],
      ['if seed: x = 1', '`if` is not supported'],
      ['x = 1 if seed else 2', '`if` is not supported'],
      ['def f(t): return t', 'function definitions (`def`) are not supported'],
      ['import torch', '`import` is not supported: the helpers are built in (see the README, "DDPM notebooks")'],
      [
        'from torch import linspace',
        '`from ... import` is not supported: the helpers are built in (see the README, "DDPM notebooks")'
      ],
      ['x = not seed', 'boolean operators (`not`) are not supported'],
      ['x = 1 not in [1]', 'comparisons (`not in`) are not supported'],
      ['x = 1 in [1]', 'comparisons (`in`) are not supported'],
      ['x = seed is None', 'comparisons (`is`) are not supported'],
      ['x = seed is not None', 'comparisons (`is not`) are not supported'],
      // IPython's magics and shell commands, and decorators, first on their line
      ['%timeit x', 'IPython magics (`%timeit`) are not supported'],
      ['%%time\nx = 1', 'IPython magics (`%%time`) are not supported'],
      ['x = 1\n  %matplotlib inline', 'IPython magics (`%matplotlib`) are not supported'],
      ['!pip install torch', 'shell commands (`!pip`) are not supported'],
      ['@foo\ndef f(): pass', 'decorators (`@foo`) are not supported'],
      ['x = 7 %timeit', '`%` (remainder) is not supported'],
      // an operator first on a line inside brackets continues an expression: no magic, no decorator
      ['y = (seed\n     @ w)', '`@` (matrix multiplication) is not supported'],
      ['y = (seed\n     @w)', '`@` (matrix multiplication) is not supported'],
      ['y = (seed\n     % 2)', '`%` (remainder) is not supported'],
      ['x = a and b', 'boolean operators (`and`) are not supported'],
      ['x = y = 1', 'chained assignment (`a = b = ...`) is not supported'],
      ['x: int = 1', 'type annotations (`name: type`) are not supported'],
      // a colon after an expression is no annotation: the parser's own message
      ['x = 1:', 'expected an operator or end of statement, found ":"'],
      ['seed += 1', 'augmented assignment (`+=`) is not supported: write name = name + ...'],
      ['seed **= 2', 'augmented assignment (`**=`) is not supported: write name = name ** ...'],
      [
        'betas[0] = 0.1',
        'item assignment (`x[...] = ...`) is not supported: lists and tensors cannot be changed in place'
      ],
      ['f(x) = 1', 'only a name can be assigned to (`name = expression`)'],
      ['profile = "avx2', 'unterminated string literal']
    ];
    for (const [cell, text] of cases) assert.equal(detail(cell), text, cell);
    assert.equal(message('x = 1\ny = 7 // 2'), 'line 2, column 7: `//` (floor division) is not supported');
    assert.equal(
      message('x = tensor(\n  betas.double())'),
      'line 2, column 8: method calls (`.double()`) are not supported'
    );
    // numbers only, as a print holds: the print reader's error, naming the field
    assert.equal(
      message('x = tensor([[0.1, 1e-4], [nan 0.4]])'),
      'line 1, column 31: x: expected "," or "]", found "0.4"'
    );
    assert.equal(cellError(() => run(new CellSession(), 'x = 7 // 2')).kind, 'SyntaxError');
    // a comma with no argument before it is a missing argument (Python: invalid syntax), not a tuple
    assert.equal(detail('x = linspace(,)'), 'expected an expression or ")", found ","');
    assert.equal(detail('x = linspace(0,, 1)'), 'expected an expression or ")", found ","');
  });

  it('** binds tighter than unary minus on its left and looser on its right, and is right-associative', () => {
    const s = new CellSession();
    assert.deepEqual(run(s, '-2**2'), [{ kind: 'text', text: '-4' }]);
    assert.deepEqual(run(s, '2**-1'), [{ kind: 'text', text: '0.5' }]);
    assert.deepEqual(run(s, '2**3**2'), [{ kind: 'text', text: '512' }]);
    assert.deepEqual(run(s, '2 * 3 ** 2'), [{ kind: 'text', text: '18' }]);
    assert.deepEqual(run(s, '(2 ** \\\n 3)'), [{ kind: 'text', text: '8' }]);
    assert.deepEqual(run(s, 'x = 2 **\n  3\nx'), [{ kind: 'text', text: '8' }]);
  });
});

describe("cell language: PyTorch's vectorised loop (which elements SLEEF's pow computes)", () => {
  const t = (shape: number[]): TensorValue => ({
    kind: 'tensor',
    dtype: 'float32',
    shape,
    data: new Float32Array(shape.reduce((a, b) => a * b, 1))
  });
  it('contiguous operands coalesce into one loop; a broadcast operand along the inner dimension still vectorises', () => {
    assert.deepEqual(innerLoop([t([5, 40]), t([5, 40])], [5, 40]), { length: 200, vectorised: true });
    assert.deepEqual(innerLoop([t([5, 40]), t([40])], [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop([t([5, 40]), t([5, 1])], [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop([t([5, 1]), t([40])], [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop([t([40]), t([5, 1])], [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop([t([5, 1]), t([5, 1])], [5, 1]), { length: 5, vectorised: true });
    assert.deepEqual(innerLoop([t([]), t([37])], [37]), { length: 37, vectorised: true });
    assert.deepEqual(innerLoop([t([]), t([])], []), { length: 1, vectorised: false });
    assert.deepEqual(innerLoop([t([3, 1]), t([1, 4])], [3, 4]), { length: 4, vectorised: true });
    assert.deepEqual(
      innerLoop([t([4, 1]), t([4, 1])], [4, 3]).vectorised,
      false,
      'both operands broadcast along the inner dimension'
    );
  });
});
