// Live widgets of the Latent Space Explorer: decode in the browser while the pointer moves, tell Python on release.
// This is the module Streamlit runs for each of the seven live components; it calls the component's mount by name:
//   lse_decoder  an AE/VAE decoder's weights, a link grid or a quality map, registered for the others (decoder.js)
//   lse_pad      the 2-D latent grid / map: drag or hover to decode, release to pin (pad.js)
//   lse_hover    a card beside the pointer over Plotly charts (Gaps, Latent map): decodes under the pointer (hover.js)
//   lse_codes    InfoGAN c2 / c3 sliders that swap server-rendered frames while the thumb moves (codes.js)
//   lse_flipbook one slider over a few stops, each with server-rendered images, a curve marker and numbers
//                (flipbook.js)
//   lse_keys     ← / → on the page as steps (keys.js)
//   lse_posterior the VAE's diagram: ε and the σ-scale move z, the posterior's samples and their decodes
//                (posterior.js)
// Pure functions are in core.js, the shared registry in registry.js, Streamlit's and Plotly's markup in adapter.js.
// explorer/ui/widgets/live/__init__.py joins these files into the one ES module each component is given.

import { mountDecoder } from "./decoder.js";
import { mountPad } from "./pad.js";
import { mountHover } from "./hover.js";
import { mountCodes } from "./codes.js";
import { mountFlipbook } from "./flipbook.js";
import { mountKeys } from "./keys.js";
import { mountPosterior } from "./posterior.js";

const MOUNTS = { lse_pad: mountPad, lse_hover: mountHover, lse_codes: mountCodes, lse_flipbook: mountFlipbook,
  lse_keys: mountKeys, lse_posterior: mountPosterior };

/** Each mounted component's state, by its host element: a rerun mounts the same component again in the same host,
 * with new data, and it carries on from its state (see each mount's typedef).
 * @type {WeakMap<HTMLElement, object>} */
const states = new WeakMap();

export default function (component) {
  if (component.name === "lse_decoder") return mountDecoder(component);
  const mount = MOUNTS[component.name];
  const host = component.parentElement;
  if (!states.has(host)) states.set(host, {});
  return mount(states.get(host), component);
}
