"""Booking links: the URL a visitor's phone opens, its short code and its QR matrix.

Qt-free. The kiosk takes no personal data: a booking link says only *where* the demand
comes from (station id), *what* it is about (service or event id, booking type) and the
visitor's language. The URL comes from the configured ``booking_url_template``; its
placeholders are checked by :mod:`kiosk.core.config` at load time and again here, so a template
passed in by hand fails the same way.

Short code: a human-typable stand-in for the URL, printed under the QR for visitors whose
phone cannot scan. It is the first 40 bits of SHA-256 over
``"<station_id>|<service_id>|<booking_type>"``, written in RFC 4648 base32 (A–Z, 2–7: no
0/1/8/9, so nothing to confuse with O/I/B/g) and grouped 4-4, e.g. ``ZL7K-Q3M2``. It is
deterministic, so the central office can rebuild the table code → (station, service, type)
from the station list and the catalogue; it carries no time or visitor information.
"""

from __future__ import annotations

import base64
import datetime as dt
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import quote

from kiosk.core import config as config_mod
from kiosk.core.language import SOURCE_LANGUAGE, in_language, language_of


def _qrcode() -> ModuleType:
    """qrcode as a terminal has it: without Pillow, imported at the first QR.

    Not at this module's import: the UI process imports this module on its way to the first frame of
    home, which shows no QR, and qrcode cost that start about 5 ms of CPU (docs/benchmarks.md).

    The package imports its optional Pillow drawers whenever Pillow is installed (a
    development machine has it for the tests; the terminal bundle excludes it). The kiosk
    draws its QR codes with Qt, and Pillow would cost the UI process about 4 MB, so it is
    hidden while qrcode is first imported; qrcode then skips those drawers as it does on a
    terminal. Pillow stays importable for everything else.
    """
    if "qrcode" in sys.modules or "PIL" in sys.modules:
        import qrcode
    else:
        # None in sys.modules makes "from PIL import …" raise ImportError (the import system's documented rule).
        sys.modules["PIL"] = None  # type: ignore[assignment]
        try:
            import qrcode
        finally:
            del sys.modules["PIL"]
    import qrcode.constants

    return qrcode


# Events carry {"registration": {"type": "appointment"}}; their booking type is this name.
EVENT_BOOKING_TYPE = "appointment"

# QR parameters: error correction M (qr_matrix) survives a crease or a smudge on a receipt; the quiet
# zone of 4 modules is what ISO/IEC 18004 asks for and what phone scanners expect.
QR_QUIET_ZONE_MODULES = 4

SHORT_CODE_CHARS = 8


class BookingError(ValueError):
    """A booking link cannot be built (unknown service, empty id); the message names the value."""


@dataclass(frozen=True)
class BookingLink:
    station_id: str
    service_id: str
    booking_type: str
    lang: str
    url: str
    short_code: str


def lang_tag(locale: str) -> str:
    """BCP 47 language tag for a config locale: ``zh_CN`` → ``zh-CN``."""
    return locale.replace("_", "-")


def build_url(template: str, *, station_id: str, service_id: str, booking_type: str, lang: str) -> str:
    """Fill the template; every value is percent-encoded (nothing is left "safe", not even '/')."""
    try:
        config_mod.validate_value("booking_url_template", template)
    except config_mod.ConfigError as exc:
        raise BookingError(str(exc)) from None
    values = {"station_id": station_id, "service_id": service_id, "booking_type": booking_type, "lang": lang}
    assert set(values) == set(config_mod.BOOKING_PLACEHOLDERS), "placeholders and values out of step"
    for name in ("station_id", "booking_type", "lang"):
        if not values[name]:
            raise BookingError(f"booking link: {name} is empty")
    encoded = {name: quote(value, safe="") for name, value in values.items()}
    # string.Formatter would also accept {a.b} or {a[0]}; the config check already refused those.
    return string.Formatter().vformat(template, (), encoded)


