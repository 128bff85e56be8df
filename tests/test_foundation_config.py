"""Config: the declarative table, validation messages, files, env var, and docs agreement."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from kiosk.cli import main
from kiosk.core import config as config_mod
from tests.helpers import REPO_ROOT


def test_defaults_without_a_file_use_a_per_user_data_dir(tmp_path):
    cfg = config_mod.load(None)
    assert cfg.source == "(defaults)"
    assert cfg.station_id == "zz-demo-01"
    assert cfg.data_path == tmp_path / "xdg" / "ipkiosk"


def test_every_required_setting_is_in_the_table():
    required = {"station_id", "station_name", "data_dir", "repository_url", "trusted_root", "sync_interval_s",
                "booking_url_template", "printer_name", "paper_width_mm", "idle_timeout_s", "locale", "orientation"}
    assert required <= set(config_mod.SETTINGS_BY_NAME)
    for s in config_mod.SETTINGS:
        assert s.help and isinstance(s.default, s.type), s.name
        config_mod.validate_value(s.name, s.default)  # every default is valid


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("statoin_id = 'x'", "unknown setting 'statoin_id'"),
        ("sync_interval_s = 'often'", "setting 'sync_interval_s': got 'often', expected an integer"),
        ("sync_interval_s = true", "expected an integer"),
        ("sync_interval_s = 60", "expected at least 300"),
        ("paper_width_mm = 70", "expected one of 58, 80, 210"),
        ("orientation = 'sideways'", "expected one of portrait, landscape, auto"),
        ("touch_only = 'yes'", "expected true or false"),
        ("station_id = 'zz 01/..'", "expected ASCII letters"),
        ("booking_url_template = 'https://x/{station_id}/{phone}'", "unknown placeholder {phone}"),
        ("repository_url = 'ftp://x'", "expected an https://, http:// or file:/// URL"),
        ("repository_url = 'https://x/repo'", "setting 'trusted_root': empty"),
        ("station_id = ", "not valid TOML"),
    ],
)
def test_bad_values_name_key_value_and_expectation(tmp_path, text, message):
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_file_and_env_var(tmp_path, monkeypatch):
    path = tmp_path / "kiosk.toml"
    path.write_text('station_id = "zz-jinshui-02"\npaper_width_mm = 58\n', encoding="utf-8")
    assert config_mod.load(path).station_id == "zz-jinshui-02"
    monkeypatch.setenv(config_mod.ENV_VAR, str(path))
    assert config_mod.load(None).paper_width_mm == 58


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(config_mod.ConfigError, match="cannot read"):
        config_mod.load(tmp_path / "nope.toml")


def test_config_show_round_trips_through_toml(tmp_path, capsys):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'station_id = "zz-x"\ndata_dir = "{tmp_path / "d"}"\n', encoding="utf-8")
    assert main(["config", "show", "--config", str(path)]) == 0
    shown = capsys.readouterr().out
    reparsed = tmp_path / "shown.toml"
    reparsed.write_text(shown, encoding="utf-8")
    assert config_mod.load(reparsed).values == config_mod.load(path).effective()


def test_cli_reports_config_errors_with_exit_2(tmp_path, capsys):
    path = tmp_path / "kiosk.toml"
    path.write_text("idle_timeout_s = -1\n", encoding="utf-8")
    assert main(["status", "--config", str(path)]) == 2
    assert "idle_timeout_s" in capsys.readouterr().err


def test_docs_are_generated_from_the_table():
    doc = (REPO_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert doc == config_mod.markdown_docs(), "regenerate: python -m kiosk.core.config > docs/configuration.md"
    assert set(re.findall(r"^### `([a-z_]+)`", doc, flags=re.M)) == set(config_mod.SETTINGS_BY_NAME)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # An ESC sequence in a setting drove the technician's terminal through `config show` (OSC 0 retitles it).
        (r'station_phone = "0371\u001b]0;x\u0007"', r"got '0371\x1b]0;x\x07', which holds control character U+001B"),
        (r'station_desk = "服务台\u202e东侧"', r"got '服务台\u202e东侧', which holds bidi control U+202E"),
        (r'station_address = "郑州市\t金水区"', "which holds a tab"),
        # A phone or desk over several lines broke the contact lines of the panels and slips.
        (r'station_phone = "0371\n6000"', r"got '0371\n6000', which holds a line break"),
        (r'station_desk = "一楼\n东侧"', "which holds a line break"),
        ('station_phone = "<b>0371</b>"', "expected a telephone number"),
        ('hotline = "call us"', "expected a telephone number"),
        ('hotline = "-"', "expected a telephone number"),
        (f'station_phone = "{"1" * 400}"', "expected a telephone number of at most 40 characters"),
        (f'station_desk = "{"东" * 61}"', "61 characters, expected at most 60"),
        (f'station_name = "{"站" * 300}"', "300 characters, expected at most 60"),
        (r'station_name = "a\nb\nc\nd"', "with 3 line breaks, expected at most 2"),
    ],
)
def test_visitor_facing_settings_are_clean_single_lines(tmp_path, text, message):
    """Settings shown to visitors, printed on slips and echoed by `config show`: no control or bidi character,
    one line (station_name's breaks aside), a phone number that is one, bounded lengths."""
    path = tmp_path / "kiosk.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(path)
    assert message in str(err.value)


@pytest.mark.parametrize("phone", [" 0371-6788 1234 ", "0371-6788 1234 转 8012", "+86 (371) 6788-1234",
                                   "12330、0371-96336", ""])
def test_real_phone_numbers_are_accepted(phone):
    cfg = config_mod.from_mapping({"station_phone": phone, "hotline": phone})
    assert cfg.station_phone == phone and cfg.hotline == phone


def test_config_show_never_sends_a_control_character_to_the_terminal(tmp_path):
    """The real CLI, as a technician runs it: a config holding an OSC sequence is refused with exit 2 and a
    message that shows the sequence escaped, so the terminal's title (or anything else) stays as it was."""
    path = tmp_path / "kiosk.toml"
    path.write_text('station_phone = "0371\\u001b]0;pwned\\u0007"\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(path), "config", "show"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr
    assert "station_phone" in proc.stderr and "\\x1b]0;pwned\\x07" in proc.stderr
