// `compare INPUT.json FILE` where FILE is what np.save or np.savetxt wrote of PyTorch's sample, and the saved files it
// refuses (torch.save, np.savez, other dtypes). Files and verdicts from PyTorch and NumPy
// (scripts/fixtures/saved_arrays.py -> test/fixtures/compare/saved_arrays.json).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTensorText } from '../../../src/core/tensors/parseTensor';
import { readNpy } from '../../../src/core/tensors/npy';
import { fakeCliIO, runCliInMemory, type CliRun, type FakeFile } from '../helpers/cliInMemory';
import { readPaste } from '../../../src/cli/io';
import { FIXTURES } from '../helpers/paths';

interface SavedFile {
  name: string;
  base64?: string;
  text?: string;
  npy?: { dtype: string; shape: number[]; shapeDiffers: boolean };
  verdict: 'match' | 'mismatch';
  mismatchIndices: [number, number][];
  bitwiseEqual: boolean | null;
}
const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'compare/saved_arrays.json'), 'utf8')) as {
  cases: { name: string; inputs?: unknown; inputsText?: string; shape: number[]; files: SavedFile[] }[];
  refused: { name: string; base64: string; says: string }[];
  /** arrays holding -0.0, with the sign bit of each value as NumPy has it */
  signedZeros: { name: string; base64: string; shape: number[]; signBits: number[] }[];
  /** a trajectory stacked into one (T + 1, N, d) tensor: saved, printed, as a list */
  stacked: {
    inputs: unknown;
    states: number;
    files: { name: string; base64?: string; text?: string; verdict: string; firstDivergence?: number }[];
    /** print(torch.stack(xs)) of N = 100, d = 2, T = 20: summarised */
    summarised: { inputs: unknown; text: string };
    /** the states every 2 steps; x_T, every step and the sample once more */
    more: { name: string; base64: string }[];
  };
};

const rsqrtLoop = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'compare/saved_arrays.json'), 'utf8')) as {
    rsqrtLoop: {
      inputs: unknown;
      files: { name: string; text: string; mismatchIndices: [number, number][] }[];
      /** the correct sample rounded to 5 decimals, np.savetxt(fmt='%s') of np.round(x, 5) */
      roundedRows: string;
    };
  }
).rsqrtLoop;

const contents = (f: { base64?: string; text?: string }): FakeFile =>
  f.text ?? new Uint8Array(Buffer.from(f.base64!, 'base64'));

const cli = (argv: string[], files: Record<string, FakeFile>, stdin?: string): Promise<CliRun> =>
  runCliInMemory(argv, files, { stdin, writable: false });

describe('cli compare: a trajectory stacked into one (T + 1, N, d) tensor, saved or printed (fixtures from PyTorch)', () => {
  const { inputs, states, files } = fixture.stacked;
  for (const f of files) {
    it(`${f.name}: read as ${states} prints, x_T and every step: ${f.verdict}`, async () => {
      const r = await cli(['compare', 'in.json', 'saved', '--json'], {
        'in.json': JSON.stringify(inputs),
        saved: contents(f)
      });
      const j = JSON.parse(r.out) as {
        matches: boolean;
        firstDivergence: { step: number | null } | null;
        steps: { prints: { step: number | null }[] };
        diagnosis: { id: string }[];
        summary: string;
      };
      assert.equal(r.code, f.verdict === 'match' ? 0 : 1, j.summary);
      assert.deepEqual(
        j.steps.prints.map((p) => p.step),
        [null, 3, 2, 1, 0]
      );
      assert.match(j.summary, /\nRead as 5 prints: the paste is a stacked trajectory of shape \(5, 4, 2\)/);
      if (f.firstDivergence !== undefined) {
        assert.equal(j.firstDivergence?.step, f.firstDivergence);
        assert.deepEqual(
          j.diagnosis.map((d) => d.id),
          ['step-seed-plus-t']
        );
      }
    });
  }
});

