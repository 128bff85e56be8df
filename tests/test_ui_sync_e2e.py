"""End to end: the UI runs a real sync cycle (`ipkiosk sync --once`) against a signed file:// repository,
the child applies a new generation, and the open list shows it without the visitor doing anything."""

from __future__ import annotations

import pytest

from kiosk.core import config as config_mod
from kiosk.sync import publish
from tests.data_service_double import wait_answered
from tests.sync_helpers import ContentSource, Publisher, terminal_config, write_config_file
from tests.ui_helpers import SEED_NOW, find, wait_page_built

NEW_TITLE = "同步测试：新版政策速览"


@pytest.fixture
def publisher(tmp_path) -> Publisher:
    keys = tmp_path / "keys"
    assert publish.main(["init", str(keys)]) == 0
    pub = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    news_id = pub.source.records("news")[0]["id"]
    pub.source.edit("news", news_id, title=NEW_TITLE)
    pub.build()
    return pub


@pytest.fixture
def cfg(publisher, data_dir, tmp_path) -> config_mod.Config:
    # Overrides the conftest cfg: this terminal has a repository, so the UI runs sync cycles.
    terminal = terminal_config(data_dir, publisher.repo_dir.as_uri(), publisher.root_path)
    return config_mod.load(write_config_file(tmp_path / "kiosk.toml", terminal))


def test_ui_runs_the_sync_child_and_lists_follow(kiosk_ui, qtbot, cfg):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openPage("RecordListPage.qml", {"kind": "news"})
    wait_page_built(qtbot, window)
    wait_answered(qtbot, ctx.data)
    titles_before = {r["title"] for r in find(window, "recordList").property("model").rows()}
    assert NEW_TITLE not in titles_before
    serial_before = ctx.shell.contentSerial
    cycles = ctx.sync_cycles
    assert cycles is not None
    cycles.start()  # as `run` does once the window is up
    try:
        qtbot.waitUntil(lambda: ctx.shell.contentSerial > serial_before, timeout=60_000)
        wait_answered(qtbot, ctx.data)  # the lists asked again
        rows = find(window, "recordList").property("model").rows()
        assert NEW_TITLE in {r["title"] for r in rows}
        qtbot.waitUntil(lambda: cycles.next_attempt_at is not None, timeout=30_000)
        assert "--once" in cycles.child.arguments and cycles.child.last_outcome.exit_code == 0
        assert cycles.failures == 0 and not cycles.running, "one cycle, ended; the next one is scheduled"
    finally:
        cycles.stop()
