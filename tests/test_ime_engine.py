"""The pinyin engine (kiosk/ime/rime.py) in this process, on the real librime and Debian's schema data.

librime keeps one engine per process, so the tests of this module share one engine on one user data dir
(reset before each test); the tests that need a fresh dir close it first (engine_slot).
"""

from __future__ import annotations

import pytest

from kiosk.ime import rime
from kiosk.ime.rime import ImeUnavailable, RimeEngine


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("rime")


class _Shared:
    """The module's engine, which a test may close to open its own (engine_slot)."""

    def __init__(self, user_dir):
        self.user_dir = user_dir
        self.engine = RimeEngine(user_dir)


@pytest.fixture(scope="module")
def shared(user_dir):
    holder = _Shared(user_dir)
    yield holder
    holder.engine.close()


@pytest.fixture
def engine(shared):
    shared.engine.reset()
    yield shared.engine
    shared.engine.reset()


@pytest.fixture
def engine_slot(shared):
    """The process's one engine slot, free for the test's own engines; the shared engine is back afterwards."""
    shared.engine.close()
    yield
    shared.engine = RimeEngine(shared.user_dir)


def test_whole_phrases_come_first(engine):
    assert engine.candidates("qingliangjie", 5)[0] == "请谅解"
    assert engine.candidates("benzhanjinrixiuxi", 5)[0] == "本站今日休息"
    assert engine.candidates("zhuanli", 3)[0] == "专利"


def test_first_start_deploys_the_schema_into_the_user_dir(engine_slot, tmp_path):
    with RimeEngine(tmp_path / "rime") as engine:
        assert engine.deployed_now and engine.version.startswith("1.")
    assert rime.is_deployed(tmp_path / "rime")
    custom = tmp_path / "rime" / rime.DEFAULT_CUSTOM_NAME
    assert custom.read_text(encoding="utf-8") == rime.DEFAULT_CUSTOM_YAML
    assert (tmp_path / "rime").stat().st_mode & 0o777 == 0o750


def test_typing_shows_the_preedit_and_a_page_of_candidates(engine):
    state = engine.type("qing")
    state = engine.type("liangjie")
    assert state.input == "qingliangjie" and state.preedit == "qing liang jie"
    assert state.candidates[0] == "请谅解" and len(state.candidates) == rime.PAGE_SIZE
    assert state.offset == 0 and state.more and state.commit == ""


def test_pages_continue_the_list_where_the_previous_page_ended(engine):
    whole = engine.candidates("shi", 3 * rime.PAGE_SIZE)
    engine.type("shi")
    pages = [engine.page(offset) for offset in (0, rime.PAGE_SIZE, 2 * rime.PAGE_SIZE)]
    assert [word for page in pages for word in page.candidates] == whole
    assert [page.offset for page in pages] == [0, rime.PAGE_SIZE, 2 * rime.PAGE_SIZE]
    assert all(page.more for page in pages)


def test_the_last_page_says_no_more(engine):
    total = len(engine.candidates("benzhanjinrixiuxi", rime.MAX_LIMIT))
    assert 1 < total < rime.MAX_LIMIT  # whole phrase, its starts, then the single characters of "ben"
    engine.type("benzhanjinrixiuxi")
    last = engine.page(total - 1)
    assert len(last.candidates) == 1 and not last.more
    assert engine.page(total).candidates == []


def test_choosing_on_a_later_page_commits_that_candidate(engine):
    words = engine.candidates("a", 2 * rime.PAGE_SIZE)
    engine.type("a")
    state = engine.select(rime.PAGE_SIZE + 1)
    assert state.commit == words[rime.PAGE_SIZE + 1]
    assert state.input == "" and state.candidates == []


def test_a_partial_choice_leaves_the_rest_and_backspace_undoes_it(engine):
    engine.type("benzhanjinrixiuxi")
    state = engine.select(engine.state().candidates.index("本站"))
    assert state.commit == "" and state.preedit.startswith("本站")
    assert state.candidates[0] == "今日休息"
    state = engine.backspace()  # undoes the choice, not a letter
    assert state.input == "benzhanjinrixiuxi" and state.candidates[0] == "本站今日休息"
    state = engine.select(engine.state().candidates.index("本站"))
    state = engine.select(0)
    assert state.commit == "本站今日休息" and state.input == ""


