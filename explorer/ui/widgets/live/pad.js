// lse_pad: surfaces (the grid mosaic, the encodings map) drawn as HTML by Python; the pointer's latent point
// decoded here, markers moved here; a release (or Enter) sends {z: [z1, z2]} to Python.

import { fmt, latentToSurface, mlpDecode, surfaceToLatent } from "./core.js";
import { decoderFor } from "./registry.js";
import { el, makeCanvas, paintPixels } from "./dom.js";

/** @typedef {{spec: import("./core.js").SurfaceMap & {left: number, top: number, w: number, h: number},
 *   holder: HTMLElement, marker: HTMLElement, area: HTMLElement}} PadSurface */
/** One pad's state, kept between its mounts (a rerun mounts it again with new data).
 * @typedef {{root?: HTMLElement, canvas?: HTMLCanvasElement, caption?: HTMLElement, surfaces?: PadSurface[],
 *   signature?: string, dragging?: boolean, shown?: number[], pinned?: number[], mlp?: import("./core.js").Mlp,
 *   show?: (z: number[]) => void, keyTimer?: number}} PadState */

/** @param {PadState} state */
export function mountPad(state, component) {
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
