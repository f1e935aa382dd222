// The per-element statistics of a comparison: the pasted float32 values, |ours - pasted| (float64, as
// assert_close promotes both), the relative difference, the mismatch mask under the chosen rule, the greatest
// absolute and relative differences with their index, and the greatest distance in float32 ulps.
import type { IndexedValue, MatrixF32 } from '../types';
import { tokenValue, type ParsedTensor } from '../tensors/parseTensor';
import { ulpDistanceF32 } from '../float32';
import { literalStyle, printsAs, sameDouble, sameFloat32 } from './literalStyle';

/** What comparing each element found (ordered as our sample, row-major). */
export interface ElementStatistics {
  /** the pasted values as float32 (torch.tensor(pasted)), NaN where the paste gave none */
  expected: Float32Array;
  /** |ours - expected| per element, NaN where not compared */
  absDiff: Float32Array;
  /** 1 where the paste gave a value */
  known: Uint8Array;
  /** 1 per mismatched element */
  mismatchMask: Uint8Array;
  compared: number;
  mismatched: number;
  /** among the mismatched elements, or among all compared when none mismatch (as assert_close reports them) */
  greatestAbs: IndexedValue | null;
  greatestRel: IndexedValue | null;
  /** the greatest distance in float32 ulps, nan on one side not counted; null when no element counts */
  maxUlps: number | null;
  /** row-major index of maxUlps, -1 when null */
  maxUlpsAt: number;
  /** compared elements with nan on exactly one side */
  nanOneSided: number;
  /** compared elements with nan on both sides (equal under every rule but the tolerance rule; a print does not show a nan's bits) */
  nanBoth: number;
  /** every compared element is our float32 value bit for bit (any nan equal to any nan) */
  allBitsEqual: boolean;
  /** some element of ours, printed the way its pasted number was printed, gives a different text */
  anyPrintDiffers: boolean;
}

/**
 * The statistics of our sample against the pasted literals laid over it (pasteLayout.ts), each element judged
 * by `matches` (ruleChoice.ts: elementJudge).
 */
export function elementStatistics(
  ours: MatrixF32,
  literals: readonly (string | null)[],
  source: ParsedTensor['source'],
  matches: (ours: number, pasted: number, printsSame: boolean) => boolean,
  /** per element (row-major), whether ours prints as the pasted text, when the caller judged it (NumPy's printing rule) */
  printed?: Uint8Array,
  /** the pasted values are float64: compared as they are, not rounded to float32 */
  float64 = false
): ElementStatistics {
  const { rows, cols } = ours;
  const total = rows * cols;
  const expected = new Float32Array(total).fill(NaN);
  const absDiff = new Float32Array(total).fill(NaN);
  const absDiff64 = new Float64Array(total).fill(NaN);
  const relDiff64 = new Float64Array(total).fill(NaN);
  const mismatchMask = new Uint8Array(total);
  const known = new Uint8Array(total);
  const comparedIdx: number[] = [];
  const mismatchIdx: number[] = [];
  let maxUlps: number | null = null;
  let maxUlpsAt = -1;
  let nanOneSided = 0;
  let nanBoth = 0;
  let allBitsEqual = true;
  let anyPrintDiffers = false;
  for (let k = 0; k < total; k++) {
    const lit = literals[k];
    if (lit === null) continue;
    known[k] = 1;
    comparedIdx.push(k);
    const a = ours.data[k];
    const b = float64 ? tokenValue(lit) : Math.fround(tokenValue(lit)); // torch.tensor(pasted) holds float32 values
    const style = literalStyle(lit, source);
    expected[k] = b;
    const d = Math.abs(a - b); // assert_close promotes both to float64
    absDiff64[k] = d;
    absDiff[k] = d;
    relDiff64[k] = d / Math.abs(b);
    const printsSame = printed ? printed[k] === 1 : printsAs(a, lit, style);
    if (!matches(a, b, printsSame)) {
      mismatchMask[k] = 1;
      mismatchIdx.push(k);
    }
    if (!(float64 ? sameDouble(a, b) : sameFloat32(a, b))) allBitsEqual = false;
    if (!printsSame) anyPrintDiffers = true;
    const u = ulpDistanceF32(a, b); // both nan: 0; nan on one side: Infinity
    if (Number.isNaN(a) && Number.isNaN(b)) nanBoth++;
    if (u === Infinity && (Number.isNaN(a) || Number.isNaN(b))) {
      nanOneSided++;
    } else if (maxUlps === null || u > maxUlps) {
      maxUlps = u;
      maxUlpsAt = k;
    }
  }
  // assert_close reports the greatest differences among the mismatched elements (it counts matched ones as 0); when
  // none mismatch, among all compared, leaving out a difference that is nan (nan on both sides, 0 / 0 relative):
  // those elements are equal, and nan would stand for the greatest (none when nothing else is left)
  const statSet = mismatchIdx.length > 0 ? mismatchIdx : comparedIdx;
  const greatest = (values: Float64Array): number =>
    greatestAt(values, mismatchIdx.length > 0 ? statSet : statSet.filter((k) => !Number.isNaN(values[k])));
  return {
    expected,
    absDiff,
    known,
    mismatchMask,
    compared: comparedIdx.length,
    mismatched: mismatchIdx.length,
    greatestAbs: indexed(absDiff64, greatest(absDiff64), cols),
    greatestRel: indexed(relDiff64, greatest(relDiff64), cols),
    maxUlps,
    maxUlpsAt,
    nanOneSided,
    nanBoth,
    allBitsEqual,
    anyPrintDiffers
  };
}

/** torch.max(values, 0) over the given indices: the first greatest, the first nan if any (aten/src/ATen/native/cpu/TensorCompareKernel.cpp). */
function greatestAt(values: Float64Array, indices: number[]): number {
  let best = -1;
  let bestValue = 0;
  for (const k of indices) {
    const v = values[k];
    if (best < 0 || !(v <= bestValue)) {
      best = k;
      bestValue = v;
      if (Number.isNaN(v)) break;
    }
  }
  return best;
}

function indexed(values: Float64Array, k: number, cols: number): IndexedValue | null {
  if (k < 0) return null;
  return { value: values[k], index: [Math.floor(k / cols), k % cols] };
}
