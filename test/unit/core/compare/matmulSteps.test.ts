// A step-by-step paste made by PyTorch on another BLAS (OpenBLAS, test/fixtures/matmul/sampler.json, made by
// scripts/fixtures/matmul.py) is judged against our states computed with the run's matmul profile, as its final sample
// is: each state bit for bit.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareRun } from '../../../../src/core/compare/compare';
import { runSampler } from '../../../../src/core/sampler/sampler';
import type { MatmulProfile } from '../../../../src/core/types';
import { fromBits } from '../../helpers/bits';
import { FIXTURES } from '../../helpers/paths';
import { toInputs, type SamplerFixture } from '../../helpers/samplerFixture';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'sampler.json'), 'utf8'));
const kase = fixture.cases.find((c) => c.name === 'd = 16, N = 30, trajectory')!;
const inputs = toInputs(kase.inputs);

/** print(x.tolist()) after every step of PyTorch's loop on `profile`'s BLAS: the doubles of the float32 states. */
function stepPaste(profile: MatmulProfile): string {
  return kase.results[profile]
    .trajectory!.map((s) => {
      const x = fromBits(s.x_prev);
      const rows = Array.from(
        { length: inputs.n },
        (_, r) => `[${Array.from(x.subarray(r * inputs.d, (r + 1) * inputs.d)).join(', ')}]`
      );
      return `[${rows.join(', ')}]`;
    })
    .join('\n');
}

describe('compare: a step-by-step paste under a matmul profile', () => {
  it('the fixture tells the two BLAS apart in some step', () =>
    assert.notEqual(stepPaste('openblas-haswell'), stepPaste('reference')));

  for (const matmul of ['reference', 'openblas-haswell'] as const) {
    const other = matmul === 'reference' ? 'openblas-haswell' : 'reference';
    it(`a run with matmul ${matmul}: PyTorch's states on that BLAS match, every one; those on the other do not`, () => {
      const run = runSampler(inputs, { matmul, record: { kind: 'none' } });
      const same = compareRun(inputs, run, stepPaste(matmul), { diagnose: false });
      assert.equal(same.matches, true, same.summary);
      assert.equal(same.steps?.prints.length, inputs.betas.length, 'judged step by step');
      const differs = compareRun(inputs, run, stepPaste(other), { diagnose: false });
      assert.equal(differs.matches, false, differs.summary);
    });
  }
});
