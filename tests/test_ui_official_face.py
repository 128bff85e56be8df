"""The home screen looks official: the header (logo, station name broken where the config says, China date and
time), an icon on every tile, no demo placeholder on a production terminal, and a 本站公告 tile that shows the
leading announcement or is not there at all. The whole UI offscreen on the seeded content (data service child,
real QML, real PNG/SVG files); the logo checks of `ipkiosk doctor` through the real CLI.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QUrl
from PySide6.QtGui import QColor, QImage

from kiosk.core import config as config_mod
from kiosk.core import logo
from kiosk.store import station
from kiosk.ui.shell import ICONS_DIR, clock_text
from tests.ui_helpers import SEED_NOW, SIZES_PX, current_page, find, find_all, items_below, tap, wait_page_built

REPO_ROOT = Path(__file__).resolve().parent.parent
TWO_LINE_NAME = "郑州市金水区知识产权公共信息服务\n示范工作站"


def _drawn(image) -> bool:
    """The QML Image has loaded its file and has something to paint (an image that failed has no implicit size)."""
    return image.property("progress") == 1.0 and image.property("implicitWidth") > 0


def _png(path: Path, size_px: int = 64) -> Path:
    image = QImage(size_px, size_px, QImage.Format.Format_ARGB32)
    image.fill(QColor("#1e5aa8"))
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def cfg_settings() -> dict:
    """Settings on top of the test's data dir; a test parametrizes this to configure its terminal ("source": the
    config file it is read from; logo_path "<png>": a real PNG made for the test, a key of HOSTILE_LOGOS: that file)."""
    return {}


@pytest.fixture
def cfg(data_dir, tmp_path, cfg_settings):
    settings = dict(cfg_settings)
    source = settings.pop("source", "(mapping)")
    if settings.get("logo_path") == "<png>":
        settings["logo_path"] = str(_png(tmp_path / "station-logo.png"))
    if settings.get("logo_path") in HOSTILE_LOGOS:
        name, data = HOSTILE_LOGOS[settings["logo_path"]]()
        settings["logo_path"] = str(tmp_path / name)
        Path(settings["logo_path"]).write_bytes(data)
    return config_mod.from_mapping({"data_dir": str(data_dir), **settings}, source=source)


@pytest.mark.parametrize("large_text", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
def test_home_header_shows_logo_name_lines_and_china_time(kiosk_ui, qtbot, size_px, large_text):
    ctx, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    ctx.shell.largeText = large_text
    logo_item = find(window, "stationLogo")
    qtbot.waitUntil(lambda: _drawn(logo_item), timeout=5000)
    assert logo_item.property("source") == QUrl.fromLocalFile(str(logo.DEFAULT_LOGO))
    assert logo_item.width() >= 64 and logo_item.property("paintedWidth") > 0

    name = find(window, "stationName")
    # The default name breaks after 公共信息服务 (its configured "\n") and nowhere else: never "示范工 / 作站".
    assert name.property("text") == "郑州市知识产权公共信息服务\n示范工作站（演示）"
    assert name.property("lineCount") == 2
    # The date follows the name's last drawn line (in 大字 the name is fitted to the width: its box is as tall as
    # the lines drawn, not as the name wrapped at full size).
    clock_line = find(window, "clockText")
    qtbot.wait(100)  # the header's layout after the size change
    gap = clock_line.mapToScene(QPointF()).y() - name.mapToScene(QPointF()).y() - name.property("contentHeight")
    assert 0 <= gap <= 16, f"{gap} px between the name's last line and the date"

    # 2026-11-24 04:00 UTC is 12:00 in Zhengzhou, a Tuesday.
    assert find(window, "clockText").property("text") == "2026年11月24日 星期二  12:00"


@pytest.mark.parametrize("cfg_settings", [{"station_name": TWO_LINE_NAME, "logo_path": "<png>"}])
def test_a_configured_line_break_and_a_configured_png_logo(kiosk_ui, qtbot, cfg):
    png = Path(cfg.logo_path)
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    name = find(window, "stationName")
    assert name.property("lineCount") == 2
    assert name.property("text").split("\n") == ["郑州市金水区知识产权公共信息服务", "示范工作站"]
    logo_item = find(window, "stationLogo")
    qtbot.waitUntil(lambda: _drawn(logo_item), timeout=5000)
    assert logo_item.property("source") == QUrl.fromLocalFile(str(png))


# The longest name a station may configure (60 characters, two breaks), in lines too long for the header's width.
LONGEST_NAME = "郑州市金水区知识产权公共信息服务中心暨示范工作站\n河南省知识产权保护中心郑州分中心联合服务窗口\n（国家信息公共服务网点）"


@pytest.mark.parametrize("size_px", SIZES_PX, ids=["portrait", "landscape"])
@pytest.mark.parametrize("cfg_settings", [{"station_name": LONGEST_NAME, "large_text": True}])
def test_the_longest_name_in_large_text_leaves_no_gap_under_it(kiosk_ui, qtbot, cfg, size_px):
    """Found: a long name drawn smaller to fit kept the height of its unfitted layout, so in 大字 mode the clock sat a
    third of the portrait screen below the name (and the tiles left the landscape screen). Now the header is as tall
    as the lines drawn: the clock follows the name's last line, the logo sits beside the name, the tiles start on
    the first screen."""
    assert len(LONGEST_NAME) == config_mod.MAX_STATION_NAME_CHARS
    _, window = kiosk_ui(size_px=size_px, clock=lambda: SEED_NOW)
    name, clock, header = find(window, "stationName"), find(window, "clockText"), find(window, "homeHeader")
    qtbot.waitUntil(lambda: name.property("contentHeight") > 0, timeout=5000)
    name_bottom = name.mapToItem(header, 0, name.property("contentHeight")).y()
    clock_top = clock.mapToItem(header, 0, 0).y()
    assert 0 <= clock_top - name_bottom <= 20, (name_bottom, clock_top)
    assert header.height() <= name.property("contentHeight") + clock.height() + 40
    logo_item = find(window, "stationLogo")
    assert logo_item.mapToItem(header, 0, 0).y() < name_bottom  # beside the name, not below it
    assert header.height() < size_px[1] / 2


@pytest.mark.parametrize("cfg_settings", [{"logo_path": "logo.png", "source": "/etc/ipkiosk/kiosk.toml"}])
def test_a_file_that_is_not_a_logo_is_not_shown(kiosk_ui, qtbot, cfg, caplog):
    fake = Path("/etc/ipkiosk/logo.png")  # a relative logo_path is read beside the config file: none there
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    logo_item = find(window, "stationLogo")
    qtbot.waitUntil(lambda: _drawn(logo_item), timeout=5000)
    assert logo_item.property("source") == QUrl.fromLocalFile(str(logo.DEFAULT_LOGO))
    assert f"logo {fake}: cannot read" in caplog.text


def test_the_clock_line_follows_the_minute(kiosk_ui, qtbot):
    # Half a second before 12:01 China time, running on from there.
    start, began = SEED_NOW + dt.timedelta(seconds=59.5), time.monotonic()
    ctx, window = kiosk_ui(clock=lambda: start + dt.timedelta(seconds=time.monotonic() - began))
    clock_item = find(window, "clockText")
    qtbot.waitUntil(lambda: clock_item.property("text") == "2026年11月24日 星期二  12:01", timeout=5000)
    window.openPage("RecordListPage.qml", {"kind": "news"})
    wait_page_built(qtbot, window)
    assert find(window, "navClock").property("text") == "12:01"  # the compact form on every other page
    ctx.shell.language = "en"
    assert clock_item.property("text") == "Tue 24 Nov 2026  12:01"


def test_clock_text_is_china_time():
    late_evening_utc = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)  # already 1 January in Zhengzhou
    assert clock_text(late_evening_utc, "zh") == "2027年1月1日 星期五  00:30"
    assert clock_text(late_evening_utc, "en") == "Fri 1 Jan 2027  00:30"


def test_every_home_tile_has_its_icon_drawn(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    station.add_announcement("本周六上午正常开放", "周六 9:00–12:00 提供咨询。")
    qtbot.waitUntil(find(window, "tile_stationNotices").isVisible, timeout=5000)
    tiles = [i for i in find_all(window, "tileIcon") if i.parentItem().objectName().startswith("tile_")]
    qtbot.waitUntil(lambda: all(_drawn(i) for i in tiles), timeout=5000)
    keys = sorted(i.parentItem().objectName()[len("tile_"):] for i in tiles)
    assert keys == sorted(["services", "policies", "notices", "news", "events", "booking", "search",
                           "stationNotices"])
    for icon in tiles:
        assert icon.property("paintedWidth") > 0 and icon.width() >= 48
        assert Path(icon.property("source").toLocalFile()).parent == ICONS_DIR
    assert (ICONS_DIR / "LICENSE").is_file() and (ICONS_DIR / "README.md").is_file()


# The packaged config file (/etc/ipkiosk/kiosk.toml) makes a production terminal; its address is still the demo's.
@pytest.mark.parametrize("cfg_settings", [{"source": "/etc/ipkiosk/kiosk.toml"}])
def test_a_production_terminal_hides_the_placeholder_address(kiosk_ui):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    shown = find(window, "stationHoursAddress").property("text")
    assert shown == "开放时间：周一至周五 9:00–12:00，13:30–17:30"
    assert not any(word in shown for word in config_mod.PLACEHOLDER_WORDS)


@pytest.mark.parametrize("cfg_settings", [{"source": "/etc/ipkiosk/kiosk.toml", "station_address": "郑州市金水区花园路 1 号"}])
def test_a_configured_address_is_shown(kiosk_ui):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    assert find(window, "stationHoursAddress").property("text").endswith("\n地址：郑州市金水区花园路 1 号")


def test_the_demo_shows_its_placeholder_address(kiosk_ui):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    assert "演示地址，请在配置中填写" in find(window, "stationHoursAddress").property("text")


def test_station_notices_tile_hides_without_announcements_and_shows_the_leading_title(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    tile = find(window, "tile_stationNotices")
    assert not tile.isVisible()
    station.add_announcement("专利导航培训报名开始", "报名请到服务台。")
    qtbot.waitUntil(tile.isVisible, timeout=5000)
    assert tile.property("subtitle") == "专利导航培训报名开始"
    station.add_announcement("本周五下午系统维护，暂停现场服务", "维护期间请通过线上渠道办理。", pinned=True)
    qtbot.waitUntil(lambda: tile.property("subtitle") == "本周五下午系统维护，暂停现场服务", timeout=5000)
    # A long title stays inside the tile (two lines, then "…"), not over the tile below it.
    station.add_announcement("本周五下午系统维护，" * 8, "维护。", pinned=True)
    qtbot.waitUntil(lambda: tile.property("subtitle").startswith("本周五下午系统维护，本周五"), timeout=5000)
    qtbot.wait(50)
    inner = next(i for i in items_below(tile) if i.property("text") == tile.property("subtitle"))
    assert inner.property("lineCount") == 2 and inner.property("truncated") is True
    assert inner.mapToItem(tile, 0, inner.height()).y() <= tile.height()
    tap(qtbot, window, tile)
    wait_page_built(qtbot, window)
    assert current_page(window).objectName() == "stationNoticesPage"
    qtbot.waitUntil(lambda: find(window, "announcementList").property("count") == 3, timeout=5000)


def test_admin_announcements_tab_says_why_the_tile_is_hidden_or_what_it_shows(kiosk_ui, qtbot):
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    window.openPage("AdminPage.qml", {})
    line = find(window, "adminHomeTileState")
    assert line.property("text").startswith("首页暂不显示“本站公告”磁贴：现在没有生效的公告")
    station.add_announcement("专利导航培训报名开始", "报名请到服务台。")
    qtbot.waitUntil(lambda: line.property("text") == "首页“本站公告”磁贴显示：专利导航培训报名开始", timeout=5000)


# ---------------------------------------------------------------- the logo file's checks


def test_logo_problem_accepts_png_and_svg_and_names_what_is_wrong(tmp_path):
    assert logo.logo_problem(_png(tmp_path / "a.png")) is None
    assert logo.logo_problem(logo.DEFAULT_LOGO) is None
    cases = {
        "empty.png": (b"", "the file is empty"),
        "cut.png": (logo.PNG_SIGNATURE + b"\0\0", "a damaged PNG"),
        "photo.png": (b"\xff\xd8\xff\xe0JFIF" + b"\0" * 100, "neither a PNG nor an SVG"),
        "bomb.svg": (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "DOCTYPE"),
        "broken.svg": (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "not well-formed"),
        "html.svg": (b"<html><svg/></html>", "root element is 'html'"),
        "remote.svg": (b"<svg xmlns='http://www.w3.org/2000/svg' xmlns:x='http://www.w3.org/1999/xlink'>"
                       b"<image x:href='http://example.com/a.png'/></svg>", "outside itself"),
        "huge.png": (logo.PNG_SIGNATURE + b"\0" * logo.MAX_LOGO_BYTES, "larger than"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        problem = logo.logo_problem(path)
        assert problem is not None and problem.startswith(f"logo {path}: ") and words in problem, (name, problem)
    missing = logo.logo_problem(tmp_path / "gone.png")
    assert missing is not None and "cannot read" in missing


def _raw_png(width: int, height: int, *, cut: int = 0, interlaced: bool = False) -> bytes:
    """A grey PNG written byte by byte (so its header may promise any size: a 20000×20000 one is 400 kB), the last
    CUT bytes left off."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = logo._png_raw_size(width, height, 8, interlaced)  # 8-bit grey: one byte a pixel
    data = (logo.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, int(interlaced)))
            + chunk(b"IDAT", zlib.compress(b"\0" * rows, 9)) + chunk(b"IEND", b""))
    return data[:len(data) - cut]


