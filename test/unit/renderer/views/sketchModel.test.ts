// The sketch's axes: plotly's automatic tick spacing and labels (sketchModel.ts). Plotly itself is the oracle for
// the labels (the browser test compares the sketch's with plotly's on the same plots); here, the properties of the
// port: spacings of 1, 2 or 5 times a power of ten, the tick count for the axis length, labels that read back as
// the values they label.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { autoTicks, tickFormat } from '../../../../renderer/views/sketchModel';

/** A label read back as a number: U+2212 as minus, "e+6" / "e\u22126" as exponents. */
function readLabel(label: string): number {
  return Number(label.replace(/\u2212/g, '-'));
}

const finiteRange = fc
  .tuple(
    fc.double({ min: -1e30, max: 1e30, noNaN: true }),
    fc.double({ min: 1e-6, max: 1e30, noNaN: true }),
    fc.boolean()
  )
  .filter(([lo, span]) => Number.isFinite(lo + span) && lo + span !== lo && span / Math.max(1, Math.abs(lo)) > 1e-9)
  .map(([lo, span, reversed]): [number, number] => (reversed ? [lo + span, lo] : [lo, lo + span]));

describe('sketch: the axes as plotly ticks them', () => {
  it('the spacing is 1, 2 or 5 times a power of ten, the ticks lie in the range in its direction, 2 to 11 of them', () => {
    fc.assert(
      fc.property(finiteRange, fc.integer({ min: 80, max: 2000 }), fc.constantFrom('x', 'y'), (range, px, axis) => {
        const { dtick, values } = autoTicks(range, px, axis as 'x' | 'y');
        const mantissa = dtick / Math.pow(10, Math.floor(Math.log10(dtick) + 1e-9));
        assert.ok(
          [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-9),
          `dtick ${dtick}`
        );
        const [lo, hi] = range[0] < range[1] ? range : [range[1], range[0]];
        const slack = dtick * 1e-6;
        for (const v of values) assert.ok(v >= lo - slack && v <= hi + slack, `${v} outside ${range}`);
        assert.ok(values.length >= 2 && values.length <= 11, `${values.length} ticks`);
        const ascending = values.every((v, k) => k === 0 || v > values[k - 1]);
        const descending = values.every((v, k) => k === 0 || v < values[k - 1]);
        assert.ok(range[0] < range[1] ? ascending : descending, 'the ticks run as the range does');
      }),
      { numRuns: 2000 }
    );
  });

  it('about one tick per 80 px on x and 40 px on y: the y axis of the same length gets at least as many', () => {
    fc.assert(
      fc.property(finiteRange, fc.integer({ min: 100, max: 1500 }), (range, px) => {
        assert.ok(autoTicks(range, px, 'y').dtick <= autoTicks(range, px, 'x').dtick);
      }),
      { numRuns: 1000 }
    );
  });

  it('each label reads back as its tick to within half the rounding plotly keeps (two digits past dtick)', () => {
    fc.assert(
      fc.property(finiteRange, fc.integer({ min: 80, max: 2000 }), (range, px) => {
        const { dtick, values, labels } = autoTicks(range, px, 'x');
        values.forEach((v, k) => {
          const back = readLabel(labels[k]);
          assert.ok(Number.isFinite(back), `label ${labels[k]}`);
          assert.ok(Math.abs(back - v) <= dtick * 0.01 + Math.abs(v) * 1e-12, `${labels[k]} for ${v}`);
        });
        assert.equal(new Set(labels).size, labels.length, `repeated labels ${labels.join(' ')}`);
      }),
      { numRuns: 2000 }
    );
  });

  it('minus is U+2212; zero has no sign and no exponent; an exponent appears beyond 10^3 and below 10^-3', () => {
    fc.assert(
      fc.property(finiteRange, fc.integer({ min: 80, max: 2000 }), (range, px) => {
        const { values, labels } = autoTicks(range, px, 'y');
        const maxEnd = Math.max(Math.abs(range[0]), Math.abs(range[1]));
        const exp = Math.floor(Math.log10(maxEnd) + 0.01);
        values.forEach((v, k) => {
          const label = labels[k];
          assert.ok(!label.includes('-'), label);
          if (label === '0') return;
          assert.equal(label.startsWith('\u2212'), v < 0, label);
          assert.equal(/e[+\u2212]\d+$/.test(label), Math.abs(exp) > 3, `${label} (range exponent ${exp})`);
        });
      }),
      { numRuns: 2000 }
    );
    assert.equal(tickFormat(1e5, [-1e6, 1e6])(0), '0');
  });
});
