// The comparison put together (src/core/compare/compare.ts): real sampler outputs against PyTorch's prints of
// them, from scripts/fixtures/compare.py (test/fixtures/compare/verdicts.json). Real sampler outputs printed by
// PyTorch must match, altered prints must mismatch exactly where they were altered, and a paste made with
// PyTorch's portable kernel (ATEN_CPU_CAPABILITY=default) must be traced to the 'scalar' profile.
import { strict as assert } from 'node:assert';
import { compareRun, compareSample } from '../../../../src/core/compare/compare';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';
import type { RngProfile } from '../../../../src/core/types';
import { fromBits } from '../../helpers/bits';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import { assertCloseBlock, mismatchIndices, verdicts } from '../../helpers/compareFixtures';
import { diagnosisHeading } from '../../../../src/core/compare/summaryText';
import { decodeRunResult, encodeRunResult } from '../../../../src/core/run/runCodec';
import { float32ToBits, roundToBfloat16, roundToFloat16 } from '../../../../src/core/float32';

describe('compare: real sampler outputs against PyTorch prints', () => {
  for (const c of verdicts.cases) {
    describe(c.name, () => {
      const { inputs } = readInputs(c.inputs);
      const run = runSampler(inputs, { record: { kind: 'none' } });

      it("our sample is PyTorch's (the premise of every verdict below)", () => {
        const theirs = fromBits(c.avx2fma);
        run.sample.data.forEach((v, k) =>
          assert.ok(Object.is(v, theirs[k]), `element ${k}: ours ${v}, PyTorch ${theirs[k]}`)
        );
      });

      for (const p of c.pastes) {
        it(`${p.kind}: ${p.matches ? 'matches' : 'does not match'}`, () => {
          const r = compareRun(inputs, run, p.text);
          // A reshaped paste holds PyTorch's values in another shape: the fixture records that its values are ours
          // (matches: true). Such a paste used to count as a match; it is now a mismatch, as assert_close fails on
          // the shape, with a line saying that the values agree (README "Comparing with PyTorch's output").
          const expectMatch = p.note === 'reshaped' ? false : p.matches;
          assert.equal(r.matches, expectMatch, r.summary);
          if (p.mismatchIndices.length > 0) assert.deepEqual(mismatchIndices(r), p.mismatchIndices);
          if (p.note === 'scalar') {
            // made by PyTorch's portable kernel: our default profile does not match, the scalar one does
            assert.ok(r.profileSearch, 'profile search ran');
            assert.ok(r.profileSearch.matching.includes('scalar'), r.summary);
            assert.ok(!r.profileSearch.matching.includes('avx2-fma'));
            assert.match(r.summary, /RNG profile: avx2-fma does not reproduce the paste; .*scalar/);
            const scalarRun = runSampler(inputs, { profile: 'scalar' as RngProfile, record: { kind: 'none' } });
            assert.equal(compareRun(inputs, scalarRun, p.text).matches, true);
          }
          if (p.kind === 'default print' || p.kind === 'sci_mode=True') {
            assert.equal(r.rule, 'printed-precision', r.ruleExplanation);
            assert.equal(r.bitwiseEqual, false);
            assert.match(r.summary, /Bitwise equal: cannot tell/);
          }
          if (p.kind === 'precision 12' || p.kind === 'tolist' || p.kind === 'sci_mode=True precision 10') {
            assert.equal(r.rule, 'bitwise', r.ruleExplanation);
            assert.equal(r.bitwiseEqual, true);
            assert.equal(r.maxUlps, 0);
            assert.match(r.summary, /Bitwise equal: yes/);
          }
          if (p.matches) assert.equal(r.mismatched, 0);
          else if (p.note !== 'overlap') assert.ok(r.mismatched > 0);
          if (!r.matches)
            assert.ok(r.firstDivergence && r.firstDivergence.step === 0, 'a paste of the sample diverges after step 0');
          else assert.equal(r.firstDivergence, null);
          if (p.note === 'overlap') {
            // a cut paste: compared where it overlaps, never a match; assert_close's shape message first
            assert.ok(r.shapeNote && r.compared > 0 && r.compared < run.sample.data.length, r.shapeNote);
            assert.equal(r.summary.split('\n')[0], p.toleranceMessage);
          } else if (p.toleranceMessage !== null) {
            const t = compareSample(run.sample, p.text, { rtol: 1.3e-6, atol: 1e-5 });
            assert.equal(t.rule, 'tolerance');
            assert.equal(assertCloseBlock(t.summary), p.toleranceMessage);
          }
          if (p.note === 'reshaped') {
            assert.match(
              r.shapeNote ?? '',
              new RegExp(
                `^the ${run.sample.data.length} values agree in row-major order; the shapes differ: \\(${run.sample.data.length},\\) pasted vs \\(${c.shape[0]}, ${c.shape[1]}\\) ours\\.$`
              )
            );
            assert.match(r.summary, /^The values for attribute 'shape' do not match/);
            assert.deepEqual(r.diagnosis, [], 'a shape mismatch is not diagnosed');
            assert.equal(r.diagnosisNote, 'not run: the paste does not have our shape.');
            assert.match(r.summary, /\nDiagnosis: not run: the paste does not have our shape\.$/);
          }
          if (r.known && p.note !== 'overlap') {
            // a summarised print: only the printed rows/columns are compared, and they are laid where they belong
            assert.match(r.shapeNote ?? '', /summarised/);
            assert.ok(r.compared < run.sample.data.length);
            const total = run.sample.data.length;
            assert.equal(r.known[0], 1);
            assert.equal(r.known[total - 1], 1);
            r.known.forEach((k, i) => {
              if (k) assert.equal(Math.fround(r.expected.data[i]), r.expected.data[i]);
              else assert.ok(Number.isNaN(r.expected.data[i]) && !r.mismatchMask[i]);
            });
          }
        });
      }
    });
  }
});

