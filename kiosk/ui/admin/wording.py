"""Every refusal, fault and sync outcome of the staff screens, worded for a station clerk in Chinese.

One table (REASON_ZH) keyed by the machine reasons the stores give their errors (kiosk.core.staff_rules)
and by the sync outcomes (kiosk.core.sync_outcome): the data service sends a reason's string value
with each failure, and only this module turns it into words. English comes with a second table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kiosk.core.clock import minute_text
from kiosk.core.safe_text import for_display
from kiosk.core.staff_rules import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    BackupReason,
    PinReason,
    StationReason,
    StorageReason,
)
from kiosk.core.sync_outcome import EXIT_NOT_CONFIGURED, Outcome, outcome_of_exit_code
from kiosk.dataservice.api import DataError, DataUnavailable

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

NOT_UNLOCKED = "请先输入管理密码"
# Until a PIN is set the pad takes none: the first person to tap the corner must not choose it.
# Technicians set it from a shell at installation (`ipkiosk admin set-pin`).
NO_PIN_YET = "请技术人员在终端上运行 ipkiosk admin set-pin 设置管理密码（6–8 位数字），设置后重新进入本页"
NO_DATA_SERVICE = "数据服务暂不可用，请过一会再试"
STATION_DB_UNUSABLE = "本机数据库 station.db 无法打开，请技术人员用 ipkiosk station restore 恢复备份"
# A staff change refused because the data disk cannot take it (StorageError).
DISK_FULL_REFUSAL = "磁盘已满，无法保存修改：请技术人员清理磁盘空间"
DISK_ERROR_REFUSAL = "数据盘读写出错，无法保存修改：请技术人员检查数据盘"

REASON_ZH: dict[str, str] = {
    StationReason.TITLE_EMPTY: "请填写标题",
    StationReason.TITLE_TOO_LONG: f"标题太长（最多 {MAX_TITLE_CHARS} 字）",
    StationReason.BODY_TOO_LONG: f"正文太长（最多 {MAX_BODY_CHARS} 字）",
    StationReason.TITLE_NOT_SHOWABLE: "标题含有无法显示的字符，请删除后再保存",
    StationReason.BODY_NOT_SHOWABLE: "正文含有无法显示的字符，请删除后再保存",
    StationReason.BAD_INSTANT: "时间无法识别，请重新选择",
    StationReason.ENDS_BEFORE_START: "结束时间必须晚于开始时间",
    StationReason.ANNOUNCEMENT_NOT_FOUND: "该公告已不存在",
    StationReason.STATION_READ_ONLY: "本站数据 station.db 只读，无法保存修改：请技术人员检查数据盘",
    StationReason.BAD_RECORD_ID: "不是有效的内容编号",
    PinReason.NOT_DIGITS: f"管理密码须为 {PIN_MIN_DIGITS}–{PIN_MAX_DIGITS} 位数字",
    PinReason.ONE_DIGIT: "管理密码不能是同一个数字重复",
    PinReason.CONSECUTIVE: "管理密码不能是连续的数字",
    PinReason.NOT_SET: NO_PIN_YET,
    PinReason.ENTRIES_DIFFER: "两次输入的密码不一致",
    # A backup file is checked before it is restored; station.db is copied when it is backed up.
    BackupReason.NO_SUCH_BACKUP: "恢复失败：备份文件已不存在",
    BackupReason.NOT_SQLITE: "恢复失败：备份文件无法读取",
    BackupReason.DAMAGED: "恢复失败：备份文件已损坏",
    BackupReason.NOT_STATION_COPY: "恢复失败：该文件不是本站数据的备份",
    BackupReason.NO_STATION_DB: "备份失败：本站数据文件 station.db 不存在",
    BackupReason.COPY_FAILED: "备份失败：无法写入备份文件",
    StorageReason.DISK_FULL: DISK_FULL_REFUSAL,
    StorageReason.DISK_ERROR: DISK_ERROR_REFUSAL,
    Outcome.OK: "OK 已更新",
    Outcome.UNCHANGED: "UNCHANGED 无变化",
    Outcome.OFFLINE: "OFFLINE 无法连接",
    Outcome.STALE: "STALE 元数据过期",
    Outcome.SECURITY_ALERT: "SECURITY_ALERT 安全告警",
    Outcome.REFUSED: "REFUSED 内容不合规，已拒收",
}
NOT_CONFIGURED_ZH = "配置错误"

# How station.db's tables name their rows for a station clerk (kiosk.dataservice.service.storage_faults).
DAMAGED_ROW_NOUNS = {"announcement": ("条公告", "id "), "stationsetting": ("项设置", ""),
                     "auditlog": ("条操作记录", "id "), "usageevent": ("条使用记录", "id ")}


def when_zh(iso_value: str | None) -> str:
    """An instant as the staff screens show it, in China time to the minute; '—' for none."""
    return minute_text(iso_value) if iso_value else "—"


def reason_zh(reason: str, message: str = "") -> str:
    """REASON (a staff_rules or sync_outcome value) in a clerk's words. A reason this table does not know
    (a newer data service) is logged and shown with the service's MESSAGE rather than hidden."""
    words = REASON_ZH.get(reason)
    if words is None:
        log.error("no wording for reason %r (%s)", reason, message)
        return f"操作未完成：{for_display(message)}" if message else "操作未完成"
    return words


