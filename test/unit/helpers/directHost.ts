// The interpreter's host, answered at once in this thread with the real core (the kernel does the same in a worker).
import { compareRun } from '../../../src/core/compare/compare';
import type { HostRequest } from '../../../src/core/notebook/cellLanguage/interpreter';
import { runSampler } from '../../../src/core/sampler/sampler';
import type { RunResult } from '../../../src/core/types';

/** Runs a cell's sample() or compare() request directly. */
export function directHost(req: HostRequest): RunResult {
  if (req.kind === 'sample') return runSampler(req.inputs, { profile: req.profile, matmul: req.matmul, record: req.record });
  if (req.kind === 'pytorch') throw new Error('pytorch(): no local PyTorch in this test host');
  return { ...req.run, comparison: compareRun(req.inputs, req.run, req.expectedText, req.tolerances ?? {}) };
}
