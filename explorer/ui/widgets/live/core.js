// Pure functions of the live widgets: no DOM, no page state. The safetensors payloads (explorer.live), the MLP
// decoder, and the maps between a pointer's place and a latent vector. Tested by tests/js/core.test.mjs against
// Python's output on fixed inputs (tests/js/make_fixtures.py).

/** @typedef {{shape: number[], data: Float32Array}} Tensor */
/** @typedef {{w: Float32Array, b: Float32Array, nIn: number, nOut: number, out: Float64Array}} Layer */
/** @typedef {{layers: Layer[], latentDim: number}} Mlp */
/** A grid of linked positions (explorer.teaching.LinkGrid): node axes x, y; positions zx, zy row-major [y][x].
 * @typedef {{x: ArrayLike<number>, y: ArrayLike<number>, zx: ArrayLike<number>, zy: ArrayLike<number>}} LinkGrid */
/** A quality map's verdicts per grid point (explorer.quality.QualityMap), row-major [y][x].
 * @typedef {{x: ArrayLike<number>, y: ArrayLike<number>, dataLike: ArrayLike<number>,
 *   confidence: ArrayLike<number>, predicted: ArrayLike<number>}} VerdictGrid */
/** @typedef {{dataLike: boolean, confidence: number, predicted: number}} Verdict */
/** A pad surface's map to latent space (explorer.ui.widgets.live.surface): grid nodes or a linear box.
 * @typedef {{kind: "nodes", fx: number[], fy: number[], xs: number[], ys: number[]} |
 *   {kind: "linear", lo: number[], hi: number[]}} SurfaceMap */
/** A map position's way to a decoder's latent vector (see mapToLatent).
 * @typedef {{kind: "raw"} | {kind: "pca", mean: number[], components: number[][]} |
 *   {kind: "grid", ref: string}} ToLatent */

let F16 = null;

/** Every IEEE half-precision bit pattern (0 ... 65535) as its value, built once. */
export function f16Table() {
  if (F16) return F16;
  F16 = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    F16[h] = e === 0 ? s * f * 2 ** -24 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * 2 ** (e - 15);
  }
  return F16;
}

/** Safetensors bytes (8-byte little-endian header length, JSON header, raw little-endian F16 or F32 tensors) ->
 * tensors as Float32Arrays and the header's metadata.
 * @param {Uint8Array} bytes
 * @returns {{tensors: Object<string, Tensor>, metadata: Object<string, string>}} */
export function parseSafetensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 0 || n > bytes.byteLength - 8) throw new Error("not a safetensors payload");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const table = f16Table(), base = 8 + n, tensors = {};
  for (const [key, spec] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    const [start, end] = spec.data_offsets;
    let data;
    if (spec.dtype === "F16") {
      data = new Float32Array((end - start) / 2);
      for (let i = 0; i < data.length; i++) data[i] = table[view.getUint16(base + start + 2 * i, true)];
    } else if (spec.dtype === "F32") {
      data = new Float32Array((end - start) / 4);
      for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(base + start + 4 * i, true);
    } else {
      throw new Error(`tensor ${key}: expected F16 or F32, got ${spec.dtype}`);
    }
    tensors[key] = { shape: spec.shape, data };
  }
  return { tensors, metadata: header.__metadata__ || {} };
}

/** A decoder's tensors w0, b0, w1, b1, ... (w is [out, in]; explorer.live.decoder_payload) as an MLP.
 * @param {Object<string, Tensor>} tensors
 * @returns {Mlp} */
export function mlpFromTensors(tensors) {
  const layers = [];
  for (let i = 0; `w${i}` in tensors; i++) {
    const w = tensors[`w${i}`], b = tensors[`b${i}`];
    layers.push({ w: w.data, b: b.data, nOut: w.shape[0], nIn: w.shape[1], out: new Float64Array(w.shape[0]) });
  }
  return { layers, latentDim: layers[0].nIn };
}

