"""Charts drawn on the server as SVG (no script, no library, nothing from the internet): they
show in the page, print on A4 and pass the CSP (presentation attributes, no style attributes).
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from markupsafe import Markup

INK, GRID, MUTED = "#1f2933", "#d9dee3", "#616e7c"
BAR, LINE, ALERT = "#3b6ea5", "#c0392b", "#d97706"


def _svg(width: int, height: int, title: str, body: list[str], wide: bool = False) -> Markup:
    """A wide chart fills its box; the others keep their own size (at most the box's)."""
    t = escape(title)
    size = "" if wide else f' width="{width}" height="{height}"'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"{size} '
        f'role="img" aria-label="{t}" class="chart{" wide" if wide else ""}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{t}</title>{"".join(body)}</svg>'
    )


def _text(
    x: float, y: float, s: str, size: int = 11, anchor: str = "middle", fill: str = MUTED
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(s)}</text>'
    )


def _nice(top: float) -> float:
    """A round axis maximum at or above ``top``."""
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= top:
            return m * step
    return 10 * step  # pragma: no cover


def bars_and_line(
    labels: Sequence[str],
    bars: Sequence[float | None],
    line: Sequence[float | None] | None,
    title: str,
    bar_name: str,
    line_name: str = "",
    line_mark: float | None = None,
) -> Markup:
    """Bars on the left axis (counts) and an optional line on the right axis (minutes), with an
    optional dashed mark on the line's axis (e.g. the wait target)."""
    width, height, left, right, top, bottom = 760, 260, 44, 44, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)
    bmax = _nice(max([b or 0 for b in bars] + [0]))
    lvalues = [v for v in (line or []) if v is not None] + ([line_mark] if line_mark else [])
    lmax = _nice(max(lvalues + [0]))
    body = []
    for i in range(5):
        y = top + plot_h * i / 4
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, f"{bmax * (4 - i) / 4:g}", 10, "end"))
        if line is not None:
            body.append(_text(left + plot_w + 6, y + 4, f"{lmax * (4 - i) / 4:g}", 10, "start"))
    slot = plot_w / n
    every = max(1, round(n / 16))
    for i, (label, b) in enumerate(zip(labels, bars)):
        x = left + i * slot
        h = plot_h * (b or 0) / bmax
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
        if i % every == 0:
            body.append(_text(x + slot / 2, height - bottom + 14, label, 10))
    if line is not None:
        pts = [
            (left + (i + 0.5) * slot, top + plot_h * (1 - v / lmax))
            for i, v in enumerate(line)
            if v is not None
        ]
        if pts:
            body.append(
                f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="'
                + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
                + '"/>'
            )
            body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{LINE}"/>' for x, y in pts]
        if line_mark:
            y = top + plot_h * (1 - line_mark / lmax)
            body.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                f'stroke="{ALERT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            )
    body.append(f'<rect x="{left}" y="6" width="10" height="10" fill="{BAR}"/>')
    body.append(_text(left + 14, 15, bar_name, 11, "start", INK))
    if line is not None:
        x = left + 30 + 12 * len(bar_name)
        body.append(f'<rect x="{x}" y="10" width="14" height="3" fill="{LINE}"/>')
        body.append(_text(x + 18, 15, line_name, 11, "start", INK))
    return _svg(width, height, title, body, wide=True)


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    cells: Sequence[Sequence[float]],
    title: str,
    unit: str,
) -> Markup:
    """A grid shaded by value (darker = more), each cell labelled with its value."""
    cw, ch, left, top = 44, 28, 70, 24
    width, height = left + cw * max(len(cols), 1) + 8, top + ch * max(len(rows), 1) + 24
    peak = max((v for row in cells for v in row), default=0) or 1
    body = [_text(left + i * cw + cw / 2, top - 8, c, 10) for i, c in enumerate(cols)]
    for j, (name, row) in enumerate(zip(rows, cells)):
        y = top + j * ch
        body.append(_text(left - 6, y + ch / 2 + 4, name, 11, "end", INK))
        for i, v in enumerate(row):
            level = v / peak
            light = round(245 - 170 * level)  # from near white to a deep blue
            fill = f"rgb({light},{round(250 - 130 * level)},{255 - round(60 * level)})"
            ink = "#ffffff" if level > 0.6 else INK
            body.append(
                f'<rect x="{left + i * cw}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                f'fill="{fill}"/>'
            )
            body.append(_text(left + i * cw + cw / 2 - 1, y + ch / 2 + 4, f"{v:g}", 10, fill=ink))
    body.append(_text(left, height - 6, unit, 10, "start"))
    return _svg(width, height, title, body)


def hbars(
    labels: Sequence[str], values: Sequence[float], title: str, colours: Sequence[str] | None = None
) -> Markup:
    """Horizontal bars with their values (e.g. ratings per level)."""
    width, row_h, left = 520, 26, 120
    height = row_h * max(len(labels), 1) + 10
    top = max(values, default=0) or 1
    body = []
    for i, (label, v) in enumerate(zip(labels, values)):
        y = 5 + i * row_h
        w = (width - left - 60) * v / top
        fill = colours[i] if colours else BAR
        body.append(_text(left - 8, y + 16, label, 11, "end", INK))
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{fill}"/>'
        )
        body.append(_text(left + w + 6, y + 16, f"{v:g}", 11, "start", INK))
    return _svg(width, height, title, body)
