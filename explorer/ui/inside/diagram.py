"""The models drawn as diagrams of boxes and arrows with this input's real values in them, as HTML. The VAE's
diagram is the same HTML in both modes: shown as it is (``st.html``) with the server's decodes when the Live
widgets are off, and handed to the live posterior widget, which moves its marks and paints its images in the
browser while ε and the σ-scale move (its slots: ``data-slot`` and ``data-role`` attributes)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
import base64

import numpy as np

from explorer.ui.kit.images import png_data_uri, to_uint8

STYLE = """<style>
.lsi-row { display: flex; align-items: stretch; gap: 0; flex-wrap: nowrap; font-family: var(--st-font, sans-serif);
  max-width: 100%; overflow-x: auto;    /* narrower than the diagram (the sidebar open): scroll, never overlap */
  color: var(--st-text-color, #31333f); font-size: 15px; line-height: 1.3; font-variant-numeric: tabular-nums; }
.lsi-box { border: 2px solid #8a8fa3; border-radius: 10px; padding: 4px 6px;
  background: var(--st-background-color, #fff);
  display: flex; flex-direction: column; align-items: center; gap: 4px; flex: 0 0 auto; }
.lsi-box.lsi-net { border-style: dashed; justify-content: center; background: #f4f5f9; color: #31333f;
  max-width: 96px; flex: 0 1 auto; }
.lsi-net .lsi-sub { font-size: 12px; overflow-wrap: break-word; }
.lsi-title { font-weight: 700; font-size: 15px; white-space: nowrap; }
.lsi-net .lsi-title { white-space: normal; text-align: center; }
.lsi-sub { font-size: 13px; opacity: .8; text-align: center; width: 0; min-width: 100%; }
.lsi-arrow { align-self: center; font-size: 24px; padding: 0 3px; color: #55596b; }
.lsi-num { font-size: 16px; white-space: nowrap; }
.lsi-img { image-rendering: pixelated; display: block; background: #000; border: 1px solid #ccc; border-radius: 3px; }
.lsi-planes { display: flex; gap: 8px; }
.lsi-plane { display: block; background: #fff; border: 1px solid #bbb; }
.lsi-strip { display: grid; grid-template-columns: repeat(4, 36px); gap: 4px; justify-content: center; }
.lsi-caption { font-size: 13px; opacity: .8; text-align: center; width: 0; min-width: 100%; }
.lsi-bars { display: grid; grid-template-columns: auto 1fr auto; gap: 1px 6px; font-size: 13px; align-items: center;
  width: 100%; }
.lsi-bar { height: 9px; background: #332288; border-radius: 2px; }
.lsi-controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0 8px; width: 100%; max-width: 1100px; }
.lsi-controls > .lse-slider { flex: 1 1 200px; margin-bottom: 8px; }
.lsi-controls > .lse-note { flex: 1 1 100%; margin: 0 10px; }
</style>"""

ZOOM_SIGMAS = 5.0          # the zoomed plane spans μ ± 5 × the larger σ
PRIOR_RADII = (1, 2, 3)
SAMPLE_DOTS = 32           # samples of q(z|x) drawn on the planes
SAMPLE_DECODES = 8         # of which the first ones are decoded in the strip


@dataclass(frozen=True)
class Plane:
    """A square SVG of ``size`` px over [cx ± half]²: latent (z1, z2) -> pixels (x right, y down)."""

    cx: float
    cy: float
    half: float
    size: int

    def px(self, z) -> tuple[float, float]:
        return ((z[0] - self.cx + self.half) / (2 * self.half) * self.size,
                (self.cy + self.half - z[1]) / (2 * self.half) * self.size)

    def spec(self) -> dict:
        return {"cx": self.cx, "cy": self.cy, "half": self.half, "size": self.size}


def image_tag(image: np.ndarray, label: str, size: int, slot: str | None = None) -> str:
    """A 28 x 28 image shown at ``size`` px (a slot the live widget paints into, when ``slot``)."""
    data = f' data-slot="{slot}"' if slot else ""
    return (f'<img class="lsi-img" src="{png_data_uri(to_uint8(image))}" alt="{escape(label, quote=True)}" '
            f'width="{size}" height="{size}"{data}>')


def fmt(v: float, digits: int = 2) -> str:
    """A number with a typographic minus: −1.25."""
    return f"{v:.{digits}f}".replace("-", "−")


def pair(v, digits: int = 2) -> str:
    return f"({fmt(v[0], digits)}, {fmt(v[1], digits)})"


def box(title: str, body: str, sub: str = "", cls: str = "", attrs: str = "") -> str:
    sub_html = f'<div class="lsi-sub">{sub}</div>' if sub else ""
    return f'<div class="lsi-box {cls}" {attrs}><div class="lsi-title">{title}</div>{body}{sub_html}</div>'


def net(name: str, detail: str) -> str:
    return box(escape(name), "", escape(detail), "lsi-net")


ARROW = '<div class="lsi-arrow" aria-hidden="true">→</div>'


COMPARE = '<div class="lsi-arrow" style="font-size:14px;text-align:center">the loss<br>compares ⟷</div>'


def flow(*parts: str, label: str, last_join: str = ARROW) -> str:
    """Boxes with arrows between them (``last_join`` before the last), one row, read in order by a screen reader."""
    inner = ARROW.join(parts[:-1]) + last_join + parts[-1] if len(parts) > 1 else "".join(parts)
    return f'<div class="lsi-row" role="group" aria-label="{escape(label, quote=True)}">{inner}</div>'


def _ellipse(plane: Plane, mu, rx: float, ry: float, role: str, dash: str) -> str:
    cx, cy = plane.px(mu)
    k = plane.size / (2 * plane.half)
    return (f'<ellipse data-role="{role}" cx="{cx:.1f}" cy="{cy:.1f}" rx="{rx * k:.2f}" ry="{ry * k:.2f}" '
            f'fill="none" stroke="#332288" stroke-width="2" stroke-dasharray="{dash}"/>')


def _samples(plane: Plane, cloud: np.ndarray) -> str:
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="none" stroke="#117733" stroke-width="1.5"/>'
                   for x, y in (plane.px(z) for z in cloud))
    return f'<g data-role="samples">{dots}</g>'


def _z_mark(plane: Plane, z) -> str:
    x, y = plane.px(z)
    return (f'<path data-role="z" d="M{x - 7:.1f},{y:.1f} L{x:.1f},{y - 7:.1f} L{x + 7:.1f},{y:.1f} '
            f'L{x:.1f},{y + 7:.1f} Z" fill="#CC6677" stroke="#000" stroke-width="1.5"/>')


def _mu_mark(plane: Plane, mu) -> str:
    x, y = plane.px(mu)
    return (f'<g data-role="mu"><line x1="{x - 6:.1f}" y1="{y:.1f}" x2="{x + 6:.1f}" y2="{y:.1f}" stroke="#000" '
            f'stroke-width="2"/><line x1="{x:.1f}" y1="{y - 6:.1f}" x2="{x:.1f}" y2="{y + 6:.1f}" stroke="#000" '
            f'stroke-width="2"/></g>')


def _svg(plane: Plane, label: str, inner: str, role: str, inline: bool = True) -> str:
    """An SVG plane: inline (the live widget moves its marks), or as an <img> of the same SVG (``st.html`` drops
    inline SVG)."""
    s = plane.size
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="lsi-plane" data-role="{role}" width="{s}" height="{s}" '
           f'viewBox="0 0 {s} {s}" role="img" aria-label="{escape(label, quote=True)}" overflow="hidden">'
           f'{inner}</svg>')
    if inline:
        return svg
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (f'<img class="lsi-plane" data-role="{role}" src="{uri}" width="{s}" height="{s}" '
            f'alt="{escape(label, quote=True)}">')


def full_plane(plane: Plane, background_uri: str, mu, sigma, scale: float, cloud: np.ndarray, z, zoom: Plane,
               inline: bool = True) -> str:
    """The whole latent plane: the test images' means faint, the prior's circles r = 1, 2, 3 (dashed, labelled),
    the zoomed window, the samples, μ (+) and z (◆)."""
    s = plane.size
    k = s / (2 * plane.half)
    ox, oy = plane.px((0.0, 0.0))
    parts = [f'<image href="{background_uri}" x="0" y="0" width="{s}" height="{s}" opacity="0.55"/>']
    for r in PRIOR_RADII:
        parts.append(f'<circle cx="{ox:.1f}" cy="{oy:.1f}" r="{r * k:.1f}" fill="none" stroke="#2166ac" '
                     f'stroke-width="1.2" stroke-dasharray="5 3"/>'
                     f'<text x="{ox + r * k * 0.71 + 2:.1f}" y="{oy - r * k * 0.71 - 2:.1f}" font-size="11" '
                     f'fill="#2166ac">{r}</text>')
    (x0, y0), (x1, y1) = plane.px((zoom.cx - zoom.half, zoom.cy + zoom.half)), \
        plane.px((zoom.cx + zoom.half, zoom.cy - zoom.half))
    parts.append(f'<rect data-role="window" x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 3):.1f}" '
                 f'height="{max(y1 - y0, 3):.1f}" fill="none" stroke="#000" stroke-width="1" stroke-dasharray="2 2"/>')
    parts.append(_ellipse(plane, mu, 2 * scale * sigma[0], 2 * scale * sigma[1], "e2", "4 3"))
    parts.append(_samples(plane, cloud))
    parts.append(_mu_mark(plane, mu))
    parts.append(_z_mark(plane, z))
    parts.append(f'<text x="4" y="{s - 5}" font-size="11" fill="#555">z1, z2 from −{plane.half:g} to '
                 f'{plane.half:g}</text>')
    return _svg(plane, "The whole latent plane: the prior's circles at 1, 2 and 3, the posterior, its samples and "
                       "z", "".join(parts), "full", inline)


def zoom_plane(plane: Plane, mu, sigma, scale: float, cloud: np.ndarray, z, inline: bool = True) -> str:
    """Around μ: the 1σ (solid) and 2σ (dashed) ellipses of q(z|x) at this σ-scale, the samples, μ and z."""
    parts = [_ellipse(plane, mu, scale * sigma[0], scale * sigma[1], "e1", "none"),
             _ellipse(plane, mu, 2 * scale * sigma[0], 2 * scale * sigma[1], "e2", "4 3"),
             _samples(plane, cloud), _mu_mark(plane, mu), _z_mark(plane, z)]
    s = plane.size
    parts.append(f'<text x="4" y="{s - 5}" font-size="11" fill="#555" data-role="zoom-text">zoom: μ ± '
                 f'{fmt(plane.half, 3)}</text>')
    return _svg(plane, "Zoomed around μ: the posterior's 1σ and 2σ ellipses, its samples and z", "".join(parts),
                "zoom", inline)


def planes(mu, sigma, reach: float) -> tuple[Plane, Plane]:
    size = 150
    return (Plane(0.0, 0.0, reach, size),
            Plane(float(mu[0]), float(mu[1]), float(ZOOM_SIGMAS * max(sigma)), size))


def vae_diagram(x: np.ndarray, x_caption: str, mu, sigma, eps, scale: float, draws: np.ndarray, x_hat: np.ndarray,
                samples: np.ndarray, background_uri: str, reach: float, controls: bool) -> str:
    """x → encoder → q(z|x) = N(μ, σ²) → z = μ + σ·ε → decoder → x̂, and the strip of decoded samples of q(z|x).
    ``draws`` [n, 2]: the standard-normal draws of the samples; ``samples``: the decodes of the first ones;
    ``controls``: for the live widget (a slot for its ε and σ-scale controls, inline SVG planes whose marks it
    moves); else for ``st.html``."""
    mu, sigma, eps = (np.asarray(v, float) for v in (mu, sigma, eps))
    full, zoom = planes(mu, sigma, reach)
    z = mu + scale * sigma * eps
    cloud = mu + scale * sigma * np.asarray(draws, float)
    sym = "σ" if scale == 1 else f"{fmt(scale, 1)}σ"
    posterior = box("q(z|x) = N(μ, σ²)",
                    f'<div class="lsi-num" data-slot="mu">μ = {pair(mu)}</div>'
                    f'<div class="lsi-num" data-slot="sigma">σ = {pair(sigma, 3)}</div>',
                    "the encoder's cloud for this image")
    sample = box("z = μ + σ·ε",
                 f'<div class="lsi-num" data-slot="eps">ε = {pair(eps)}</div>'
                 f'<div class="lsi-num" data-slot="z">z = {pair(z)}</div>'
                 f'<div class="lsi-sub" data-slot="scale-text">σ-scale {fmt(scale, 1)}: z = μ + {sym}·ε</div>'
                 f'<div class="lsi-planes">'
                 f'{full_plane(full, background_uri, mu, sigma, scale, cloud, z, zoom, controls)}'
                 f'{zoom_plane(zoom, mu, sigma, scale, cloud, z, controls)}</div>',
                 "+ μ, ◆ z, ○ samples; ellipses at 1σ (solid) and 2σ (dashed); blue circles: the prior N(0, I)")
    strip = "".join(image_tag(img, f"decoded sample {i + 1}", 36, f"sample-{i}")
                    for i, img in enumerate(samples))
    out = box("x̂ = decoder(z)", image_tag(x_hat, "the decoded image x̂", 96, "xhat") +
              f'<div class="lsi-caption">samples of q(z|x), decoded</div><div class="lsi-strip">{strip}</div>',
              "the decoder's pixel probabilities")
    row = flow(box("x", image_tag(x, x_caption, 84), escape(x_caption)), net("encoder", "MLP 784→512→256→4"),
               posterior, sample, net("decoder", "MLP 2→256→512→784"), out, label="The VAE, left to right")
    slot = '<div data-slot="controls" class="lsi-controls"></div>' if controls else ""
    return f'{STYLE}<div class="lsi-vae" style="display:flex;flex-direction:column;gap:6px">{row}{slot}</div>'


def ae_diagram(x: np.ndarray, x_caption: str, z, x_hat: np.ndarray, recon: float, reach: float,
               background_uri: str) -> str:
    """x → encoder → z → decoder → x̂ for the plain autoencoder: one point, no cloud."""
    plane = Plane(0.0, 0.0, reach, 80)
    s = plane.size
    inner = (f'<image href="{background_uri}" x="0" y="0" width="{s}" height="{s}" opacity="0.55"/>'
             f'{_z_mark(plane, np.clip(z, -reach, reach))}'
             f'<text x="4" y="{s - 5}" font-size="11" fill="#555">±{reach:g}</text>')
    return STYLE + flow(
        box("x", image_tag(x, x_caption, 56)), net("encoder", "MLP 784→512→256→2"),
        box("z (one point)", f'<div class="lsi-num" data-slot="ae-z">z = {pair(z)}</div>' +
            _svg(plane, "The autoencoder's latent plane with z", inner, "ae-plane", inline=False), "no σ, no ε"),
        net("decoder", "MLP 2→256→512→784"),
        box("x̂", image_tag(x_hat, "the autoencoder's reconstruction", 56),
            f"{fmt(recon, 1)} nats"), label="The autoencoder, left to right")


def background(encodings: np.ndarray, reach: float, size: int = 190) -> str:
    """The test images' codes as faint grey dots on a white square over [−reach, reach]² (a PNG data URI)."""
    img = np.full((size, size), 255, np.uint8)
    px = ((encodings[:, 0] + reach) / (2 * reach) * size).astype(int)
    py = ((reach - encodings[:, 1]) / (2 * reach) * size).astype(int)
    ok = (px >= 0) & (px < size) & (py >= 0) & (py < size)
    np.minimum.at(img, (py[ok], px[ok]), 150)
    return png_data_uri(img)


def bars(probs: np.ndarray, names: list[str], mark: int) -> str:
    """Q's probabilities as labelled bars (the category the image was made with marked ◀)."""
    rows = []
    for i in np.argsort(-probs)[:4]:
        rows.append(f'<span>{escape(names[i])}{" ◀" if i == mark else ""}</span>'
                    f'<span><span class="lsi-bar" style="display:block;width:{probs[i] * 100:.0f}%"></span></span>'
                    f'<span>{probs[i]:.2f}</span>')
    return f'<div class="lsi-bars">{"".join(rows)}</div>'
