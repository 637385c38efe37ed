"""Small server-rendered charts for the dashboard: figures in, an accessible inline SVG string out.
Pure (of Django only its gettext: the words are said in the reader's language), and free of style=""
attributes so the strict Content-Security-Policy holds."""

from __future__ import annotations

import re
import uuid
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SLOT = 44  # horizontal room per week
BAR = 30
PLOT_HEIGHT = 120
TOP = 18  # room for the value printed above the tallest bar
LEFT = 40  # room for the scale's labels
RIGHT = 8
BOTTOM = 24  # room for the week labels
BAR_FILL = "#2357d9"
INK = "#1d2330"
MUTED = "#5b6475"
LINE = "#d8dce4"


def weekly_bars(
    title: str,
    weeks: list[tuple[str, float | None]],
    *,
    unit: str = "%",
    maximum: float | None = None,
) -> str:
    """One bar per week, oldest first; `weeks` pairs a week-commencing label ("12 Jan") with its
    figure, None where there is no data (drawn as a gap). Bars are scaled to `maximum`, or to the
    largest figure when it is None. The caller marks the returned markup safe."""
    chart_id = f"chart-{slug(title)}-{uuid.uuid4().hex[:8]}"
    known = [value for _, value in weeks if value is not None]
    top = maximum if maximum is not None else max(known, default=0)
    top = top if top > 0 else 1
    width = LEFT + SLOT * max(len(weeks), 1) + RIGHT
    height = TOP + PLOT_HEIGHT + BOTTOM
    baseline = TOP + PLOT_HEIGHT

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        f' font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary(title, weeks, unit))}</desc>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{baseline}" x2="{width - RIGHT}" y2="{baseline}"'
        f' stroke="{LINE}" stroke-width="1"/>',
        f'<text class="chart-scale" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" fill="{MUTED}">'
        f"{escape(figure(top, unit))}</text>",
        f'<text class="chart-scale" x="{LEFT - 4}" y="{baseline}" text-anchor="end" fill="{MUTED}">'
        f"{escape(figure(0, unit))}</text>",
    ]
    for index, (label, value) in enumerate(weeks):
        slot_x = LEFT + SLOT * index
        middle = slot_x + SLOT / 2
        if value is None:
            tooltip = _("w/c %(week)s: no data") % {"week": label}
            parts.append(
                f'<g class="chart-gap"><title>{escape(tooltip)}</title>'
                f'<line x1="{slot_x + (SLOT - BAR) / 2}" y1="{baseline - 1}"'
                f' x2="{slot_x + (SLOT + BAR) / 2}" y2="{baseline - 1}"'
                f' stroke="{MUTED}" stroke-width="2" stroke-dasharray="3 3"/></g>'
            )
        else:
            bar_height = round(PLOT_HEIGHT * min(max(value, 0), top) / top, 2)
            bar_top = baseline - bar_height
            tooltip = _("w/c %(week)s: %(figure)s") % {"week": label, "figure": figure(value, unit)}
            parts.append(
                f'<rect class="chart-bar" x="{slot_x + (SLOT - BAR) / 2}" y="{bar_top}"'
                f' width="{BAR}" height="{bar_height}" fill="{BAR_FILL}">'
                f"<title>{escape(tooltip)}</title></rect>"
                f'<text class="chart-value" x="{middle}" y="{bar_top - 4}" text-anchor="middle"'
                f' fill="{INK}">{escape(figure(value, unit))}</text>'
            )
        parts.append(
            f'<text class="chart-label" x="{middle}" y="{baseline + 16}" text-anchor="middle"'
            f' fill="{MUTED}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def summary(title: str, weeks: list[tuple[str, float | None]], unit: str) -> str:
    """The chart in words, for screen readers: this week, the low point, the high point, the gaps."""
    count = len(weeks)
    known = [(label, value) for label, value in weeks if value is not None]
    if not known:
        return ngettext(
            "%(title)s per week, last %(count)s week: no data.",
            "%(title)s per week, last %(count)s weeks: no data.",
            count,
        ) % {"title": title, "count": count}
    latest = weeks[-1][1]
    said = [
        _("%(figure)s this week") % {"figure": figure(latest, unit)}
        if latest is not None
        else _("no data this week")
    ]
    # The most recent low and high are the ones a lead can still act on.
    low_label, low = min(reversed(known), key=lambda week: week[1])
    high_label, high = max(reversed(known), key=lambda week: week[1])
    said.append(_("lowest %(figure)s in week of %(week)s") % {"figure": figure(low, unit), "week": low_label})
    if high != low:
        said.append(
            _("highest %(figure)s in week of %(week)s") % {"figure": figure(high, unit), "week": high_label}
        )
    gaps = count - len(known)
    if gaps:
        said.append(
            ngettext("no data for %(count)s week", "no data for %(count)s weeks", gaps) % {"count": gaps}
        )
    return ngettext(
        "%(title)s per week, last %(count)s week: %(summary)s.",
        "%(title)s per week, last %(count)s weeks: %(summary)s.",
        count,
    ) % {"title": title, "count": count, "summary": ", ".join(said)}


def figure(value: float, unit: str) -> str:
    """92 → "92%"; 4.5 with unit "updates" → "4.5 updates"."""
    number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "chart"
