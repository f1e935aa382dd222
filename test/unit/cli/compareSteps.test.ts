// `cli compare INPUT.json run.json --json` on recordings of the Python helper (test/fixtures/recording/, made by real
// PyTorch running the loop with the helper), and on a step-by-step paste of printed states: firstDivergence,
// diagnosis and the exit code.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, ROOT } from '../helpers/paths';
import { recordingTolistSteps } from '../helpers/recordingPaste';
import { runCliInMemory } from '../helpers/cliInMemory';
import { formatTensorF32 } from '../../../src/core/tensors/printTensor';
import { fromBits } from '../helpers/bits';

const rec = (name: string): string => readFileSync(path.join(FIXTURES, 'recording', name), 'utf8');
const inputs = rec('seed.inputs.json');
const expected = JSON.parse(rec('expected.json')) as {
  recordings: Record<string, { steps: { t: number; bits: number[] }[]; init: { bits: number[] } }>;
};
const cli = (pasted: string, json = true, inputsText = inputs) =>
  runCliInMemory(
    ['compare', 'in.json', 'run.json', ...(json ? ['--json'] : [])],
    { 'in.json': inputsText, 'run.json': pasted },
    { writable: false }
  );
/** `compare NAME.inputs.json NAME.run.json --json` on a recording fixture and the inputs the helper saved with it. */
const recorded = (name: string) => cli(rec(`${name}.run.json`), true, rec(`${name}.inputs.json`));

/** `compare run.json --json` of a recording fixture alone (its inputs are in it): the run and its JSON. */
async function recordingAlone(file: string) {
  const r = await runCliInMemory(['compare', 'run.json', '--json'], { 'run.json': rec(file) }, { writable: false });
  return { r, j: JSON.parse(r.out) };
}

/** `compare` of a recording of the OpenBLAS loop printed as x.tolist() after each step, labelled `t = ...`, --json. */
async function printedOnOpenblas(name: string) {
  const paste = recordingTolistSteps(ROOT, name)
    .map(({ t, list }) => `t = ${t}\n${list}`)
    .join('\n');
  const r = await runCliInMemory(
    ['compare', 'in.json', 'pasted.txt', '--json'],
    { 'in.json': rec('openblas-haswell.inputs.json'), 'pasted.txt': paste },
    { writable: false }
  );
  return { r, j: JSON.parse(r.out) };
}

describe('cli compare: a loop run by PyTorch on OpenBLAS, recorded or printed step by step', () => {
  const own = rec('openblas-haswell.run.json');
  it('the recording: the matmul profile pair that reproduces every state is named, and no mistake', async () => {
    const r = await runCliInMemory(['compare', 'run.json', '--json'], { 'run.json': own }, { writable: false });
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.deepEqual(j.pairSearch.matching, [{ rng: 'avx2-fma', matmul: 'openblas-haswell' }]);
    assert.deepEqual(j.diagnosis, []);
    assert.match(j.summary, /\nProfile pairs: avx2-fma with matmul openblas-haswell reproduces the recording\.$/);
    // run with that profile, it matches
    const m = await runCliInMemory(['compare', 'run.json', '--matmul', 'openblas-haswell'], { 'run.json': own });
    assert.equal(m.code, 0, m.out);
  });

  it('the loop stopped after step 1 (no sample): the pair named, and not a match all the same, saying why', async () => {
    const { r, j } = await recordingAlone('openblas-haswell-stopped-at-t1.run.json');
    assert.equal(r.code, 1, j.summary);
    assert.deepEqual(j.pairSearch.matching, [{ rng: 'avx2-fma', matmul: 'openblas-haswell' }]);
    assert.match(
      j.summary,
      /\nProfile pairs: avx2-fma with matmul openblas-haswell reproduces the recording\.\nNot a match: the recording ends at x after step 1 and has no sample \(x after step 0\) to compare; every recorded state matches under the profile pair above\. A loop over range\(T - 1, 0, -1\) stops there/
    );
  });

  it('x.tolist() printed after each step: the same pair named', async () => {
    const { r, j } = await printedOnOpenblas('openblas-haswell');
    assert.equal(r.code, 1, j.summary);
    assert.ok(j.firstDivergence, j.summary);
    assert.deepEqual(j.pairSearch.matching, [{ rng: 'avx2-fma', matmul: 'openblas-haswell' }], j.summary);
    assert.deepEqual(j.diagnosis, []);
  });
});