describe('compare: a print another RNG profile gives, at a precision a loop mistake gives it too', () => {
  it('names the profile and the diagnosis, and says both fit (PyTorch: a float64 schedule, and its portable kernel)', () => {
    const { inputs } = readInputs(verdicts.ambiguousProfile.inputs);
    const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), verdicts.ambiguousProfile.text);
    assert.equal(r.matches, false);
    assert.deepEqual(r.profileSearch?.matching, ['scalar'], r.summary);
    assert.ok((r.diagnosis ?? []).length > 0, r.summary);
    assert.match(r.summary, /\nDiagnosis: your output is at the printed precision what Algorithm 2 gives/);
    assert.match(
      r.summary,
      /\nBoth fit: at the paste's precision the other profile above and this mistake give the same print/
    );
  });

  it('a print whose digits identify the values: the profile alone (tolist of the portable kernel)', () => {
    const c = verdicts.cases.find((x) => x.pastes.some((q) => q.kind === 'scalar kernel, tolist'))!;
    const { inputs } = readInputs(c.inputs);
    const p = c.pastes.find((q) => q.kind === 'scalar kernel, tolist')!;
    const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
    assert.deepEqual(r.profileSearch?.matching, ['scalar'], r.summary);
    assert.deepEqual(r.diagnosis, []);
    assert.doesNotMatch(r.summary, /Both fit/);
  });
});

describe('compare: a float16 or bfloat16 print (fixtures from PyTorch)', () => {
  const { inputs } = readInputs(JSON.parse(verdicts.halfPastes.inputsText));
  for (const p of verdicts.halfPastes.pastes) {
    it(`${p.dtype}, ${p.of}: named, and ${p.oursPrintsSo ? 'said to be our sample converted' : 'not ours converted either'}`, () => {
      const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, false, 'no float32 sample is a half tensor');
      assert.ok(r.summary.includes(`The pasted tensor is ${p.dtype} (dtype=torch.${p.dtype})`), r.summary);
      const method = p.dtype === 'float16' ? 'x.half()' : 'x.bfloat16()';
      assert.ok(
        r.summary.includes(
          p.oursPrintsSo
            ? `our sample converted to ${p.dtype} (${method}) prints as your paste`
            : `our sample converted to ${p.dtype} (${method}) does not print as your paste either`
        ),
        r.summary
      );
    });
  }

  it('a float32 print says nothing of half precision', () => {
    const r = compareRun(
      inputs,
      runSampler(inputs, { record: { kind: 'none' } }),
      verdicts.halfPastes.pastes[1].text.replace(/, dtype=torch.float16/, '')
    );
    assert.doesNotMatch(r.summary, /float16|bfloat16/);
  });

  it("roundToFloat16 and roundToBfloat16 give PyTorch's x.half() and x.bfloat16(), bit for bit", () => {
    const { values, float16, bfloat16 } = verdicts.halfPastes.conversions;
    const xs = fromBits(values);
    const bitsOf = (f: (v: number) => number): number[] => Array.from(xs, (v) => float32ToBits(f(v)));
    // nan as any nan (JavaScript does not keep nan payloads)
    const norm = (bs: number[]): number[] => bs.map((b) => ((b & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : b));
    assert.deepEqual(norm(bitsOf(roundToFloat16)), norm(float16));
    assert.deepEqual(norm(bitsOf(roundToBfloat16)), norm(bfloat16));
  });
});

