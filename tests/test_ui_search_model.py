"""Search view-model on the real seeded content.db and search engine (no QML here)."""

from __future__ import annotations

import pytest

from kiosk.search.engine import SearchIndex
from kiosk.store import content
from kiosk.ui.search_model import KIND_LABELS, SearchController, group_hits


@pytest.fixture
def index(seeded) -> SearchIndex:
    return SearchIndex(content.search_docs(), content.vocabulary_rows())


@pytest.fixture
def controller(qapp, index) -> SearchController:
    # Parented to the app so the models outlive the test body: qtmodeltester disconnects at teardown.
    return SearchController(lambda: index, parent=qapp)


def result_ids(ctrl: SearchController) -> list[str]:
    return [row["recordId"] for row in ctrl.results.rows()]


def words(model) -> list[str]:
    return [row["word"] for row in model.rows()]


def test_initials_find_patent_application_grouped_with_counts(controller):
    for letter in "zlsq":
        controller.typeText(letter)
    assert controller.query == "zlsq"
    assert "svc-patent-application" in result_ids(controller)
    rows = controller.results.rows()
    order = list(KIND_LABELS)
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


def test_every_key_updates_results(controller, qtbot):
    with qtbot.waitSignal(controller.resultsChanged):
        controller.typeText("z")
    after_one_letter = controller.resultCount
    controller.typeText("l")
    controller.typeText("s")
    controller.typeText("q")
    assert 0 < controller.resultCount <= after_one_letter
    controller.backspace()
    assert controller.query == "zls"
    controller.clear()
    assert controller.query == ""
    assert controller.resultCount == 0 and not controller.noResults


def test_candidates_follow_trailing_letters_and_pick_replaces_them(controller):
    controller.typeText("zl")
    offered = words(controller.candidates)
    assert offered, "letters offer hanzi candidates"
    assert all(not w.isascii() for w in offered)
    controller.pickCandidate(offered[0])
    assert controller.query == offered[0]
    assert controller.letters == ""
    assert controller.candidates.rows() == []
    assert controller.resultCount > 0, "a candidate leads to results"
    # Letters after hanzi: only the trailing letters are replaced.
    controller.typeText("sq")
    assert controller.letters == "sq"
    stem = controller.query[:-2]
    pick = words(controller.candidates)[0]
    controller.pickCandidate(pick)
    assert controller.query == stem + pick


def test_hanzi_typed_directly_matches_by_substring(controller):
    controller.query = "质押"
    assert controller.resultCount > 0
    assert any("质押" in row["title"] for row in controller.results.rows())


def test_nonsense_letters_show_zero_results_help(controller):
    controller.query = "qxqxqx"
    assert controller.resultCount == 0
    assert controller.noResults
    kinds = [c["kind"] for c in controller.browse.rows() if not c["category"]]
    assert kinds == list(KIND_LABELS), "every kind is offered for browsing"
    assert any(c["category"] == "专利" and c["label"] == "专利" for c in controller.browse.rows())


def test_near_miss_offers_words_that_find_something(controller, index):
    controller.query = "zhaunli"
    assert controller.noResults
    nearest = words(controller.nearest)
    assert nearest
    for word in nearest:
        assert index.search(word, 1), f"suggested word {word!r} finds nothing"


def test_reset_forgets_the_visitor(controller):
    controller.query = "zlsq"
    controller.reset()
    assert controller.query == ""
    assert controller.resultCount == 0
    assert controller.candidates.rows() == [] and controller.nearest.rows() == []
    assert controller.browse.rows() == []


def test_query_is_capped(controller):
    controller.query = "z" * 500
    assert len(controller.query) == 40


def test_group_hits_drops_kinds_visitors_do_not_browse(index):
    hits = index.search("yuyue", 50)
    rows, groups = group_hits(hits)
    assert all(row["kind"] in KIND_LABELS for row in rows)
    assert sum(group["count"] for group in groups) == len(rows)


@pytest.mark.parametrize("query", ["zlsq", "sb", "qxqxqx", "zhaunli"])
def test_list_models_pass_qtmodeltester(controller, qtmodeltester, query):
    controller.query = query
    for model in (controller.results, controller.groups, controller.candidates, controller.nearest,
                  controller.browse):
        qtmodeltester.check(model, force_py=True)
        qtmodeltester.check(model)


def test_role_names_declared_once(controller):
    for model in (controller.results, controller.groups, controller.candidates, controller.nearest,
                  controller.browse):
        names = {bytes(name).decode() for name in model.roleNames().values()}
        assert names == set(type(model).ROLES)


def test_empty_query_never_builds_the_index(qapp, seeded):
    built = []

    def provider():
        built.append(1)
        return SearchIndex(content.search_docs(), content.vocabulary_rows())

    controller = SearchController(provider, parent=qapp)
    controller.refresh()  # a sync applied content while nobody was searching
    controller.reset()  # idle reset
    assert built == []
    controller.typeText("z")
    assert built == [1]
