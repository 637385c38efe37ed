"""Search across everything said to or by a client: messages, updates, decisions, commitments and
escalations, within the projects a person may see.

A search ranks at most the newest RANKED_AT_MOST matches, and its hits say when there were more:
every match ranked, or merely dated, is a visit to its row (the word index knows neither rank nor
date), so a common word across a thousand projects cost in proportion to the tens of thousands of
entries it occurs in, for the 20 shown.

On PostgreSQL the stored weighted vectors (projects/fulltext.py) are matched through their GIN
indexes, and the newest matches ranked with ts_rank in one statement over the five tables. When
the planner expects far more matches than are ranked, that statement reads a window back from
the end of the search instead of the whole range, narrowed by the (project, said) indexes before
a row is read, and widened if it holds too few. ts_headline then marks up only the hits shown.
On SQLite every word must occur as a substring, ranked in Python the same way.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import mark_safe

from comms.models import Message, Update
from comms.search_text import (
    MARK_START,
    MARK_STOP,
    excerpt,
    mark_words,
    marked_html,
    query_words,
    substring_rank,
)
from escalations.models import Escalation
from projects.fulltext import SEARCH_CONFIGS, TEXT_SEARCH_CONFIG
from projects.models import Client, Commitment, Contact, Decision, OrganisationSettings, Project

RESULTS = 20
RANKED_AT_MOST = 1_000  # a broad search's cost grows with it (bench/search.py)
WINDOW_MARGIN = 2  # how much more a window is made to hold than is ranked, so it seldom falls short


@dataclass(frozen=True)
class Source:
    """One kind of record entry: what it weighs as title and as body (as its trigger does),
    when it was said, and which rows count as said to or by the client."""

    kind: str
    model: type
    said_at: object
    title: tuple
    body: tuple
    scope: Q

    @property
    def snippet_columns(self):
        """The heading shown is the first title column; the snippet comes from the rest."""
        return self.title[1:] + self.body


SOURCES = {
    source.kind: source
    for source in [
        Source(
            "message",
            Message,
            Coalesce("sent_at", "created_at"),
            ("subject",),
            ("body_text",),
            # Client mail, and our mail that is not a copy of an update (the update is found itself).
            Q(project__isnull=False, user__isnull=True)
            & (Q(direction=Message.Direction.IN) | Q(update__isnull=True)),
        ),
        Source(
            "update",
            Update,
            Coalesce("sent_at", "created_at"),
            ("subject", "status_line"),
            ("technical_body",),
            ~Q(state=Update.State.DISCARDED),
        ),
        Source("decision", Decision, F("made_at"), ("summary",), (), Q()),
        Source(
            "commitment", Commitment, F("created_at"), ("description",), ("waiting_for", "recovery_plan"), Q()
        ),
        Source(
            "escalation",
            Escalation,
            F("raised_at"),
            ("title",),
            (
                "description",
                "documentation",
                "resolution",
                "post_mortem_what",
                "post_mortem_why",
                "post_mortem_prevention",
            ),
            Q(),
        ),
    ]
}
KINDS = tuple(SOURCES)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    project_id: int
    project: str
    client: str
    said_at: dt.datetime
    title: str  # safe HTML: escaped, matches in <mark>
    snippet: str
    rank: float


@dataclass(frozen=True)
class Asked:
    """The words asked, as one tsquery in each language in use: each row is stemmed in its own
    (projects/fulltext.py), so "Migration" finds a German "Migrationen" and an English
    "migrating" alike."""

    text: str
    configs: tuple[str, ...]

    @property
    def sql(self):
        return " || ".join(["websearch_to_tsquery(%s::regconfig, %s)"] * len(self.configs))

    @property
    def params(self):
        return [param for config in self.configs for param in (config, self.text)]


def configs_in_use():
    """The text search configurations of the languages anyone on the record reads, in one query."""
    languages = Contact.objects.values_list("language").union(
        Client.objects.values_list("language"), OrganisationSettings.objects.values_list("language")
    )
    return tuple(sorted({SEARCH_CONFIGS[code] for (code,) in languages if code in SEARCH_CONFIGS})) or (
        TEXT_SEARCH_CONFIG,
    )


class Hits(list):
    """The hits shown, best first. `ranked_of` is None when every match was ranked; past the cap
    it is how many of the newest matches were, and the older ones were left out."""

    def __init__(self, hits=(), *, ranked_of=None):
        super().__init__(hits)
        self.ranked_of = ranked_of

    @property
    def capped(self):
        return self.ranked_of is not None


def search_record(projects, text, *, kinds=KINDS, since=None, until=None, limit=RESULTS):
    """The best `limit` of the newest RANKED_AT_MOST entries for `text` in the record of `projects`
    (a Project queryset), said in [since, until), best first and newest first among equals."""
    sources = [SOURCES[kind] for kind in kinds]
    if not text.strip() or not sources:
        return Hits()
    # A plain list of ids: the planner then sees how few projects are meant, and narrows each
    # table by its project index before the word matches are read.
    chosen = list(projects.order_by().values_list("pk", "starts_on"))
    if not chosen:
        return Hits()
    project_ids = [pk for pk, _ in chosen]
    if connection.vendor == "postgresql":
        first_start = min(starts_on for _, starts_on in chosen)
        asked = Asked(text, configs_in_use())
        return _ranked_by_postgres(sources, project_ids, first_start, asked, since, until, limit)
    return _ranked_by_substrings(sources, project_ids, text, since, until, limit)


def _said(source, project_ids, since, until):
    records = (
        source.model.objects.filter(source.scope, project_id__in=project_ids)
        .annotate(said_at=source.said_at)
        .order_by()
    )
    if since:
        records = records.filter(said_at__gte=since)
    if until:
        records = records.filter(said_at__lt=until)
    return records


@functools.cache
def _matching_part(kind, tsquery):
    """One kind's newest matches, as SQL compiled once from its Source (and the shape of the
    query): building five querysets per search cost more than PostgreSQL took to answer a narrow
    one."""
    source = SOURCES[kind]
    records = source.model.objects.filter(source.scope)
    compiler = records.query.get_compiler(connection=connection)
    scope, scope_params = compiler.compile(records.query.where) if source.scope else ("TRUE", [])
    said, said_params = compiler.compile(source.said_at.resolve_expression(records.query))
    table = connection.ops.quote_name(source.model._meta.db_table)
    sql = (
        f"SELECT %s AS entry_kind, {table}.id, {said} AS said_at, {table}.search_vector AS vector "
        f"FROM {table}, (SELECT {tsquery} AS query) asked "
        f"WHERE {table}.project_id = ANY(%s::bigint[]) AND {table}.search_vector @@ asked.query AND {scope} "
        f"AND (%s::timestamptz IS NULL OR {said} >= %s) AND (%s::timestamptz IS NULL OR {said} < %s) "
        f"ORDER BY said_at DESC, id DESC LIMIT %s"
    )
    return sql, tuple(said_params), tuple(scope_params)


def _matches(sources, project_ids, asked, since, until, each):
    """The statement and parameters of every kind's newest `each` matches (all when None)."""
    # One array literal: a list would be sent as ARRAY[1, 2, …], a thousand constants for the
    # server to parse in each part.
    projects = "{" + ",".join(str(pk) for pk in project_ids) + "}"
    parts, params = [], []
    for source in sources:
        sql, said_params, scope_params = _matching_part(source.kind, asked.sql)
        parts.append(sql)
        params += [source.kind, *said_params, *asked.params, projects, *scope_params]
        params += [since, *said_params, since, until, *said_params, until, each]
    return "SELECT * FROM (" + " UNION ALL ".join(f"({part})" for part in parts) + ") matches", params