describe('compare: a list of 1-D prints (fixtures from PyTorch and NumPy)', () => {
  const { inputs } = readInputs(JSON.parse(verdicts.listPastes.inputsText));
  // the rows as a list (print(list(x))) or one a line (for row in x: print(row)): each says how it was read
  const LIST =
    '\nRead as one (4, 2) matrix: the paste is a list of its 4 rows, each printed on its own (print(list(x))).';
  const LINES =
    '\nRead as one (4, 2) matrix: the paste is its 4 rows, each printed on a line of its own (for row in x: print(row)).';
  for (const [p, note] of [
    ...verdicts.listPastes.pastes.map((q) => [q, LIST] as const),
    ...verdicts.listPastes.lines.map((q) => [q, LINES] as const)
  ]) {
    it(`${p.kind}: ${p.matrix ? 'the rows of one matrix' : "one sample's states"}, ${p.matches ? 'matching' : 'not matching'}`, () => {
      const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, p.matches, r.summary);
      assert.equal(r.summary.endsWith(note), p.matrix, r.summary);
      assert.equal(r.steps === undefined, p.matrix, 'a matrix is no step-by-step paste');
      if (p.matrix) assert.equal(r.compared, 8);
    });
  }
  const sci = readInputs(JSON.parse(verdicts.listPastes.sci.inputsText)).inputs;
  for (const p of verdicts.listPastes.sci.pastes) {
    it(`${p.kind}: each row judged as it was printed, ${p.matches ? 'matching' : 'not matching'}`, () => {
      const r = compareRun(sci, runSampler(sci, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, p.matches, r.summary);
      assert.equal(r.compared, 8, r.summary);
      if (/scientific notation/.test(p.kind))
        assert.match(
          r.summary,
          /\nRule: printed precision: the paste's numbers were printed by PyTorch in more than one style/
        );
    });
  }
  const one = readInputs(JSON.parse(verdicts.listPastes.one.inputsText)).inputs;
  for (const p of verdicts.listPastes.one.pastes) {
    it(`${p.kind}: a list of one row is the (1, 2) sample, ${p.matches ? 'matching' : 'not matching'}`, () => {
      const r = compareRun(one, runSampler(one, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, p.matches, r.summary);
      assert.equal(r.compared, 2, r.summary);
      assert.equal(r.shapeNote, undefined, r.summary);
      assert.ok(
        r.summary.endsWith(
          '\nRead as one (1, 2) matrix: the paste is a list of its one row, printed on its own (print(list(x))).'
        ),
        r.summary
      );
    });
  }
  it('x[0] of each state of an N = 1 loop (shape (2,)): every value agrees, and the diagnosis says the shape differs, not the seed', () => {
    const r = compareRun(one, runSampler(one, { record: { kind: 'none' } }), verdicts.listPastes.one.states);
    assert.equal(r.matches, false);
    assert.ok(r.steps?.prints.every((p) => p.compared === 2 && p.mismatched === 0));
    assert.equal(
      r.diagnosisNote,
      'not run: the first divergent print differs in its shape only, and its values agree with ours in row-major order: print x itself, of shape (1, 2).'
    );
  });
  const wide = readInputs(JSON.parse(verdicts.listPastes.wide.inputsText)).inputs;
  for (const p of verdicts.listPastes.wide.pastes) {
    it(`${p.kind}: the rows of one matrix, ${p.matches ? 'matching' : 'not matching'} (no steps reading: more prints than states)`, () => {
      const r = compareRun(wide, runSampler(wide, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, p.matches, r.summary);
      assert.ok(r.summary.includes('Read as one (9, 2) matrix: the paste is a list of its 9 rows'), r.summary);
      assert.equal(r.compared, 18);
      if (!p.matches) assert.ok(r.mismatched > 0);
    });
  }
  for (const p of verdicts.listPastes.dictPastes) {
    it(`${p.kind}: the tensor print in a Python dict's print is the paste, ${p.matches ? 'matching' : 'not matching'}`, () => {
      const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, p.matches, r.summary);
      assert.equal(r.compared, 8, r.summary);
      assert.equal(r.steps?.stepsNote, '1 print, taken as the sample, x after the last step (t = 0).');
    });
  }
});

describe('compare: bitwise equality of a summarised print says it is of the values shown', () => {
  for (const c of verdicts.cases) {
    const p = c.pastes.find((q) => q.kind === 'precision 12')!;
    const summarised = p.text.includes('...');
    it(`${c.name}, precision 12: ${summarised ? 'the values shown' : 'every value'}`, () => {
      const { inputs } = readInputs(c.inputs);
      const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), p.text);
      assert.equal(r.matches, true, r.summary);
      const line = /^Bitwise equal: (.*)$/m.exec(r.summary)?.[1];
      const total = c.shape[0] * c.shape[1];
      assert.equal(line, summarised ? `yes, for the ${r.compared} values shown (of ${total})` : 'yes');
      if (summarised) assert.ok(r.compared < total);
    });
  }
});

