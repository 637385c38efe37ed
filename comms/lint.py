"""The lint beside the draft editor: what a careful lead would fix before a client reads it.
Pure: text and plain facts in, plain-language findings out; a body in any language the drafts are
written in, its sections looked for in that language."""

from __future__ import annotations

import re

from django.utils import translation

from comms.drafts import BUILD_SECTIONS

BUILD_WORD_LIMIT = 200
# Words a client should not have to decode; the org can extend the list in settings.
DEFAULT_JARGON = (
    "API",
    "CI",
    "CD",
    "sprint",
    "backlog",
    "refactor",
    "deploy",
    "merge",
    "PR",
    "ticket",
    "staging",
    "endpoint",
    "regression",
    "technical debt",
    "MVP",
    "scope creep",
    "velocity",
    "story points",
)


def lint(
    kind, body, *, open_commitments=(), done_commitments=(), jargon=DEFAULT_JARGON, visuals=0, language="en"
):
    """Findings for a draft of `kind` whose `body` is in `language`; an empty list means nothing to
    fix. `done_commitments` are promises done since a person edited the draft: text that still
    names them may be stale; `visuals` counts the images and links added to it."""
    with translation.override(language):
        sections = [str(section) for section in BUILD_SECTIONS]
    findings = []
    words = len(re.findall(r"\b\w[\w'’-]*\b", body))
    if kind == "build_status":
        if words > BUILD_WORD_LIMIT:
            findings.append(f"{words} words: a build update stays under {BUILD_WORD_LIMIT}.")
        missing = [section for section in sections if section.lower() not in body.lower()]
        if missing:
            findings.append(f"Missing section{'s' if len(missing) > 1 else ''}: {', '.join(missing)}.")
        if not visuals and not re.search(r"https?://", body):
            findings.append("Nothing to show: add a screenshot, a mockup or a staging link.")
    used = sorted(
        {term for term in jargon if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", body, re.IGNORECASE)}
    )
    if used:
        findings.append(f"Jargon the client may not know: {', '.join(used)}.")
    stale = [promise for promise in done_commitments if promise.lower() in body.lower()]
    if stale:
        findings.append(f"Done since your edit, check what the text says of it: {'; '.join(stale)}.")
    unmentioned = [promise for promise in open_commitments if promise.lower() not in body.lower()]
    if unmentioned:
        findings.append(f"Promise not mentioned: {'; '.join(unmentioned)}.")
    return findings
