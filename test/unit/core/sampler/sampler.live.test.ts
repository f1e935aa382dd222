// Fresh random cases against real PyTorch, when it is installed (/usr/bin/python3 with Debian's torch):
// scripts/fixtures/sampler.py --live makes them, with a new seed on every run; otherwise this reports itself skipped.
import { strict as assert } from 'node:assert';
import { ROOT } from '../../helpers/paths';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { assertMatchesPyTorch, toInputs, type FixtureInputs, type FixtureResult } from '../../helpers/samplerFixture';
import { PYTHON, torchMissing } from '../../helpers/torch';

const SCRIPT = path.join(ROOT, 'scripts', 'fixtures', 'sampler.py');

describe('sampler: live against PyTorch (fresh random cases)', function () {
  this.timeout(180000);
  let missing: string | null = null;
  before(function () {
    missing = torchMissing();
  });

  for (const [profile, capability] of [
    ['avx2-fma', 'avx2'],
    ['scalar', 'default']
  ] as const) {
    it(`${profile} (ATEN_CPU_CAPABILITY=${capability})`, function () {
      if (missing) {
        this.skip(); // reported as pending; the reason is printed below
      }
      const seed = Math.floor(Math.random() * 2 ** 31);
      const r = spawnSync(PYTHON, [SCRIPT, '--live', '8', String(seed)], {
        encoding: 'utf8',
        env: { ...process.env, ATEN_CPU_CAPABILITY: capability },
        timeout: 150000,
        maxBuffer: 1 << 28
      });
      assert.equal(r.status, 0, `sampler.py --live failed: ${r.stderr}`);
      const live: { capability: string; cases: { inputs: FixtureInputs; result: FixtureResult }[] } = JSON.parse(
        r.stdout
      );
      assert.equal(live.cases.length, 8);
      live.cases.forEach((c, i) => {
        assertMatchesPyTorch(
          toInputs(c.inputs),
          c.result,
          { profile },
          `live case ${i} (python seed ${seed}, shape ${c.inputs.shape}, T = ${c.inputs.betas.length})`
        );
      });
    });
  }

  after(function () {
    if (missing) console.log(`      (skipped: ${missing})`);
  });
});
