// Runs for the renderer tests, made by our core (readInputs, runSampler, compareRun) from the inputs in
// test/fixtures/renderer/runs.json; that file also holds PyTorch's printed results and an altered paste
// (scripts/fixtures/renderer.py made them with real PyTorch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareRun } from '../../src/core/compare/compare';
import { readInputs } from '../../src/core/sampler/inputs';
import { runSampler } from '../../src/core/sampler/sampler';
import type { RunResult, SamplerInputs } from '../../src/core/types';

export interface RendererFixtureCase {
  name: string;
  inputs: Record<string, unknown>;
  /** repr(x) of PyTorch's sample */
  printed: string;
  /** repr(x) with torch.set_printoptions(threshold=inf) */
  printed_full: string;
  /** float32 bits of PyTorch's sample, row-major */
  sample_bits: number[];
  /** repr of the sample with one element changed (in PyTorch) */
  altered_printed: string;
  altered_index: [number, number];
}

export const FIXTURE_FILE = path.join(__dirname, '..', 'fixtures', 'renderer', 'runs.json');

export function fixtureCases(): RendererFixtureCase[] {
  return (JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as { cases: RendererFixtureCase[] }).cases;
}

/** Runs a fixture case through our core; `paste` picks which PyTorch text is compared (none: no comparison). */
export function fixtureRun(
  c: RendererFixtureCase,
  paste: 'printed' | 'altered' | 'none'
): { run: RunResult; inputs: SamplerInputs } {
  const { inputs, warnings } = readInputs(c.inputs);
  const run = runSampler(inputs, { inputWarnings: warnings });
  if (paste !== 'none') run.comparison = compareRun(inputs, run, paste === 'printed' ? c.printed : c.altered_printed);
  return { run, inputs };
}
