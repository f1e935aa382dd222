// The cell language's `**` and indexing against PyTorch and Python (scripts/fixtures/notebook.py writes
// test/fixtures/notebook/cell_operators.json) and the errors for what the language does not have.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CellError } from '../../../../src/core/notebook/cellLanguage/ast';
import { CellSession, runCellSync, type CellOutput, type HostRequest } from '../../../../src/core/notebook/cellLanguage/interpreter';
import { innerLoop } from '../../../../src/core/notebook/cellLanguage/power';
import type { TensorValue } from '../../../../src/core/notebook/cellLanguage/values';
import { compareRun } from '../../../../src/core/compare/compare';
import { runSampler } from '../../../../src/core/sampler/sampler';
import type { RngProfile, RunResult } from '../../../../src/core/types';
import { FIXTURES } from '../../helpers/paths';

type FixtureResult =
  | { kind: 'tensor'; dtype: 'float32'; shape: number[]; bits: number[]; repr: string }
  | { kind: 'tensor'; dtype: 'float64'; shape: number[]; values: (number | 'nan' | 'inf' | '-inf')[] }
  | { kind: 'python'; repr: string };
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'notebook/cell_operators.json'), 'utf8')) as {
  setup: string;
  cases: { cell: string; python: string; results: Record<string, FixtureResult> }[];
  errors: { cell: string; python: string; error: { type: string; message: string } }[];
};
const seedExpected = JSON.parse(readFileSync(path.join(FIXTURES, 'e2e/seed.expected.json'), 'utf8')) as { printed: string; bits: number[] };

function directHost(req: HostRequest): RunResult {
  if (req.kind === 'sample') return runSampler(req.inputs, { profile: req.profile, record: req.record });
  return { ...req.run, comparison: compareRun(req.inputs, req.run, req.expectedText, req.tolerances ?? {}) };
}

function run(session: CellSession, cell: string, profile: RngProfile = 'avx2-fma'): CellOutput[] {
  return runCellSync(session, cell, 'ddpm', { profile, record: { kind: 'all' } }, directHost);
}

