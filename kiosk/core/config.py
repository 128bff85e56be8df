"""One declarative table of settings → TOML file, validation and docs.

Qt-free. Every command loads its settings through :func:`load`; the file is
``--config PATH``, else ``$IPKIOSK_CONFIG``, else none (demo defaults).
docs/configuration.md is checked against :data:`SETTINGS` by a test.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints
from urllib.parse import urlsplit

from kiosk.core.safe_text import content_problem, for_terminal

ENV_VAR = "IPKIOSK_CONFIG"


class ConfigError(ValueError):
    """A config file or value is wrong; the message names key, value and expectation."""


#: The value types a setting can have (TOML strings, integers and booleans).
SettingValue = str | int | bool


@dataclass(frozen=True)
class Setting:
    """One row of the settings table, as validation, `config show` and the docs read it."""

    name: str
    type: type[SettingValue]
    default: SettingValue
    help: str
    choices: tuple[SettingValue, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def _setting(
    default: SettingValue,
    help: str,
    *,
    choices: tuple[SettingValue, ...] = (),
    minimum: int | None = None,
    maximum: int | None = None,
) -> Any:
    """A row of :class:`Settings`: the default, and the help, choices and range kept in the field's metadata.

    Typed ``Any`` so that the field's annotation, not this call, gives the attribute its type (the way
    ``dataclasses.field`` does).
    """
    return field(default=default, metadata={"help": help, "choices": choices, "minimum": minimum, "maximum": maximum})


def _default_data_dir() -> str:
    # Per-user data dir (XDG) when nothing is configured: the demo never needs root.
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "ipkiosk")


#: The national IP public service hotline (全国知识产权公共服务热线): the default of ``hotline``, shown with its name.
NATIONAL_HOTLINE = "12330"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The one declarative settings table: a typed attribute per setting, with its default and help.

    :data:`SETTINGS`, validation, `config show`, the packaged default file and docs/configuration.md are all read
    from these fields, in this order.
    """

    station_id: str = _setting("zz-demo-01", "Stable ASCII id of this terminal; goes into booking URLs and the User-Agent.")
    station_name: str = _setting("郑州市知识产权公共信息服务\n示范工作站（演示）",
                                 "Name shown on the home screen and printed on slips. Write \\n where a long name may break "
                                 "into its next line (at most two breaks and 60 characters in all), between words: "
                                 "\"郑州市知识产权公共信息服务\\n示范工作站\". Without one the name breaks wherever the "
                                 "screen's width ends, even inside a word.")
    logo_path: str = _setting("", "PNG or SVG image shown beside the station name on the home screen (at most 1 MB, a PNG at most 4096 pixels a side; a "
                              "relative path is read from this file's directory). Empty: the bundled neutral logo. A file "
                              "that is not a valid PNG or SVG is not shown (the bundled logo is) and `ipkiosk doctor` names "
                              "it.")
    station_address: str = _setting("郑州市（演示地址，请在配置中填写）", "Address shown on the home screen.")
    station_hours: str = _setting("周一至周五 9:00–12:00，13:30–17:30", "Opening hours shown on the home screen.")
    station_phone: str = _setting("", "This station's own telephone number, for visitors who need a person: shown on every booking "
                                  "panel, the search page when nothing is found, the 找工作人员 (ask staff) panel and printed "
                                  "slips. A telephone number of at most 40 characters: digits, spaces and + - ( ) /, 转 before an "
                                  "extension. Empty: not shown (`ipkiosk doctor` warns on a production terminal).")
    station_desk: str = _setting("", "Where visitors find staff in person, as a visitor reads it, e.g. \"服务台：一楼东侧\"; shown "
                                 "wherever station_phone is; one line of at most 60 characters. Empty: not shown (`ipkiosk doctor` "
                                 "warns on a production terminal).")
    hotline: str = _setting(NATIONAL_HOTLINE, "The hotline shown beside station_phone: by default 12330, the national IP public service "
                            "hotline (全国知识产权公共服务热线). A telephone number, written as station_phone is. Empty: not shown.")
    data_dir: str = _setting("", "Directory for content.db, station.db, blobs and logs. Empty: the per-user data dir (~/.local/share/ipkiosk). "
                             "Private wherever it is: the kiosk creates it 0750 and station.db (with its -wal/-shm), its backups and the "
                             "logs 0640, and tightens them when found looser (a shared sticky directory such as /tmp is left alone; "
                             "see docs/admin.md).")
    repository_url: str = _setting("", "Base URL of the signed content repository (https://…, http://… or file:///…). Empty: no sync, bundled content only.")
    trusted_root: str = _setting("", "Path of the trusted root.json that anchors signature checks. Required when repository_url is set.")
    sync_interval_s: int = _setting(900, "Seconds between sync attempts (±20 % jitter).", minimum=300, maximum=86400)
    booking_url_template: str = _setting(
        "https://ipservice.example.cn/book?station={station_id}&service={service_id}&type={booking_type}&lang={lang}",
        "URL encoded in booking QR codes. Placeholders: {station_id} {service_id} {booking_type} {lang}.")
    printer_name: str = _setting("", "Receipt printer queue name; empty means the system default printer.")
    paper_width_mm: int = _setting(80, "Slip paper: 58 or 80 (receipt rolls) or 210 (A4).", choices=(58, 80, 210))
    idle_timeout_s: int = _setting(90, "Seconds without touch before the 10 s countdown back to the attract screen.", minimum=10, maximum=3600)
    reading_idle_timeout_s: int = _setting(180, "Seconds without touch before the countdown on a reading page (a service guide, "
                                           "a policy or notice): time to read a long page. Never shorter than idle_timeout_s.",
                                           minimum=10, maximum=3600)
    locale: str = _setting("zh_CN", "Visitors' default language (the 中文/English toggle changes it for one visit, the "
                           "idle reset returns to it); {lang} in booking URLs is the visitor's language.",
                           choices=("zh_CN", "en_US"))
    large_text: bool = _setting(False, "Start every visit in 大字 (large-text) mode; the idle reset returns to it. "
                                "For stations that serve mostly older visitors.")
    orientation: str = _setting("portrait", "Screen layout: portrait (1080×1920), landscape (1920×1080) or auto (from the screen).",
                                choices=("portrait", "landscape", "auto"))
    touch_only: bool = _setting(False, "Hide the mouse cursor (touch screens without a mouse).")
    speech: bool = _setting(True, "Read-aloud (朗读): visitors may have a page read to them (espeak-ng, see docs/speech.md). "
                            "false: nothing is spoken and `ipkiosk speak` says read-aloud is off.")
    speech_volume: int = _setting(80, "Read-aloud volume, 0–100 % of the speech engine's full undistorted level "
                                  "(the sound card's own mixer level still applies).", minimum=0, maximum=100)


