// The paths x_T -> x_0 drawn per pixel: every recorded state of every drawn sample, rasterised on the CPU into a
// coverage image the size of the plot area (what datashader-style plots do). A pixel's count is the number of paths
// that pass through it (a path crossing a pixel several times counts once), and its shade is what that many
// overlaid translucent lines give: alpha = 1 - (1 - a)^count. Drawing a million segments this way takes tens of
// milliseconds; as plotly traces (SVG, or WebGL without a GPU) it took seconds (README "Performance"). No DOM here:
// trajectoriesView.ts turns the pixels into the plot's layout image.

/** Where the image lies: `width` x `height` pixels covering the data box x[0]..x[1] (left to right), y[0]..y[1] (bottom to top). */
export interface RasterFrame {
  width: number;
  height: number;
  x: [number, number];
  y: [number, number];
}

/**
 * The points of the paths: state s of sample i is (data[s][i * stride + ox], data[s][i * stride + oy]), states in
 * drawing order; or, with xOfState, (xOfState[s], data[s][i * stride + oy]): one dimension against t, each state's
 * x its t (pathCoverage and pathBounds read xOfState; the plane's markers, hover and cloud do not use it). A
 * non-finite coordinate breaks the path there (as a gap in a plotted line does).
 */
export interface PathPoints {
  data: ArrayLike<number>[];
  stride: number;
  ox: number;
  oy: number;
  xOfState?: ArrayLike<number>;
}

/**
 * How many of the `samples` paths (through the `states` indices of `points`, in that order) pass through each
 * pixel of `frame`: row-major, row 0 at the top. Segments are clipped to the frame (Liang-Barsky) and walked
 * pixel by pixel (DDA, one sample per pixel step along the longer axis).
 */
export function pathCoverage(points: PathPoints, samples: number[], states: number[], frame: RasterFrame): Uint32Array {
  const { width: w, height: hgt } = frame;
  const counts = new Uint32Array(w * hgt);
  if (w <= 0 || hgt <= 0) return counts;
  const stamp = new Uint32Array(w * hgt); // the last path (1-based) that counted the pixel
  const sx = w / (frame.x[1] - frame.x[0]);
  const sy = hgt / (frame.y[1] - frame.y[0]);
  const x0 = frame.x[0];
  const y1 = frame.y[1];
  const { data, stride, ox, oy, xOfState } = points;
  // the largest pixel coordinate still inside the frame
  const maxX = w - 1e-9;
  const maxY = hgt - 1e-9;

  const plot = (px: number, py: number, id: number): void => {
    const k = Math.floor(py) * w + Math.floor(px);
    if (stamp[k] !== id) {
      stamp[k] = id;
      counts[k]++;
    }
  };

  for (let p = 0; p < samples.length; p++) {
    const id = p + 1;
    const base = samples[p] * stride;
    let have = false;
    let ax = 0;
    let ay = 0;
    for (let q = 0; q < states.length; q++) {
      const s = states[q];
      const m = data[s];
      const bx = ((xOfState ? xOfState[s] : m[base + ox]) - x0) * sx;
      const by = (y1 - m[base + oy]) * sy;
      if (!Number.isFinite(bx) || !Number.isFinite(by)) {
        have = false;
        continue;
      }
      if (!have) {
        if (bx >= 0 && bx < w && by >= 0 && by < hgt) plot(bx, by, id);
      } else if (
        Math.floor(bx) === Math.floor(ax) &&
        Math.floor(by) === Math.floor(ay) &&
        bx >= 0 &&
        bx < w &&
        by >= 0 &&
        by < hgt
      ) {
        // a step within one pixel inside the frame (most of a path's last steps): that pixel only
        plot(bx, by, id);
      } else {
        // the part of a->b inside the frame, as parameters t0..t1 of a + t (b - a) (both ends inside: all of it)
        const dx = bx - ax;
        const dy = by - ay;
        let t0 = 0;
        let t1 = 1;
        let inside = true;
        if (!(bx >= 0 && bx < w && by >= 0 && by < hgt && ax >= 0 && ax < w && ay >= 0 && ay < hgt)) {
          const clipped = clipSegment(ax, ay, dx, dy, w, hgt); // the closed box: its far edges are clamped below
          if (clipped) [t0, t1] = clipped;
          else inside = false;
        }
        if (inside) {
          const cx = ax + t0 * dx;
          const cy = ay + t0 * dy;
          const ex = ax + t1 * dx;
          const ey = ay + t1 * dy;
          // a point of the clipped part may lie on the far edges of the closed box, or a hair outside it where the
          // clip's division underflowed (an end at -5e-324): clamp every point into the last pixel inside
          const steps = Math.ceil(Math.max(Math.abs(ex - cx), Math.abs(ey - cy)));
          const ix = steps === 0 ? 0 : (ex - cx) / steps;
          const iy = steps === 0 ? 0 : (ey - cy) / steps;
          for (let k = 0; k <= steps; k++)
            plot(Math.min(maxX, Math.max(0, cx + k * ix)), Math.min(maxY, Math.max(0, cy + k * iy)), id);
        }
      }
      ax = bx;
      ay = by;
      have = true;
    }
  }
  return counts;
}

