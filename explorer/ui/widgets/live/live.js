// Live widgets of the Latent Space Explorer: decode in the browser while the pointer moves, tell Python on release.
// Pure parts (safetensors parsing, the MLP decoder, pointer -> latent maps) are plain functions; the components
// below are thin event layers over them. One module serves four Streamlit components, chosen by name:
//   lse_decoder  an AE/VAE decoder's weights (safetensors bytes), registered for the others on this page
//   lse_pad      the 2-D latent grid / map: drag or hover to decode, release to pin
//   lse_hover    a card beside the pointer over Plotly charts (Gaps, Latent map): decodes under the pointer
//   lse_codes    InfoGAN c2 / c3 sliders that swap server-rendered frames while the thumb moves
//   lse_flipbook one slider over a few stops, each with server-rendered images, a curve marker and numbers

const registry = (globalThis.__lseLive ??= { decoders: new Map(), waiters: new Map(), stats: { paints: 0 } });
registry.links ??= new Map();
registry.verdicts ??= new Map();

// ---- pure functions ------------------------------------------------------------------------------------------

let F16 = null;
function f16Table() {
  if (F16) return F16;
  F16 = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
    F16[h] = e === 0 ? s * f * 2 ** -24 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * 2 ** (e - 15);
  }
  return F16;
}

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

export function mlpFromTensors(tensors) {
  const layers = [];
  for (let i = 0; `w${i}` in tensors; i++) {
    const w = tensors[`w${i}`], b = tensors[`b${i}`];
    layers.push({ w: w.data, b: b.data, nOut: w.shape[0], nIn: w.shape[1], out: new Float64Array(w.shape[0]) });
  }
  return { layers, latentDim: layers[0].nIn };
}

// z -> 784 pixel intensities in [0, 1]: Linear, ReLU, ..., Linear, sigmoid (the decoder of explorer.models).
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

