// The pure functions behind the live posterior widget (lse_posterior, explorer/ui/widgets/live/posterior.js):
// samples of q(z|x) with a scaled sigma and the map from latent to plane pixels, against Python's answers
// (explorer.elbo.posterior_cloud, explorer.ui.inside.diagram.Plane.px; the numbers below are theirs).

import { test } from "node:test";
import assert from "node:assert/strict";

import { normalPair, planePixels, posteriorSamples } from "../../explorer/ui/widgets/live/core.js";

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test("posteriorSamples is explorer.elbo.posterior_cloud: z = mu + scale * sigma * eps", () => {
  const draws = [[2.0409191213851825, -2.5556650313141818], [0.41809884672577885, -0.5677696061279298],
    [-0.45264929211044586, -0.2155971630897659]];
  const python = [[1.5204595606925912, -1.6389162578285454], [0.7090494233628895, -1.1419424015319826],
    [0.27367535394477704, -1.0538992907724414]];
  const got = posteriorSamples([0.5, -1.0], [0.2, 0.1], 2.5, draws);
  got.forEach((z, i) => z.forEach((v, j) => close(v, python[i][j], 1e-12)));
});

test("posteriorSamples at scale 0 is mu for every draw (the decode an autoencoder would make)", () => {
  const got = posteriorSamples([0.3, -0.7], [0.05, 0.04], 0, [[1, 2], [-3, 0.5]]);
  assert.deepEqual(got, [[0.3, -0.7], [0.3, -0.7]]);
});

test("planePixels is Plane.px: the centre in the middle, corners at the edges, y down", () => {
  const plane = { cx: 0.5, cy: -0.25, half: 0.3, size: 150 };
  const python = [[[0.5, -0.25], [75, 75]], [[0.8, 0.05], [150, 0]], [[0.2, -0.55], [0, 150]],
    [[0.61, -0.3], [102.5, 87.5]]];
  for (const [z, px] of python) {
    const got = planePixels(plane, z);
    close(got[0], px[0], 1e-9);
    close(got[1], px[1], 1e-9);
  }
});

test("normalPair turns uniforms into standard normals (Box-Muller), finite even at u1 = 0", () => {
  const [a, b] = normalPair(Math.exp(-0.5), 0);        // r = 1, angle 0
  close(a, 1, 1e-12);
  close(b, 0, 1e-12);
  assert.ok(normalPair(0, 0.3).every(Number.isFinite));
  let sum = 0, sq = 0, n = 0;
  for (let i = 1; i < 200; i++) {
    for (let j = 0; j < 50; j++) {
      for (const v of normalPair(i / 200, j / 50)) { sum += v; sq += v * v; n++; }
    }
  }
  close(sum / n, 0, 0.02);
  close(sq / n, 1, 0.05);
});
