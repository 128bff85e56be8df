"""`ipkiosk doctor`: every check against real SQLite files, a real HTTP server and real font files.

The printer check asks CUPS through kiosk.printer_status: against the real scheduler where one can run
(packaging/ci-cups-setup.sh), and with recorded answers (a fake ``printer_status``) for the states a test
cannot put the scheduler in (no libcups, no default queue, a hung scheduler).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.commands import doctor
from kiosk.core import config as config_mod
from kiosk.core import kinds
from kiosk.core.self_command import self_command
from kiosk.core.sync_outcome import SyncReason
from kiosk.printer_status import PrinterState, PrinterStatus, printer_status
from tests import cups_helpers
from tests.helpers import REPO_ROOT, file_digest


def _cups(default="receipt", state=PrinterState.READY):
    """A fake printer_status that answers like CUPS with one queue DEFAULT in STATE."""

    def printer_status(name):
        if not name and default is None:
            return PrinterStatus("", PrinterState.NO_DEFAULT, cups_error="No default destination.")
        if (name or default) != default:
            return PrinterStatus(name, PrinterState.NO_QUEUE, cups_error="The printer or class does not exist.")
        return PrinterStatus(default, state, activity="idle" if state is PrinterState.READY else "")

    return printer_status


def _font(path, codepoints):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    codepoints = sorted(set(codepoints))
    names = [".notdef"] + [f"g{cp:x}" for cp in codepoints]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({cp: f"g{cp:x}" for cp in codepoints})
    fb.setupGlyf({n: TTGlyphPen(None).glyph() for n in names})
    fb.setupHorizontalMetrics(dict.fromkeys(names, (1000, 0)))
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Doctor Test", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


def _content_font(tmp_path, seeded_texts_extra=""):
    """A font covering every character of the seed content and the default station texts."""
    from kiosk.store import content

    chars = set(seeded_texts_extra)
    for kind in kinds.NAMES:
        for rec in content.list_records(kind):
            chars |= set(json.dumps(rec, ensure_ascii=False))
    defaults = config_mod.from_mapping({})
    chars |= set(defaults.station_name + defaults.station_address + defaults.station_hours)
    return _font(tmp_path / "content.ttf", sorted(ord(c) for c in chars if not c.isspace()))


def _probes(font=None, **overrides):
    fields = {"now": lambda: dt.datetime.now(dt.UTC), "disk_usage": lambda _p: (10**12, 0, 10**11), "printer_status": _cups(),
              "bundled_fonts": lambda: [font] if font else [], "system_fonts": list}
    fields.update(overrides)
    return doctor.Probes(**fields)


def _by_name(checks):
    return {c.name: c for c in checks}


# ---------------------------------------------------------------- whole runs


def test_healthy_terminal_is_all_ok_and_station_db_is_untouched(cfg, seeded, station_store, tmp_path):
    from kiosk.store import station

    station.add_announcement("本周五下午停电检修", "暂停服务半天")
    font = _content_font(tmp_path, "本周五下午停电检修暂停服务半天")
    station_store.close()
    seeded.close()
    # The keyboard's pinyin engine deployed as at install (`sudo ipkiosk pinyin --deploy`, real librime).
    program, args = self_command(cfg, "pinyin", "--deploy")
    subprocess.run([program, *args], cwd=REPO_ROOT, capture_output=True, timeout=120, check=True)
    before = file_digest(cfg.station_db_path)

    checks = doctor.run_checks(cfg, _probes(font))

    assert {c.name: c.status for c in checks} == {
        "config": "ok", "content_db": "ok", "station_db": "ok", "disk": "ok", "permissions": "ok", "fonts": "ok",
        "printer": "ok", "clock": "ok", "repository": "ok", "signature": "ok", "pinyin": "ok",
        "speech": "ok"}
    assert "1 announcements" in _by_name(checks)["station_db"].detail
    assert "printer receipt is idle" in _by_name(checks)["printer"].detail
    assert doctor.exit_code(checks) == 0
    assert file_digest(cfg.station_db_path) == before


def test_empty_data_dir_creates_nothing(cfg, tmp_path):
    font = _font(tmp_path / "f.ttf", [ord(c) for c in "郑州市知识产权公共信息服务示范工作站（演示）请在配置中填写周一至五:–，"
                                       "0123456789"])
    checks = doctor.run_checks(cfg, _probes(font))
    named = _by_name(checks)
    assert named["content_db"].status == "warn" and "import-seed" in named["content_db"].remedy
    assert named["station_db"].status == "ok"
    assert list(cfg.data_path.iterdir()) == []
    assert doctor.exit_code(checks) == 0


def test_corrupt_station_db_fails_and_is_left_as_it_was(cfg, seeded, tmp_path):
    cfg.station_db_path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    before = file_digest(cfg.station_db_path)
    checks = doctor.run_checks(cfg, _probes(_content_font(tmp_path)))
    named = _by_name(checks)
    assert named["station_db"].status == "fail"
    assert "restore" in named["station_db"].remedy
    assert doctor.exit_code(checks) == 1
    assert file_digest(cfg.station_db_path) == before


def test_corrupt_content_db_is_a_warning_because_it_is_rebuilt(cfg, tmp_path):
    cfg.content_db_path.write_bytes(b"not a database at all" * 100)
    named = _by_name(doctor.run_checks(cfg, _probes()))
    assert named["content_db"].status == "warn"
    assert "rebuilt" in named["content_db"].remedy


def test_files_of_the_previous_version_are_named_for_an_upgrade_not_a_traceback(cfg, seeded, station_store, tmp_path):
    # After `apt-get install` of a new version, before the kiosk restarted: doctor reads the files read-only, so
    # the new version's migrations (content.db's list-order columns, station.db's view counts) are not applied.
    font = _content_font(tmp_path)
    seeded.execute_sql("ALTER TABLE record DROP COLUMN curated_order")
    seeded.execute_sql("ALTER TABLE record DROP COLUMN title_pinyin")
    seeded.execute_sql("DELETE FROM migrations WHERE name = '0003_list_order'")
    station_store.execute_sql("DROP TABLE recordview")
    station_store.execute_sql("DELETE FROM migrations WHERE name = '0002_record_view'")
    station_store.close()
    seeded.close()
    before = file_digest(cfg.station_db_path), file_digest(cfg.content_db_path)
    named = _by_name(doctor.run_checks(cfg, _probes(font)))
    assert named["content_db"].status == "warn"
    assert "earlier version" in named["content_db"].detail and "0003_list_order" in named["content_db"].detail
    assert "restart" in named["content_db"].remedy
    # The font line does not claim there is no content: it says the content went unchecked.
    assert "no content yet" not in named["fonts"].detail
    assert "the content was not checked (see content_db)" in named["fonts"].detail
    assert named["station_db"].status == "ok"
    assert (file_digest(cfg.station_db_path), file_digest(cfg.content_db_path)) == before


# ---------------------------------------------------------------- single checks


def test_low_disk_fails_and_tight_disk_warns(cfg):
    named = _by_name(doctor.run_checks(cfg, _probes(disk_usage=lambda _p: (10**10, 0, 50 * 1024 * 1024))))
    assert named["disk"].status == "fail" and "50 MB free" in named["disk"].detail
    named = _by_name(doctor.run_checks(cfg, _probes(disk_usage=lambda _p: (10**10, 0, 300 * 1024 * 1024))))
    assert named["disk"].status == "warn"


def test_characters_missing_from_the_font_are_named_with_their_record(cfg, seeded, station_store, tmp_path):
    from kiosk.store import station

    font = _content_font(tmp_path, "今日由老师值班")
    station.add_announcement("今日由𠀀老师值班")  # U+20000, outside the font built from the seed
    station_store.close()
    check = _by_name(doctor.run_checks(cfg, _probes(font)))["fonts"]
    assert check.status == "warn"
    assert "U+20000 in announcement/1" in check.detail
    assert "1 characters" in check.detail


def test_no_font_at_all_fails(cfg):
    check = _by_name(doctor.run_checks(cfg, _probes()))["fonts"]
    assert check.status == "fail" and "fonts-noto-cjk" in check.remedy


def _visible_chars(limit=0x30000):
    return {chr(cp) for cp in range(limit) if doctor._visible(chr(cp))}


def _fonttools_lacks(path, chars, face=0):
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path), fontNumber=face)["cmap"].getBestCmap()
    return {ch for ch in chars if ord(ch) not in cmap}


def test_font_coverage_agrees_with_fonttools_for_bmp_supplementary_and_collection_fonts(tmp_path):
    from fontTools.ttLib import TTCollection, TTFont

    bmp = _font(tmp_path / "bmp.ttf", [0x41, 0x4E2D, 0x6587, 0xFF0C])  # cmap format 4 only
    wide = _font(tmp_path / "wide.ttf", [0x41, 0x4E2D, 0x20000, 0x2A6D6])  # format 4 + 12
    chars = _visible_chars()
    for path in (bmp, wide):
        assert doctor.undrawable([path], chars) == _fonttools_lacks(path, chars)
    collection = TTCollection()
    collection.fonts = [TTFont(str(wide)), TTFont(str(bmp))]
    collection.save(str(tmp_path / "both.ttc"))
    assert doctor.undrawable([tmp_path / "both.ttc"], "A中文𠀀") == {"文"}, "the first face of a collection counts"
    assert doctor.undrawable([bmp, wide], "A中文𠀀𪛖，") == set(), "any of the fonts may draw a character"


def test_unreadable_font_files_are_named(tmp_path):
    (tmp_path / "junk.ttf").write_bytes(b"\x00\x01\x00\x00\x00")
    with pytest.raises(doctor.FontFileError, match=r"junk\.ttf: truncated or not a font file") as junk:
        doctor.undrawable([tmp_path / "junk.ttf"], "中")
    assert junk.value.path == tmp_path / "junk.ttf"
    with pytest.raises(doctor.FontFileError, match="No such file"):
        doctor.undrawable([tmp_path / "gone.ttf"], "中")


def test_unreadable_font_fails_the_check_naming_the_file(cfg, tmp_path):
    (tmp_path / "junk.ttf").write_bytes(b"not a font")
    check = _by_name(doctor.run_checks(cfg, _probes(tmp_path / "junk.ttf")))["fonts"]
    assert check.status == "fail"
    assert check.detail == f"{tmp_path / 'junk.ttf'}: unreadable ({tmp_path / 'junk.ttf'}: truncated or not a font file)"


@pytest.mark.parametrize("font", doctor.bundled_fonts(), ids=lambda p: p.name)
def test_font_coverage_agrees_with_fonttools_for_the_bundled_fonts(font):
    chars = _visible_chars()
    assert doctor.undrawable([font], chars) == _fonttools_lacks(font, chars)


def test_cli_doctor_needs_no_display_for_the_font_check(tmp_path):
    """`ipkiosk doctor` on a terminal without a display (no DISPLAY, no platform chosen) still checks the
    bundled fonts: the font engine runs offscreen and the process exits on its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "doctor", "--json"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr
    fonts = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "fonts")
    assert fonts["status"] == "ok" and "bundled font(s)" in fonts["detail"]


