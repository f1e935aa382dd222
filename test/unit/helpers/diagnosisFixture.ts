// The format of test/fixtures/diagnosis/cases.json (scripts/fixtures/diagnosis.py) and helpers to read it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { MistakeId } from '../../../src/core/diagnosis/catalogue';
import type { Schedule64 } from '../../../src/core/diagnosis/loop';
import type { RngProfile, SamplerInputs } from '../../../src/core/types';
import { FIXTURES } from './paths';
import { fromBits } from './bits';
import { firstBitDifference, toInputs, type FixtureInputs } from './samplerFixture';

export interface EntryResult {
  /** what Python/PyTorch raised for the changed loop */
  error?: string;
  sample?: number[];
  /** avx2-fma only: the first step whose x differs from the correct loop's (null: none) */
  first_divergence?: number | null;
  equals_correct?: boolean;
  /** other entries with the same final sample, bit for bit */
  same_as?: MistakeId[];
  /** x after steps first_divergence, ..., 0 (recorded cases) */
  steps?: number[][];
  /** entries which, run from first_divergence on, give this trajectory */
  matching?: MistakeId[];
}
export interface ProfileResults {
  correct: { sample: number[]; steps?: number[][] };
  entries: Record<MistakeId, EntryResult>;
  from_step?: { t0: number; entries: Record<MistakeId, EntryResult> }[];
}
export interface DiagnosisCase {
  name: string;
  inputs: FixtureInputs;
  record: boolean;
  from_steps: number[];
  schedule64?: { betas: number[]; alpha_bar: number[] };
  results: Record<RngProfile, ProfileResults>;
}
export interface DiagnosisFixture {
  torch: string;
  capabilities: Record<string, string>;
  ids: MistakeId[];
  cases: DiagnosisCase[];
}

export const diagnosisFixture: DiagnosisFixture = JSON.parse(
  readFileSync(path.join(FIXTURES, 'diagnosis', 'cases.json'), 'utf8')
);

export const PROFILES = ['avx2-fma', 'scalar'] as const;

export function caseInputs(c: DiagnosisCase): SamplerInputs {
  return toInputs(c.inputs);
}

export function caseSchedule64(c: DiagnosisCase): Schedule64 | undefined {
  return c.schedule64 ? { betas: c.schedule64.betas, alphaBar: c.schedule64.alpha_bar } : undefined;
}

/** Bitwise equality (any NaN equals any NaN, as in the fixture script). */
export const sameBits = (ours: Float32Array, bits: number[]) => firstBitDifference(ours, bits) === -1;

/**
 * The whole trajectory (x after steps T-1, ..., 0) of a recorded entry result: the correct loop's steps before its
 * first divergent step, its own from there.
 */
export function fullTrajectory(correct: number[][], e: EntryResult): number[][] {
  if (e.first_divergence === null || e.first_divergence === undefined) return correct;
  const T = correct.length;
  return [...correct.slice(0, T - 1 - e.first_divergence), ...e.steps!];
}

export { fromBits };