/** z -> 784 pixel intensities in [0, 1]: Linear, ReLU, ..., Linear, sigmoid (the decoder of explorer.models),
 * in float64. The result is the last layer's buffer: it is overwritten by the next call.
 * @param {Mlp} mlp
 * @param {ArrayLike<number>} z
 * @returns {Float64Array} */
export function mlpDecode(mlp, z) {
  let h = Float64Array.from(z);
  mlp.layers.forEach((layer, li) => {
    const { w, b, nIn, nOut, out } = layer, last = li === mlp.layers.length - 1;
    for (let o = 0; o < nOut; o++) {
      let s = b[o];
      const row = o * nIn;
      for (let i = 0; i < nIn; i++) s += w[row + i] * h[i];
      out[o] = last ? 1 / (1 + Math.exp(-s)) : s > 0 ? s : 0;
    }
    h = out;
  });
  return h;
}

/** A link payload's tensors (explorer.live.link_payload: x, y, z [ny, nx, 2]) as a LinkGrid.
 * @param {Object<string, Tensor>} tensors
 * @returns {LinkGrid} */
export function linkGrid(tensors) {
  const z = tensors.z.data;
  return { x: tensors.x.data, y: tensors.y.data,
    zx: z.filter((_, i) => i % 2 === 0), zy: z.filter((_, i) => i % 2 === 1) };
}

/** A verdict payload's tensors (explorer.live.verdict_payload) as a VerdictGrid.
 * @param {Object<string, Tensor>} tensors
 * @returns {VerdictGrid} */
export function verdictGrid(tensors) {
  return { x: tensors.x.data, y: tensors.y.data, dataLike: tensors.data_like.data,
    confidence: tensors.confidence.data, predicted: tensors.predicted.data };
}

