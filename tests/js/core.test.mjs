// The browser's pure functions (explorer/ui/widgets/live/core.js) against Python's answers on fixed inputs
// (fixtures/lookups.json, from tests/js/make_fixtures.py) and on their edge cases.

import { test } from "node:test";
import assert from "node:assert/strict";

import {
  f16Table, fmt, gridLookup, interp, latentToSurface, linkGrid, mapToLatent, mlpDecode, mlpFromTensors, nearestStop,
  parseSafetensors, signed, sliderValue, surfaceToLatent, verdictAt, verdictGrid,
} from "../../explorer/ui/widgets/live/core.js";
import { bytesOf, fixture, near, number } from "./helpers.mjs";

const cases = fixture("lookups.json");

/** Safetensors bytes built here: a header and little-endian tensors, for payloads Python would not write. */
function safetensors(header, body = new Uint8Array(0)) {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + body.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(body, 8 + json.length);
  return bytes;
}

test("f16Table: every special half-precision pattern decodes to its value", () => {
  const t = f16Table();
  assert.equal(t.length, 65536);
  const expected = { 0x0000: 0, 0x0001: 2 ** -24, 0x03ff: 1023 * 2 ** -24, 0x0400: 2 ** -14, 0x3c00: 1,
    0x3555: 0.333251953125, 0x4000: 2, 0xc000: -2, 0x7bff: 65504, 0xfbff: -65504, 0x7c00: Infinity, 0xfc00: -Infinity };
  for (const [bits, value] of Object.entries(expected)) {
    assert.equal(t[Number(bits)], value, `0x${Number(bits).toString(16)}`);
  }
  assert.ok(Object.is(t[0x8000], -0), "0x8000 is -0");
  assert.ok(Number.isNaN(t[0x7e00]) && Number.isNaN(t[0x7c01]) && Number.isNaN(t[0xfe00]), "NaNs");
  assert.equal(f16Table(), t, "built once");
});

test("parseSafetensors reads Python's float16 and float32 tensors and the metadata", () => {
  const c = cases.tensors;
  const { tensors, metadata } = parseSafetensors(bytesOf(c.payload));
  assert.deepEqual(metadata, c.metadata);
  assert.deepEqual(Object.keys(tensors).sort(), ["f", "h"]);
  assert.deepEqual(tensors.h.shape, [c.bits.length]);
  assert.deepEqual(tensors.f.shape, c.f_shape);
  assert.ok(tensors.h.data instanceof Float32Array && tensors.f.data instanceof Float32Array);
  c.h.forEach((v, i) => assert.ok(Object.is(tensors.h.data[i], number(v)), `h[${i}] = ${tensors.h.data[i]}, not ${v}`));
  c.f.forEach((v, i) => assert.ok(Object.is(tensors.f.data[i], number(v)), `f[${i}] = ${tensors.f.data[i]}, not ${v}`));
});

test("parseSafetensors: no metadata is an empty object; a bad length or a dtype other than F16 / F32 throws", () => {
  const one = new Uint8Array(new Float32Array([1.5]).buffer);
  const f32 = { a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } };
  const { tensors, metadata } = parseSafetensors(safetensors(f32, one));
  assert.deepEqual(metadata, {});
  assert.deepEqual(Array.from(tensors.a.data), [1.5]);
  assert.throws(() => parseSafetensors(safetensors({ a: { dtype: "I32", shape: [1], data_offsets: [0, 4] } }, one)),
    /tensor a: expected F16 or F32, got I32/);
  const tooLong = safetensors({});
  new DataView(tooLong.buffer).setBigUint64(0, BigInt(tooLong.length), true);
  assert.throws(() => parseSafetensors(tooLong), /not a safetensors payload/);
  assert.throws(() => parseSafetensors(new Uint8Array(8)), /not a safetensors payload/);
});