function cellError(f: () => unknown): CellError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CellError, `expected a CellError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the cell to fail');
}

const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const isNanBits = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;

/** float32 bits compared exactly, except that a nan matches any nan (JavaScript does not keep nan payloads). */
function assertSameBits(ours: number[], expected: number[], what: string): void {
  assert.equal(ours.length, expected.length, `${what}: length`);
  const differ = expected.flatMap((b, i) => (isNanBits(b) ? isNanBits(ours[i]) : ours[i] === b) ? [] : [`[${i}] ${ours[i].toString(16)} != ${b.toString(16)}`]);
  assert.deepEqual(differ.slice(0, 5), [], `${what}: ${differ.length} elements differ`);
}

describe('cell language: ** and indexing as PyTorch and Python compute them (fixtures from PyTorch)', () => {
  for (const profile of ['avx2-fma', 'scalar'] as RngProfile[]) {
    for (const c of fixture.cases) {
      it(`${profile}: ${c.cell}`, () => {
        const expected = c.results[profile];
        const s = new CellSession();
        run(s, fixture.setup, profile);
        run(s, `result = ${c.cell}`, profile);
        const v = s.vars.get('result');
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
          assertSameBits(bitsOf(v.data as Float32Array), expected.bits, c.cell);
          assert.deepEqual(run(s, 'result', profile), [{ kind: 'text', text: expected.repr }]);
        } else {
          assert.deepEqual(Array.from(v.data), expected.values.map((x) => (typeof x === 'number' ? x : x === 'nan' ? NaN : x === 'inf' ? Infinity : -Infinity)));
        }
      });
    }
  }
});

describe('cell language: errors of ** and indexing', () => {
  // where the language words an error its own way; every other case repeats Python's or PyTorch's text
  const OURS: Record<string, (e: { type: string; message: string }) => string> = {
    '10.0 ** 400': (e) => `10.0 ** 400 is too large for a float (Python: ${e.type}: ${e.message})`
  };
  for (const c of fixture.errors) {
    it(`${c.cell}: ${c.error.type}: ${c.error.message}`, () => {
      const s = new CellSession();
      run(s, fixture.setup);
      const e = cellError(() => run(s, `result = ${c.cell}`));
      assert.equal(e.kind, 'Error');
      assert.equal(e.detail, OURS[c.cell] ? OURS[c.cell](c.error) : c.error.message);
      assert.equal(e.loc?.line, 1);
      assert.ok(!e.message.includes('\n'), 'one line');
    });
  }

  it('point at the operator or the index item', () => {
    const s = new CellSession();
    run(s, 'x = tensor([1.0, 2.0, 3.0, 4.0])\nlst = [1, 2, 3]');
    assert.equal(cellError(() => run(s, 'y = x[1] + x[5]')).message, 'line 1, column 14: index 5 is out of bounds for dimension 0 with size 4');
    assert.equal(cellError(() => run(s, 'y = lst[-4]')).message, 'line 1, column 9: list index out of range');
    assert.equal(cellError(() => run(s, 'y = 1 + 0 ** -1')).message, 'line 1, column 11: 0.0 cannot be raised to a negative power');
    assert.equal(cellError(() => run(s, 'y = x[0, 0]')).message, 'line 1, column 6: too many indices for tensor of dimension 1');
  });

  it('what Python computes and the language cannot say so by name', () => {
    const s = new CellSession();
    run(s, 'x = tensor([1.0, 2.0, 3.0, 4.0])');
    const detail = (cell: string): string => cellError(() => run(s, cell)).detail;
    assert.equal(detail('(-8.0) ** 0.5'), '(-8.0) ** 0.5 is a complex number in Python: complex numbers are not supported');
    assert.equal(detail('(-8) ** (1 / 3)'), '(-8) ** 0.3333333333333333 is a complex number in Python: complex numbers are not supported');
    assert.equal(detail('2 ** 10000000'), '2 ** 10000000 would have more than 1000000 bits: integers that large are not supported');
    assert.equal(detail('x[[0, 1]]'), 'indexing a tensor with a list (advanced indexing) is not supported');
    assert.equal(detail('x[True]'), 'indexing a tensor with True or False is not supported');
    assert.equal(detail('x["a"]'), 'a tensor cannot be indexed with a str');
    assert.equal(detail('tensor([1.0, 2.0, ...])[0]'), 'a summarised paste (with ...) lacks values: it can be compared, not computed with');
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
    run(t, `betas = linspace(1e-4, 0.02, 8)\nbetas = tensor([betas[0], betas[2], betas[4], betas[6]])\nalpha_bar = cumprod(1 - betas)`);
    const [direct] = run(t, 'sample()');
    assert.ok(direct.kind === 'run');
    if (direct.kind !== 'run') return;
    assert.deepEqual(bitsOf(out.run.sample.data), bitsOf(direct.run.sample.data));
    assert.equal(out.run.inputs.seed, '42');
  });

  it('the seed example with w_model taken row by row from a bigger paste prints what PyTorch printed', () => {
    const s = new CellSession();
    run(s, 'big = tensor([[ 0.1200, -0.3000],\n        [ 0.0500,  0.4100],\n        [-0.2000,  0.0700],\n        [ 1.0000,  1.0000]])');
    run(s, 'w_model = big[0:3]\nshape = [4, 2]\nseed = 2**6 - 22\nbetas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)');
    const [out] = run(s, 'sample()');
    assert.equal(out.kind === 'run' && out.text, seedExpected.printed);
  });
});

describe("cell language: PyTorch's vectorised loop (which elements SLEEF's pow computes)", () => {
  const t = (shape: number[]): TensorValue => ({ kind: 'tensor', dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  it('contiguous operands coalesce into one loop; a broadcast operand along the inner dimension still vectorises', () => {
    assert.deepEqual(innerLoop(t([5, 40]), t([5, 40]), [5, 40]), { length: 200, vectorised: true });
    assert.deepEqual(innerLoop(t([5, 40]), t([40]), [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop(t([5, 40]), t([5, 1]), [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop(t([5, 1]), t([40]), [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop(t([40]), t([5, 1]), [5, 40]), { length: 40, vectorised: true });
    assert.deepEqual(innerLoop(t([5, 1]), t([5, 1]), [5, 1]), { length: 5, vectorised: true });
    assert.deepEqual(innerLoop(t([]), t([37]), [37]), { length: 37, vectorised: true });
    assert.deepEqual(innerLoop(t([]), t([]), []), { length: 1, vectorised: false });
    assert.deepEqual(innerLoop(t([3, 1]), t([1, 4]), [3, 4]), { length: 4, vectorised: true });
    assert.deepEqual(innerLoop(t([4, 1]), t([4, 1]), [4, 3]).vectorised, false, 'both operands broadcast along the inner dimension');
  });
});
