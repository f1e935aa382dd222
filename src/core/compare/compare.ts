// The diff of our float32 sample against PyTorch output the user pasted, put together: the paste is read and
// laid over our sample (pasteLayout.ts), its rule chosen from how it was printed (ruleChoice.ts, literalStyle.ts),
// each element judged (statistics.ts) and the result summed up in torch.testing.assert_close's words
// (summaryText.ts). When the run's RNG profile does not reproduce the paste, the other profiles are tried.
import type { Comparison, MatrixF32, RngProfile, RunResult, SamplerInputs } from '../types';
import { RNG_PROFILES } from '../types';
import type { ParsedTensor } from '../tensors/parseTensor';
import { runSampler } from '../sampler/sampler';
import { layPaste, parsePaste, type Layout } from './pasteLayout';
import { chooseRule, elementJudge, type RuleChoice } from './ruleChoice';
import { elementStatistics } from './statistics';
import { buildSummary, profileLine } from './summaryText';

/** torch.testing's default tolerances for float32 (torch/testing/_comparison.py: _DTYPE_PRECISIONS). */
export const DEFAULT_RTOL_F32 = 1.3e-6;
export const DEFAULT_ATOL_F32 = 1e-5;

export interface CompareOptions {
  /** relative tolerance; giving rtol or atol selects the tolerance rule */
  rtol?: number;
  /** absolute tolerance; giving rtol or atol selects the tolerance rule */
  atol?: number;
  /** the name used in error messages for the pasted text (default "expected") */
  field?: string;
}

/**
 * Compares our float32 sample with pasted PyTorch output (a printed tensor, a list, or our CLI's JSON).
 * The rule is chosen from the paste (see chooseRule) unless rtol/atol are given, which select the tolerance rule.
 * Throws an Error with a one-line message naming the field when the paste cannot be read.
 */
export function compareSample(ours: MatrixF32, expectedText: string, opts: CompareOptions = {}): Comparison {
  return judgeSample(ours, preparePaste(expectedText, ours.rows, ours.cols, opts));
}

/** The paste read, laid over a (rows, cols) sample and its rule chosen: all that does not depend on our values. */
interface PreparedPaste {
  expectedText: string;
  rtol: number;
  atol: number;
  parsed: ParsedTensor;
  layout: Layout;
  choice: RuleChoice;
}

function preparePaste(expectedText: string, rows: number, cols: number, opts: CompareOptions): PreparedPaste {
  const field = opts.field ?? 'expected';
  const explicitTol = opts.rtol !== undefined || opts.atol !== undefined;
  const rtol = opts.rtol ?? DEFAULT_RTOL_F32;
  const atol = opts.atol ?? DEFAULT_ATOL_F32;
  if (!(rtol >= 0) || !Number.isFinite(rtol)) throw new Error(`rtol: expected a finite number >= 0, got ${rtol}`);
  if (!(atol >= 0) || !Number.isFinite(atol)) throw new Error(`atol: expected a finite number >= 0, got ${atol}`);
  const parsed = parsePaste(expectedText, field);
  const layout = layPaste(parsed, expectedText, rows, cols);
  const knownLits = layout.literals.filter((l): l is string => l !== null);
  const choice = chooseRule(knownLits, parsed.source, explicitTol, rtol, atol);
  return { expectedText, rtol, atol, parsed, layout, choice };
}

/** Judges our sample against a prepared paste (of the same shape). */
function judgeSample(ours: MatrixF32, paste: PreparedPaste): Comparison {
  const { expectedText, rtol, atol, parsed, layout, choice } = paste;
  const { rows, cols } = ours;
  const stats = elementStatistics(ours, layout.literals, parsed.source, elementJudge(choice.rule, rtol, atol));
  const { compared, mismatched } = stats;
  const bitwiseEqual = compared > 0 && choice.pinned && stats.allBitsEqual;
  const matches = compared > 0 && mismatched === 0 && !layout.shapeMismatch;
  const printedDecimals = choice.style?.kind === 'fixed' ? choice.style.decimals
    : choice.style?.kind === 'int' ? 0 : null;

  const c: Comparison = {
    rule: choice.rule,
    ruleExplanation: choice.explanation,
    rtol,
    atol,
    expectedText,
    expected: { rows, cols, data: stats.expected },
    known: compared === rows * cols ? null : stats.known,
    printedDecimals,
    ...(layout.shapeNote ? { shapeNote: layout.shapeNote } : {}),
    compared,
    mismatched,
    mismatchMask: stats.mismatchMask,
    absDiff: stats.absDiff,
    greatestAbs: stats.greatestAbs,
    greatestRel: stats.greatestRel,
    maxUlps: stats.maxUlps,
    bitwiseEqual,
    matches,
    summary: ''
  };
  const { maxUlpsAt, nanOneSided, allBitsEqual, anyPrintDiffers } = stats;
  c.summary = buildSummary(c, choice, { mismatchedShape: layout.mismatchedShape, maxUlpsAt, nanOneSided, allBitsEqual, anyPrintDiffers });
  return c;
}

/**
 * Compares a run's sample with pasted PyTorch output. When the run's RNG profile does not match, reruns the
 * sampler under each other profile (without trajectory) and reports which reproduce the paste (profileSearch).
 */
export function compareRun(inputs: SamplerInputs, run: RunResult, expectedText: string, opts: CompareOptions = {}): Comparison {
  const paste = preparePaste(expectedText, run.sample.rows, run.sample.cols, opts);
  const c = judgeSample(run.sample, paste);
  if (c.matches || c.compared === 0 || paste.layout.shapeMismatch) return c; // another profile cannot fix a shape
  const own = run.inputs.profile;
  const tried: RngProfile[] = [own];
  const matching: RngProfile[] = [];
  for (const p of RNG_PROFILES) {
    if (p === own) continue;
    tried.push(p);
    const other = runSampler(inputs, { profile: p, matmul: run.inputs.matmul, record: { kind: 'none' } }); // the run's matmul kept
    if (judgeSample(other.sample, paste).matches) matching.push(p);
  }
  const profileSearch = { tried, matching };
  return { ...c, profileSearch, summary: `${c.summary}\n${profileLine(own, profileSearch)}` };
}
