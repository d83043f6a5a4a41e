// lse_hover: over the Plotly charts with the listed keys, the map position under the pointer is decoded by each
// listed decoder and shown in a card beside the pointer; a click goes to Python at once; each chart's pinned
// position is ringed.

import { fmt, mapToLatent, mlpDecode, verdictAt } from "./core.js";
import { decoderFor, links, verdictsOf } from "./registry.js";
import { afterEveryPlot, axisRanges, canListen, hoveredPoint, plotArea, plotAround, plotOf } from "./adapter.js";
import { el, makeCanvas, paintPixels } from "./dom.js";

/** One chart the card works over (explorer.ui.widgets.live.hover): its key, its to-latent map (null: no card), the
 * pinned position, and optionally one to-latent map per decoder.
 * @typedef {{key: string, to_latent: import("./core.js").ToLatent | null, pin: number[] | null,
 *   links?: import("./core.js").ToLatent[]}} HoverChart */
/** A hit: the chart under a pointer event, its Plotly element and the map position there.
 * @typedef {{chart: HoverChart, plot: HTMLElement, x: number, y: number}} Hit */
/** One hover card's state, kept between its mounts.
 * @typedef {{data?: object, trigger?: (name: string, value: any) => void, card?: HTMLElement,
 *   onMove?: (e: PointerEvent) => void, onDown?: (e: PointerEvent) => void, onUp?: (e: PointerEvent) => void,
 *   signature?: string, canvases?: HTMLCanvasElement[], where?: HTMLElement, mlps?: import("./core.js").Mlp[],
 *   watched?: WeakSet<HTMLElement>, down?: {hit: Hit, x: number, y: number, t: number} | null}} HoverState */

/** @param {HoverState} state */
export function mountHover(state, component) {
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

/** The chart (and the map position) under a pointer event, if it is over a listed chart's plot area.
 * @param {HoverState} state
 * @returns {Hit | null} */
function chartAt(state, e) {
  for (const chart of state.data.charts) {
    const plot = plotAround(e.target, chart.key);
    const drag = plot && plotArea(plot), ranges = plot && axisRanges(plot);
    if (!drag || !ranges) continue;
    const r = drag.getBoundingClientRect();
    const fx = (e.clientX - r.left) / r.width, fy = (e.clientY - r.top) / r.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) continue;
    const [x0, x1] = ranges.x, [y0, y1] = ranges.y;
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
  const point = hoveredPoint(hit.plot) ?? { curve: 0, index: 0, x: hit.x, y: hit.y };
  hit.chart.pin = [point.x, point.y];
  placePins(state);
  state.trigger("click", { chart: hit.chart.key, ...point });
}

// The pinned position of each chart as a ring over its plot area (drawn here so that a click does not make the
// server re-send the figure); re-placed after every Plotly redraw (zoom, pan, resize).
function placePins(state, retries = 0) {
  let missing = false;
  for (const chart of state.data.charts) {
    const plot = plotOf(chart.key);
    const drag = plot && plotArea(plot), ranges = plot && axisRanges(plot);
    if (!drag || !ranges || !canListen(plot)) {
      missing = true;
      continue;
    }
    if (!state.watched.has(plot)) {
      afterEveryPlot(plot, () => placePins(state));
      state.watched.add(plot);
    }
    let pin = plot.querySelector(":scope > .lse-pin");
    if (!pin) {
      pin = document.createElement("div");
      pin.className = "lse-pin";
      // black between two white rings: visible on the white plane, the red one and every class colour
      Object.assign(pin.style, { position: "absolute", width: "16px", height: "16px", margin: "-11px 0 0 -11px",
        border: "3px solid #111", borderRadius: "50%", boxShadow: "0 0 0 2px white, inset 0 0 0 2px white",
        pointerEvents: "none", zIndex: 5 });
      if (getComputedStyle(plot).position === "static") plot.style.position = "relative";
      plot.appendChild(pin);
    }
    const [x0, x1] = ranges.x, [y0, y1] = ranges.y, p = chart.pin;
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
    const z = mapToLatent(link, hit.x, hit.y, links);
    if (!z) return;                          // its link grid has not arrived yet
    if (state.mlps[i]) paintPixels(canvas, mlpDecode(state.mlps[i], z));
    canvas.dataset.z = z.map((v) => v.toFixed(4)).join(",");
    if (hit.chart.links) canvas.nextSibling.textContent = `${state.data.titles[i]} (${fmt(z[0])}, ${fmt(z[1])})`;
    if (data.verdict) showVerdict(canvas, data.verdict, verdictsOf(canvas.dataset.decoder), z);
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
  const mark = (spec.marks || {})[v.dataLike ? "yes" : "no"];
  word.textContent = (mark ? mark + " " : "") + (v.dataLike ? "data-like" : "not data-like");
  word.style.color = v.dataLike ? spec.colours.yes : spec.colours.no;
  const what = el("span");
  what.textContent = `${spec.classes[v.predicted] ?? "?"}, ${Math.round(100 * v.confidence)}% sure`;
  box.append(word, what);
}
