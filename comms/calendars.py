"""Which business clock a project's deadline is measured on: the team's for the team's own
promises, the client's for when mail goes out. One instance per pass, so a tick over many
projects reads the team calendar once and builds each clock once."""

from comms.clock import BusinessClock
from projects.models import BusinessCalendar


def clock_of(calendar):
    """A stored business calendar as a pure business clock, for deadline arithmetic."""
    return BusinessClock(
        timezone=calendar.time_zone,
        workdays=frozenset(calendar.workday_numbers),
        opens=calendar.opens_at,
        closes=calendar.closes_at,
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
    )


class Clocks:
    def __init__(self):
        self._team_default = None
        self._by_calendar = {}

    def team(self, project):
        calendar = project.team_calendar if project.team_calendar_id else self.team_default_calendar()
        return self._clock(calendar)

    def client(self, project):
        return self._clock(project.client.calendar)

    def of(self, calendar):
        return self._clock(calendar)

    def team_default_calendar(self):
        if self._team_default is None:
            self._team_default = BusinessCalendar.team_default()
        return self._team_default

    def _clock(self, calendar):
        if calendar.pk not in self._by_calendar:
            self._by_calendar[calendar.pk] = clock_of(calendar)
        return self._by_calendar[calendar.pk]
