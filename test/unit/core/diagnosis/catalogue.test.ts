// The diagnosis catalogue against real PyTorch running each changed loop (test/fixtures/diagnosis/cases.json, made by
// scripts/fixtures/diagnosis.py): final samples for both kernels, x after every step, the mistake from a given step
// on, and what PyTorch raises.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MISTAKES,
  MISTAKE_IDS,
  firstStepInEffect,
  mistakeById,
  mistakeInfo,
  type MistakeId
} from '../../../../src/core/diagnosis/catalogue';
import { runWithMistake } from '../../../../src/core/diagnosis/diagnose';
import { LoopRaises } from '../../../../src/core/diagnosis/loop';
import { runSampler } from '../../../../src/core/sampler/sampler';
import {
  PROFILES,
  caseInputs,
  caseSchedule64,
  diagnosisFixture as fixture,
  fromBits,
  fullTrajectory,
  type DiagnosisCase,
  type EntryResult
} from '../../helpers/diagnosisFixture';
import { ROOT } from '../../helpers/paths';
import { firstBitDifference } from '../../helpers/samplerFixture';

const MANDATORY: MistakeId[] = [
  'step-seed-plus-t',
  'shared-generator',
  'noise-at-t0',
  'time-unscaled',
  'time-plus-one',
  'alpha-bar-prev',
  'sigma-beta-tilde',
  'mean-alpha-bar',
  'coef-no-sqrt',
  'concat-time-first',
  'noise-scale-beta',
  'schedule-float64'
];

function assertBits(ours: Float32Array, bits: number[], what: string): void {
  const at = firstBitDifference(ours, bits);
  assert.equal(at, -1, `${what}: first difference at element ${at}: ours ${ours[at]}, PyTorch ${fromBits(bits)[at]}`);
}

/** Checks a run of entry `id` against PyTorch's result `e`: the error, or the sample and (if given) every step. */
function assertRun(
  c: DiagnosisCase,
  id: MistakeId,
  e: EntryResult,
  opts: { profile: (typeof PROFILES)[number]; fromStep?: number; stateBefore?: Float32Array },
  trajectory: number[][] | null,
  label: string
) {
  const inputs = caseInputs(c);
  const run = () => runWithMistake(inputs, id, { ...opts, record: trajectory !== null, schedule64: caseSchedule64(c) });
  if (e.error) {
    const pythonError = e.error.split(':')[0];
    assert.throws(
      run,
      (err: unknown) => err instanceof LoopRaises && err.message.startsWith(pythonError + ':'),
      `${label}: PyTorch raised ${e.error}`
    );
    return;
  }
  const r = run();
  assertBits(r.sample, e.sample!, `${label}: sample`);
  if (trajectory) {
    const from = r.trajectoryFrom;
    const T = trajectory.length;
    assert.equal(r.trajectory!.length, from + 1, `${label}: steps executed`);
    r.trajectory!.forEach((x, k) =>
      assertBits(x, trajectory[T - 1 - from + k], `${label}: x after step t = ${from - k}`)
    );
  }
}

