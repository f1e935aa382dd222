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
  settingProblems,
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
    // a tolerance set to a value it does not take does not switch the comparison to the tolerance rule
    assert.equal(s.tolerances, undefined);
    assert.equal(s.maxElementsWithoutAsking, SETTING_DEFAULTS.maxElementsWithoutAsking);
    assert.deepEqual(readSettings(source({ 'compare.rtol': 1e-4, 'compare.atol': '1e-3' })).tolerances, {
      rtol: 1e-4,
      atol: SETTING_DEFAULTS['compare.atol']
    });
  });

  it('says, one line each, which settings were set to a value they do not take, and what is used instead', () => {
    assert.deepEqual(
      settingProblems(
        source({
          rngProfile: 'scaler',
          matmulProfile: 'mkl',
          'trajectory.record': 'every',
          'trajectory.every': 0,
          'compare.rtol': -1,
          'compare.atol': '1e-4',
          maxElementsWithoutAsking: Number.NaN,
          'trajectory.notebookMaxMiB': [4],
          pythonPath: '/usr/bin/python3'
        })
      ),
      [
        'ddpmLab.rngProfile: unknown value "scaler" (expected avx2-fma, avx2 or scalar); avx2-fma is used',
        'ddpmLab.matmulProfile: unknown value "mkl" (expected reference or openblas-haswell); reference is used',
        'ddpmLab.trajectory.every: expected a number of at least 1, got 0; 10 is used',
        'ddpmLab.trajectory.notebookMaxMiB: expected a number of at least 0, got an array; 4 is used',
        'ddpmLab.compare.rtol: expected a number of at least 0, got -1; it is ignored',
        'ddpmLab.compare.atol: expected a number of at least 0, got "1e-4"; it is ignored',
        'ddpmLab.maxElementsWithoutAsking: expected a number of at least 0, got NaN; 50000000 is used'
      ]
    );
    // the defaults, or values set and valid: nothing to say
    assert.deepEqual(settingProblems(source({})), []);
    assert.deepEqual(settingProblems(source({ rngProfile: 'scalar', 'compare.atol': 0 })), []);
    // null leaves a setting at its default, as settings.json users write it
    assert.deepEqual(settingProblems(source({ rngProfile: null, 'compare.atol': null })), []);
    assert.equal(readSettings(source({ 'compare.atol': null })).tolerances, undefined);
    // a bad value the user did not set (a default from elsewhere) is not theirs to fix
    assert.deepEqual(settingProblems(source({ rngProfile: 'scaler' }, [])), []);
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
