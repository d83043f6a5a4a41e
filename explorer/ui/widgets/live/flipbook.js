// lse_flipbook: one slider over a few stops, each with server-rendered images, numbers and a marker on a curve;
// the browser swaps whole stops while the thumb moves (or Play runs), and a release sends the stop to Python.

import { nearestStop } from "./core.js";
import { stats } from "./registry.js";
import { el, makeCanvas, sliderParts } from "./dom.js";

/** A panel's view: its figure, canvas, caption and (for images) its frames, one per stop.
 * @typedef {{panel: object, figure: HTMLElement, canvas: HTMLCanvasElement, caption: HTMLElement,
 *   frames?: HTMLImageElement[]}} PanelView */
/** One flipbook's state, kept between its mounts.
 * @typedef {{root?: HTMLElement, controls?: HTMLElement, facts?: HTMLElement, panels?: HTMLElement,
 *   signature?: string | null, index?: number, data?: object, commit?: () => void, play?: HTMLButtonElement,
 *   playing?: number | null, dragging?: boolean, keyTimer?: number, views?: PanelView[],
 *   slider?: object}} FlipbookState */

/** @param {FlipbookState} state */
export function mountFlipbook(state, component) {
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
  stats.paints++;
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
