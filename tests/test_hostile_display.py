"""Hostile content on screen: markup stays text, forbidden characters never show, a detail page is one
bounded call, and the data-service pipe refuses over-long lines.

The content is written straight into content.db with the store API, as a terminal could hold it
despite the publisher's rules (an older version, a hand-signed manifest): the terminal's own
defences are what is tested here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.data_service_double import DataServiceInProcess, answered, wait_answered
from tests.helpers import REPO_ROOT
from tests.ui_helpers import SEED_NOW

RED = QColor(255, 0, 0)


def _put_records(*records: dict) -> None:
    """Write RECORDS into the open content.db as they are (no manifest check) and tell the UI."""
    from kiosk.store import content

    for rec in records:
        content.Record.insert(**content._row_for(rec["kind"], rec)).on_conflict_replace().execute()
    content.SyncStatus.update(apply_serial=content.SyncStatus.apply_serial + 1).execute()


def _service(record_id: str, title: str, **fields) -> dict:
    return {"id": record_id, "kind": "services", "rev": 1, "title": title, "category": "专利", "hot": True,
            "summary": "摘要", **fields}


def _red_png(path: Path) -> Path:
    image = QImage(120, 120, QImage.Format.Format_RGB32)
    image.fill(RED)
    image.save(str(path))
    return path


def _has_red(image: QImage) -> bool:
    return any(image.pixelColor(x, y) == RED for y in range(0, image.height(), 4) for x in range(0, image.width(), 4))


def _probe(data_dir: Path, out: Path, *args: str, size: str = "1080x1920") -> dict:
    """Run tests/probes/hostile_ui.py with a stdin that stays open and silent: reading it blocks forever,
    so a page that interprets <img src="file:///dev/stdin"> ends in the timeout instead of an answer."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_QUICK_BACKEND="software")
    stdin_read, stdin_write = os.pipe()  # the write end stays open (and silent) until the probe is done
    try:
        proc = subprocess.Popen([sys.executable, "-m", "tests.probes.hostile_ui", "--data-dir", str(data_dir),
                                 "--out", str(out), "--size", size, *args], cwd=REPO_ROOT, env=env,
                                stdin=stdin_read, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        os.close(stdin_read)
        try:
            stdout, stderr = proc.communicate(timeout=120)  # a hang detector, not a speed bound
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("the kiosk UI stopped answering (a page read a file from the GUI thread)")
    finally:
        os.close(stdin_write)
    assert proc.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])


def _assert_no_markup_interpreted(report: dict) -> None:
    """Every visible Text is plain, or StyledText whose only markup is text.py's <b>."""
    for t in report["texts"]:
        assert t["textFormat"] in ("PlainText", "StyledText"), t
        if t["textFormat"] == "StyledText":
            assert "<" not in t["text"].replace("<b>", "").replace("</b>", ""), t


# ---------------------------------------------------------------- markup in titles


def test_markup_in_titles_shows_as_text_and_loads_nothing(seeded, cfg, tmp_path):
    red = _red_png(tmp_path / "red.png")
    freeze = '专利信息检索<img src="file:///dev/stdin">'
    picture = f'<img src="{red.as_uri()}" width="400" height="400">假的缴费二维码'
    # order 1: curated first, so both are among the home screen's hot chips (the seed's services are ordered too).
    _put_records(_service("svc-aaa-freeze", freeze, order=1, materials=[picture], conditions=picture),
                 _service("svc-aaa-picture", picture, order=1, summary=f"**{picture}**"))
    seeded.close()

    home = _probe(cfg.data_path, tmp_path / "home.png")
    assert home["warnings"] == []
    shown = [t["text"] for t in home["texts"]]
    assert freeze in shown and picture in shown  # the hot chips show the titles literally
    _assert_no_markup_interpreted(home)
    assert not _has_red(QImage(str(tmp_path / "home.png")))

    page = _probe(cfg.data_path, tmp_path / "detail.png", "--record", "svc-aaa-picture", size="1920x1080")
    assert page["warnings"] == []
    assert picture in [t["text"] for t in page["texts"]]  # the heading and the nav bar title
    _assert_no_markup_interpreted(page)
    assert not _has_red(QImage(str(tmp_path / "detail.png")))

    page = _probe(cfg.data_path, tmp_path / "freeze.png", "--record", "svc-aaa-freeze")
    _assert_no_markup_interpreted(page)
    assert not _has_red(QImage(str(tmp_path / "freeze.png")))


