"""The UI's colours stay apart for colour-blind readers: every pair of series colours,
and the colours drawn together in one chart, differ by a CIE76 distance of at least
`MIN_DISTANCE` with normal vision and with protanopia, deuteranopia and tritanopia
simulated (Machado, Oliveira and Fernandes 2009, severity 1, in linear RGB)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ui.charts import CONCERN_COLOURS, PLAN_COLOURS, STAGE_COLOURS, series_style

MIN_DISTANCE = 12.0
VISION = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),  # fmt: skip
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),  # fmt: skip
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),  # fmt: skip
}
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
WHITE = np.array([0.95047, 1.0, 1.08883])
# tab10, the palette the UI used before: green and orange merge for protanopes
OLD_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def linear_rgb(colour: str) -> np.ndarray:
    c = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(rgb, 0.0, 1.0) / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colours, vision: str) -> float:
    m = VISION[vision]
    seen = [lab(m @ linear_rgb(c)) for c in colours]
    return min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize("vision", list(VISION))
def test_twelve_series_colours_stay_apart(vision):
    assert len(set(PLAN_COLOURS)) == len(PLAN_COLOURS) == 12
    assert closest_pair(PLAN_COLOURS, vision) >= MIN_DISTANCE


def test_the_check_rejects_the_old_palette():
    assert closest_pair(OLD_PALETTE, "protanopia") < MIN_DISTANCE


@pytest.mark.parametrize("vision", list(VISION))
def test_colours_drawn_together_stay_apart(vision):
    stages = [*STAGE_COLOURS.values(), "#000000"]  # the stages chart and its resistance line
    trend = [
        STAGE_COLOURS["active"],
        STAGE_COLOURS["trial"],
        "#000000",
        *CONCERN_COLOURS.values(),
    ]  # fmt: skip  (the Workshop trend)
    for group in (stages, trend, list(CONCERN_COLOURS.values())):
        assert closest_pair(group, vision) >= MIN_DISTANCE, group


def test_series_beyond_twelve_change_line_style_not_only_colour():
    styles = [series_style(j) for j in range(36)]
    assert len(set(styles)) == 36
    assert {s for _, s in styles[:12]} == {"-"} and styles[12] == (PLAN_COLOURS[0], "--")
