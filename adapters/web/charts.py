"""Server-rendered SVG charts (no scripts, no CDN): heatmap, column chart and bar chart."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
INK = "#1a1a1a"  # text and axes: high contrast on white
GRID = "#767676"  # 4.5:1 on white
BAR = "#1f5fa8"
MARK = "#b3261e"
EMPTY = "#e6e6e6"
# light to dark blue; text switches to white on the darker half (contrast ≥ 4.5:1 either way)
SCALE = ("#eef4fb", "#cfe0f3", "#a6c8ea", "#6fa6d9", "#2f6fb0", "#1f5fa8", "#134178", "#0b2a52")


def cell_colour(value: float) -> tuple[str, str]:
    index = min(len(SCALE) - 1, max(0, int(value * len(SCALE))))
    return SCALE[index], ("#ffffff" if index >= 4 else INK)


def _text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" {FONT} {extra}>'
        f"{escape(content)}</text>"
    )


def _label(x: float, y: float, lines: Sequence[str], anchor: str = "end") -> str:
    """A label of one or more lines (long names wrap at word breaks instead of being cut)."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    start = f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{INK}" {FONT}>'
    return f"{start}{spans}</text>"


def wrap(label: str, chars: int) -> list[str]:
    """Lines of at most about `chars` characters (~7 px each at 12 px); never shortened."""
    return textwrap.wrap(label, chars, break_long_words=True, break_on_hyphens=False) or [""]


LINE = 14  # px between wrapped label lines


def heatmap(
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    values: Sequence[Sequence[float | None]],
    x_axis: str,
    y_axis: str,
) -> Markup:
    """Accuracy (0..1) per row and column; a cell without answers is grey and reads '–'."""
    wrapped = [wrap(label, 22) for label in row_labels]
    lines = max((len(w) for w in wrapped), default=1)
    left, top, cell_w, cell_h = 170, 56, 84, max(22, LINE * lines + 8)
    width = left + cell_w * len(column_labels) + 20
    height = top + cell_h * len(row_labels) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="hm-title">',
        f'<title id="hm-title">{escape(title)}</title>',
        _text(left, 16, f"{x_axis} →", extra='font-weight="600"'),
        _text(8, 16, f"{y_axis} ↓", extra='font-weight="600"'),
    ]
    for j, label in enumerate(column_labels):
        parts.append(_text(left + cell_w * j + cell_w / 2, top - 10, label, "middle"))
    for i, label in enumerate(row_labels):
        y = top + cell_h * i
        parts.append(_label(left - 8, y + 15, wrapped[i]))
        for j, value in enumerate(values[i]):
            x = left + cell_w * j
            fill, ink = (EMPTY, INK) if value is None else cell_colour(value)
            shown = "–" if value is None else f"{100 * value:.0f} %"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{fill}">'
                f"<title>{escape(label)} · {escape(column_labels[j])}: {shown}</title></rect>"
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + 15}" text-anchor="middle" '
                f'fill="{ink}" {FONT}>{shown}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    x_axis: str,
    y_axis: str,
    *,
    percent: bool = False,
) -> Markup:
    """Vertical columns with a labelled y axis (0 to the maximum, or 0–100 % when `percent`)."""
    left, top, plot_h, col_w = 60, 30, 180, 56
    width = left + col_w * max(1, len(labels)) + 20
    height = top + plot_h + 60
    top_value = 1.0 if percent else max([1.0, *values])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="cc-title">',
        f'<title id="cc-title">{escape(title)}</title>',
        _text(8, 16, y_axis, extra='font-weight="600"'),
    ]
    for k in range(5):
        tick = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        label = f"{100 * tick:.0f} %" if percent else f"{tick:.0f}"
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="0.5"/>'
        )
        parts.append(_text(left - 6, y + 4, label, "end"))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * (value / top_value if top_value else 0)
        x = left + col_w * i + 6
        shown = f"{100 * value:.0f} %" if percent else f"{value:.0f}"
        parts.append(
            f'<rect x="{x}" y="{top + plot_h - h:.1f}" width="{col_w - 12}" height="{h:.1f}" '
            f'fill="{BAR}"><title>{escape(label)}: {shown}</title></rect>'
        )
        parts.append(_text(x + (col_w - 12) / 2, top + plot_h + 16, label, "middle"))
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        f'stroke="{INK}"/>'
    )
    parts.append(_text(left, top + plot_h + 44, f"{x_axis} →", extra='font-weight="600"'))
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    x_axis: str,
    *,
    mark: float | None = None,
    mark_label: str = "",
) -> Markup:
    """Horizontal bars of shares 0..1 with an optional vertical line (the pass mark)."""
    wrapped = [wrap(label, 32) for label in labels]
    lines = max((len(w) for w in wrapped), default=1)
    left, top, plot_w, bar_h = 250, 30, 340, max(26, LINE * lines + 10)
    width = left + plot_w + 40
    height = top + bar_h * len(labels) + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="bc-title">',
        f'<title id="bc-title">{escape(title)}</title>',
    ]
    for k in range(5):
        x = left + plot_w * k / 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + bar_h * len(labels)}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
        )
        parts.append(_text(x, top + bar_h * len(labels) + 16, f"{25 * k} %", "middle"))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + bar_h * i
        parts.append(_label(left - 8, y + 17, wrapped[i]))
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{plot_w * max(0.0, min(1.0, value)):.1f}" '
            f'height="{bar_h - 8}" fill="{BAR}"><title>{escape(label)}: {100 * value:.0f} %'
            f"</title></rect>"
        )
        parts.append(_text(left + plot_w * min(1.0, value) + 4, y + 17, f"{100 * value:.0f} %"))
    if mark is not None:
        x = left + plot_w * mark
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{top + bar_h * len(labels)}" '
            f'stroke="{MARK}" stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(x, top - 12, mark_label, "middle", extra='fill-opacity="1"'))
    parts.append(
        _text(left, top + bar_h * len(labels) + 38, f"{x_axis} →", extra='font-weight="600"')
    )
    parts.append("</svg>")
    return Markup("".join(parts))
