"""The admin screen says what really happens.

* Leaving the kiosk: the packaged unit restarts it after any exit, so the screen offers one control,
  重启终端程序, whose confirmation says when the kiosk is back and how a technician keeps it down (real UI
  offscreen, by taps).
* 立即同步 against a real signed repository (a real `ipkiosk sync --once` child): the outcome, its reason
  and its counts in Chinese, the background loop's next attempt still shown, the device info refreshed.
* A background sync, another process, is noticed through the content poll: device info shows what it applied.
* Every instant on the admin screen reads as China time with its offset, like the CLI.
"""

from __future__ import annotations

import datetime as dt
import re

from kiosk.core import config as config_mod
from kiosk.core.clock import iso, utcnow
from kiosk.core.sync_outcome import Outcome, SyncReason
from kiosk.store import backup, content, station
from kiosk.ui.admin.sync_control import sync_now_message_zh
from kiosk.ui.admin.wording import REASON_ZH, SYNC_REASON_ZH, sync_reason_zh, when_zh
from tests.test_admin_model import Staff, _no_sync_child_outlives_its_test, sign_in, staff_context  # noqa: F401 - the autouse fixture
from tests.test_admin_ui import T0, FakeClock, enter_admin, exists, find, settle, tap_name
from tests.ui_helpers import window_items

CHINA_MINUTE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+08:00")


def test_one_way_out_and_its_confirmation_says_the_kiosk_comes_back(kiosk_ui, qtbot):
    clock = FakeClock(T0)
    ctx, window = kiosk_ui(clock=clock)
    enter_admin(qtbot, window, clock)
    tap_name(qtbot, window, "adminTab3")
    settle(qtbot, window)
    assert find(window, "adminTab3").property("text") == "备份与重启"
    assert exists(window, "adminRestart")
    assert not exists(window, "adminExit"), "no 退出到桌面: the service would bring the kiosk back anyway"

    tap_name(qtbot, window, "adminRestart")
    qtbot.waitUntil(lambda: exists(window, "adminConfirmRestartOk"), timeout=3000)
    message = next(str(i.property("text")) for i in window_items(window)
                   if i.isVisible() and "重启终端程序？" in str(i.property("text") or ""))
    assert "约 5 秒后自动回到首页" in message and "sudo systemctl stop ipkiosk" in message
    tap_name(qtbot, window, "adminConfirmRestartCancel")
    qtbot.waitUntil(lambda: not exists(window, "adminConfirmRestartOk"), timeout=3000)
    assert not ctx.exit_authorised, "cancelled: the kiosk keeps running locked down"


def _device_info(admin: Staff) -> dict[str, str]:
    return {row["label"]: row["value"] for row in admin.maintenance.property("deviceInfo")}


