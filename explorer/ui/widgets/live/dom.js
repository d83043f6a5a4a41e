// DOM helpers every live component uses: elements, the 28 x 28 image canvas and the live slider's parts.

import { stats } from "./registry.js";

/** A new element with an optional class. */
export function el(tag, className) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

/** A 28 x 28 canvas shown at `size` CSS pixels (pixelated), labelled for screen readers. */
export function makeCanvas(size, label) {
  const c = document.createElement("canvas");
  c.width = c.height = 28;
  c.className = "lse-image";
  c.style.width = c.style.height = `${size}px`;
  c.setAttribute("role", "img");
  c.setAttribute("aria-label", label);
  return c;
}

/** 784 intensities in [0, 1] (clipped) onto a 28 x 28 canvas as grey levels. */
export function paintPixels(canvas, pixels) {
  const ctx = canvas.getContext("2d"), img = ctx.createImageData(28, 28), d = img.data;
  for (let i = 0; i < 784; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
    d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = v;
    d[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  stats.paints++;
}

/** The parts every live slider has: a label, a track with a fill and a focusable ARIA thumb showing its value. */
export function sliderParts() {
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
