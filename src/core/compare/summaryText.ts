// The summary of a comparison, as text: its first block is character for character what
// torch.testing.assert_close (1.13) raises (torch/testing/_comparison.py: make_tensor_mismatch_msg, checked
// by test/fixtures/compare/ from PyTorch), followed by our own lines: the distance in ulps, bitwise equality,
// the rule and why it was chosen, the shape note, and which RNG profile reproduces the paste.
import type { Comparison, RngProfile } from '../types';
import { formatFixedF64 } from '../tensors/printTensor';
import { describeStyle } from './literalStyle';
import type { RuleChoice } from './ruleChoice';
import type { ElementStatistics } from './statistics';

// ---------------------------------------------------------------------------------------------
// Python's number formatting, as assert_close's message uses it

/** Python's repr(float) (float_repr_style 'short'): shortest round-trip digits; exponent form below 1e-4 and from 1e16 on (Python/pystrtod.c). */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = x.toExponential(); // shortest digits that read back as x, closest to x (ECMA-262 Number::toExponential)
  const ePos = e.indexOf('e');
  const sign = x < 0 ? '-' : '';
  const digits = e.slice(0, ePos).replace('-', '').replace('.', '');
  const exp10 = Number(e.slice(ePos + 1));
  const decpt = exp10 + 1; // x = 0.digits * 10^decpt
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e${exp10 < 0 ? '-' : '+'}${String(Math.abs(exp10)).padStart(2, '0')}`;
}

/** Python's f"{count / total:.1%}" (the division and the *100 in double, then '{:.1f}' with ties to even). */
export function formatPythonPercent(count: number, total: number): string {
  return `${formatFixedF64((count / total) * 100, 1)}%`;
}

/** A tuple index as Python prints it: (2, 1). */
function pythonIndex(index: [number, number]): string {
  return `(${index[0]}, ${index[1]})`;
}

/** What the summary says beyond the Comparison itself: from the statistics, and the paste's shape. */
export type SummaryStats = Pick<ElementStatistics, 'maxUlpsAt' | 'nanOneSided' | 'allBitsEqual' | 'anyPrintDiffers'> & {
  /** set when the paste's shape is known and its size differs from ours */
  mismatchedShape?: number[];
};

/** The header and statistics block: assert_close's message when the rule is tolerance (or bitwise, its rtol=atol=0 form). */
function assertCloseBlock(c: Comparison, choice: RuleChoice): string {
  const equality = choice.rule === 'bitwise' || (choice.rule === 'tolerance' && c.rtol === 0 && c.atol === 0);
  let header: string;
  if (choice.rule === 'printed-precision') {
    header = c.mismatched > 0 ? 'Tensor-likes are not equal at the printed precision!' : 'Tensor-likes are equal at the printed precision!';
  } else if (equality) {
    header = c.mismatched > 0 ? 'Tensor-likes are not equal!' : 'Tensor-likes are equal!';
  } else {
    header = c.mismatched > 0 ? 'Tensor-likes are not close!' : 'Tensor-likes are close!';
  }
  const suffix = (tol: number): string => {
    if (choice.rule === 'printed-precision') return choice.style ? ` (printed with ${describeStyle(choice.style)})` : '';
    return equality ? '' : ` (up to ${formatPythonFloat(tol)} allowed)`;
  };
  const lines = [header, '', `Mismatched elements: ${c.mismatched} / ${c.compared} (${formatPythonPercent(c.mismatched, c.compared)})`];
  if (c.greatestAbs) lines.push(`Greatest absolute difference: ${formatPythonFloat(c.greatestAbs.value)} at index ${pythonIndex(c.greatestAbs.index)}${suffix(c.atol)}`);
  if (c.greatestRel) lines.push(`Greatest relative difference: ${formatPythonFloat(c.greatestRel.value)} at index ${pythonIndex(c.greatestRel.index)}${suffix(c.rtol)}`);
  return lines.join('\n');
}

/** The whole summary: assert_close's shape message and block, then ulps, bitwise equality, the rule and the shape note. */
export function buildSummary(c: Comparison, choice: RuleChoice, stats: SummaryStats): string {
  const lines: string[] = [];
  if (stats.mismatchedShape) {
    // what assert_close raises first (torch/testing/_comparison.py: _compare_attributes)
    const size = (shape: number[]): string => `torch.Size([${shape.join(', ')}])`;
    lines.push(`The values for attribute 'shape' do not match: ${size([c.expected.rows, c.expected.cols])} != ${size(stats.mismatchedShape)}.`, '');
    if (c.compared > 0) lines.push('Where they overlap:');
  }
  if (c.compared === 0) {
    lines.push('Nothing to compare: the paste gives no value for any element of our sample.');
  } else {
    lines.push(assertCloseBlock(c, choice));
    if (c.maxUlps !== null) {
      const at: [number, number] = [Math.floor(stats.maxUlpsAt / c.expected.cols), stats.maxUlpsAt % c.expected.cols];
      const n = stats.nanOneSided;
      const nanNote = n > 0 ? ` (${n} element${n === 1 ? '' : 's'} with nan on one side not counted)` : '';
      lines.push(`Greatest distance in float32 ulps: ${c.maxUlps} at index ${pythonIndex(at)}${nanNote}`);
    } else {
      lines.push('Greatest distance in float32 ulps: none (nan on one side of every compared element)');
    }
    let bitwise: string;
    if (choice.pinned) bitwise = stats.allBitsEqual ? 'yes' : 'no';
    else if (stats.anyPrintDiffers) bitwise = 'no';
    else bitwise = 'cannot tell: the pasted digits do not identify float32 values exactly (print with torch.set_printoptions(precision=12) or print x.tolist() for that)';
    lines.push(`Bitwise equal: ${bitwise}`);
  }
  lines.push(`Rule: ${c.ruleExplanation}`);
  if (c.shapeNote) lines.push(`Shape: ${c.shapeNote}`);
  return lines.join('\n');
}

/** The line that says which of the RNG profiles tried reproduce the paste. */
export function profileLine(run: RngProfile, search: { tried: RngProfile[]; matching: RngProfile[] }): string {
  if (search.matching.length === 0) return `RNG profile: none of ${search.tried.join(', ')} reproduces the paste.`;
  const which = search.matching.join(' and ');
  return `RNG profile: ${run} does not reproduce the paste; ${which} ${search.matching.length === 1 ? 'does' : 'do'} (run again with profile ${search.matching[0]}).`;
}
