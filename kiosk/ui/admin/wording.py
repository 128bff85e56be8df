"""Every refusal, fault and sync outcome of the staff screens, worded for a station clerk in Chinese.

One table (REASON_ZH) keyed by the machine reasons the stores give their errors (kiosk.core.staff_rules)
and by the sync outcomes (kiosk.core.sync_outcome): the data service sends a reason's string value
with each failure, and only this module turns it into words. A second (SYNC_REASON_ZH) words why a sync cycle
ended as it did, by its reason code (kiosk.core.sync_outcome.SyncReason). English comes with a table of its own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from kiosk.core import kinds
from kiosk.core.clock import china_time
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
from kiosk.core.sync_outcome import EXIT_NOT_CONFIGURED, Outcome, SyncReason, outcome_of_exit_code, reason_of_code
from kiosk.dataservice.api import AppliedCounts, ContentStatus, DataError, DataUnavailable, RefusedGeneration

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
    StationReason.STATION_UNUSABLE: STATION_DB_UNUSABLE,
    StationReason.BAD_RATING_LEVEL: "评价等级无效",
    StationReason.UNKNOWN_RATING_REASON: "评价理由无效",
    StationReason.RATING_REASON_OTHER_LEVEL: "评价理由与等级不符",
    StationReason.TOO_MANY_RATING_REASONS: "评价理由太多",
    StationReason.BAD_RATING_LANGUAGE: "评价语言无效",
    StationReason.RATING_NOT_FOUND: "该评价已不存在",
    StationReason.RATING_HAS_REASONS: "该评价已经补充过理由",
    StationReason.RATING_AMEND_TOO_LATE: "评价保存已超过补充时限，不能再补充理由",
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
    Outcome.OK: "已更新",
    Outcome.UNCHANGED: "已是最新，无变化",
    Outcome.OFFLINE: "无法连接内容服务器",
    Outcome.STALE: "内容服务器的签名已过期",
    Outcome.SECURITY_ALERT: "安全告警：内容未通过签名校验，已拒收",
    Outcome.REFUSED: "有栏目内容不合规，已拒收",
}
NOT_CONFIGURED_ZH = "配置错误"

# How station.db's tables name their rows for a station clerk (kiosk.dataservice.service.storage_faults).
DAMAGED_ROW_NOUNS = {"announcement": ("条公告", "id "), "stationsetting": ("项设置", ""),
                     "auditlog": ("条操作记录", "id "), "usageevent": ("条使用记录", "id ")}


def when_zh(iso_value: str | None) -> str:
    """An instant as the staff screens show it: China time to the minute with its offset
    (``2026-12-07 18:14 +08:00``), like the CLI; '—' for none."""
    return china_time(iso_value, to_minute=True, none="—")


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


# Why a sync cycle ended as it did (kiosk.core.sync_outcome.SyncReason, recorded beside the English reason the log
# and `ipkiosk status` show), in a clerk's words. The English stays on screen as the technical detail.
SYNC_REASON_ZH: dict[SyncReason, str] = {
    SyncReason.APPLIED: "已更新",
    SyncReason.REFUSED_COLLECTIONS: "有栏目内容不合规，已拒收，继续显示上一版",
    SyncReason.CONTENT_CURRENT: "内容服务器上没有新内容",
    SyncReason.LOCK_BUSY: "另一次同步正在进行，本次未执行",
    SyncReason.STOPPED: "同步在完成前被中止（终端关闭或超时），内容未改变",
    SyncReason.LOCAL_STORAGE: "本机数据盘出错（磁盘已满或读写错误），内容未改变：请技术人员检查数据盘",
    SyncReason.EXPIRED_METADATA: "签名已过期：内容服务器长期没有重新发布，或本机时间不对：请技术人员检查",
    SyncReason.NOT_METADATA: "服务器返回的不是内容数据（可能是网络登录页或代理）：请检查网络",
    SyncReason.HTTP_ERROR: "内容服务器返回错误：请稍后再试，或请技术人员检查服务器地址",
    SyncReason.DOWNLOAD_SLOW: "下载太慢或超时：请检查网络",
    SyncReason.DOWNLOAD_FAILED: "下载失败（网络不通或服务器未响应）：请检查网络",
    SyncReason.ROLLBACK: "服务器提供的内容比本机的旧，已拒收：请技术人员检查内容服务器",
    SyncReason.EQUIVOCATION: "服务器提供的同一版内容与本机已有的不符，已拒收：请技术人员检查内容服务器",
    SyncReason.RECORD_CLASH: "签名内容中有记录与本机其他栏目的记录重复，已拒收：请技术人员检查内容服务器",
    SyncReason.BAD_SIGNATURE: "内容签名不正确，已拒收：请技术人员检查内容服务器和本机信任根",
    SyncReason.HASH_MISMATCH: "下载的文件与签名不符，已拒收：请技术人员检查内容服务器",
    SyncReason.MALFORMED_METADATA: "签名数据格式错误，已拒收：请技术人员检查内容服务器",
    SyncReason.TOO_MUCH_DATA: "服务器发送的数据超过上限，已拒收：请技术人员检查内容服务器",
    SyncReason.METADATA_REFUSED: "签名数据被拒收：请技术人员检查内容服务器",
    # A code this program does not know (a newer one recorded it), or none (recorded before codes were).
    SyncReason.UNKNOWN: "见下方技术细节",
}
# The counts `ipkiosk sync --once` ends its summary line with (kiosk.sync.client.SyncOutcome.summary).
_TRAFFIC = re.compile(r"\((?P<requests>\d+) requests, (?P<bytes>\d+) bytes\)\s*$")


def _applied_zh(applied: AppliedCounts) -> str:
    collections = "、".join(f"{kinds.title(c['collection'])}（第 {c['generation']} 版）" for c in applied["collections"])
    return f"已更新 {collections}：新增或修改 {applied['upserted']} 条，删除 {applied['deleted']} 条"


def sync_reason_zh(code: str | None, applied: AppliedCounts | None = None,
                   refused: Mapping[str, RefusedGeneration] | None = None) -> str:
    """Why a cycle ended as it did (CODE, a SyncReason value) in a clerk's words; for a cycle that applied or
    refused content, with what it APPLIED and the collections it REFUSED (the standing refusals it recorded).
    A code this table does not know, or none (an outcome recorded before codes were), points to the English
    detail shown beside it."""
    reason = reason_of_code(code) or SyncReason.UNKNOWN
    parts = []
    if reason in (SyncReason.APPLIED, SyncReason.REFUSED_COLLECTIONS) and applied:
        parts.append(_applied_zh(applied))
    if reason is SyncReason.REFUSED_COLLECTIONS and refused:
        parts += [f"{kinds.title(name)} 第 {r['generation']} 版内容不合规，已拒收，继续显示上一版"
                  for name, r in refused.items()]
    return "；".join(parts) or SYNC_REASON_ZH[reason]


def sync_status_reason_zh(status: ContentStatus) -> str:
    """The last recorded cycle's reason (sync_reason_zh) from a STATUS answer; '—' before the first cycle."""
    if status["last_result"] is None:
        return "—"
    return sync_reason_zh(status["last_reason_code"], status["last_applied"], status["refused"])


def sync_traffic_zh(summary_line: str) -> str:
    """'请求 3 次，下载 12.5 KB' from the summary line the 立即同步 child ends with; '' when it has none."""
    match = _TRAFFIC.search(summary_line)
    if match is None:
        return ""
    size = int(match["bytes"])
    shown = f"{size} 字节" if size < 1024 else f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1048576:.1f} MB"
    return f"请求 {match['requests']} 次，下载 {shown}"


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
