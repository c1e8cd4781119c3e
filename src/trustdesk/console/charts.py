"""Charts drawn on the server as SVG: no script, no CDN, nothing the strict CSP would
block (presentation attributes, not style attributes). Each bar carries a ``<title>``,
the browser's own tooltip, with its label and value: counts and names of channels or
teams, never anything of a customer. Every value goes through ``format_html``."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW, GAP, LABEL, WIDTH = 22, 6, 130, 520
COLOURS = ("#3b5bdb", "#0ca678", "#f59f00", "#e8590c", "#ae3ec9", "#1098ad", "#495057")
_BAR = ('<g><title>{}: {}</title><text x="{}" y="{}" text-anchor="end" font-size="12" '
        'fill="#344054">{}</text><rect x="{}" y="{}" width="{}" height="{}" rx="3" '
        'fill="{}"></rect><text x="{}" y="{}" font-size="12" fill="#475467">{}</text></g>')


def bars(rows: list[tuple[str, float]], *, unit: str = "", title: str = "") -> SafeString:
    """A horizontal bar chart of (label, value) rows, values from 0."""
    rows = list(rows)
    if not rows:
        return format_html('<p class="muted small">{}</p>', "No data.")
    top = max((v for _, v in rows), default=0) or 1
    plot = WIDTH - LABEL - 60
    height = len(rows) * (ROW + GAP) + GAP
    cells = []
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (ROW + GAP)
        w = max(1, round(plot * value / top)) if value else 0
        shown = f"{value:g}{unit}"
        text_y = round(y + ROW * 0.7)
        cells.append((label, shown, LABEL - 8, text_y, label, LABEL, y, w, ROW,
                      COLOURS[i % len(COLOURS)], LABEL + w + 6, text_y, shown))
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-label="{}">{}</svg>', WIDTH, height, WIDTH, height, title,
        format_html_join("", _BAR, cells))


def meter(rate: float | None, *, label: str) -> SafeString:
    """One share (0..1) as a filled bar with its percentage."""
    if rate is None:
        return format_html('<p class="muted small">{}</p>',
                           "No targets ended in this period.")
    width, height = 360, 26
    colour = "#0ca678" if rate >= 0.9 else "#f59f00" if rate >= 0.75 else "#e03131"
    pct = f"{rate * 100:.0f}%"
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-label="{} {}"><g><title>{}: {}</title>'
        '<rect x="0" y="0" width="{}" height="{}" rx="4" fill="#eef1f5"></rect>'
        '<rect x="0" y="0" width="{}" height="{}" rx="4" fill="{}"></rect>'
        '<text x="{}" y="18" font-size="13" fill="#344054">{}</text></g></svg>',
        width + 60, height, width + 60, height, label, pct, label, pct, width, height,
        round(width * rate), height, colour, width + 8, pct)
