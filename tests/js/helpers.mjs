// Shared by the node tests: the fixtures (written by `python -m tests.js.make_fixtures`) and a little arithmetic.

import { readFileSync } from "node:fs";
import assert from "node:assert/strict";

export const FIXTURES = new URL("./fixtures/", import.meta.url);
export const LIVE = new URL("../../explorer/ui/widgets/live/", import.meta.url);

/** A fixture file as JSON. */
export const fixture = (name) => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8"));

/** A fixture file's bytes. */
export const fixtureBytes = (name) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

/** Base64 -> bytes, placed at an odd offset inside a larger buffer (as a view into a bigger message would be). */
export function bytesOf(base64) {
  const raw = Buffer.from(base64, "base64");
  const buffer = new Uint8Array(raw.length + 7);
  buffer.set(raw, 3);
  return buffer.subarray(3, 3 + raw.length);
}

/** "inf", "-inf", "nan" (how the fixtures write what JSON cannot) -> numbers. */
export const number = (v) => (typeof v === "string" ? { inf: Infinity, "-inf": -Infinity, nan: NaN }[v] : v);

/** The largest absolute difference between two equally long sequences of numbers. */
export function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length, "equal lengths");
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Assert |actual - expected| <= tolerance, elementwise for arrays. */
export function near(actual, expected, tolerance, message) {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  const d = maxAbsDiff(a, e);
  assert.ok(d <= tolerance, `${message ?? "values"}: ${JSON.stringify(a)} vs ${JSON.stringify(e)} (off by ${d})`);
}
