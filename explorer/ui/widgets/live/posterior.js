// lse_posterior: the VAE's diagram (HTML from explorer.ui.inside.diagram) with ε and the σ-scale as live controls.
// Each move computes z = μ + s·σ·ε and samples of q(z|x) here, moves the marks on both planes, and decodes z and
// the first samples with the decoder lse_decoder registered: no Python during a drag. A release (a pause after
// keys, or "Resample ε") sends {eps: [ε1, ε2], scale} to Python, which recomputes the loss of the image.

import { mlpDecode, normalPair, planePixels, posteriorSamples, sliderValue } from "./core.js";
import { decoderFor } from "./registry.js";
import { el, makeCanvas, paintPixels, sliderParts } from "./dom.js";

/** One diagram's state, kept between its mounts.
 * @typedef {{root?: HTMLElement, signature?: string, data?: object, values?: {e1: number, e2: number, s: number},
 *   sliders?: Object<string, ReturnType<typeof sliderParts>>, canvases?: Object<string, HTMLCanvasElement>,
 *   mlp?: import("./core.js").Mlp, dragging?: string | null, keyTimer?: number, commit?: () => void,
 *   update?: () => void}} PosteriorState */

const fixedText = (v, d = 2) => (v < 0 ? "−" : "") + Math.abs(v).toFixed(d);
const pairText = (v, d = 2) => `(${fixedText(v[0], d)}, ${fixedText(v[1], d)})`;

/** @param {PosteriorState} state */
export function mountPosterior(state, component) {
  const { data, parentElement, setStateValue } = component;
  state.data = data;
  if (!state.root || state.signature !== data.signature) {
    state.root?.remove();
    const root = el("div", "lse-posterior");
    root.innerHTML = data.html;
    parentElement.appendChild(root);
    state.canvases = {};
    for (const img of root.querySelectorAll("img[data-slot]")) {
      const canvas = makeCanvas(Number(img.getAttribute("width")), img.getAttribute("alt"));
      canvas.dataset.slot = img.dataset.slot;
      img.replaceWith(canvas);
      state.canvases[img.dataset.slot] = canvas;
    }
    // the input image keeps its <img>: it does not change while the controls move
    const controls = root.querySelector("[data-slot=controls]");
    state.sliders = {};
    for (const [key, label] of [["e1", "ε1"], ["e2", "ε2"], ["s", "σ-scale (0: μ only, 1: trained)"]]) {
      state.sliders[key] = makeControl(state, key, label, controls);
    }
    const resample = el("button", "lse-play");
    resample.type = "button";
    resample.textContent = "Resample ε";
    resample.setAttribute("aria-label", "Resample ε from N(0, I)");
    resample.addEventListener("click", () => {
      const [a, b] = normalPair(1 - Math.random(), Math.random());
      const { lo, hi, step } = state.data.ranges.eps;
      setControl(state, "e1", Math.min(hi, Math.max(lo, a)) , step);
      setControl(state, "e2", Math.min(hi, Math.max(lo, b)), step);
      state.update();
      state.commit();
    });
    controls.append(resample);
    state.root = root;
    state.signature = data.signature;
    state.dragging = null;
    state.values = { e1: data.eps[0], e2: data.eps[1], s: data.scale };
    state.commit = () => setStateValue("view", { eps: [state.values.e1, state.values.e2], scale: state.values.s });
    state.update = () => updatePosterior(state);
    decoderFor(data.decoder).then((mlp) => {
      state.mlp = mlp;
      state.update();
    });
  }
  state.root.dataset.server = [...data.eps, data.scale].map((v) => Number(v).toFixed(4)).join(",");
  if (!state.dragging) {
    state.values = { e1: data.eps[0], e2: data.eps[1], s: data.scale };
  }
  for (const key of ["e1", "e2", "s"]) showControl(state, key);
  state.update();
}

function rangeOf(state, key) {
  return key === "s" ? state.data.ranges.scale : state.data.ranges.eps;
}

function setControl(state, key, v, step) {
  state.values[key] = Math.round(Math.round(v / step) * step * 1000) / 1000;
  showControl(state, key);
}

function showControl(state, key) {
  const { lo, hi } = rangeOf(state, key), v = state.values[key], s = state.sliders[key];
  const f = (v - lo) / (hi - lo);
  s.thumb.style.left = `${f * 100}%`;
  s.fill.style.width = `${f * 100}%`;
  s.thumb.setAttribute("aria-valuemin", lo);
  s.thumb.setAttribute("aria-valuemax", hi);
  s.thumb.setAttribute("aria-valuenow", v);
  s.thumb.setAttribute("aria-valuetext", fixedText(v, key === "s" ? 1 : 2));
  s.value.textContent = fixedText(v, key === "s" ? 1 : 2);
}