def test_markup_in_an_event_shows_as_text_on_the_attract_screen(seeded, cfg, tmp_path):
    red = _red_png(tmp_path / "red.png")
    picture = f'<img src="{red.as_uri()}" width="400" height="400">'
    _put_records({"id": "evt-aaa-markup", "kind": "events", "rev": 1, "title": f"宣讲会{picture}",
                  "starts_at": "2026-11-25T09:00:00+08:00", "ends_at": "2026-11-25T11:00:00+08:00",
                  "venue": f"<b>会议室</b>{picture}", "summary": f"**摘要**{picture}"})
    seeded.close()
    report = _probe(cfg.data_path, tmp_path / "attract.png", "--page", "AttractPage.qml")
    assert report["warnings"] == []
    shown = [t["text"] for t in report["texts"]]
    assert f"宣讲会{picture}" in shown and f"地点：<b>会议室</b>{picture}" in shown
    _assert_no_markup_interpreted(report)
    assert not _has_red(QImage(str(tmp_path / "attract.png")))


def test_body_markup_is_escaped_and_bold_smuggles_nothing():
    from kiosk.ui import text

    assert text.inline('**<img src="file:///x">**') == '<b>&lt;img src="file:///x"&gt;</b>'
    assert text.inline("a & b <i>c</i>") == "a &amp; b &lt;i&gt;c&lt;/i&gt;"
    assert text.inline("**a<b>**</b>") == "<b>a&lt;b&gt;</b>&lt;/b&gt;"
    assert text.inline("[<img>](file:///x)") == "&lt;img&gt;"
    assert text.blocks("## <img src=x>\n- <a href=y>z</a>") == [
        {"type": "h2", "text": "&lt;img src=x&gt;", "marker": ""},
        {"type": "li", "text": "&lt;a href=y&gt;z&lt;/a&gt;", "marker": "•"}]


# ---------------------------------------------------------------- forbidden characters


def test_the_data_service_cleans_every_answer(data_service, qtbot):
    combining = "\u0301" * 3000
    _put_records(_service("svc-aaa-controls", "专利\u202e申请", summary="专利申请\x00受理的完整摘要", hot=False,
                          body=f"正文{combining}结束", materials=["材料\x1b[31m一"], related_ids=["svc-aaa-marks"]),
                 _service("svc-aaa-marks", f"标题{combining}", hot=False))
    rows = {r["id"]: r for r in answered(qtbot, data_service.list_records("services"))}
    assert rows["svc-aaa-controls"]["title"] == "专利申请"
    assert rows["svc-aaa-controls"]["summary"] == "专利申请受理的完整摘要"
    assert rows["svc-aaa-marks"]["title"] == "标题" + "\u0301" * 3

    page = answered(qtbot, data_service.record_detail("svc-aaa-controls"))
    assert page["record"]["body"] == "正文" + "\u0301" * 3 + "结束"
    assert page["record"]["materials"] == ["材料[31m一"]
    assert page["related"] == [{"id": "svc-aaa-marks", "kind": "services", "title": "标题" + "\u0301" * 3, "title_en": ""}]
    hits = answered(qtbot, data_service.search("专利申请", "", SEED_NOW.isoformat(), kinds=["services"], limit=50,
                                               candidate_limit=0, nearest_limit=0))["hits"]
    assert all("\u202e" not in h["title"] for h in hits)


def _config_file(cfg) -> str:
    path = cfg.data_path.parent / "hostile.toml"
    path.write_text(f'data_dir = "{cfg.data_path}"\n', encoding="utf-8")
    return str(path)


