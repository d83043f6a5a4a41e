// The browser modules beside the pure functions, with the little of the DOM they touch stood in for: every file
// links as an ES module; the registry (the page-wide global it owns, decoders that arrive before or after they
// are asked for); lse_decoder's three payloads; the adapter's reading of Streamlit's and Plotly's markup; painting;
// and live.js keeping one state per host element (through lse_keys).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";

import { parseSafetensors } from "../../explorer/ui/widgets/live/core.js";
import { addDecoder, decoderFor, links, stats, verdictsOf } from "../../explorer/ui/widgets/live/registry.js";
import {
  axisRanges, canListen, hoveredPoint, keyedAncestor, plotAround, plotArea, plotOf,
} from "../../explorer/ui/widgets/live/adapter.js";
import { paintPixels } from "../../explorer/ui/widgets/live/dom.js";
import live from "../../explorer/ui/widgets/live/live.js";
import { LIVE, bytesOf, fixture, fixtureBytes } from "./helpers.mjs";

const cases = fixture("lookups.json");

/** A stand-in for DOM elements: `closest` and `querySelector` answer from a table of selectors. */
globalThis.Element ??= class Element {
  constructor(answers = {}) { this.answers = answers; }
  closest(selector) { return this.answers[selector] ?? null; }
  querySelector(selector) { return this.answers[selector] ?? null; }
};

test("every browser module loads as an ES module, and live.js's default export is the components' mount", async () => {
  const files = readdirSync(LIVE).filter((f) => f.endsWith(".js"));
  assert.ok(files.length >= 10, `the modules: ${files}`);
  for (const file of files) await import(new URL(file, LIVE));
  assert.equal(typeof live, "function");
});

test("registry: one page-wide global it owns; a decoder reaches whoever asked before or after it arrived", async () => {
  assert.equal(globalThis.__lseLive.stats, stats);
  assert.equal(globalThis.__lseLive.links, links);
  const early = decoderFor("test-early");
  const mlp = { layers: [], latentDim: 2 };
  addDecoder("test-early", mlp);
  assert.equal(await early, mlp);
  assert.equal(await decoderFor("test-early"), mlp);
  let settled = false;
  decoderFor("test-never").then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(settled, false, "no decoder: the promise waits");
});

test("lse_decoder registers a decoder, a link grid and a quality map by their payloads' names", async () => {
  const c = cases;
  live({ name: "lse_decoder", data: bytesOf(c.link.payload) });
  const x = parseSafetensors(bytesOf(c.link.payload)).tensors.x.data;
  assert.deepEqual(Array.from(links.get(c.link.name).x), Array.from(x));
  live({ name: "lse_decoder", data: bytesOf(c.verdict.payload) });
  assert.equal(verdictsOf(c.verdict.name).dataLike.length, 20);
  const waiting = decoderFor("mnist-vae-2d");
  live({ name: "lse_decoder", data: fixtureBytes("mnist-vae-2d.safetensors") });
  assert.equal((await waiting).layers.length, 3);
});

