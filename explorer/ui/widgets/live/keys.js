// lse_keys: ← / → anywhere on the page (not while typing or on a slider) send a step of -1 / +1 to Python.

/** One key listener's state, kept between its mounts.
 * @typedef {{trigger?: (name: string, value: number) => void,
 *   onKey?: ((e: KeyboardEvent) => void) | null}} KeysState */

/** @param {KeysState} state */
export function mountKeys(state, component) {
  state.trigger = component.setTriggerValue;
  const cleanup = () => { document.removeEventListener("keydown", state.onKey); state.onKey = null; };
  if (state.onKey) return cleanup;
  state.onKey = (e) => {
    const step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    const t = e.composedPath()[0];
    const busy = t instanceof Element && (t.closest("input, textarea, select, [contenteditable=true]") ||
      ["slider", "combobox", "listbox", "option", "spinbutton", "textbox"].includes(t.getAttribute("role")));
    if (!step || busy || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    state.trigger("step", step);
  };
  document.addEventListener("keydown", state.onKey);
  return cleanup;
}