// Linear interpolation of ys over increasing xs, clamped at both ends (numpy.interp).
export function interp(x, xs, ys) {
  if (x <= xs[0]) return ys[0];
  const n = xs.length;
  if (x >= xs[n - 1]) return ys[n - 1];
  let i = 1;
  while (xs[i] < x) i++;
  const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

// A surface's fractions (fx from the left, fy from the top) -> latent (z1, z2), and back.
export function surfaceToLatent(s, fx, fy) {
  if (s.kind === "nodes") return [interp(fx, s.fx, s.xs), interp(fy, s.fy, s.ys)];
  return [s.lo[0] + fx * (s.hi[0] - s.lo[0]), s.hi[1] - fy * (s.hi[1] - s.lo[1])];
}
export function latentToSurface(s, z) {
  if (s.kind === "nodes") {
    const fy = interp(-z[1], s.ys.map((v) => -v), s.fy);
    return [interp(z[0], s.xs, s.fx), fy];
  }
  return [(z[0] - s.lo[0]) / (s.hi[0] - s.lo[0]), (s.hi[1] - z[1]) / (s.hi[1] - s.lo[1])];
}

// A map position -> the decoder's latent vector: raw 2-D latents as they are, PCA as mean + x*PC1 + y*PC2, and
// "grid": another model's plane, looked up bilinearly in a grid of linked positions (explorer.teaching.link_grid).
export function mapToLatent(t, x, y) {
  if (t.kind === "raw") return [x, y];
  if (t.kind === "grid") {
    const grid = registry.links.get(t.ref);
    return grid ? gridLookup(grid, x, y) : null;
  }
  return t.mean.map((m, i) => m + x * t.components[0][i] + y * t.components[1][i]);
}

// Bilinear interpolation in a grid over increasing t.x (columns) and t.y (rows) of 2-D values t.zx, t.zy (row-major),
// clamped at the edges: the same function as explorer.teaching.linked.
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

// A quality map's verdict at the grid point nearest to z, or null outside its plane: the same lookup as
// explorer.quality.value_at (first of equally near points, as numpy's argmin).
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

export function sliderValue(fraction, lo, hi, step) {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((lo + f * (hi - lo)) / step) * step;
}

// ---- drawing ---------------------------------------------------------------------------------------------------

function paintPixels(canvas, pixels) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(28, 28), d = img.data;
  for (let i = 0; i < 784; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
    d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = v;
    d[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  registry.stats.paints++;
}

function el(tag, className) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

function makeCanvas(size, label) {
  const c = document.createElement("canvas");
  c.width = c.height = 28;
  c.className = "lse-image";
  c.style.width = c.style.height = `${size}px`;
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", label);
  return c;
}

function decoderFor(name) {
  const ready = registry.decoders.get(name);
  if (ready) return Promise.resolve(ready);
  if (!registry.waiters.has(name)) {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    registry.waiters.set(name, { promise, resolve });
  }
  return registry.waiters.get(name).promise;
}

const fmt = (v) => (v >= 0 ? "+" : "−") + Math.abs(v).toFixed(2);

// ---- components ------------------------------------------------------------------------------------------------

function mountDecoder({ data }) {
  const { tensors, metadata } = parseSafetensors(data);
  if (metadata.kind === "link") {           // a grid of linked positions (explorer.live.link_payload)
    const z = tensors.z.data;
    registry.links.set(metadata.name, { x: tensors.x.data, y: tensors.y.data,
      zx: z.filter((_, i) => i % 2 === 0), zy: z.filter((_, i) => i % 2 === 1) });
    return;
  }
  if (metadata.kind === "verdict") {        // a quality map's verdicts (explorer.live.verdict_payload)
    registry.verdicts.set(metadata.name, { x: tensors.x.data, y: tensors.y.data, dataLike: tensors.data_like.data,
      confidence: tensors.confidence.data, predicted: tensors.predicted.data });
    return;
  }
  const mlp = mlpFromTensors(tensors);
  registry.decoders.set(metadata.name, mlp);
  const waiter = registry.waiters.get(metadata.name);
  if (waiter) waiter.resolve(mlp);
}

// The pad: surfaces (the grid mosaic, the encodings map) drawn as HTML by Python; the pointer's latent point
// decoded here, markers moved here; a release (or Enter) sends {z: [z1, z2]} to Python.
function mountPad(state, component) {
  const { data, parentElement, setStateValue } = component;
  if (!state.root || state.signature !== data.signature) {
    state.root?.remove();              // only our own root: the shadow root also holds Streamlit's <style>
    const root = el("div", "lse-pad");
    const left = document.createElement("div"), right = document.createElement("div");
    left.className = "lse-col";
    right.className = "lse-col";
    const canvas = makeCanvas(data.size, "decoded image");
    const caption = el("div", "lse-caption");
    caption.setAttribute("aria-live", "polite");
    const surfaces = data.surfaces.map((s, i) => {
      const holder = el("div", "lse-surface");
      holder.innerHTML = s.html;
      const marker = el("div", "lse-marker");
      holder.appendChild(marker);
      const area = el("div", "lse-area");
      Object.assign(area.style, { left: `${s.left}px`, top: `${s.top}px`, width: `${s.w}px`, height: `${s.h}px` });
      area.tabIndex = 0;
      area.setAttribute("role", "application");
      area.setAttribute("aria-label", `${s.label}: drag to decode, arrow keys to move, Enter to keep`);
      holder.appendChild(area);
      (i === 0 ? left : right).appendChild(holder);
      return { spec: s, holder, marker, area };
    });
    right.prepend(caption);
    right.prepend(canvas);
    root.append(left, right);
    parentElement.appendChild(root);
    Object.assign(state, { root, canvas, caption, surfaces, signature: data.signature, dragging: false });

    const show = (z) => {
      const clipped = [Math.max(-data.bound, Math.min(data.bound, z[0])), Math.max(-data.bound, Math.min(data.bound, z[1]))];
      state.shown = clipped;
      if (state.mlp) paintPixels(canvas, mlpDecode(state.mlp, clipped));
      caption.textContent = `decoded at z = (${fmt(clipped[0])}, ${fmt(clipped[1])})`;
      canvas.dataset.z = clipped.map((v) => v.toFixed(4)).join(",");
      for (const s of state.surfaces) {
        const [fx, fy] = latentToSurface(s.spec, clipped);
        const inside = fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1;
        s.marker.style.display = inside ? "block" : "none";
        s.marker.style.left = `${s.spec.left + fx * s.spec.w}px`;
        s.marker.style.top = `${s.spec.top + fy * s.spec.h}px`;
      }
    };
    state.show = show;
    const commit = () => {
      state.pinned = state.shown;
      setStateValue("z", state.shown.map((v) => Math.round(v * 10000) / 10000));
    };
    for (const s of surfaces) {
      const at = (e) => {
        const r = s.area.getBoundingClientRect();
        return surfaceToLatent(s.spec, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
      };
      s.area.addEventListener("pointerdown", (e) => {
        state.dragging = true;
        s.area.setPointerCapture(e.pointerId);
        show(at(e));
      });
      s.area.addEventListener("pointermove", (e) => show(at(e)));
      s.area.addEventListener("pointerup", (e) => {
        if (!state.dragging) return;
        state.dragging = false;
        show(at(e));
        commit();
      });
      s.area.addEventListener("pointerleave", () => {
        if (!state.dragging) show(state.pinned);
      });
      s.area.addEventListener("keydown", (e) => {
        const step = e.shiftKey ? 0.5 : 0.05, moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
        if (moves[e.key]) {
          e.preventDefault();
          show([state.shown[0] + moves[e.key][0], state.shown[1] + moves[e.key][1]]);
          clearTimeout(state.keyTimer);
          state.keyTimer = setTimeout(commit, 400);
        } else if (e.key === "Enter") commit();
      });
    }
    decoderFor(data.decoder).then((mlp) => {
      state.mlp = mlp;
      show(state.shown);
    });
  }
  state.root.dataset.server = data.z.map((v) => v.toFixed(4)).join(",");
  if (!state.dragging) {
    state.pinned = data.z;
    state.show(data.z);
  }
}

// The hover card: over a chart whose container has class st-key-<key>, the map position under the pointer is
// decoded by each listed decoder and shown in a card beside the pointer.
function mountHover(state, component) {
  const { data, parentElement, setTriggerValue } = component;
  state.data = data;
  state.trigger = setTriggerValue;
  if (!state.card) {
    const card = el("div", "lse-card");
    card.setAttribute("aria-hidden", "true");
    parentElement.appendChild(card);
    state.card = card;
    state.onMove = (e) => hoverMove(state, e);
    state.onDown = (e) => clickStart(state, e);
    state.onUp = (e) => clickEnd(state, e);
    document.addEventListener("pointermove", state.onMove, { passive: true });
    document.addEventListener("pointerdown", state.onDown, true);
    document.addEventListener("pointerup", state.onUp, true);
  }
  const signature = JSON.stringify([data.decoders, data.titles, data.size, data.verdict]);
  if (state.signature !== signature) {
    state.signature = signature;
    state.card.innerHTML = "";
    state.canvases = data.decoders.map((name, i) => {
      const fig = document.createElement("figure");
      fig.style.width = `${data.size + 2}px`;
      const canvas = makeCanvas(data.size, `${data.titles[i]} decode under the pointer`);
      canvas.dataset.decoder = name;
      const cap = document.createElement("figcaption");
      cap.textContent = data.titles[i];
      fig.append(canvas, cap);
      if (data.verdict) fig.appendChild(el("div", "lse-verdict"));
      state.card.appendChild(fig);
      return canvas;
    });
    state.where = document.createElement("div");
    state.where.className = "lse-where";
    state.card.appendChild(state.where);
    state.mlps = [];
    data.decoders.forEach((name, i) => decoderFor(name).then((mlp) => (state.mlps[i] = mlp)));
  }
  state.watched ??= new WeakSet();
  placePins(state, 40);
  return () => {
    document.removeEventListener("pointermove", state.onMove);
    document.removeEventListener("pointerdown", state.onDown, true);
    document.removeEventListener("pointerup", state.onUp, true);
  };
}

// The chart (and the map position) under a pointer event, if it is over a listed chart's plot area.
function chartAt(state, e) {
  for (const chart of state.data.charts) {
    const host = e.target instanceof Element && e.target.closest(`.st-key-${chart.key}`);
    const plot = host && host.querySelector(".js-plotly-plot"), drag = plot && plot.querySelector(".nsewdrag");
    if (!drag || !plot._fullLayout) continue;
    const r = drag.getBoundingClientRect();
    const fx = (e.clientX - r.left) / r.width, fy = (e.clientY - r.top) / r.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) continue;
    const [x0, x1] = plot._fullLayout.xaxis.range, [y0, y1] = plot._fullLayout.yaxis.range;
    return { chart, plot, x: x0 + fx * (x1 - x0), y: y1 - fy * (y1 - y0) };
  }
  return null;
}

// A click (pointer down and up within 4 px and 600 ms) on a chart goes to Python at once as {chart, curve,
// index, x, y}: the point Plotly's hover names (curve 0 is the map's empty-space grid), else the exact position
// as empty space. Plotly's own click-to-select is off on these charts: its redraw held the page ~100 ms.
function clickStart(state, e) {
  const hit = e.button === 0 ? chartAt(state, e) : null;
  state.down = hit ? { hit, x: e.clientX, y: e.clientY, t: e.timeStamp } : null;
}

function clickEnd(state, e) {   // (Plotly covers the page while the button is down: the up event is not the chart's)
  const down = state.down;
  state.down = null;
  if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4 || e.timeStamp - down.t > 600) return;
  const hit = down.hit;
  if (!state.trigger) return;
  const h = hit.plot._hoverdata && hit.plot._hoverdata[0];
  const point = h && typeof h.x === "number" && typeof h.y === "number"
    ? { curve: h.curveNumber, index: h.pointNumber ?? h.pointIndex ?? 0, x: h.x, y: h.y }
    : { curve: 0, index: 0, x: hit.x, y: hit.y };
  hit.chart.pin = [point.x, point.y];
  placePins(state);
  state.trigger("click", { chart: hit.chart.key, ...point });
}

// The pinned position of each chart as a ring over its plot area (drawn here so that a click does not make the
// server re-send the figure); re-placed after every Plotly redraw (zoom, pan, resize).
function placePins(state, retries = 0) {
  let missing = false;
  for (const chart of state.data.charts) {
    const plot = document.querySelector(`.st-key-${chart.key} .js-plotly-plot`);
    const drag = plot && plot.querySelector(".nsewdrag"), layout = plot && plot._fullLayout;
    if (!drag || !layout || !plot.on) {
      missing = true;
      continue;
    }
    if (!state.watched.has(plot)) {
      plot.on("plotly_afterplot", () => placePins(state));
      state.watched.add(plot);
    }
    let pin = plot.querySelector(":scope > .lse-pin");
    if (!pin) {
      pin = document.createElement("div");
      pin.className = "lse-pin";
      Object.assign(pin.style, { position: "absolute", width: "14px", height: "14px", margin: "-10px 0 0 -10px",
        border: "3px solid #ff2b2b", borderRadius: "50%", boxShadow: "0 0 0 1px white", pointerEvents: "none",
        zIndex: 5 });
      if (getComputedStyle(plot).position === "static") plot.style.position = "relative";
      plot.appendChild(pin);
    }
    const [x0, x1] = layout.xaxis.range, [y0, y1] = layout.yaxis.range, p = chart.pin;
    const fx = p ? (p[0] - x0) / (x1 - x0) : -1, fy = p ? (y1 - p[1]) / (y1 - y0) : -1;
    const inside = p && fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1;
    pin.style.display = inside ? "block" : "none";
    if (!inside) continue;
    const r = drag.getBoundingClientRect(), g = plot.getBoundingClientRect();
    pin.style.left = `${r.left - g.left + fx * r.width}px`;
    pin.style.top = `${r.top - g.top + fy * r.height}px`;
    pin.dataset.pin = p.map((v) => v.toFixed(4)).join(",");
  }
  if (missing && retries > 0) setTimeout(() => placePins(state, retries - 1), 50);
}

function hoverMove(state, e) {
  const { data, card } = state;
  const hit = chartAt(state, e);
  if (!hit || !hit.chart.to_latent) {
    card.style.display = "none";
    return;
  }
  // Each decoder reads the position through its own link (another model's plane: the linked place), or all alike.
  state.canvases.forEach((canvas, i) => {
    const link = hit.chart.links ? hit.chart.links[i] : hit.chart.to_latent;
    const z = mapToLatent(link, hit.x, hit.y);
    if (!z) return;                          // its link grid has not arrived yet
    if (state.mlps[i]) paintPixels(canvas, mlpDecode(state.mlps[i], z));
    canvas.dataset.z = z.map((v) => v.toFixed(4)).join(",");
    if (hit.chart.links) canvas.nextSibling.textContent = `${state.data.titles[i]} (${fmt(z[0])}, ${fmt(z[1])})`;
    if (data.verdict) showVerdict(canvas, data.verdict, registry.verdicts.get(canvas.dataset.decoder), z);
  });
  state.where.textContent = `${data.axis_names[0]} ${fmt(hit.x)}, ${data.axis_names[1]} ${fmt(hit.y)}`;
  card.style.display = "flex";
  // Above the pointer (Plotly's own hover label sits beside it), below when there is no room above.
  const w = card.offsetWidth, h = card.offsetHeight, gap = 16;
  const left = Math.min(Math.max(8, e.clientX - w / 2), window.innerWidth - w - 8);
  const top = e.clientY - gap - h >= 8 ? e.clientY - gap - h : e.clientY + gap;
  card.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
}

// Under a card's decode: the verdict of the nearest scored point of its model's quality map (a click scores the
// exact place on the server).
function showVerdict(canvas, spec, grid, z) {
  const box = canvas.parentElement.querySelector(".lse-verdict");
  const v = grid ? verdictAt(grid, z) : null;
  canvas.dataset.verdict = v ? (v.dataLike ? "1" : "0") : "";
  canvas.dataset.predicted = v ? v.predicted : "";
  canvas.dataset.confidence = v ? v.confidence.toFixed(3) : "";
  box.replaceChildren();
  if (!grid) return;
  if (!v) {
    box.textContent = "outside its scored plane";
    return;
  }
  const word = el("strong");
  word.textContent = v.dataLike ? "data-like" : "not data-like";
  word.style.color = v.dataLike ? spec.colours.yes : spec.colours.no;
  const what = el("span");
  what.textContent = `${spec.classes[v.predicted] ?? "?"}, ${Math.round(100 * v.confidence)}% sure`;
  box.append(word, what);
}

// InfoGAN's live code sliders: the server sends, for each code, its frames along the slider at the other code's
// current value (one PNG sprite each); moving a thumb swaps frames. A release sends {c2, c3} to Python.
function mountCodes(state, component) {
  const { data, parentElement, setStateValue } = component;
  if (!state.root) {
    const root = el("div", "lse-codes");
    const controls = el("div", "lse-controls");
    const figure = document.createElement("figure");
    const canvas = makeCanvas(data.size, "generated image");
    const caption = el("figcaption", "lse-caption");
    figure.append(canvas, caption);
    const note = el("div", "lse-note");
    state.sliders = {};
    for (const code of ["c2", "c3"]) state.sliders[code] = makeSlider(state, code, controls);
    controls.appendChild(note);
    root.append(controls, figure);
    parentElement.appendChild(root);
    Object.assign(state, { root, canvas, caption, note, sprites: {}, values: {} });
    state.commit = () => setStateValue("codes", { c2: state.values.c2, c3: state.values.c3 });
  }
  state.data = data;
  state.held = false;                  // the server's frames for what a click switched to have arrived
  state.root.dataset.server = `${data.c2},${data.c3}`;
  const sw = data.switch;
  if (sw && state.switchSrc !== sw.frames) {
    state.switchSrc = sw.frames;
    state.switchImg = new Image();
    state.switchImg.src = sw.frames;
  }
  const cleanup = () => { document.removeEventListener("click", state.onSwitch, true); state.onSwitch = null; };
  if (!state.onSwitch) {
    state.onSwitch = (e) => switchClick(state, e);
    document.addEventListener("click", state.onSwitch, true);
  }
  for (const code of ["c2", "c3"]) {
    const img = new Image();
    img.src = data.frames[code];
    state.sprites[code] = { img, other: data.frames_other[code] };
    img.decode().then(() => draw(state, state.active || "c2")).catch(() => {});
    const s = state.sliders[code];
    s.label.textContent = data.labels[code];
    s.thumb.setAttribute("aria-label", data.labels[code]);
    if (state.dragging !== code) setCode(state, code, data[code], false);
  }
  return cleanup;
}

// A click on the page's category control or its "New noise" button shows the image it leads to at once (the
// server's switch frames: each category, then the next seed); the sliders hold that image until the server's
// frames for the new category or seed arrive (at most 3 s).
function switchClick(state, e) {
  const sw = state.data && state.data.switch, t = e.target instanceof Element ? e.target : null;
  const button = t && t.closest("button"), img = state.switchImg;
  if (!sw || !button || !img || !img.complete || !img.naturalWidth) return;
  let index = -1;
  const group = button.closest(`.st-key-${sw.c1_key}`);
  if (group) {
    const buttons = [...group.querySelectorAll("button")];
    if (buttons.length !== sw.categories.length) return;
    index = buttons.indexOf(button);
    if (sw.categories[index] === state.data.c1) return;      // no change: the server sends nothing new
  } else if (sw.seed_key && button.closest(`.st-key-${sw.seed_key}`)) {
    index = sw.categories.length;
  }
  if (index < 0) return;
  const ctx = state.canvas.getContext("2d");
  ctx.drawImage(img, index * 28, 0, 28, 28, 0, 0, 28, 28);
  registry.stats.paints++;
  state.canvas.dataset.frame = `switch:${index}`;
  const caption = index < sw.categories.length ? sw.captions[index] : sw.seed_caption;
  state.caption.textContent = `${caption} · c2 ${fmt(state.data.c2)} · c3 ${fmt(state.data.c3)}`;
  state.held = true;
  clearTimeout(state.holdTimer);
  state.holdTimer = setTimeout(() => (state.held = false), 3000);
}

// The parts every live slider has: a label, a track with a fill and a focusable ARIA thumb showing its value.
function sliderParts() {
  const wrap = el("div", "lse-slider");
  const label = el("div", "lse-label");
  const track = el("div", "lse-track");
  const fill = el("div", "lse-fill");
  const thumb = el("div", "lse-thumb");
  thumb.tabIndex = 0;
  thumb.setAttribute("role", "slider");
  const value = el("div", "lse-value");
  thumb.appendChild(value);
  return { wrap, label, track, fill, thumb, value };
}

function makeSlider(state, code, parent) {
  const { wrap, label, track, fill, thumb, value } = sliderParts();
  const band = el("div", "lse-band");
  thumb.dataset.code = code;
  track.append(band, fill, thumb);
  const legend = el("div", "lse-legend");
  legend.innerHTML = "<span>−2</span><span>trained range −1…1</span><span>2</span>";
  wrap.append(label, track, legend);
  parent.appendChild(wrap);
  const at = (e) => {
    const r = track.getBoundingClientRect(), { lo, hi, step } = state.data.range;
    return sliderValue((e.clientX - r.left) / r.width, lo, hi, step);
  };
  track.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    state.dragging = code;
    state.active = code;
    track.setPointerCapture(e.pointerId);
    thumb.focus({ preventScroll: true });
    setCode(state, code, at(e), true);
  });
  track.addEventListener("pointermove", (e) => {
    if (state.dragging === code) setCode(state, code, at(e), true);
  });
  const release = (e) => {
    if (state.dragging !== code) return;
    state.dragging = null;
    setCode(state, code, at(e), true);
    state.commit();
  };
  track.addEventListener("pointerup", release);
  track.addEventListener("pointercancel", release);
  thumb.addEventListener("keydown", (e) => {
    const { lo, hi, step } = state.data.range, v = state.values[code];
    const next = { ArrowLeft: v - step, ArrowDown: v - step, ArrowRight: v + step, ArrowUp: v + step,
      PageDown: v - 10 * step, PageUp: v + 10 * step, Home: lo, End: hi }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    state.active = code;
    setCode(state, code, Math.min(hi, Math.max(lo, next)), true);
    clearTimeout(state.keyTimer);
    state.keyTimer = setTimeout(state.commit, 350);
  });
  return { wrap, label, track, fill, thumb, value };
}