def test_slips_and_station_facts_are_cleaned(data_dir, qapp):
    from kiosk.booking import SlipContent, make_link
    from kiosk.core import config as config_mod
    from kiosk.ui import printing

    hostile_name = "郑州\u202e工作站\x07"
    # The config refuses such a name outright (kiosk.core.config), naming the character; the slip cleans one that
    # reaches it anyway (a station name is only one of its texts).
    with pytest.raises(config_mod.ConfigError, match=r"'station_name': .*bidi control U\+202E at character 2"):
        config_mod.from_mapping({"data_dir": str(data_dir), "station_name": hostile_name})
    cfg = config_mod.from_mapping({"data_dir": str(data_dir)})
    slip = SlipContent(station_name=hostile_name, service_title="专利\x00申请", booking_type_title="咨询",
                       link=make_link(cfg, "svc-x", "consult"), printed_at="2026-11-24 12:00", prepare=(), details=())
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    blocks, _height = printing._layout(slip, printing.paper_geometry(58), printer)
    texts = [b.text for b in blocks if b.kind == "text"]
    assert "郑州工作站" in texts and "专利申请" in texts


# ---------------------------------------------------------------- a detail page is one bounded call


def test_a_record_with_huge_lists_opens_as_one_bounded_page(seeded, cfg, tmp_path, qtbot):
    from kiosk.core.manifest import LIST_LIMITS

    existing = [f"svc-aaa-rel-{i:02d}" for i in range(40)]
    related_ids = existing + [f"svc-missing-{i:05d}" for i in range(50_000 - len(existing))]
    _put_records(*(_service(rid, f"相关事项{rid[-2:]}", hot=False) for rid in existing),
                 _service("svc-aaa-huge", "材料很多的事项", hot=False, related_ids=related_ids,
                          materials=[f"材料{i}" for i in range(100_000)],
                          process=[f"步骤{i}" for i in range(10_000)]))
    data = DataServiceInProcess(cfg)
    page = answered(qtbot, data.record_detail("svc-aaa-huge"))
    assert len(page["record"]["materials"]) == LIST_LIMITS["materials"]
    assert len(page["record"]["process"]) == LIST_LIMITS["process"]
    assert [r["id"] for r in page["related"]] == existing[:LIST_LIMITS["related_ids"]]
    assert len(json.dumps(page, ensure_ascii=False)) < 20_000  # not 100,000 materials on the pipe
    seeded.close()

    report = _probe(cfg.data_path, tmp_path / "huge.png", "--record", "svc-aaa-huge")
    assert report["warnings"] == []
    shown = [t["text"] for t in report["texts"]]
    # The materials themselves (not the title, nor the key facts card's "材料" label).
    assert sum(1 for s in shown if s.startswith("材料") and s not in ("材料很多的事项", "材料")) == LIST_LIMITS["materials"]
    assert f"共 {LIST_LIMITS['materials']} 项" in shown  # the card counts what the page lists
    assert sum(1 for s in shown if s.startswith("步骤")) == LIST_LIMITS["process"]


def test_wrong_field_types_still_show_the_page(seeded, cfg, tmp_path):
    """Wrong types the publisher refuses (a hand-signed manifest, an older content.db): the page shows
    what it can, without QML TypeErrors or 已下架."""
    _put_records(_service("svc-aaa-types", "类型错误的事项", hot=False, conditions=12345, booking="x",
                          materials="不是列表", process=[1, "第二步", None], body=7, summary=["x"],
                          related_ids="svc-patent-application", channels={"a": 1}))
    seeded.close()
    report = _probe(cfg.data_path, tmp_path / "types.png", "--record", "svc-aaa-types")
    assert report["warnings"] == []
    shown = [t["text"] for t in report["texts"]]
    assert "类型错误的事项" in shown and "第二步" in shown
    assert not any("已下架" in s for s in shown)