describe('diagnosis catalogue: the table', () => {
  it('has the mandatory entries, six more at least, in the order of the PyTorch fixtures', () => {
    assert.deepEqual(MISTAKE_IDS, fixture.ids);
    for (const id of MANDATORY) assert.ok(MISTAKE_IDS.includes(id), id);
    assert.ok(MISTAKE_IDS.length >= MANDATORY.length + 6);
    assert.equal(new Set(MISTAKE_IDS).size, MISTAKE_IDS.length, 'ids are unique');
  });

  it('gives each entry a title, an explanation and the wrong and right PyTorch lines', () => {
    for (const m of MISTAKES) {
      assert.match(m.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(m.title.length > 5 && !m.title.includes('\n'), `${m.id}: title`);
      assert.ok(m.explanation.length > 20 && !m.explanation.includes('\n'), `${m.id}: explanation`);
      assert.ok(
        !m.wrong.includes('\n') && !m.right.includes('\n') && m.wrong !== m.right,
        `${m.id}: one wrong line, one right line`
      );
      assert.equal(m.pytorch, `${m.wrong}\n${m.right}`);
      assert.deepEqual(mistakeInfo(m.id), {
        id: m.id,
        title: m.title,
        explanation: m.explanation,
        wrong: m.wrong,
        right: m.right,
        pytorch: m.pytorch
      });
    }
    assert.throws(
      () => mistakeById('no-such-mistake'),
      /^Error: diagnosis: unknown catalogue entry "no-such-mistake" \(known: step-seed-plus-t, /
    );
  });

  it('is listed in full in README, "Diagnosis catalogue"', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Diagnosis catalogue'), readme.indexOf('## Command-line tool'));
    assert.ok(section.length > 100, 'the section is there, inside "Comparing with PyTorch\'s output"');
    assert.ok(readme.indexOf("## Comparing with PyTorch's output") < readme.indexOf('### Diagnosis catalogue'));
    for (const m of MISTAKES)
      assert.ok(section.includes(`| \`${m.id}\` | ${m.title} | \`${m.wrong}\` |`), `README lists ${m.id}`);
  });

  it('covers the required inputs: T = 1, T >= 10, T = 1000, N*d on both sides of 16, large and negative seeds, linear and cosine', () => {
    const Ts = fixture.cases.map((c) => c.inputs.betas.length);
    const nds = fixture.cases.map((c) => c.inputs.shape[0] * c.inputs.shape[1]);
    assert.ok(Ts.includes(1) && Ts.some((T) => T >= 10 && T <= 12) && Ts.includes(1000));
    assert.ok(nds.includes(15) && nds.includes(16) && nds.includes(17) && nds.some((n) => n > 32));
    const seeds = fixture.cases.map((c) => BigInt(c.inputs.seed));
    assert.ok(seeds.some((s) => s >= 2n ** 63n) && seeds.some((s) => s < 0n));
    const names = fixture.cases.map((c) => c.name).join('\n');
    assert.match(names, /cosine/);
    assert.match(names, /alpha_bar longer than betas/);
    assert.match(names, /float64 schedule/);
  });
});

describe('diagnosis catalogue: each changed loop bit for bit with PyTorch', () => {
  for (const c of fixture.cases) {
    const inputs = caseInputs(c);
    const T = inputs.betas.length;
    describe(c.name, () => {
      for (const profile of PROFILES) {
        const r = c.results[profile];
        const steps = profile === 'avx2-fma' && c.record ? r.correct.steps! : null;

        it(`the correct loop [${profile}] equals PyTorch and the sampler`, () => {
          const run = runWithMistake(inputs, null, { profile, record: steps !== null });
          assertBits(run.sample, r.correct.sample, 'correct sample');
          assertBits(
            runSampler(inputs, { profile, record: { kind: 'none' } }).sample.data,
            r.correct.sample,
            'runSampler'
          );
          if (steps)
            run.trajectory!.forEach((x, k) => assertBits(x, steps[k], `correct, x after step t = ${T - 1 - k}`));
        });

        it(`every entry [${profile}]: final sample${steps ? ' and x after every step' : ''}, or PyTorch's error`, () => {
          for (const id of MISTAKE_IDS) {
            const e = r.entries[id];
            assertRun(c, id, e, { profile }, steps && !e.error ? fullTrajectory(steps, e) : null, `${id} [${profile}]`);
          }
        });
      }

      const r = c.results['avx2-fma'];
      it('the first step where an entry changes x is where its lines first run differently, or later', () => {
        let same = 0;
        for (const id of MISTAKE_IDS) {
          const e = r.entries[id];
          if (e.error) continue;
          const inEffect = firstStepInEffect(id, T);
          if (e.first_divergence === null) continue;
          assert.ok(
            inEffect !== null && e.first_divergence! <= inEffect,
            `${id}: x changed at step ${e.first_divergence} before its lines did (${inEffect})`
          );
          if (e.first_divergence === inEffect) same++;
        }
        assert.ok(same > 0);
      });

      for (const fs of r.from_step ?? []) {
        it(`every entry from step ${fs.t0} on (correct lines before): x after every step, with and without the state before t0`, () => {
          const correct = r.correct.steps!;
          const stateBefore = fs.t0 === T - 1 ? undefined : fromBits(correct[T - 2 - fs.t0]);
          for (const id of MISTAKE_IDS) {
            const e = fs.entries[id];
            const trajectory = e.error ? null : fullTrajectory(correct, e);
            assertRun(c, id, e, { profile: 'avx2-fma', fromStep: fs.t0 }, trajectory, `${id} from t0 = ${fs.t0}`);
            if (stateBefore)
              assertRun(
                c,
                id,
                e,
                { profile: 'avx2-fma', fromStep: fs.t0, stateBefore },
                trajectory,
                `${id} from t0 = ${fs.t0}, state given`
              );
            if (!e.error && e.first_divergence !== null) {
              const inEffect = firstStepInEffect(id, T, fs.t0);
              assert.ok(inEffect !== null && e.first_divergence! <= inEffect, `${id}: x changed before its lines did`);
            }
          }
        });
      }
    });
  }
});

describe('diagnosis catalogue: runs', () => {
  const c = fixture.cases[0];
  const inputs = caseInputs(c);

  it('the entries that change x before the loop reaches t = 0 diverge at the first step, as PyTorch says', () => {
    const r = c.results['avx2-fma'];
    assert.equal(r.entries['step-seed-plus-t'].first_divergence, 3);
    assert.equal(r.entries['noise-at-t0'].first_divergence, 0);
    assert.equal(firstStepInEffect('noise-at-t0', 4), 0);
    assert.equal(firstStepInEffect('step-seed-plus-t', 1), null);
    assert.equal(firstStepInEffect('time-unscaled', 4, 2), 2);
  });

  it('keeps no trajectory unless asked to', () => {
    const r = runWithMistake(inputs, 'time-unscaled');
    assert.equal(r.trajectory, null);
    assert.equal(r.trajectoryFrom, 3);
    assert.equal(r.stopped, false);
  });

  it('refuses a fromStep or stateBefore that does not fit the inputs, in one line', () => {
    assert.throws(
      () => runWithMistake(inputs, 'time-unscaled', { fromStep: 4 }),
      /^Error: fromStep: expected an integer step in \[0, 3\], got 4$/
    );
    assert.throws(
      () => runWithMistake(inputs, 'time-unscaled', { fromStep: 1.5 }),
      /fromStep: expected an integer step/
    );
    assert.throws(
      () => runWithMistake(inputs, 'time-unscaled', { fromStep: 1, stateBefore: new Float32Array(3) }),
      /^Error: stateBefore: expected 8 values \(N\*d\), got 3$/
    );
    assert.throws(
      () => runWithMistake(inputs, 'schedule-float64', { schedule64: { betas: [0.1], alphaBar: [0.9] } }),
      /^Error: schedule64.betas: expected 4 values/
    );
  });

  it('stops when asked to, with an AbortError', () => {
    assert.throws(
      () => runWithMistake(inputs, 'no-noise', { shouldStop: () => true }),
      (e: unknown) => e instanceof Error && e.name === 'AbortError'
    );
  });
});