function setCode(state, code, v, user) {
  const { lo, hi, step, trained } = state.data.range;
  v = Math.round(Math.min(hi, Math.max(lo, v)) / step) * step;
  v = Math.round(v * 100) / 100;
  state.values[code] = v;
  const s = state.sliders[code], f = (v - lo) / (hi - lo);
  s.thumb.style.left = `${f * 100}%`;
  s.fill.style.width = `${f * 100}%`;
  s.thumb.setAttribute("aria-valuemin", lo);
  s.thumb.setAttribute("aria-valuemax", hi);
  s.thumb.setAttribute("aria-valuenow", v);
  s.thumb.setAttribute("aria-valuetext", v.toFixed(2));
  s.value.textContent = v.toFixed(2);
  if (user) state.active = code;
  const outside = Math.abs(state.values.c2 ?? 0) > trained[1] || Math.abs(state.values.c3 ?? 0) > trained[1];
  state.note.textContent = outside ? "⚠️ Outside the trained range −1…1: the generator extrapolates."
    : "Inside the trained range −1…1.";
  draw(state, state.active || code);
}

// The frame for the current values, from the sprite of the code being moved (its frames are at the other code's
// value when they were rendered; after a release the server renders the other sprite anew).
function draw(state, code) {
  const sprite = state.sprites[code];
  if (state.held) return;
  if (!sprite || !sprite.img.complete || !sprite.img.naturalWidth) return;
  const { values: grid } = state.data.range, v = state.values[code];
  let index = 0;
  for (let i = 1; i < grid.length; i++) if (Math.abs(grid[i] - v) < Math.abs(grid[index] - v)) index = i;
  const ctx = state.canvas.getContext("2d");
  ctx.drawImage(sprite.img, index * 28, 0, 28, 28, 0, 0, 28, 28);
  registry.stats.paints++;
  const { c2, c3 } = state.values;
  state.canvas.dataset.codes = `${c2},${c3}`;
  state.canvas.dataset.frame = `${code}:${index}`;
  state.caption.textContent = `${state.data.caption} · c2 ${fmt(c2)} · c3 ${fmt(c3)}`;
}

