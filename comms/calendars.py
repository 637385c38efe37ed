"""Which business clock a project's deadline is measured on: the team's for the team's own
promises, the client's for when mail goes out. One instance per pass, so a tick over many
projects reads the team calendar and the organisation's settings once and builds each clock once."""

from comms.clock import BusinessClock
from projects.models import BusinessCalendar, OrganisationSettings


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


class UnusableCalendar(ValueError):
    """A stored calendar no clock can be built from: written past the form's check (a direct write,
    an import) or left behind by a `holidays` upgrade that renamed a region."""

    def __init__(self, calendar, reason):
        super().__init__(
            f"The business calendar “{calendar.name}” cannot be used ({reason}); "
            "an admin can correct it in admin → Business calendars."
        )


class Clocks:
    def __init__(self):
        self._team_default = None
        self._organisation = None
        self._by_calendar = {}
        self._unusable = {}

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

    def organisation(self):
        """The organisation's numbers (review window, grace, response targets) as of this pass."""
        if self._organisation is None:
            self._organisation = OrganisationSettings.current()
        return self._organisation

    def of_project(self, project):
        """Both clocks a project's deadlines are measured on; raises `UnusableCalendar` if either
        calendar is, before anything is done on the project."""
        return self.team(project), self.client(project)

    def _clock(self, calendar):
        if calendar.pk in self._unusable:
            raise UnusableCalendar(calendar, self._unusable[calendar.pk])
        if calendar.pk not in self._by_calendar:
            try:
                self._by_calendar[calendar.pk] = clock_of(calendar)
            except ValueError as error:
                # Kept, so each deadline on this calendar learns why without building it again.
                self._unusable[calendar.pk] = error
                raise UnusableCalendar(calendar, error) from None
        return self._by_calendar[calendar.pk]
