// The comparison's diagnosis (compare.ts with src/core/diagnosis/): for each catalogue entry, on the random inputs of
// test/fixtures/diagnosis/cases.json (scripts/fixtures/diagnosis.py runs every changed loop in real PyTorch), PyTorch's
// output of the changed loop, pasted at full precision (print at precision 12) or as x.tolist(), gets a diagnosis
// naming that entry (with every other entry giving the same output); a step-by-step paste of the changed loop's states
// gets firstDivergence.step = the step where the change first shows, and the entries PyTorch's trajectory comes from.
import { strict as assert } from 'node:assert';
import { compareRun } from '../../../../src/core/compare/compare';
import { MISTAKE_IDS } from '../../../../src/core/diagnosis/catalogue';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import { formatPythonFloat } from '../../../../src/core/compare/summaryText';
import { randnSeeded } from '../../../../src/core/rng/randn';
import type { Comparison, SamplerInputs } from '../../../../src/core/types';
import {
  caseInputs,
  caseSchedule64,
  diagnosisFixture as fixture,
  fromBits,
  fullTrajectory,
  type DiagnosisCase
} from '../../helpers/diagnosisFixture';

/** print(x) after torch.set_printoptions(precision=12): enough digits for every float32 value. */
const fullPrint = (v: Float32Array, inputs: SamplerInputs): string =>
  formatTensorF32(v, [inputs.n, inputs.d], { precision: 12 });
/** print(x.tolist()): Python's repr of each value as a double. */
const tolist = (v: Float32Array, inputs: SamplerInputs): string => {
  const rows: string[] = [];
  for (let i = 0; i < inputs.n; i++)
    rows.push(`[${Array.from(v.subarray(i * inputs.d, (i + 1) * inputs.d), (x) => formatPythonFloat(x)).join(', ')}]`);
  return `[${rows.join(', ')}]`;
};

const ids = (c: Comparison): string[] => (c.diagnosis ?? []).map((d) => d.id);

function compareCase(c: DiagnosisCase, text: string): Comparison {
  const inputs = caseInputs(c);
  const run = runSampler(inputs, { record: { kind: 'none' } });
  return compareRun(inputs, run, text, { schedule64: caseSchedule64(c) });
}

describe("compare: the diagnosis names the mistake PyTorch's output comes from", function () {
  this.timeout(300000);
  // the cheap cases whole; of the 1000-step ones, the first (every entry, full precision only)
  const small = fixture.cases.filter((c) => c.inputs.betas.length <= 100);
  const long = fixture.cases.find((c) => c.inputs.betas.length === 1000)!;

  for (const c of [...small, long]) {
    const formats = c === long ? [fullPrint] : [fullPrint, tolist];
    it(`${c.name}: each entry's final sample, pasted ${c === long ? 'at full precision' : 'at full precision and as tolist()'}`, () => {
      const inputs = caseInputs(c);
      const r = c.results['avx2-fma'];
      let named = 0;
      for (const id of MISTAKE_IDS) {
        const e = r.entries[id];
        if (e.error || e.equals_correct) continue;
        const expected = MISTAKE_IDS.filter((x) => x === id || (e.same_as ?? []).includes(x));
        for (const fmt of formats) {
          const cmp = compareCase(c, fmt(fromBits(e.sample!), inputs));
          assert.equal(cmp.matches, false, `${id}: ${fmt.name}`);
          assert.equal(cmp.rule, 'bitwise');
          assert.deepEqual(ids(cmp), expected, `${id} (${fmt.name}): ${cmp.summary}`);
          assert.equal(cmp.firstDivergence?.step, 0);
          assert.match(cmp.summary, /\nDiagnosis: your output is exactly what Algorithm 2 gives with this mistake: /);
        }
        named++;
      }
      assert.ok(named >= (inputs.betas.length > 1 ? 12 : 2), `${named} entries change the output`);
    });
  }

  it('the correct output gets no diagnosis', () => {
    for (const c of small) {
      const cmp = compareCase(c, tolist(fromBits(c.results['avx2-fma'].correct.sample), caseInputs(c)));
      assert.equal(cmp.matches, true, cmp.summary);
      assert.deepEqual(cmp.diagnosis, []);
      assert.equal(cmp.firstDivergence, null);
      assert.doesNotMatch(cmp.summary, /Diagnosis/);
    }
  });

  it('a default print (4 decimals) of a changed loop is diagnosed at the printed precision', () => {
    const c = fixture.cases[0];
    const inputs = caseInputs(c);
    const e = c.results['avx2-fma'].entries['step-seed-plus-t'];
    const cmp = compareCase(c, formatTensorF32(fromBits(e.sample!), [inputs.n, inputs.d]));
    assert.equal(cmp.rule, 'printed-precision');
    assert.ok(ids(cmp).includes('step-seed-plus-t'), cmp.summary);
    assert.match(
      cmp.summary,
      /Diagnosis: your output is at the printed precision what Algorithm 2 gives with this mistake: /
    );
  });
});