describe('cli compare: stacked trajectories of other states', () => {
  const { inputs, more } = fixture.stacked;
  const run = (f: { base64: string }) =>
    cli(['compare', 'in.json', 'saved', '--json'], { 'in.json': JSON.stringify(inputs), saved: contents(f) });

  it('x kept every 2 steps: taken as the last steps (no labels), and a hint names the states that fit', async () => {
    const r = await run(more[0]);
    const j = JSON.parse(r.out) as { summary: string };
    assert.equal(r.code, 1, j.summary);
    assert.match(
      j.summary,
      /\nHint: the stacked trajectory's states are the correct loop's x every 2 steps \(t = 2, 0\), not x after the last steps as they were taken: keep every state \(xs\.append\(x\) after every step, x_T first\) and they are read so\.\n/
    );
  });

  it('x_T, every step and the sample once more (T + 2 states): the repeat left out, and a match', async () => {
    const r = await run(more[1]);
    const j = JSON.parse(r.out) as { matches: boolean; steps: { prints: { step: number | null }[] }; summary: string };
    assert.equal(r.code, 0, j.summary);
    assert.deepEqual(
      j.steps.prints.map((p) => p.step),
      [null, 3, 2, 1, 0]
    );
  });
});

describe('cli compare: a stacked trajectory printed summarised', () => {
  it('nothing compared; the rule is that of its printed digits, and the shape line says how to give it whole', async () => {
    const { inputs, text } = fixture.stacked.summarised;
    const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], {
      'in.json': JSON.stringify(inputs),
      'pasted.txt': text
    });
    const j = JSON.parse(r.out) as { rule: string; summary: string };
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.rule, 'printed-precision');
    assert.match(
      j.summary,
      /\nShape: the paste is a summarised \("\.\.\."\) 3-D print, which cannot be laid over our shape \(100, 2\); nothing compared\. A stacked trajectory \(torch\.stack\(xs\)\) is compared state by state when its values are all there: save it with np\.save/
    );
  });
});