// ---- flipbook: a slider over stops, each with its images, numbers and a marker on a curve -------------------

export function nearestStop(fraction, count) {
  return Math.round(Math.min(1, Math.max(0, fraction)) * (count - 1));
}

function mountFlipbook(state, component) {
  const { data, parentElement, setStateValue } = component;
  if (!state.root) {
    const root = el("div", "lse-flipbook");
    const top = el("div", "lse-top");
    const controls = el("div", "lse-stops");
    const facts = el("dl", "lse-facts");
    const panels = el("div", "lse-panels");
    top.append(controls, facts);
    root.append(top, panels);
    parentElement.appendChild(root);
    Object.assign(state, { root, controls, facts, panels, signature: null, index: 0 });
    state.commit = () => setStateValue("index", state.index);
    makeStopSlider(state, controls);
    state.play = el("button", "lse-play");
    state.play.type = "button";
    state.play.addEventListener("click", () => togglePlay(state));
    controls.prepend(state.play);
  }
  state.data = data;
  state.play.style.display = data.play_ms ? "" : "none";
  if (!state.playing) setPlayLabel(state, false);
  state.root.dataset.server = data.index;
  if (state.signature !== data.signature) buildPanels(state);
  if (!state.dragging) setStop(state, data.index, false);
}

// Play: the stops one after another at a steady rate (data.play_ms per stop), from the start when at the end;
// the stop reached goes to Python when it stops (at the end, or on Pause).
function setPlayLabel(state, playing) {
  state.play.textContent = playing ? "❚❚ Pause" : "▶ Play";
  state.play.setAttribute("aria-label", `${playing ? "Pause" : "Play"} ${state.data.label}`);
  state.play.setAttribute("aria-pressed", String(playing));
}

