"""Class names on the shipped 2-D maps (explorer/ui/kit/labels.py): every name's box, computed from the figure's
annotations, lies inside the plot area and overlaps no other name, on both datasets, for the smallest plot the app
draws each map at; a name that had to move is tied to its cluster's centre by a line."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import explorer
from explorer import quality, teaching
from explorer.latent import encode
from explorer.ui.kit import figures, labels
from explorer.ui.teaching import figures as lesson_figures

MAPS = [f"{ds}-{kind}-2d" for ds in ("mnist", "fashion") for kind in ("ae", "vae")]


def label_boxes(fig, plot_size, equal_aspect=False) -> tuple[list[str], np.ndarray]:
    """(texts, boxes [K, 4] in pixels of the plot area, y up) of the figure's class names: each box centred where
    Plotly centres the text (the arrow's tail when it has one), sized by :func:`labels.text_box`."""
    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    scale = labels.plot_scale(x_range, y_range, plot_size, equal_aspect)
    texts, boxes = [], []
    for a in fig.layout.annotations:
        text = a.text.removeprefix("<b>").removesuffix("</b>")
        centre = np.array([a.ax, a.ay] if a.showarrow else [a.x, a.y], float)
        if a.showarrow:
            assert (a.axref, a.ayref) == ("x", "y"), "a moved name is placed in data coordinates"
        px = (centre - [x_range[0], y_range[0]]) * scale
        w, h = labels.text_box(text, a.font.size)
        texts.append(text)
        boxes.append([px[0] - w / 2, px[1] - h / 2, px[0] + w / 2, px[1] + h / 2])
    return texts, np.array(boxes)


def check(texts, boxes, plot_size, scale) -> None:
    for (ta, a), (tb, b) in itertools.combinations(zip(texts, boxes), 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"{ta!r} overlaps {tb!r}: {a.round(1)} vs {b.round(1)}"
    area = np.array(plot_size, float) if scale is None else scale
    for t, box in zip(texts, boxes):
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= area[0] and box[3] <= area[1], f"{t!r} leaves the plot: {box}"


@pytest.fixture(scope="module", params=MAPS)
def shipped(request):
    name = request.param
    if name not in explorer.list_models():
        pytest.skip(f"{name} not shipped")
    model = explorer.load_model(name)
    images, y = explorer.load_dataset(model.dataset, "test")
    return model, encode(model, images), y


def test_encodings_map_names_apart_and_inside(shipped):
    model, enc, y = shipped
    classes = explorer.DATASETS[model.dataset].classes
    for height, width in ((420, 320), (340, 220)):
        fig = figures.encodings_map(enc, y, classes, height=height, min_width=width)
        size = (width, height - figures.ENCODINGS_MAP_FRAME)
        texts, boxes = label_boxes(fig, size)
        assert sorted(texts) == sorted(classes)
        check(texts, boxes, size, None)
        # every point and the prior's ±3σ square are on the map
        (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
        assert x0 <= min(enc[:, 0].min(), -3) and x1 >= max(enc[:, 0].max(), 3)
        assert y0 <= min(enc[:, 1].min(), -3) and y1 >= max(enc[:, 1].max(), 3)


def test_quality_figure_names_apart_and_inside(shipped):
    model, enc, y = shipped
    x_axis, y_axis = quality.plane_axes(enc)
    blank = np.zeros((len(y_axis), len(x_axis)))
    qmap = quality.QualityMap(x=x_axis, y=y_axis, confidence=blank, predicted=blank.astype(int),
                              distance_ratio=blank, nearest_encoding=blank + 1, density=blank + 1)
    classes = explorer.DATASETS[model.dataset].classes
    fig = lesson_figures.quality_figure(qmap, enc, y, classes, height=560, min_width=300)
    size = (300, 560 - lesson_figures.QUALITY_FRAME)
    texts, boxes = label_boxes(fig, size, equal_aspect=True)
    assert sorted(texts) == sorted(classes)
    scale = labels.plot_scale(fig.layout.xaxis.range, fig.layout.yaxis.range, size, True)
    plot = np.array([np.ptp(fig.layout.xaxis.range), np.ptp(fig.layout.yaxis.range)]) * scale
    check(texts, boxes, size, plot)


def test_names_sit_at_or_point_at_their_centres(shipped):
    model, enc, y = shipped
    classes = explorer.DATASETS[model.dataset].classes
    fig = figures.encodings_map(enc, y, classes, height=340, min_width=220)
    scale = labels.plot_scale(fig.layout.xaxis.range, fig.layout.yaxis.range,
                              (220, 340 - figures.ENCODINGS_MAP_FRAME))
    for a in fig.layout.annotations:
        centre = teaching.class_centre(enc, y, classes.index(a.text.removeprefix("<b>").removesuffix("</b>")))
        if a.showarrow:
            assert np.allclose([a.x, a.y], centre), "a moved name's line ends at the class's median"
        else:
            assert np.hypot(*((np.array([a.x, a.y]) - centre) * scale)) <= labels.LEADER


def test_place_separates_names_at_one_spot():
    centres = np.zeros((5, 2))
    sizes = np.array([labels.text_box(t) for t in ("Pullover", "Coat", "Shirt", "Dress", "Bag")])
    spots = labels.place(centres, sizes, (-1, 1), (-1, 1), np.array([150.0, 150.0]))
    px = (spots + 1) * 150
    boxes = np.concatenate([px - sizes / 2, px + sizes / 2], 1)
    check(["Pullover", "Coat", "Shirt", "Dress", "Bag"], boxes, (300, 300), None)
    widest = int(np.argmax(sizes[:, 0]))
    assert np.allclose(spots[widest], 0), "the widest name keeps its centre"


def test_the_still_maps_names_apart_and_inside(shipped, monkeypatch):
    """The Matplotlib stills (Training replay, the Lesson's maps): the class names' drawn boxes (text and its white
    background), measured by Matplotlib's renderer, overlap no other and stay inside the axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from explorer.ui.teaching import stills

    model, enc, y = shipped
    classes = explorer.DATASETS[model.dataset].classes
    drawn = []
    monkeypatch.setattr(stills, "_pixels", lambda fig: drawn.append(fig) or np.zeros((1, 1, 3), np.uint8))
    for width, height in ((420, 378), (300, 270)):
        stills.latent_map(enc, y, classes, width, height, scale=1)
        fig = drawn[-1]
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        (ax,) = fig.axes
        inside = ax.get_window_extent(renderer)
        texts = [t for t in ax.texts if t.get_gid() == stills.CLASS_NAME]
        assert sorted(t.get_text() for t in texts) == sorted(classes)
        boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in texts]
        for (a, ta), (b, tb) in itertools.combinations(zip(boxes, texts), 2):
            assert not a.overlaps(b), f"{ta.get_text()!r} overlaps {tb.get_text()!r} at {width} px"
        for box, t in zip(boxes, texts):
            assert (box.x0 >= inside.x0 - 0.5 and box.x1 <= inside.x1 + 0.5 and box.y0 >= inside.y0 - 0.5
                    and box.y1 <= inside.y1 + 0.5), f"{t.get_text()!r} leaves the axes at {width} px"
