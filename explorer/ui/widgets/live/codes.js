// lse_codes: InfoGAN's live code sliders. The server sends, for each code, its frames along the slider at the other
// code's current value (one PNG sprite each); moving a thumb swaps frames. A release sends {c2, c3} to Python.

import { fmt, signed, sliderValue } from "./core.js";
import { stats } from "./registry.js";
import { keyedAncestor } from "./adapter.js";
import { el, makeCanvas, sliderParts } from "./dom.js";

/** @typedef {ReturnType<typeof sliderParts>} SliderParts */
/** One pair of code sliders' state, kept between its mounts.
 * @typedef {{root?: HTMLElement, canvas?: HTMLCanvasElement, caption?: HTMLElement, note?: HTMLElement,
 *   sliders?: {c2: SliderParts, c3: SliderParts}, sprites?: Object<string, {img: HTMLImageElement, other: number}>,
 *   values?: {c2?: number, c3?: number}, data?: object, commit?: () => void, dragging?: string | null,
 *   active?: string, held?: boolean, holdTimer?: number, keyTimer?: number, switchSrc?: string,
 *   switchImg?: HTMLImageElement, onSwitch?: ((e: MouseEvent) => void) | null}} CodesState */

/** @param {CodesState} state */
export function mountCodes(state, component) {
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
    showRange(s, data.range);
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
  const group = keyedAncestor(button, sw.c1_key);
  if (group) {
    const buttons = [...group.querySelectorAll("button")];
    if (buttons.length !== sw.categories.length) return;
    index = buttons.indexOf(button);
    if (sw.categories[index] === state.data.c1) return;      // no change: the server sends nothing new
  } else if (sw.seed_key && keyedAncestor(button, sw.seed_key)) {
    index = sw.categories.length;
  }
  if (index < 0) return;
  const ctx = state.canvas.getContext("2d");
  ctx.drawImage(img, index * 28, 0, 28, 28, 0, 0, 28, 28);
  stats.paints++;
  state.canvas.dataset.frame = `switch:${index}`;
  const caption = index < sw.categories.length ? sw.captions[index] : sw.seed_caption;
  state.caption.textContent = `${caption} · c2 ${fmt(state.data.c2)} · c3 ${fmt(state.data.c3)}`;
  state.held = true;
  clearTimeout(state.holdTimer);
  state.holdTimer = setTimeout(() => (state.held = false), 3000);
}

// The slider's ends and the band of the range the model was trained on (the model's range, sent as data).
function showRange(slider, { lo, hi, trained, trained_text }) {
  const legend = slider.wrap.querySelector(".lse-legend"), band = slider.wrap.querySelector(".lse-band");
  legend.innerHTML = `<span>${signed(lo)}</span><span>trained range ${trained_text}</span><span>${signed(hi)}</span>`;
  band.style.left = `${((trained[0] - lo) / (hi - lo)) * 100}%`;
  band.style.width = `${((trained[1] - trained[0]) / (hi - lo)) * 100}%`;
}

// One code's slider: drag, click or arrow keys move the thumb (and the image); a release, or a pause after keys,
// sends both codes to Python.
function makeSlider(state, code, parent) {
  const { wrap, label, track, fill, thumb, value } = sliderParts();
  const band = el("div", "lse-band");
  thumb.dataset.code = code;
  track.append(band, fill, thumb);
  const legend = el("div", "lse-legend");
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

// A code's value (snapped to the slider's steps) on its thumb, its fill and the range note, and its frame drawn.
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
  const text = state.data.range.trained_text;
  const outside = [state.values.c2 ?? 0, state.values.c3 ?? 0].some((x) => x < trained[0] || x > trained[1]);
  state.note.textContent = outside ? `⚠️ Outside the trained range ${text}: the generator extrapolates.`
    : `Inside the trained range ${text}.`;
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
  stats.paints++;
  const { c2, c3 } = state.values;
  state.canvas.dataset.codes = `${c2},${c3}`;
  state.canvas.dataset.frame = `${code}:${index}`;
  state.caption.textContent = `${state.data.caption} · c2 ${fmt(c2)} · c3 ${fmt(c3)}`;
}