def _table() -> tuple[Setting, ...]:
    # The annotations are strings (postponed evaluation); get_type_hints turns them back into the classes.
    hints = get_type_hints(Settings)
    rows = []
    for f in fields(Settings):
        if not isinstance(f.default, str | int):  # bool is an int
            raise TypeError(f"setting {f.name}: declare it with _setting(default, help)")
        rows.append(Setting(f.name, hints[f.name], f.default, f.metadata["help"], choices=f.metadata["choices"],
                            minimum=f.metadata["minimum"], maximum=f.metadata["maximum"]))
    return tuple(rows)


SETTINGS: tuple[Setting, ...] = _table()

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True, kw_only=True)
class Config(Settings):
    """The settings of one terminal (validated: build it with :func:`from_mapping` or :func:`load`) and their source."""

    source: str = "(defaults)"

    @property
    def values(self) -> dict[str, SettingValue]:
        """Every setting by name, in table order, as configured (data_dir may be empty)."""
        return {s.name: getattr(self, s.name) for s in SETTINGS}

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir or _default_data_dir()).expanduser()

    @property
    def content_db_path(self) -> Path:
        return self.data_path / "content.db"

    @property
    def station_db_path(self) -> Path:
        return self.data_path / "station.db"

    @property
    def blobs_path(self) -> Path:
        return self.data_path / "blobs"

    @property
    def logs_path(self) -> Path:
        return self.data_path / "logs"

    def effective(self) -> dict[str, SettingValue]:
        """The settings as the terminal uses them: data_dir resolved to the directory in use."""
        out = self.values
        out["data_dir"] = str(self.data_path)
        return out