test("adapter: Streamlit's st-key-<key> elements and Plotly's chart, plot area, ranges and hovered point", () => {
  const plot = { _fullLayout: { xaxis: { range: [-1, 2] }, yaxis: { range: [3, 5] } }, querySelector: (s) => s };
  assert.deepEqual(axisRanges(plot), { x: [-1, 2], y: [3, 5] });
  assert.equal(axisRanges({}), null, "not laid out yet");
  assert.equal(plotArea(plot), ".nsewdrag");
  assert.equal(canListen({}), false);
  assert.equal(canListen({ on() {} }), true);

  assert.deepEqual(hoveredPoint({ _hoverdata: [{ curveNumber: 2, pointNumber: 7, x: 0.5, y: -1 }] }),
    { curve: 2, index: 7, x: 0.5, y: -1 });
  assert.deepEqual(hoveredPoint({ _hoverdata: [{ curveNumber: 2, pointNumber: 7, pointIndex: 3, x: 0.5, y: -1 }] }),
    { curve: 2, index: 7, x: 0.5, y: -1 }, "pointNumber first");
  assert.deepEqual(hoveredPoint({ _hoverdata: [{ curveNumber: 1, pointIndex: 4, x: 1, y: 2 }] }),
    { curve: 1, index: 4, x: 1, y: 2 }, "pointIndex when there is no pointNumber");
  assert.deepEqual(hoveredPoint({ _hoverdata: [{ curveNumber: 0, x: 1, y: 2 }] }), { curve: 0, index: 0, x: 1, y: 2 });
  assert.equal(hoveredPoint({ _hoverdata: [{ curveNumber: 0, x: "a", y: 2 }] }), null, "categorical x");
  assert.equal(hoveredPoint({ _hoverdata: [] }), null);
  assert.equal(hoveredPoint({}), null);

  const chart = new Element({ ".js-plotly-plot": "the chart" });
  const target = new Element({ ".st-key-map_chart": chart });
  assert.equal(keyedAncestor(target, "map_chart"), chart);
  assert.equal(plotAround(target, "map_chart"), "the chart");
  assert.equal(plotAround(target, "other_chart"), null);
  assert.equal(plotAround({ closest: () => chart }, "map_chart"), null, "not an element (e.g. the document)");
  const saved = globalThis.document;
  globalThis.document = { querySelector: (s) => s };
  try {
    assert.equal(plotOf("gaps_map_ae"), ".st-key-gaps_map_ae .js-plotly-plot");
  } finally {
    globalThis.document = saved;
  }
});

test("paintPixels: intensities clipped to [0, 1] as opaque grey levels, and counted", () => {
  let painted = null;
  const canvas = { getContext: () => ({ createImageData: (w, h) => ({ data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: (img) => (painted = img.data) }) };
  const pixels = new Float64Array(784).fill(0.5);
  pixels[0] = -3;
  pixels[1] = 7;
  pixels[783] = 0.2;
  const before = stats.paints;
  paintPixels(canvas, pixels);
  assert.equal(stats.paints, before + 1);
  assert.deepEqual(Array.from(painted.subarray(0, 12)), [0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255]);
  assert.deepEqual(Array.from(painted.subarray(4 * 783)), [51, 51, 51, 255]);
});

test("live.js keeps one state per host: lse_keys listens once per host and sends ±1 through the latest mount", () => {
  const listeners = new Set();
  const saved = globalThis.document;
  globalThis.document = { addEventListener: (type, f) => listeners.add(f),
    removeEventListener: (type, f) => listeners.delete(f) };
  try {
    const sent = [], host = {}, other = {};
    const key = (k, target = {}, extra = {}) => {
      let prevented = false;
      const e = { key: k, composedPath: () => [target], preventDefault: () => (prevented = true), altKey: false,
        ctrlKey: false, metaKey: false, shiftKey: false, ...extra };
      for (const f of listeners) f(e);
      return prevented;
    };
    live({ name: "lse_keys", parentElement: host, setTriggerValue: (n, v) => sent.push(["first", n, v]) });
    const cleanup = live({ name: "lse_keys", parentElement: host,
      setTriggerValue: (n, v) => sent.push(["rerun", n, v]) });
    assert.equal(listeners.size, 1, "a rerun's mount keeps the host's listener");
    assert.equal(key("ArrowRight"), true);
    assert.equal(key("ArrowLeft"), true);
    assert.deepEqual(sent, [["rerun", "step", 1], ["rerun", "step", -1]]);

    assert.equal(key("ArrowUp"), false);
    assert.equal(key("ArrowRight", {}, { shiftKey: true }), false, "a modifier");
    assert.equal(key("ArrowRight", new Element({ "input, textarea, select, [contenteditable=true]": {} })), false,
      "typing in a field");
    const slider = new Element();
    slider.getAttribute = () => "slider";
    assert.equal(key("ArrowRight", slider), false, "on a slider");
    assert.equal(sent.length, 2);

    live({ name: "lse_keys", parentElement: other, setTriggerValue: () => {} });
    assert.equal(listeners.size, 2, "another host, another state");
    cleanup();
    assert.equal(listeners.size, 1, "the cleanup removes its host's listener");
  } finally {
    globalThis.document = saved;
  }
});
