"""The data service's API declared once (kiosk.dataservice.api): every party implements the same methods,
answers and failures keep their shape through the encoding, and the search index is rebuilt ahead of the
first query after a new apply."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import time

import pytest

from kiosk.core.json_lines import decode_line, encode_line
from kiosk.dataservice import api
from kiosk.dataservice.api import METHODS, DataApi, DataError, ErrorKind
from kiosk.ui.data_client import DataCalls, DataClient
from tests.data_service_double import DataServiceInProcess, answered
from tests.ui_helpers import SEED_NOW


def _declared() -> dict[str, inspect.Signature]:
    return {name: inspect.signature(getattr(DataApi, name)) for name in METHODS}


def test_methods_are_the_protocols_public_methods():
    assert {name for name in vars(DataApi) if not name.startswith("_") and callable(vars(DataApi)[name])} == METHODS
    assert {"record_detail", "pin_state", "search", "content_serial"} <= METHODS
    assert not {"get_record", "detail_page", "record_kind"} & METHODS, "one coarse call per page"


@pytest.mark.parametrize("party", [DataCalls, DataClient, DataServiceInProcess])
def test_every_party_offers_each_method_with_the_declared_arguments(party):
    from kiosk.dataservice.service import DataService

    for name, declared in _declared().items():
        offered = inspect.signature(getattr(party, name))
        assert list(offered.parameters.values()) == list(declared.parameters.values()), name
        assert offered.return_annotation == f"PendingCall[{declared.return_annotation}]", name
    served = {name: inspect.signature(getattr(DataService, name)) for name in METHODS}
    assert served == _declared(), "the service answers exactly the declared methods"


def test_no_attribute_dispatch_in_the_ui_client():
    for cls in (DataCalls, DataClient):
        assert "__getattr__" not in vars(cls)
    with pytest.raises(AttributeError):
        DataCalls().drop_everything  # noqa: B018 - an undeclared method does not exist


def test_failures_keep_kind_reason_and_message_through_the_pipe_encoding():
    error = DataError(ErrorKind.STORAGE, "station.db: disk full (…); announcement not saved", "disk_full")
    line = encode_line(api.failure_doc(7, error))
    doc = decode_line(line)
    assert doc == {"id": 7, "error": {"kind": "storage", "reason": "disk_full",
                                      "message": "station.db: disk full (…); announcement not saved"}}
    with pytest.raises(DataError) as raised:
        api.result_of(doc)
    assert (raised.value.kind, raised.value.reason, str(raised.value)) == (ErrorKind.STORAGE, "disk_full", str(error))
    newer = {"id": 8, "error": {"kind": "from_a_newer_service", "reason": "", "message": "x"}}
    with pytest.raises(DataError) as raised:
        api.result_of(newer)
    assert raised.value.kind is ErrorKind.INTERNAL
    assert api.result_of(decode_line(encode_line(api.result_doc(9, {"专利": [1, None]})))) == {"专利": [1, None]}


def test_requests_are_checked_before_a_method_runs():
    with pytest.raises(DataError) as raised:
        api.parse_request({"id": 1, "method": "__init__", "args": {}})
    assert raised.value.kind is ErrorKind.UNKNOWN_METHOD
    with pytest.raises(DataError) as raised:
        api.parse_request({"id": 1, "method": "list_records", "args": ["services"]})
    assert raised.value.kind is ErrorKind.BAD_REQUEST
    assert api.parse_request({"id": 2, "method": "list_records", "args": {"kind": "news"}}) == (
        2, "list_records", {"kind": "news"})
    with pytest.raises(ValueError):
        decode_line(b"[1, 2]")


def test_the_service_reports_expected_failures_by_kind_with_their_reason(data_service, monkeypatch, qtbot):
    from kiosk.core.staff_rules import PinReason, StationReason
    from kiosk.store import station

    def refuse(*args, **kwargs):
        raise station.StationError(StationReason.TITLE_EMPTY, "title: empty")  # its reason is passed through

    monkeypatch.setattr(station, "add_announcement", refuse)
    with pytest.raises(DataError) as raised:
        answered(qtbot, data_service.save_announcement(0, "", "正文", None, None, False, "admin-screen"))
    assert (raised.value.kind, raised.value.reason, str(raised.value)) == (ErrorKind.STATION, "title_empty",
                                                                         "title: empty")
    with pytest.raises(DataError) as raised:
        answered(qtbot, data_service.check_pin("1357", SEED_NOW.isoformat()))
    assert raised.value.kind is ErrorKind.PIN and raised.value.reason == PinReason.NOT_SET


def test_now_is_an_argument_not_state(data_service, qtbot):
    now = SEED_NOW.isoformat()
    assert answered(qtbot, data_service.pin_state(now)) == {"is_set": False, "locked_for_s": 0, "tries_left": 5}
    answered(qtbot, data_service.set_pin("246810", now))
    for _ in range(5):
        answered(qtbot, data_service.check_pin("000001", now))
    locked = answered(qtbot, data_service.pin_state(now))["locked_for_s"]
    assert locked > 0
    later = (SEED_NOW + dt.timedelta(hours=1)).isoformat()
    assert answered(qtbot, data_service.pin_state(later))["locked_for_s"] == 0, "the instant passed decides"
    assert answered(qtbot, data_service.pin_state(now))["locked_for_s"] == locked, "no instant was kept"
    assert not hasattr(data_service.service, "_now")


def test_the_search_index_is_rebuilt_in_the_background_after_a_new_apply(data_service, cfg):
    from kiosk.core.manifest import validate_manifest
    from kiosk.store import content, seed

    service = data_service.service
    keeper = service.search_index
    _index, first_serial = keeper.index()  # the first one, built at start
    builds = keeper.builds

    def search(query: str) -> list[str]:
        answer = service.search(query, "", SEED_NOW.isoformat(), kinds=["services"], limit=10, candidate_limit=0,
                                nearest_limit=0)
        return [hit["id"] for hit in answer["hits"]]

    assert "svc-patent-application" in search("专利申请受理")
    source = json.loads((seed.SEED_DIR / "services.json").read_text(encoding="utf-8"))
    for rec in source["records"]:
        if rec["id"] == "svc-patent-application":
            rec["title"], rec["rev"] = "发明专利申请受理（新标题）", rec["rev"] + 1
    manifest = validate_manifest({"format": "ipkiosk-manifest/1", "collection": "services",
                                          "generation": content.collection_states()["services"].generation + 1,
                                          "records": sorted(source["records"], key=lambda r: r["id"]),
                                          "tombstones": []})
    content.apply_manifests([manifest], source="sync")
    service.content_serial()  # the UI's poll: the service notices the apply and starts a rebuild
    deadline = time.monotonic() + 60  # a hang detector, not a speed bound
    while keeper.builds == builds and time.monotonic() < deadline:
        time.sleep(0.02)
    assert keeper.builds == builds + 1
    assert keeper.index()[1] == service.content_serial() > first_serial
    assert "svc-patent-application" in search("新标题")


def test_search_passes_on_the_correction_and_the_matched_characters(data_service, qtbot):
    def search(query: str, correct: bool = True) -> api.SearchAnswer:
        return answered(qtbot, data_service.search(query, "", SEED_NOW.isoformat(), kinds=["services"], limit=50,
                                                   candidate_limit=0, nearest_limit=6, correct=correct))

    typo = search("shangbaio")
    assert typo["corrected_to"] == {"query": "shangbiao", "display": "商标", "literal": "shangbaio"}
    first = typo["hits"][0]
    assert first["title"].startswith("商标") and first["spans"][0] == [0, 2]
    literal = search("shangbaio", correct=False)
    assert literal["corrected_to"] is None and literal["hits"] == [] and "商标" in literal["nearest"]
    plain = search("zlsq")
    assert plain["corrected_to"] is None
    assert next(h for h in plain["hits"] if h["id"] == "svc-patent-application")["spans"] == [[0, 4]]


def test_record_view_counts_a_visitors_view_in_station_db(data_service, qtbot):
    from kiosk.store import station

    now = SEED_NOW.isoformat()
    assert answered(qtbot, data_service.record_view("svc-patent-application", now)) is True
    assert answered(qtbot, data_service.record_view("svc-patent-application", now)) is True
    assert station.views_since(SEED_NOW) == {"svc-patent-application": 2}
    with pytest.raises(DataError) as raised:  # only record ids are stored, never text a visitor typed
        answered(qtbot, data_service.record_view("专利 申请", now))
    assert raised.value.kind is ErrorKind.STATION