def test_the_detail_view_model_makes_one_call_per_page(data_service, qtbot):
    from kiosk.ui import content_models

    never = type("S", (), {"connect": lambda self, f: None})()
    shell = type("Shell", (), {"languageChanged": never, "visitor_language": staticmethod(lambda: "zh")})()
    ctx = type("Ctx", (), {"data": data_service, "clock": staticmethod(lambda: SEED_NOW), "content_changed": never,
                           "now_iso": staticmethod(lambda: SEED_NOW.isoformat()), "shell": shell})()
    facade = content_models.ContentFacade(ctx)
    wait_answered(qtbot, data_service)  # the hot services
    data_service.calls.clear()
    with qtbot.waitSignal(facade.detailOpened, timeout=5000) as opened:
        facade.open("svc-patent-application")
    assert opened.args == ["svc-patent-application", "services"]
    rec = facade.record("svc-patent-application")
    assert rec["title"] and rec["bookingTypeId"]
    # One read for the whole page; the other call only counts the visitor's view (it reads nothing).
    assert data_service.calls == ["record_detail", "record_view"]
    data_service.calls.clear()
    with qtbot.waitSignal(facade.detailOpened, timeout=5000) as opened:
        facade.open("no-such-record")
    assert opened.args == ["no-such-record", ""] and facade.record("no-such-record") == {}
    assert data_service.calls == ["record_detail"], "a record that is gone counts no view"


# ---------------------------------------------------------------- pipe line caps


def test_an_over_long_request_line_is_refused_and_the_service_goes_on(seeded, cfg):
    from kiosk.dataservice.service import MAX_LINE_BYTES

    seeded.close()
    with subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--config", _config_file(cfg), "data-service"],
                          cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert json.loads(proc.stdout.readline()) == {"ready": True}
        proc.stdin.write(b'{"id": 1, "method": "record_detail", "args": {"record_id": "'
                         + b"x" * (MAX_LINE_BYTES + 10) + b'"}}\n')
        proc.stdin.write(b'{"id": 2, "method": "record_detail", "args": {"record_id": "svc-patent-application"}}\n')
        proc.stdin.flush()
        refused = json.loads(proc.stdout.readline())
        assert refused["error"]["kind"] == "bad_request"
        assert f"longer than {MAX_LINE_BYTES} bytes" in refused["error"]["message"]
        answer = json.loads(proc.stdout.readline())
        assert answer["id"] == 2 and answer["result"]["record"]["kind"] == "services"
        proc.stdin.close()  # the service ends when the UI closes the pipe
        assert proc.wait(timeout=30) == 0


def test_read_line_keeps_memory_bounded():
    import io

    from kiosk.core.json_lines import LineTooLong, read_line

    stream = io.BytesIO(b"x" * 1000 + b"\nok\nlast")
    with pytest.raises(LineTooLong):
        read_line(stream, limit=100)
    assert read_line(stream, limit=100) == b"ok"
    assert read_line(stream, limit=100) == b"last"
    assert read_line(stream, limit=100) is None


def test_an_over_long_answer_line_is_refused_as_unavailable(qapp, tmp_path, qtbot):
    from kiosk.ui.data_client import DataClient, DataUnavailable
    # A stand-in child: says it is ready, then answers with a line that never ends.
    script = ("import sys\nprint('{\"ready\": true}', flush=True)\nsys.stdin.readline()\n"
              "sys.stdout.write('x' * 5_000_000)\nsys.stdout.flush()\nsys.stdin.read()\n")
    client = DataClient(sys.executable, ["-c", script], max_line_bytes=1_000_000)
    client.start()
    try:
        with pytest.raises(DataUnavailable, match="longer than 1000000 bytes"):
            answered(qtbot, client.content_serial())
        assert client.pid is None  # discarded: the next call starts a new child
    finally:
        client.stop()


# ---------------------------------------------------------------- every visitor Text declares its format

STAFF_QML = {"AdminPage.qml", "PinPage.qml", "PinPad.qml", "AnnouncementEditor.qml"}  # their own owner's rules
_TEXT_OPENER = re.compile(r"^\s*(?:[\w.]+:\s*)?Text\s*\{\s*$")


def _text_blocks(qml: str):
    """(line number, the Text block's own lines) for every `Text {` block of QML."""
    lines = qml.split("\n")
    for i, line in enumerate(lines):
        if _TEXT_OPENER.match(line):
            depth, j, own = 1, i + 1, []
            while j < len(lines) and depth > 0:
                if depth == 1:
                    own.append(lines[j].strip())
                depth += lines[j].count("{") - lines[j].count("}")
                j += 1
            yield i + 1, own