describe('cli compare: arrays saved with np.save and np.savetxt (fixtures from PyTorch and NumPy)', () => {
  for (const c of fixture.cases) {
    const inputs = c.inputsText ?? JSON.stringify(c.inputs);
    for (const f of c.files) {
      it(`${c.name}: ${f.name}: ${f.verdict}`, async () => {
        const r = await cli(['compare', 'in.json', 'saved', '--json'], { 'in.json': inputs, saved: contents(f) });
        assert.equal(r.err, '');
        const j = JSON.parse(r.out) as {
          matches: boolean;
          bitwiseEqual: boolean | null;
          mismatches: [number, number][];
          shapeNote: string | null;
          summary: string;
        };
        assert.equal(r.code, f.verdict === 'match' ? 0 : 1, j.summary);
        assert.equal(j.matches, f.verdict === 'match', j.summary);
        // null: the digits cannot tell
        assert.equal(j.bitwiseEqual, f.bitwiseEqual, j.summary);
        if (f.bitwiseEqual === null) assert.match(j.summary, /\nBitwise equal: cannot tell: /);
        // rows written by np.savetxt are said to be, and the advice for more digits is NumPy's (one number alone, no
        // header, does not show what wrote it)
        if (f.name.startsWith('np.savetxt') && !/^\S+\s*$/.test(f.text ?? '')) {
          assert.match(j.summary, /\nRule: \w[\w ]*: the paste was written by np\.savetxt with /);
          assert.doesNotMatch(j.summary, /PyTorch prints|set_printoptions/);
          if (f.bitwiseEqual === null) assert.match(j.summary, /np\.savetxt's default fmt, '%\.18e', or with np\.save/);
        }
        if (f.npy?.shapeDiffers) assert.ok(j.shapeNote, j.summary);
        else assert.deepEqual(j.mismatches, f.mismatchIndices, j.summary);
      });
    }
  }

  it("fmt='%g' and '%.8g': judged at their printed precision, the fmt named; short rows typed by hand are not", async () => {
    const c = fixture.cases.find((k) => k.name.endsWith('wide'))!;
    for (const [fmt, p] of [
      ['%g', "6 significant digits (fmt='%.6g', which is '%g')"],
      ['%.8g', "8 significant digits (fmt='%.8g')"]
    ]) {
      const f = c.files.find((g) => g.name === `np.savetxt(f, x.numpy(), fmt='${fmt}')`)!;
      const r = await cli(['compare', 'in.json', 'saved', '--json'], {
        'in.json': JSON.stringify(c.inputs),
        saved: contents(f)
      });
      const j = JSON.parse(r.out) as { rule: string; summary: string };
      assert.equal(j.rule, 'printed-precision', j.summary);
      assert.ok(
        j.summary.includes(`\nRule: printed precision: the paste was written by np.savetxt with ${p}, so`),
        j.summary
      );
    }
    // four digits or fewer: as likely typed by hand, the tolerance rule
    const small = fixture.cases[0];
    const r = await cli(['compare', 'in.json', 'rows.txt', '--json'], {
      'in.json': JSON.stringify(small.inputs),
      'rows.txt': '0.5 0.25\n0.125 -1.5\n0.75 0.5\n-0.25 0.375\n'
    });
    assert.equal((JSON.parse(r.out) as { rule: string }).rule, 'tolerance');
  });

  for (const f of rsqrtLoop.files) {
    it(`${f.name}: not equal where its digits differ, and no mistake needed (within tolerance, allowing for the rounding)`, async () => {
      const r = await cli(['compare', 'in.json', 'saved', '--json'], {
        'in.json': JSON.stringify(rsqrtLoop.inputs),
        saved: f.text
      });
      const j = JSON.parse(r.out) as { diagnosis: unknown[]; mismatches: [number, number][]; summary: string };
      assert.equal(r.code, 1, j.summary);
      assert.deepEqual(j.mismatches, f.mismatchIndices, j.summary);
      assert.deepEqual(j.diagnosis, []);
      assert.match(
        j.summary,
        /\nDiagnosis: no entry of the diagnosis catalogue reproduces the paste at its printed precision, and none is needed: the correct loop is within torch\.testing\.assert_close's float32 tolerance \(rtol 1\.3e-6, atol 1e-5\) of it, allowing for the rounding of its printed digits, as a correct loop written with operations that round differently is \(torch\.rsqrt, /
      );
    });
  }

  it("a '%g' file with one number far off (1 for 1.0078): not within tolerance, even allowing for the rounding", async () => {
    const f = rsqrtLoop.files.find((g) => g.name.includes("fmt='%g'"))!;
    // the first number between 1 and 2 written as 1 (or -1), its row kept
    const rows = f.text.trim().split('\n');
    const i = rows.findIndex((row) => row.split(' ').some((t) => Math.abs(Number(t)) > 1 && Math.abs(Number(t)) < 2));
    rows[i] = rows[i]
      .split(' ')
      .map((t) => (Math.abs(Number(t)) > 1 && Math.abs(Number(t)) < 2 ? String(Math.sign(Number(t))) : t))
      .join(' ');
    const r = await cli(['compare', 'in.json', 'saved', '--json'], {
      'in.json': JSON.stringify(rsqrtLoop.inputs),
      saved: `${rows.join('\n')}\n`
    });
    const j = JSON.parse(r.out) as { summary: string };
    assert.equal(r.code, 1, j.summary);
    assert.doesNotMatch(j.summary, /none is needed/);
  });

  it("the correct sample rounded to 5 decimals (rows of np.round(x, 5)): no '%g' print, the tolerance rule, a match", async () => {
    const r = await cli(['compare', 'in.json', 'saved', '--json'], {
      'in.json': JSON.stringify(rsqrtLoop.inputs),
      saved: rsqrtLoop.roundedRows
    });
    const j = JSON.parse(r.out) as { rule: string; summary: string };
    assert.equal(j.rule, 'tolerance', j.summary);
    assert.equal(r.code, 0, j.summary);
  });

  it('the summary says what the .npy file held, as NumPy names its dtype and shape', async () => {
    for (const c of fixture.cases) {
      for (const f of c.files.filter((g) => g.npy)) {
        const r = await cli(['compare', 'in.json', 'x.npy'], {
          'in.json': c.inputsText ?? JSON.stringify(c.inputs),
          'x.npy': contents(f)
        });
        const shape = `(${f.npy!.shape.join(', ')}${f.npy!.shape.length === 1 ? ',' : ''})`;
        assert.ok(
          r.out.endsWith(
            `\nx.npy: a NumPy .npy file (np.save) of a ${f.npy!.dtype} array of shape ${shape}, read as the exact values it holds.\n`
          ),
          r.out
        );
      }
    }
  });

  it("--json's summary ends with what the .npy file held too", async () => {
    const c = fixture.cases[0];
    const f = c.files.find((g) => g.npy && g.verdict === 'match')!;
    const r = await cli(['compare', 'in.json', 'x.npy', '--json'], {
      'in.json': JSON.stringify(c.inputs),
      'x.npy': contents(f)
    });
    assert.match(
      JSON.parse(r.out).summary,
      /\nx\.npy: a NumPy \.npy file \(np\.save\) of a float32 array of shape \(4, 2\), read as the exact values it holds\.$/
    );
  });

  it('a .npy file from standard input', async () => {
    const c = fixture.cases[0];
    const f = c.files.find((g) => g.npy && g.verdict === 'match')!;
    const r = await runCliInMemory(
      ['compare', 'in.json', '-'],
      { 'in.json': JSON.stringify(c.inputs) },
      { stdin: contents(f) }
    );
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /\nBitwise equal: yes\n/);
  });

  for (const f of fixture.refused) {
    it(`refused in one line: ${f.name} (${f.says})`, async () => {
      const c = fixture.cases[0];
      const r = await cli(['compare', 'in.json', 'x.bin'], {
        'in.json': JSON.stringify(c.inputs),
        'x.bin': contents(f)
      });
      assert.equal(r.code, 2, r.out + r.err);
      assert.equal(r.out, '');
      assert.equal(r.err.trimEnd().split('\n').length, 1, r.err);
      assert.ok(r.err.startsWith('x.bin: '), r.err);
      assert.ok(r.err.includes(f.says), r.err);
    });
  }
});