describe('compare: the bound on the diagnosis counts each step', function () {
  this.timeout(60000);
  // N = d = 1: one multiply-add per step would let T = 10^6 through (its search took 130 s in cli compare); each
  // step's own work (its generator seeded) counts 1000, so 19,960 steps pass the bound and 19,961 do not
  const inputsOf = (T: number): SamplerInputs => {
    const betas = new Float32Array(T).fill(1e-4);
    const alphaBar = new Float32Array(T);
    for (let t = 0, p = 1; t < T; t++) alphaBar[t] = p *= 1 - 1e-4;
    return { wModel: { rows: 2, cols: 1, data: new Float32Array([0.1, 0.2]) }, n: 1, d: 1, betas, alphaBar, seed: 42n };
  };
  const compareWith = (T: number): Comparison => {
    const inputs = inputsOf(T);
    return compareRun(inputs, runSampler(inputs, { record: { kind: 'none' } }), 'tensor([[1234.5000]])');
  };

  it('(N (d + 1) d + 1000) * steps beyond 2e7: not run, and the note gives the count', () => {
    const cmp = compareWith(19_961);
    assert.equal(cmp.matches, false);
    assert.equal(
      cmp.diagnosisNote,
      "not run: the catalogue runs as plain JavaScript, and (N * (d + 1) * d + 1000) * steps = 20000922 multiply-adds per entry (1000 for each step's own work) is beyond 20000000 (DIAGNOSIS_MAX_WORK); compare a smaller run (fewer samples or steps) for a diagnosis."
    );
    // the profile pairs are not tried either, and the summary says so
    assert.equal(cmp.pairSearch, undefined);
    assert.match(
      cmp.summary,
      /\nProfile pairs: not tried: the other matmul profiles run as plain JavaScript, and this run's 20000922 multiply-adds are beyond 20000000 \(DIAGNOSIS_MAX_WORK\)/
    );
  });

  it('within the bound, it runs (nothing reproduces this paste)', () => {
    const cmp = compareWith(19_960);
    assert.equal(cmp.matches, false);
    assert.equal(cmp.diagnosisNote, undefined);
    assert.deepEqual(cmp.diagnosis, []);
    assert.deepEqual(cmp.pairSearch?.matching, []);
  });
});

