"""Search view-model on the real seeded content.db, through the data service's search (in this
process; no QML here)."""

from __future__ import annotations

import pytest

from kiosk.core.kinds import VISITOR_DISPLAY_ORDER
from kiosk.ui.search_model import SearchController, group_hits, title_markup
from tests.data_service_double import answered, wait_answered

NOW = "2026-11-24T04:00:00+00:00"


@pytest.fixture
def controller(qapp, data_service) -> SearchController:
    # Parented to the app so the models outlive the test body: qtmodeltester disconnects at teardown.
    return SearchController(data_service.search, lambda: NOW, parent=qapp)


def result_ids(ctrl: SearchController) -> list[str]:
    return [row["recordId"] for row in ctrl.results.rows()]


def words(model) -> list[str]:
    return [row["word"] for row in model.rows()]


def test_initials_find_patent_application_grouped_with_counts(controller, data_service, qtbot):
    for letter in "zlsq":
        controller.typeText(letter)
    assert controller.query == "zlsq"
    wait_answered(qtbot, data_service)
    assert "svc-patent-application" in result_ids(controller)
    rows = controller.results.rows()
    order = list(VISITOR_DISPLAY_ORDER)
    kinds = [row["kind"] for row in rows]
    assert kinds == sorted(kinds, key=order.index), "results are grouped in kind order"
    groups = controller.groups.rows()
    for group in groups:
        in_group = [row for row in rows if row["kind"] == group["kind"]]
        assert len(in_group) == group["count"]
        assert {row["section"] for row in in_group} == {f"{group['label']} · {group['count']}"}
    assert controller.resultCount == len(rows)
    assert controller.firstRowOfKind(groups[0]["kind"]) == 0
    assert controller.firstRowOfKind("no-such-kind") == -1


def test_every_key_updates_results(controller, data_service, qtbot):
    with qtbot.waitSignal(controller.resultsChanged):
        controller.typeText("z")
        wait_answered(qtbot, data_service)
    after_one_letter = controller.resultCount
    for letter in "lsq":
        controller.typeText(letter)
        wait_answered(qtbot, data_service)
    assert 0 < controller.resultCount <= after_one_letter
    controller.backspace()
    wait_answered(qtbot, data_service)
    assert controller.query == "zls"
    controller.clear()
    wait_answered(qtbot, data_service)
    assert controller.query == ""
    assert controller.resultCount == 0 and not controller.noResults


def test_candidates_follow_trailing_letters_and_pick_replaces_them(controller, data_service, qtbot):
    controller.typeText("zl")
    wait_answered(qtbot, data_service)
    offered = words(controller.candidates)
    assert offered, "letters offer hanzi candidates"
    assert all(not w.isascii() for w in offered)
    controller.pickCandidate(offered[0])
    wait_answered(qtbot, data_service)
    assert controller.query == offered[0]
    assert controller.letters == ""
    assert controller.candidates.rows() == []
    assert controller.resultCount > 0, "a candidate leads to results"
    # Letters after hanzi: only the trailing letters are replaced.
    controller.typeText("sq")
    wait_answered(qtbot, data_service)
    assert controller.letters == "sq"
    stem = controller.query[:-2]
    pick = words(controller.candidates)[0]
    controller.pickCandidate(pick)
    wait_answered(qtbot, data_service)
    assert controller.query == stem + pick


def test_hanzi_typed_directly_matches_by_substring(controller, data_service, qtbot):
    controller.query = "质押"
    wait_answered(qtbot, data_service)
    assert controller.resultCount > 0
    assert any("质押" in row["title"] for row in controller.results.rows())


def test_nonsense_letters_show_zero_results_help(controller, data_service, qtbot):
    controller.query = "qxqxqx"
    wait_answered(qtbot, data_service)
    assert controller.resultCount == 0
    assert controller.noResults
    kinds = [c["kind"] for c in controller.browse.rows() if not c["category"]]
    assert kinds == list(VISITOR_DISPLAY_ORDER), "every kind is offered for browsing"
    assert any(c["category"] == "专利" and c["label"] == "专利" for c in controller.browse.rows())


def test_a_typo_is_answered_by_the_nearest_spelling_with_the_way_back(controller, data_service, qtbot):
    controller.query = "zhaunli"
    wait_answered(qtbot, data_service)
    assert controller.correctedTo == "专利" and not controller.noResults and not controller.literal
    assert "svc-patent-application" in result_ids(controller)
    assert not controller.moreLettersHelp, "more letters after a typo find nothing either"
    controller.searchLiteral()
    wait_answered(qtbot, data_service)
    assert controller.literal and controller.noResults and controller.correctedTo == ""
    assert controller.query == "zhaunli", "the way back keeps what was typed"
    # Typing on leaves the literal search: the next query is corrected again when it needs it.
    controller.typeText("x")
    wait_answered(qtbot, data_service)
    assert not controller.literal


def test_near_miss_offers_words_that_find_something(controller, data_service, qtbot):
    controller.query = "zhaunli"
    wait_answered(qtbot, data_service)
    controller.searchLiteral()
    wait_answered(qtbot, data_service)
    assert controller.noResults
    nearest = words(controller.nearest)
    assert nearest
    for word in nearest:
        found = answered(qtbot, data_service.search(word, "", NOW, kinds=list(VISITOR_DISPLAY_ORDER), limit=1,
                                                    candidate_limit=0, nearest_limit=0))
        assert found["hits"], f"suggested word {word!r} finds nothing"


