// DDPM Lab's settings (contributes.configuration in package.json), read through a plain getter so
// this file has no `vscode` import and is unit-testable. runSettings.ts binds it to the workspace
// configuration (configurationSource) for the commands and the kernel; test/unit/extension/manifest.test.ts
// checks the keys and defaults against package.json.
import { describe } from '../core/describe';
import type { CellDefaults } from '../core/notebook/cellLanguage/interpreter';
import { DEFAULT_TRAJECTORY_BUDGET_BYTES } from '../core/sampler/limits';
import {
  DEFAULT_MATMUL_PROFILE,
  DEFAULT_PROFILE,
  MATMUL_PROFILES,
  RNG_PROFILES,
  type MatmulProfile,
  type RecordPolicy,
  type RngProfile
} from '../core/types';

export const SETTINGS_SECTION = 'ddpmLab';

/** Every setting, relative to the `ddpmLab` section, with its default (equal to the manifest's). */
export const SETTING_DEFAULTS = {
  rngProfile: DEFAULT_PROFILE as RngProfile,
  'trajectory.record': 'all' as 'all' | 'every' | 'none',
  'trajectory.every': 10,
  // MiB of float32 trajectory data one notebook output keeps (outputs are saved, base64, in the .ddpmnb file)
  'trajectory.notebookMaxMiB': 4,
  // PyTorch's float32 defaults of torch.testing.assert_close
  'compare.rtol': 1.3e-6,
  'compare.atol': 1e-5,
  maxElementsWithoutAsking: 50_000_000,
  // whose float32 rounding `inp @ w_model` reproduces (README "Matmul profiles")
  matmulProfile: DEFAULT_MATMUL_PROFILE as MatmulProfile,
  // the Python of "Compare with Local PyTorch"; empty: the Python extension's interpreter, else python3/python on PATH
  pythonPath: ''
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

export interface DdpmSettings {
  profile: RngProfile;
  /** ddpmLab.matmulProfile (absent: reference) */
  matmul?: MatmulProfile;
  record: RecordPolicy;
  /**
   * Tolerances the user set explicitly. Absent when neither is set: the comparison then chooses
   * its rule from the paste (bitwise, printed precision, or tolerance with PyTorch's float32 defaults).
   * When either is set, both are given (the unset one at its default) and the tolerance rule is used.
   */
  tolerances?: { rtol: number; atol: number };
  maxElementsWithoutAsking: number;
  /**
   * Trajectory budget, in bytes, of a run shown as a notebook output (ddpmLab.trajectory.notebookMaxMiB);
   * absent: NOTEBOOK_TRAJECTORY_DEFAULT_BYTES. Read by notebookTrajectoryBytes; "Run Sampler" does not use it.
   */
  notebookTrajectoryBytes?: number;
}

/** How a setting is looked up: its effective value, and whether the user set it in some scope. */
export interface SettingsSource {
  get(key: SettingKey): unknown;
  isSet(key: SettingKey): boolean;
}

/** The parts of vscode.WorkspaceConfiguration that configurationSource reads (structural: no `vscode` import here). */
export interface ConfigurationLike {
  get(key: string): unknown;
  inspect(key: string): { [scope: string]: unknown } | undefined;
}

const SET_IN = [
  'globalValue',
  'workspaceValue',
  'workspaceFolderValue',
  'globalLanguageValue',
  'workspaceLanguageValue',
  'workspaceFolderLanguageValue'
] as const;

/** A SettingsSource over the `ddpmLab` section of the workspace configuration; set = given in some scope. */
export function configurationSource(config: ConfigurationLike): SettingsSource {
  return {
    get: (key) => config.get(key),
    isSet: (key) => {
      const i = config.inspect(key);
      return !!i && SET_IN.some((scope) => i[scope] !== undefined);
    }
  };
}

const finiteAtLeast = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min;

/** What each setting takes, for settingProblems (pythonPath is checked where it is used: pythonResolution.ts). */
const SETTING_RULES: { key: SettingKey; allowed?: readonly string[]; atLeast?: number; instead: string }[] = [
  { key: 'rngProfile', allowed: RNG_PROFILES, instead: `${SETTING_DEFAULTS.rngProfile} is used` },
  { key: 'matmulProfile', allowed: MATMUL_PROFILES, instead: `${SETTING_DEFAULTS.matmulProfile} is used` },
  { key: 'trajectory.record', allowed: ['all', 'every', 'none'], instead: 'all is used' },
  { key: 'trajectory.every', atLeast: 1, instead: `${SETTING_DEFAULTS['trajectory.every']} is used` },
  {
    key: 'trajectory.notebookMaxMiB',
    atLeast: 0,
    instead: `${SETTING_DEFAULTS['trajectory.notebookMaxMiB']} is used`
  },
  { key: 'compare.rtol', atLeast: 0, instead: 'it is ignored' },
  { key: 'compare.atol', atLeast: 0, instead: 'it is ignored' },
  {
    key: 'maxElementsWithoutAsking',
    atLeast: 0,
    instead: `${SETTING_DEFAULTS.maxElementsWithoutAsking} is used`
  }
];

/** Whether a value is one the setting takes (see SETTING_RULES). */
function validSetting(key: SettingKey, value: unknown): boolean {
  const rule = SETTING_RULES.find((r) => r.key === key);
  if (!rule) return true;
  return rule.allowed ? rule.allowed.includes(value as string) : finiteAtLeast(value, rule.atLeast ?? 0);
}

/**
 * One line for each setting the user set to a value it does not take (settings.json holds any JSON; VS Code only
 * underlines it there): `ddpmLab.rngProfile: unknown value "scaler" (expected avx2-fma, avx2 or scalar); avx2-fma is
 * used`. For a bit-for-bit tool a misspelt profile must not quietly mean another.
 */
export function settingProblems(src: SettingsSource): string[] {
  const out: string[] = [];
  for (const rule of SETTING_RULES) {
    if (!src.isSet(rule.key)) continue;
    const value = src.get(rule.key);
    // null is how settings.json leaves a setting at its default (as for ddpmLab.pythonPath)
    if (value === null || validSetting(rule.key, value)) continue;
    const got = describe(value);
    const what = rule.allowed
      ? `unknown value ${got} (expected ${rule.allowed.slice(0, -1).join(', ')} or ${rule.allowed[rule.allowed.length - 1]})`
      : `expected a number of at least ${rule.atLeast}, got ${got}`;
    out.push(`${SETTINGS_SECTION}.${rule.key}: ${what}; ${rule.instead}`);
  }
  return out;
}

/** The defaults cell-language text runs with under these settings (a cell's sample() without arguments, compare()). */
export function cellDefaults(settings: DdpmSettings): CellDefaults {
  return {
    profile: settings.profile,
    matmul: settings.matmul,
    record: settings.record,
    tolerances: settings.tolerances
  };
}

/** Reads and sanitises the settings; a bad value falls back to its default (VS Code already warns in settings.json). */
export function readSettings(src: SettingsSource): DdpmSettings {
  // each value as SETTING_RULES takes it (validSetting), else the default: one rule for this and settingProblems
  const valid = (key: SettingKey): unknown => {
    const v = src.get(key);
    return validSetting(key, v) ? v : SETTING_DEFAULTS[key];
  };
  const profile = valid('rngProfile') as RngProfile;
  const k = Math.floor(valid('trajectory.every') as number);
  const recordRaw = valid('trajectory.record');
  const record: RecordPolicy =
    recordRaw === 'none' ? { kind: 'none' } : recordRaw === 'every' ? { kind: 'every', k } : { kind: 'all' };
  // a tolerance counts as set only with a value it takes: a misspelt one must not switch the comparison's rule
  const tolSet = (key: 'compare.rtol' | 'compare.atol'): boolean => src.isSet(key) && validSetting(key, src.get(key));
  const tolerances =
    tolSet('compare.rtol') || tolSet('compare.atol')
      ? { rtol: valid('compare.rtol') as number, atol: valid('compare.atol') as number }
      : undefined;
  const maxElementsWithoutAsking = Math.floor(valid('maxElementsWithoutAsking') as number);
  const matmul = valid('matmulProfile') as MatmulProfile;
  return { profile, matmul, record, tolerances, maxElementsWithoutAsking };
}

/** The largest value ddpmLab.trajectory.notebookMaxMiB takes: the sampler's own trajectory bound (src/core/limits.ts). */
export const NOTEBOOK_TRAJECTORY_MAX_MIB = DEFAULT_TRAJECTORY_BUDGET_BYTES / 2 ** 20;

/** The notebook output trajectory budget when the setting is not read: its default, in bytes. */
export const NOTEBOOK_TRAJECTORY_DEFAULT_BYTES = SETTING_DEFAULTS['trajectory.notebookMaxMiB'] * 2 ** 20;

/**
 * ddpmLab.trajectory.notebookMaxMiB in bytes: how much trajectory one notebook output keeps. A notebook saves
 * its outputs in the .ddpmnb file (base64: 4/3 of this), so the bound keeps files small; the sampler then keeps
 * fewer steps, evenly spaced, and the run says so. Clamped to [0, 64 MiB]; a bad value gives the default.
 */
export function notebookTrajectoryBytes(src: Pick<SettingsSource, 'get'>): number {
  const raw = src.get('trajectory.notebookMaxMiB');
  const mib = finiteAtLeast(raw, 0)
    ? Math.min(raw, NOTEBOOK_TRAJECTORY_MAX_MIB)
    : SETTING_DEFAULTS['trajectory.notebookMaxMiB'];
  return Math.floor(mib * 2 ** 20);
}

/** The work a run does, as ddpmLab.maxElementsWithoutAsking counts it: N x d x T sampled values. */
export function runElements(n: number, d: number, T: number): number {
  return n * d * T;
}

/** A run larger than ddpmLab.maxElementsWithoutAsking: its size and the limit it exceeds. */
export interface LargeRun {
  n: number;
  d: number;
  T: number;
  /** N x d x T */
  elements: number;
  /** ddpmLab.maxElementsWithoutAsking */
  limit: number;
}

/**
 * The run of (n, d, T) when it is larger than ddpmLab.maxElementsWithoutAsking, so that the user must be asked
 * before it starts (the palette's Run Sampler and a notebook's sample() alike); null when it may start at once.
 */
export function largeRun(
  n: number,
  d: number,
  T: number,
  settings: Pick<DdpmSettings, 'maxElementsWithoutAsking'>
): LargeRun | null {
  const elements = runElements(n, d, T);
  const limit = settings.maxElementsWithoutAsking;
  return elements > limit ? { n, d, T, elements, limit } : null;
}

/** The question asked before a large run. */
export function largeRunQuestion(run: LargeRun): string {
  const count = (v: number) => v.toLocaleString('en-US');
  return `This run computes N × d × T = ${run.n} × ${run.d} × ${run.T} = ${count(run.elements)} values, more than ddpmLab.maxElementsWithoutAsking (${count(run.limit)}). Run it?`;
}