def test_backspace_removes_the_last_letter(engine):
    engine.type("xiuxi")
    state = engine.backspace()
    assert state.input == "xiux" and state.preedit == "xiu x"
    for _ in range(4):
        state = engine.backspace()
    assert state.input == "" and state.candidates == [] and state.commit == ""


def test_enter_commits_the_letters_as_typed(engine):
    engine.type("wifi")
    state = engine.enter()
    assert state.commit == "wifi" and state.input == ""


@pytest.mark.parametrize("mark", list(rime.PUNCTUATION))
def test_each_keyboard_punctuation_mark_is_typed_as_itself(engine, mark):
    assert engine.punctuate(mark).commit == mark


def test_hardware_keys_give_the_chinese_marks_and_quotes_pair(engine):
    assert [engine.punctuate(key).commit for key in ",.:;?!\\()"] == list("，。：；？！、（）")
    assert [engine.punctuate('"').commit for _ in range(3)] == ["“", "”", "“"]
    engine.reset()
    assert engine.punctuate('"').commit == "“"  # a new field starts with an opening quote


def test_a_mark_while_composing_commits_the_best_candidate_first(engine):
    engine.type("qingliangjie")
    assert engine.punctuate("。").commit == "请谅解。"
    assert engine.state().input == ""


@pytest.mark.parametrize("letters", ["ni hao", "ni3", "你好", "a-b"])
def test_only_letters_and_apostrophes_are_input(engine, letters):
    with pytest.raises(ValueError, match="letters a-z"):
        engine.type(letters)


def test_input_is_bounded(engine):
    engine.type("a" * rime.MAX_INPUT_LETTERS)
    with pytest.raises(ValueError, match="at most"):
        engine.type("a")


def test_apostrophe_separates_syllables(engine):
    assert engine.candidates("xi'an", 3)[0] == "西安"


def test_choosing_needs_input_and_an_existing_candidate(engine):
    with pytest.raises(LookupError, match="nothing typed"):
        engine.select(0)
    engine.type("qingliangjie")
    with pytest.raises(LookupError, match="no candidate"):
        engine.select(100_000)
    with pytest.raises(ValueError):
        engine.select(-1)
    with pytest.raises(ValueError):
        engine.page(-8)


def test_one_engine_per_process(engine, user_dir):
    with pytest.raises(RuntimeError, match="one engine per process"):
        RimeEngine(user_dir)


def test_frequent_words_rise_and_stay_after_a_restart(engine_slot, tmp_path):
    with RimeEngine(tmp_path / "rime") as engine:
        before = engine.candidates("xiuxi", 4)
        chosen = before[1]
        for _ in range(3):
            engine.type("xiuxi")
            assert engine.select(1 if engine.state().candidates[1] == chosen else 0).commit == chosen
        assert engine.candidates("xiuxi", 4)[0] == chosen
    with RimeEngine(tmp_path / "rime") as engine:
        assert not engine.deployed_now  # deployed once, skipped when current
        assert engine.candidates("xiuxi", 4)[0] == chosen


def test_no_librime_is_a_clear_error(engine_slot, monkeypatch, tmp_path):
    # librime cannot be uninstalled for a test: a library name that does not exist goes through the same real
    # dlopen failure.
    with monkeypatch.context() as patch:
        patch.setattr(rime, "LIBRARY_NAME", "librime-not-installed.so.1")
        with pytest.raises(ImeUnavailable, match="librime1 is not installed") as caught:
            rime.library_version()
        assert "apt-get install librime1 rime-data-luna-pinyin" in str(caught.value)
        with pytest.raises(ImeUnavailable, match="librime1 is not installed"):
            RimeEngine(tmp_path / "rime")


def test_missing_schema_data_is_a_clear_error(engine_slot, tmp_path):
    with pytest.raises(ImeUnavailable, match="schema data is not installed") as caught:
        RimeEngine(tmp_path / "rime", shared_dir=tmp_path / "no-rime-data")
    assert "luna_pinyin_simp.schema.yaml" in str(caught.value)
    assert rime.missing_data() == []


def test_a_library_without_rimes_function_table_is_refused(engine):
    # libz is a real shared library without rime_get_api, like a librime older than 1.0.
    with pytest.raises(ImeUnavailable, match="too old"):
        rime.load_api("libz.so.1")
