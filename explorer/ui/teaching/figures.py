"""Figures of the AE-versus-VAE lesson: numpy in, Plotly figures or pixel arrays out (no Streamlit here).

Decode-quality maps (heatmap + encodings + density contours + the "far from every encoding" boundary), paths on
a latent map, scores along a path, posterior ellipses over the prior's contours, and image strips framed in the
verdict's colour and shape (solid: data-like, dashed: not).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer import quality, teaching

from explorer.ui.kit.colours import BAD, CLASS_COLOURS, GOOD
from explorer.ui.kit.figures import class_labels, frozen
from explorer.ui.kit.images import enlarge, hex_to_rgb, to_uint8

METRICS = {
    "confidence": "Classifier confidence",
    "distance": "Distance to the nearest real image",
    "data_like": "Data-like (both tests)",
}
PATH_STYLES = {"AE · linear": dict(color="#444", dash="solid"),
               "VAE · linear": dict(color="#444", dash="solid"),
               "VAE · spherical": dict(color="#7b3294", dash="dot")}
# Gaps are the warm colour: white where the decode is data-like, red where it is not.
_GAP_SCALE = [[0.0, "#b2182b"], [0.5, "#ef8a62"], [0.8, "#fddbc7"], [1.0, "#ffffff"]]


def plot_config(filename: str) -> dict:
    """Plotly's toolbar settings: the camera button saves the figure as a 2x PNG named ``filename``."""
    return {"displaylogo": False, "scrollZoom": False,
            "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def _metric_layer(qmap: quality.QualityMap, metric: str) -> go.Heatmap:
    if metric == "distance":
        # 0 .. 3 typical real-to-real distances, reversed so that far from real data is red
        z, zmin, zmax, title = 3 - np.clip(qmap.distance_ratio, 0, 3), 0, 3, "distance ratio"
        ticks = dict(tickvals=[0, 1.5, 3], ticktext=["≥3", f"{quality.CLOSE}", "0"])
        hover = qmap.distance_ratio
    elif metric == "data_like":
        z, zmin, zmax, title = qmap.data_like.astype(float), 0, 1, "data-like"
        ticks = dict(tickvals=[0, 1], ticktext=["no", "yes"])
        hover = qmap.data_like.astype(float)
    else:
        z, zmin, zmax, title = qmap.confidence, 0, 1, "confidence"
        # the data-like threshold marked, and 1 left out: at a colour bar's width its label would run into it
        ticks = dict(tickvals=[0, 0.5, quality.CONFIDENT], ticktext=["0", "0.5", f"{quality.CONFIDENT:g} (sure)"])
        hover = qmap.confidence
    return go.Heatmap(x=qmap.x, y=qmap.y, z=z, zmin=zmin, zmax=zmax, colorscale=_GAP_SCALE, customdata=hover,
                      colorbar=dict(title=dict(text=title, side="right"), orientation="h", thickness=12, len=0.6,
                                    x=0.5, xanchor="center", y=-0.12, yanchor="top", **ticks), hoverinfo="skip",
                      name=METRICS[metric])


QUALITY_FRAME = 170      # pixels of a quality figure's height outside its plot area: margins, axes, colour bar


def quality_figure(qmap: quality.QualityMap, encodings: np.ndarray, labels: np.ndarray, class_names,
                   metric: str = "confidence", show_density: bool = True, height: int = 560,
                   min_width: int = 300) -> go.Figure:
    """The gaps view's map: the decode-quality heatmap, an invisible click grid (empty space is clickable), the
    test encodings by class, density contours and the dashed boundary beyond which no encoding is near; its class
    names fit a column ``min_width`` pixels wide or wider (one unit as long on both axes)."""
    fig = go.Figure(_metric_layer(qmap, metric))
    grid = quality.plane_points(qmap.x, qmap.y)
    fig.add_trace(go.Scattergl(x=grid[:, 0], y=grid[:, 1], mode="markers", showlegend=False, name="plane",
                               marker=dict(size=10, color="rgba(0,0,0,0)"),
                               hovertemplate="(%{x:.2f}, %{y:.2f})<br>click: decode here<extra></extra>"))
    for k, name in enumerate(class_names):
        idx = np.flatnonzero(labels == k)
        fig.add_trace(go.Scattergl(
            x=encodings[idx, 0], y=encodings[idx, 1], mode="markers", name=name, customdata=idx,
            marker=dict(size=4 if len(labels) <= 3000 else 3, color=CLASS_COLOURS[k % 10], opacity=0.75),
            hovertemplate=f"<b>{name}</b> · test image #%{{customdata}}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))
    if show_density:
        fig.add_trace(go.Contour(x=qmap.x, y=qmap.y, z=qmap.density, showscale=False, name="density",
                                 contours=dict(coloring="lines", start=float(qmap.density.max()) * 0.05,
                                               end=float(qmap.density.max()), size=float(qmap.density.max()) / 4),
                                 colorscale=[[0, "#333"], [1, "#333"]], line=dict(width=1), hoverinfo="skip"))
    fig.add_trace(go.Contour(x=qmap.x, y=qmap.y, z=qmap.nearest_encoding, showscale=False, hoverinfo="skip",
                             name="far from every encoding",
                             contours=dict(coloring="none", start=qmap.far_threshold, end=qmap.far_threshold,
                                           size=1.0), line=dict(color="#111", width=2, dash="dash")))
    class_labels(fig, encodings, labels, class_names, (qmap.x[0], qmap.x[-1]), (qmap.y[0], qmap.y[-1]),
                 (min_width, height - QUALITY_FRAME), equal_aspect=True)
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white", hovermode="closest",
        dragmode="zoom", uirevision="gaps", showlegend=False,
        xaxis=dict(title="z1", range=[qmap.x[0], qmap.x[-1]], zeroline=False, showgrid=False, constrain="domain"),
        yaxis=dict(title="z2", range=[qmap.y[0], qmap.y[-1]], zeroline=False, showgrid=False, constrain="domain",
                   scaleanchor="x", scaleratio=1))
    return frozen(fig)


def with_points(fig: go.Figure, z: np.ndarray, ok: np.ndarray, name: str) -> go.Figure:
    """A copy of ``fig`` with latent points drawn as rings where the decode is data-like and crosses where not, in
    the verdict colours."""
    out = frozen(fig)
    z = np.asarray(z)
    out.add_trace(go.Scatter(x=z[:, 0], y=z[:, 1], mode="markers", name=name, hoverinfo="skip",
                             marker=dict(size=12, symbol=["circle-open" if o else "x-open" for o in ok],
                                         color=[GOOD if o else BAD for o in ok],
                                         line=dict(width=3))))
    return out


def with_paths(fig: go.Figure, paths: dict[str, np.ndarray]) -> go.Figure:
    """A copy of ``fig`` with latent paths (name -> z [steps, d]) drawn as lines, start and end marked."""
    out = frozen(fig)
    for name, z in paths.items():
        style = PATH_STYLES.get(name, dict(color="#444"))
        out.add_trace(go.Scatter(x=z[:, 0], y=z[:, 1], mode="lines+markers", name=name, hoverinfo="skip",
                                 line=dict(width=3, **style), marker=dict(size=6, color=style["color"])))
        out.add_trace(go.Scatter(x=z[[0, -1], 0], y=z[[0, -1], 1], mode="markers+text", showlegend=False,
                                 text=["A", "B"], textposition="top center", hoverinfo="skip",
                                 textfont=dict(size=16, color="#111"),
                                 marker=dict(size=14, color="white", line=dict(width=3, color="#111"))))
    return out


def path_scores(scores: dict[str, tuple[np.ndarray, np.ndarray]], height: int = 360) -> go.Figure:
    """Confidence and distance ratio along each path (name -> (confidence, distance_ratio)), thresholds dashed."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Classifier confidence", "Distance to nearest real image"),
                        horizontal_spacing=0.1)
    colors = {"AE · linear": "#e66101", "VAE · linear": "#5e3c99", "VAE · spherical": "#b2abd2"}
    for name, (conf, dist) in scores.items():
        t = np.linspace(0, 1, len(conf))
        style = dict(color=colors.get(name, "#444"), width=3, dash="dot" if "spherical" in name else "solid")
        fig.add_trace(go.Scatter(x=t, y=conf, name=name, mode="lines+markers", line=style, legendgroup=name),
                      row=1, col=1)
        fig.add_trace(go.Scatter(x=t, y=dist, name=name, mode="lines+markers", line=style, legendgroup=name,
                                 showlegend=False), row=1, col=2)
    fig.add_hline(y=quality.CONFIDENT, line=dict(color="#888", dash="dash"), row=1, col=1)
    fig.add_hline(y=quality.CLOSE, line=dict(color="#888", dash="dash"), row=1, col=2)
    fig.update_yaxes(range=[0, 1.02], title="confidence", row=1, col=1)
    fig.update_yaxes(rangemode="tozero", title="× typical real-to-real distance", row=1, col=2)
    fig.update_xaxes(title="position along the path (A = 0, B = 1)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.25, x=0), hovermode="x unified")
    return fig


def class_mix_figure(mixes: dict[str, np.ndarray], class_names, height: int = 300) -> go.Figure:
    """Grouped bars: the share of each class in the test set and among each model's decoded prior samples."""
    colors = {"test set": "#999", "AE": "#e66101", "VAE": "#5e3c99"}
    fig = go.Figure([go.Bar(x=list(class_names), y=fractions, name=name, marker_color=colors.get(name, "#444"),
                            hovertemplate=f"{name}: %{{y:.0%}}<extra></extra>") for name, fractions in mixes.items()])
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
                      xaxis=dict(type="category"), yaxis=dict(tickformat=".0%", title="share", gridcolor="#eee"),
                      legend=dict(orientation="h", y=1.1, x=0))
    return fig


def posterior_figure(encodings: np.ndarray, labels: np.ndarray, class_names, mu: np.ndarray, sigma: np.ndarray,
                     chosen_labels: np.ndarray, height: int = 620) -> go.Figure:
    """The VAE's posterior: every test mean faint, the N(0, I) contours (r = 1, 2, 3), and for each chosen image
    its mean and its 1- and 2-sigma ellipses in its class colour."""
    fig = go.Figure()
    fig.add_trace(go.Scattergl(x=encodings[:, 0], y=encodings[:, 1], mode="markers", name="all test images (μ)",
                               marker=dict(size=3, color="#d9d9d9"), hoverinfo="skip"))
    cx, cy = teaching.prior_contours()
    fig.add_trace(go.Scatter(x=cx, y=cy, mode="lines", name="N(0, I): r = 1, 2, 3", hoverinfo="skip",
                             line=dict(color="#2166ac", width=2, dash="dash")))
    for r in (1, 2, 3):
        fig.add_annotation(x=r * 0.7071, y=r * 0.7071, text=f"{teaching.prior_mass_inside(r):.0%}",
                           showarrow=False, font=dict(color="#2166ac", size=13), bgcolor="rgba(255,255,255,0.7)")
    for k in np.unique(chosen_labels):
        sel = chosen_labels == k
        color = CLASS_COLOURS[int(k) % 10]
        for n_sigma, width, dash in ((1, 2.5, "solid"), (2, 1.2, "dot")):
            ex, ey = teaching.ellipses(mu[sel], sigma[sel], n_sigma)
            fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", legendgroup=str(k),
                                     name=f"{class_names[k]}: {n_sigma}σ", line=dict(color=color, width=width,
                                                                                    dash=dash)))
        fig.add_trace(go.Scatter(
            x=mu[sel, 0], y=mu[sel, 1], mode="markers", name=f"{class_names[k]}: μ", legendgroup=str(k),
            marker=dict(size=9, color=color, line=dict(width=1, color="white")),
            customdata=np.stack([sigma[sel, 0], sigma[sel, 1]], 1),
            hovertemplate=f"<b>{class_names[k]}</b><br>μ = (%{{x:.2f}}, %{{y:.2f}})<br>"
                          "σ = (%{customdata[0]:.2f}, %{customdata[1]:.2f})<extra></extra>"))
    (x0, x1), (y0, y1) = posterior_view(mu, sigma)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.12, x=0), hovermode="closest",
                      xaxis=dict(title="z1", range=[x0, x1], zeroline=True, zerolinecolor="#ddd", showgrid=False),
                      yaxis=dict(title="z2", range=[y0, y1], zeroline=True, zerolinecolor="#ddd", showgrid=False,
                                 scaleanchor="x", scaleratio=1))
    return fig