def test_sync_now_says_outcome_reason_and_counts_in_chinese_and_refreshes_device_info(qtbot, data_dir, tmp_path):
    from kiosk.store.seed import open_content
    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher, RepoServer, terminal_config, write_config_file

    keys = tmp_path / "keys"
    assert publish.main(["init", str(keys)]) == 0
    source = ContentSource(tmp_path / "source")
    publisher = Publisher(keys, tmp_path / "repo", source)
    source.remove("services", source.records("services")[0]["id"])  # one service fewer than the seed
    publisher.build()
    with RepoServer(publisher.repo_dir) as server:
        cfg = config_mod.load(write_config_file(tmp_path / "kiosk.toml",
                                                terminal_config(data_dir, server.url, publisher.root_path)))
        open_content(cfg)
        station.open_station_db(cfg.station_db_path)
        # What the last scheduled cycle recorded: the next attempt in 10 minutes.
        loop_next = iso(utcnow() + dt.timedelta(minutes=10))
        content.record_sync_outcome("UNCHANGED", "content is current", SyncReason.CONTENT_CURRENT, verified=True,
                                    next_attempt_at=loop_next)
        admin = Staff(qtbot, staff_context(cfg, []))
        sign_in(admin)
        admin.settle()
        before = _device_info(admin)
        assert admin.sync.property("syncStatus")["nextAttemptAt"] == when_zh(loop_next)
        assert admin.sync.property("syncStatus")["lastReason"] == "内容服务器上没有新内容"
        with qtbot.waitSignal(admin.maintenance.deviceInfoChanged, timeout=120_000):
            admin.sync.syncNow()
            qtbot.waitUntil(lambda: not admin.sync.property("syncRunning"), timeout=120_000)
        admin.settle()
    status = admin.sync.property("syncStatus")
    # e.g. 立即同步结果：已更新。已更新 服务事项（第 1 版）：新增或修改 3 条，删除 0 条；请求 6 次，下载 4.1 KB
    assert re.fullmatch(rf"立即同步结果：{REASON_ZH[Outcome.OK]}。已更新 \S+（第 1 版）.*：新增或修改 \d+ 条，删除 \d+ 条；"
                        r"请求 \d+ 次，下载 [\d.]+ (字节|KB|MB)", status["message"]), status["message"]
    assert status["lastResult"] == "已更新"
    assert status["lastReason"].startswith("已更新 ") and "新增或修改" in status["lastReason"]
    assert status["reasonDetail"].startswith("applied "), "the recorded English stays for a technician"
    # 立即同步 ran the next cycle now: the one after it is due an interval (± 20 %) later, as the child recorded.
    scheduled = admin.ctx.sync_cycles.next_attempt_at
    assert status["nextAttemptAt"] == when_zh(scheduled) != when_zh(loop_next)
    assert content.status_dict()["next_attempt_at"] == scheduled
    due_in_s = (dt.datetime.fromisoformat(scheduled) - utcnow()).total_seconds()
    assert cfg.sync_interval_s * 0.8 - 120 < due_in_s <= cfg.sync_interval_s * 1.2
    after = _device_info(admin)
    services = len(source.records("services"))
    assert before["内容数量"].startswith(f"服务 {services + 1} · "), before["内容数量"]
    assert after["内容数量"].startswith(f"服务 {services} · "), "device info shows what the sync applied"
    assert after["内容数量"].endswith(f"（更新于 {status['contentUpdatedAt']}）")
    assert CHINA_MINUTE.fullmatch(status["contentUpdatedAt"])
    admin.close()


def test_sync_now_offline_is_worded_with_the_way_out(qtbot, seeded, station_store, data_dir, tmp_path):
    from kiosk.sync import publish

    assert publish.main(["init", str(tmp_path / "keys")]) == 0
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": "http://127.0.0.1:9/repo",
                                   "trusted_root": str(tmp_path / "keys" / "1.root.json")})
    admin = Staff(qtbot, staff_context(cfg, []))
    sign_in(admin)
    admin.sync.syncNow()
    qtbot.waitUntil(lambda: not admin.sync.property("syncRunning"), timeout=60_000)
    admin.settle()
    status = admin.sync.property("syncStatus")
    # Nothing listens on port 9.
    assert status["message"].startswith(f"立即同步结果：{REASON_ZH[Outcome.OFFLINE]}。"), status["message"]
    assert "请检查网络" in status["message"] and status["lastReason"].endswith("请检查网络")
    assert not re.search(r"[A-Za-z]{3,}", status["message"] + status["lastReason"]), "no English left for a clerk"
    admin.close()


def test_sync_now_while_another_sync_holds_the_lock_says_so_not_the_older_outcome(qtbot, seeded, station_store, data_dir,
                                                                                  tmp_path):
    """A busy lock records nothing: the real child's summary line carries its code, and the message says it rather
    than the last recorded cycle, which the 原因 row keeps showing."""
    from kiosk.sync import publish
    from kiosk.sync.client import SyncLock

    assert publish.main(["init", str(tmp_path / "keys")]) == 0
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": "http://127.0.0.1:9/repo",
                                   "trusted_root": str(tmp_path / "keys" / "1.root.json")})
    content.record_sync_outcome("OK", "applied services (generation 2): 3 upserted, 0 deleted", SyncReason.APPLIED,
                                verified=True, applied=content.AppliedCounts((("services", 2),), 3, 0))
    other = SyncLock(cfg.data_path / "sync.lock")  # a technician's `ipkiosk sync --loop`, say
    assert other.acquire()
    admin = Staff(qtbot, staff_context(cfg, []))
    try:
        sign_in(admin)
        admin.sync.syncNow()
        qtbot.waitUntil(lambda: not admin.sync.property("syncRunning"), timeout=60_000)
        admin.settle()
    finally:
        other.release()
    status = admin.sync.property("syncStatus")
    assert status["message"] == (f"立即同步结果：{REASON_ZH[Outcome.UNCHANGED]}。另一次同步正在进行，本次未执行；"
                                 "请求 0 次，下载 0 字节"), status["message"]
    assert status["lastReason"] == "已更新 服务事项（第 2 版）：新增或修改 3 条，删除 0 条"
    admin.close()


