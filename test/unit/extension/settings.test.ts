// DDPM Lab's settings as the commands and the kernel read them (src/extension/settings.ts).
import { strict as assert } from 'node:assert';
import { DEFAULT_TRAJECTORY_BUDGET_BYTES } from '../../../src/core/sampler/limits';
import {
  largeRun,
  largeRunQuestion,
  NOTEBOOK_TRAJECTORY_DEFAULT_BYTES,
  notebookTrajectoryBytes,
  readSettings,
  SETTING_DEFAULTS,
  type SettingKey
} from '../../../src/extension/settings';

function source(values: Partial<Record<SettingKey, unknown>>, set: SettingKey[] = Object.keys(values) as SettingKey[]) {
  return {
    get: (k: SettingKey) => (k in values ? values[k] : SETTING_DEFAULTS[k]),
    isSet: (k: SettingKey) => set.includes(k)
  };
}

describe('readSettings', () => {
  it('gives the defaults when nothing is set: avx2-fma, every step, automatic comparison rule', () => {
    const s = readSettings(source({}));
    assert.deepEqual(s, {
      profile: SETTING_DEFAULTS.rngProfile,
      matmul: 'reference',
      record: { kind: 'all' },
      tolerances: undefined,
      maxElementsWithoutAsking: SETTING_DEFAULTS.maxElementsWithoutAsking
    });
    assert.equal(s.profile, 'avx2-fma');
  });

  it('reads ddpmLab.matmulProfile; an unknown value gives reference', () => {
    assert.equal(readSettings(source({ matmulProfile: 'openblas-haswell' })).matmul, 'openblas-haswell');
    assert.equal(readSettings(source({ matmulProfile: 'mkl' })).matmul, 'reference');
  });

  it('reads the profile and the recording policy', () => {
    assert.equal(readSettings(source({ rngProfile: 'scalar' })).profile, 'scalar');
    assert.deepEqual(readSettings(source({ 'trajectory.record': 'every', 'trajectory.every': 25 })).record, {
      kind: 'every',
      k: 25
    });
    assert.deepEqual(readSettings(source({ 'trajectory.record': 'none' })).record, { kind: 'none' });
  });

  it("passes tolerances only when the user set one (then both, the other at PyTorch's default)", () => {
    assert.equal(readSettings(source({ 'compare.rtol': SETTING_DEFAULTS['compare.rtol'] }, [])).tolerances, undefined);
    assert.deepEqual(readSettings(source({ 'compare.atol': 1e-3 })).tolerances, {
      rtol: SETTING_DEFAULTS['compare.rtol'],
      atol: 1e-3
    });
    // set explicitly to the default value: still the user's choice, so the tolerance rule applies
    assert.deepEqual(readSettings(source({ 'compare.rtol': SETTING_DEFAULTS['compare.rtol'] })).tolerances, {
      rtol: SETTING_DEFAULTS['compare.rtol'],
      atol: SETTING_DEFAULTS['compare.atol']
    });
  });

  it('falls back to the default for values of the wrong type or range', () => {
    const s = readSettings(
      source({
        rngProfile: 'neon',
        'trajectory.record': 'every',
        'trajectory.every': 0,
        'compare.rtol': -1,
        'compare.atol': 'x',
        maxElementsWithoutAsking: Number.NaN
      })
    );
    assert.equal(s.profile, SETTING_DEFAULTS.rngProfile);
    assert.deepEqual(s.record, { kind: 'every', k: SETTING_DEFAULTS['trajectory.every'] });
    assert.deepEqual(s.tolerances, { rtol: SETTING_DEFAULTS['compare.rtol'], atol: SETTING_DEFAULTS['compare.atol'] });
    assert.equal(s.maxElementsWithoutAsking, SETTING_DEFAULTS.maxElementsWithoutAsking);
  });

  it("reads the notebook output trajectory budget in bytes: default below the core's, clamped to it, 0 allowed", () => {
    const MiB = 2 ** 20;
    assert.equal(notebookTrajectoryBytes(source({})), SETTING_DEFAULTS['trajectory.notebookMaxMiB'] * MiB);
    assert.equal(NOTEBOOK_TRAJECTORY_DEFAULT_BYTES, SETTING_DEFAULTS['trajectory.notebookMaxMiB'] * MiB);
    assert.ok(NOTEBOOK_TRAJECTORY_DEFAULT_BYTES < DEFAULT_TRAJECTORY_BUDGET_BYTES, "smaller than the core's budget");
    assert.equal(notebookTrajectoryBytes(source({ 'trajectory.notebookMaxMiB': 0 })), 0);
    assert.equal(notebookTrajectoryBytes(source({ 'trajectory.notebookMaxMiB': 0.5 })), MiB / 2);
    assert.equal(
      notebookTrajectoryBytes(source({ 'trajectory.notebookMaxMiB': 1e6 })),
      DEFAULT_TRAJECTORY_BUDGET_BYTES
    );
    for (const bad of [-1, Number.NaN, Infinity, '8', null]) {
      assert.equal(
        notebookTrajectoryBytes(source({ 'trajectory.notebookMaxMiB': bad })),
        NOTEBOOK_TRAJECTORY_DEFAULT_BYTES,
        String(bad)
      );
    }
  });
});

describe('largeRun: the question before a run larger than ddpmLab.maxElementsWithoutAsking', () => {
  it('asks only above the limit (N x d x T values), the palette command and the kernel alike', () => {
    assert.equal(largeRun(4, 2, 1000, { maxElementsWithoutAsking: 8000 }), null);
    assert.deepEqual(largeRun(4, 2, 1000, { maxElementsWithoutAsking: 7999 }), {
      n: 4,
      d: 2,
      T: 1000,
      elements: 8000,
      limit: 7999
    });
    assert.deepEqual(largeRun(1, 1, 1, { maxElementsWithoutAsking: 0 })?.elements, 1, '0 always asks');
  });

  it('names the sizes, the count and the setting in one line', () => {
    const question = largeRunQuestion(
      largeRun(1000, 64, 1000, { maxElementsWithoutAsking: SETTING_DEFAULTS.maxElementsWithoutAsking })!
    );
    assert.equal(
      question,
      'This run computes N × d × T = 1000 × 64 × 1000 = 64,000,000 values, more than ddpmLab.maxElementsWithoutAsking (50,000,000). Run it?'
    );
  });
});