def _expected_matches(sources, project_ids, asked, since, until):
    """How many entries the planner expects to match, from its statistics of each word."""
    statement, params = _matches(sources, project_ids, asked, since, until, None)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}", params)
        return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]


def _best_matches(sources, project_ids, asked, since, until, limit):
    """The best `limit` of the newest RANKED_AT_MOST matches, each with how many matched (counted
    to one past the cap): only those newest are read for their rank."""
    matches, params = _matches(sources, project_ids, asked, since, until, RANKED_AT_MOST + 1)
    statement = (
        f"WITH newest AS MATERIALIZED ({matches} ORDER BY said_at DESC, id DESC LIMIT %s) "
        f"SELECT entry_kind, id, said_at, ts_rank(vector, {asked.sql}) AS rank, "
        "(SELECT count(*) FROM newest) AS matched "
        "FROM (SELECT * FROM newest ORDER BY said_at DESC, id DESC LIMIT %s) ranked "
        "ORDER BY rank DESC, said_at DESC, id DESC LIMIT %s"
    )
    params += [RANKED_AT_MOST + 1, *asked.params, RANKED_AT_MOST, limit]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


HEADING_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"
SNIPPET_OPTIONS = f'StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=20, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'


@functools.cache
def _shown_part(kind, tsquery):
    """One kind's hits as shown: project, client, the heading marked whole and a snippet of the
    rest (ts_headline), for the few ids ranked best."""
    source = SOURCES[kind]
    quote = connection.ops.quote_name
    table = quote(source.model._meta.db_table)
    heading = f"ts_headline(%s::regconfig, {table}.{quote(source.title[0])}, asked.query, %s)"
    snippet = "''"
    if source.snippet_columns:
        text = ", ".join(f"{table}.{quote(column)}" for column in source.snippet_columns)
        snippet = f"ts_headline(%s::regconfig, concat_ws(' ', {text}), asked.query, %s)"
    return (
        f"SELECT %s AS entry_kind, {table}.id, {table}.project_id, project.name AS project_name, "
        f"client.name AS client_name, {heading} AS heading, {snippet} AS snippet "
        f"FROM {table} JOIN {quote(Project._meta.db_table)} project ON project.id = {table}.project_id "
        f"JOIN {quote(Client._meta.db_table)} client ON client.id = project.client_id, "
        f"(SELECT {tsquery} AS query) asked "
        f"WHERE {table}.id = ANY(%s)"
    )