def test_every_sync_reason_code_has_chinese_words():
    """A new reason code cannot ship unworded: the table covers the enum, and none of its words is English."""
    assert set(SYNC_REASON_ZH) == set(SyncReason)
    for code in SyncReason:
        words = sync_reason_zh(code)
        assert words == SYNC_REASON_ZH[code] and not re.search(r"[A-Za-z]{3,}", words), (code, words)


def test_sync_reasons_are_worded_by_code_and_counts_never_by_english():
    assert sync_reason_zh(SyncReason.DOWNLOAD_FAILED) == "下载失败（网络不通或服务器未响应）：请检查网络"
    assert sync_reason_zh("HTTP_ERROR").startswith("内容服务器返回错误")
    # An outcome recorded before reason codes were (NULL), and a code a newer program recorded: the English below.
    assert sync_reason_zh(None) == sync_reason_zh("SOME_NEWER_CODE") == "见下方技术细节"
    applied = {"collections": [{"collection": "services", "generation": 3}, {"collection": "news", "generation": 7}],
               "upserted": 12, "deleted": 2}
    assert sync_reason_zh(SyncReason.APPLIED, applied) == "已更新 服务事项（第 3 版）、行业动态（第 7 版）：新增或修改 12 条，删除 2 条"
    assert sync_reason_zh(SyncReason.APPLIED) == "已更新"
    refused = {"events": {"generation": 2, "reason": "bad date", "refused_at": "…"},
               "news": {"generation": 4, "reason": "record n-1: title is empty", "refused_at": "…"}}
    assert sync_reason_zh(SyncReason.REFUSED_COLLECTIONS, None, refused) == (
        "宣讲活动 第 2 版内容不合规，已拒收，继续显示上一版；行业动态 第 4 版内容不合规，已拒收，继续显示上一版")
    # Standing refusals are not this cycle's words when it ended otherwise (it stopped before comparing them).
    assert sync_reason_zh(SyncReason.DOWNLOAD_FAILED, None, refused) == SYNC_REASON_ZH[SyncReason.DOWNLOAD_FAILED]


def _status(code: str | None, applied=None, refused=None) -> dict:
    return {"collections": {}, "refused": refused or {}, "last_result": "REFUSED", "last_reason": "…",
            "last_reason_code": code, "last_applied": applied, "last_attempt_at": None, "last_verified_at": None,
            "last_success_at": None, "next_attempt_at": None, "content_updated_at": None}


def test_sync_now_message_reads_the_code_of_the_summary_line_and_the_recorded_counts():
    refused = {"news": {"generation": 4, "reason": "record n-1: title is empty", "refused_at": "…"}}
    applied = {"collections": [{"collection": "services", "generation": 2}], "upserted": 3, "deleted": 0}
    line = "sync REFUSED [REFUSED_COLLECTIONS]: applied … ; signed news generation 4 refused … (5 requests, 3000000 bytes)"
    assert sync_now_message_zh(13, line, _status("REFUSED_COLLECTIONS", applied, refused)) == (
        f"立即同步结果：{REASON_ZH[Outcome.REFUSED]}。已更新 服务事项（第 2 版）：新增或修改 3 条，删除 0 条；"
        "行业动态 第 4 版内容不合规，已拒收，继续显示上一版；请求 5 次，下载 2.9 MB")
    # Without the status (the data service did not answer) the code alone is worded.
    assert sync_now_message_zh(13, line, None) == (
        f"立即同步结果：{REASON_ZH[Outcome.REFUSED]}。{SYNC_REASON_ZH[SyncReason.REFUSED_COLLECTIONS]}；请求 5 次，下载 2.9 MB")
    # A busy lock records nothing: the status holds an older cycle, whose words are not this one's.
    busy = "sync UNCHANGED [LOCK_BUSY]: another sync process is running; nothing done (0 requests, 0 bytes)"
    assert sync_now_message_zh(1, busy, _status("APPLIED", applied)) == (
        f"立即同步结果：{REASON_ZH[Outcome.UNCHANGED]}。另一次同步正在进行，本次未执行；请求 0 次，下载 0 字节")
    assert sync_now_message_zh(1, "ipkiosk: sync: no repository_url", None) == (
        "立即同步结果：已是最新，无变化（ipkiosk: sync: no repository_url）")


