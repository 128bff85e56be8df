"""The data service in the test process, called as the UI calls its child: for view-model tests."""

from __future__ import annotations

from typing import Any

from kiosk.core import config as config_mod
from kiosk.core.json_lines import decode_line, encode_line
from kiosk.dataservice import api
from kiosk.dataservice.api import DataError
from kiosk.ui.data_client import DataCalls, PendingCall


class DataServiceInProcess(DataCalls):
    """kiosk.dataservice.api's methods as kiosk.ui.data_client.DataClient offers them (each answers a
    Pending; the callbacks run on a later turn of the event loop), without the child process: requests
    and answers go through the same encoding and JSON as on the pipe, and answers come from
    DataService.answer, so they are cleaned for display as the child's are. Only the pipe itself (its
    line cap, a child that dies or hangs) is not exercised here: tests/test_ui_data_service.py does that.

    ``calls`` lists the methods called, in order; ``pending_calls`` counts calls whose callbacks have
    not run yet (wait_answered waits for 0)."""

    def __init__(self, cfg: config_mod.Config):
        from kiosk.dataservice.service import DataService

        self.service = DataService(cfg)
        self.calls: list[str] = []
        self._undelivered: set[PendingCall[Any]] = set()

    @property
    def pending_calls(self) -> int:
        return len(self._undelivered)

    def _answer(self, method: str, args: dict[str, Any]) -> Any:
        self.calls.append(method)
        request = decode_line(encode_line(api.request_doc(len(self.calls), method, args)))
        return api.result_of(decode_line(encode_line(self.service.answer(request))))

    def _call(self, method: str, **args: Any) -> PendingCall[Any]:
        pending: PendingCall[Any] = PendingCall(method, self._undelivered.discard)
        self._undelivered.add(pending)
        try:
            pending.settle(self._answer(method, args))
        except DataError as exc:
            pending.settle(error=exc)
        return pending


def wait_answered(qtbot, data, timeout_ms: int = 30_000) -> None:
    """Wait until every call made through DATA (a DataClient or DataServiceInProcess) has been answered
    and its callbacks have run, including calls those callbacks made."""
    qtbot.waitUntil(lambda: data.pending_calls == 0, timeout=timeout_ms)


def answered(qtbot, pending, timeout_ms: int = 30_000):
    """The result PENDING delivers (its failure raised), waited for on the event loop as a screen would."""
    outcome: list = []
    pending.then(lambda result: outcome.append((result, None)), lambda exc: outcome.append((None, exc)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout_ms)
    result, error = outcome[0]
    if error is not None:
        raise error
    return result


def booking_backend(cfg: config_mod.Config, clock, qtbot, parent=None):
    """kiosk.ui.booking_model.BookingBackend reading through the data service (in this process), once it
    has read the booking types."""
    from kiosk.ui.booking_model import BookingBackend

    data = DataServiceInProcess(cfg)
    backend = BookingBackend(cfg, data=data, clock=clock, parent=parent)
    wait_answered(qtbot, data)
    return backend