@pytest.mark.parametrize(("printer_name", "cups", "status", "words"), [
    ("", _cups(default=None), "warn", "no default printer (No default destination.)"),
    ("", _cups(state=PrinterState.STOPPED), "warn", "cupsenable receipt"),
    ("kitchen", _cups(), "fail", "printer 'kitchen' not available (The printer or class does not exist.)"),
    ("receipt", _cups(), "ok", "printer receipt is idle"),
])
def test_printer_states(data_dir, printer_name, cups, status, words):
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": printer_name})
    check = _by_name(doctor.run_checks(cfg, _probes(printer_status=cups)))["printer"]
    assert check.status == status
    assert words in check.detail + check.remedy


def test_missing_libcups_is_a_warning_without_a_configured_printer(cfg):
    def printer_status(name):
        return PrinterStatus(name, PrinterState.NO_LIBCUPS)

    check = _by_name(doctor.run_checks(cfg, _probes(printer_status=printer_status)))["printer"]
    assert check.status == "warn" and "libcups" in check.detail and "libcups2" in check.remedy


def test_a_hung_cups_scheduler_does_not_hang_the_doctor(cfg, monkeypatch):
    released = threading.Event()

    def printer_status(name):
        released.wait(60)  # a scheduler that took the connection and never answers
        return PrinterStatus(name, PrinterState.READY, activity="idle")

    monkeypatch.setattr(doctor, "CUPS_TIMEOUT_S", 0.2)
    try:
        check = _by_name(doctor.run_checks(cfg, _probes(printer_status=printer_status)))["printer"]
    finally:
        released.set()
    assert check.status == "warn" and "did not answer" in check.detail and "systemctl status cups" in check.remedy