def test_every_instant_on_the_admin_screen_is_china_time_with_its_offset(kiosk_ui, qtbot, cfg):
    station.open_station_db(cfg.station_db_path)
    station.add_announcement("年底盘点", starts_at="2026-12-01T02:00:00+00:00", ends_at="2026-12-31T10:14:00+00:00")
    backup.backup_station(cfg.station_db_path, backup.backups_dir(cfg.data_path), clock=lambda: T0)
    clock = FakeClock(T0)
    _ctx, window = kiosk_ui(clock=clock)
    # As the background sync loop records a cycle (content.db is open beside the kiosk once it started).
    content.record_sync_outcome("OFFLINE", "download failed: timed out", SyncReason.DOWNLOAD_FAILED,
                                next_attempt_at="2026-12-07T10:14:00+00:00")
    enter_admin(qtbot, window, clock)

    def texts() -> str:
        return "\n".join(str(i.property("text")) for i in window_items(window)
                         if i.isVisible() and isinstance(i.property("text"), str))

    assert "2026-12-01 10:00 +08:00 至 2026-12-31 18:14 +08:00" in texts()
    tap_name(qtbot, window, "adminTab1")
    qtbot.waitUntil(lambda: "2026-12-07 18:14 +08:00" in texts(), timeout=5000)  # 下次尝试
    tap_name(qtbot, window, "adminTab2")
    qtbot.waitUntil(lambda: "（更新于 " in texts(), timeout=5000)  # the content counts with their time
    tap_name(qtbot, window, "adminTab3")
    qtbot.waitUntil(lambda: "2026-12-01 09:03 +08:00" in texts(), timeout=5000)  # the backup's taken_at
    for line in texts().splitlines():
        for moment in re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?: [+-]\d\d:\d\d)?", line):
            assert CHINA_MINUTE.fullmatch(moment), f"{moment!r} in {line!r}"


def test_device_info_follows_a_background_sync_noticed_by_the_content_poll(kiosk_ui, qtbot, cfg, data_dir, tmp_path):
    import subprocess
    import sys

    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher, RepoServer, terminal_config, write_config_file

    clock = FakeClock(T0)
    _ctx, window = kiosk_ui(clock=clock)
    enter_admin(qtbot, window, clock)
    tap_name(qtbot, window, "adminTab2")

    def counts_row() -> str:
        return next((str(i.property("text")) for i in window_items(window)
                     if i.isVisible() and str(i.property("text") or "").startswith("服务 ")), "")

    qtbot.waitUntil(lambda: counts_row() != "", timeout=5000)
    seeded_services = int(counts_row().split()[1])
    assert publish.main(["init", str(tmp_path / "keys")]) == 0
    source = ContentSource(tmp_path / "source")
    publisher = Publisher(tmp_path / "keys", tmp_path / "repo", source)
    source.remove("services", source.records("services")[0]["id"])
    publisher.build()
    with RepoServer(publisher.repo_dir) as server:
        config_file = write_config_file(tmp_path / "kiosk.toml",
                                        terminal_config(data_dir, server.url, publisher.root_path))
        # The background sync is another process: the kiosk hears of its apply only through its content poll.
        done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config_file), "sync", "--once"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: counts_row().startswith(f"服务 {seeded_services - 1} · "), timeout=10_000)