/** Liang-Barsky: the parameters [t0, t1] of the part of a + t (d) (0 <= t <= 1) inside [0, maxX] x [0, maxY], or null. */
export function clipSegment(
  ax: number,
  ay: number,
  dx: number,
  dy: number,
  maxX: number,
  maxY: number
): [number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, ax],
    [dx, maxX - ax],
    [-dy, ay],
    [dy, maxY - ay]
  ];
  for (const [pe, qe] of edges) {
    if (pe === 0) {
      if (qe < 0) return null;
      continue;
    }
    const r = qe / pe;
    if (pe < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [t0, t1];
}

/** The opacity one path adds to a pixel, for `paths` overlaid paths: fainter as there are more of them. */
export function pathAlpha(paths: number): number {
  return Math.max(0.04, Math.min(0.7, 4 / Math.sqrt(paths)));
}

/** RGBA pixels of the coverage: colour rgb, alpha 1 - (1 - a)^count (count paths, each of opacity a, overlaid). */
export function coverageRgba(counts: Uint32Array, rgb: [number, number, number], a: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(counts.length * 4);
  const table: number[] = [];
  const alphaOf = (c: number): number => {
    if (c < 256) return (table[c] ??= Math.round(255 * (1 - Math.pow(1 - a, c))));
    return Math.round(255 * (1 - Math.pow(1 - a, c)));
  };
  for (let k = 0, o = 0; k < counts.length; k++, o += 4) {
    const c = counts[k];
    if (c === 0) continue;
    out[o] = rgb[0];
    out[o + 1] = rgb[1];
    out[o + 2] = rgb[2];
    out[o + 3] = alphaOf(c);
  }
  return out;
}

/**
 * `top` laid over `bottom` (both RGBA, not premultiplied, the same size), written into `bottom`: Porter and Duff's
 * "over" (alpha a_t + a_b (1 - a_t), each colour weighted by its alpha), as the page would composite two images.
 */
export function compositeOver(bottom: Uint8ClampedArray, top: Uint8ClampedArray): Uint8ClampedArray {
  for (let o = 0; o < bottom.length; o += 4) {
    const at = top[o + 3] / 255;
    if (at === 0) continue;
    const ab = (bottom[o + 3] / 255) * (1 - at);
    const a = at + ab;
    for (let c = 0; c < 3; c++) bottom[o + c] = (top[o + c] * at + bottom[o + c] * ab) / a;
    bottom[o + 3] = a * 255;
  }
  return bottom;
}

/** The box around every finite point of the paths (samples x states), or null when there is none. */
export function pathBounds(
  points: PathPoints,
  samples: number[],
  states: number[]
): { x: [number, number]; y: [number, number] } | null {
  const { data, stride, ox, oy, xOfState } = points;
  const box = [Infinity, -Infinity, Infinity, -Infinity];
  const first = samples[0];
  // samples first, first + 1, … (every path drawn: the usual case): each state's rows are read straight through, in a
  // loop of its own, which the engine compiles sooner on a first call (each drawn run makes one): 9 against 17 ms for
  // N = 1000, T = 1000 in a fresh Node process
  const rows = !xOfState && samples.length > 0 && samples.every((i, b) => i === first + b);
  for (let a = 0; a < states.length; a++) {
    const s = states[a];
    if (rows) extendBoxByRows(box, data[s], first * stride, (first + samples.length) * stride, stride, ox, oy);
    else
      for (const i of samples) {
        const x = xOfState ? xOfState[s] : data[s][i * stride + ox];
        extendBox(box, x, data[s][i * stride + oy]);
      }
  }
  return box[1] >= box[0] ? { x: [box[0], box[1]], y: [box[2], box[3]] } : null;
}

/** Widens box ([x0, x1, y0, y1]) to the point (x, y) if it is finite. */
export function extendBox(box: number[], x: number, y: number): void {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  if (x < box[0]) box[0] = x;
  if (x > box[1]) box[1] = x;
  if (y < box[2]) box[2] = y;
  if (y > box[3]) box[3] = y;
}

/** Widens box ([x0, x1, y0, y1]) to the finite points of the rows from..to (offsets into m, `stride` apart). */
function extendBoxByRows(
  box: number[],
  m: ArrayLike<number>,
  from: number,
  to: number,
  stride: number,
  ox: number,
  oy: number
): void {
  let x0 = box[0];
  let x1 = box[1];
  let y0 = box[2];
  let y1 = box[3];
  for (let p = from; p < to; p += stride) {
    const x = m[p + ox];
    const y = m[p + oy];
    if (x - x !== 0 || y - y !== 0) continue; // NaN or an infinity
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  box[0] = x0;
  box[1] = x1;
  box[2] = y0;
  box[3] = y1;
}

/** [r, g, b] of a CSS colour written as #rgb, #rrggbb, #rrggbbaa or rgb()/rgba() (what VS Code's theme variables hold), else null. */
export function parseCssColor(color: string): [number, number, number] | null {
  const c = color.trim();
  let m = /^#([0-9a-f]{3,4})$/i.exec(c);
  if (m) return [0, 1, 2].map((k) => parseInt(m![1][k] + m![1][k], 16)) as [number, number, number];
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(c);
  if (m) return [0, 2, 4].map((k) => parseInt(m![1].slice(k, k + 2), 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+(?:\.\d+)?)\s*[, ]\s*(\d+(?:\.\d+)?)\s*[, ]\s*(\d+(?:\.\d+)?)/i.exec(c);
  if (m) return [1, 2, 3].map((k) => Math.min(255, Math.round(Number(m![k])))) as [number, number, number];
  return null;
}

/**
 * A marker drawn into the image, of plotly's symbol of that size (`radius`: half plotly's marker size, in the image's
 * pixels): a disc ('circle'), a ring ('circle-open'; 1.5 pixels wide inside the radius, where plotly strokes 1 CSS
 * pixel across it) or an x ('x', plotly's shape: two bars 0.8 radius wide, crossing).
 */
export interface PixelMarker {
  rgb: [number, number, number];
  radius: number;
  shape: 'disc' | 'ring' | 'x';
}

/** Whether the pixel at offset (dx, dy) from a marker's pixel is the marker's. */
function markerCovers(marker: PixelMarker, dx: number, dy: number): boolean {
  const r = Math.max(0.5, marker.radius);
  if (marker.shape === 'x') {
    // plotly's x (drawing/symbol_defs.js): the arms run between the lines |dx -+ dy| = rx, their tips cut at
    // |dx| + |dy| = 3 rx
    const rx = (r * 0.8) / Math.SQRT2;
    return (Math.abs(dx - dy) <= rx || Math.abs(dx + dy) <= rx) && Math.abs(dx) + Math.abs(dy) <= 3 * rx;
  }
  const dist = Math.hypot(dx, dy);
  return dist <= r && (marker.shape === 'disc' || dist > Math.max(0, r - 1.5));
}

/**
 * Draws one marker, opaque, at each finite point of `samples` in one state of `points` (its x that state's in
 * xOfState when given) onto `rgba` (the frame's pixels, starting on a 4-byte boundary as a new array does: each
 * pixel is written as one 32-bit word), over what is there: the paths' start and end points, the marks of a first
 * divergence, drawn as plotly draws markers.
 */
export function stampMarkers(
  rgba: Uint8ClampedArray,
  frame: RasterFrame,
  points: PathPoints,
  state: number,
  samples: number[],
  marker: PixelMarker
): void {
  const { width: w, height: hgt } = frame;
  const sx = w / (frame.x[1] - frame.x[0]);
  const sy = hgt / (frame.y[1] - frame.y[0]);
  // the pixel offsets the marker covers
  const reach = Math.ceil(Math.max(0.5, marker.radius) * (marker.shape === 'x' ? 1.2 : 1));
  const ox: number[] = [];
  const oy: number[] = [];
  for (let dy = -reach; dy <= reach; dy++)
    for (let dx = -reach; dx <= reach; dx++)
      if (markerCovers(marker, dx, dy)) {
        ox.push(dx);
        oy.push(dy);
      }
  const count = ox.length;
  const linear = Int32Array.from(ox, (dx, k) => oy[k] * w + dx);
  const m = points.data[state];
  const xOfState = points.xOfState?.[state];
  const [red, green, blue] = marker.rgb;
  // one 32-bit write a pixel (the bytes r, g, b, 255 in memory order, whatever the platform's byte order)
  const colour = new Uint32Array(new Uint8ClampedArray([red, green, blue, 255]).buffer)[0];
  const pixels = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2);
  for (const i of samples) {
    const px = Math.floor(((xOfState ?? m[i * points.stride + points.ox]) - frame.x[0]) * sx);
    const py = Math.floor((frame.y[1] - m[i * points.stride + points.oy]) * sy);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    if (px >= reach && px < w - reach && py >= reach && py < hgt - reach) {
      // the whole marker inside the frame: no pixel to skip
      stampAt(pixels, py * w + px, linear, colour);
      continue;
    }
    for (let k = 0; k < count; k++) {
      const x = px + ox[k];
      const y = py + oy[k];
      if (x < 0 || x >= w || y < 0 || y >= hgt) continue;
      pixels[y * w + x] = colour;
    }
  }
}

/**
 * Writes `colour` at each of the offsets `linear` from pixel `o`: a small function of its own, which the engine
 * optimises sooner than the same loop inside stampMarkers (a first call for 10^4 discs of radius 3 took 14 to 15 ms
 * against 18 to 23 ms in a fresh Node process; later calls about 10 ms either way).
 */
function stampAt(pixels: Uint32Array, o: number, linear: Int32Array, colour: number): void {
  for (let k = 0; k < linear.length; k++) pixels[o + linear[k]] = colour;
}

/**
 * The sample of `samples` whose point in `state` is nearest to the pixel (px, py) of `frame`, within `maxDistance`
 * pixels, or -1: what the pointer is on in a plot drawn by stampMarkers.
 */
export function nearestPoint(
  points: PathPoints,
  state: number,
  samples: number[],
  frame: RasterFrame,
  px: number,
  py: number,
  maxDistance: number
): number {
  const sx = frame.width / (frame.x[1] - frame.x[0]);
  const sy = frame.height / (frame.y[1] - frame.y[0]);
  const m = points.data[state];
  let best = -1;
  let bestD = maxDistance * maxDistance;
  for (const i of samples) {
    const dx = (m[i * points.stride + points.ox] - frame.x[0]) * sx - px;
    const dy = (frame.y[1] - m[i * points.stride + points.oy]) * sy - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