@pytest.mark.parametrize(("configured", "status", "words"), [
    (cups_helpers.TEST_QUEUE, "ok", f"printer {cups_helpers.TEST_QUEUE} is "),
    ("ipkiosk-no-such-queue", "fail", "printer 'ipkiosk-no-such-queue' not available (The printer or class does not"),
])
def test_printer_check_against_the_real_cups_scheduler(data_dir, configured, status, words):
    queue = cups_helpers.cups_pdf_queue()  # skips, saying why, when no scheduler can run here
    assert queue.name == cups_helpers.TEST_QUEUE
    cfg = config_mod.from_mapping({"data_dir": str(data_dir), "printer_name": configured})
    check = _by_name(doctor.run_checks(cfg, _probes(printer_status=printer_status)))["printer"]
    assert (check.status, check.detail[:len(words)]) == (status, words)


def _sync_outcome(result, code, reason="", verified=True):
    from kiosk.store import content

    content.record_sync_outcome(result, reason, code, verified=verified)


def test_clock_behind_the_last_verified_metadata_fails(cfg, seeded):
    _sync_outcome("OK", SyncReason.APPLIED)  # verified now (real clock); the doctor's clock is set back to 2020
    seeded.close()
    check = _by_name(doctor.run_checks(cfg, _probes(now=lambda: dt.datetime(2020, 1, 1, tzinfo=dt.UTC))))["clock"]
    assert check.status == "fail"
    assert "timedatectl" in check.remedy
    assert check.detail.startswith("clock 2020-01-01 08:00:00 +08:00 is before")  # people read China time