/** Linear interpolation of ys over increasing xs, clamped at both ends (numpy.interp). */
export function interp(x, xs, ys) {
  if (x <= xs[0]) return ys[0];
  const n = xs.length;
  if (x >= xs[n - 1]) return ys[n - 1];
  let i = 1;
  while (xs[i] < x) i++;
  const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

/** A surface's fractions (fx from the left, fy from the top) -> latent (z1, z2).
 * @param {SurfaceMap} s */
export function surfaceToLatent(s, fx, fy) {
  if (s.kind === "nodes") return [interp(fx, s.fx, s.xs), interp(fy, s.fy, s.ys)];
  return [s.lo[0] + fx * (s.hi[0] - s.lo[0]), s.hi[1] - fy * (s.hi[1] - s.lo[1])];
}

/** Latent (z1, z2) -> a surface's fractions (fx from the left, fy from the top); outside [0, 1]: off the surface
 * (a "nodes" surface clamps to its edge nodes instead).
 * @param {SurfaceMap} s */
export function latentToSurface(s, z) {
  if (s.kind === "nodes") {
    const fy = interp(-z[1], s.ys.map((v) => -v), s.fy);
    return [interp(z[0], s.xs, s.fx), fy];
  }
  return [(z[0] - s.lo[0]) / (s.hi[0] - s.lo[0]), (s.hi[1] - z[1]) / (s.hi[1] - s.lo[1])];
}

/** A map position -> the decoder's latent vector: raw 2-D latents as they are, PCA as mean + x*PC1 + y*PC2, and
 * "grid": another model's plane, looked up bilinearly in the grid of linked positions registered under t.ref in
 * `links` (explorer.teaching.link_grid); null while that grid has not arrived.
 * @param {ToLatent} t
 * @param {Map<string, LinkGrid>} links
 * @returns {number[] | null} */
export function mapToLatent(t, x, y, links) {
  if (t.kind === "raw") return [x, y];
  if (t.kind === "grid") {
    const grid = links.get(t.ref);
    return grid ? gridLookup(grid, x, y) : null;
  }
  return t.mean.map((m, i) => m + x * t.components[0][i] + y * t.components[1][i]);
}

/** Bilinear interpolation in a grid over increasing t.x (columns) and t.y (rows) of 2-D values t.zx, t.zy
 * (row-major), clamped at the edges: the same function as explorer.teaching.linked.
 * @param {LinkGrid} t
 * @returns {number[]} */
export function gridLookup(t, x, y) {
  const cell = (v, axis) => {
    const n = axis.length;
    const f = Math.min(n - 1, Math.max(0, ((v - axis[0]) / (axis[n - 1] - axis[0])) * (n - 1)));
    const i = Math.min(n - 2, Math.floor(f));
    return [i, f - i];
  };
  const [i, u] = cell(x, t.x), [j, v] = cell(y, t.y), nx = t.x.length;
  const at = (zs, r, c) => zs[r * nx + c];
  const mix = (zs) => (1 - v) * ((1 - u) * at(zs, j, i) + u * at(zs, j, i + 1)) +
    v * ((1 - u) * at(zs, j + 1, i) + u * at(zs, j + 1, i + 1));
  return [mix(t.zx), mix(t.zy)];
}

/** A quality map's verdict at the grid point nearest to z, or null outside its plane (more than half a cell beyond
 * its edge nodes): the same lookup as explorer.quality.value_at (first of equally near points, as numpy's argmin).
 * @param {VerdictGrid} g
 * @returns {Verdict | null} */
export function verdictAt(g, z) {
  const nx = g.x.length, ny = g.y.length, hx = (g.x[1] - g.x[0]) / 2, hy = (g.y[1] - g.y[0]) / 2;
  const inside = z[0] >= g.x[0] - hx && z[0] <= g.x[nx - 1] + hx && z[1] >= g.y[0] - hy && z[1] <= g.y[ny - 1] + hy;
  if (!inside) return null;
  const nearest = (v, axis) => {
    let best = 0;
    for (let i = 1; i < axis.length; i++) if (Math.abs(axis[i] - v) < Math.abs(axis[best] - v)) best = i;
    return best;
  };
  const k = nearest(z[1], g.y) * nx + nearest(z[0], g.x);
  return { dataLike: g.dataLike[k] > 0.5, confidence: g.confidence[k], predicted: Math.round(g.predicted[k]) };
}

/** A slider's value at a fraction of its track (clamped to [0, 1]), on its grid of steps from 0. */
export function sliderValue(fraction, lo, hi, step) {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((lo + f * (hi - lo)) / step) * step;
}

/** The stop (0 ... count - 1) nearest to a fraction of a track of evenly spaced stops (clamped to [0, 1]). */
export function nearestStop(fraction, count) {
  return Math.round(Math.min(1, Math.max(0, fraction)) * (count - 1));
}

/** A signed number with two decimals and a true minus sign: "+0.50", "−1.25". */
export const fmt = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(2);

// A number as the app's captions write it, with a typographic minus: −2, 1.5 (explorer.ui.kit.text.signed).
export const signed = (v) => String(v).replace("-", "−");

/** Samples z = mu + scale * sigma * eps of a VAE's posterior q(z|x), its sigma scaled by `scale` (0: mu only), one
 * per standard-normal draw: the same as explorer.elbo.posterior_cloud.
 * @param {number[]} mu
 * @param {number[]} sigma
 * @param {number} scale
 * @param {number[][]} draws
 * @returns {number[][]} */
export function posteriorSamples(mu, sigma, scale, draws) {
  return draws.map((eps) => mu.map((m, i) => m + scale * sigma[i] * eps[i]));
}

/** Latent (z1, z2) -> pixels (x right, y down) of a square plane over [cx ± half] x [cy ± half] shown at `size`
 * px: the same map as explorer.ui.inside.diagram.Plane.px.
 * @param {{cx: number, cy: number, half: number, size: number}} p */
export function planePixels(p, z) {
  return [((z[0] - p.cx + p.half) / (2 * p.half)) * p.size, ((p.cy + p.half - z[1]) / (2 * p.half)) * p.size];
}

/** Two independent standard-normal numbers from two uniform ones in (0, 1] (Box-Muller). */
export function normalPair(u1, u2) {
  const r = Math.sqrt(-2 * Math.log(Math.max(u1, Number.MIN_VALUE)));
  return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
}
