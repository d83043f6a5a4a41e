// lse_decoder: bytes from Python registered for the other live components of the page (no DOM of its own).
// Three kinds, told apart by the payload's metadata: an AE/VAE decoder (explorer.live.decoder_payload), a grid of
// linked positions ("link": explorer.live.link_payload) and a quality map's verdicts ("verdict":
// explorer.live.verdict_payload).

import { linkGrid, mlpFromTensors, parseSafetensors, verdictGrid } from "./core.js";
import { addDecoder, addLink, addVerdicts } from "./registry.js";

export function mountDecoder({ data }) {
  const { tensors, metadata } = parseSafetensors(data);
  if (metadata.kind === "link") addLink(metadata.name, linkGrid(tensors));
  else if (metadata.kind === "verdict") addVerdicts(metadata.name, verdictGrid(tensors));
  else addDecoder(metadata.name, mlpFromTensors(tensors));
}
