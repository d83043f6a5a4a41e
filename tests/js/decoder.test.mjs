// The shipped 2-D VAE's decoder, as the browser gets it (explorer.live.decoder_payload), decoded here and in Python
// at the same z (fixtures/decoder.json, from tests/js/make_fixtures.py).
//
// Tolerances:
// - against the model's own float32 decode (explorer.latent.decode): 1e-3. The payload's weights are float16
//   (a relative rounding of up to 2^-11 each); over these z the largest difference is 9.4e-4, a quarter of one grey
//   level (1/255).
// - against explorer.live.decode_like_browser (the same float16 weights, float64 arithmetic, in numpy): 1e-9. Only
//   the order of summation and exp differ (~1e-15), and the fixture holds 12 decimals; an error in reading float16
//   (e.g. a subnormal) or in the layers shows here even when it is below the float16 rounding.

import { test } from "node:test";
import assert from "node:assert/strict";

import { mlpDecode, mlpFromTensors, parseSafetensors } from "../../explorer/ui/widgets/live/core.js";
import { fixture, fixtureBytes, maxAbsDiff } from "./helpers.mjs";

const expected = fixture("decoder.json");
const { tensors, metadata } = parseSafetensors(fixtureBytes(expected.payload));
const mlp = mlpFromTensors(tensors);

test("the decoder payload: the model's name, float16 layers z -> 256 -> 512 -> 784", () => {
  assert.equal(metadata.name, expected.model);
  assert.equal(metadata.latent_dim, "2");
  assert.equal(mlp.latentDim, 2);
  assert.deepEqual(mlp.layers.map((l) => [l.nIn, l.nOut]), [[2, 256], [256, 512], [512, 784]]);
});

test("mlpDecode equals the Python decode of the same payload (float16 weights, float64) within 1e-9", () => {
  expected.z.forEach((z, i) => {
    const d = maxAbsDiff(mlpDecode(mlp, z), expected.browser_decode[i]);
    assert.ok(d <= 1e-9, `z = (${z}): off by ${d}`);
  });
});

test("mlpDecode equals the float32 model's decode within 1e-3", () => {
  let worst = 0;
  expected.z.forEach((z, i) => {
    const d = maxAbsDiff(mlpDecode(mlp, z), expected.model_decode[i]);
    assert.ok(d <= 1e-3, `z = (${z}): off by ${d}`);
    worst = Math.max(worst, d);
  });
  assert.ok(worst > 0, "float16 weights are not the model's float32 ones: the two decodes differ somewhat");
});

test("mlpDecode: pixels in [0, 1], and different z give different images", () => {
  const images = expected.z.map((z) => Array.from(mlpDecode(mlp, z)));
  for (const image of images) assert.ok(image.every((v) => v >= 0 && v <= 1));
  assert.ok(maxAbsDiff(images[0], images[1]) > 0.1);
});