describe("compare: a step-by-step paste among the other lines a loop prints (PyTorch's console)", () => {
  for (const c of verdicts.logLinePastes) {
    const { inputs } = readInputs(c.inputs);
    const T = inputs.betas.length;
    it(`N=${inputs.n} d=${inputs.d} T=${T}: the prints of x are picked out, x after every step, and match`, () => {
      const run = runSampler(inputs, { record: { kind: 'none' } });
      assert.deepEqual(Array.from(run.sample.data), Array.from(fromBits(c.sample)));
      const r = compareRun(inputs, run, c.text);
      assert.equal(r.matches, true, r.summary);
      assert.equal(r.steps?.prints.length, T);
      assert.equal(r.firstDivergence, null);
      // the scalar prints (t, x.mean() and the final mean) are of another shape; the progress texts are no numbers
      assert.match(
        r.steps!.stepsNote,
        new RegExp(
          `Left out as other lines: ${2 * T + 1} prints of another shape .*; ${2 * T} bracketed texts that hold no list of numbers\\.$`
        )
      );
    });
  }
});

describe('compare: a correct loop that printed x elsewhere in the loop gets a hint, not a diagnosis', () => {
  const hints: Record<string, RegExp> = {
    'top of the loop':
      /\nHint: every print is the correct loop's x before a step \(print\(x\) at the top of the loop body/,
    'after each step and after the loop':
      /\nHint: the last two prints are both the correct loop's sample x_0, and without the last one every print is the correct loop's/,
    // the same, printed another way the second time
    "after each step, then the sample's tolist()":
      /\nHint: the last two prints are both the correct loop's sample x_0, and without the last one every print is the correct loop's/
  };
  /** A placement paste (its text changed by `edit`) compared with the correct run of its inputs. */
  const judgePlacement = (kind: string, edit = (text: string) => text) => {
    const c = verdicts.placementPastes.find((p) => p.kind === kind)!;
    const { inputs } = readInputs(c.inputs);
    return compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), edit(c.text));
  };
  for (const kind of Object.keys(hints)) {
    it(`${kind}, without the step labels`, () => {
      const r = judgePlacement(kind, (text) => text.replace(/^t = \d+\n/gm, ''));
      assert.equal(r.matches, false);
      assert.match(r.summary, hints[kind]);
    });
  }

  it("after each step, then the sample's tolist(), with the step labels: read by the labels, the last print the sample (x_0 again), and every print matches", () => {
    const r = judgePlacement("after each step, then the sample's tolist()");
    assert.equal(r.matches, true, r.summary);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [5, 4, 3, 2, 1, 0, 0]
    );
  });

  it('x_T printed before the loop and the sample after it: read as x_T and x_0, and they match', () => {
    const r = judgePlacement('x_T before the loop and the sample after it');
    assert.equal(r.matches, true, r.summary);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [null, 0]
    );
  });

  it('top of the loop, with its step labels: the labels say x before each step, every print matches, but no sample', () => {
    const r = judgePlacement('top of the loop');
    assert.equal(r.matches, false, r.summary);
    assert.ok(r.steps?.prints.every((p) => p.matches));
    assert.match(
      r.summary,
      /\nNot a match: the paste ends at x after step 1 and has no sample \(x after step 0\) to compare; every print matches\. A loop over range\(T - 1, 0, -1\) stops there, leaving the step t = 0 out, and print\(x\) at the top of the loop body ends there too; if yours ran it, paste x after it too\.$/
    );
    assert.match(
      r.steps!.stepsNote,
      /^6 prints, taken as x before the steps their labels name \(t = 5, 4, 3, 2, 1, 0, each label written before its print\): print\(x\) at the top/
    );
  });
});