describe('cli compare: a loop with a mistake run by PyTorch on OpenBLAS (seed + t from step 5 on)', () => {
  const pair = { rng: 'avx2-fma', matmul: 'openblas-haswell' };
  const diagnosed = (j: { diagnosis: { id: string; pair?: unknown; approximate?: boolean }[]; summary: string }) => {
    // exactly, under the pair of the PyTorch that ran it; not "approximately" (a rewrite of the mistake)
    assert.deepEqual(
      j.diagnosis.map((d) => [d.id, d.pair, d.approximate]),
      [['step-seed-plus-t', pair, undefined]],
      j.summary
    );
    assert.match(
      j.summary,
      /\nDiagnosis: your output is exactly what Algorithm 2 gives with this mistake from step t = 5 on, run with the RNG profile avx2-fma and the matmul profile openblas-haswell \(your PyTorch's randn kernel and BLAS, README "RNG profiles", "Matmul profiles"\): Step noise seeded with seed \+ t \(step-seed-plus-t\)\./
    );
  };

  it('the recording: the mistake named exactly, under the pair', async () => {
    const { r, j } = await recordingAlone('openblas-haswell-seed-plus-t.run.json');
    assert.equal(r.code, 1, j.summary);
    diagnosed(j);
  });

  it('x.tolist() printed after each step: the same', async () => {
    const { r, j } = await printedOnOpenblas('openblas-haswell-seed-plus-t');
    assert.equal(r.code, 1, j.summary);
    diagnosed(j);
  });

  it('the mistake from the first step: the recording, and its sample alone (x.tolist()), named under the pair', async () => {
    const run = (files: Record<string, string>, args: string[]) =>
      runCliInMemory(['compare', ...args, '--json'], files, { writable: false }).then((r) => ({
        code: r.code,
        j: JSON.parse(r.out) as { diagnosis: { id: string; pair?: unknown; approximate?: boolean }[]; summary: string }
      }));
    const recorded = await run({ 'run.json': rec('openblas-haswell-seed-plus-t-all.run.json') }, ['run.json']);
    const sample = recordingTolistSteps(ROOT, 'openblas-haswell-seed-plus-t-all').at(-1)!;
    const alone = await run({ 'in.json': rec('openblas-haswell.inputs.json'), 'p.txt': sample.list }, [
      'in.json',
      'p.txt'
    ]);
    for (const { code, j } of [recorded, alone]) {
      assert.equal(code, 1, j.summary);
      assert.deepEqual(
        j.diagnosis.map((d) => [d.id, d.pair, d.approximate]),
        [['step-seed-plus-t', pair, undefined]],
        j.summary
      );
    }
  });

  it('on OpenBLAS with the scalar randn kernel, x_T recorded: the mistake named under that pair, not "check the seed"', async () => {
    const { r, j } = await recordingAlone('openblas-haswell-scalar-seed-plus-t.run.json');
    assert.equal(r.code, 1, j.summary);
    assert.deepEqual(
      j.diagnosis.map((d: { id: string; pair?: unknown }) => [d.id, d.pair]),
      [['step-seed-plus-t', { rng: 'scalar', matmul: 'openblas-haswell' }]],
      j.summary
    );
    assert.doesNotMatch(j.summary, /check the seed/);
  });
});

describe('cli compare: recordings and step-by-step pastes', () => {
  it('a recording of float64 states (rec.step(t, x.double())) says they were rounded to float32, and matches', async () => {
    const r = await cli(rec('float64-states.run.json'));
    const j = JSON.parse(r.out);
    assert.equal(r.code, 0, j.summary);
    assert.equal(
      j.steps.stepsNote,
      'a recording of x_T and x after every step, t = 3..0 (float64 states, each rounded to float32 as x.float() does, then bit for bit: the bitwise rule).'
    );
  });
  it('a recording that ends before step 0 (the loop stopped early) is no match: exit 1, every recorded state equal', async () => {
    const r = await cli(rec('stopped-at-t2.run.json'));
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.matches, false);
    assert.equal(j.firstDivergence, null);
    assert.deepEqual(
      j.steps.prints.map((p: { step: number | null; matches: boolean }) => [p.step, p.matches]),
      [
        [null, true],
        [3, true],
        [2, true]
      ]
    );
    assert.match(
      j.summary,
      /\nNot a match: the recording ends at x after step 2 and has no sample \(x after step 0\) to compare; every recorded state matches\. Record x after step 0 too\.$/
    );
  });

  it('a recording alone (compare run.json) is compared with the inputs it holds', async () => {
    const alone = (name: string, extra: Record<string, string> = {}, args = ['run.json']) =>
      runCliInMemory(['compare', ...args, '--json'], { 'run.json': rec(name), ...extra }, { writable: false });
    const ok = await alone('correct.run.json');
    assert.equal(ok.code, 0, ok.err);
    assert.equal(JSON.parse(ok.out).rule, 'bitwise');
    const wrong = await alone('step-seed-plus-t.run.json');
    const j = JSON.parse(wrong.out);
    assert.equal(wrong.code, 1);
    assert.equal(j.firstDivergence.step, 3);
    assert.ok(j.diagnosis.some((d: { id: string }) => d.id === 'step-seed-plus-t'));
    const notRecording = await runCliInMemory(['compare', 'in.json'], { 'in.json': inputs }, { writable: false });
    assert.equal(notRecording.code, 2);
    assert.match(notRecording.err, /^compare: missing PASTED\.txt \(only a recording, run\.json, is compared alone/);
    // a recording cut short (the kernel died while saving it): what is wrong with its JSON, not a missing file
    const cut = rec('correct.run.json').slice(0, 300);
    const truncated = await runCliInMemory(['compare', 'run.json'], { 'run.json': cut }, { writable: false });
    assert.equal(truncated.code, 2);
    assert.equal(truncated.err.trim(), 'run.json: not valid JSON: line 1, column 301: unexpected end of input');
    const asInputs = await alone('correct.run.json', { 'p.txt': 'tensor([[1., 2.]])' }, ['run.json', 'p.txt']);
    assert.equal(asInputs.code, 2);
    assert.match(asInputs.err, /^run\.json: a recording \(run\.json\), not inputs: pass it alone/);
  });

  it("inputs other than the recording's: the warning names every field that differs", async () => {
    const changed = JSON.parse(inputs);
    changed.seed += 1;
    changed.w_model[0][0] += 0.25;
    changed.betas[0] *= 2;
    const r = await cli(rec('correct.run.json'), true, JSON.stringify(changed));
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    const original = JSON.parse(inputs);
    assert.ok(
      j.warnings.includes(
        `run.json: the recording's inputs differ from in.json (seed ${original.seed} vs ${changed.seed}; w_model; betas); compared with the run of in.json`
      ),
      JSON.stringify(j.warnings)
    );
    // another N as well: w_model, (d + 1, d), is still compared
    changed.shape = [original.shape[0] + 1, original.shape[1]];
    const r2 = await cli(rec('correct.run.json'), true, JSON.stringify(changed));
    const j2 = JSON.parse(r2.out);
    assert.ok(
      j2.warnings.some((w: string) =>
        w.includes(
          `(seed ${original.seed} vs ${changed.seed}; shape [${original.shape[0]}, ${original.shape[1]}] vs [${changed.shape[0]}, ${changed.shape[1]}]; w_model; betas)`
        )
      ),
      JSON.stringify(j2.warnings)
    );
  });

  it('a recording made with rec.step(t, x) at the top of the loop body: exit 1, and a hint saying so', async () => {
    const r = await cli(rec('top-of-loop.run.json'));
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 3);
    assert.match(
      j.summary,
      /\nHint: every recorded state is the correct loop's x before its step \(rec\.step\(t, x\) called at the top of the loop body/
    );
    const other = await cli(rec('step-seed-plus-t.run.json'));
    assert.doesNotMatch(JSON.parse(other.out).summary, /Hint:/);
  });

  it('a recording whose x_T was drawn in float64 (16 values): the note says why x_T differs', async () => {
    const r = await recorded('float64-x_T');
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, null);
    assert.match(
      j.diagnosisNote,
      /^not run: x_T differs\. Your x_T was float64: torch\.randn\(N, d, dtype=torch\.float64\)/
    );
  });

  it('the same float64 loop recorded without x_T: a hint says the whole loop runs in float64, and its draw of 16 values differs', async () => {
    const r = await recorded('float64-no-init');
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 3);
    assert.deepEqual(j.diagnosis, []);
    assert.match(
      j.summary,
      /\nHint: every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: .* so x_T differs too\. Run it in float32 \(the default dtype\) to compare bit for bit\.$/
    );
    // float64 states of the correct loop (x.double()): no hint
    assert.doesNotMatch(JSON.parse((await cli(rec('float64-states.run.json'))).out).summary, /Hint:/);
  });

  it('a correct loop run wholly in float64 (8 values a state): exit 1, no mistake, and a hint saying the loop runs in float64', async () => {
    const r = await recorded('float64-loop');
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.deepEqual(j.diagnosis, []);
    assert.match(
      j.summary,
      /\nHint: every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: .* draw them\. Your loop is correct: it runs in float64 where the reference runs in float32, and their roundings differ from the first step on\./
    );
  });

  it('a recording of the correct loop matches bitwise at every step: exit 0, firstDivergence null', async () => {
    const r = await cli(rec('correct.run.json'));
    assert.equal(r.err, '');
    const j = JSON.parse(r.out);
    assert.equal(r.code, 0, j.summary);
    assert.equal(j.rule, 'bitwise');
    assert.equal(j.bitwiseEqual, true);
    assert.equal(j.firstDivergence, null);
    assert.deepEqual(j.diagnosis, []);
    assert.equal(j.steps.prints.length, 5);
    assert.deepEqual(
      j.steps.prints.map((p: { step: number | null }) => p.step),
      [null, 3, 2, 1, 0]
    );
    assert.equal(
      j.steps.stepsNote,
      'a recording of x_T and x after every step, t = 3..0 (exact float32 bits, so the bitwise rule).'
    );
  });

  it('a recording of x_T only (the loop stopped before its first step): x_T compared and named, exit 1 for the missing sample', async () => {
    // PyTorch's recording of the correct loop, its steps cut off
    const cut = { ...JSON.parse(rec('correct.run.json')), steps: [] };
    const r = await cli(JSON.stringify(cut), false);
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      /^Compared step by step: a recording of x_T only \(exact float32 bits, so the bitwise rule\)\.\nEvery recorded state matches our x_T \(1 of 1\)\.\n/
    );
    assert.match(
      r.out,
      /\nThe last recorded state \(x_T, the initial noise; not the sample\):\nTensor-likes are equal!\n/
    );
    assert.match(r.out, /\nNot a match: the recording ends at x_T and has no sample/);
  });

  it('a recording of the loop seeded with seed + t: exit 1, first divergence at step 3, diagnosis step-seed-plus-t', async () => {
    const r = await cli(rec('step-seed-plus-t.run.json'));
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 3);
    assert.equal(j.firstDivergence.index.length, 2);
    assert.deepEqual(
      j.diagnosis.map((d: { id: string }) => d.id),
      ['step-seed-plus-t']
    );
    assert.deepEqual(Object.keys(j.diagnosis[0]), ['id', 'title', 'explanation', 'pytorch']);
    assert.equal(
      j.diagnosis[0].pytorch.split('\n')[0],
      'z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + t))'
    );
    const text = await cli(rec('step-seed-plus-t.run.json'), false);
    assert.equal(text.code, 1);
    assert.match(text.out, /^Compared step by step: a recording of x_T and x after every step, t = 3\.\.0/);
    assert.match(
      text.out,
      /\nFirst divergence: x after step t = 3 \(recorded state 2 of 5\), element \(\d, \d\): ours \S+, recorded /
    );
    assert.match(
      text.out,
      /\nDiagnosis: your output is exactly what Algorithm 2 gives with this mistake from step t = 3 on: .* \(step-seed-plus-t\)/
    );
  });

  it('a mistake that begins at a step the recording skipped, right after the last matching one: diagnosed from there, as the recording view does', async () => {
    // T = 30, every 4th step recorded (29, 25, 21, 17, 13, ...), seed + t from step 16 on (scripts/fixtures/recording.py)
    const r = await runCliInMemory(
      ['compare', 'run.json', '--json'],
      { 'run.json': rec('late-seed-plus-t.run.json') },
      {
        writable: false
      }
    );
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 13);
    assert.deepEqual(
      j.diagnosis.map((d: { id: string }) => d.id),
      ['step-seed-plus-t']
    );
    assert.match(
      j.summary,
      /\nDiagnosis: your output is exactly what Algorithm 2 gives with this mistake from step t = 16 on: /
    );
  });

  it('the same states printed by PyTorch, with other lines between them, give the same verdict', async () => {
    const e = expected.recordings['step-seed-plus-t'];
    const text = e.steps
      .map((s) => `t = ${s.t}\n${formatTensorF32(fromBits(s.bits), [4, 2], { precision: 12 })}`)
      .join('\n');
    const r = await cli(text);
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 3);
    assert.deepEqual(
      j.diagnosis.map((d: { id: string }) => d.id),
      ['step-seed-plus-t']
    );
    assert.equal(
      j.steps.stepsNote,
      '4 prints, taken as x after every step, t = 3..0 (in loop order; the last print is the sample).'
    );
  });

  it('x_T drawn as torch.randn(d, N).T, recorded or printed: the diagnosis note names that draw', async () => {
    const printed = (JSON.parse(rec('expected.json')) as { recordings: Record<string, { printed: string }> })
      .recordings['x_T-transposed'].printed;
    for (const r of [await cli(rec('x_T-transposed.run.json')), await cli(printed)]) {
      const j = JSON.parse(r.out);
      assert.equal(r.code, 1, j.summary);
      assert.equal(j.firstDivergence.step, null);
      assert.equal(
        j.diagnosisNote,
        'not run: x_T differs: your x_T is torch.randn(d, N, generator=...).T: the numbers of torch.randn(N, d, generator=...) drawn as a (d, N) tensor and transposed, so each lands elsewhere; draw torch.randn(N, d, generator=torch.Generator().manual_seed(seed)) (no catalogue mistake changes x_T).'
      );
    }
  });

  it("a mistake written as Ho et al.'s code writes it (other roundings): named, within assert_close's tolerance, recorded or printed", async () => {
    const lists = JSON.parse(rec('expected.json')) as { recordings: Record<string, { sample_list: string }> };
    for (const [name, id] of [
      ['ho-sigma', 'sigma-beta-tilde'],
      ['ho-clip-x0', 'clip-x0']
    ] as const) {
      // the recording alone, and its final sample as x.tolist() prints it (exact digits: the bitwise rule)
      const recorded = await runCliInMemory(['compare', 'run.json', '--json'], { 'run.json': rec(`${name}.run.json`) });
      const printed = await cli(lists.recordings[name].sample_list, true, rec(`${name}.inputs.json`));
      for (const r of [recorded, printed]) {
        const j = JSON.parse(r.out);
        assert.equal(r.code, 1, j.summary);
        assert.deepEqual(
          j.diagnosis.map((d: { id: string; approximate?: boolean }) => [d.id, d.approximate]),
          [[id, true]],
          j.summary
        );
        assert.match(
          j.summary,
          /\nDiagnosis: your output is within torch\.testing\.assert_close's float32 tolerance \(rtol 1\.3e-6, atol 1e-5\), though not bit for bit \(your code likely writes the mistake with operations that round differently, as Ho et al\.'s code does\), what Algorithm 2 gives with this mistake/
        );
      }
    }
  });

  it('torch.rsqrt (an ulp here and there from step 38), then noise at t = 0 too: the mistake named from where it shows', async () => {
    const r = await runCliInMemory(['compare', 'run.json', '--json'], {
      'run.json': rec('rsqrt-noise-at-t0.run.json')
    });
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 38);
    assert.deepEqual(
      j.diagnosis.map((d: { id: string; approximate?: boolean }) => [d.id, d.approximate]),
      [['noise-at-t0', true]]
    );
    assert.match(j.summary, /with this mistake from step t = 0 on: Noise added at the last step too \(noise-at-t0\)/);
  });

  it('a correct loop written with torch.rsqrt (an ulp here and there): no mistake named, and none needed', async () => {
    const r = await runCliInMemory(['compare', 'run.json', '--json'], { 'run.json': rec('rsqrt.run.json') });
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.equal(j.firstDivergence.step, 38);
    assert.deepEqual(j.diagnosis, []);
    assert.match(
      j.diagnosisNote,
      /^no entry of the diagnosis catalogue reproduces the recording bit for bit, and none is needed: the correct loop is within torch\.testing\.assert_close's float32 tolerance \(rtol 1\.3e-6, atol 1e-5\) of it \(at most 1 ulp apart\), as a correct loop written with operations that round differently is \(torch\.rsqrt, .*\), or one run on a BLAS whose rounding no matmul profile reproduces\.$/
    );
  });

  it('a malformed recording is one line naming the field', async () => {
    const bad = JSON.parse(rec('correct.run.json'));
    bad.steps[1].t = 7;
    const r = await cli(JSON.stringify(bad));
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^steps\[1\]\.t: /);
    assert.equal(r.err.trimEnd().split('\n').length, 1);
  });
});
