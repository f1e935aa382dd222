// `node dist/cli.js compare INPUT.json PASTED.txt [--json] [--profile P] [--rtol R --atol A]` through the
// CLI dispatcher with in-memory files. Pastes, indices and messages come from PyTorch
// (scripts/fixtures/compare.py -> test/fixtures/compare/verdicts.json).
import { strict as assert } from 'node:assert';
import { runCliInMemory, type CliRun } from '../helpers/cliInMemory';
import { verdicts, type Paste, type VerdictCase } from '../helpers/compareFixtures';

/** `compare` on in-memory files (`-` reads stdin); it must write no file. */
const cli = (argv: string[], files: Record<string, string>, stdin?: string): Promise<CliRun> =>
  runCliInMemory(argv, files, { stdin, writable: false });

function assertOneLineError(r: CliRun, pattern: RegExp): void {
  assert.equal(r.code, 2, r.out + r.err);
  assert.equal(r.out, '');
  assert.match(r.err, pattern);
  assert.equal(r.err.trimEnd().split('\n').length, 1, `one line: ${r.err}`);
  assert.doesNotMatch(r.err, /\n\s+at /);
}

const paste = (c: VerdictCase, kind: string): Paste => {
  const p = c.pastes.find((x) => x.kind === kind);
  assert.ok(p, `fixture paste "${kind}" in ${c.name}`);
  return p;
};