test("mlpFromTensors + mlpDecode: Linear, ReLU between layers, sigmoid after the last, weights [out, in]", () => {
  const t = (shape, values) => ({ shape, data: Float32Array.from(values) });
  // layer 0: 2 -> 3, layer 1: 3 -> 2
  const mlp = mlpFromTensors({ w0: t([3, 2], [1, 0, 0, 1, 1, -1]), b0: t([3], [0, -1, 0.5]),
    w1: t([2, 3], [1, 1, 1, 2, 0, -1]), b1: t([2], [0, -0.25]) });
  assert.equal(mlp.latentDim, 2);
  assert.deepEqual(mlp.layers.map((l) => [l.nIn, l.nOut]), [[2, 3], [3, 2]]);
  const sigmoid = (s) => 1 / (1 + Math.exp(-s));
  const reference = ([a, b]) => {
    const h = [a, b - 1, a - b + 0.5].map((v) => Math.max(0, v));
    return [sigmoid(h[0] + h[1] + h[2]), sigmoid(2 * h[0] - h[2] - 0.25)];
  };
  for (const z of [[0, 0], [2, 3], [-1, 0.25], [0.5, -4]]) near(mlpDecode(mlp, z), reference(z), 1e-12, `z = ${z}`);
});

test("interp is numpy.interp: clamped at both ends, linear between uneven nodes", () => {
  const { xs, ys, points, values } = cases.interp;
  points.forEach((x, i) => near(interp(x, xs, ys), values[i], 1e-12, `interp(${x})`));
  assert.equal(interp(-Infinity, xs, ys), ys[0]);
  assert.equal(interp(Infinity, xs, ys), ys[ys.length - 1]);
  assert.equal(interp(5, [5], [7]), 7, "one node");
});

test("gridLookup is teaching.linked on Python's link payload: nodes, between, edges, clamped outside", () => {
  const c = cases.link;
  const grid = linkGrid(parseSafetensors(bytesOf(c.payload)).tensors);
  assert.equal(grid.zx.length, grid.x.length * grid.y.length);
  // Python rounds its answer to float32 (values of a few units: at most ~2.4e-7 off); the inputs are the same floats.
  c.points.forEach(([x, y], i) => near(gridLookup(grid, x, y), c.linked[i], 1e-6, `(${x}, ${y})`));
});

test("gridLookup: a node is its own value; outside the grid is the nearest edge's value", () => {
  const grid = { x: [0, 1, 2], y: [10, 20], zx: [0, 1, 2, 3, 4, 5], zy: [5, 4, 3, 2, 1, 0] };
  assert.deepEqual(gridLookup(grid, 1, 20), [4, 1]);
  assert.deepEqual(gridLookup(grid, 2, 20), [5, 0], "the last node (the last cell at its far end)");
  assert.deepEqual(gridLookup(grid, 0.5, 15), [2, 3]);
  assert.deepEqual(gridLookup(grid, -5, 100), gridLookup(grid, 0, 20));
  assert.deepEqual(gridLookup(grid, 9, 0), gridLookup(grid, 2, 10));
});

test("verdictAt is quality.value_at on Python's verdict payload: nearest node, first of equals, null outside", () => {
  const c = cases.verdict;
  const grid = verdictGrid(parseSafetensors(bytesOf(c.payload)).tensors);
  assert.ok(c.verdicts.some((v) => v === null) && c.verdicts.some((v) => v && v.dataLike) &&
    c.verdicts.some((v) => v && !v.dataLike), "the fixture has every kind of answer");
  c.points.forEach((z, i) => assert.deepEqual(verdictAt(grid, z), c.verdicts[i], `at (${z})`));
});

test("mapToLatent: raw as it is, PCA as mean + x PC1 + y PC2, a link grid through gridLookup or null before it", () => {
  assert.deepEqual(mapToLatent({ kind: "raw" }, 1.5, -2), [1.5, -2]);
  const pca = { kind: "pca", mean: [1, 2, 3], components: [[1, 0, 0.5], [0, -1, 2]] };
  assert.deepEqual(mapToLatent(pca, 2, 3), [3, -1, 10]);
  assert.deepEqual(mapToLatent(pca, 0, 0), [1, 2, 3]);
  const grid = { x: [0, 1], y: [0, 1], zx: [0, 10, 20, 30], zy: [1, 1, 1, 1] };
  const links = new Map([["ae-to-vae", grid]]);
  assert.deepEqual(mapToLatent({ kind: "grid", ref: "ae-to-vae" }, 0.25, 0.75, links), gridLookup(grid, 0.25, 0.75));
  assert.deepEqual(mapToLatent({ kind: "grid", ref: "ae-to-vae" }, 0.25, 0.75, links), [17.5, 1]);
  assert.equal(mapToLatent({ kind: "grid", ref: "not-yet" }, 0.5, 0.5, links), null);
});

