"""The server-rendered SVG charts: readable contrast, axis labels, escaped text, no scripts."""

from __future__ import annotations

import re

from adapters.web.charts import EMPTY, INK, SCALE, bar_chart, cell_colour, column_chart, heatmap


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_heatmap_cell_text_has_at_least_4_5_to_1_contrast() -> None:
    for step in range(101):
        fill, ink = cell_colour(step / 100)
        assert contrast(fill, ink) >= 4.5, (step, fill, ink)
    assert contrast(EMPTY, INK) >= 4.5
    assert len(set(SCALE)) == len(SCALE)


def test_heatmap_labels_axes_and_escapes_names() -> None:
    svg = str(
        heatmap(
            "Accuracy",
            ["<script>alert(1)</script>", "Ops"],
            ["D1", "D2"],
            [[0.9, None], [0.1, 0.5]],
            "exam domain",
            "team",
        )
    )
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert "exam domain →" in svg
    assert "team ↓" in svg
    assert svg.count("<rect") == 4
    assert ">90 %</text>" in svg
    assert ">–</text>" in svg


def test_column_and_bar_charts_have_axis_labels_and_values() -> None:
    columns = str(
        column_chart("Weekly", ["02 Mar", "09 Mar"], [0.5, 1.0], "week", "share", percent=True)
    )
    assert "week →" in columns
    assert ">share</text>" in columns
    assert ">100 %</text>" in columns  # the top tick
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', columns)]
    assert heights == [90.0, 180.0]
    bars = str(
        bar_chart(
            "Ready", ["D1 (50 %) Pipelines"], [0.8], "share", mark=0.7, mark_label="pass line (700)"
        )
    )
    assert "pass line (700)" in bars
    assert 'stroke-dasharray="4 3"' in bars
    assert ">80 %</text>" in bars


def test_long_names_wrap_in_full_and_charts_scale_to_their_box() -> None:
    name = "D1 (50 %) Design and implement processes and communications for the team"
    bars = str(bar_chart("Ready", [name, "D2 Short"], [0.4, 0.9], "share"))
    spans = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", bars)
    assert "…" not in bars
    assert " ".join(spans[:-1]) == name  # every word, over several lines
    assert len(spans) > 2
    team = "The platform engineering guild of the northern region"
    grid = str(heatmap("Accuracy", [team], ["D1"], [[0.5]], "exam domain", "team"))
    assert "…" not in grid
    assert " ".join(re.findall(r"<tspan [^>]*>([^<]*)</tspan>", grid)) == team
    for svg in (bars, grid):
        assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
