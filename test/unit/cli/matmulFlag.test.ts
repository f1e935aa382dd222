// --matmul on sample, compare and report (README "Command-line tool"): the sample is the one PyTorch gave on that BLAS
// (test/fixtures/matmul/sampler.json, made by scripts/fixtures/matmul.py on each library).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseReportArgs } from '../../../src/cli/report';
import { fromBits } from '../helpers/bits';
import { runCliInMemory } from '../helpers/cliInMemory';
import { FIXTURES } from '../helpers/paths';
import type { SamplerFixture } from '../helpers/samplerFixture';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'sampler.json'), 'utf8'));
// a case where the two BLAS give different samples, so each assertion below fails for the other profile
const kase = fixture.cases.find(
  (c) =>
    c.results.reference.sample &&
    c.results['openblas-haswell'].sample &&
    c.results.reference.sample.join() !== c.results['openblas-haswell'].sample.join()
)!;

/** The case's inputs as an INPUT.json (every float32 written as the decimal that reads back as it). */
function inputJson(): string {
  const f = kase.inputs;
  const w = Array.from(fromBits(f.w_model.bits));
  const rows = Array.from({ length: f.w_model.shape[0] }, (_, r) =>
    w.slice(r * f.w_model.shape[1], (r + 1) * f.w_model.shape[1])
  );
  return JSON.stringify({
    w_model: rows,
    shape: f.shape,
    betas: Array.from(fromBits(f.betas)),
    alpha_bar: Array.from(fromBits(f.alpha_bar)),
    seed: f.seed
  });
}

const bitsOf = (values: number[]) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

describe('cli: --matmul', () => {
  it('the fixture has a case the two profiles tell apart', () =>
    assert.ok(kase, 'no case differs between the BLAS libraries'));

  for (const profile of ['reference', 'openblas-haswell'] as const) {
    it(`sample --matmul ${profile}: PyTorch's sample on that BLAS, bit for bit`, async () => {
      const r = await runCliInMemory(['sample', 'in.json', '--json', '--matmul', profile], { 'in.json': inputJson() });
      assert.equal(r.code, 0, r.err);
      const sample = (JSON.parse(r.out).sample as number[][]).flat();
      assert.deepEqual(
        bitsOf(sample),
        kase.results[profile].sample!.map((b) => b >>> 0)
      );
    });
  }

  it('compare --matmul: matches the paste of the same BLAS only', async () => {
    // x.tolist() of PyTorch's (N, d) sample on OpenBLAS: a paste of our shape (another shape is a mismatch)
    const flat = Array.from(fromBits(kase.results['openblas-haswell'].sample!));
    const [n, d] = kase.inputs.shape;
    const pasted = JSON.stringify(Array.from({ length: n }, (_, r) => flat.slice(r * d, (r + 1) * d)));
    const files = { 'in.json': inputJson(), 'p.txt': pasted };
    assert.equal(
      (await runCliInMemory(['compare', 'in.json', 'p.txt', '--matmul', 'openblas-haswell'], files)).code,
      0
    );
    assert.equal((await runCliInMemory(['compare', 'in.json', 'p.txt', '--matmul', 'reference'], files)).code, 1);
  });

  it('compare names every (RNG, matmul) profile pair that reproduces the paste', async () => {
    const flat = Array.from(fromBits(kase.results['openblas-haswell'].sample!));
    const [n, d] = kase.inputs.shape;
    const files = {
      'in.json': inputJson(),
      'p.txt': JSON.stringify(Array.from({ length: n }, (_, r) => flat.slice(r * d, (r + 1) * d)))
    };
    const r = await runCliInMemory(['compare', 'in.json', 'p.txt', '--json', '--matmul', 'reference'], files);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.out) as {
      pairSearch: { tried: unknown[]; matching: { rng: string; matmul: string }[] };
      summary: string;
      diagnosis: unknown[];
    };
    assert.equal(out.pairSearch.tried.length, 6);
    // PyTorch's RNG kernel on this machine is avx2-fma: that pair with OpenBLAS's matmul reproduces it
    assert.ok(
      out.pairSearch.matching.some((p) => p.rng === 'avx2-fma' && p.matmul === 'openblas-haswell'),
      JSON.stringify(out.pairSearch)
    );
    assert.ok(
      out.pairSearch.matching.every((p) => p.matmul === 'openblas-haswell'),
      JSON.stringify(out.pairSearch)
    );
    assert.match(out.summary, /Profile pairs: .*avx2-fma with matmul openblas-haswell/);
    assert.deepEqual(out.diagnosis, []);
  });

  it('report --matmul, and unknown profiles are refused with one line (exit 2)', async () => {
    assert.equal(
      parseReportArgs(['in.json', '--matmul', 'openblas-haswell', '-o', 'r.html']).matmul,
      'openblas-haswell'
    );
    const r = await runCliInMemory(['sample', 'in.json', '--matmul', 'mkl'], { 'in.json': inputJson() });
    assert.equal(r.code, 2);
    assert.equal(r.err, '--matmul: unknown matmul profile "mkl" (expected one of reference, openblas-haswell)\n');
  });
});