def short_code(station_id: str, service_id: str, booking_type: str) -> str:
    """Deterministic 8-character base32 code grouped ``XXXX-XXXX`` (see the module docstring)."""
    import hashlib  # here, not with the module: OpenSSL's libcrypto costs the UI's start about 3 ms of CPU

    digest = hashlib.sha256(f"{station_id}|{service_id}|{booking_type}".encode()).digest()
    code = base64.b32encode(digest[:5]).decode("ascii")  # 5 bytes = 40 bits = exactly 8 base32 chars
    assert len(code) == SHORT_CODE_CHARS
    return f"{code[:4]}-{code[4:]}"


def visitor_lang_tag(locale: str, language: str | None) -> str:
    """The {lang} of a booking link: the station's LOCALE as a tag ("zh-CN") while the visitor reads its
    language (or LANGUAGE is None), else the visitor's LANGUAGE ("en"), so the booking site answers in it."""
    if language is None or language == language_of(locale):
        return lang_tag(locale)
    return language


def make_link(cfg: config_mod.Config, service_id: str, booking_type: str, *, language: str | None = None) -> BookingLink:
    """The booking link of this station for a service (or event) and a booking type, for a visitor who
    reads LANGUAGE ("zh"/"en"; None: the station's locale).

    ``service_id`` may be empty: a booking type picked on the booking screen without a service.
    """
    host = config_mod.placeholder_host(cfg.booking_url_template)
    if host and config_mod.is_production(cfg):
        # A visitor must never be sent to a demo host: no QR code and no slip until the station's own is set.
        raise BookingError(f"booking_url_template points at the placeholder host {host}: no booking link on a "
                           "production terminal (`ipkiosk doctor` names it)")
    lang = visitor_lang_tag(cfg.locale, language)
    url = build_url(cfg.booking_url_template, station_id=cfg.station_id, service_id=service_id,
                    booking_type=booking_type, lang=lang)
    return BookingLink(station_id=cfg.station_id, service_id=service_id, booking_type=booking_type, lang=lang,
                       url=url, short_code=short_code(cfg.station_id, service_id, booking_type))


def booking_type_for_service(service_id: str, booking_types: Iterable[dict]) -> dict | None:
    """The booking type whose ``service_ids`` contain this service, or None."""
    for bt in booking_types:
        if service_id in (bt.get("service_ids") or ()):
            return bt
    return None


def booking_type_id_for_record(record: dict, booking_types: Iterable[dict]) -> str | None:
    """Booking type id for a service or an event record, or None when it has no booking."""
    if record.get("kind") == "events" or record.get("id", "").startswith("evt-"):
        registration = record.get("registration")
        if not registration:
            return None
        return registration.get("type") or EVENT_BOOKING_TYPE
    bt = booking_type_for_service(record.get("id", ""), booking_types)
    return bt["id"] if bt else None


def qr_matrix(payload: str) -> list[list[bool]]:
    """QR modules (True = dark) for the payload, quiet zone included, error correction M."""
    if not payload:
        raise BookingError("QR payload is empty")
    qrcode = _qrcode()
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_ZONE_MODULES, box_size=1)
    qr.add_data(payload)
    qr.make(fit=True)
    return [[bool(cell) for cell in row] for row in qr.get_matrix()]


def dark_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """The dark modules as horizontal runs (row, first column, length): what screen and paper fill."""
    runs = []
    for row_index, row in enumerate(matrix):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            start = col
            while col < len(row) and row[col]:
                col += 1
            runs.append((row_index, start, col - start))
    return runs


# Printed on every slip, under the QR.
SLIP_INSTRUCTION = "请用手机扫描二维码完成预约"
EVENT_BOOKING_TITLE = "活动报名"


@dataclass(frozen=True)
class SlipLabels:
    """The slip's own words, each with one ``{}`` for its value where it has one. These are the Chinese
    ones; the kiosk's screen gives the visitor's language (kiosk.ui.booking_model.slip_labels, through Qt's
    translations), `ipkiosk print-test` prints these."""

    booking_type: str = "预约类型：{}"
    short_code: str = "短码  {}"
    prepare: str = "请携带："
    printed_at: str = "打印时间：{}"
    time: str = "时间：{}"
    venue: str = "地点：{}"
    instruction: str = SLIP_INSTRUCTION
    event_booking: str = EVENT_BOOKING_TITLE
    phone: str = "本站电话：{}"
    national_hotline: str = "热线：{}（全国知识产权公共服务热线）"
    hotline: str = "服务热线：{}"