def test_every_visitor_text_declares_plain_or_styled_format():
    """Qt's default (AutoText) turns anything that looks like HTML into markup, images included, so a
    Text added without a format would show content markup again. StyledText only where text.py's
    escaped output is shown."""
    from kiosk.ui.qml_types import KIOSK_QML_DIR

    styled_allowed = {"BodyText.qml", "GuideField.qml", "ServiceDetailPage.qml", "SearchResultDelegate.qml"}
    missing, styled = [], []
    for path in sorted(KIOSK_QML_DIR.glob("*.qml")):
        if path.name in STAFF_QML:
            continue
        for line_no, own in _text_blocks(path.read_text(encoding="utf-8")):
            formats = [s for s in own if s.startswith("textFormat:")]
            if formats != ["textFormat: Text.PlainText"]:
                (styled if formats == ["textFormat: Text.StyledText"] else missing).append(f"{path.name}:{line_no}")
    assert missing == []
    assert {where.split(":")[0] for where in styled} <= styled_allowed


def test_for_screen_cleans_like_clean_tree_and_returns_clean_answers_unchanged():
    from kiosk.core.safe_text import clean_tree
    from kiosk.dataservice.service import for_screen

    clean = [{"title": "专利申请受理", "items": ["é", "<img src=x>"], "n": 3}]
    assert for_screen(clean) is clean  # the common case: no copy
    accents = ["a\u0301\u0301"]  # combining marks take the slow path, and stay when they are few
    assert for_screen(accents) == accents
    for hostile in (["a\x00b"], {"k\u202e": "v"}, ["x" + "\u0301" * 3000], [{"t": ["\ud800", 1, None]}],
                    ["\u0301\u0301\u0301", "\u0301" * 4]):
        assert for_screen(hostile) == clean_tree(hostile)


def test_list_answers_leave_out_what_only_a_detail_page_shows(data_service, qtbot):
    from kiosk.dataservice.service import DETAIL_ONLY_FIELDS

    _put_records(_service("svc-aaa-long", "正文很长的事项", body="长" * 1_000_000, materials=["材料"] * 10_000))
    rows = {r["id"]: r for r in answered(qtbot, data_service.list_records("services"))}
    assert rows["svc-aaa-long"]["summary"] == "摘要"
    assert not set(DETAIL_ONLY_FIELDS) & set(rows["svc-aaa-long"])
    assert len(json.dumps(rows["svc-aaa-long"], ensure_ascii=False)) < 1000
    assert len(answered(qtbot, data_service.record_detail("svc-aaa-long"))["record"]["body"]) == 1_000_000


# The only pictures the UI loads, each with its guard: the station logo (a file the config names, checked by
# kiosk.core.logo, else the bundled one) and the tiles' icons (bundled files named in QML, through Shell.iconSource).
IMAGE_LOADERS = {"HomePage.qml": "source: Shell.logoSource", "Tile.qml": "source: tile.iconSource"}


def test_no_qml_file_loads_images_files_or_urls():
    """Nothing in the UI loads a picture, a file or a URL from content (the QR is a path drawn by Shapes), so no
    content string can become something to load: an element that would needs a reason and a guard
    (IMAGE_LOADERS)."""
    from kiosk.ui.qml_types import KIOSK_QML_DIR

    loaders = re.compile(r"\b(Image|AnimatedImage|BorderImage|AnimatedSprite|FontLoader|XMLHttpRequest|"
                         r"openUrlExternally|WebView|MediaPlayer)\b")
    found = {}
    for path in sorted(KIOSK_QML_DIR.glob("*.qml")):
        qml = path.read_text(encoding="utf-8")
        for m in loaders.finditer(qml):
            if not qml[m.end():].lstrip().startswith("."):  # Image.PreserveAspectFit and such are not loaders
                found.setdefault(path.name, []).append(m.group(0))
    assert found == {name: ["Image"] for name in IMAGE_LOADERS}
    for name, binding in IMAGE_LOADERS.items():
        assert binding in (KIOSK_QML_DIR / name).read_text(encoding="utf-8")
    # A tile's icon is always one of the bundled files.
    icon_sources = [line.strip() for path in sorted(KIOSK_QML_DIR.glob("*.qml"))
                    for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"\s*iconSource:", line)]
    assert icon_sources and all(line.startswith("iconSource: Shell.iconSource(") for line in icon_sources)
