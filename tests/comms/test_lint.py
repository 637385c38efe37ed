from comms.lint import lint

GOOD_BUILD = "What shipped: the booking form.\nWhat is next: payments.\nWhat needs your decision: the colour of the button."


def test_a_good_build_update_has_nothing_to_fix():
    assert lint("build_status", GOOD_BUILD, open_commitments=["payments"], visuals=1) == []


def test_a_build_update_with_nothing_to_show_is_flagged_unless_it_links_somewhere():
    nothing = "Nothing to show: add a screenshot, a mockup or a staging link."
    assert lint("build_status", GOOD_BUILD) == [nothing]
    assert lint("build_status", GOOD_BUILD + " Try it: https://preview.example/booking") == []
    assert lint("qa_note", "All tests passed.") == []


def test_a_long_build_update_is_flagged_with_its_word_count():
    findings = lint("build_status", GOOD_BUILD + " more" * 200, visuals=2)
    assert findings == ["218 words: a build update stays under 200."]


def test_a_missing_section_is_named():
    assert lint("build_status", "What shipped: login.", visuals=1) == [
        "Missing sections: What is next, What needs your decision."
    ]


def test_jargon_is_listed_whole_words_only():
    assert lint("qa_note", "We will deploy to staging after the sprint. Capital gains.") == [
        "Jargon the client may not know: deploy, sprint, staging."
    ]


def test_an_open_promise_not_mentioned_is_flagged():
    assert lint("qa_note", "All tests passed.", open_commitments=["Send the test plan"]) == [
        "Promise not mentioned: Send the test plan."
    ]
