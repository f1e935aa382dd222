// "DDPM: Copy Equivalent PyTorch Script": the script must reproduce our run in real PyTorch. The
// live tests run the generated script with /usr/bin/python3 (Debian's torch, the oracle) and compare
// what it prints with our sampler's result, bit for bit and as printed; they report themselves
// skipped where torch is missing. The literal tests run everywhere.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { readInputs } from '../../../../src/core/sampler/inputs';
import { buildPytorchScript, pythonFloatLiteral } from '../../../../src/core/notebook/pytorchScript';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { formatTensorF32 } from '../../../../src/core/tensors/printTensor';
import type { RngProfile, SamplerInputs } from '../../../../src/core/types';
import { generateInputs } from '../../../../src/extension/resolveInputs';
import { PYTHON, torchMissing } from '../../helpers/torch';
import { f32Bits } from '../../helpers/bits';
import { seedInputsText } from '../../helpers/seedExample';

/** Runs the script plus one line printing x0's float32 bit patterns; returns PyTorch's print and the bits. */
function runScript(script: string): { printed: string; bits: number[] } {
  const probe = `${script}\nprint('DDPM_BITS', x0.contiguous().view(torch.int32).flatten().tolist())\n`;
  const env = { ...process.env };
  delete env.ATEN_CPU_CAPABILITY; // the script chooses the kernel itself
  const r = spawnSync(PYTHON, ['-'], { input: probe, encoding: 'utf8', env, timeout: 120000 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  const at = r.stdout.lastIndexOf('DDPM_BITS ');
  assert.ok(at >= 0, r.stdout);
  const signed: number[] = JSON.parse(r.stdout.slice(at + 'DDPM_BITS '.length));
  return { printed: r.stdout.slice(0, at), bits: signed.map((v) => v >>> 0) };
}

function example(): SamplerInputs {
  return readInputs(JSON.parse(seedInputsText)).inputs;
}

const cases: { name: string; profile: RngProfile; inputs: () => SamplerInputs }[] = [
  { name: 'the bundled example (N*d = 8: the Box-Muller path)', profile: 'avx2-fma', inputs: example },
  {
    name: 'generated inputs, cosine schedule, N*d = 21 (vectorised path with a tail)',
    profile: 'avx2-fma',
    inputs: () => generateInputs({ n: 7, d: 3, T: 30, seed: 1234n, schedule: 'cosine' }, 'avx2-fma').inputs
  },
  {
    name: 'generated inputs, linear schedule, a negative seed',
    profile: 'avx2-fma',
    inputs: () => generateInputs({ n: 16, d: 2, T: 12, seed: -5n, schedule: 'linear' }, 'avx2-fma').inputs
  },
  {
    name: 'the scalar profile (the script selects ATEN_CPU_CAPABILITY=default)',
    profile: 'scalar',
    inputs: () => generateInputs({ n: 9, d: 4, T: 8, seed: (1n << 32n) + 3n, schedule: 'linear' }, 'scalar').inputs
  }
];

describe('buildPytorchScript', () => {
  it('writes every float32 value as a literal that reads back as exactly that value', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const lit = pythonFloatLiteral(v);
        assert.match(lit, /^-?(\d+\.\d*|\d+(\.\d+)?e[-+]?\d+|\d+\.\d+e[-+]?\d+)$/);
        const back = Number(lit);
        assert.ok(Object.is(back, v), `${v} -> ${lit} -> ${back}`);
        assert.equal(Math.fround(back), back);
      })
    );
  });

  it('embeds the inputs exactly (w_model, betas, the first T of alpha_bar, seed, shape)', () => {
    const inputs = generateInputs({ n: 5, d: 3, T: 20, seed: 99n, schedule: 'cosine' }, 'avx2-fma').inputs;
    const script = buildPytorchScript(inputs, { profile: 'avx2-fma' });
    const tensor = (name: string): number[] => {
      const m = new RegExp(`^${name} = torch\\.tensor\\(([\\s\\S]*?), dtype=torch\\.float32\\)`, 'm').exec(script);
      assert.ok(m, `${name} not found`);
      return JSON.parse(m[1].replace(/,\s*\]/g, ']')).flat();
    };
    assert.deepEqual(tensor('w_model'), Array.from(inputs.wModel.data));
    assert.deepEqual(tensor('betas'), Array.from(inputs.betas));
    assert.deepEqual(tensor('alpha_bar'), Array.from(inputs.alphaBar.subarray(0, inputs.betas.length)));
    assert.match(script, /^seed = 99$/m);
    assert.match(script, /^shape = \[5, 3\]$/m);
    assert.doesNotMatch(script, /ATEN_CPU_CAPABILITY', 'default'/);
    assert.match(
      buildPytorchScript(inputs, { profile: 'scalar' }),
      /^os\.environ\.setdefault\('ATEN_CPU_CAPABILITY', 'default'\)$/m
    );
  });

  describe('run by real PyTorch, prints what our sampler computes', function () {
    this.timeout(180000);
    before(function () {
      if (torchMissing()) this.skip();
    });
    for (const c of cases) {
      it(c.name, () => {
        const inputs = c.inputs();
        const ours = runSampler(inputs, { profile: c.profile, record: { kind: 'none' } }).sample;
        const torch = runScript(buildPytorchScript(inputs, { profile: c.profile, origin: 'a unit test' }));
        assert.deepEqual(torch.bits, f32Bits(ours.data), 'x0 bit patterns');
        assert.equal(torch.printed, `${formatTensorF32(ours.data, [ours.rows, ours.cols])}\n`);
      });
    }
  });
});
