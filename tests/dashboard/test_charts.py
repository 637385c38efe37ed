"""The dashboard's weekly bar charts: well-formed, accessible SVG whose bars say what the figures say."""

import xml.etree.ElementTree as ET

import pytest

from dashboard.charts import weekly_bars

SVG = "{http://www.w3.org/2000/svg}"

TWELVE_WEEKS = [
    ("10 Nov", 95),
    ("17 Nov", 90),
    ("24 Nov", None),
    ("1 Dec", 88),
    ("8 Dec", 100),
    ("15 Dec", 85),
    ("22 Dec", None),
    ("29 Dec", 80),
    ("5 Jan", 75),
    ("12 Jan", 70),
    ("19 Jan", 84),
    ("26 Jan", 92),
]


def parse(svg):
    return ET.fromstring(svg)


def bars(root):
    return root.findall(f"{SVG}rect")


def test_the_chart_is_well_formed_svg_announced_as_one_image_with_its_title_and_summary():
    root = parse(weekly_bars("Response-SLA compliance", TWELVE_WEEKS, maximum=100))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Response-SLA compliance"
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_the_summary_says_this_week_and_the_low_point_in_words():
    root = parse(weekly_bars("Response-SLA compliance", TWELVE_WEEKS, maximum=100))

    assert root.find(f"{SVG}desc").text == (
        "Response-SLA compliance per week, last 12 weeks: 92% this week, lowest 70% in week of 12 Jan, "
        "highest 100% in week of 8 Dec, no data for 2 weeks."
    )


def test_a_week_without_data_this_week_is_said_so():
    root = parse(weekly_bars("Updates sent on time", [("5 Jan", 3), ("12 Jan", None)], unit="updates"))

    assert root.find(f"{SVG}desc").text == (
        "Updates sent on time per week, last 2 weeks: no data this week, lowest 3 updates in week of 5 Jan, "
        "no data for 1 week."
    )


def test_a_chart_with_no_figures_at_all_still_renders_and_says_so():
    root = parse(weekly_bars("Updates sent on time", [("5 Jan", None), ("12 Jan", None)]))

    assert bars(root) == []
    assert root.find(f"{SVG}desc").text == "Updates sent on time per week, last 2 weeks: no data."


def test_there_is_one_bar_per_week_with_a_figure_each_with_its_tooltip():
    root = parse(weekly_bars("Response-SLA compliance", TWELVE_WEEKS, maximum=100))

    tooltips = [bar.find(f"{SVG}title").text for bar in bars(root)]
    assert len(tooltips) == 10
    assert tooltips[0] == "w/c 10 Nov: 95%"
    assert tooltips[-1] == "w/c 26 Jan: 92%"


def test_a_week_without_data_is_a_gap_whose_tooltip_says_no_data():
    root = parse(weekly_bars("Response-SLA compliance", TWELVE_WEEKS, maximum=100))

    gaps = [group.find(f"{SVG}title").text for group in root.findall(f"{SVG}g")]
    assert gaps == ["w/c 24 Nov: no data", "w/c 22 Dec: no data"]


def test_bar_heights_are_proportional_to_the_figures_and_stand_on_one_baseline():
    weeks = [("5 Jan", 25), ("12 Jan", 50), ("19 Jan", 100), ("26 Jan", 0)]
    root = parse(weekly_bars("Response-SLA compliance", weeks, maximum=100))

    heights = [float(bar.get("height")) for bar in bars(root)]
    assert heights[0] > 0
    assert [height / heights[2] for height in heights] == pytest.approx([0.25, 0.5, 1.0, 0.0])
    bottoms = {float(bar.get("y")) + float(bar.get("height")) for bar in bars(root)}
    assert len(bottoms) == 1


def test_without_a_maximum_the_largest_figure_fills_the_plot():
    weeks = [("5 Jan", 2), ("12 Jan", 8), ("19 Jan", 4)]
    scaled_to_largest = parse(weekly_bars("Updates sent", weeks, unit="updates"))
    scaled_to_ten = parse(weekly_bars("Updates sent", weeks, unit="updates", maximum=10))

    tallest = max(float(bar.get("height")) for bar in bars(scaled_to_largest))
    assert [float(bar.get("height")) / tallest for bar in bars(scaled_to_largest)] == pytest.approx(
        [0.25, 1.0, 0.5]
    )
    assert float(bars(scaled_to_ten)[1].get("height")) == pytest.approx(tallest * 0.8)


def test_a_figure_above_the_maximum_is_drawn_at_the_top_not_beyond_it():
    root = parse(weekly_bars("Response-SLA compliance", [("5 Jan", 50), ("12 Jan", 130)], maximum=100))

    half, over = (float(bar.get("height")) for bar in bars(root))
    assert over == pytest.approx(2 * half)
    assert float(bars(root)[1].get("y")) >= 0


def test_the_chart_has_no_inline_styles_so_the_content_security_policy_allows_it():
    svg = weekly_bars("Response-SLA compliance", TWELVE_WEEKS, maximum=100)

    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg


def test_text_from_titles_and_labels_is_escaped():
    svg = weekly_bars('Tom & Jerry\'s <b>"SLA"</b>', [("<i>5 Jan</i>", 50)], maximum=100)
    root = parse(svg)

    assert "<b>" not in svg
    assert "<i>" not in svg
    assert root.find(f"{SVG}title").text == 'Tom & Jerry\'s <b>"SLA"</b>'
    assert bars(root)[0].find(f"{SVG}title").text == "w/c <i>5 Jan</i>: 50%"


def test_two_charts_with_the_same_title_on_one_page_do_not_share_ids():
    first = parse(weekly_bars("Response-SLA compliance <&>", TWELVE_WEEKS))
    second = parse(weekly_bars("Response-SLA compliance <&>", TWELVE_WEEKS))

    first_ids = set(first.get("aria-labelledby").split())
    second_ids = set(second.get("aria-labelledby").split())
    assert first_ids.isdisjoint(second_ids)
    assert all(id_.startswith("chart-response-sla-compliance-") for id_ in first_ids)
