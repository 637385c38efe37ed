"""The pure text side of searching the record: the words of a query, marked-up titles and snippets
safe to show as HTML, the substring ranking SQLite falls back to, and the dates of a project week.

Matches are delimited with two control characters while text is still plain, so escaping for HTML
happens once, after highlighting, whichever database found the match."""

import datetime as dt
import re
from html import escape

MARK_START, MARK_STOP = "\x02", "\x03"
TITLE_WEIGHT, BODY_WEIGHT = 1.0, 0.4  # as PostgreSQL's ts_rank weighs A against B
SNIPPET_WORDS = 24

_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(text):
    """The words a substring search looks for: quotes and operators dropped, each word once,
    excluded (-word) words left out."""
    words = []
    for token in text.split():
        if token.startswith("-") or token.upper() == "OR":
            continue
        for word in _WORD.findall(token.lower()):
            if word not in words:
                words.append(word)
    return words


def marked_html(text):
    """Text delimited with MARK_START/MARK_STOP as escaped HTML with <mark> elements."""
    return escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")


def _pattern(words):
    return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.I)


def mark_words(text, words):
    """Every occurrence of any of the words delimited for highlighting."""
    if not words or not text:
        return text
    return _pattern(words).sub(lambda found: f"{MARK_START}{found.group(0)}{MARK_STOP}", text)


def excerpt(text, words, *, length=SNIPPET_WORDS):
    """About `length` words of the text around the first match (its start when nothing matches),
    with the matches delimited; an ellipsis marks text left out."""
    tokens = text.split()
    if not tokens:
        return ""
    first = 0
    if words:
        pattern = _pattern(words)
        first = next((i for i, token in enumerate(tokens) if pattern.search(token)), 0)
    start = max(0, min(first - length // 3, len(tokens) - length))
    chosen = " ".join(tokens[start : start + length])
    return (
        ("… " if start else "") + mark_words(chosen, words) + (" …" if start + length < len(tokens) else "")
    )


def substring_rank(words, title, body):
    """How well a title and body answer the words, by occurrences weighed as the stored vectors
    weigh them; 0 when a word is missing from both."""
    title, body = title.lower(), body.lower()
    score = 0.0
    for word in words:
        in_title, in_body = title.count(word), body.count(word)
        if not in_title and not in_body:
            return 0.0
        score += TITLE_WEIGHT * in_title + BODY_WEIGHT * in_body
    return score


def project_week(starts_on, week, zone):
    """Week N of a project: N=1 is the seven days from its start date, midnight to midnight in
    the given zone (the client's), as UTC instants."""
    first_day = starts_on + dt.timedelta(weeks=week - 1)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(first_day + dt.timedelta(weeks=1), dt.time(), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