function togglePlay(state) {
  const last = state.data.stops.length - 1;
  if (state.playing) {
    clearInterval(state.playing);
    state.playing = null;
    setPlayLabel(state, false);
    state.commit();
    return;
  }
  if (state.index >= last) setStop(state, 0, true);
  setPlayLabel(state, true);
  state.playing = setInterval(() => {
    setStop(state, state.index + 1, true);
    if (state.index >= last) togglePlay(state);
  }, state.data.play_ms);
}

function makeStopSlider(state, parent) {
  const { wrap, label, track, fill, thumb, value } = sliderParts();
  const ticks = el("div", "lse-ticks");
  track.append(fill, ticks, thumb);
  const legend = el("div", "lse-legend");
  const note = el("div", "lse-note");
  wrap.append(label, track, legend);
  parent.append(wrap, note);
  const at = (e) => {
    const r = track.getBoundingClientRect();
    return nearestStop((e.clientX - r.left) / r.width, state.data.stops.length);
  };
  track.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    state.dragging = true;
    track.setPointerCapture(e.pointerId);
    thumb.focus({ preventScroll: true });
    setStop(state, at(e), true);
  });
  track.addEventListener("pointermove", (e) => { if (state.dragging) setStop(state, at(e), true); });
  const release = (e) => {
    if (!state.dragging) return;
    state.dragging = false;
    setStop(state, at(e), true);
    state.commit();
  };
  track.addEventListener("pointerup", release);
  track.addEventListener("pointercancel", release);
  thumb.addEventListener("keydown", (e) => {
    const last = state.data.stops.length - 1, i = state.index;
    const next = { ArrowLeft: i - 1, ArrowDown: i - 1, ArrowRight: i + 1, ArrowUp: i + 1, Home: 0, End: last,
      PageDown: i - 5, PageUp: i + 5 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setStop(state, Math.min(last, Math.max(0, next)), true);
    clearTimeout(state.keyTimer);
    state.keyTimer = setTimeout(state.commit, 350);
  });
  state.slider = { label, track, fill, thumb, value, ticks, legend, note };
}