@dataclass(frozen=True)
class SlipContent:
    """Everything a printed slip shows, as plain data (the layout is in kiosk/ui/printing.py)."""

    station_name: str
    service_title: str  # empty when the visitor picked only a booking type
    booking_type_title: str
    link: BookingLink
    printed_at: str  # local date and time, "YYYY-MM-DD HH:MM"
    prepare: tuple[str, ...] = ()
    details: tuple[str, ...] = ()  # extra lines under the title: an event's time and venue
    labels: SlipLabels = SlipLabels()
    contact: tuple[str, ...] = ()  # how to reach a person at the station (contact_lines)

    @property
    def instruction(self) -> str:
        return self.labels.instruction


def contact_lines(cfg: config_mod.Config, labels: SlipLabels = SlipLabels()) -> tuple[str, ...]:
    """The station's desk, phone and hotline as slip lines in the words of LABELS, each only when its setting is
    not empty (the screens show the same facts through Shell and StaffContact.qml)."""
    desk, phone, hotline = cfg.station_desk.strip(), cfg.station_phone.strip(), cfg.hotline.strip()
    lines = [desk] if desk else []
    if phone:
        lines.append(labels.phone.format(phone))
    if hotline:
        national = hotline == config_mod.NATIONAL_HOTLINE
        lines.append((labels.national_hotline if national else labels.hotline).format(hotline))
    return tuple(lines)


def _event_details(record: dict, labels: SlipLabels) -> tuple[str, ...]:
    """'时间：2026-12-10 14:00–17:00' and '地点：…' for an event record (times in its own zone)."""
    lines = []
    if record.get("starts_at"):
        starts = dt.datetime.fromisoformat(record["starts_at"])
        when = f"{starts:%Y-%m-%d %H:%M}"
        if record.get("ends_at"):
            ends = dt.datetime.fromisoformat(record["ends_at"])
            when += f"–{ends:%H:%M}" if ends.date() == starts.date() else f" – {ends:%Y-%m-%d %H:%M}"
        lines.append(labels.time.format(when))
    if record.get("venue"):
        lines.append(labels.venue.format(record["venue"]))
    return tuple(lines)


def slip_content(cfg: config_mod.Config, service_id: str, booking_type: str, *, record: dict | None,
                 booking_types: Iterable[dict], now: dt.datetime, language: str = SOURCE_LANGUAGE,
                 labels: SlipLabels = SlipLabels()) -> SlipContent:
    """Slip data for a service or event (``record``, may be None) and a booking type id, for a visitor who
    reads LANGUAGE (content's English twins where they exist, the booking link's {lang}) with LABELS."""
    if service_id and record is None:
        raise BookingError(f"no service or event with id {service_id!r}")
    types_by_id = {bt["id"]: in_language(bt, language) for bt in booking_types}
    record = in_language(record, language) if record else None
    bt = types_by_id.get(booking_type)
    if bt is None and booking_type != EVENT_BOOKING_TYPE:
        raise BookingError(f"unknown booking type {booking_type!r} (known: {', '.join(sorted(types_by_id))}, "
                           f"{EVENT_BOOKING_TYPE})")
    return SlipContent(
        station_name=cfg.station_name,
        service_title=record["title"] if record else "",
        booking_type_title=bt["title"] if bt else labels.event_booking,
        link=make_link(cfg, service_id, booking_type, language=language),
        printed_at=now.strftime("%Y-%m-%d %H:%M"),
        prepare=tuple(bt.get("prepare") or ()) if bt else (),
        details=_event_details(record, labels) if record and booking_type == EVENT_BOOKING_TYPE else (),
        labels=labels,
        contact=contact_lines(cfg, labels),
    )