describe('compare: a summarised print in another shape', () => {
  it('says how many values the print shows, not that both hold that many', () => {
    const { inputs } = readInputs({ ...(verdicts.cases[0].inputs as object), shape: [600, 2] });
    const run = runSampler(inputs, { record: { kind: 'none' } });
    // x.T as PyTorch prints it (printTensor.ts reproduces PyTorch's print, checked against its fixtures)
    const t = new Float32Array(1200);
    for (let i = 0; i < 600; i++) for (let j = 0; j < 2; j++) t[j * 600 + i] = run.sample.data[i * 2 + j];
    const r = compareRun(inputs, run, formatTensorF32(t, [2, 600]));
    assert.equal(r.matches, false);
    assert.match(
      r.summary,
      /the shapes differ: \(2, \.\.\.\) pasted vs \(600, 2\) ours; the 12 values the print shows, compared/
    );
  });
});

describe('compare: prints every few steps, labelled with their step', () => {
  const paste = (kind: string) => verdicts.labelledPastes.find((p) => p.kind === kind)!;
  const judge = (kind: string) => {
    const c = paste(kind);
    const { inputs } = readInputs(c.inputs);
    return compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), c.text);
  };
  /** No match, the first divergence at print step `first`, and the seed + t mistake diagnosed. */
  const assertSeedPlusT = (r: ReturnType<typeof judge>, first: number): void => {
    assert.equal(r.matches, false);
    assert.equal(r.firstDivergence?.step, first, r.summary);
    assert.ok(
      r.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
      r.summary
    );
  };
  /** The paste `kind` matches, its prints read as x at `steps`. */
  const assertMatchesAt = (kind: string, steps: readonly (number | null)[]): ReturnType<typeof judge> => {
    const r = judge(kind);
    assert.equal(r.matches, true, `${kind}: ${r.summary}`);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      steps,
      `${kind}: ${r.steps?.stepsNote}`
    );
    return r;
  };

  for (const [kind, steps] of [
    ['one-based loop, t = L labels, every 5', [19, 14, 9, 4]],
    ['one-based loop, print(t, x) every step', Array.from({ length: 20 }, (_, k) => 19 - k)]
  ] as const) {
    it(`${kind}: its labels read as a loop over t = T..1 counts them, and the one-based loop diagnosed`, () => {
      const r = judge(kind);
      assert.equal(r.matches, false);
      assert.deepEqual(
        r.steps?.prints.map((p) => p.step),
        steps
      );
      assert.equal(r.firstDivergence?.step, 19, r.summary);
      assert.deepEqual(
        r.diagnosis?.map((d) => d.id),
        ['one-based-loop'],
        r.summary
      );
      assert.match(
        r.steps!.stepsNote,
        /^\d+ prints, taken as x after our steps t = 19, .*: their labels \(t = 20, .*\) are the t of a loop over t = 20\.\.1, one more than ours, the reading under which the diagnosis reproduces the prints/
      );
      assert.doesNotMatch(r.summary, /x_T already differs/);
    });
  }

  it('after the step, x_T first unlabelled: the labels say which steps, and every print matches', () => {
    const r = judge('after the step, every 5, x_T first');
    assert.equal(r.matches, true, r.summary);
    // PyTorch's 4 decimals do not identify these float32 values: the whole comparison cannot tell (its JSON says null)
    assert.match(r.summary, /\nBitwise equal: cannot tell: /);
    assert.equal(r.bitwiseEqual, false);
    assert.equal(r.bitwiseUnknown, true);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [null, 15, 10, 5, 0]
    );
    assert.equal(
      r.steps?.stepsNote,
      '5 prints, taken as x_T (the first), then x after the steps their labels name (t = 15, 10, 5, 0, each label written before its print).'
    );
  });

  it('a loop that stops before t = 0 (labels down to t = 1): every print matches, but no sample, so no match', () => {
    const r = judge('a loop stopping before t = 0, labelled every step, x_T first');
    assert.equal(r.matches, false, r.summary);
    assert.equal(r.firstDivergence, null);
    assert.equal(r.bitwiseEqual, false);
    assert.equal(r.bitwiseUnknown, undefined);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [null, ...Array.from({ length: 19 }, (_, k) => 19 - k)]
    );
    assert.ok(r.steps?.prints.every((p) => p.matches));
    assert.match(
      r.summary,
      /\nNot a match: the paste ends at x after step 1 and has no sample \(x after step 0\) to compare; every print matches\. A loop over range\(T - 1, 0, -1\) stops there, leaving the step t = 0 out, and print\(x\) at the top of the loop body ends there too; if yours ran it, paste x after it too\.$/
    );
    // the same prints unlabelled read as x before each step, and the hint names the early stop too
    const c = paste('a loop stopping before t = 0, labelled every step, x_T first');
    const { inputs } = readInputs(c.inputs);
    const bare = c.text.replace(/^t = \d+\n/gm, '');
    const u = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), bare);
    assert.equal(u.matches, false);
    assert.match(
      u.summary,
      /\nHint: every print is the correct loop's x before a step .* A loop that stops before t = 0 \(range\(T - 1, 0, -1\)\) and prints x after each step gives the same prints/
    );
  });

  for (const kind of [
    'x_t labels, every 5',
    'x[t] labels, every 5',
    'iteration i/T labels, every 5',
    "print({'t': t, 'x': x}) every 5",
    'print((t, x)) every 5',
    "print(f'{t}:', x) every 5",
    'framed step lines, every 5'
  ]) {
    it(`${kind}: the labels are read, and the correct loop matches at t = 15, 10, 5, 0`, () => {
      assertMatchesAt(kind, [15, 10, 5, 0]);
    });
  }

  it("labelled down to t = 0, then print('x_0 =', x) after the loop: the repeated x_0 read as the sample again", () => {
    assertMatchesAt("x_{t} labels every 5 down to t = 0, then print('x_0 =', x) after the loop", [15, 10, 5, 0, 0]);
  });

  it('a t label wins over an x-index label in the same lines (a row printed as x[0] = ...)', () => {
    assertMatchesAt('t labels, a row printed as x[0] = ... before each x, every 5', [15, 10, 5, 0]);
  });

  it("a log line's iter 500 before x_T is no step: x_T is read as unlabelled, the t labels after it", () => {
    assertMatchesAt('a log line iter 500 before x_T, then t labels every 5', [null, 15, 10, 5, 0]);
  });

  it('x_{t} labels of a loop with the seed + t mistake: the first divergence at t = 15, and the mistake named', () => {
    assertSeedPlusT(judge('x_{t} labels, every 5, seed + t mistake'), 15);
  });

  for (const [kind, hint] of [
    ['unlabelled, every 5', "the correct loop's x every 5 steps (t = 15, 10, 5, 0)"],
    ['unlabelled, every 5, x_T first', "the correct loop's x_T and then its x every 5 steps (t = 15, 10, 5, 0)"]
  ] as const) {
    it(`${kind}: taken as the last steps (no labels), and a hint names the steps that fit`, () => {
      const r = judge(kind);
      assert.equal(r.matches, false);
      assert.ok(
        r.summary.endsWith(
          `\nHint: the prints are ${hint}, not x after the last steps as they were taken: label each print with its step (print(f"t = {t}") before it) and they are read so.`
        ),
        r.summary
      );
    });
  }

  it('x_T, every step, and the sample printed again after the loop (T + 2 prints): the repeat left out, and a match', () => {
    const r = assertMatchesAt('unlabelled, x_T, every step, then the sample again', [
      null,
      ...Array.from({ length: 20 }, (_, k) => 19 - k)
    ]);
    assert.match(
      r.steps!.stepsNote,
      / The last print repeats the one before it \(x printed once more after the loop\) and is left out\.$/
    );
  });

  it('a first divergent print of another shape: its shape note ends the line with one full stop', () => {
    const c = paste('after the step, every 5, x_T first');
    const { inputs } = readInputs(c.inputs);
    // each print cut to its first row (PyTorch's text, one row of it): shape (1, 2), not (4, 2)
    const firstRow = c.text.replace(/(tensor\(\[\[[^\]]*\])[^]*?\]\)/g, '$1])');
    assert.notEqual(firstRow, c.text);
    const r = compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), firstRow);
    const line = r.summary.split('\n').find((l) => l.startsWith('First divergence:'))!;
    assert.match(
      line,
      /^First divergence: x_T \(the initial noise\) \(print 1 of 5\): the paste has shape \(1, 2\) but ours is \(4, 2\); .*[^.]\.$/
    );
    assert.doesNotMatch(line, /\.\.$/);
  });

  it('a list of one tensor updated in place (every entry its last state): a hint says so, not only x_T', () => {
    const r = judge('a list of one tensor updated in place, x_T and every step');
    assert.equal(r.matches, false);
    assert.match(
      r.summary,
      /\nHint: all 21 prints hold the same values, and they are the correct loop's sample x_0: a list of one tensor updated in place \(x -= \.\.\., x \*= \.\.\., then xs\.append\(x\)\) shows its last state in every entry\. Append x\.clone\(\), or print x after each step\.$/
    );
  });

  it('one labelled print of a loop that stops before t = 0 (t = 10 of 20): it matches, but no sample, so no match', () => {
    const r = judge('a loop stopping before t = 0, printing when t % 10 == 0: one labelled print');
    assert.equal(r.matches, false, r.summary);
    assert.deepEqual(
      r.steps?.prints.map((p) => [p.step, p.matches]),
      [[10, true]]
    );
    assert.match(r.summary, /\nNot a match: the paste ends at x after step 10 and has no sample/);
  });

  it('at the top of the loop body: the labels are x before the step, as only that fits every print; no sample', () => {
    const r = judge('top of the loop body, every 5');
    assert.equal(r.matches, false, r.summary);
    assert.ok(r.steps?.prints.every((p) => p.matches));
    assert.match(
      r.summary,
      /\nNot a match: the paste ends at x after step 5 and has no sample \(x after step 0\) to compare; every print matches\. Paste x after step 0 too \(print\(x\) after the loop\)\.$/
    );
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [null, 15, 10, 5]
    );
    assert.match(
      r.steps!.stepsNote,
      /^4 prints, taken as x before the steps their labels name \(t = 19, 14, 9, 4, each label written before its print\): print\(x\) at the top/
    );
  });

  it('labelled down to t = 0, then print(x) after the loop: the last print is the sample, x_0 again', () => {
    for (const [kind, steps] of [
      ['labelled every 5 down to t = 0, then the sample unlabelled', [15, 10, 5, 0, 0]],
      ['top of the loop body labelled every 5 down to t = 0, then the sample unlabelled', [16, 11, 6, 1, 0]]
    ] as const) {
      const r = assertMatchesAt(kind, steps);
      assert.match(r.steps!.stepsNote, /the last, unlabelled, the sample: t = 0\)/, kind);
    }
  });

  it('the step printed bare (print(t, x), print(t) then print(x), a tensor t, print(x, t)): read as the labels', () => {
    for (const kind of [
      'print(t, x) every 5',
      'print(t) then print(x) every 5',
      'print(t) of a tensor t then print(x) every 5',
      'print(x, t) every 5'
    ])
      assert.doesNotMatch(assertMatchesAt(kind, [15, 10, 5, 0]).steps!.stepsNote, /Left out/, kind);
    const wrong = judge('print(t, x) every 5, seed + t mistake');
    assertSeedPlusT(wrong, 15);
  });

  it('a mistaken loop printing at the top of its body, labelled: x before the labelled steps, diagnosed', () => {
    // its first print (x_16) differs under x after the labelled steps too: the reading the diagnosis reproduces
    const r = judge('top of the loop body labelled every 5, seed + t mistake');
    assert.equal(r.matches, false);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [16, 11, 6, 1],
      r.steps?.stepsNote
    );
    assert.equal(r.firstDivergence?.step, 16, r.summary);
    assert.ok(
      r.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
      r.summary
    );
    assert.match(r.steps!.stepsNote, /the reading under which the diagnosis reproduces the prints/);
  });

  it('print("x:", x, "at t =", t), every step: the count of prints, and every print matches', () => {
    const r = judge('label after the print, every step');
    assert.equal(r.matches, true, r.summary);
    assert.equal(r.steps?.prints.length, 20);
    assert.equal(r.steps?.prints[19].step, 0);
  });

  it('print("x:", x, "at t =", t), every 5 steps: the labels after the prints say which steps', () => {
    const r = judge('label after the print, every 5');
    assert.equal(r.matches, true, r.summary);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      [15, 10, 5, 0]
    );
    assert.match(r.steps!.stepsNote, /\(t = 15, 10, 5, 0, each label written after its print\)\.$/);
  });

  for (const [kind, steps] of [
    ['label after the print, every 5, x_T first', [null, 15, 10, 5, 0]],
    ['header T = 20, timestep labels, every 5, x_T first', [null, 15, 10, 5, 0]]
  ] as const)
    it(`${kind}: every print matches, at the labelled steps`, () => {
      const r = judge(kind);
      assert.equal(r.matches, true, r.summary);
      assert.deepEqual(
        r.steps?.prints.map((p) => p.step),
        steps
      );
    });

  for (const [kind, first] of [
    ['label after the print, every 5, seed + t mistake', 15],
    ['label after the print, every step, seed + t mistake', 19]
  ] as const)
    it(`${kind}: the first divergence is at the first print after the mistake began, and it is diagnosed`, () => {
      const r = judge(kind);
      assert.equal(r.matches, false);
      assert.equal(r.firstDivergence?.step, first, r.summary);
      assert.ok(
        r.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
        r.summary
      );
    });

  for (const kind of [
    'Step t/T labels, every 5',
    'progress Step i/T labels, every 5',
    'progress Step i/T labels, every 5, x_T first as Step 0/T',
    'enumerate step i labels, every 5'
  ])
    it(`${kind}: every print matches, at the steps the labels name or count`, () => {
      const r = judge(kind);
      assert.equal(r.matches, true, r.summary);
      assert.deepEqual(
        r.steps?.prints.map((p) => p.step),
        kind.includes('x_T first') ? [null, 15, 10, 5, 0] : [15, 10, 5, 0]
      );
    });

  it('labels counting the steps done say so, with the steps they give', () => {
    assert.equal(
      judge('progress Step i/T labels, every 5').steps?.stepsNote,
      '4 prints, taken as x after the steps their labels count (5, 10, 15, 20, each label written before its print, counted from 1: t = 15, 10, 5, 0).'
    );
    assert.equal(
      judge('enumerate step i labels, every 5').steps?.stepsNote,
      '4 prints, taken as x after the steps their labels count (4, 9, 14, 19, each label written before its print, counted from 0: t = 15, 10, 5, 0).'
    );
  });

  it('print(x, "step", i), a loop wrong from its first step: every print is a counted step (none taken as x_T), diagnosed', () => {
    const r = judge('enumerate step i labels after the print, every step, seed + t mistake');
    assert.equal(r.matches, false);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      Array.from({ length: 20 }, (_, i) => 19 - i),
      r.steps?.stepsNote
    );
    assert.equal(r.firstDivergence?.step, 19, r.summary);
    assert.ok(
      r.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
      r.summary
    );
  });

  it('enumerate step i labels with the seed + t mistake: the first divergence at the first counted step, diagnosed', () => {
    const r = judge('enumerate step i labels, every 5, seed + t mistake');
    assertSeedPlusT(r, 15);
  });

  it('labels printed as tensors (`t = tensor(15)`, a batch `t = tensor([15, 15, 15, 15])`): read as the steps', () => {
    for (const [kind, steps] of [
      ['tensor labels, every 5', [15, 10, 5, 0]],
      ['batch tensor labels, every 5, x_T first', [null, 15, 10, 5, 0]]
    ] as const) {
      const r = assertMatchesAt(kind, steps);
      // the labels are no prints left out
      assert.doesNotMatch(r.steps!.stepsNote, /Left out/, kind);
    }
  });

  /** A correct loop's prints match, read as `steps`; the same prints of the seed + t loop diverge at `from`, diagnosed. */
  const readAs = (correct: string, steps: (number | null)[], mistaken: string, from: number): void => {
    const r = judge(correct);
    assert.equal(r.matches, true, r.summary);
    assert.deepEqual(
      r.steps?.prints.map((p) => p.step),
      steps,
      r.steps?.stepsNote
    );
    const m = judge(mistaken);
    assertSeedPlusT(m, from);
  };

  it('labelled prints, then the sample printed after the loop without a label: the last print is x_0', () =>
    readAs(
      'labelled every 5 from t = 17, then the sample unlabelled',
      [17, 12, 7, 2, 0],
      'labelled every 5 from t = 17, then the sample unlabelled, seed + t mistake',
      17
    ));

  it('a list of tensors (xs.append(x), then print(xs)): each tensor one print, in loop order', () =>
    readAs(
      'a list of tensors, x_T and every step',
      [null, ...Array.from({ length: 20 }, (_, i) => 19 - i)],
      'a list of tensors, every step, seed + t mistake',
      19
    ));

  it("a view's diagnosis heading is the summary's own line (the rule's qualifier, the step the mistake starts at)", () => {
    const r = judge('after the step, every 5, x_T first, seed + t mistake');
    assert.equal(r.diagnosisFromStep, 19); // seed + t begins at the first step, before the first print shows it (t = 15)
    const heading = diagnosisHeading(r);
    assert.equal(
      heading,
      'Diagnosis: your output is at the printed precision what Algorithm 2 gives with this mistake from step t = 19 on:'
    );
    assert.ok(r.summary.includes(heading.slice(0, -1)), r.summary);
    // it travels with the run to the views
    const c = paste('after the step, every 5, x_T first, seed + t mistake');
    const { inputs } = readInputs(c.inputs);
    const run = runSampler(inputs, { record: { kind: 'none' } });
    run.comparison = r;
    assert.equal(decodeRunResult(encodeRunResult(run)).comparison?.diagnosisFromStep, 19);
  });

  it('with the seed + t mistake: the first divergent labelled step, and the diagnosis names it', () => {
    const r = judge('after the step, every 5, x_T first, seed + t mistake');
    assert.equal(r.matches, false);
    assert.equal(r.firstDivergence?.step, 15);
    assert.ok(
      r.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
      r.summary
    );
  });
});
