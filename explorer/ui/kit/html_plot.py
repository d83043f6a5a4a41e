"""Plots for views whose marker moves on every slider step: a cached image (PNG data URI) with axes, ticks and the
marker drawn in HTML/CSS over it (``st.html``). Re-sending a Plotly figure costs the browser ~100 ms per step here;
this costs a few milliseconds, so the decoded image a slider asks for appears at once."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

MARKER_COLOR = "#ff2b2b"


@dataclass(frozen=True)
class Axes:
    """What a plot's image shows: ticks as (fraction of the width or height from the left or top, label)."""

    image_uri: str
    width: int                      # CSS pixels the image is shown at
    height: int
    x_ticks: tuple = ()
    y_ticks: tuple = ()
    x_title: str = ""
    y_title: str = ""
    pixelated: bool = True          # crisp mosaic pixels when the image is scaled up
    legend: tuple = ()              # (CSS colour, label) pairs shown under the plot


def render(axes: Axes, marker: tuple[float, float] | None = None,
           box: tuple[float, float, float, float] | None = None, caption: str = "") -> str:
    """HTML for ``st.html``: the image with ticks, a marker at fractions (fx, fy) of the plot (from the left and
    top; None: none) and a dotted box (fx0, fy0, fx1, fy1)."""
    w, h = axes.width, axes.height
    tick = "position:absolute;font:11px sans-serif;color:#555;white-space:nowrap"
    legend_height = 22 * (1 + len(axes.legend) // 6) if axes.legend else 0
    parts = [f'<div style="position:relative;width:{w + 56}px;height:{h + 44 + legend_height}px;margin:4px 0">',
             f'<img src="{axes.image_uri}" style="position:absolute;left:48px;top:4px;width:{w}px;height:{h}px;'
             f'{"image-rendering:pixelated;" if axes.pixelated else ""}border:1px solid #ddd"/>']
    for f, label in axes.x_ticks:
        parts.append(f'<span style="{tick};left:{48 + f * w:.1f}px;top:{h + 8}px;transform:translateX(-50%)">'
                     f'{escape(str(label))}</span>')
    for f, label in axes.y_ticks:
        parts.append(f'<span style="{tick};right:{w + 14}px;top:{4 + f * h:.1f}px;transform:translateY(-50%)">'
                     f'{escape(str(label))}</span>')
    if axes.x_title:
        parts.append(f'<span style="{tick};left:{48 + w / 2}px;top:{h + 24}px;transform:translateX(-50%);'
                     f'font-style:italic">{escape(axes.x_title)}</span>')
    if axes.y_title:
        parts.append(f'<span style="{tick};left:0;top:{4 + h / 2}px;transform:translateY(-50%);font-style:italic">'
                     f'{escape(axes.y_title)}</span>')
    if box is not None:
        x0, y0, x1, y1 = box
        parts.append(f'<div style="position:absolute;left:{48 + x0 * w:.1f}px;top:{4 + y0 * h:.1f}px;'
                     f'width:{(x1 - x0) * w:.1f}px;height:{(y1 - y0) * h:.1f}px;border:1.5px dashed #444"></div>')
    if marker is not None:
        fx, fy = marker
        parts.append(f'<div title="{escape(caption)}" style="position:absolute;left:{48 + fx * w - 10:.1f}px;'
                     f'top:{4 + fy * h - 10:.1f}px;width:14px;height:14px;border:3px solid {MARKER_COLOR};'
                     f'border-radius:50%;box-shadow:0 0 0 1px white"></div>')
    if axes.legend:
        items = "".join(f'<span style="margin-right:10px;white-space:nowrap"><span style="display:inline-block;'
                        f'width:9px;height:9px;border-radius:50%;background:{c};margin-right:3px"></span>'
                        f'{escape(str(label))}</span>' for c, label in axes.legend)
        parts.append(f'<div style="position:absolute;left:48px;top:{h + 44}px;width:{w}px;font:11px sans-serif;'
                     f'color:#444;line-height:20px">{items}</div>')
    parts.append("</div>")
    return "".join(parts)
