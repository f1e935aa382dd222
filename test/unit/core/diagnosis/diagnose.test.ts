// The diagnosis matchers against PyTorch's output of each changed loop (test/fixtures/diagnosis/cases.json): given
// what PyTorch printed for an entry's loop, they name exactly the entries whose loops give that output (the entry
// itself, and any other that gives the same bits on those inputs, as PyTorch says), and nothing for the correct
// loop's output. Predicates here are the bitwise rule; the comparison supplies its own.
import { strict as assert } from 'node:assert';
import { MISTAKE_IDS, firstStepInEffect, type MistakeId } from '../../../../src/core/diagnosis/catalogue';
import { diagnoseSample, diagnoseTrajectory, runWithMistake } from '../../../../src/core/diagnosis/diagnose';
import {
  PROFILES,
  caseInputs,
  caseSchedule64,
  diagnosisFixture as fixture,
  fromBits,
  fullTrajectory,
  sameBits,
  type DiagnosisCase,
  type EntryResult
} from '../../helpers/diagnosisFixture';

/** The entries whose PyTorch sample is `target` bit for bit; [] when the correct loop's is (nothing to diagnose). */
function expectedForSample(
  r: { correct: { sample: number[] }; entries: Record<MistakeId, EntryResult> },
  target: number[]
): MistakeId[] {
  if (sameBits(fromBits(r.correct.sample), target)) return [];
  return MISTAKE_IDS.filter((id) => r.entries[id].sample && sameBits(fromBits(r.entries[id].sample!), target));
}

/** The bitwise rule over a trajectory (x after steps T-1, ..., 0, as bit lists). */
const stepRule = (trajectory: number[][]) => {
  const T = trajectory.length;
  return (t: number, x: Float32Array) => sameBits(x, trajectory[T - 1 - t]);
};

/** Final-sample targets per case: every entry on the small cases, a few on the long ones (each target runs the whole catalogue). */
function targets(c: DiagnosisCase): MistakeId[] {
  const T = c.inputs.betas.length;
  if (T < 1000 || c.name.startsWith('T = 1000, linear, N = 4')) return [...MISTAKE_IDS];
  return ['step-seed-plus-t', 'schedule-float64', 'mean-alpha-bar', 'clip-x0'];
}