def _shown(best, asked):
    """The hits marked up; words are marked as the first language in use reads them."""
    parts, params = [], []
    marked_as = asked.configs[0]
    for kind in sorted({hit["entry_kind"] for hit in best}):
        parts.append(_shown_part(kind, asked.sql))
        params += [kind, marked_as, HEADING_OPTIONS]
        if SOURCES[kind].snippet_columns:
            params += [marked_as, SNIPPET_OPTIONS]
        params += [*asked.params, [hit["id"] for hit in best if hit["entry_kind"] == kind]]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"({part})" for part in parts), params)
        names = [column.name for column in cursor.description]
        return {(row[0], row[1]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _newest_best_matches(sources, project_ids, first_start, asked, since, until, limit):
    """`_best_matches` over [since, until), read from a window back from its end when the planner
    expects so many matches that a window holding WINDOW_MARGIN times as many as are ranked (were
    they spread evenly since the first project started) is narrower than the range. A window
    holding more than RANKED_AT_MOST has the newest of the whole range; one holding fewer is
    widened by the pace it showed, until it is the whole range."""
    start = since or dt.datetime.combine(first_start, dt.time(), tzinfo=dt.UTC)
    end = until or timezone.now()
    expected = _expected_matches(sources, project_ids, asked, since, until)
    reach = (end - start) * (RANKED_AT_MOST * WINDOW_MARGIN / max(expected, 1))
    while dt.timedelta(0) < reach < end - start:
        best = _best_matches(sources, project_ids, asked, end - reach, until, limit)
        matched = best[0]["matched"] if best else 0
        if matched > RANKED_AT_MOST:
            return best
        if not matched:
            break
        reach *= (RANKED_AT_MOST + 1) * WINDOW_MARGIN / matched
    return _best_matches(sources, project_ids, asked, since, until, limit)


def _ranked_by_postgres(sources, project_ids, first_start, asked, since, until, limit):
    best = _newest_best_matches(sources, project_ids, first_start, asked, since, until, limit)
    if not best:
        return Hits()
    shown = _shown(best, asked)
    hits = [_hit({**shown[match["entry_kind"], match["id"]], **match}) for match in best]
    return Hits(hits, ranked_of=_ranked_of(best[0]["matched"]))


def _ranked_by_substrings(sources, project_ids, text, since, until, limit):
    words = query_words(text)
    if not words:
        return Hits()
    matches = []
    for source in sources:
        columns = source.title + source.body
        records = _said(source, project_ids, since, until)
        for word in words:
            anywhere = Q()
            for column in columns:
                anywhere |= Q(**{f"{column}__icontains": word})
            records = records.filter(anywhere)
        rows = records.annotate(
            entry_kind=Value(source.kind),
            project_name=F("project__name"),
            client_name=F("project__client__name"),
        ).values("entry_kind", "id", "said_at", "project_id", "project_name", "client_name", *columns)
        matches += [(source, row) for row in rows.order_by("-said_at", "-id")[: RANKED_AT_MOST + 1]]
    matches.sort(key=lambda match: (match[1]["said_at"], match[1]["id"]), reverse=True)
    found = []
    for source, row in matches[:RANKED_AT_MOST]:
        title = " ".join(row[column] for column in source.title)
        body = " ".join(row[column] for column in source.body)
        row["rank"] = substring_rank(words, title, body)
        if row["rank"]:
            row["heading"] = mark_words(row[source.title[0]], words)
            row["snippet"] = excerpt(" ".join(row[c] for c in source.snippet_columns), words)
            found.append(row)
    found.sort(key=lambda row: (row["rank"], row["said_at"], row["id"]), reverse=True)
    return Hits([_hit(row) for row in found[:limit]], ranked_of=_ranked_of(len(matches)))


def _ranked_of(matched):
    """What the hits say of the cap, from how many matches were read (at most one past it)."""
    return RANKED_AT_MOST if matched > RANKED_AT_MOST else None


def _hit(row):
    """A hit from one row of either path: its rank, where it was said, and its marked-up text."""
    return Hit(
        kind=row["entry_kind"],
        id=row["id"],
        project_id=row["project_id"],
        project=row["project_name"],
        client=row["client_name"],
        said_at=row["said_at"],
        title=mark_safe(marked_html(row["heading"])),  # marked_html escapes all but its own <mark>s
        snippet=mark_safe(marked_html(row["snippet"])),
        rank=round(row["rank"], 4),
    )
