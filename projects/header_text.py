"""Text that goes into a mail header (a subject, a name in one) stays on one line: a line break there
ends the header and can start another. What the team types is refused; what a client wrote is folded,
as they cannot be asked to write it again."""

import re

from django.core.exceptions import ValidationError

# CR, LF and NUL, and every other control character or line separator some mail code reads as one.
LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def single_line(value):
    if LINE_BREAKING.search(value):
        raise ValidationError(
            "Keep this on one line: it is used in email subjects, which cannot hold line breaks "
            "or control characters.",
            code="single_line",
        )


def fold_to_line(text):
    """A client's text as one line, for a header: each line break or control character is a space,
    and a run of spaces one."""
    return " ".join(LINE_BREAKING.sub(" ", text).split())
