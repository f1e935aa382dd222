// checkRecording (src/core/run/checkRecording.ts) on recordings the real Python helper made of loops real PyTorch ran
// (scripts/fixtures/recording.py -> test/fixtures/recording/): the correct loop matches at every state; the loop
// seeded with seed + t first differs at t = T - 1 and is diagnosed as step-seed-plus-t; the loop with a float64
// schedule is diagnosed as schedule-float64. The per-state distances are checked against PyTorch's own state bits
// (expected.json), not against our reference.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../../helpers/paths';
import { f32Bits, fromBits } from '../../helpers/bits';
import { checkRecording, divergenceCause } from '../../../../src/core/run/checkRecording';
import { decodeRecording } from '../../../../src/core/run/recording';
import { float32ToBits, ulpDistanceF32 } from '../../../../src/core/float32';

const dir = path.join(FIXTURES, 'recording');
const recording = (name: string) =>
  decodeRecording(JSON.parse(readFileSync(path.join(dir, `${name}.run.json`), 'utf8')));
const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')).recordings as Record<
  string,
  { init: { bits: number[] }; steps: { t: number; bits: number[] }[] }
>;

describe('checkRecording: a recording against the exact reference', () => {
  it('correct loop: matches at x_T and every step, no diagnosis', () => {
    const v = checkRecording(recording('correct'));
    assert.equal(v.matches, true);
    assert.equal(v.firstDivergence, null);
    assert.equal(v.diagnosis, null);
    assert.deepEqual(
      v.states.map((s) => [s.t, s.differing, s.maxUlp, s.maxAbsDiff]),
      [
        [null, 0, 0, 0],
        [3, 0, 0, 0],
        [2, 0, 0, 0],
        [1, 0, 0, 0],
        [0, 0, 0, 0]
      ]
    );
    assert.ok(
      v.summary.startsWith(
        'matches: every recorded step is bit for bit the reference (x_T and 4 steps, t = 3 down to 0).'
      ),
      v.summary
    );
  });

  it('seed + t: x_T matches, the first divergence is at t = T - 1, diagnosed as step-seed-plus-t', () => {
    const r = recording('step-seed-plus-t');
    const v = checkRecording(r);
    assert.equal(v.matches, false);
    assert.equal(v.states[0].differing, 0);
    const f = v.firstDivergence!;
    assert.equal(f.t, r.T - 1);
    // the first element whose bits differ between PyTorch's correct and seed + t states after step T - 1
    const correct = expected.correct.steps[0].bits;
    const mistaken = expected['step-seed-plus-t'].steps[0].bits;
    const first = correct.findIndex((b, i) => b !== mistaken[i]);
    assert.equal(f.index, first);
    assert.deepEqual(f.element, [Math.floor(first / r.inputs.d), first % r.inputs.d]);
    assert.equal(float32ToBits(f.yours), mistaken[first]);
    assert.equal(float32ToBits(f.reference), correct[first]);
    // per-step distances between PyTorch's two runs
    expected.correct.steps.forEach((s, i) => {
      const a = fromBits(s.bits);
      const b = fromBits(expected['step-seed-plus-t'].steps[i].bits);
      const ulps = Array.from(a, (x, k) => ulpDistanceF32(x, b[k]));
      const st = v.states[i + 1];
      assert.equal(st.t, s.t);
      assert.equal(st.maxUlp, Math.max(...ulps), `t = ${s.t}`);
      assert.equal(st.maxAbsDiff, Math.max(...Array.from(a, (x, k) => Math.abs(x - b[k]))), `t = ${s.t}`);
      assert.equal(
        st.differing,
        s.bits.filter((bits, k) => bits !== expected['step-seed-plus-t'].steps[i].bits[k]).length
      );
    });
    assert.deepEqual(v.diagnosis?.fromStep, r.T - 1);
    assert.deepEqual(
      v.diagnosis?.mistakes.map((m) => m.id),
      ['step-seed-plus-t']
    );
    assert.match(v.summary, /^first differs at step t = 3, element \[\d, \d\]: /);
    assert.match(
      v.summary,
      /Your output is exactly what Algorithm 2 gives with this mistake: step noise seeded with seed \+ t \(step-seed-plus-t\)/
    );
  });

  it('the diagnosis can be turned off', () => {
    const v = checkRecording(recording('step-seed-plus-t'), { diagnose: false });
    assert.equal(v.diagnosis, null);
    assert.equal(v.firstDivergence?.t, 3);
  });

  it('float64 schedule, every 3rd step: the reference rounds it, the diagnosis names schedule-float64, the verdict says so', () => {
    const r = recording('float64-schedule');
    const v = checkRecording(r);
    assert.deepEqual(
      v.states.map((s) => s.t),
      [null, 9, 6, 3, 0]
    );
    assert.equal(v.states[0].differing, 0);
    assert.equal(v.firstDivergence?.t, 9);
    assert.ok(
      v.diagnosis?.mistakes.some((m) => m.id === 'schedule-float64'),
      JSON.stringify(v.diagnosis)
    );
    assert.deepEqual(v.float64Inputs, ['betas', 'alpha_bar']);
    assert.match(
      v.summary,
      /betas and alpha_bar were float64 in your session \(a float64 tensor or array, or Python floats\); the reference runs them rounded to float32/
    );
    // alpha_bar is PyTorch's torch.cumprod(1 - betas, dim=0) in float64: no warning that it differs from cumprod (it
    // does only after rounding, in float32), but a note saying so, in the recording's and the reference's warnings
    const notes = [...r.inputWarnings, ...v.reference.warnings].join('\n');
    assert.doesNotMatch(notes, /differs from cumprod/);
    assert.match(
      notes,
      /^alpha_bar: cumprod\(1 - betas\) computed in float64, as given; rounded to float32 it differs from the float32 cumprod of the rounded betas by at most \S+ \(as \.float\(\) of it does in PyTorch\), and the sampler uses it as given$/m
    );
  });

  it('float64 states of the correct loop match after rounding, and the verdict says they were float64', () => {
    const v = checkRecording(recording('float64-states'));
    assert.equal(v.matches, true);
    assert.equal(v.float64States, true);
    assert.match(v.summary, /Your states were float64/);
  });

  it('a changed x_T is the first divergence, with no catalogue diagnosis', () => {
    const r = recording('correct');
    r.init!.x.data[5] = Math.fround(r.init!.x.data[5] * 2);
    const v = checkRecording(r);
    assert.equal(v.firstDivergence?.t, null);
    assert.deepEqual(v.firstDivergence?.element, [2, 1]);
    assert.equal(v.diagnosis, null);
    assert.match(v.summary, /^first differs at x_T, element \[2, 1\]/);
  });

  it('x_T drawn as torch.randn(d, N).T: the first divergence, and the cause named (not only the seed)', () => {
    const r = recording('x_T-transposed');
    assert.deepEqual(f32Bits(r.init!.x.data), expected['x_T-transposed'].init.bits);
    const v = checkRecording(r);
    assert.equal(v.firstDivergence?.t, null);
    assert.equal(v.transposedXT, true);
    assert.equal(
      divergenceCause(r, v),
      'Your x_T is torch.randn(d, N, generator=...).T: the numbers of torch.randn(N, d, generator=...) drawn as a (d, N) tensor and transposed, so each lands elsewhere; draw torch.randn(N, d, generator=torch.Generator().manual_seed(seed)) (no catalogue mistake changes x_T).'
    );
    // another x_T that differs is not taken for it
    const other = recording('correct');
    other.init!.x.data[5] = Math.fround(other.init!.x.data[5] * 2);
    assert.equal(checkRecording(other).transposedXT, undefined);
  });

  it("a mistake written as Ho et al.'s code writes it: named as approximate; a rewrite of the correct loop: none needed", () => {
    for (const [name, id] of [
      ['ho-sigma', 'sigma-beta-tilde'],
      ['ho-clip-x0', 'clip-x0']
    ] as const) {
      const v = checkRecording(recording(name));
      assert.deepEqual(
        v.diagnosis?.mistakes.map((m) => m.id),
        [id]
      );
      assert.equal(v.diagnosis?.approximate, true);
      assert.match(
        v.summary,
        /Your output is within torch\.testing\.assert_close's float32 tolerance \(rtol 1\.3e-6, atol 1e-5\), though not bit for bit/
      );
    }
    const v = checkRecording(recording('rsqrt'));
    assert.equal(v.firstDivergence?.t, 38);
    assert.deepEqual(v.diagnosis, { fromStep: 38, mistakes: [], rewritten: { maxUlps: 1 } });
    assert.match(
      v.summary,
      /No mistake is needed: every recorded state is within torch\.testing\.assert_close's float32 tolerance/
    );
    // an ulp of rounding from step 38, then noise at t = 0: the mistake from where it shows
    const late = checkRecording(recording('rsqrt-noise-at-t0'));
    assert.equal(late.firstDivergence?.t, 38);
    assert.deepEqual(
      [late.diagnosis?.fromStep, late.diagnosis?.mistakes.map((m) => m.id), late.diagnosis?.approximate],
      [0, ['noise-at-t0'], true]
    );
    // exact mistakes stay exact
    const exact = checkRecording(recording('step-seed-plus-t'));
    assert.equal(exact.diagnosis?.approximate, undefined);
  });

  it('a loop run by PyTorch on OpenBLAS: no mistake, the matmul profile that reproduces every state is named', () => {
    const v = checkRecording(recording('openblas-haswell'));
    assert.equal(v.matches, false);
    assert.ok(v.firstDivergence, 'the reference BLAS gives other states');
    assert.deepEqual(v.diagnosis?.mistakes, []);
    assert.deepEqual(v.profilePairs, [{ rng: 'avx2-fma', matmul: 'openblas-haswell' }]);
    assert.match(
      v.summary,
      / Every recorded state is bit for bit the reference run with the RNG profile avx2-fma with the matmul profile openblas-haswell: your PyTorch draws randn or multiplies by w_model as that profile does \(README "RNG profiles", "Matmul profiles"\), not a mistake in the loop\./
    );
    assert.doesNotMatch(v.summary, /No mistake of the diagnosis catalogue/);
    // the seed + t loop is a mistake no profile pair reproduces: none named, the catalogue's answer stands
    const wrong = checkRecording(recording('step-seed-plus-t'));
    assert.equal(wrong.profilePairs, undefined);
  });

  it('the mistake from the first step on OpenBLAS, and on OpenBLAS with the scalar randn kernel (x_T its own): named so', () => {
    const all = checkRecording(recording('openblas-haswell-seed-plus-t-all'));
    assert.deepEqual(
      [
        all.diagnosis?.mistakes.map((m) => m.id),
        all.diagnosis?.fromStep,
        all.diagnosis?.pair,
        all.diagnosis?.approximate
      ],
      [['step-seed-plus-t'], 9, { rng: 'avx2-fma', matmul: 'openblas-haswell' }, undefined]
    );
    const scalar = checkRecording(recording('openblas-haswell-scalar-seed-plus-t'));
    assert.equal(scalar.firstDivergence?.t, null, 'the default randn kernel draws another x_T');
    assert.deepEqual(
      [scalar.diagnosis?.mistakes.map((m) => m.id), scalar.diagnosis?.fromStep, scalar.diagnosis?.pair],
      [['step-seed-plus-t'], 5, { rng: 'scalar', matmul: 'openblas-haswell' }]
    );
    assert.match(scalar.summary, / run with the RNG profile scalar and the matmul profile openblas-haswell /);
    assert.doesNotMatch(scalar.summary, /check the seed/);
  });

  it('the correct loop on OpenBLAS stopped after step 1: the pair named, and the missing sample too', () => {
    const v = checkRecording(recording('openblas-haswell-stopped-at-t1'));
    assert.equal(v.matches, false);
    assert.deepEqual(v.profilePairs, [{ rng: 'avx2-fma', matmul: 'openblas-haswell' }]);
    assert.match(
      v.summary,
      / But the recording ends at x after step t = 1 and has no sample \(x after step 0\): a loop over range\(T - 1, 0, -1\) leaves the last step out; record x after step 0 too\./
    );
  });

  it('a loop with a mistake run by PyTorch on OpenBLAS: the mistake named exactly, under the pair that ran it', () => {
    const v = checkRecording(recording('openblas-haswell-seed-plus-t'));
    assert.equal(v.matches, false);
    assert.deepEqual(
      v.diagnosis?.mistakes.map((m) => m.id),
      ['step-seed-plus-t']
    );
    assert.equal(v.diagnosis?.fromStep, 5);
    assert.equal(v.diagnosis?.approximate, undefined);
    assert.deepEqual(v.diagnosis?.pair, { rng: 'avx2-fma', matmul: 'openblas-haswell' });
    assert.match(
      v.summary,
      / Your output is exactly what Algorithm 2 gives, run with the RNG profile avx2-fma and the matmul profile openblas-haswell \(your PyTorch's randn kernel and BLAS, README "RNG profiles", "Matmul profiles"\), with this mistake from step t = 5 on: step noise seeded with seed \+ t \(step-seed-plus-t\)/
    );
  });

  it('a loop that stopped before step 0 is not a match, though every recorded state is the reference', () => {
    const v = checkRecording(recording('stopped-at-t2'));
    assert.equal(v.firstDivergence, null);
    assert.equal(v.complete, false);
    assert.equal(v.matches, false);
    assert.ok(
      v.headline.startsWith(
        'not a match: the recording ends at x after step t = 2 and has no sample (x after step 0) to compare; every recorded state is bit for bit the reference (x_T and 2 steps, t = 3 down to 2).'
      ),
      v.headline
    );
  });

  it('a loop that recorded some of its steps (every = 1): the reference keeps those steps only, not all T', () => {
    const r = recording('correct');
    const v = checkRecording({ ...r, steps: r.steps.filter((s) => s.t === 1) });
    assert.equal(v.matches, false); // no sample (step 0) recorded
    assert.equal(v.firstDivergence, null);
    // x_T comes with step T - 1's state; nothing else beyond the recorded step
    assert.deepEqual(
      v.reference.trajectory.steps.map((s) => s.t),
      [3, 1]
    );
    const sparse = checkRecording({ ...r, steps: r.steps.filter((s) => s.t === 2 || s.t === 0) });
    assert.equal(sparse.matches, true, sparse.summary);
    assert.deepEqual(
      sparse.reference.trajectory.steps.map((s) => s.t),
      [3, 2, 0]
    );
  });

  it('a mistake that begins at a step the recording skipped (seed + t from step 16, every 4th step): diagnosed from step 16', () => {
    const v = checkRecording(recording('late-seed-plus-t'));
    assert.equal(v.firstDivergence?.t, 13);
    assert.deepEqual([v.diagnosis?.fromStep, v.diagnosis?.mistakes.map((m) => m.id)], [16, ['step-seed-plus-t']]);
  });

  it('a recorder with no state yet is nothing to check, not a match', () => {
    const json = JSON.parse(readFileSync(path.join(dir, 'correct.run.json'), 'utf8'));
    const v = checkRecording(decodeRecording({ ...json, init: null, steps: [] }));
    assert.equal(v.matches, false);
    assert.match(v.headline, /^nothing to check yet: the recording holds no state; call rec\.step\(t, x\)/);
  });

  it('rec.step(t, x) at the top of the loop body: every state is x before its step, and the verdict says so', () => {
    const r = recording('top-of-loop');
    const v = checkRecording(r);
    assert.equal(v.matches, false);
    assert.equal(v.firstDivergence?.t, r.T - 1);
    assert.equal(v.recordedBeforeStep, true);
    assert.equal(v.diagnosis, null);
    assert.match(
      v.summary,
      /Every recorded state is the reference's x before its step: rec\.step\(t, x\) was called at the top/
    );
    // PyTorch's own states: the one recorded at step t is x after step t + 1
    const bits = expected['top-of-loop'].steps.map((s) => s.bits);
    assert.deepEqual(
      bits.slice(1),
      expected.correct.steps.slice(0, -1).map((s) => s.bits)
    );
    assert.equal(checkRecording(recording('correct')).recordedBeforeStep, false);
    // every = 2 (steps 3, 1 and 0 kept): the reference keeps no state after step 2, so the correct loop is run for it
    const sparse = recording('top-of-loop');
    sparse.every = 2;
    sparse.steps = sparse.steps.filter((s) => s.t !== 2);
    assert.equal(checkRecording(sparse).recordedBeforeStep, true);
  });

  it('a loop run in float64 from a float64 x_T of 16 values: the verdict says the whole loop runs in float64, whose draw of 16 values differs, not to check the seed', () => {
    const r = recording('float64-x_T');
    const v = checkRecording(r);
    assert.equal(r.inputs.n * r.inputs.d, 16);
    assert.equal(v.firstDivergence?.t, null);
    assert.deepEqual(v.float64Loop, { draws: 'float64', time: null }); // T = 4: either time column
    assert.match(
      v.summary,
      /Every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: .* PyTorch draws other numbers for a float64 tensor of 16 or more values than for a float32 one, so x_T differs too\./
    );
    assert.doesNotMatch(v.summary, /check the seed/);
  });

  for (const [name, drawn] of [
    [
      'float64-loop',
      /x_T and each z drawn as float64 tensors, as torch\.set_default_dtype\(torch\.float64\) or dtype=torch\.float64 draw them\. Your loop/
    ],
    ['float64-loop-float32-draws', /x_T and each z drawn in float32 and converted with \.double\(\)\. Your loop/],
    ['float64-loop-t10', /draw them; the time column, \(t \/ T\) \* torch\.ones\(N, 1\), float32\. Your loop/],
    ['float64-loop-t10-float32-draws', /converted with \.double\(\); the time column float64\. Your loop/]
  ] as const) {
    it(`${name}: a correct loop run wholly in float64 is said to be so, how it drew its noise named, no mistake`, () => {
      const v = checkRecording(recording(name));
      assert.equal(v.matches, false);
      assert.deepEqual(v.diagnosis?.mistakes, []);
      assert.match(
        v.summary,
        / Your loop is correct: it runs in float64 where the reference runs in float32, and their roundings differ from the first step on\. /
      );
      assert.match(v.summary, drawn);
      assert.doesNotMatch(v.summary, /No mistake of the diagnosis catalogue/);
    });
  }

  it('no float64 loop is named for float32 states, nor for float64 copies of the correct states', () => {
    for (const name of ['step-seed-plus-t', 'python-floats', 'float64-states', 'top-of-loop'])
      assert.equal(checkRecording(recording(name)).float64Loop, undefined, name);
  });

  it('a schedule of Python floats used as they are (math.sqrt): kept as float64, diagnosed as schedule-float64', () => {
    const r = recording('python-floats');
    assert.deepEqual(r.float64Inputs, ['betas', 'alpha_bar']);
    const e = (expected as unknown as Record<string, { betas: number[]; alpha_bar: number[] }>)['python-floats'];
    assert.deepEqual(Array.from(r.recordedInputs.betas.values), e.betas);
    const v = checkRecording(r);
    assert.equal(v.matches, false);
    assert.deepEqual(
      v.diagnosis?.mistakes.map((m) => m.id),
      ['schedule-float64']
    );
    assert.match(v.summary, /were float64 in your session \(a float64 tensor or array, or Python floats\)/);
  });
});
