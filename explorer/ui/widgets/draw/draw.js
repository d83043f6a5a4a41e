// The drawing pad of the Your own page. `SignaturePad` (signature_pad, vendored in vendor/) is put in front of this
// module by __init__.py; it draws the strokes. This module adds pen width, undo and clear, and on pointer up sends
// Python the ink at once: the pad scaled down to data.side x data.side, each pixel's ink coverage (the canvas's
// alpha: the pen colour follows the theme) as base64 of uint8, row by row.
// A drawing that came with the page's link arrives as data.base {rev, data: base64 of the same levels}: it is
// painted on a canvas of its own over the pad (the same pen colour, so the order of the layers does not show), and
// the ink sent is the base with the strokes over it. Undo takes back strokes only; Clear clears the base too. A
// base is painted once per rev, so reruns and data changes never touch the strokes.

// ---- pure functions ------------------------------------------------------------------------------------------

// The alpha channel of RGBA pixels: how much ink covers each pixel, whatever colour it was drawn in.
export function inkLevels(rgba) {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[4 * i + 3];
  return out;
}

// Ink `top` laid over ink `bottom` (alpha compositing, "source-over"): where `top` is 0 the result is `bottom`.
export function overlay(bottom, top) {
  const out = new Uint8Array(bottom.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(bottom[i] + top[i] - (bottom[i] * top[i]) / 255);
  return out;
}

export function fromBase64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// signature_pad's widths are radii that shrink with speed: a pen of `width` px keeps 3/4 of it when fast.
export function penRadii(width) {
  return { maxWidth: width / 2, minWidth: (0.75 * width) / 2 };
}

// ---- the pad -------------------------------------------------------------------------------------------------

function el(tag, className, attrs = {}) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function build(state, data, parentElement, setStateValue) {
  const root = el("div", "draw");
  const canvas = el("canvas", "draw-canvas", { role: "img", "aria-label": data.label });
  const ratio = Math.max(window.devicePixelRatio || 1, 1);
  canvas.width = canvas.height = Math.round(data.size * ratio);
  canvas.style.width = canvas.style.height = `${data.size}px`;
  canvas.getContext("2d").scale(ratio, ratio);
  const tools = el("div", "draw-tools");
  const width = el("input", "draw-width", { type: "range", min: data.pen.min, max: data.pen.max, step: 1,
    "aria-label": "Pen width" });
  width.value = data.pen.value;
  const widthLabel = el("label", "draw-label");
  const widthValue = el("span", "draw-value");
  widthLabel.title = "Pen width, pixels";
  widthLabel.append("Pen", width, widthValue);
  const undo = el("button", "draw-button", { type: "button", "aria-label": "Undo the last stroke" });
  undo.textContent = "↶ Undo";
  undo.title = "Undo the last stroke";
  const clear = el("button", "draw-button", { type: "button", "aria-label": "Clear the drawing" });
  clear.textContent = "✕ Clear";
  clear.title = "Clear the drawing";
  tools.append(widthLabel, undo, clear);
  const surface = el("div", "draw-surface");
  const baseCanvas = el("canvas", "draw-base", { "aria-hidden": "true" });
  baseCanvas.width = baseCanvas.height = data.side;
  surface.append(canvas, baseCanvas);
  root.append(surface, tools);
  parentElement.appendChild(root);

  const pad = new SignaturePad(canvas, { ...penRadii(+width.value), throttle: 0, minDistance: 2 });
  const small = el("canvas");
  small.width = small.height = data.side;

  const showWidth = () => {
    Object.assign(pad, penRadii(+width.value));
    widthValue.textContent = width.value;
    width.setAttribute("aria-valuetext", `${width.value} pixels`);
  };
  const refresh = () => {
    undo.disabled = pad.isEmpty();
    clear.disabled = pad.isEmpty() && !state.base;
    root.dataset.strokes = pad.toData().length;
    root.dataset.base = state.base ? "1" : "0";
  };
  const paintBase = () => {          // the base's levels as the alpha of the pen colour
    const ctx = baseCanvas.getContext("2d");
    ctx.clearRect(0, 0, data.side, data.side);
    state.baseColor = getComputedStyle(root).color;
    if (!state.base) return;
    ctx.fillStyle = state.baseColor;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    const image = ctx.createImageData(data.side, data.side);
    for (let i = 0; i < state.base.length; i++) image.data.set([r, g, b, state.base[i]], 4 * i);
    ctx.putImageData(image, 0, 0);
  };
  const send = () => {
    refresh();
    if (pad.isEmpty() && !state.base) return setStateValue("ink", null);
    const ctx = small.getContext("2d", { willReadFrequently: true });
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.clearRect(0, 0, data.side, data.side);
    ctx.drawImage(canvas, 0, 0, data.side, data.side);
    let levels = inkLevels(ctx.getImageData(0, 0, data.side, data.side).data);
    if (state.base) levels = overlay(state.base, levels);
    setStateValue("ink", { w: data.side, h: data.side, data: toBase64(levels) });
    root.dataset.sent = String(performance.now());
  };
  pad.addEventListener("beginStroke", () => { pad.penColor = getComputedStyle(root).color; });
  pad.addEventListener("endStroke", send);
  width.addEventListener("input", showWidth);
  undo.addEventListener("click", () => {
    const strokes = pad.toData();
    strokes.pop();
    pad.fromData(strokes);
    send();
  });
  clear.addEventListener("click", () => {
    pad.clear();
    state.base = null;
    paintBase();
    send();
  });
  // a new base from Python (data.base.rev changed) is painted, the strokes kept; a theme's new colour repaints it
  state.update = (next) => {
    if (next.base && next.base.rev !== state.baseRev) {
      const levels = fromBase64(next.base.data);
      state.baseRev = next.base.rev;
      state.base = levels.length === data.side * data.side ? levels : null;
      paintBase();
    } else if (state.base && getComputedStyle(root).color !== state.baseColor) {
      paintBase();
    }
    refresh();
  };
  showWidth();
  Object.assign(state, { root, pad });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const state = (parentElement.__lseDraw ??= {});
  if (!state.root) build(state, data, parentElement, setStateValue);
  state.update(data);
  return () => {};
}
