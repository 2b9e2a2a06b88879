"""Small SVG bar charts drawn on the server: no JavaScript library, no CDN, readable offline."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 560, 22, 6, 150


def bar_chart(title: str, items: list[tuple[str, float]], unit: str = "") -> Markup:
    """A horizontal bar chart; labels and the title are escaped."""
    top = max((value for _, value in items), default=0) or 1
    height = len(items) * (BAR_HEIGHT + GAP) + 30
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(items):
        y = 10 + index * (BAR_HEIGHT + GAP)
        length = (WIDTH - LABEL_WIDTH - 70) * value / top
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="3"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{escape(f"{value:g}{unit}")}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
