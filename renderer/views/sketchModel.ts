// A plot's axes as plotly would draw them, without plotly: where its automatic ticks fall on a linear axis and how
// it writes their labels. The sketch (sketch.ts) draws a plot with these before plotly's chunk has loaded, so that
// plotly's own plot, when it replaces the sketch, has the same ticks. Ported from plotly.js 3.7
// src/plots/cartesian/axes.js (prepTicks, autoTicks, roundDTick, autoTickRound, numFormat), for what our plots
// use: linear axes, tickmode auto, exponentformat 'e', no tickformat; the browser test compares the labels with
// plotly's own. No DOM here.

/** plotly's MINUS_SIGN (constants/numerical.js): tick labels use U+2212, not a hyphen. */
const MINUS = '\u2212';

export interface AxisTicks {
  /** the tick spacing plotly picks (1, 2 or 5 times a power of ten) */
  dtick: number;
  /** the tick values inside the range, ascending as the range runs */
  values: number[];
  /** their labels, as plotly writes them */
  labels: string[];
}

/**
 * The automatic ticks of a linear axis `length` CSS pixels long showing `range` (prepTicks: about one tick every
 * 80 px on x and 40 px on y, between 5 and 10 ticks; autoTicks: the rough spacing rounded up to 2, 5 or 10 times
 * a power of ten; tick0 = 0; calcTicks: the ticks within the range).
 */
export function autoTicks(range: [number, number], length: number, axis: 'x' | 'y'): AxisTicks {
  const [r0, r1] = range;
  const minPx = axis === 'y' ? 40 : 80;
  const nt = Math.min(Math.max(length / minPx, 4), 9) + 1;
  const rough = Math.abs(r1 - r0) / nt;
  let dtick = roundDTick(rough);
  if (!(dtick > 0) || !Number.isFinite(dtick)) dtick = 1;
  const lo = Math.min(r0, r1);
  const hi = Math.max(r0, r1);
  const values: number[] = [];
  // plotly steps from the first tick by repeated addition; the labels are rounded, so the sum's error never shows
  for (let x = Math.ceil(lo / dtick - 1e-9) * dtick, k = 0; x <= hi + dtick * 1e-9 && k < 1000; x += dtick, k++)
    values.push(x);
  if (r0 > r1) values.reverse();
  const format = tickFormat(dtick, range);
  return { dtick, values, labels: values.map(format) };
}

/** roundDTick with roundBase10 [2, 5, 10] (plotly's Lib.roundUp: the smallest entry not below the value). */
function roundDTick(rough: number): number {
  const base = Math.pow(10, Math.floor(Math.log(rough) / Math.LN10));
  const r = rough / base;
  const up = [2, 5, 10].find((v) => v >= r) ?? 10;
  return base * up;
}

/**
 * How plotly writes a tick value on an axis with spacing `dtick` over `range`: autoTickRound (two digits past the
 * largest digit of dtick; a common exponent when the range's largest end is beyond 10^±3) and numFormat's linear,
 * exponentformat 'e' branch (half an ulp of the rounding added, then cut; trailing zeros dropped; U+2212 for minus).
 */
export function tickFormat(dtick: number, range: [number, number]): (v: number) => string {
  const tickRound = 2 - Math.floor(Math.log(dtick) / Math.LN10 + 0.01);
  const maxEnd = Math.max(Math.abs(range[0]), Math.abs(range[1]));
  const rangeExp = Math.floor(Math.log(maxEnd) / Math.LN10 + 0.01);
  const exponent = Math.abs(rangeExp) > 3 ? rangeExp : 0;
  return (value) => {
    let round = tickRound;
    const e = Math.pow(10, -round) / 2;
    let negative = value < 0;
    let v = Math.abs(value);
    let text: string;
    if (v < e) {
      text = '0';
      negative = false;
    } else {
      v += e;
      if (exponent) {
        v *= Math.pow(10, -exponent);
        round += exponent;
      }
      if (round === 0) text = String(Math.floor(v));
      else if (round < 0) {
        text = String(Math.round(v));
        text = text.slice(0, Math.max(0, text.length + round)) + '0'.repeat(-round);
      } else {
        text = String(v);
        const dp = text.indexOf('.') + 1;
        if (dp) text = text.slice(0, dp + round).replace(/\.?0+$/, '');
      }
    }
    // formatLinear: zero is written without the exponent
    if (exponent && Math.abs(value / dtick) >= 1e-6) text += 'e' + (exponent < 0 ? MINUS + -exponent : '+' + exponent);
    return negative ? MINUS + text : text;
  };
}