def refusal_zh(failure: Exception) -> str:
    """What staff are told when a data call for their action failed: the reason of the service's
    DataError in words, or that the service does not answer (DataUnavailable)."""
    if isinstance(failure, DataError):
        return reason_zh(failure.reason, str(failure))
    if not isinstance(failure, DataUnavailable):
        log.error("unexpected failure of a staff action: %r", failure)
    return NO_DATA_SERVICE


def sync_exit_zh(exit_code: int) -> str:
    """What the 立即同步 child's EXIT_CODE says."""
    outcome = outcome_of_exit_code(exit_code)
    if outcome is not None:
        return REASON_ZH[outcome]
    return NOT_CONFIGURED_ZH if exit_code == EXIT_NOT_CONFIGURED else f"退出码 {exit_code}"


# How a 立即同步 child ended without an exit code of its own (kiosk.ui.children.Ending values).
SYNC_CHILD_ENDING_ZH = {"failed to start": "无法启动同步程序", "crashed": "同步程序意外结束", "timed out": "同步程序超时，已结束"}


def sync_ending_zh(ending: str) -> str:
    """What staff are told when the 立即同步 child ended without an outcome (ENDING, an Ending value)."""
    return SYNC_CHILD_ENDING_ZH.get(ending, f"同步程序结束（{ending}）")


def sync_result_zh(result: str | None) -> str:
    """The last cycle's outcome as the sync tab shows it ('从未同步' before the first)."""
    return reason_zh(result) if result else "从未同步"


def _damaged_rows_zh(damaged: list[dict]) -> str:
    """'station.db：1 条公告已损坏（id 2）' for the rows storage_faults names (the first few of each table)."""
    parts = []
    for entry in damaged:
        noun, key_label = DAMAGED_ROW_NOUNS.get(entry["table"], (f"行 {entry['table']} 数据", "id "))
        names = "、".join(name if name.startswith("rowid ") else f"{key_label}{name}" for name in entry["names"])
        more = " 等" if entry["count"] > len(entry["names"]) else ""
        parts.append(f"{entry['count']} {noun}已损坏（{names}{more}）")
    return "station.db：" + "，".join(parts)


def storage_warning_zh(faults: Mapping[str, Any]) -> str:
    """The admin banner's text for a storage_faults answer; '' when none.

    Names come from station.db and a reason quotes a path: the banner shows them as plain text, cleaned
    (for_display) like every displayed string."""
    lines = []
    if faults.get("station_damaged"):
        lines.append(_damaged_rows_zh(faults["station_damaged"]) + "，可从备份恢复：在「备份与重启」中选择损坏前的"
                     "一份备份，点「恢复此备份」。其余数据照常可用。")
    detail = faults.get("station_read_only") or faults.get("content_read_only") or ""
    if detail:
        files = "、".join(name for name, key in (("station.db", "station_read_only"),
                                                            ("content.db", "content_read_only"))
                         if faults.get(key))
        if faults.get("read_only_reason") == StorageReason.DISK_FULL:
            lines.append("磁盘已满：内容照常显示，但无法保存修改（公告、备份、密码错误次数）。请技术人员清理磁盘空间。")
        else:
            lines.append("数据盘读写出错：内容照常显示，但无法保存修改（公告、备份、密码错误次数）。请技术人员检查数据盘。")
        lines.append(f"{files} 只读：{detail}")
    return for_display("\n".join(lines))


def unsaved_pin_count_zh(reason: str) -> str:
    """The PIN pad's note when a wrong try was counted in memory only (station.db could not take it)."""
    return "（磁盘已满，错误次数未能保存）" if reason == StorageReason.DISK_FULL else "（错误次数未能保存）"