def _type_name(t: type[SettingValue]) -> str:
    return {str: "a string", int: "an integer", bool: "true or false"}[t]


def validate_value(name: str, value: object) -> SettingValue:
    """VALUE checked against setting NAME's row of the table; ConfigError names key, value and expectation."""
    setting = SETTINGS_BY_NAME.get(name)
    if setting is None:
        known = ", ".join(sorted(SETTINGS_BY_NAME))
        raise ConfigError(f"unknown setting {name!r} (known settings: {known})")
    # bool is a subclass of int: refuse true/false for integer settings explicitly.
    if not isinstance(value, setting.type) or (setting.type is int and isinstance(value, bool)):
        raise ConfigError(f"setting {name!r}: got {value!r}, expected {_type_name(setting.type)}")
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"setting {name!r}: got {value!r}, expected one of {', '.join(map(str, setting.choices))}")
    if setting.minimum is not None and isinstance(value, int) and value < setting.minimum:
        raise ConfigError(f"setting {name!r}: got {value!r}, expected at least {setting.minimum}")
    if setting.maximum is not None and isinstance(value, int) and value > setting.maximum:
        raise ConfigError(f"setting {name!r}: got {value!r}, expected at most {setting.maximum}")
    if isinstance(value, str):
        _check_text_setting(name, value)
    if name == "station_id" and not (
        isinstance(value, str) and value and value.isascii() and all(c.isalnum() or c in "-_." for c in value)
    ):
        raise ConfigError(f"setting 'station_id': got {value!r}, expected ASCII letters, digits, '-', '_' or '.'")
    if name == "booking_url_template" and isinstance(value, str):
        _check_template(value)
    if name == "station_name" and isinstance(value, str):
        _check_station_name(value)
    if name == "logo_path" and isinstance(value, str) and value and not value.lower().endswith((".png", ".svg")):
        raise ConfigError(f"setting 'logo_path': got {value!r}, expected the path of a .png or .svg file")
    return value


MAX_STATION_NAME_BREAKS = 2
# The home header shows the whole name in its largest type, on at most three lines: an official station name
# ("郑州市知识产权公共信息服务示范工作站" is 18 characters) fits many times over; more would push the tiles down.
MAX_STATION_NAME_CHARS = 60
# A phone number or hotline: digits and the separators people write them with, 转 before an extension and 、
# between two numbers ("0371-6788 1234 转 8012"). One line on the 找工作人员 panel, booking panels and slips.
PHONE_CHARS = frozenset("0123456789+-()（） /、,，转")
MAX_PHONE_CHARS = 40
# "服务台：一楼东侧" is eight characters: one line of a booking panel and of a slip holds this many.
MAX_DESK_CHARS = 60


