"""The pure text side of search: query words, highlighting, snippets, substring ranking, project weeks."""

import datetime as dt
from zoneinfo import ZoneInfo

from comms.search_text import excerpt, mark_words, marked_html, project_week, query_words, substring_rank

BERLIN = ZoneInfo("Europe/Berlin")


def test_query_words_drop_operators_exclusions_and_repeats():
    assert query_words('"Stripe webhook" OR stripe -paypal') == ["stripe", "webhook"]


def test_highlighted_text_is_escaped_before_it_is_marked():
    assert marked_html(mark_words("Fix <b>login</b> & login page", ["login"])) == (
        "Fix &lt;b&gt;<mark>login</mark>&lt;/b&gt; &amp; <mark>login</mark> page"
    )


def test_excerpt_centres_on_the_first_match_and_says_what_is_left_out():
    text = " ".join(f"w{i}" for i in range(100)) + " invoice " + " ".join(f"v{i}" for i in range(100))
    snippet = excerpt(text, ["invoice"], length=12)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "\x02invoice\x03" in snippet
    assert len(snippet.split()) == 14  # twelve words and two ellipses


def test_excerpt_of_text_without_the_words_is_its_start():
    assert excerpt("short note", ["absent"]) == "short note"


def test_substring_rank_weighs_the_title_above_the_body_and_needs_every_word():
    assert substring_rank(["invoice"], "Invoice for May", "") > substring_rank(
        ["invoice"], "May", "the invoice"
    )
    assert substring_rank(["invoice", "june"], "Invoice for May", "") == 0


def test_week_one_is_the_seven_days_from_the_start_in_the_clients_zone():
    start, end = project_week(dt.date(2026, 3, 2), 1, BERLIN)
    assert start == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 8, 23, 0, tzinfo=dt.UTC)


def test_a_week_across_the_spring_clock_change_is_an_hour_short():
    start, end = project_week(dt.date(2026, 3, 2), 4, BERLIN)  # 23–30 March; clocks go forward on the 29th
    assert start == dt.datetime(2026, 3, 22, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 29, 22, 0, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(days=7, hours=-1)