function buildPanels(state) {
  const { data, panels, slider } = state;
  state.signature = data.signature;
  (data.facts_below ? state.root : state.root.firstChild).appendChild(state.facts);
  slider.label.textContent = data.label;
  slider.thumb.setAttribute("aria-label", data.label);
  slider.legend.replaceChildren(...[data.stops[0], data.stops[data.stops.length - 1]].map((t) => {
    const span = el("span"); span.textContent = t; return span; }));
  slider.ticks.replaceChildren(...data.stops.map((_, i) => {
    const tick = el("span", "lse-tick");
    tick.style.left = `${(100 * i) / Math.max(1, data.stops.length - 1)}%`;
    return tick;
  }));
  state.views = data.panels.map((panel) => {
    const figure = document.createElement("figure");
    figure.className = "lse-panel";
    figure.style.width = `${panel.width}px`;
    const caption = el("figcaption", "lse-caption");
    caption.textContent = panel.title;
    if (panel.kind === "curve") {
      const canvas = document.createElement("canvas");
      canvas.className = "lse-curve";
      canvas.width = panel.width * 2;
      canvas.height = panel.height * 2;
      canvas.style.width = `${panel.width}px`;
      canvas.style.height = `${panel.height}px`;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", panel.title);
      figure.append(canvas, caption);
      return { panel, figure, canvas, caption };
    }
    const canvas = makeCanvas(panel.width, panel.title);
    canvas.width = panel.native[0];
    canvas.height = panel.native[1];
    canvas.style.width = `${panel.width}px`;
    canvas.style.height = `${(panel.width * panel.native[1]) / panel.native[0]}px`;
    const frames = panel.frames.map((uri) => {
      const img = new Image();
      img.src = uri;
      img.decode().then(() => { if (state.data === data) drawPanels(state); }).catch(() => {});
      return img;
    });
    figure.append(canvas, caption);
    return { panel, figure, canvas, caption, frames };
  });
  panels.replaceChildren(...state.views.map((v) => v.figure));
}

