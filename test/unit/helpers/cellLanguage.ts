// Shared by the cell-language tests: the interpreter's host answered at once in this thread with the real core (the
// kernel does the same in a worker), and the CellError a failing cell throws.
import { strict as assert } from 'node:assert';
import { CellError } from '../../../src/core/notebook/cellLanguage/ast';
import { compareRun } from '../../../src/core/compare/compare';
import {
  CellSession,
  runCellSync,
  type CellOutput,
  type HostRequest
} from '../../../src/core/notebook/cellLanguage/interpreter';
import type { Value } from '../../../src/core/notebook/cellLanguage/values';
import { runSampler } from '../../../src/core/sampler/sampler';
import type { RngProfile, RunResult } from '../../../src/core/types';

/** Runs a cell's sample() or compare() request directly. */
export function directHost(req: HostRequest): RunResult {
  if (req.kind === 'sample')
    return runSampler(req.inputs, { profile: req.profile, matmul: req.matmul, record: req.record });
  if (req.kind === 'pytorch') throw new Error('pytorch(): no local PyTorch in this test host');
  const opts = { ...req.tolerances, ...(req.writtenSchedule ? { writtenSchedule: req.writtenSchedule } : {}) };
  return { ...req.run, comparison: compareRun(req.inputs, req.run, req.expectedText, opts) };
}

/** The CellError that f throws (fails the test when f throws something else or nothing). */
export function cellError(f: () => unknown): CellError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CellError, `expected a CellError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the cell to fail');
}

/** Runs a cell of the 'ddpm' language with the given RNG profile, every step recorded, answered by directHost. */
export function runCell(session: CellSession, cell: string, profile: RngProfile = 'avx2-fma'): CellOutput[] {
  return runCellSync(session, cell, 'ddpm', { profile, record: { kind: 'all' } }, directHost);
}

/** A fixture case (scripts/fixtures/notebook.py): a fresh session runs the fixture's setup, then `result = <cell>`. */
export function fixtureResult(
  setup: string,
  cell: string,
  profile: RngProfile
): { session: CellSession; result: Value | undefined } {
  const session = new CellSession();
  runCell(session, setup, profile);
  runCell(session, `result = ${cell}`, profile);
  return { session, result: session.vars.get('result') };
}