def _check_text_setting(name: str, value: str) -> None:
    """A string setting reaches the visitor's screen, the printed slip or the technician's terminal (`config
    show`): no control or bidi character in any (an ESC sequence would drive that terminal), and one line
    except station_name, whose line breaks are configured."""
    problem = content_problem(value)
    if problem is None and "\t" in value:
        problem = "a tab"
    if problem is None and "\n" in value and name != "station_name":
        problem = "a line break (the setting is one line)"
    if problem is not None:
        raise ConfigError(f"setting {name!r}: got {_shown(value)}, which holds {problem}")
    if name in ("station_phone", "hotline") and value.strip():
        stray = sorted(set(value.strip()) - PHONE_CHARS)
        if stray or len(value.strip()) > MAX_PHONE_CHARS or not any(c.isdigit() for c in value):
            raise ConfigError(f"setting {name!r}: got {_shown(value)}, expected a telephone number of at most "
                              f"{MAX_PHONE_CHARS} characters: digits, spaces and + - ( ) /, 转 before an extension"
                              + (f" (not {''.join(stray[:5])!r})" if stray else ""))
    if name == "station_desk" and len(value.strip()) > MAX_DESK_CHARS:
        raise ConfigError(f"setting 'station_desk': {len(value.strip())} characters, expected at most {MAX_DESK_CHARS} "
                          "(where visitors find staff, in a few words)")


def _shown(value: str) -> str:
    """VALUE for an error message: escaped (a control character in it is the very thing that is wrong), cut short."""
    text = for_terminal(value)
    return f"'{text}'" if len(text) <= 60 else f"'{text[:57]}...'"


def _check_station_name(name: str) -> None:
    if len(name) > MAX_STATION_NAME_CHARS:
        raise ConfigError(f"setting 'station_name': {len(name)} characters, expected at most {MAX_STATION_NAME_CHARS} "
                          "(the name is shown whole in the home screen's header)")
    lines = name.split("\n")
    if len(lines) > MAX_STATION_NAME_BREAKS + 1:
        raise ConfigError(f"setting 'station_name': got {name!r} with {len(lines) - 1} line breaks, expected at most "
                          f"{MAX_STATION_NAME_BREAKS}")
    if any(not line.strip() for line in lines):
        raise ConfigError(f"setting 'station_name': got {name!r}, expected text on every line (an empty name or line)")


BOOKING_PLACEHOLDERS = ("station_id", "service_id", "booking_type", "lang")


def _check_template(template: str) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ConfigError(f"setting 'booking_url_template': got {template!r}, expected a valid template ({exc})") from None
    for placeholder in names:
        if placeholder not in BOOKING_PLACEHOLDERS:
            raise ConfigError(
                f"setting 'booking_url_template': unknown placeholder {{{placeholder}}}, "
                f"expected only {', '.join('{' + p + '}' for p in BOOKING_PLACEHOLDERS)}"
            )
    if not template.startswith(("https://", "http://")):
        raise ConfigError(f"setting 'booking_url_template': got {template!r}, expected an http(s) URL")


def from_mapping(mapping: Mapping[str, object], source: str = "(mapping)") -> Config:
    """The Config of MAPPING (setting name → value; missing settings take their defaults), validated."""
    values = {name: validate_value(name, value) for name, value in mapping.items()}
    cfg = Config(source=source, **values)  # type: ignore[arg-type] # names and value types checked just above
    if cfg.repository_url:
        if not cfg.repository_url.startswith(("https://", "http://", "file:///")):
            raise ConfigError(
                f"setting 'repository_url': got {cfg.repository_url!r}, expected an https://, http:// or file:/// URL"
            )
        if not cfg.trusted_root:
            raise ConfigError("setting 'trusted_root': empty, expected the path of root.json because repository_url is set")
    return cfg


def load(path: str | os.PathLike[str] | None = None) -> Config:
    """Load settings from PATH, else $IPKIOSK_CONFIG, else the defaults."""
    path = path or os.environ.get(ENV_VAR) or None
    if path is None:
        return from_mapping({}, source="(defaults)")
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"config file {p}: cannot read ({exc.strerror})") from None
    try:
        mapping = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {p}: not valid TOML ({exc})") from None
    try:
        return from_mapping(mapping, source=str(p))
    except ConfigError as exc:
        raise ConfigError(f"config file {p}: {exc}") from None


