// What the live components of one page share: the decoders, link grids and quality maps that lse_decoder mounts
// receive and the pad and hover card use, and a count of images painted.
//
// It is one global, globalThis.__lseLive, and this module is its only owner (nothing else reads or writes it):
// - lse_decoder and the components that use its decoders are separate Streamlit components. They share a module
//   scope only while Streamlit loads their (identical) JS text as one module, which rests on how Streamlit caches a
//   component's script URL, not on anything it promises; a page global does not depend on it.
// - The browser tests and benchmarks (tests/browser_app.py) read stats.paints from the page to tell whether a
//   pointer move painted; a module's scope cannot be read from there.

/** @typedef {import("./core.js").Mlp} Mlp */
/** @typedef {import("./core.js").LinkGrid} LinkGrid */
/** @typedef {import("./core.js").VerdictGrid} VerdictGrid */
/** @typedef {{decoders: Map<string, Mlp>, waiters: Map<string, {promise: Promise<Mlp>, resolve: (m: Mlp) => void}>,
 *   links: Map<string, LinkGrid>, verdicts: Map<string, VerdictGrid>, stats: {paints: number}}} Registry */

/** @type {Registry} */
const shared = (globalThis.__lseLive ??= { decoders: new Map(), waiters: new Map(), stats: { paints: 0 } });
shared.links ??= new Map();
shared.verdicts ??= new Map();

/** Images painted by any live component on this page (read by the browser tests). */
export const stats = shared.stats;

/** Link grids by name (explorer.ui.widgets.live.grid_link), for mapToLatent. */
export const links = shared.links;

/** Register a decoder under its model's name; whoever waits for it (decoderFor) gets it now. */
export function addDecoder(name, mlp) {
  shared.decoders.set(name, mlp);
  const waiter = shared.waiters.get(name);
  if (waiter) waiter.resolve(mlp);
}

/** The decoder of this model, once its lse_decoder has mounted.
 * @returns {Promise<Mlp>} */
export function decoderFor(name) {
  const ready = shared.decoders.get(name);
  if (ready) return Promise.resolve(ready);
  if (!shared.waiters.has(name)) {
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    shared.waiters.set(name, { promise, resolve });
  }
  return shared.waiters.get(name).promise;
}

/** Register a link grid under its name. */
export function addLink(name, grid) {
  shared.links.set(name, grid);
}

/** Register a model's quality-map verdicts under its name. */
export function addVerdicts(name, grid) {
  shared.verdicts.set(name, grid);
}

/** A model's quality-map verdicts, or undefined until they arrive.
 * @returns {VerdictGrid | undefined} */
export function verdictsOf(name) {
  return shared.verdicts.get(name);
}
