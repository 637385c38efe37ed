"""Search across everything said to or by a client: messages, updates, decisions, commitments and
escalations, within the projects a person may see.

On PostgreSQL the stored weighted vectors (projects/fulltext.py) are matched through their GIN
indexes and ranked with ts_rank in one statement over the five tables; ts_headline then marks up
only the hits shown, in a second. On SQLite every word must occur as a substring, ranked in Python
the same way.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
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
from projects.fulltext import TEXT_SEARCH_CONFIG
from projects.models import Client, Commitment, Decision, Project

RESULTS = 20
SUBSTRING_CANDIDATES = 500  # per kind, newest first, for SQLite's ranking in Python


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


def search_record(projects, text, *, kinds=KINDS, since=None, until=None, limit=RESULTS):
    """The best `limit` entries for `text` in the record of `projects` (a Project queryset),
    said in [since, until), best first and newest first among equals."""
    sources = [SOURCES[kind] for kind in kinds]
    if not text.strip() or not sources:
        return []
    # A plain list of ids: the planner then sees how few projects are meant, and narrows each
    # table by its project index before the word matches are read.
    project_ids = list(projects.order_by().values_list("pk", flat=True))
    if not project_ids:
        return []
    if connection.vendor == "postgresql":
        return _ranked_by_postgres(sources, project_ids, text, since, until, limit)
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
def _ranking_part(kind):
    """One kind's share of the ranking statement, as SQL compiled once from its Source: building
    five querysets per search cost more than PostgreSQL took to answer a narrow one."""
    source = SOURCES[kind]
    records = source.model.objects.filter(source.scope)
    compiler = records.query.get_compiler(connection=connection)
    scope, scope_params = compiler.compile(records.query.where) if source.scope else ("TRUE", [])
    said, said_params = compiler.compile(source.said_at.resolve_expression(records.query))
    table = connection.ops.quote_name(source.model._meta.db_table)
    sql = (
        f"SELECT %s AS entry_kind, {table}.id, {said} AS said_at, ts_rank({table}.search_vector, query) AS rank "
        f"FROM {table}, websearch_to_tsquery(%s, %s) query "
        f"WHERE {table}.project_id = ANY(%s) AND {table}.search_vector @@ query AND {scope} "
        f"AND (%s::timestamptz IS NULL OR {said} >= %s) AND (%s::timestamptz IS NULL OR {said} < %s)"
    )
    return sql, tuple(said_params), tuple(scope_params)


def _best_matches(sources, project_ids, text, since, until, limit):
    parts, params = [], []
    for source in sources:
        sql, said_params, scope_params = _ranking_part(source.kind)
        parts.append(sql)
        params += [source.kind, *said_params, TEXT_SEARCH_CONFIG, text, project_ids, *scope_params]
        params += [since, *said_params, since, until, *said_params, until]
    statement = " UNION ALL ".join(f"({part})" for part in parts)
    with connection.cursor() as cursor:
        cursor.execute(f"{statement} ORDER BY rank DESC, said_at DESC, id DESC LIMIT %s", [*params, limit])
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


HEADING_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"
SNIPPET_OPTIONS = f'StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=20, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "'


@functools.cache
def _shown_part(kind):
    """One kind's hits as shown: project, client, the heading marked whole and a snippet of the
    rest (ts_headline), for the few ids ranked best."""
    source = SOURCES[kind]
    quote = connection.ops.quote_name
    table = quote(source.model._meta.db_table)
    heading = f"ts_headline(%s::regconfig, {table}.{quote(source.title[0])}, query, %s)"
    snippet = "''"
    if source.snippet_columns:
        text = ", ".join(f"{table}.{quote(column)}" for column in source.snippet_columns)
        snippet = f"ts_headline(%s::regconfig, concat_ws(' ', {text}), query, %s)"
    return (
        f"SELECT %s AS entry_kind, {table}.id, {table}.project_id, project.name AS project_name, "
        f"client.name AS client_name, {heading} AS heading, {snippet} AS snippet "
        f"FROM {table} JOIN {quote(Project._meta.db_table)} project ON project.id = {table}.project_id "
        f"JOIN {quote(Client._meta.db_table)} client ON client.id = project.client_id, "
        f"websearch_to_tsquery(%s, %s) query "
        f"WHERE {table}.id = ANY(%s)"
    )


def _shown(best, text):
    parts, params = [], []
    for kind in sorted({hit["entry_kind"] for hit in best}):
        parts.append(_shown_part(kind))
        params += [kind, TEXT_SEARCH_CONFIG, HEADING_OPTIONS]
        if SOURCES[kind].snippet_columns:
            params += [TEXT_SEARCH_CONFIG, SNIPPET_OPTIONS]
        params += [TEXT_SEARCH_CONFIG, text, [hit["id"] for hit in best if hit["entry_kind"] == kind]]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"({part})" for part in parts), params)
        names = [column.name for column in cursor.description]
        return {(row[0], row[1]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _ranked_by_postgres(sources, project_ids, text, since, until, limit):
    best = _best_matches(sources, project_ids, text, since, until, limit)
    if not best:
        return []
    shown = _shown(best, text)
    return [_hit({**shown[match["entry_kind"], match["id"]], **match}) for match in best]


def _ranked_by_substrings(sources, project_ids, text, since, until, limit):
    words = query_words(text)
    if not words:
        return []
    found = []
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
        for row in rows.order_by("-said_at", "-id")[:SUBSTRING_CANDIDATES]:
            title = " ".join(row[column] for column in source.title)
            body = " ".join(row[column] for column in source.body)
            row["rank"] = substring_rank(words, title, body)
            if row["rank"]:
                row["heading"] = mark_words(row[source.title[0]], words)
                row["snippet"] = excerpt(" ".join(row[c] for c in source.snippet_columns), words)
                found.append(row)
    found.sort(key=lambda row: (row["rank"], row["said_at"], row["id"]), reverse=True)
    return [_hit(row) for row in found[:limit]]


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
