// The paths drawn per pixel: which pixels a path covers (clipped, broken at non-finite points, counted once per
// path), the shade of a count, the colours of VS Code's theme variables, the box around the paths.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  clipSegment,
  compositeOver,
  coverageRgba,
  parseCssColor,
  pathBounds,
  pathCoverage,
  stampMarkers,
  type PathPoints,
  type RasterFrame
} from '../../../../../renderer/views/trajectories/pathRaster';

/** One state per point of each path: paths[i][s] = [x, y]; a PathPoints with states in order. */
function pointsOf(paths: [number, number][][]): { points: PathPoints; samples: number[]; states: number[] } {
  const states = paths[0].length;
  const data = Array.from({ length: states }, (_, s) => {
    const m = new Float64Array(2 * paths.length);
    paths.forEach((p, i) => {
      m[2 * i] = p[s][0];
      m[2 * i + 1] = p[s][1];
    });
    return m;
  });
  return {
    points: { data, stride: 2, ox: 0, oy: 1 },
    samples: paths.map((_, i) => i),
    states: Array.from({ length: states }, (_, s) => s)
  };
}

/** The covered pixels as "column,row" strings with their counts. */
function covered(counts: Uint32Array, width: number): Map<string, number> {
  const out = new Map<string, number>();
  counts.forEach((c, k) => {
    if (c) out.set(`${k % width},${Math.floor(k / width)}`, c);
  });
  return out;
}

// 10 x 10 pixels over the data box [0, 10] x [0, 10]: pixel (column c, row r) covers x in [c, c+1), y in (9-r, 10-r]
const FRAME: RasterFrame = { width: 10, height: 10, x: [0, 10], y: [0, 10] };