def posterior_view(mu: np.ndarray, sigma: np.ndarray, reach: float = 2.5, least: float = 0.4) -> tuple:
    """Square axis ranges around the chosen images' clouds (each mean ± ``reach`` σ), at least ``least`` either
    side of the centre: σ is ~0.05 here, so the whole prior's -3…3 would draw the clouds as dots."""
    lo = np.min(np.asarray(mu) - reach * np.asarray(sigma), axis=0)
    hi = np.max(np.asarray(mu) + reach * np.asarray(sigma), axis=0)
    centre, half = (lo + hi) / 2, max(float(np.max(hi - lo)) / 2 * 1.05, least)
    return (float(centre[0] - half), float(centre[0] + half)), (float(centre[1] - half), float(centre[1] + half))


def framed_strip(images: np.ndarray, ok: np.ndarray, cols: int | None = None, size: int = 84,
                 frame: int = 4) -> np.ndarray:
    """Images as one RGB mosaic [rows * cell, cols * cell, 3], each framed in the verdict's colour: a solid frame
    where the image is data-like, a dashed one where not (the dash is the cue without colour)."""
    images = to_uint8(images)
    n = len(images)
    cols = cols or n
    rows = -(-n // cols)
    cell = size + 2 * frame
    gap = 6
    out = np.full((rows * (cell + gap) - gap, cols * (cell + gap) - gap, 3), 255, np.uint8)
    for i, (img, good) in enumerate(zip(images, ok)):
        r, c = divmod(i, cols)
        top, left = r * (cell + gap), c * (cell + gap)
        out[top:top + cell, left:left + cell] = hex_to_rgb(GOOD if good else BAD)
        if not good:              # dashes: every other run of ``dash`` px of the frame is left white
            dash = max(3, cell // 8)
            gaps = (np.arange(cell) // dash) % 2 == 1
            out[top:top + frame, left:left + cell][:, gaps] = 255
            out[top + cell - frame:top + cell, left:left + cell][:, gaps] = 255
            out[top:top + cell, left:left + frame][gaps] = 255
            out[top:top + cell, left + cell - frame:left + cell][gaps] = 255
        big = enlarge(img, size)[:size, :size]
        out[top + frame:top + frame + big.shape[0], left + frame:left + frame + big.shape[1]] = big[..., None]
    return out