describe('cli compare', () => {
  const seed = verdicts.cases[0];
  const files = (c: VerdictCase, text: string): Record<string, string> => ({
    'in.json': JSON.stringify(c.inputs),
    'pasted.txt': text
  });

  it("exits 0 and says so when PyTorch's default print matches", async () => {
    const r = await cli(['compare', 'in.json', 'pasted.txt'], files(seed, paste(seed, 'default print').text));
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^Tensor-likes are equal at the printed precision!\n\nMismatched elements: 0 \/ 8 \(0\.0%\)\n/);
    assert.match(r.out, /\nRule: printed precision: /);
  });

  it('exits 1 and reports an altered print at the altered index', async () => {
    const p = paste(seed, 'altered by 1e-2, default print');
    const r = await cli(['compare', 'in.json', 'pasted.txt'], files(seed, p.text));
    assert.equal(r.code, 1, r.out + r.err);
    const [i, j] = p.mismatchIndices[0];
    assert.match(
      r.out,
      new RegExp(
        `Mismatched elements: 1 / 8 \\(12\\.5%\\)\\nGreatest absolute difference: \\S+ at index \\(${i}, ${j}\\)`
      )
    );
  });

  it('reads the paste from standard input with -', async () => {
    const r = await cli(
      ['compare', 'in.json', '-'],
      { 'in.json': JSON.stringify(seed.inputs) },
      paste(seed, 'tolist').text
    );
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^Tensor-likes are equal!/);
    assert.match(r.out, /\nBitwise equal: yes\n/);
  });

  it('--json prints the comparison as one JSON object with the mismatch indices', async () => {
    const c = verdicts.cases[1];
    const p = paste(c, 'altered by one ulp, precision 12');
    const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], files(c, p.text));
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.equal(j.rule, 'bitwise');
    assert.equal(j.matches, false);
    assert.deepEqual(j.mismatches, p.mismatchIndices);
    assert.deepEqual(j.shape, c.shape);
    assert.equal(j.expected.length, c.shape[0]);
    assert.equal(j.maxUlps, 1);
    assert.deepEqual(j.greatestAbs.index, p.mismatchIndices[0]);
    assert.equal(typeof j.summary, 'string');
  });

  it('--json marks the elements a summarised print left out as null', async () => {
    const c = verdicts.cases.find((x) => x.shape[0] * x.shape[1] > 1000)!;
    const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], files(c, paste(c, 'default print').text));
    assert.equal(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.expected[0][0] === null, false);
    assert.equal(j.expected[Math.floor(c.shape[0] / 2)][0], null);
    assert.match(j.shapeNote, /summarised/);
  });

  it("--rtol/--atol select the tolerance rule and print assert_close's message", async () => {
    const c = verdicts.cases[1];
    const p = paste(c, 'two altered, precision 12, tolerance');
    const r = await cli(['compare', 'in.json', 'pasted.txt', '--rtol', '1.3e-6', '--atol', '1e-5'], files(c, p.text));
    assert.equal(r.code, 1);
    assert.ok(r.out.startsWith(`${p.toleranceMessage}\n`), r.out);
  });

  it("names the profile that reproduces a paste made with PyTorch's portable kernel, and --profile uses it", async () => {
    const c = verdicts.cases.find((x) => x.pastes.some((q) => q.note === 'scalar'))!;
    const p = paste(c, 'scalar kernel, tolist');
    const r = await cli(['compare', 'in.json', 'pasted.txt'], files(c, p.text));
    assert.equal(r.code, 1);
    assert.match(r.out, /RNG profile: avx2-fma does not reproduce the paste; scalar does/);
    const s = await cli(['compare', 'in.json', 'pasted.txt', '--profile', 'scalar'], files(c, p.text));
    assert.equal(s.code, 0, s.out);
    assert.doesNotMatch(s.out, /RNG profile/);
  });

  it('compares the JSON that `sample --json` prints, bit for bit', async () => {
    const c = verdicts.cases[2];
    const sample = await cli(['sample', 'in.json', '--json'], { 'in.json': JSON.stringify(c.inputs) });
    assert.equal(sample.code, 0, sample.err);
    const r = await cli(['compare', 'in.json', 'pasted.txt'], files(c, sample.out));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Bitwise equal: yes/);
  });

  it('prints usage with --help', async () => {
    const r = await cli(['compare', '--help'], {});
    assert.equal(r.code, 0);
    assert.match(r.out, /^usage: node dist\/cli\.js compare INPUT\.json PASTED\.txt/);
  });

  describe('bad input: exit 2, one line on stderr', () => {
    const inputs = JSON.stringify(seed.inputs);
    it('missing arguments', async () =>
      assertOneLineError(await cli(['compare', 'in.json'], { 'in.json': inputs }), /^compare: missing PASTED\.txt/));
    it('a missing file', async () =>
      assertOneLineError(
        await cli(['compare', 'in.json', 'nope.txt'], { 'in.json': inputs }),
        /^nope\.txt: cannot read: no such file/
      ));
    it('unreadable paste text names the file, line and column', async () => {
      const r = await cli(['compare', 'in.json', 'pasted.txt'], {
        'in.json': inputs,
        'pasted.txt': 'tensor([[0.1, 0.2],\n        [0.3, oops]])'
      });
      assertOneLineError(r, /^pasted\.txt: line 2, column \d+/);
    });
    it('an empty paste', async () =>
      assertOneLineError(
        await cli(['compare', 'in.json', 'pasted.txt'], { 'in.json': inputs, 'pasted.txt': '  \n' }),
        /^pasted\.txt: empty/
      ));
    it('text with brackets and no printed tensor (a log line)', async () => {
      for (const text of ['Epoch [1/10] loss\n', 'shapes: [N, d]\n', 'x = [a, b]'])
        assertOneLineError(
          await cli(['compare', 'in.json', 'pasted.txt'], { 'in.json': inputs, 'pasted.txt': text }),
          /^pasted\.txt: no printed tensor found, only bracketed text that holds no list of numbers \(the first: `\[/
        );
    });
    it('a Python error instead of printed output (its message or traceback may hold brackets)', async () => {
      for (const text of [
        'RuntimeError: shape [4, 2] is invalid\n',
        'Traceback (most recent call last):\n  File "loop.py", line 3, in <module>\n    x = torch.tensor([1, 2]) @ w\nRuntimeError: mat1 and mat2 shapes cannot be multiplied (1x2 and 3x2)\n',
        'Traceback (most recent call last):\n  File "loop.py", line 9, in <module>\nValueError: bad\n',
        // IPython's traceback, whose source lines are marked (----> 5)
        "---------------------------------------------------------------------------\nRuntimeError                              Traceback (most recent call last)\nCell In[3], line 5\n      3 x = torch.randn(4, 2)\n----> 5 y = x.view([3, 3])\n\nRuntimeError: shape '[3, 3]' is invalid for input of size 8\n",
        // saved on Windows
        'Traceback (most recent call last):\r\n  File "loop.py", line 3, in <module>\r\n    x = torch.tensor([1, 2]) @ w\r\nRuntimeError: bad\r\n'
      ])
        assertOneLineError(
          await cli(['compare', 'in.json', 'pasted.txt'], { 'in.json': inputs, 'pasted.txt': text }),
          /^pasted\.txt: a Python error \((?:RuntimeError|ValueError): [^)]*\)?\), not printed output: paste what the loop prints/
        );
    });
    it("prints before an interrupted loop's traceback are compared; a label that ends in Error is no error", async () => {
      const text = paste(seed, 'default print').text;
      const interrupted = await cli(['compare', 'in.json', 'pasted.txt'], {
        'in.json': inputs,
        'pasted.txt': `${text}\nTraceback (most recent call last):\n  File "loop.py", line 3, in <module>\n    x = x + w[[0, 1]]\nKeyboardInterrupt\n`
      });
      assert.equal(interrupted.code, 0, interrupted.out + interrupted.err);
      const labelled = await cli(['compare', 'in.json', 'pasted.txt'], {
        'in.json': inputs,
        'pasted.txt': `MeanError: ${text}`
      });
      assert.equal(labelled.code, 0, labelled.out + labelled.err);
    });
    it('the arguments the other way round: says so', async () =>
      assertOneLineError(
        await cli(['compare', 'pasted.txt', 'in.json'], {
          'in.json': inputs,
          'pasted.txt': paste(seed, 'default print').text
        }),
        /^compare: pasted\.txt holds printed output and in\.json holds inputs: give the inputs first \(compare in\.json pasted\.txt\)\n$/
      ));
    it('the arguments the other way round, the paste on standard input: the order in words', async () =>
      assertOneLineError(
        await cli(['compare', '-', 'in.json'], { 'in.json': inputs }, paste(seed, 'default print').text),
        /^compare: standard input holds printed output and in\.json holds inputs: give the inputs first \(compare INPUT\.json PASTED\.txt\)\n$/
      ));
    it('bad inputs', async () =>
      assertOneLineError(
        await cli(['compare', 'in.json', 'pasted.txt'], { 'in.json': '{"w_model": 1}', 'pasted.txt': 'tensor([1.])' }),
        /^\S/
      ));
    it('a bad tolerance', async () =>
      assertOneLineError(
        await cli(['compare', 'in.json', 'pasted.txt', '--rtol', 'abc'], {
          'in.json': inputs,
          'pasted.txt': 'tensor([1.])'
        }),
        /^--rtol: expected a number >= 0, got "abc"/
      ));
    for (const [given, missing] of [
      ['--rtol', '--atol'],
      ['--atol', '--rtol']
    ])
      it(`${given} without ${missing} (torch.testing.assert_close takes both or neither)`, async () =>
        assertOneLineError(
          await cli(['compare', 'in.json', 'pasted.txt', given, '1e-5'], {
            'in.json': inputs,
            'pasted.txt': 'tensor([1.])'
          }),
          new RegExp(
            `^compare: --rtol and --atol go together or not at all, as in torch\\.testing\\.assert_close; got no ${missing}\n$`
          )
        ));
    for (const bad of ['0x10', 'Infinity', '1_0', ''])
      it(`a tolerance not written in decimal: ${JSON.stringify(bad)}`, async () =>
        assertOneLineError(
          await cli(['compare', 'in.json', 'pasted.txt', '--atol', bad], {
            'in.json': inputs,
            'pasted.txt': 'tensor([1.])'
          }),
          new RegExp(`^--atol: expected a number >= 0, got ${JSON.stringify(JSON.stringify(bad)).slice(1, -1)}`)
        ));
    it('an unknown profile', async () =>
      assertOneLineError(
        await cli(['compare', 'in.json', 'pasted.txt', '--profile', 'gpu'], {
          'in.json': inputs,
          'pasted.txt': 'tensor([1.])'
        }),
        /^--profile: unknown profile "gpu"/
      ));
    it('both from standard input', async () =>
      assertOneLineError(await cli(['compare', '-', '-'], {}, ''), /only one of INPUT\.json and PASTED\.txt can be -/));
  });
});

describe('cli compare: the output of a loop run in float64 (x, weights and schedule .double())', () => {
  const f = verdicts.float64Loop;
  for (const p of f.pastes) {
    it(`${p.kind}: not our float32 sample, though each value rounds to it (it read as bitwise equal)`, async () => {
      const r = await cli(['compare', 'in.json', 'pasted.txt'], { 'in.json': f.inputsText, 'pasted.txt': p.text });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /Bitwise equal: no/);
      assert.match(r.out, /Mismatched elements: 4 \/ 4 /);
      assert.match(
        r.out,
        p.kind === 'precision 12'
          ? /Rule: printed precision: the paste is a print of a float64 tensor with 12 decimals, which do not identify a float64 value/
          : /The pasted values are float64 \(the loop that printed them ran in float64/
      );
      // the differences to the printed values, not to their float32 roundings (which are ours: 0.0)
      const abs = /Greatest absolute difference: (\S+)/.exec(r.out);
      assert.ok(abs && Number(abs[1]) > 0, r.out);
      // exact values close to the correct loop: no mistake needed, and the float64 loop named as the likely cause
      if (p.kind === 'tolist')
        assert.match(
          r.out,
          /\nDiagnosis: [^\n]*none is needed: the correct loop is within [^\n]* \(at most 0 ulps apart once its float64 values are rounded to float32\), as the correct loop run in float64 is \(the pasted values are float64: /
        );
    });
  }
});

describe('cli compare: a float32 sample printed as x.double() (a float64 print of float32 values)', () => {
  const f = verdicts.doublePrints;
  for (const p of f.pastes) {
    it(`${p.kind}: judged by its printed digits, ${p.matches ? 'matching' : 'not matching, and diagnosed'}`, async () => {
      const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], {
        'in.json': f.inputsText,
        'pasted.txt': p.text
      });
      const j = JSON.parse(r.out) as {
        matches: boolean;
        rule: string;
        bitwiseEqual: boolean | null;
        diagnosis: { id: string }[];
        summary: string;
      };
      assert.equal(r.code, p.matches ? 0 : 1, j.summary);
      assert.equal(j.rule, 'printed-precision', j.summary);
      assert.match(j.summary, /converted to float64 \(as x\.double\(\) does\)/);
      if (p.matches) {
        assert.match(j.summary, /Bitwise equal: cannot tell: the pasted digits do not identify float64 values/);
        assert.equal(j.bitwiseEqual, null, 'the JSON says what the summary says: cannot tell');
      } else
        assert.deepEqual(
          j.diagnosis.map((d) => d.id),
          ['step-seed-plus-t'],
          j.summary
        );
    });
  }
});

describe('cli compare: a float64 schedule made from the decimals of the inputs file', () => {
  const w = verdicts.writtenFloat64;
  for (const p of w.pastes) {
    it(`${p.kind}: the diagnosis names schedule-float64 (torch.tensor(decimals, dtype=torch.float64))`, async () => {
      const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], {
        'in.json': w.inputsText,
        'pasted.txt': p.text
      });
      const j = JSON.parse(r.out) as { matches: boolean; diagnosis: { id: string }[]; summary: string };
      assert.equal(r.code, 1, j.summary);
      assert.ok(
        j.diagnosis.some((d) => d.id === 'schedule-float64'),
        `${j.diagnosis.map((d) => d.id).join(', ')}: ${j.summary}`
      );
    });
  }
  it('an inputs file that starts with a byte order mark (saved on Windows): the same diagnosis', async () => {
    const r = await cli(['compare', 'in.json', 'pasted.txt', '--json'], {
      'in.json': '\uFEFF' + w.inputsText,
      'pasted.txt': w.pastes[0].text
    });
    const j = JSON.parse(r.out) as { diagnosis: { id: string }[]; summary: string };
    assert.equal(r.code, 1, j.summary);
    assert.ok(
      j.diagnosis.some((d) => d.id === 'schedule-float64'),
      `${j.diagnosis.map((d) => d.id).join(', ')}: ${j.summary}`
    );
  });
});