describe('pathRaster: coverage', () => {
  it('a horizontal segment covers its row from end to end, once each, and nothing else', () => {
    const { points, samples, states } = pointsOf([
      [
        [0.5, 5.5],
        [9.5, 5.5]
      ]
    ]);
    const got = covered(pathCoverage(points, samples, states, FRAME), 10);
    assert.deepEqual(
      [...got.keys()].sort(),
      Array.from({ length: 10 }, (_, c) => `${c},4`)
    );
    assert.ok([...got.values()].every((c) => c === 1));
  });

  it('counts paths, not visits: a path back and forth counts once, a second path adds one', () => {
    const there = [
      [1.5, 1.5],
      [8.5, 1.5]
    ] as [number, number][];
    const back = [...there, [1.5, 1.5] as [number, number]];
    const { points, samples, states } = pointsOf([back, [...there, there[1]]]);
    const got = covered(pathCoverage(points, samples, states, FRAME), 10);
    assert.equal(got.get('1,8'), 2);
    assert.equal(got.get('5,8'), 2);
    assert.equal(got.size, 8);
  });

  it('clips segments to the frame and draws nothing for one wholly outside', () => {
    const { points, samples, states } = pointsOf([
      [
        [-100, 2.5],
        [100, 2.5]
      ],
      [
        [-5, -5],
        [-1, 20]
      ]
    ]);
    const got = covered(pathCoverage(points, samples, states, FRAME), 10);
    assert.deepEqual(
      [...got.keys()].sort(),
      Array.from({ length: 10 }, (_, c) => `${c},7`)
    );
  });

  it('breaks a path at a non-finite point: no segment joins the points around it', () => {
    const { points, samples, states } = pointsOf([
      [
        [0.5, 0.5],
        [NaN, 5],
        [9.5, 0.5],
        [9.5, Infinity],
        [9.5, 9.5]
      ]
    ]);
    const got = covered(pathCoverage(points, samples, states, FRAME), 10);
    assert.deepEqual([...got.keys()].sort(), ['0,9', '9,0', '9,9']);
  });

  it('a segment along the bottom edge of the frame, from a hair left of the frame, covers only the corner pixel', () => {
    // fast-check's counterexample: the clip's -5e-324 / 2 underflows to -0 and left the start outside the frame,
    // which once wrapped to the pixel at the other end of the row above
    const { points, samples, states } = pointsOf([
      [
        [-5e-324, 0],
        [-2, 0],
        [0, 0]
      ]
    ]);
    const got = covered(pathCoverage(points, samples, states, FRAME), 10);
    assert.deepEqual([...got.entries()], [['0,9', 1]]);
  });

  it('covers both ends of every segment and only pixels within one pixel of it (random segments)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 15, noNaN: true }), fc.double({ min: -5, max: 15, noNaN: true })), {
          minLength: 2,
          maxLength: 6
        }),
        (path) => {
          const { points, samples, states } = pointsOf([path as [number, number][]]);
          const got = covered(pathCoverage(points, samples, states, FRAME), 10);
          // pixel coordinates as the frame maps them: column x, row 10 - y
          const inside = ([x, y]: number[]): boolean => x >= 0 && x < 10 && 10 - y >= 0 && 10 - y < 10;
          for (const p of path) if (inside(p)) assert.ok(got.has(`${Math.floor(p[0])},${Math.floor(10 - p[1])}`));
          for (const key of got.keys()) {
            const [c, r] = key.split(',').map(Number);
            const cx = c + 0.5;
            const cy = 9.5 - r;
            const near = path.slice(1).some((b, k) => distanceToSegment(cx, cy, path[k], b) <= Math.SQRT2);
            assert.ok(near, `pixel ${key} is far from the path`);
          }
        }
      )
    );
  });

  it("xOfState: each state's x is its own (a dimension against t), the same pixels and box as those points written out", () => {
    // random paths whose states share an x (t), drawn from the points written out and from xOfState with the
    // written x left NaN (so a read of it would break every path), in a frame with x reversed as t's axis is
    const coord = fc.double({ min: -2, max: 12, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(coord, { minLength: 2, maxLength: 8 }),
        fc.array(fc.array(coord, { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        (ts, ys) => {
          const written = pointsOf(ys.map((y) => ts.map((t, s): [number, number] => [t, y[s]])));
          const data = written.points.data.map((m) => {
            const c = Float64Array.from(m as Float64Array);
            for (let k = 0; k < c.length; k += 2) c[k] = NaN;
            return c;
          });
          const byState: PathPoints = { data, stride: 2, ox: 0, oy: 1, xOfState: ts };
          const reversed: RasterFrame = { ...FRAME, x: [10, 0] };
          for (const frame of [FRAME, reversed])
            assert.deepEqual(
              pathCoverage(byState, written.samples, written.states, frame),
              pathCoverage(written.points, written.samples, written.states, frame)
            );
          assert.deepEqual(
            pathBounds(byState, written.samples, written.states),
            pathBounds(written.points, written.samples, written.states)
          );
        }
      )
    );
    // on the reversed axis the largest x is the left column
    const { points } = pointsOf([
      [
        [0, 5.5],
        [0, 5.5]
      ]
    ]);
    const left = pathCoverage({ ...points, xOfState: [9.5, 9.2] }, [0], [0, 1], { ...FRAME, x: [10, 0] });
    assert.deepEqual([...covered(left, 10).keys()], ['0,4']);
  });

  it('clipSegment keeps the part of a segment inside the box', () => {
    assert.deepEqual(clipSegment(-10, 5, 20, 0, 10, 10), [0.5, 1]);
    assert.equal(clipSegment(-10, -10, 5, 0, 10, 10), null);
    assert.deepEqual(clipSegment(2, 2, 1, 1, 10, 10), [0, 1]);
  });
});

function distanceToSegment(px: number, py: number, a: number[], b: number[]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2)) : 0;
  return Math.hypot(px - (a[0] + t * dx), py - (a[1] + t * dy));
}