describe('compare: step-by-step pastes of a changed loop', function () {
  this.timeout(300000);
  for (const c of fixture.cases.filter((x) => x.record)) {
    const inputs = caseInputs(c);
    const T = inputs.betas.length;
    const r = c.results['avx2-fma'];
    const correct = r.correct.steps!;
    const variants = [{ t0: T - 1, entries: r.entries }, ...(r.from_step ?? [])];
    for (const v of variants) {
      it(`${c.name}: each entry from step ${v.t0} on: firstDivergence.step is where it first shows, and the diagnosis names it`, () => {
        let checked = 0;
        for (const id of MISTAKE_IDS) {
          const e = v.entries[id];
          if (e.error || e.first_divergence === null || e.first_divergence === undefined) continue;
          const trajectory = fullTrajectory(correct, e).map((bits) => fromBits(bits));
          const t0 = e.first_divergence;
          // the whole loop with x_T first and `t = ...` lines between, at full precision; then only the last steps, as tolist()
          const whole = [
            fullPrint(randnSeeded(inputs.seed, inputs.n * inputs.d, 'avx2-fma'), inputs),
            ...trajectory.map((x, k) => `t = ${T - 1 - k}\n${fullPrint(x, inputs)}`)
          ].join('\n');
          const lastK = Math.min(T, t0 + 2);
          const tail = trajectory
            .slice(T - lastK)
            .map((x, k) => `step ${lastK - 1 - k}: ${tolist(x, inputs)}`)
            .join('\n');
          for (const [text, what] of [
            [whole, 'x_T and every step'],
            [tail, `the last ${lastK} steps`]
          ] as const) {
            const cmp = compareCase(c, text);
            assert.equal(cmp.matches, false, `${id}: ${what}`);
            assert.deepEqual(cmp.firstDivergence?.step, t0, `${id}: ${what}: ${cmp.summary}`);
            assert.ok(cmp.steps, 'a step-by-step comparison');
            assert.equal(cmp.steps.prints.length, what === 'x_T and every step' ? T + 1 : lastK);
            assert.deepEqual(ids(cmp), e.matching, `${id}: ${what}: ${cmp.summary}`);
            assert.ok(ids(cmp).includes(id), id);
            assert.match(cmp.summary, new RegExp(`First divergence: x after step t = ${t0} `));
            assert.match(cmp.summary, new RegExp(`with this mistake from step t = ${t0} on: `));
          }
          checked++;
        }
        assert.ok(checked > 0);
      });
    }

    it(`${c.name}: the correct loop's states, step by step, match`, () => {
      const text = correct.map((bits, k) => `t = ${T - 1 - k}\n${tolist(fromBits(bits), inputs)}`).join('\n');
      const cmp = compareCase(c, text);
      assert.equal(cmp.matches, true, cmp.summary);
      assert.equal(cmp.firstDivergence, null);
      assert.deepEqual(cmp.diagnosis, []);
      assert.match(cmp.summary, /^Step-by-step paste: \d+ prints, taken as x after every step/);
    });
  }

  it('a mistake in the last bits that a 4-decimal print shows only some steps later is still found, from the first step', () => {
    let checked = 0;
    for (const c of fixture.cases.filter((x) => x.record)) {
      const inputs = caseInputs(c);
      const T = inputs.betas.length;
      const r = c.results['avx2-fma'];
      for (const id of MISTAKE_IDS) {
        const e = r.entries[id];
        if (e.error || e.first_divergence !== T - 1) continue; // present, in its bits, from the first step
        const trajectory = fullTrajectory(r.correct.steps!, e).map((bits) => fromBits(bits));
        const text = trajectory
          .map((x, k) => `t = ${T - 1 - k}\n${formatTensorF32(x, [inputs.n, inputs.d])}`)
          .join('\n');
        const cmp = compareCase(c, text);
        const shown = cmp.firstDivergence?.step;
        if (cmp.matches || shown === undefined || shown === null || shown === T - 1) continue; // it shows at once
        assert.ok(ids(cmp).includes(id), `${c.name}: ${id} (shows at t = ${shown}): ${cmp.summary}`);
        // from where it shows, when that reproduces every print, else from the first step
        assert.match(cmp.summary, new RegExp(`with this mistake from step t = (${shown}|${T - 1}) on: `));
        checked++;
      }
    }
    assert.ok(checked > 0, 'no mistake of the fixtures shows late in a 4-decimal print');
  });

  it('says which steps fewer prints were taken to be, and refuses more prints than the loop has', () => {
    const c = fixture.cases.find((x) => x.record && x.inputs.betas.length >= 10)!;
    const inputs = caseInputs(c);
    const T = inputs.betas.length;
    const correct = c.results['avx2-fma'].correct.steps!.map((b) => fromBits(b));
    const cmp = compareCase(
      c,
      correct
        .slice(-3)
        .map((x) => tolist(x, inputs))
        .join('\n')
    );
    assert.equal(cmp.matches, true, cmp.summary);
    assert.equal(
      cmp.steps!.stepsNote,
      `3 prints, taken as x after the last 3 of the ${T} steps, t = 2..0 (in loop order; the last print is the sample).`
    );
    // (T + 2 prints whose last two are the same are x_T, every step and the sample printed again: read, the repeat left out)
    const tooMany = Array.from({ length: T + 3 }, () => tolist(correct[0], inputs)).join('\n');
    assert.throws(
      () => compareCase(c, tooMany),
      new RegExp(`^Error: expected: ${T + 3} tensor prints, but the loop has ${T} steps`)
    );
    // far more prints than the loop makes (a long log): the count is said once the first prints hold too many of
    // x, before the rest is read, so a broken print further on is not what it says
    const head = 2 * (T + 1) + 100;
    const log = [...Array.from({ length: head + 50 }, () => tolist(correct[0], inputs)), 'tensor([[0.5, nope]])'];
    assert.throws(
      () => compareCase(c, log.join('\n')),
      new RegExp(
        `^Error: expected: more than ${head} tensor prints \\(${head + 51} in all\\), but the loop has ${T} steps \\(at most ${T + 1} prints`
      )
    );
    // as many prints of another shape first (print(t, x.mean()) in a long loop), then the last steps' x: read as before
    const others = Array.from({ length: head + 50 }, (_, i) => `tensor([${i}.5000])`);
    const mixed = compareCase(c, [...others, ...correct.slice(-3).map((x) => tolist(x, inputs))].join('\n'));
    assert.equal(mixed.matches, true, mixed.summary);
    assert.match(mixed.steps!.stepsNote, new RegExp(`Left out as other lines: ${head + 50} prints of another shape`));
  });

  it('x_T that differs is the first divergence (step null), with no diagnosis', () => {
    const c = fixture.cases[0];
    const inputs = caseInputs(c);
    const steps = c.results['avx2-fma'].correct.steps!.map((b) => fromBits(b));
    const wrongInit = randnSeeded(inputs.seed + 1n, inputs.n * inputs.d, 'avx2-fma');
    const cmp = compareCase(c, [wrongInit, ...steps].map((x) => tolist(x, inputs)).join('\n'));
    assert.deepEqual(cmp.firstDivergence, { step: null, index: [0, 0] });
    assert.deepEqual(cmp.diagnosis, []);
    assert.match(cmp.diagnosisNote ?? '', /x_T already differs/);
  });
});