function setStop(state, i, user) {
  const { data, slider } = state, last = data.stops.length - 1;
  i = Math.min(last, Math.max(0, Math.round(i)));
  state.index = i;
  const f = last ? i / last : 0;
  slider.thumb.style.left = `${f * 100}%`;
  slider.fill.style.width = `${f * 100}%`;
  slider.thumb.setAttribute("aria-valuemin", 0);
  slider.thumb.setAttribute("aria-valuemax", last);
  slider.thumb.setAttribute("aria-valuenow", i);
  slider.thumb.setAttribute("aria-valuetext", data.stops[i]);
  slider.value.textContent = data.stops[i];
  slider.note.textContent = (data.notes && data.notes[i]) || "";
  state.root.dataset.index = i;
  if (user) state.root.dataset.user = "1";
  drawPanels(state);
}

function drawPanels(state) {
  const i = state.index;
  for (const v of state.views || []) {
    if (v.panel.kind === "curve") { drawCurve(v.canvas, v.panel, i); continue; }
    const img = v.frames[Math.min(i, v.frames.length - 1)];
    if (!img.complete || !img.naturalWidth) continue;
    const ctx = v.canvas.getContext("2d");
    ctx.clearRect(0, 0, v.canvas.width, v.canvas.height);
    ctx.drawImage(img, 0, 0);
    v.canvas.dataset.frame = i;
    v.canvas.dataset.z = `stop:${i}`;
    if (v.panel.captions) v.caption.textContent = v.panel.captions[i];
  }
  const facts = (state.data.facts || [])[i] || [];
  state.facts.replaceChildren(...facts.flatMap(([name, value]) => {
    const dt = el("dt"), dd = el("dd");
    dt.textContent = name;
    dd.textContent = value;
    return [dt, dd];
  }));
  registry.stats.paints++;
}

