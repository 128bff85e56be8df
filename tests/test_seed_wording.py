"""What the bundled seed content tells a visitor on a Zhengzhou terminal: no other city as the place to go or the
rule that applies, and no fee taken from another city's guide without "以窗口公示为准".

Only ``source`` (provenance for editors, never shown) may name the guide a record was condensed from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core import kinds

SEED_DIR = Path(__file__).resolve().parent.parent / "assets" / "content"
# Fields that never reach the screen.
NOT_SHOWN = {"id", "rev", "source", "verified", "is_demo", "hot", "order", "related_ids", "service_ids", "keywords"}
# Cities a visitor could be sent to instead of Zhengzhou: the municipalities, the provincial capitals but 郑州 and the
# sub-provincial cities, as the seed's guides and news would name them.
OTHER_CITIES = re.compile(
    "深圳|北京市|上海市|天津市|重庆市|广州|杭州|南京|武汉|成都|西安|苏州|长沙|厦门|宁波|青岛|济南|合肥|福州|沈阳|大连|"
    "哈尔滨|长春|石家庄|太原|呼和浩特|南昌|南宁|海口|贵阳|昆明|拉萨|兰州|西宁|银川|乌鲁木齐|该市|同类服务")


def _shown_texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _shown_texts(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _shown_texts(item, f"{where}.{key}")


def _records(collection: str) -> list[dict]:
    return json.loads((SEED_DIR / f"{collection}.json").read_text(encoding="utf-8"))["records"]


@pytest.mark.parametrize("collection", kinds.NAMES)
def test_no_visitor_facing_text_names_another_city(collection):
    found = [f"{rec['id']}.{where}: {text[:80]}"
             for rec in _records(collection) for name, value in rec.items() if name not in NOT_SHOWN
             for where, text in _shown_texts(value, name) if OTHER_CITIES.search(text)]
    assert found == []


def test_the_check_would_see_the_wording_that_was_removed():
    text = "以受理机构规定为准（参考深圳市同类服务：收到申请后3个工作日内作出是否受理的决定）。"
    assert [w for w, t in _shown_texts({"time_limit": text}, "svc") if OTHER_CITIES.search(t)] == ["svc.time_limit"]


def test_every_fee_from_a_template_guide_says_the_window_decides():
    unsure = [f"{rec['id']}: {rec['fee']}" for rec in _records("services")
              if rec.get("verified") == "S" and rec.get("fee") and "为准" not in rec["fee"]]
    assert unsure == []