describe('diagnoseSample: which entry reproduces a pasted sample', () => {
  for (const c of fixture.cases) {
    const inputs = caseInputs(c);
    const schedule64 = caseSchedule64(c);
    for (const profile of PROFILES) {
      if (profile === 'scalar' && c.inputs.betas.length >= 1000) continue;
      const r = c.results[profile];
      it(`${c.name} [${profile}]: PyTorch's output of each changed loop names that entry (and only entries giving the same bits)`, () => {
        let named = 0;
        const ids = targets(c);
        for (const id of ids) {
          const e = r.entries[id];
          if (!e.sample) continue;
          const expected = expectedForSample(r, e.sample);
          if (profile === 'avx2-fma') {
            // the fixture's own account agrees: the entry and those with the same sample, unless that is the correct one
            assert.deepEqual(
              expected,
              e.equals_correct ? [] : MISTAKE_IDS.filter((o) => o === id || e.same_as!.includes(o)),
              `${id}: fixture`
            );
          }
          const found = diagnoseSample(inputs, (x) => sameBits(x, e.sample!), { profile, schedule64 });
          assert.deepEqual(found, expected, `${id}`);
          if (expected.length) {
            assert.ok(found.includes(id), `${id} names itself`);
            named++;
          }
        }
        if (c.inputs.betas.length > 1) assert.ok(named > ids.length / 2, `most entries change the output of ${c.name}`);
      });

      it(`${c.name} [${profile}]: the correct loop's output matches no entry`, () => {
        assert.deepEqual(
          diagnoseSample(inputs, (x) => sameBits(x, r.correct.sample), { profile, schedule64 }),
          []
        );
        const correctSample = fromBits(r.correct.sample);
        assert.deepEqual(
          diagnoseSample(inputs, (x) => sameBits(x, r.correct.sample), { profile, schedule64, correctSample }),
          []
        );
      });
    }
  }

  const tiny = fixture.cases.find((c) => c.name === 'T = 1')!;
  it('runs only the entries whose lines change something on these inputs, and none PyTorch raises for', () => {
    const inputs = caseInputs(tiny);
    const correct = tiny.results['avx2-fma'].correct.sample;
    const seen: Float32Array[] = [];
    const found = diagnoseSample(inputs, (x) => (seen.push(x.slice()), !sameBits(x, correct)));
    const inEffect = MISTAKE_IDS.filter((id) => firstStepInEffect(id, 1) !== null);
    assert.ok(
      inEffect.includes('time-over-t-minus-1') &&
        !inEffect.includes('step-seed-plus-t') &&
        !inEffect.includes('shared-generator')
    );
    assert.equal(
      seen.length,
      1 + inEffect.length - 1,
      'the correct loop, then each entry in effect except the one that raises'
    );
    assert.ok(!found.includes('time-over-t-minus-1'), 'time-over-t-minus-1 raises ZeroDivisionError for T = 1');
    assert.deepEqual(
      found,
      inEffect.filter((id) => id !== 'time-over-t-minus-1' && !tiny.results['avx2-fma'].entries[id].equals_correct)
    );
  });

  it('restricts itself to the given ids', () => {
    const c = fixture.cases[0];
    const e = c.results['avx2-fma'].entries['time-unscaled'];
    const rule = (x: Float32Array) => sameBits(x, e.sample!);
    assert.deepEqual(diagnoseSample(caseInputs(c), rule, { ids: ['time-unscaled', 'no-noise'] }), ['time-unscaled']);
    assert.deepEqual(diagnoseSample(caseInputs(c), rule, { ids: ['no-noise'] }), []);
  });

  it('schedule-float64 takes the float64 schedule it is given (the float32 inputs widened by default)', () => {
    const c = fixture.cases.find((x) => x.schedule64)!;
    const e = c.results['avx2-fma'].entries['schedule-float64'];
    const rule = (x: Float32Array) => sameBits(x, e.sample!);
    assert.deepEqual(
      diagnoseSample(caseInputs(c), rule, { schedule64: caseSchedule64(c), ids: ['schedule-float64'] }),
      ['schedule-float64']
    );
    const widened = runWithMistake(caseInputs(c), 'schedule-float64');
    assert.ok(!sameBits(widened.sample, e.sample!), 'the doubles of np.linspace are not the float32 betas widened');
  });

  it('stops when asked to, with an AbortError', () => {
    const c = fixture.cases[0];
    assert.throws(
      () => diagnoseSample(caseInputs(c), () => false, { shouldStop: () => true }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError'
    );
  });
});

describe('diagnoseTrajectory: which entry, present from the first divergent step on, reproduces a step-by-step paste', () => {
  for (const c of fixture.cases.filter((x) => x.record)) {
    const inputs = caseInputs(c);
    const schedule64 = caseSchedule64(c);
    const r = c.results['avx2-fma'];
    const correct = r.correct.steps!;
    const T = correct.length;
    const stateBefore = (t0: number) => (t0 === T - 1 ? undefined : fromBits(correct[T - 2 - t0]));

    const check = (e: EntryResult, label: string) => {
      const trajectory = fullTrajectory(correct, e);
      const t0 = e.first_divergence!;
      const found = diagnoseTrajectory(inputs, t0, stepRule(trajectory), { schedule64 });
      assert.deepEqual(found, e.matching, `${label}: first divergent step ${t0}`);
      const given = diagnoseTrajectory(inputs, t0, stepRule(trajectory), { schedule64, stateBefore: stateBefore(t0) });
      assert.deepEqual(given, e.matching, `${label}: first divergent step ${t0}, state before it given`);
      return found;
    };

    it(`${c.name}: the trajectory of each changed loop names that entry at its first divergent step`, () => {
      let named = 0;
      for (const id of MISTAKE_IDS) {
        const e = r.entries[id];
        if (e.error || e.first_divergence === null) continue;
        const found = check(e, id);
        assert.ok(found.includes(id), `${id} names itself`);
        named++;
      }
      assert.ok(named > 10);
    });

    for (const fs of r.from_step ?? []) {
      it(`${c.name}: with each mistake from step ${fs.t0} on, the trajectory names the entry`, () => {
        for (const id of MISTAKE_IDS) {
          const e = fs.entries[id];
          if (e.error || e.first_divergence === null) continue;
          assert.ok(check(e, `${id} from ${fs.t0}`).includes(id), `${id} from ${fs.t0} names itself`);
        }
      });
    }

    it(`${c.name}: the correct trajectory names nothing, whatever step is said to diverge`, () => {
      for (let t0 = T - 1; t0 >= 0; t0--) {
        assert.deepEqual(diagnoseTrajectory(inputs, t0, stepRule(correct), { schedule64 }), [], `t0 = ${t0}`);
      }
      assert.deepEqual(
        diagnoseTrajectory(inputs, null, () => false),
        [],
        'x_T differs: no entry changes x_T'
      );
    });
  }

  it('stops each candidate at its first rejected step', () => {
    const c = fixture.cases.find((x) => x.name.startsWith('N*d = 17'))!;
    const T = c.inputs.betas.length;
    const calls: number[] = [];
    assert.deepEqual(
      diagnoseTrajectory(caseInputs(c), T - 1, (t) => (calls.push(t), false)),
      []
    );
    assert.ok(calls.length > 10 && calls.every((t) => t === T - 1), 'every candidate ran one step only');
  });

  it('refuses a first divergent step outside the loop, in one line', () => {
    const c = fixture.cases[0];
    assert.throws(
      () => diagnoseTrajectory(caseInputs(c), 4, () => true),
      /^Error: firstDivergentStep: expected an integer step in \[0, 3\] or null, got 4$/
    );
    assert.throws(() => diagnoseTrajectory(caseInputs(c), -1, () => true), /firstDivergentStep/);
  });
});