const axisNumber = (v) => String(Number(v.toPrecision(3)));

// A line through the stops' (x, y) points (null: not on the curve) with the current stop ringed.
function drawCurve(canvas, panel, index) {
  const ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height, s = 2;
  const pad = { l: 52 * s, r: 40 * s, t: 20 * s, b: 38 * s };   // room for the end points' labels
  const pts = panel.points.map((p, i) => (p ? { x: p[0], y: p[1], i } : null)).filter(Boolean);
  const tx = (v) => (panel.log_x ? Math.log10(v) : v), ty = (v) => (panel.log_y ? Math.log10(v) : v);
  const xs = pts.map((p) => tx(p.x)), ys = pts.map((p) => ty(p.y));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (v) => pad.l + ((tx(v) - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
  const py = (v) => H - pad.b - ((ty(v) - y0) / (y1 - y0 || 1)) * (H - pad.t - pad.b);
  const style = getComputedStyle(canvas);
  const text = style.color || "#31333f";
  ctx.clearRect(0, 0, W, H);
  ctx.strokeStyle = "#bbb"; ctx.lineWidth = s;
  ctx.beginPath(); ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, H - pad.b); ctx.lineTo(W - pad.r, H - pad.b);
  ctx.stroke();
  ctx.fillStyle = text; ctx.font = `${12 * s}px sans-serif`; ctx.textAlign = "center";
  ctx.fillText(panel.x_label, (pad.l + W - pad.r) / 2, H - 8 * s);
  ctx.save(); ctx.translate(14 * s, (pad.t + H - pad.b) / 2); ctx.rotate(-Math.PI / 2);
  ctx.fillText(panel.y_label, 0, 0); ctx.restore();
  ctx.font = `${10 * s}px sans-serif`;
  ctx.textAlign = "right"; ctx.fillText(axisNumber(panel.log_y ? 10 ** y1 : y1), pad.l - 4 * s, pad.t + 10 * s);
  ctx.fillText(axisNumber(panel.log_y ? 10 ** y0 : y0), pad.l - 4 * s, H - pad.b);
  ctx.textAlign = "left"; ctx.fillText(axisNumber(panel.log_x ? 10 ** x0 : x0), pad.l, H - pad.b + 14 * s);
  ctx.textAlign = "right"; ctx.fillText(axisNumber(panel.log_x ? 10 ** x1 : x1), W - pad.r, H - pad.b + 14 * s);
  ctx.strokeStyle = "#7fb3e6"; ctx.lineWidth = 2 * s; ctx.beginPath();
  pts.forEach((p, k) => (k ? ctx.lineTo(px(p.x), py(p.y)) : ctx.moveTo(px(p.x), py(p.y))));
  ctx.stroke();
  for (const p of pts) {
    const on = p.i === index;
    ctx.beginPath(); ctx.arc(px(p.x), py(p.y), (on ? 7 : 4) * s, 0, 2 * Math.PI);
    ctx.fillStyle = on ? "#ff2b2b" : "#1f77b4"; ctx.fill();
    if (panel.point_labels) {
      ctx.fillStyle = text; ctx.textAlign = "left"; ctx.font = `${(on ? 12 : 10) * s}px sans-serif`;
      ctx.fillText(panel.point_labels[p.i], px(p.x) + 8 * s, py(p.y) - 6 * s);
    }
  }
  canvas.dataset.marked = pts.some((p) => p.i === index) ? index : "";
}

// ← / → anywhere on the page (not while typing or on a slider) send a step of -1 / +1 to Python.
function mountKeys(state, component) {
  state.trigger = component.setTriggerValue;
  const cleanup = () => { document.removeEventListener("keydown", state.onKey); state.onKey = null; };
  if (state.onKey) return cleanup;
  state.onKey = (e) => {
    const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    const t = e.composedPath()[0];
    const busy = t instanceof Element && (t.closest("input, textarea, select, [contenteditable=true]") ||
      ["slider", "combobox", "listbox", "option", "spinbutton", "textbox"].includes(t.getAttribute("role")));
    if (!step || busy || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    state.trigger("step", step);
  };
  document.addEventListener("keydown", state.onKey);
  return cleanup;
}

const MOUNTS = { lse_decoder: null, lse_pad: mountPad, lse_hover: mountHover, lse_codes: mountCodes,
  lse_flipbook: mountFlipbook, lse_keys: mountKeys };

export default function (component) {
  if (component.name === "lse_decoder") return mountDecoder(component);
  const mount = MOUNTS[component.name];
  const host = component.parentElement;
  host.__lse ??= {};
  return mount(host.__lse, component);
}
