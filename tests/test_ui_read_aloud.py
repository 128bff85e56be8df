"""朗读 on the visitor pages: real `ipkiosk speak` children started by real taps on the rendered button.

A test machine has no sound card. Where a test needs a child that keeps speaking, ALSA's own configuration
(~/.asoundrc of the kiosk's HOME) makes the default device a "file" device that writes the sound into a FIFO
which the test opens and never drains: the child then plays through the same ALSA path as on a terminal and
stays blocked in its writes, as it would while a card plays. Where the sound card matters (no device → the
button says so), the child speaks to the machine's real ALSA default.
"""

from __future__ import annotations

import os
import select
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from kiosk.ui.read_aloud import spoken_text
from tests.ui_helpers import SEED_NOW, current_page, find, tap, wait_page_built

SERVICE_ID = "svc-patent-application"


@pytest.fixture
def cfg(data_dir, request) -> config_mod.Config:
    """The station's settings; ``@pytest.mark.parametrize("cfg", [{...}], indirect=True)`` changes some."""
    return config_mod.from_mapping({"data_dir": str(data_dir), **getattr(request, "param", {})})


def speak_children() -> list[tuple[int, list[str]]]:
    """(pid, command line) of every live `speak` child of this process (the kiosk under test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        args = [a.decode(errors="replace") for a in argv if a]
        if int(ppid) == os.getpid() and state != "Z" and "speak" in args:
            found.append((int(entry.name), args))
    return found


def speak_pids() -> list[int]:
    return [pid for pid, _args in speak_children()]


def open_service(qtbot, window) -> None:
    window.openRecord(SERVICE_ID)
    qtbot.waitUntil(lambda: current_page(window).objectName() == "serviceDetailPage", timeout=5000)
    wait_page_built(qtbot, window)


@pytest.fixture
def speaker_fifo(tmp_path, monkeypatch):
    """The kiosk's ALSA default device writes into a FIFO that nobody drains (started kiosks inherit HOME), so
    an utterance lasts until it is stopped. Yields the FIFO's read end (a non-blocking descriptor, open meanwhile,
    so the child can open the device and write its first chunks)."""
    home = tmp_path / "home"
    home.mkdir()
    fifo = tmp_path / "speaker.raw"
    os.mkfifo(fifo)
    (home / ".asoundrc").write_text(
        f'pcm.!default {{ type file; slave.pcm "null"; file "{fifo}"; format "raw" }}\n', encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    yield reader
    os.close(reader)


def test_spoken_text_keeps_the_words_and_drops_the_page_markup():
    assert spoken_text("<b>费用</b>：&lt;免费&gt; &amp; 快\n\n办理") == "费用：<免费> & 快 办理"
    assert len(spoken_text("字" * 10_000)) == 4000
    assert spoken_text("专利申请受理。\n并发出通知书。。\n收费标准：不收费？。\nEnd.。") == \
        "专利申请受理。 并发出通知书。 收费标准：不收费？ End."


def test_the_service_page_offers_its_title_and_key_facts(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    assert not find(window, "readAloudButton").isVisible()  # home offers nothing to read
    open_service(qtbot, window)
    button = find(window, "readAloudButton")
    assert button.isVisible() and button.property("text") == "朗读"
    text = current_page(window).property("speechText")
    assert text.startswith("专利申请受理。") and "收费标准：" in text and "办理渠道：" in text


def test_record_and_booking_pages_offer_what_they_show(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openRecord("pol-zz-2022-140-notice")
    qtbot.waitUntil(lambda: current_page(window).property("speechText") != "", timeout=5000)
    policy = current_page(window).property("speechText")
    assert policy.startswith("郑州市市场监督管理局（知识产权局）关于印发") and "发布日期：2022-05-16" in policy
    assert "印发《郑州市知识产权公共服务体系建设实施方案》" in policy  # the summary
    window.openRecord("evt-20261020-ip-search-training-1")
    qtbot.waitUntil(lambda: current_page(window).objectName() == "recordDetailPage"
                    and "专项培训（第一期）" in current_page(window).property("speechText"), timeout=5000)
    assert "地点：知识产权公共信息服务示范工作站 3楼培训室" in current_page(window).property("speechText")
    window.openPage("BookingPage.qml", {"bookingTypeId": "bk-patent-consult"})
    wait_page_built(qtbot, window)
    booking = current_page(window).property("speechText")
    assert booking.startswith("专利申请咨询。") and "用手机扫码即可预约" in booking
    assert find(window, "readAloudButton").isVisible()


def test_a_child_waits_ready_only_while_a_readable_page_stays(kiosk_ui, qtbot, caplog):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    window.goHome()  # passed through: no child is started for it
    wait_page_built(qtbot, window)
    qtbot.wait(1000)
    assert speak_pids() == []
    with caplog.at_level("INFO", logger="kiosk.ui.read_aloud"):
        open_service(qtbot, window)  # stays: a child is started ahead and says it is ready, before any tap
        qtbot.waitUntil(lambda: "read-aloud child ready" in caplog.text, timeout=15_000)
    [(_pid, args)] = speak_children()
    assert "--from-stdin" in args
    window.goHome()
    qtbot.waitUntil(lambda: speak_pids() == [], timeout=5000)


def test_a_tap_with_no_child_waiting_starts_one_and_speaks(kiosk_ui, qtbot, speaker_fifo):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    read_aloud = ctx.singletons["ReadAloud"]
    open_service(qtbot, window)
    read_aloud.setOffered(False)  # the child started ahead is gone: the tap must start one and hand it the text
    assert speak_pids() == []
    started = []
    read_aloud.audioStarted.connect(lambda: started.append(1))
    tap(qtbot, window, find(window, "readAloudButton"))
    qtbot.waitUntil(lambda: started == [1], timeout=15_000)
    assert read_aloud.property("state") == "speaking" and len(speak_pids()) == 1


def test_tap_speaks_in_a_child_and_a_second_tap_stops_it(kiosk_ui, qtbot, speaker_fifo):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    read_aloud = ctx.singletons["ReadAloud"]
    open_service(qtbot, window)
    button = find(window, "readAloudButton")
    started = []
    read_aloud.audioStarted.connect(lambda: started.append(1))
    tap(qtbot, window, button)
    qtbot.waitUntil(lambda: started == [1], timeout=15_000)  # its first chunk went to the device
    assert button.property("text") == "停止" and read_aloud.property("state") == "speaking"
    [(pid, args)] = speak_children()
    assert args[args.index("speak"):args.index("speak") + 3] == ["speak", "--json", "--from-stdin"]
    assert "--config" in args  # the station's settings (speech_volume) go with it

    tap(qtbot, window, button)
    assert pid not in speak_pids()
    assert button.property("text") == "朗读" and read_aloud.property("state") == "idle"
    # The next child waits ready for the next tap (the page still offers text).
    qtbot.waitUntil(lambda: [p for p in speak_pids() if p != pid] != [], timeout=5000)


@pytest.mark.parametrize(("cfg", "silent"), [({"speech_volume": 0}, True), ({"speech_volume": 80}, False)],
                         indirect=["cfg"])
def test_the_station_volume_reaches_the_speaker(kiosk_ui, qtbot, speaker_fifo, silent):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    started = []
    ctx.singletons["ReadAloud"].audioStarted.connect(lambda: started.append(1))
    open_service(qtbot, window)
    tap(qtbot, window, find(window, "readAloudButton"))
    qtbot.waitUntil(lambda: started == [1], timeout=15_000)
    pcm = b""
    while len(pcm) < 32_000:  # the first 0.7 s (22 kHz, 16-bit mono): the title, never silent at volume 80
        qtbot.waitUntil(lambda: select.select([speaker_fifo], [], [], 0)[0] != [], timeout=5000)
        pcm += os.read(speaker_fifo, 32_000 - len(pcm))
    assert (pcm.count(0) == len(pcm)) is silent


def test_leaving_the_page_stops_the_reading(kiosk_ui, qtbot, speaker_fifo):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    read_aloud = ctx.singletons["ReadAloud"]
    open_service(qtbot, window)
    tap(qtbot, window, find(window, "readAloudButton"))
    qtbot.waitUntil(lambda: read_aloud.property("state") == "speaking" and speak_pids() != [], timeout=5000)
    [pid] = speak_pids()
    tap(qtbot, window, find(window, "navHome"))
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "homePage"
    assert pid not in speak_pids() and read_aloud.property("state") == "idle"
    qtbot.waitUntil(lambda: speak_pids() == [], timeout=5000)  # home offers nothing: no child waits either


def test_idle_reset_stops_the_reading(kiosk_ui, qtbot, speaker_fifo):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW, idle_timeout_ms=1500, reading_idle_timeout_ms=1500, countdown_s=1)
    read_aloud = ctx.singletons["ReadAloud"]
    resets = []
    ctx.shell.visitorResetDone.connect(lambda: resets.append(1))
    open_service(qtbot, window)
    tap(qtbot, window, find(window, "readAloudButton"))
    qtbot.waitUntil(lambda: read_aloud.property("state") == "speaking" and speak_pids() != [], timeout=5000)
    # Nobody touches the screen: the countdown runs out and the kiosk returns to the attract screen.
    qtbot.waitUntil(lambda: resets == [1], timeout=8000)
    assert current_page(window).objectName() == "attractPage"
    assert speak_pids() == [] and read_aloud.property("state") == "idle"


def test_english_mode_reads_in_english_and_the_language_toggle_stops_it(kiosk_ui, qtbot, speaker_fifo, caplog):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    read_aloud = ctx.singletons["ReadAloud"]
    open_service(qtbot, window)
    ctx.shell.setProperty("language", "en")
    started = []
    read_aloud.audioStarted.connect(lambda: started.append(1))
    with caplog.at_level("INFO", logger="kiosk.ui.read_aloud"):
        tap(qtbot, window, find(window, "readAloudButton"))
        qtbot.waitUntil(lambda: started == [1], timeout=15_000)
    # The child says which voice it started: English for an English visitor.
    assert any("voice en-us" in r.getMessage() for r in caplog.records), caplog.text
    [pid] = speak_pids()
    ctx.shell.setProperty("language", "zh")
    qtbot.waitUntil(lambda: pid not in speak_pids(), timeout=5000)
    assert read_aloud.property("state") == "idle"


@pytest.mark.parametrize("cfg", [{"speech": False}], indirect=True)
def test_speech_off_means_no_button_and_no_child(kiosk_ui, qtbot):
    _ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    assert current_page(window).property("speechText") != ""
    assert not find(window, "readAloudButton").isVisible()
    qtbot.wait(500)
    assert speak_pids() == []


@pytest.mark.skipif(Path("/dev/snd").exists(), reason="this machine has a sound card")
def test_without_a_sound_card_the_button_says_so_and_nothing_hangs(kiosk_ui, qtbot):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW)
    open_service(qtbot, window)
    button = find(window, "readAloudButton")
    tap(qtbot, window, button)
    qtbot.waitUntil(lambda: button.property("text") == "本机没有声音输出", timeout=5000)
    assert ctx.singletons["ReadAloud"].property("state") == "unavailable"
    # The screen still answers, and the next tap tries again (a speaker may have been plugged in).
    tap(qtbot, window, button)
    qtbot.waitUntil(lambda: button.property("text") == "本机没有声音输出", timeout=5000)
    tap(qtbot, window, find(window, "navBack"))
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "homePage"


def test_a_visit_large_text_reading_english_then_the_idle_reset_returns_to_silence(kiosk_ui, qtbot, speaker_fifo,
                                                                                   caplog):
    ctx, window = kiosk_ui(clock=lambda: SEED_NOW, idle_timeout_ms=2500, reading_idle_timeout_ms=2500,
                           countdown_s=1)
    read_aloud = ctx.singletons["ReadAloud"]
    resets = []
    ctx.shell.visitorResetDone.connect(lambda: resets.append(1))
    ctx.shell.setProperty("largeText", True)
    open_service(qtbot, window)
    button = find(window, "readAloudButton")
    tap(qtbot, window, button)
    qtbot.waitUntil(lambda: read_aloud.property("speaking") and speak_pids() != [], timeout=5000)
    tap(qtbot, window, button)
    assert read_aloud.property("state") == "idle"
    ctx.shell.setProperty("language", "en")
    with caplog.at_level("INFO", logger="kiosk.ui.read_aloud"):
        tap(qtbot, window, button)
        qtbot.waitUntil(lambda: "voice en-us" in caplog.text, timeout=15_000)
    # The visitor walks away while it reads: the countdown ends it and the next visitor gets the station's defaults.
    qtbot.waitUntil(lambda: resets == [1], timeout=10_000)
    assert speak_pids() == [] and read_aloud.property("state") == "idle"
    assert ctx.shell.property("largeText") is False and ctx.shell.property("language") == "zh"
    assert current_page(window).objectName() == "attractPage"