test("surfaceToLatent / latentToSurface on the grid's node surface: node centres are nodes, clamped outside", () => {
  const { nodes, centers, xs, ys } = cases.surface;
  // a node's centre is its latent value: columns left to right are xs, rows top to bottom are ys from the top
  centers.forEach((fx, i) => centers.forEach((fy, j) => {
    const z = [xs[i], ys[ys.length - 1 - j]];
    near(surfaceToLatent(nodes, fx, fy), z, 1e-12, `centre (${i}, ${j})`);
    near(latentToSurface(nodes, z), [fx, fy], 1e-12, `node (${z})`);
  }));
  for (const [fx, fy] of [[0.2, 0.6], [0.55, 0.15], [0.8, 0.85]]) {
    near(latentToSurface(nodes, surfaceToLatent(nodes, fx, fy)), [fx, fy], 1e-12, `round trip at (${fx}, ${fy})`);
  }
  // past the edge nodes: the edge nodes' values, and back to their centres
  assert.deepEqual(surfaceToLatent(nodes, 0, 1), [xs[0], ys[0]]);
  assert.deepEqual(surfaceToLatent(nodes, 1, 0), [xs[xs.length - 1], ys[ys.length - 1]]);
  assert.deepEqual(latentToSurface(nodes, [-99, 99]), [centers[0], centers[0]]);
});

test("surfaceToLatent / latentToSurface on a box: corners, linear, off the box outside [0, 1]", () => {
  const { box } = cases.surface;       // lo (-3, -2), hi (3, 2.5)
  assert.deepEqual(surfaceToLatent(box, 0, 0), [-3, 2.5], "top left is (lo x, hi y)");
  assert.deepEqual(surfaceToLatent(box, 1, 1), [3, -2]);
  assert.deepEqual(surfaceToLatent(box, 0.5, 0.5), [0, 0.25]);
  assert.deepEqual(latentToSurface(box, [0, 0.25]), [0.5, 0.5]);
  assert.deepEqual(latentToSurface(box, [6, -6.5]), [1.5, 2], "not clamped: the pad hides the marker");
  for (const [fx, fy] of [[0.1, 0.9], [0.33, 0.66]]) {
    near(latentToSurface(box, surfaceToLatent(box, fx, fy)), [fx, fy], 1e-12, `round trip at (${fx}, ${fy})`);
  }
});

test("sliderValue: clamps the fraction to the track, snaps to the step grid", () => {
  assert.equal(sliderValue(0, -2, 2, 0.05), -2);
  assert.equal(sliderValue(1, -2, 2, 0.05), 2);
  assert.equal(sliderValue(-0.3, -2, 2, 0.05), -2, "left of the track");
  assert.equal(sliderValue(7, -2, 2, 0.05), 2, "right of the track");
  assert.equal(sliderValue(0.5, -2, 2, 0.05), 0);
  near(sliderValue(0.5124, -2, 2, 0.05), 0.05, 1e-12, "0.0496 snaps up to 0.05");
  near(sliderValue(0.506, -2, 2, 0.05), 0.0, 1e-12, "0.024 snaps down to 0");
  near(sliderValue(0.3, -2, 2, 0.25), -0.75, 1e-12, "-0.8 snaps to -0.75");
  assert.equal(sliderValue(0.5, 0, 10, 3), 6, "the grid is multiples of the step (5 -> 6)");
});

test("nearestStop: the nearest of count evenly spaced stops, clamped; one stop is always 0", () => {
  assert.equal(nearestStop(0, 5), 0);
  assert.equal(nearestStop(1, 5), 4);
  assert.equal(nearestStop(-1, 5), 0);
  assert.equal(nearestStop(2, 5), 4);
  assert.equal(nearestStop(0.374, 5), 1, "1.496 -> 1");
  assert.equal(nearestStop(0.375, 5), 2, "1.5 -> 2 (halves go up)");
  assert.equal(nearestStop(0.62, 5), 2);
  assert.equal(nearestStop(0.9, 2), 1);
  assert.equal(nearestStop(0.7, 1), 0);
});

test("fmt: sign always, a true minus, two decimals", () => {
  assert.equal(fmt(0), "+0.00");
  assert.equal(fmt(1.234), "+1.23");
  assert.equal(fmt(-0.5), "−0.50");
  assert.equal(fmt(-12.345), "−12.35");
});

test("signed: the captions' numbers, as explorer.ui.kit.text.signed writes them", () => {
  assert.equal(signed(-2), "−2");
  assert.equal(signed(2), "2");
  assert.equal(signed(-0.5), "−0.5");
});
