"""Packaging rules: the Qt allowlist and licence check, library splitting, the default config,
the systemd units and the maintainer scripts. The full build is exercised by `make smoke`."""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.core import config as config_mod
from tests.helpers import REPO_ROOT

PACKAGING = REPO_ROOT / "packaging"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


qt_bundle = _load("qt_bundle")
default_config = _load("default_config")
png_check = _load("png_check")


# ---------------------------------------------------------------- what goes into the bundle


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/qml/QtQuick/VirtualKeyboard/qmldir",
    "PySide6/Qt/lib/libQt6Charts.so.6",
    "PySide6/Qt/lib/libQt6DataVisualization.so.6",
    "PySide6/Qt/lib/libQt6Quick3D.so.6",
    "PySide6/Qt/qml/QtQuick/Timeline/qmldir",
    "libQt6VirtualKeyboard.so.6",
    "PySide6/Qt/plugins/wayland-graphics-integration-server/libqt-wayland-compositor-xcomposite-egl.so",
])
def test_gpl_only_qt_files_are_never_kept(dest):
    assert not qt_bundle.keep(dest)


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/lib/libQt6Quick.so.6", True),
    ("libQt6Quick.so.6", True),  # the top-level link PyInstaller makes
    ("PySide6/Qt/lib/libQt6QuickControls2Material.so.6", False),  # another style: not reviewed, not used
    ("PySide6/Qt/lib/libicudata.so.73", True),
    ("PySide6/Qt/qml/QtQuick/Controls/Basic/Button.qml", True),
    ("PySide6/Qt/qml/QtQuick/Controls/Material/Button.qml", False),
    ("PySide6/Qt/qml/QtQuick/Layouts/qmldir", True),
    ("PySide6/Qt/qml/QtQuick/Shapes/qmldir", True),  # the booking QR
    ("PySide6/Qt/lib/libQt6QuickShapes.so.6", True),
    ("PySide6/Qt/qml/QtQuick/Pdf/qmldir", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/QtQuick.abi3.so", True),
    ("PySide6/QtSql.abi3.so", False),
    ("kiosk/ui/qml/Kiosk/Main.qml", True),
    ("kiosk/ui/i18n/kiosk_en.qm", True),  # the visitor's English
    ("assets/content/services.json", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),  # the tiles' icons and the logo
    ("PySide6/Qt/lib/libQt6Svg.so.6", True),
    ("PySide6/Qt/lib/libQt6SvgWidgets.so.6", False),
    ("assets/icons/bell.svg", True),
])
def test_keep_takes_what_the_kiosk_uses(dest, kept):
    assert qt_bundle.keep(dest) is kept