def test_reset_forgets_the_visitor(controller, data_service, qtbot):
    controller.query = "zlsq"
    wait_answered(qtbot, data_service)
    controller.reset()
    wait_answered(qtbot, data_service)
    assert controller.query == ""
    assert controller.resultCount == 0
    assert controller.candidates.rows() == [] and controller.nearest.rows() == []
    assert controller.browse.rows() == []


def test_query_is_capped(controller, data_service, qtbot):
    controller.query = "z" * 500
    wait_answered(qtbot, data_service)  # the search of the capped query ends before the data service does
    assert len(controller.query) == 40


def test_group_hits_drops_kinds_visitors_do_not_browse(data_service, qtbot):
    hits = answered(qtbot, data_service.search("yuyue", "yuyue", NOW, kinds=["booking_types", *VISITOR_DISPLAY_ORDER],
                                               limit=50, candidate_limit=8, nearest_limit=6))["hits"]
    assert any(hit["kind"] == "booking_types" for hit in hits), "the query must also find a kind visitors do not browse"
    rows, groups = group_hits(hits, "zh")
    assert rows and all(row["kind"] in VISITOR_DISPLAY_ORDER for row in rows)
    assert sum(group["count"] for group in groups) == len(rows)


def test_search_answers_only_the_kinds_asked_for(data_service, qtbot):
    found = answered(qtbot, data_service.search("zl", "", NOW, kinds=["services"], limit=50, candidate_limit=8,
                                                nearest_limit=6))
    assert found["hits"] and {hit["kind"] for hit in found["hits"]} == {"services"}
    assert found["candidates"] == [], "no trailing letters given: no candidate words"


@pytest.mark.parametrize("query", ["zlsq", "sb", "qxqxqx", "zhaunli"])
def test_list_models_pass_qtmodeltester(controller, qtmodeltester, query, data_service, qtbot):
    controller.query = query
    wait_answered(qtbot, data_service)
    for model in (controller.results, controller.groups, controller.candidates, controller.nearest,
                  controller.browse):
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)


def test_role_names_declared_once(controller):
    for model in (controller.results, controller.groups, controller.candidates, controller.nearest,
                  controller.browse):
        names = {bytes(name).decode() for name in model.roleNames().values()}
        assert names == set(type(model).ROLES)


def test_empty_query_never_asks_the_data_service(qapp, data_service, qtbot):
    asked = []

    def search(*args, **kwargs):
        asked.append(args[0])
        return data_service.search(*args, **kwargs)

    controller = SearchController(search, lambda: NOW, parent=qapp)
    controller.refresh()  # a sync applied content while nobody was searching
    controller.reset()  # idle reset
    assert asked == []
    controller.typeText("z")
    wait_answered(qtbot, data_service)
    assert asked == ["z"]


def test_only_the_answer_to_the_last_query_is_shown(controller, data_service, qtbot):
    """Letters typed faster than the answers come: each asks, and only the newest query's answer shows."""
    controller.typeText("z")
    controller.typeText("l")
    controller.typeText("s")
    controller.typeText("q")
    assert data_service.pending_calls == 4 and controller.resultCount == 0, "nothing shown before an answer"
    shown = []
    controller.resultsChanged.connect(lambda: shown.append(controller.query))
    wait_answered(qtbot, data_service)
    assert shown == ["zlsq"], "the answers to z, zl and zls were dropped"
    assert "svc-patent-application" in result_ids(controller)


def test_more_letters_help_only_while_letters_find_results(controller, data_service, qtbot):
    controller.query = "zl"
    wait_answered(qtbot, data_service)
    assert controller.moreLettersHelp, "zl finds results: typing on narrows them"
    controller.query = "专利"
    wait_answered(qtbot, data_service)
    assert controller.resultCount and not controller.moreLettersHelp, "no letters typed"
    controller.query = "qxqxqx"
    wait_answered(qtbot, data_service)
    assert controller.noResults and not controller.moreLettersHelp, "no letter typed next can help"


def test_results_mark_the_matched_characters_of_each_title(controller, data_service, qtbot):
    controller.query = "zlsq"
    wait_answered(qtbot, data_service)
    row = next(r for r in controller.results.rows() if r["recordId"] == "svc-patent-application")
    assert row["title"] == "专利申请受理" and row["titleMarkup"] == "<b>专利申请</b>受理"
    controller.query = "140"  # found by its 文号 郑市监文〔2022〕140号, not by its title: nothing marked
    wait_answered(qtbot, data_service)
    plan = next(r for r in controller.results.rows() if r["recordId"] == "pol-zz-2022-140-plan")
    assert plan["titleMarkup"] == plan["title"]


@pytest.mark.parametrize(("title", "spans", "markup"), [
    ("商标<b>注册</b>", [[0, 2]], "<b>商标</b>&lt;b&gt;注册&lt;/b&gt;"),
    ("<img src=x>专利", [[11, 13]], "&lt;img src=x&gt;<b>专利</b>"),
    ("A&B 专利", [[0, 1], [4, 6]], "<b>A</b>&amp;B <b>专利</b>"),
    ("专利", [[1, 9], [0, 2]], "<b>专利</b>"),  # out of range (a title cleaned for display) and overlapping
    ("专利", [], "专利"),
])
def test_title_markup_escapes_the_title_and_marks_only_the_spans(title, spans, markup):
    assert title_markup(title, spans) == markup