function makeControl(state, key, text, parent) {
  const parts = sliderParts();
  const { wrap, label, track, fill, thumb } = parts;
  label.textContent = text;
  thumb.setAttribute("aria-label", text);
  thumb.dataset.control = key;
  track.append(fill, thumb);
  wrap.append(label, track);
  wrap.dataset.control = key;
  parent.appendChild(wrap);
  const at = (e) => {
    const r = track.getBoundingClientRect(), { lo, hi, step } = rangeOf(state, key);
    return sliderValue((e.clientX - r.left) / r.width, lo, hi, step);
  };
  const move = (e) => {
    setControl(state, key, at(e), rangeOf(state, key).step);
    state.update();
  };
  track.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    state.dragging = key;
    track.setPointerCapture(e.pointerId);
    thumb.focus({ preventScroll: true });
    move(e);
  });
  track.addEventListener("pointermove", (e) => {
    if (state.dragging === key) move(e);
  });
  const release = (e) => {
    if (state.dragging !== key) return;
    move(e);
    state.dragging = null;
    state.commit();
  };
  track.addEventListener("pointerup", release);
  track.addEventListener("pointercancel", release);
  thumb.addEventListener("keydown", (e) => {
    const { lo, hi, step } = rangeOf(state, key), v = state.values[key];
    const next = { ArrowLeft: v - step, ArrowDown: v - step, ArrowRight: v + step, ArrowUp: v + step,
      PageDown: v - 10 * step, PageUp: v + 10 * step, Home: lo, End: hi }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    setControl(state, key, Math.min(hi, Math.max(lo, next)), step);
    state.update();
    clearTimeout(state.keyTimer);
    state.keyTimer = setTimeout(state.commit, 400);
  });
  return parts;
}

// z, the samples, the marks on both planes and the decodes for the current values.
function updatePosterior(state) {
  const d = state.data, { e1, e2, s } = state.values, root = state.root;
  const [z] = posteriorSamples(d.mu, d.sigma, s, [[e1, e2]]);
  const cloud = posteriorSamples(d.mu, d.sigma, s, d.draws);
  root.querySelector("[data-slot=eps]").textContent = `ε = ${pairText([e1, e2])}`;
  root.querySelector("[data-slot=z]").textContent = `z = ${pairText(z)}`;
  root.querySelector("[data-slot=scale-text]").textContent =
    `σ-scale ${fixedText(s, 1)}: z = μ + ${s === 1 ? "" : fixedText(s, 1)}σ·ε`;
  for (const [role, plane] of [["full", d.full], ["zoom", d.zoom]]) {
    const svg = root.querySelector(`svg[data-role=${role}]`);
    const k = plane.size / (2 * plane.half), [cx, cy] = planePixels(plane, d.mu);
    for (const [n, e] of [[1, svg.querySelector("[data-role=e1]")], [2, svg.querySelector("[data-role=e2]")]]) {
      if (!e) continue;
      e.setAttribute("cx", cx.toFixed(1));
      e.setAttribute("cy", cy.toFixed(1));
      e.setAttribute("rx", (n * s * d.sigma[0] * k).toFixed(2));
      e.setAttribute("ry", (n * s * d.sigma[1] * k).toFixed(2));
    }
    svg.querySelectorAll("[data-role=samples] circle").forEach((c, i) => {
      const [x, y] = planePixels(plane, cloud[i]);
      c.setAttribute("cx", x.toFixed(1));
      c.setAttribute("cy", y.toFixed(1));
    });
    const [x, y] = planePixels(plane, z);
    svg.querySelector("[data-role=z]").setAttribute("d",
      `M${(x - 7).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y - 7).toFixed(1)} ` +
      `L${(x + 7).toFixed(1)},${y.toFixed(1)} L${x.toFixed(1)},${(y + 7).toFixed(1)} Z`);
  }
  if (!state.mlp) return;
  const xhat = state.canvases.xhat;
  paintPixels(xhat, mlpDecode(state.mlp, z));
  xhat.dataset.z = z.map((v) => v.toFixed(4)).join(",");
  for (let i = 0; i < d.decodes; i++) {
    const c = state.canvases[`sample-${i}`];
    if (!c) continue;
    paintPixels(c, mlpDecode(state.mlp, cloud[i]));
    c.dataset.z = cloud[i].map((v) => v.toFixed(4)).join(",");
  }
}
