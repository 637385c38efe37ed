"""Text bound for a mail header stays on one line: typed by the team it is refused, sent by a
client it is folded."""

import pytest
from django.core.exceptions import ValidationError

from projects.header_text import fold_to_line, single_line


@pytest.mark.parametrize(
    "text",
    ["Build status\r\nBcc: everyone@example.com", "Build status\nweek 3", "Build\rstatus", "Build\x00status"],
)
def test_a_line_break_or_nul_in_text_for_a_header_is_refused(text):
    with pytest.raises(ValidationError, match="one line"):
        single_line(text)


def test_one_line_of_text_with_any_punctuation_or_script_is_accepted():
    single_line("Harbour & Finch — “Fleet” <dashboard>: week 3, 50% done ✓")


def test_client_text_is_folded_to_one_line_where_it_goes_into_a_header():
    assert fold_to_line("Server down\r\nBcc: everyone@example.com\x00 now") == (
        "Server down Bcc: everyone@example.com now"
    )
    assert fold_to_line("  Re:\u2028 the\tinvoice \n") == "Re: the invoice"
    assert fold_to_line("Plain subject") == "Plain subject"