def test_clock_before_the_newest_content_fails_even_without_sync(cfg, seeded):
    seeded.close()
    check = _by_name(doctor.run_checks(cfg, _probes(now=lambda: dt.datetime(2001, 1, 1, tzinfo=dt.UTC))))["clock"]
    assert check.status == "fail" and "content published" in check.detail


# ---------------------------------------------------------------- repository (real HTTP server)


@pytest.fixture
def repo_server(tmp_path):
    """A static web server on 127.0.0.1 serving tmp_path/repo."""
    root = tmp_path / "repo"
    (root / "metadata").mkdir(parents=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def root_json(tmp_path):
    # A really signed root (version 3 after two key rotations): doctor verifies its signatures as sync does.
    from kiosk.sync import trust

    keys = tmp_path / "keys"
    trust.init_keys(keys)
    trust.rotate_keys(keys, ["timestamp"])
    return trust.rotate_keys(keys, ["timestamp"])


def _repo_cfg(data_dir, url, root):
    return config_mod.from_mapping({"data_dir": str(data_dir), "repository_url": url, "trusted_root": str(root)})


def test_reachable_repository_with_a_verified_sync_is_ok(data_dir, seeded, repo_server, root_json):
    root, url = repo_server
    (root / "metadata" / "timestamp.json").write_text("{}", encoding="utf-8")
    _sync_outcome("UNCHANGED", SyncReason.CONTENT_CURRENT)
    seeded.close()
    named = _by_name(doctor.run_checks(_repo_cfg(data_dir, url, root_json), doctor.Probes(now=lambda: dt.datetime.now(dt.UTC))))
    assert named["trusted_root"].status == "ok" and "version 3" in named["trusted_root"].detail
    assert named["repository"].status == "ok" and "HTTP 200" in named["repository"].detail
    assert named["signature"].status == "ok" and "UNCHANGED" in named["signature"].detail


def test_repository_without_timestamp_and_a_dead_port_warn(data_dir, content_store, repo_server, root_json):
    _root, url = repo_server
    content_store.close()
    named = _by_name(doctor.run_checks(_repo_cfg(data_dir, url, root_json)))
    assert named["repository"].status == "warn" and "HTTP 404" in named["repository"].detail
    assert named["signature"].status == "warn" and "no sync attempted" in named["signature"].detail

    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    check = _by_name(doctor.run_checks(_repo_cfg(data_dir, dead, root_json)))["repository"]
    assert check.status == "warn" and "unreachable (ConnectionError)" in check.detail


def test_security_alert_fails(data_dir, seeded, root_json, tmp_path):
    _sync_outcome("SECURITY_ALERT", SyncReason.BAD_SIGNATURE, "timestamp signature invalid", verified=False)
    seeded.close()
    (tmp_path / "usb" / "metadata").mkdir(parents=True)
    (tmp_path / "usb" / "metadata" / "timestamp.json").write_text("{}", encoding="utf-8")
    checks = doctor.run_checks(_repo_cfg(data_dir, f"file://{tmp_path / 'usb'}", root_json), _probes())
    named = _by_name(checks)
    assert named["repository"].status == "ok"
    assert named["signature"].status == "fail" and "timestamp signature invalid" in named["signature"].detail
    assert doctor.exit_code(checks) == 1


def test_refused_content_warns_naming_the_field(data_dir, seeded, root_json, tmp_path):
    _sync_outcome("REFUSED", SyncReason.REFUSED_COLLECTIONS, "news generation 4 refused: record 'nws-1': field 'published_at': 2026-02-30")
    seeded.close()
    (tmp_path / "usb" / "metadata").mkdir(parents=True)
    (tmp_path / "usb" / "metadata" / "timestamp.json").write_text("{}", encoding="utf-8")
    checks = doctor.run_checks(_repo_cfg(data_dir, f"file://{tmp_path / 'usb'}", root_json), _probes())
    check = _by_name(checks)["signature"]
    assert check.status == "warn" and "'published_at'" in check.detail and "central office" in check.remedy


def test_missing_trusted_root_fails(data_dir, tmp_path):
    check = _by_name(doctor.run_checks(_repo_cfg(data_dir, "https://cdn.example.cn/ipkiosk/", tmp_path / "nope.json"),
                                       _probes(http_status=lambda _url, _t: 200)))["trusted_root"]
    assert check.status == "fail" and "No such file" in check.detail


def _flip_one_byte_of_the_expiry(root: Path) -> None:
    """Change one digit of the year in the signed part of ROOT: still well-formed root metadata."""
    data = root.read_bytes()
    at = data.index(b'"expires":"') + len(b'"expires":"') + 3
    root.write_bytes(data[:at] + str((int(chr(data[at])) + 1) % 10).encode() + data[at + 1:])


def test_tampered_trusted_root_fails_doctor_and_sync_refuses_it_too(tmp_path, data_dir):
    from kiosk.sync import trust
    from tests.sync_helpers import ContentSource, Publisher, terminal_config, write_config_file

    keys = tmp_path / "keys"
    trust.init_keys(keys)
    pub = Publisher(keys, tmp_path / "repo", ContentSource(tmp_path / "source"))
    pub.build()
    trusted = tmp_path / "trusted-root.json"
    trusted.write_bytes(pub.root_path.read_bytes())
    conf = write_config_file(tmp_path / "kiosk.toml", terminal_config(data_dir, f"file://{pub.repo_dir}", trusted))

    def ipkiosk(*args):
        return subprocess.run([sys.executable, "-m", "kiosk.cli", *args, "--config", str(conf)], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=120, check=False)

    def doctor_checks():
        return {c["name"]: c for c in json.loads(ipkiosk("doctor", "--json").stdout)["checks"]}

    assert ipkiosk("sync", "--once").returncode == 0  # the genuine root: content verified and applied
    checks = doctor_checks()
    assert checks["trusted_root"]["status"] == "ok" and checks["signature"]["status"] == "ok"

    _flip_one_byte_of_the_expiry(trusted)
    checks = doctor_checks()  # before: "ok: root metadata version 1"
    assert checks["trusted_root"]["status"] == "fail"
    assert str(trusted) in checks["trusted_root"]["detail"]
    assert "not signed by its own root keys" in checks["trusted_root"]["detail"]
    assert checks["signature"]["status"] == "fail" and "trusted root" in checks["signature"]["detail"]
    sync = ipkiosk("sync", "--once")
    assert sync.returncode == 2 and "not a valid signed root" in sync.stderr and "Traceback" not in sync.stderr


@pytest.mark.parametrize(("content", "problem"), [
    (b'{"signed": {"_type": "root", "version": 3}, "signatures": []}', "not TUF metadata"),
    (b"<html>not json</html>", "not TUF metadata"),
])
def test_trusted_root_that_is_not_signed_root_metadata_fails(data_dir, tmp_path, content, problem):
    root = tmp_path / "root.json"
    root.write_bytes(content)
    check = _by_name(doctor.run_checks(_repo_cfg(data_dir, "https://cdn.example.cn/ipkiosk/", root),
                                       _probes(http_status=lambda _url, _t: 200)))["trusted_root"]
    assert check.status == "fail" and problem in check.detail and str(root) in check.detail


# ---------------------------------------------------------------- command line


def test_cli_doctor_json_reports_a_broken_config_as_a_failed_check(tmp_path, capsys):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('paper_width_mm = 75\n', encoding="utf-8")
    assert cli.main(["--config", str(bad), "doctor", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "fail"
    assert doc["checks"] == [{"name": "config", "status": "fail",
                              "detail": f"config file {bad}: setting 'paper_width_mm': got 75, expected one of 58, 80, 210",
                              "remedy": doctor.config_failure(ValueError())[0].remedy}]


def test_cli_doctor_text_output_on_an_empty_data_dir(tmp_path, data_dir, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    code = cli.main(["--config", str(config), "doctor"])
    out = capsys.readouterr().out
    names = re.findall(r"^\[(?:ok  |WARN|FAIL)\] (\w+) ", out, flags=re.M)
    assert names[:3] == ["config", "content_db", "station_db"] and len(names) == 12
    assert "[WARN] content_db" in out and "→ start the kiosk" in out
    assert code == (1 if "[FAIL]" in out else 0)


# ---------------------------------------------------------------- demo values on a production terminal

_STATION = {"station_id": "zz-jinshui-01", "station_name": "郑州市金水区知识产权公共信息服务示范工作站",
            "station_address": "郑州市金水区花园路 1 号", "booking_url_template":
            "https://ipservice.zzipo.cn/book?station={station_id}&service={service_id}&type={booking_type}&lang={lang}"}


def test_production_config_still_carrying_demo_values_fails_naming_each(data_dir, root_json):
    production = _repo_cfg(data_dir, "https://content.zzipo.cn/ipkiosk/", root_json)
    check = doctor._check_config(production)[0]
    assert check.status == "fail" and "a production config (repository_url is set)" in check.detail
    for words in ("station_id = 'zz-demo-01'", "station_name = ", "station_address = ",
                  "booking_url_template on ipservice.example.cn"):
        assert words in check.detail
    assert "/usr/share/doc/ipkiosk/configuration.md" in check.remedy

    # Each demo value on its own is enough; a station's own values pass.
    own = config_mod.from_mapping({**production.values, **_STATION})
    assert doctor._check_config(own)[0].status == "ok"
    for name, demo in (("station_id", "zz-demo-01"), ("station_address", "郑州市（演示地址，请在配置中填写）"),
                       ("booking_url_template", "https://book.example.com/?s={station_id}&v={service_id}")):
        check = doctor._check_config(config_mod.from_mapping({**own.values, name: demo}))[0]
        assert check.status == "fail" and name in check.detail


def test_the_packaged_config_file_is_production_even_without_a_repository(tmp_path):
    demo = config_mod.from_mapping({"data_dir": str(tmp_path)})
    assert doctor._check_config(demo)[0].status == "ok"  # the demo on a developer's machine
    developer_file = config_mod.from_mapping({"data_dir": str(tmp_path)}, source=str(tmp_path / "kiosk.toml"))
    assert doctor._check_config(developer_file)[0].status == "ok"
    packaged = config_mod.from_mapping({"data_dir": str(tmp_path)}, source="/etc/ipkiosk/kiosk.toml")
    check = doctor._check_config(packaged)[0]
    assert check.status == "fail" and "the config is in /etc" in check.detail and "station_id" in check.detail
    assert doctor.exit_code(doctor._check_config(packaged)) == 1


def test_a_production_config_without_the_stations_phone_or_desk_warns_naming_each(tmp_path):
    production = config_mod.from_mapping({**_STATION, "data_dir": str(tmp_path)}, source="/etc/ipkiosk/kiosk.toml")
    checks = doctor._check_config(production)
    assert checks[0].status == "ok"  # nothing of the demo left: the missing contacts are a warning, not a failure
    contact = next(c for c in checks if c.name == "contact")
    assert contact.status == "warn" and "station_phone and station_desk empty" in contact.detail
    assert "station_phone and station_desk" in contact.remedy and doctor.exit_code(checks) == 0

    only_desk = config_mod.from_mapping({**production.values, "station_phone": "0371-12345678"},
                                        source=production.source)
    contact = next(c for c in doctor._check_config(only_desk) if c.name == "contact")
    assert "station_desk empty" in contact.detail and "station_phone" not in contact.detail
    both = config_mod.from_mapping({**only_desk.values, "station_desk": "服务台：一楼东侧"}, source=production.source)
    assert [c.name for c in doctor._check_config(both)] == ["config"]
    # A blank value is as good as none; a developer's demo is not nagged.
    blank = config_mod.from_mapping({**both.values, "station_phone": "  "}, source=production.source)
    assert "station_phone empty" in next(c for c in doctor._check_config(blank) if c.name == "contact").detail
    assert [c.name for c in doctor._check_config(config_mod.from_mapping({"data_dir": str(tmp_path)}))] == ["config"]


# ---------------------------------------------------------------- remedies name the installed documents


def test_every_document_a_remedy_names_is_installed_by_the_package(tmp_path, capsys):
    from kiosk.commands import INSTALLED_DOCS

    build = (REPO_ROOT / "packaging" / "build-deb.sh").read_text(encoding="utf-8")
    for path in INSTALLED_DOCS.values():
        name = Path(path).name
        assert path.startswith("/usr/share/doc/ipkiosk/")
        if name == "README.md":  # the technician guide
            assert 'install -m 0644 packaging/README.md "$root/usr/share/doc/ipkiosk/README.md"' in build
        else:
            assert (REPO_ROOT / "docs" / name).is_file() and f"docs/{name}" in build
    # Remedies name documents only through that table: no path into a source tree the terminal does not have.
    source = (REPO_ROOT / "kiosk" / "commands" / "doctor.py").read_text(encoding="utf-8")
    assert "docs/" not in source and "/usr/share/doc" not in source
    assert set(re.findall(r"INSTALLED_DOCS\['(\w+)'\]", source)) == {"guide", "configuration", "admin", "sync"}
    assert doctor.config_failure(ValueError("x"))[0].remedy.endswith(f"(see {INSTALLED_DOCS['configuration']})")
    # A broken config stops every other command with one line that says where the settings are described.
    bad = tmp_path / "kiosk.toml"
    bad.write_text("station_id = 7\n", encoding="utf-8")
    assert cli.main(["--config", str(bad), "status"]) == 2
    assert capsys.readouterr().err.rstrip().endswith(f"(settings: {INSTALLED_DOCS['configuration']})")


# ---------------------------------------------------------------- failed signatures: whose root is odd


@pytest.fixture
def signed_repo(tmp_path):
    """A real repository published by `ipkiosk-publish`, served over HTTP on 127.0.0.1, and a terminal config."""
    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher, RepoServer, terminal_config, write_config_file

    assert publish.main(["init", str(tmp_path / "keys")]) == 0
    pub = Publisher(tmp_path / "keys", tmp_path / "repo", ContentSource(tmp_path / "source"))
    pub.build()
    trusted = tmp_path / "root.json"
    trusted.write_bytes(pub.root_path.read_bytes())
    with RepoServer(pub.repo_dir) as server:
        cfg = terminal_config(tmp_path / "data", server.url, trusted, **_STATION)
        yield pub, cfg, write_config_file(tmp_path / "kiosk.toml", cfg)


def _other_repository(tmp_path, name):
    """Another central office's keys and repository (same content, other keys)."""
    from kiosk.sync import publish
    from tests.sync_helpers import ContentSource, Publisher

    assert publish.main(["init", str(tmp_path / f"{name}-keys")]) == 0
    other = Publisher(tmp_path / f"{name}-keys", tmp_path / f"{name}-repo", ContentSource(tmp_path / f"{name}-source"))
    other.build()
    return other


def _sync(conf) -> int:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(conf), "sync", "--once"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False).returncode


def _signature_check(conf) -> dict:
    out = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(conf), "doctor", "--json"], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=120, check=False).stdout
    checks = {c["name"]: c for c in json.loads(out)["checks"]}
    assert checks["config"]["status"] == "ok" and checks["trusted_root"]["status"] == "ok"
    assert checks["signature"]["status"] == "fail" and "SECURITY_ALERT" in checks["signature"]["detail"]
    return checks["signature"]


def _replace_repository(pub, other) -> None:
    import shutil

    shutil.rmtree(pub.repo_dir)
    shutil.copytree(other.repo_dir, pub.repo_dir)


def test_repository_re_keyed_after_this_terminal_verified_it_is_the_odd_one_out(signed_repo, tmp_path):
    pub, _cfg, conf = signed_repo
    assert _sync(conf) == 0
    _replace_repository(pub, _other_repository(tmp_path, "impostor"))
    assert _sync(conf) == 12
    check = _signature_check(conf)
    assert "the repository was re-keyed or replaced, it is the odd one out" in check["detail"]
    assert "tell the central office" in check["remedy"] and "never one taken from the repository" in check["remedy"]


def test_repository_failing_its_own_root_is_the_odd_one_out(signed_repo, tmp_path):
    pub, _cfg, conf = signed_repo
    assert _sync(conf) == 0
    # Same root keys, but a timestamp signed by another office's timestamp key.
    other = _other_repository(tmp_path, "other")
    (pub.repo_dir / "metadata" / "timestamp.json").write_bytes((other.repo_dir / "metadata" / "timestamp.json").read_bytes())
    assert _sync(conf) == 12
    check = _signature_check(conf)
    assert "have the same keys: the repository is the odd one out" in check["detail"]
    assert "keep this terminal's root.json" in check["remedy"]


def test_terminal_given_another_repositorys_root_is_the_odd_one_out(signed_repo, tmp_path):
    _pub, cfg, conf = signed_repo
    Path(cfg.trusted_root).write_bytes(_other_repository(tmp_path, "other").root_path.read_bytes())
    assert _sync(conf) == 12
    check = _signature_check(conf)
    assert "never verified this repository" in check["detail"] and "the odd one out" in check["detail"]
    assert f"sudo install -m 0644 1.root.json {cfg.trusted_root}" in check["remedy"]


def test_terminal_root_replaced_after_it_verified_the_repository_is_the_odd_one_out(signed_repo, tmp_path):
    _pub, cfg, conf = signed_repo
    assert _sync(conf) == 0
    Path(cfg.trusted_root).write_bytes(_other_repository(tmp_path, "other").root_path.read_bytes())
    assert _sync(conf) == 12
    check = _signature_check(conf)
    assert "the terminal's root.json was replaced, it is the odd one out" in check["detail"]
    assert "/usr/share/doc/ipkiosk/README.md" in check["remedy"]