describe('reading np.save and np.savetxt', () => {
  it('readNpy: the values NumPy saved, in row-major order whatever the file order and byte order', () => {
    const c = fixture.cases[0];
    const plain = readNpy(contents(c.files.find((f) => f.name === 'np.save(f, x.numpy())')!) as Uint8Array, 'x');
    assert.deepEqual(plain.shape, c.shape);
    for (const f of c.files.filter((g) => g.npy && g.verdict === 'match')) {
      const a = readNpy(contents(f) as Uint8Array, 'x');
      assert.deepEqual(a.shape, plain.shape, f.name);
      assert.deepEqual(Array.from(a.values), Array.from(plain.values), f.name);
    }
    // the transpose, saved in Fortran order: read as NumPy's a.T, whose [j, i] is x[i, j]
    const t = readNpy(contents(c.files.find((f) => f.name.startsWith('np.save(f, x.numpy().T)'))!) as Uint8Array, 'x');
    const [n, d] = c.shape;
    assert.deepEqual(t.shape, [d, n]);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) assert.equal(t.values[j * n + i], plain.values[i * d + j]);
  });

  it("a .npy file's -0.0 stays -0.0 in the text compared (its sign is a bit the bitwise rule compares)", async () => {
    for (const z of fixture.signedZeros) {
      const io = fakeCliIO({ 'z.npy': contents(z) });
      const { text } = await readPaste(io, 'z.npy');
      const p = parseTensorText(text, 'z.npy', { savetxt: true });
      assert.deepEqual(p.shape, z.shape, z.name);
      assert.deepEqual(
        Array.from(p.values, (v) => (Object.is(v, -0) || v < 0 ? 1 : 0)),
        z.signBits,
        z.name
      );
    }
  });

  it('np.savetxt text: rows of different lengths are refused naming the line', () => {
    const f = fixture.cases[0].files.find((g) => g.name === 'np.savetxt(f, x.numpy())')!;
    const lines = f.text!.split('\n');
    lines[2] = lines[2].split(' ')[0];
    assert.throws(
      () => parseTensorText(lines.join('\n'), 'pasted', { savetxt: true }),
      /^Error: pasted: line 3, column 1: expected 2 numbers like line 1 \(rows of numbers, as np\.savetxt writes them, are all as long\), found 1 number$/
    );
  });
});