def toml_literal(value: SettingValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A line break (station_name) is written as TOML's \n escape: a basic string cannot hold one.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_toml(values: Mapping[str, SettingValue]) -> str:
    """Render settings as TOML (used by `config show` and the packaged default file)."""
    return "".join(f"{s.name} = {toml_literal(values[s.name])}\n" for s in SETTINGS)


def markdown_docs() -> str:
    """docs/configuration.md, generated from SETTINGS (`python -m kiosk.core.config > docs/configuration.md`)."""
    out = [
        "# Configuration",
        "",
        "One TOML file configures a terminal: `--config PATH` on every command, else `$IPKIOSK_CONFIG`, else the demo",
        "defaults below (data in the per-user data dir). The packaged build installs it as `/etc/ipkiosk/kiosk.toml`.",
        "Unknown keys and wrong types are errors that name the key, the value and what was expected;",
        "no string setting may hold a control character or a bidi control, nor a tab or a line break (except",
        "`station_name`'s configured breaks): they would reach the screen, the slips and the technician's terminal.",
        "`ipkiosk config show` prints the effective configuration.",
        "",
        "This file is generated from the settings table in `kiosk/core/config.py`; a test keeps them in agreement.",
        "",
    ]
    for s in SETTINGS:
        out += [f"### `{s.name}`", "", s.help, "", f"- type: {_type_name(s.type)}", f"- default: `{toml_literal(s.default)}`"]
        if s.choices:
            out.append(f"- one of: {', '.join(f'`{toml_literal(c)}`' for c in s.choices)}")
        if s.minimum is not None:
            out.append(f"- range: {s.minimum} to {s.maximum}")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown_docs(), end="")


# What the demo defaults above say, so a production terminal can be told it still shows them.
# A placeholder host is any host with an "example" label (RFC 2606 reserves example.com/.net/.org and the
# demo uses ipservice.example.cn): a booking QR code or slip must never send a visitor there.
DEMO_STATION_ID = SETTINGS_BY_NAME["station_id"].default
PLACEHOLDER_WORDS = ("演示", "请在配置中填写")
PLACEHOLDER_HOST_LABEL = "example"
# A config file under /etc is the packaged one (/etc/ipkiosk/kiosk.toml): that terminal serves visitors.
PRODUCTION_CONFIG_DIR = Path("/etc")


def is_production(cfg: Config) -> bool:
    """A terminal that serves visitors: its config is the packaged file in /etc, or it syncs from a repository.
    Only the demo runs on the defaults or a developer's file without a repository."""
    source = Path(cfg.source)
    return bool(cfg.repository_url) or (source.is_absolute() and source.is_relative_to(PRODUCTION_CONFIG_DIR))


def placeholder_host(template: str) -> str | None:
    """The host of the booking URL template if it is a placeholder (an "example" label), else None."""
    host = urlsplit(template).hostname or ""
    return host if PLACEHOLDER_HOST_LABEL in host.split(".") else None


#: The settings that tell a visitor how to reach a person at this station; a production terminal should have both.
CONTACT_SETTINGS = ("station_phone", "station_desk")


def missing_contacts(cfg: Config) -> list[str]:
    """The names of the CONTACT_SETTINGS that CFG leaves empty (blank counts as empty)."""
    return [name for name in CONTACT_SETTINGS if not str(cfg.values[name]).strip()]


def demo_values(cfg: Config) -> list[str]:
    """The settings of CFG that still carry a demo value, each as `name = value (why)`."""
    found: list[str] = []
    if cfg.station_id == DEMO_STATION_ID:
        found.append(f"station_id = {cfg.station_id!r} (the demo id, sent in every booking link)")
    for name in ("station_name", "station_address"):
        value = str(cfg.values[name])
        if value == SETTINGS_BY_NAME[name].default or any(w in value for w in PLACEHOLDER_WORDS):
            found.append(f"{name} = {value!r} (a placeholder)")
    host = placeholder_host(cfg.booking_url_template)
    if host:
        found.append(f"booking_url_template on {host} (a placeholder host: booking QR codes and slips would send "
                     "visitors there)")
    return found
