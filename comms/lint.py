"""The lint beside the draft editor: what a careful lead would fix before a client reads it.
Pure: text and plain facts in, plain-language findings out; a body in any language the drafts are
written in, its sections looked for in that language."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    # Only the section names are the draft's language; the findings are the team's, worded in the
    # language active outside this block.
    with translation.override(language):
        sections = [str(section) for section in BUILD_SECTIONS]
    findings = []
    words = len(re.findall(r"\b\w[\w'’-]*\b", body))
    if kind == "build_status":
        if words > BUILD_WORD_LIMIT:
            findings.append(
                ngettext(
                    "%(words)s word: a build update stays under %(limit)s.",
                    "%(words)s words: a build update stays under %(limit)s.",
                    words,
                )
                % {"words": words, "limit": BUILD_WORD_LIMIT}
            )
        missing = [section for section in sections if section.lower() not in body.lower()]
        if missing:
            findings.append(
                ngettext("Missing section: %(sections)s.", "Missing sections: %(sections)s.", len(missing))
                % {"sections": ", ".join(missing)}
            )
        if not visuals and not re.search(r"https?://", body):
            findings.append(_("Nothing to show: add a screenshot, a mockup or a staging link."))
    used = sorted(
        {term for term in jargon if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", body, re.IGNORECASE)}
    )
    if used:
        findings.append(_("Jargon the client may not know: %(terms)s.") % {"terms": ", ".join(used)})
    stale = [promise for promise in done_commitments if promise.lower() in body.lower()]
    if stale:
        findings.append(
            _("Done since your edit, check what the text says of it: %(promises)s.")
            % {"promises": "; ".join(stale)}
        )
    unmentioned = [promise for promise in open_commitments if promise.lower() not in body.lower()]
    if unmentioned:
        findings.append(_("Promise not mentioned: %(promises)s.") % {"promises": "; ".join(unmentioned)})
    return findings