describe('pathRaster: shades, colours, bounds', () => {
  it('a pixel crossed by c paths of opacity a has alpha 1 - (1 - a)^c; an empty one stays transparent', () => {
    const rgba = coverageRgba(Uint32Array.from([0, 1, 3, 300]), [10, 20, 30], 0.2);
    assert.deepEqual([...rgba.slice(0, 4)], [0, 0, 0, 0]);
    assert.deepEqual([...rgba.slice(4, 8)], [10, 20, 30, Math.round(255 * 0.2)]);
    assert.equal(rgba[11], Math.round(255 * (1 - 0.8 ** 3)));
    assert.equal(rgba[15], 255);
  });

  it('reads the colours VS Code themes write', () => {
    assert.deepEqual(parseCssColor('#1a85ff'), [0x1a, 0x85, 0xff]);
    assert.deepEqual(parseCssColor(' #1A85FFcc '), [0x1a, 0x85, 0xff]);
    assert.deepEqual(parseCssColor('#f80'), [0xff, 0x88, 0x00]);
    assert.deepEqual(parseCssColor('rgba(55, 148, 255, 0.5)'), [55, 148, 255]);
    assert.deepEqual(parseCssColor('rgb(1 2 3)'), [1, 2, 3]);
    assert.equal(parseCssColor('var(--x)'), null);
  });

  it('bounds every finite point of the chosen samples and states', () => {
    const { points } = pointsOf([
      [
        [1, -2],
        [NaN, 100],
        [3, 4]
      ],
      [
        [-7, 0],
        [0, 0],
        [50, 50]
      ]
    ]);
    assert.deepEqual(pathBounds(points, [0, 1], [0, 1]), { x: [-7, 1], y: [-2, 0] });
    assert.deepEqual(pathBounds(points, [0], [0, 1, 2]), { x: [1, 3], y: [-2, 4] });
    assert.equal(pathBounds(points, [0], [1]), null);
    // samples out of order or with gaps are read one by one; a run of them row by row: the same box either way
    assert.deepEqual(pathBounds(points, [1, 0], [0, 1]), { x: [-7, 1], y: [-2, 0] });
    // samples 0, 0, 2 span as many as a run from 0 to 2 would, but leave sample 1 (and its 99) out
    const three = pointsOf([[[0, 0]], [[99, 99]], [[2, 2]]]).points;
    assert.deepEqual(pathBounds(three, [0, 0, 2], [0]), { x: [0, 2], y: [0, 2] });
  });

  it('bounds the same box whether the samples are a run (read row by row) or picked one by one', () => {
    const coord = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v + 0), // -0 as 0: either may be the box's edge
      fc.constantFrom(NaN, Infinity, -Infinity)
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(coord, coord), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.nat(5),
        fc.array(fc.nat(5), { maxLength: 8 }),
        (paths, cut, picks) => {
          const { points, samples, states } = pointsOf(paths);
          // every finite point of the given samples, by brute force
          const box = (chosen: number[]) => {
            const finite = chosen.flatMap((i) => paths[i].filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
            return finite.length
              ? {
                  x: [Math.min(...finite.map((q) => q[0])), Math.max(...finite.map((q) => q[0]))],
                  y: [Math.min(...finite.map((q) => q[1])), Math.max(...finite.map((q) => q[1]))]
                }
              : null;
          };
          const run = samples.slice(cut % samples.length);
          assert.deepEqual(pathBounds(points, run, states), box(run));
          assert.deepEqual(pathBounds(points, [...run].reverse(), states), box(run));
          // any samples, repeated, out of order, with gaps (such as 0, 0, 2: as many as a run from 0 to 2)
          const picked = picks.map((i) => i % samples.length);
          assert.deepEqual(pathBounds(points, picked, states), box(picked));
        }
      )
    );
  });
});

