"""The admin screen says what really happens, on the real kiosk offscreen, by taps.

* Leaving the kiosk: the packaged unit restarts it after any exit, so the screen offers one control,
  重启终端程序, whose confirmation says when the kiosk is back and how a technician keeps it down.
"""

from __future__ import annotations

from tests.test_admin_ui import T0, FakeClock, enter_admin, exists, find, settle, tap_name
from tests.ui_helpers import window_items


def test_one_way_out_and_its_confirmation_says_the_kiosk_comes_back(kiosk_ui, qtbot):
    clock = FakeClock(T0)
    ctx, window = kiosk_ui(clock=clock)
    enter_admin(qtbot, window, clock)
    tap_name(qtbot, window, "adminTab3")
    settle(qtbot, window)
    assert find(window, "adminTab3").property("text") == "备份与重启"
    assert exists(window, "adminRestart")
    assert not exists(window, "adminExit"), "no 退出到桌面: the service would bring the kiosk back anyway"

    tap_name(qtbot, window, "adminRestart")
    qtbot.waitUntil(lambda: exists(window, "adminConfirmRestartOk"), timeout=3000)
    message = next(str(i.property("text")) for i in window_items(window)
                   if i.isVisible() and "重启终端程序？" in str(i.property("text") or ""))
    assert "约 5 秒后自动回到首页" in message and "sudo systemctl stop ipkiosk" in message
    tap_name(qtbot, window, "adminConfirmRestartCancel")
    qtbot.waitUntil(lambda: not exists(window, "adminConfirmRestartOk"), timeout=3000)
    assert not ctx.exit_authorised, "cancelled: the kiosk keeps running locked down"