def test_a_png_the_header_could_not_decode_is_refused_and_the_bundled_logo_shown(tmp_path, data_dir):
    """Found: a 20000×20000 PNG (400 kB) and a PNG cut off after its header passed the check, and the home header
    showed an empty square (Qt refuses an image over its allocation limit, and cannot decode a cut one) while
    `ipkiosk doctor` called them valid logos. Now both are refused, by doctor too, naming the problem."""
    cases = {
        "giant.png": (_raw_png(20000, 20000), "a PNG of 20000×20000 pixels, larger than the 4096×4096"),
        "cut.png": (_raw_png(64, 64, cut=20), "a damaged PNG (cut short: it ends before its IEND chunk)"),
        "no-pixels.png": (_raw_png(64, 64)[:33] + _raw_png(64, 64)[-12:], "pixel data incomplete: 0 of 4160 bytes"),
        "flipped.png": (_raw_png(64, 64).replace(b"IDAT", b"IDAt"), "chunk fails its checksum"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        problem = logo.logo_problem(path)
        assert problem is not None and words in problem, (name, problem)
    for good in (_raw_png(64, 48), _raw_png(37, 21, interlaced=True), _raw_png(4096, 1)):
        path = tmp_path / "good.png"
        path.write_bytes(good)
        assert logo.logo_problem(path) is None
        assert not QImage(str(path)).isNull()  # and Qt's own reader agrees

    proc = _doctor_with_logo(tmp_path, data_dir, "giant.png")
    assert re.search(r"^\[FAIL\] logo +logo .*giant\.png: a PNG of 20000×20000 pixels", proc.stdout, re.M), proc.stdout


def _doctor_with_logo(tmp_path, data_dir, logo_path: str) -> subprocess.CompletedProcess:
    """`ipkiosk doctor` as a process, on a config file in TMP_PATH whose logo_path is LOGO_PATH (a relative path is
    read beside that file); a traceback on stderr fails the test."""
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(f'data_dir = "{data_dir}"\nlogo_path = "{logo_path}"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config_file), "doctor"],
                          capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert "Traceback" not in proc.stderr
    return proc


def _use_bomb_svg(levels: int = 8, fan_out: int = 10) -> bytes:
    """An SVG of under 2 kB whose nested <use> elements draw one circle FAN_OUT ** LEVELS times."""
    groups = "".join(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * fan_out + "</g>" for i in range(1, levels + 1))
    return ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" '
            f'height="100"><defs><circle id="l0" cx="50" cy="50" r="40"/>{groups}</defs>'
            f'<use xlink:href="#l{levels}"/></svg>').encode()


# Logo files the header cannot draw, made for a test (cfg_settings' logo_path names one by its key).
HOSTILE_LOGOS = {"<giant>": lambda: ("giant.png", _raw_png(20000, 20000)),
                 "<use-bomb>": lambda: ("use-bomb.svg", _use_bomb_svg())}


def test_an_svg_that_would_stall_or_fail_the_header_is_refused(tmp_path, data_dir):
    """Found: an SVG of 1.4 kB whose nested <use> elements draw 10^8 circles passed the check, and the home screen
    froze drawing it (the kiosk did not answer for minutes); a <use> of its own group left an empty square. Both are
    refused now, by doctor too; a logo with gradients and a few reuses still passes."""
    cases = {
        "use-bomb.svg": (_use_bomb_svg(), "draws more than 10000 elements"),
        "loop.svg": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                     b'<g id="a"><use xlink:href="#a"/></g></svg>', "references form a loop"),
        "paint-loop.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><linearGradient id="g" href="#h"/>'
                           b'<linearGradient id="h" href="#g"/><rect fill="url(#g)"/></svg>', "references form a loop"),
        "styled.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(http://example.com/p) }'
                       b'</style><rect/></svg>', "refers to 'http://example.com/p' outside itself"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        problem = logo.logo_problem(path)
        assert problem is not None and words in problem, (name, problem)
    fine = tmp_path / "fine.svg"
    fine.write_bytes(_use_bomb_svg(levels=2, fan_out=4).replace(b"<circle", b'<linearGradient id="p"/><circle '
                                                                           b'fill="url(#p)"'))
    assert logo.logo_problem(fine) is None

    proc = _doctor_with_logo(tmp_path, data_dir, "use-bomb.svg")
    assert re.search(r"^\[FAIL\] logo +logo .*use-bomb\.svg: an SVG that draws more than", proc.stdout, re.M), proc.stdout


@pytest.mark.parametrize("cfg_settings", [{"logo_path": key} for key in HOSTILE_LOGOS], ids=list(HOSTILE_LOGOS))
def test_a_logo_the_header_cannot_draw_shows_the_bundled_logo(kiosk_ui, qtbot, cfg):
    """Before, the giant PNG left an empty square and the <use> bomb froze the home screen (this test hung)."""
    _, window = kiosk_ui(clock=lambda: SEED_NOW)
    logo_item = find(window, "stationLogo")
    qtbot.waitUntil(lambda: _drawn(logo_item), timeout=5000)
    assert logo_item.property("source") == QUrl.fromLocalFile(str(logo.DEFAULT_LOGO))


def test_logo_path_must_name_a_png_or_svg_file():
    with pytest.raises(config_mod.ConfigError, match=r"'logo_path': got 'logo\.jpg', expected the path of a \.png or \.svg"):
        config_mod.from_mapping({"logo_path": "logo.jpg"})


def test_station_name_line_breaks_are_checked_and_written_back_as_toml(tmp_path):
    with pytest.raises(config_mod.ConfigError, match="with 3 line breaks, expected at most 2"):
        config_mod.from_mapping({"station_name": "甲\n乙\n丙\n丁"})
    with pytest.raises(config_mod.ConfigError, match="expected text on every line"):
        config_mod.from_mapping({"station_name": "甲\n"})
    config_file = tmp_path / "kiosk.toml"
    config_file.write_text(config_mod.to_toml(config_mod.from_mapping({"station_name": TWO_LINE_NAME}).values),
                           encoding="utf-8")
    assert config_mod.load(config_file).station_name == TWO_LINE_NAME


def test_doctor_fails_a_configured_logo_that_is_not_one_naming_the_file(tmp_path, data_dir):
    bad = tmp_path / "logo.svg"
    bad.write_text("这不是图片", encoding="utf-8")
    proc = _doctor_with_logo(tmp_path, data_dir, "logo.svg")  # beside the config file
    assert re.search(rf"^\[FAIL\] logo +logo {re.escape(str(bad))}: neither a PNG nor an SVG file", proc.stdout, re.M), \
        proc.stdout
    assert proc.returncode == 1

    _png(bad.with_suffix(".png"))
    proc = _doctor_with_logo(tmp_path, data_dir, str(bad.with_suffix(".png")))
    assert re.search(rf"^\[ok  \] logo +{re.escape(str(bad.with_suffix('.png')))}: a valid logo", proc.stdout, re.M), \
        proc.stdout
