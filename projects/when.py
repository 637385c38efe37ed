"""How an instant is written for people: wall-clock time in a zone, with the zone's city beside
it ("Tue 24 Nov 09:00 London"), the one format of the dashboard, the portal, the admin lists and mail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Spelled out rather than read from the locale, so a time reads the same on every worker.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(instant: dt.datetime, zone: str | dt.tzinfo) -> str:
    """'Tue 24 Nov 09:00 London': `instant` on the wall clock of `zone` (an IANA name or tzinfo)."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return f"{wall_clock(instant, zone)} {zone_label(zone)}"


def wall_clock(instant: dt.datetime, zone: str | dt.tzinfo) -> str:
    """'Tue 24 Nov 09:00': for a second time in a sentence whose first one named the zone."""
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone, so the wall-clock time it means is unknown.")
    local = instant.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local:%H:%M}"


def zone_label(zone: str | dt.tzinfo) -> str:
    """The city part of an IANA name: 'Europe/London' → 'London', 'America/New_York' → 'New York'."""
    name = zone if isinstance(zone, str) else getattr(zone, "key", None) or str(zone)
    return name.rsplit("/", 1)[-1].replace("_", " ")