def _touch(path: Path, size: int = 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\0" * size)
    return path


def test_offenders_lists_gpl_unreviewed_linked_and_oversized_files(tmp_path):
    lib = tmp_path / "_internal" / "PySide6" / "Qt" / "lib"
    _touch(lib / "libQt6Core.so.6", 1000)
    assert qt_bundle.offenders(tmp_path) == []

    _touch(lib / "libQt6VirtualKeyboard.so.6")
    _touch(lib / "libQt6Sql.so.6")
    (tmp_path / "_internal" / "libQt6Charts.so.6").symlink_to(lib / "libQt6Charts.so.6")  # dangling link still counts
    found = qt_bundle.offenders(tmp_path, max_bytes=500)
    assert sorted(found) == [
        "GPL-only Qt module (Charts): _internal/libQt6Charts.so.6",
        "GPL-only Qt module (VirtualKeyboard): _internal/PySide6/Qt/lib/libQt6VirtualKeyboard.so.6",
        "Qt library not on the reviewed LGPL list: _internal/PySide6/Qt/lib/libQt6Sql.so.6",
        "bundle is 0.0 MB, over the 0 MB limit",
    ]
    assert qt_bundle.main([str(tmp_path), "--max-mb", "0"]) == 1


def test_check_script_passes_a_clean_bundle_and_refuses_a_missing_one(tmp_path, capsys):
    _touch(tmp_path / "b" / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Gui.so.6")
    assert qt_bundle.main([str(tmp_path / "b")]) == 0
    assert "no GPL-only or unreviewed Qt files" in capsys.readouterr().out
    assert qt_bundle.main([str(tmp_path / "missing")]) == 2


def test_split_libraries_drops_unneeded_and_os_libraries_using_real_elf_files():
    from PyInstaller.depend.bindepend import get_imports

    qt_lib = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
    shiboken = next((Path(__import__("shiboken6").__file__).parent).glob("libshiboken6.abi3.so.*"))
    libz = next((p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1",
                             "/lib/aarch64-linux-gnu/libz.so.1") if Path(p).exists()), None)
    if libz is None:
        pytest.skip("no system libz.so.1 at a Debian multiarch path")
    binaries = [
        ("PySide6/Qt/lib/libQt6Core.so.6", str(qt_lib / "libQt6Core.so.6"), "BINARY"),
        ("libicuuc.so.73", str(qt_lib / "libicuuc.so.73"), "BINARY"),  # needed by Core, from the wheel
        ("libicudata.so.73", str(qt_lib / "libicudata.so.73"), "BINARY"),  # needed by icuuc
        ("libz.so.1", libz, "BINARY"),  # an OS library Core needs: left to the .deb Depends
        (shiboken.name, str(shiboken), "BINARY"),  # nothing kept here needs it: dropped
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    shipped, system = qt_bundle.split_libraries(binaries, lambda path: {name for name, _ in get_imports(path)})
    assert [e[0] for e in shipped] == ["PySide6/Qt/lib/libQt6Core.so.6", "libicuuc.so.73", "libicudata.so.73",
                                       "libQt6Core.so.6"]
    assert system == [libz]


# ---------------------------------------------------------------- the default conffile


def test_default_config_documents_every_setting_and_loads(tmp_path):
    text = default_config.render()
    for setting in config_mod.SETTINGS:
        assert f"# {setting.help}\n{setting.name} = " in text
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    cfg = config_mod.load(path)
    assert cfg.data_path == Path("/var/lib/ipkiosk")
    # A kiosk shows no mouse pointer: the packaged default hides it (the demo default keeps it for development).
    assert cfg.touch_only is True and config_mod.SETTINGS_BY_NAME["touch_only"].default is False
    packaged = {"data_dir", "touch_only"}
    assert {k: v for k, v in cfg.values.items() if k not in packaged} == {
        s.name: s.default for s in config_mod.SETTINGS if s.name not in packaged}
    assert "/usr/share/doc/ipkiosk/configuration.md" in text


# ---------------------------------------------------------------- systemd units and scripts


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(PACKAGING / "deb" / "systemd" / name, encoding="utf-8")
    return parser


def test_kiosk_unit_runs_under_cage_on_a_vt_and_always_restarts():
    unit = _unit("ipkiosk.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[0] == "/usr/bin/cage"
    assert service["ExecStart"].endswith("-- /usr/lib/ipkiosk/kiosk-session")
    session = (PACKAGING / "deb" / "kiosk-session.sh").read_text()
    assert session.rstrip().endswith("exec /opt/ipkiosk/ipkiosk run")
    assert subprocess.run(["sh", "-n", str(PACKAGING / "deb" / "kiosk-session.sh")], check=False).returncode == 0
    assert service["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["User"] == "ipkiosk" and service["TTYPath"].startswith("/dev/tty")
    assert service["PAMName"] == "login"
    assert "IPKIOSK_CONFIG=/etc/ipkiosk/kiosk.toml" in service["Environment"] or any(
        "IPKIOSK_CONFIG" in line for line in (PACKAGING / "deb/systemd/ipkiosk.service").read_text().splitlines())
    assert unit["Install"]["WantedBy"] == "graphical.target"
    assert _unit("ipkiosk-sync.service")["Service"]["ExecStart"] == "/opt/ipkiosk/ipkiosk sync --once"


@pytest.mark.skipif(not (shutil.which("systemd-analyze") and shutil.which("cage")),
                    reason="systemd-analyze and cage are installed by packaging/system-deps.sh test")
def test_systemd_analyze_verifies_the_kiosk_unit_and_timer():
    units = PACKAGING / "deb" / "systemd"
    result = subprocess.run(["systemd-analyze", "verify", str(units / "ipkiosk.service"), str(units / "ipkiosk-sync.timer")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["postinst", "prerm", "postrm"])
def test_maintainer_scripts_are_valid_sh_and_never_delete_station_data(script):
    path = PACKAGING / "deb" / "DEBIAN" / script
    assert subprocess.run(["sh", "-n", str(path)], check=False).returncode == 0
    code = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "rm " in line and "/var/lib" in line]
    assert path.stat().st_mode & 0o111


def test_wrapper_never_runs_the_kiosk_as_root():
    text = (PACKAGING / "deb" / "ipkiosk-wrapper.sh").read_text()
    assert 'exec runuser -u ipkiosk -- /opt/ipkiosk/ipkiosk "$@"' in text
    assert subprocess.run(["sh", "-n", str(PACKAGING / "deb" / "ipkiosk-wrapper.sh")], check=False).returncode == 0


# ---------------------------------------------------------------- smoke-test helpers


def test_png_check_refuses_blank_and_wrong_size_screenshots(tmp_path):
    from PIL import Image, ImageDraw

    blank = tmp_path / "blank.png"
    Image.new("RGB", (108, 192), "white").save(blank)
    assert png_check.main([str(blank), "108x192"]) == 1

    drawn = tmp_path / "drawn.png"
    image = Image.new("RGB", (108, 192), "white")
    draw = ImageDraw.Draw(image)
    for i in range(40):
        draw.rectangle((i, i, i + 20, i + 30), fill=(i * 6, 255 - i * 6, 120))
    image.save(drawn)
    assert png_check.main([str(drawn), "108x192"]) == 0
    assert png_check.main([str(drawn), "1080x1920"]) == 1


# ---------------------------------------------------------------- ICU data trimming

trim_icu = _load("trim_icu")


@pytest.mark.parametrize(("item", "gone"), [
    ("coll/zh.res", False), ("coll/root.res", False), ("coll/ucadata.icu", False), ("coll/ko.res", True),
    ("coll/de_.res", True), ("zone/zh_Hans.res", False), ("zone/fr.res", True), ("curr/pool.res", False),
    ("brkitr/cjdict.dict", True), ("brkitr/word.brk", False), ("translit/root.res", True),
    ("gb18030.cnv", True), ("cnvalias.icu", False), ("uprops.icu", False), ("nfkc.nrm", False),
    ("zh_Hans_CN.res", False), ("en.res", False), ("ja.res", True), ("sr_Latn_BA.res", True),
    ("supplementalData.res", False), ("likelySubtags.res", False), ("zoneinfo64.res", False),
])
def test_icu_trim_keeps_root_en_zh_and_the_core(item, gone):
    assert trim_icu.removable(item) is gone


@pytest.mark.skipif(not all(shutil.which(t) for t in ("icupkg", "gcc", "nm", "readelf")),
                    reason="icupkg and gcc are installed by packaging/system-deps.sh test")
def test_icu_trim_rewrites_the_real_library_with_the_same_symbol_and_soname(tmp_path):
    source = next((Path(__import__("PySide6").__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    library = tmp_path / source.name
    shutil.copyfile(source, library)
    before, after = trim_icu.trim(library)
    assert after < before / 4
    symbol, _address, size = trim_icu._data_symbol(library)
    assert symbol.startswith("icudt") and size > 1_000_000
    soname = subprocess.run(["readelf", "-d", str(library)], capture_output=True, text=True, check=True).stdout
    assert f"[{source.name}]" in soname


# ---------------------------------------------------------------- the technician guide as written

GUIDE = PACKAGING / "README.md"


def test_guide_drop_in_only_adds_vt_switching_and_keeps_the_session_script():
    unit_command = _unit("ipkiosk.service")["Service"]["ExecStart"].split()
    guide = GUIDE.read_text(encoding="utf-8")
    examples = [line.strip() for line in guide.splitlines() if line.strip().startswith("ExecStart=/")]
    assert len(examples) == 2  # 中文 and English
    for line in examples:
        command = line.removeprefix("ExecStart=").split()
        assert command[-1] == "/usr/lib/ipkiosk/kiosk-session"
        assert [arg for arg in command if arg != "-s"] == unit_command and "-s" in command[:command.index("--")]
    assert "/opt/ipkiosk/ipkiosk run" not in guide


def test_guide_installs_the_root_file_ipkiosk_publish_writes_where_the_config_expects_it(tmp_path):
    # The central office's real command, as a child process: the file it names is the one the guide installs.
    result = subprocess.run([sys.executable, "-m", "kiosk.sync.publish", "init", str(tmp_path / "keys")],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True)
    written = tmp_path / "keys" / "1.root.json"
    assert written.is_file() and str(written) in result.stdout
    command = "sudo install -m 0644 1.root.json /etc/ipkiosk/root.json"
    assert command in result.stdout
    guide = GUIDE.read_text(encoding="utf-8")
    assert guide.count(command) == 2  # 中文 and English
    assert 'trusted_root = "/etc/ipkiosk/root.json"' in guide
    assert "copy `1.root.json` to every terminal" in (REPO_ROOT / "docs" / "sync.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the central office's publisher


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("pipx"), reason="pipx is installed by packaging/system-deps.sh test")
def test_central_office_installs_ipkiosk_publish_from_the_wheel_with_one_command(tmp_path):
    # Build the wheel as the release does, from a copy of the sources (the script leaves the checkout alone).
    src = tmp_path / "src"
    (src / "packaging").mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, src / name)
    shutil.copytree(REPO_ROOT / "kiosk", src / "kiosk", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO_ROOT / "assets" / "content", src / "assets" / "content")
    shutil.copy(PACKAGING / "build-wheel.sh", src / "packaging" / "build-wheel.sh")
    built = subprocess.run([str(src / "packaging" / "build-wheel.sh"), sys.executable], capture_output=True, text=True,
                           timeout=600, check=False)
    assert built.returncode == 0, built.stderr
    wheels = list((src / "dist").glob("ipkiosk-*-py3-none-any.whl"))
    assert len(wheels) == 1
    contents = list((src / "dist").glob("ipkiosk-content-*.tar.gz"))
    assert len(contents) == 1

    # The office: a clean environment without the checkout, the guide's command word for word, then publish.
    office = tmp_path / "office"
    office.mkdir()
    shutil.copy(wheels[0], office)
    shutil.copy(contents[0], office)
    env = {"PATH": f"{office / 'bin'}:/usr/bin:/bin", "HOME": str(office / "home"), "LANG": "C.UTF-8",
           "PIPX_HOME": str(office / "pipx"), "PIPX_BIN_DIR": str(office / "bin")}
    command = f"pipx install ./{wheels[0].name}"
    guide = GUIDE.read_text(encoding="utf-8")
    assert guide.count("pipx install ./ipkiosk-<") == 2  # 中文 and English
    installed = subprocess.run(command.split(), cwd=office, env=env, capture_output=True, text=True, timeout=900,
                               check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The content source folder comes with the release too: unpacked as the guide says, it is the bundled content.
    assert guide.count("tar -xzf ipkiosk-content-<") == 2
    subprocess.run(["tar", "-xzf", contents[0].name], cwd=office, check=True, timeout=60)
    assert sorted(p.name for p in (office / "content").iterdir()) == sorted(
        p.name for p in (REPO_ROOT / "assets" / "content").iterdir())
    for step in (["ipkiosk-publish", "init", "keys"], ["ipkiosk-publish", "build", "--keys", "keys", "content", "repo"]):
        result = subprocess.run(step, cwd=office, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
    assert (office / "repo" / "metadata" / "timestamp.json").is_file() and (office / "keys" / "1.root.json").is_file()
    # The command is the installed one, not the checkout's.
    assert str(office / "pipx") in (office / "bin" / "ipkiosk-publish").read_text(encoding="utf-8").splitlines()[0]
