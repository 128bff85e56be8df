"""Booking links (Qt-free): URL template, encoding, errors, short codes, QR matrix, type lookup."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image

from kiosk import booking
from kiosk.core import config as config_mod
from kiosk.core.clock import CHINA_TZ
from kiosk.store import content

TEMPLATE = "https://book.example.cn/b/{station_id}/{service_id}?type={booking_type}&lang={lang}"


def link_params(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def test_default_template_carries_station_service_type_and_lang_only():
    cfg = config_mod.from_mapping({"station_id": "zz-jinshui-03"})
    link = booking.make_link(cfg, "svc-patent-application", "bk-patent-consult")
    assert link_params(link.url) == {
        "station": "zz-jinshui-03",
        "service": "svc-patent-application",
        "type": "bk-patent-consult",
        "lang": "zh-CN",
    }
    assert link.lang == "zh-CN"


def test_lang_follows_the_configured_locale():
    cfg = config_mod.from_mapping({"locale": "en_US"})
    assert link_params(booking.make_link(cfg, "svc-x", "bk-y").url)["lang"] == "en-US"


def test_values_are_percent_encoded_including_reserved_characters():
    url = booking.build_url(TEMPLATE, station_id="zz.01", service_id="a/b&c=d 专利?#",
                            booking_type="bk+1", lang="zh-CN")
    # Nothing from a value can add a path segment, a query parameter or a fragment.
    assert url == ("https://book.example.cn/b/zz.01/a%2Fb%26c%3Dd%20%E4%B8%93%E5%88%A9%3F%23"
                   "?type=bk%2B1&lang=zh-CN")
    parts = urlsplit(url)
    assert parts.path.count("/") == 3 and parts.fragment == ""
    assert link_params(url) == {"type": "bk+1", "lang": "zh-CN"}


def test_a_template_may_use_a_subset_of_the_placeholders():
    url = booking.build_url("https://book.example.cn/{booking_type}", station_id="s", service_id="",
                            booking_type="appointment", lang="zh-CN")
    assert url == "https://book.example.cn/appointment"


def test_empty_service_is_allowed_but_empty_type_is_not():
    cfg = config_mod.from_mapping({})
    assert link_params(booking.make_link(cfg, "", "bk-policy-briefing").url)["service"] == ""
    with pytest.raises(booking.BookingError, match="booking_type is empty"):
        booking.make_link(cfg, "svc-x", "")


@pytest.mark.parametrize(("template", "message"), [
    ("https://x.cn/?phone={phone}", r"unknown placeholder \{phone\}"),
    ("https://x.cn/?s={station_id.__class__}", r"unknown placeholder \{station_id.__class__\}"),
    ("https://x.cn/?s={0}", r"unknown placeholder \{0\}"),
    ("https://x.cn/?s={station_id", "expected a valid template"),
    ("ftp://x.cn/{station_id}", "expected an http"),
])
def test_bad_templates_are_refused_by_config_and_by_build_url(template, message):
    with pytest.raises(config_mod.ConfigError, match=message):
        config_mod.from_mapping({"booking_url_template": template})
    with pytest.raises(booking.BookingError, match=message):
        booking.build_url(template, station_id="s", service_id="v", booking_type="t", lang="zh-CN")


def test_config_file_with_unknown_placeholder_names_the_file_and_placeholder(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('booking_url_template = "https://x.cn/?n={name}"\n', encoding="utf-8")
    with pytest.raises(config_mod.ConfigError, match=r"kiosk.toml.*unknown placeholder \{name\}"):
        config_mod.load(path)


def test_short_code_is_deterministic_grouped_base32_and_depends_on_every_part():
    code = booking.short_code("zz-demo-01", "svc-patent-application", "bk-patent-consult")
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    assert code == booking.short_code("zz-demo-01", "svc-patent-application", "bk-patent-consult")
    others = {
        booking.short_code("zz-demo-02", "svc-patent-application", "bk-patent-consult"),
        booking.short_code("zz-demo-01", "svc-patent-application-x", "bk-patent-consult"),
        booking.short_code("zz-demo-01", "svc-patent-application", "bk-trademark-consult"),
        # The separator keeps ("ab", "c") and ("a", "bc") apart.
        booking.short_code("zz-demo-01svc-patent-application", "", "bk-patent-consult"),
    }
    assert code not in others and len(others) == 4


def test_short_codes_of_the_seed_catalogue_do_not_collide(seeded):
    types = content.list_records("booking_types")
    pairs = [(svc, bt["id"]) for bt in types for svc in bt["service_ids"]] + [(e["id"], booking.EVENT_BOOKING_TYPE)
                                                                              for e in content.list_records("events")]
    codes = {booking.short_code("zz-demo-01", svc, bt) for svc, bt in pairs}
    assert len(codes) == len(pairs) > 30


def matrix_image(matrix: list[list[bool]], module_px: int = 8) -> Image.Image:
    side = len(matrix) * module_px
    image = Image.new("L", (side, side), 255)
    pixels = image.load()
    for y in range(side):
        for x in range(side):
            if matrix[y // module_px][x // module_px]:
                pixels[x, y] = 0
    return image


def test_qr_matrix_decodes_to_the_url_with_quiet_zone_and_level_m():
    url = booking.make_link(config_mod.from_mapping({}), "svc-patent-application", "bk-patent-consult").url
    matrix = booking.qr_matrix(url)
    quiet = booking.QR_QUIET_ZONE_MODULES
    assert quiet == 4
    for band in (matrix[:quiet], matrix[-quiet:], [row[:quiet] for row in matrix], [row[-quiet:] for row in matrix]):
        assert not any(any(row) for row in band), "quiet zone must be light"
    assert matrix[quiet][quiet], "finder pattern starts right after the quiet zone"
    results = zxingcpp.read_barcodes(matrix_image(matrix))
    assert [r.text for r in results] == [url]
    assert results[0].ec_level == "M"


def test_dark_runs_cover_exactly_the_dark_modules():
    matrix = booking.qr_matrix("https://ipservice.example.cn/book?station=zz-demo-01&service=svc-a&type=bk-b")
    rebuilt = [[False] * len(matrix) for _ in matrix]
    for row, start, length in booking.dark_runs(matrix):
        assert length >= 1 and not any(rebuilt[row][start:start + length]), "runs do not overlap"
        rebuilt[row][start:start + length] = [True] * length
    assert rebuilt == matrix
    assert booking.dark_runs([[True, True, False, True]]) == [(0, 0, 2), (0, 3, 1)]


def test_qr_matrix_refuses_an_empty_payload():
    with pytest.raises(booking.BookingError, match="empty"):
        booking.qr_matrix("")


def test_every_bookable_service_maps_to_exactly_one_type_and_events_to_appointment(seeded):
    types = content.list_records("booking_types")
    assert len(types) == 8
    services = content.list_records("services")
    bookable = [s for s in services if s.get("booking")]
    assert bookable
    for service in bookable:
        owners = [bt["id"] for bt in types if service["id"] in bt["service_ids"]]
        assert len(owners) == 1
        assert booking.booking_type_id_for_record(service, types) == owners[0]
        assert booking.booking_type_for_service(service["id"], types)["id"] == owners[0]
    for service in services:
        if not service.get("booking"):
            assert booking.booking_type_id_for_record(service, types) is None
    for event in content.list_records("events"):
        assert booking.booking_type_id_for_record(event, types) == "appointment"


def test_slip_content_for_a_service_and_for_an_event(seeded):
    cfg = config_mod.from_mapping({"station_name": "测试工作站"})
    types = content.list_records("booking_types")
    now = dt.datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)
    service = content.get_record("svc-ip-rights-assistance")
    slip = booking.slip_content(cfg, service["id"], "bk-rights-assistance", record=service, booking_types=types, now=now)
    assert (slip.station_name, slip.service_title, slip.booking_type_title) == ("测试工作站", service["title"], "知识产权维权援助")
    assert slip.printed_at == "2026-11-24 09:30"
    assert slip.prepare == tuple(next(bt for bt in types if bt["id"] == "bk-rights-assistance")["prepare"])
    assert slip.link == booking.make_link(cfg, service["id"], "bk-rights-assistance")
    assert slip.contact == booking.contact_lines(cfg)
    event = content.list_records("events")[0]
    slip = booking.slip_content(cfg, event["id"], "appointment", record=event, booking_types=types, now=now)
    assert slip.booking_type_title == "活动报名" and slip.prepare == ()
    start = dt.datetime.fromisoformat(event["starts_at"])
    end = dt.datetime.fromisoformat(event["ends_at"])
    assert slip.details == (f"时间：{start:%Y-%m-%d %H:%M}–{end:%H:%M}", f"地点：{event['venue']}")
    service_slip = booking.slip_content(cfg, service["id"], "bk-rights-assistance", record=service,
                                        booking_types=types, now=now)
    assert service_slip.details == ()


def test_slip_contact_lines_follow_the_settings_and_leave_out_empty_ones():
    own = config_mod.from_mapping({"station_phone": " 0371-6788 1234 ", "station_desk": "服务台：一楼东侧"})
    assert booking.contact_lines(own) == ("服务台：一楼东侧", "本站电话：0371-6788 1234",
                                          "热线：12330（全国知识产权公共服务热线）")
    assert booking.contact_lines(config_mod.from_mapping({})) == ("热线：12330（全国知识产权公共服务热线）",)
    local = config_mod.from_mapping({"hotline": "96336", "station_desk": "  "})
    assert booking.contact_lines(local) == ("服务热线：96336",)
    assert booking.contact_lines(config_mod.from_mapping({"hotline": ""})) == ()


def test_slip_content_errors_name_the_bad_value(seeded):
    cfg = config_mod.from_mapping({})
    types = content.list_records("booking_types")
    now = dt.datetime(2026, 11, 24, 9, 30)
    with pytest.raises(booking.BookingError, match="no service or event with id 'svc-gone'"):
        booking.slip_content(cfg, "svc-gone", "bk-patent-consult", record=None, booking_types=types, now=now)
    with pytest.raises(booking.BookingError, match="unknown booking type 'bk-nope'"):
        booking.slip_content(cfg, "", "bk-nope", record=None, booking_types=types, now=now)


def test_a_production_terminal_makes_no_link_to_the_demo_booking_host():
    # The packaged config (under /etc) still on the demo host: no link, so no QR code or slip can send a visitor there.
    production = config_mod.from_mapping({}, source="/etc/ipkiosk/kiosk.toml")
    with pytest.raises(booking.BookingError, match=r"placeholder host ipservice\.example\.cn"):
        booking.make_link(production, "svc-patent-application", "bk-patent-consult")
    own_host = config_mod.from_mapping({"booking_url_template": "https://yuyue.zzipc.cn/b?s={station_id}&svc={service_id}"
                                                                "&t={booking_type}&lang={lang}"},
                                       source="/etc/ipkiosk/kiosk.toml")
    assert booking.make_link(own_host, "svc-patent-application", "bk-patent-consult").url.startswith("https://yuyue.")
    demo = config_mod.from_mapping({})  # the demo on a developer's machine keeps its demo links
    assert "example" in booking.make_link(demo, "svc-patent-application", "bk-patent-consult").url