describe('pathRaster: markers', () => {
  // one sample at (5.5, 4.5): pixel column 5, row 5 of the 10 x 10 frame
  const { points } = pointsOf([[[5.5, 4.5]]]);
  const lit = (rgba: Uint8ClampedArray): Set<string> => {
    const out = new Set<string>();
    for (let k = 0; k < 100; k++) if (rgba[4 * k + 3]) out.add(`${k % 10},${Math.floor(k / 10)}`);
    return out;
  };

  it('a disc covers its centre and every pixel within the radius, opaque, in its colour', () => {
    const rgba = new Uint8ClampedArray(400);
    stampMarkers(rgba, FRAME, points, 0, [0], { rgb: [1, 2, 3], radius: 1, shape: 'disc' });
    assert.deepEqual([...lit(rgba)].sort(), ['4,5', '5,4', '5,5', '5,6', '6,5']);
    assert.deepEqual([...rgba.slice(4 * 55, 4 * 55 + 4)], [1, 2, 3, 255]);
  });

  it('a ring leaves its centre as it was, and markers paint over the paths under them', () => {
    const rgba = new Uint8ClampedArray(400).fill(9);
    stampMarkers(rgba, FRAME, points, 0, [0], { rgb: [200, 0, 0], radius: 3, shape: 'ring' });
    assert.deepEqual([...rgba.slice(4 * 55, 4 * 55 + 4)], [9, 9, 9, 9], 'the centre is left alone');
    assert.deepEqual([...rgba.slice(4 * 58, 4 * 58 + 4)], [200, 0, 0, 255], 'three pixels right: on the ring');
  });

  it("markers near and across the frame's edges cover exactly the pixels of the frame within their radius (random markers)", () => {
    // the definition, pixel by pixel: pixel (x, y) is the marker's when its offset from the marker's pixel lies within
    // the radius (and, for a ring, outside radius - 1.5); for an x, within rx = 0.8 radius / sqrt(2) of a diagonal
    // and |dx| + |dy| <= 3 rx (plotly's x: drawing/symbol_defs.js)
    const W = 13;
    const H = 9;
    const frame: RasterFrame = { width: W, height: H, x: [0, W], y: [0, H] };
    const marker = fc.record({
      x: fc.double({ min: -4, max: W + 4, noNaN: true }),
      y: fc.double({ min: -4, max: H + 4, noNaN: true })
    });
    fc.assert(
      fc.property(
        fc.array(marker, { minLength: 1, maxLength: 6 }),
        // the views' radii are whole at scale 1, and up to 9 at scale 2 (the recording view's ring)
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 10, noNaN: true })),
        fc.constantFrom('disc' as const, 'ring' as const, 'x' as const),
        (ms, radius, shape) => {
          const { points, samples } = pointsOf(ms.map((m) => [[m.x, m.y]]));
          const rgba = new Uint8ClampedArray(W * H * 4);
          stampMarkers(rgba, frame, points, 0, samples, { rgb: [7, 8, 9], radius, shape });
          const r = Math.max(0.5, radius);
          const inner = shape === 'ring' ? Math.max(0, r - 1.5) : -1;
          const rx = (0.8 * r) / Math.sqrt(2);
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              const covered = ms.some((m) => {
                const [dx, dy] = [x - Math.floor(m.x), y - Math.floor(H - m.y)];
                if (shape === 'x')
                  return (Math.abs(dx - dy) <= rx || Math.abs(dx + dy) <= rx) && Math.abs(dx) + Math.abs(dy) <= 3 * rx;
                const d = Math.hypot(dx, dy);
                return d <= r && d > inner;
              });
              const o = 4 * (y * W + x);
              assert.deepEqual([...rgba.slice(o, o + 4)], covered ? [7, 8, 9, 255] : [0, 0, 0, 0], `pixel ${x},${y}`);
            }
        }
      ),
      { numRuns: 500 }
    );
  });

  it("an x of plotly's size 8 (radius 4): its arms to the corners, its centre and not the pixels between the arms", () => {
    const rgba = new Uint8ClampedArray(400);
    stampMarkers(rgba, FRAME, points, 0, [0], { rgb: [1, 2, 3], radius: 4, shape: 'x' });
    const on = lit(rgba);
    for (const p of ['5,5', '3,3', '7,3', '3,7', '7,7', '2,2', '8,8', '4,5', '5,4'])
      assert.ok(on.has(p), `${p} is not lit`);
    for (const p of ['5,2', '2,5', '8,5', '5,8', '1,1', '9,9']) assert.ok(!on.has(p), `${p} is lit`);
  });

  it("a marker at each state's x where the points give one (xOfState: a dimension against t)", () => {
    const rgba = new Uint8ClampedArray(400);
    stampMarkers(rgba, FRAME, { ...points, xOfState: [1.5] }, 0, [0], { rgb: [1, 2, 3], radius: 0.5, shape: 'disc' });
    assert.deepEqual([...lit(rgba)], ['1,5']);
  });

  it('skips samples outside the frame or not finite', () => {
    const { points: far } = pointsOf([[[50, 50]], [[NaN, 1]]]);
    const rgba = new Uint8ClampedArray(400);
    stampMarkers(rgba, FRAME, far, 0, [0, 1], { rgb: [1, 1, 1], radius: 2, shape: 'disc' });
    assert.equal(lit(rgba).size, 0);
  });
});

describe('pathRaster: one image over another', () => {
  const pixel = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const over = (bottom: number[], top: number[]): number[] =>
    Array.from(compositeOver(new Uint8ClampedArray(bottom), new Uint8ClampedArray(top)));

  it('a transparent pixel on top leaves the one under it; an opaque one replaces it; over a transparent one it stays itself', () => {
    fc.assert(
      fc.property(pixel, pixel, (b, t) => {
        assert.deepEqual(over(b, [t[0], t[1], t[2], 0]), b);
        assert.deepEqual(over(b, [t[0], t[1], t[2], 255]), [t[0], t[1], t[2], 255]);
        if (t[3] > 0) assert.deepEqual(over([b[0], b[1], b[2], 0], t), t);
      }),
      { numRuns: 2000 }
    );
  });

  it('alpha is a_t + a_b (1 - a_t), at least either; each colour lies between the two', () => {
    fc.assert(
      fc.property(pixel, pixel, (b, t) => {
        const out = over(b, t);
        const at = t[3] / 255;
        const ab = b[3] / 255;
        assert.ok(Math.abs(out[3] - 255 * (at + ab * (1 - at))) <= 0.5, `alpha ${out[3]}`);
        assert.ok(out[3] >= Math.max(t[3], b[3]) - 0.5);
        if (t[3] === 0 || b[3] === 0) return;
        for (let c = 0; c < 3; c++) {
          assert.ok(out[c] >= Math.min(t[c], b[c]) && out[c] <= Math.max(t[c], b[c]), `channel ${c}: ${out[c]}`);
        }
      }),
      { numRuns: 2000 }
    );
  });
});
