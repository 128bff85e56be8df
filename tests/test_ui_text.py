"""Markdown-subset bodies → display blocks: headings, bullets, bold; HTML and links stay inert text."""

from __future__ import annotations

import json

from kiosk.ui import text
from tests.helpers import REPO_ROOT


def test_headings_bullets_numbers_and_paragraphs():
    body = "第一段\n第二行\n\n## 培训内容\n- 检索\n- **免费**报名\n\n### 细则\n1. 准备\n2. 提交\n\n结尾"
    assert text.blocks(body) == [
        {"type": "p", "text": "第一段第二行", "marker": ""},
        {"type": "h2", "text": "培训内容", "marker": ""},
        {"type": "li", "text": "检索", "marker": "•"},
        {"type": "li", "text": "<b>免费</b>报名", "marker": "•"},
        {"type": "h3", "text": "细则", "marker": ""},
        {"type": "ol", "text": "准备", "marker": "1."},
        {"type": "ol", "text": "提交", "marker": "2."},
        {"type": "p", "text": "结尾", "marker": ""},
    ]


def test_html_is_escaped_and_links_show_only_their_label():
    body = 'see <img src="http://127.0.0.1:9/x.png"> and [官网](http://example.cn/a) <a href="http://x">x</a>'
    (block,) = text.blocks(body)
    assert "<img" not in block["text"] and "<a " not in block["text"]
    assert "&lt;img src=\"http://127.0.0.1:9/x.png\"&gt;" in block["text"]
    assert "官网" in block["text"] and "example.cn" not in block["text"]


def test_every_seed_body_renders_without_markup_leftovers():
    for path in sorted((REPO_ROOT / "assets" / "content").glob("*.json")):
        for rec in json.loads(path.read_text(encoding="utf-8"))["records"]:
            for block in text.blocks(rec.get("body")):
                stripped = block["text"].replace("<b>", "").replace("</b>", "")
                assert "<" not in stripped and "**" not in stripped, (rec["id"], block)
                assert not stripped.startswith(("#", "- ")), (rec["id"], block)


def test_list_blocks_number_steps():
    assert text.list_blocks(["a", "b"], numbered=True) == [
        {"type": "ol", "text": "a", "marker": "1."}, {"type": "ol", "text": "b", "marker": "2."}]
    assert text.list_blocks(None) == []


def test_official_numbering_starts_blocks_and_short_parts_are_headings():
    body = "为做好工作，通知如下。\n一、总体要求\n坚持问题导向。\n（一）加强领导\n二、各单位要高度重视，切实抓好落实。"
    assert text.blocks(body) == [
        {"type": "p", "text": "为做好工作，通知如下。", "marker": ""},
        {"type": "h2", "text": "一、总体要求", "marker": ""},
        {"type": "p", "text": "坚持问题导向。", "marker": ""},
        {"type": "h3", "text": "（一）加强领导", "marker": ""},
        # A numbered line that is a whole sentence stays a paragraph, but starts its own block.
        {"type": "p", "text": "二、各单位要高度重视，切实抓好落实。", "marker": ""},
    ]


def test_outline_lists_the_top_level_parts_as_chip_titles():
    body = ("前言\n\n## 一、指导思想\n正文\n\n### 1. 细则\n\n## 二、**工作**目标\n\n"
            "三、保障措施。各地要加强组织领导，确保各项任务落到实处，并按季度报送进展情况。")
    blocks = text.blocks(body)
    assert text.outline(blocks) == [
        {"index": 1, "title": "一、指导思想"},
        {"index": 4, "title": "二、工作目标"},  # bold markup gone, as the chip shows plain text
        {"index": 5, "title": "三、保障措施"},  # cut at the first sentence mark
    ]
    # Only one top-level heading: every level counts; fewer than two entries: nothing to jump between.
    assert [e["title"] for e in text.outline(text.blocks("## 总则\n\n### 第一条\n\n### 第二条"))] == [
        "总则", "第一条", "第二条"]
    assert text.outline(text.blocks("## 唯一标题\n\n正文")) == []
    assert text.outline(text.blocks("（一）" + "很长的小节标题没有句号" * 5 + "\n\n（二）短")) == [
        {"index": 0, "title": "（一）很长的小节标题没有句号很长的…"}, {"index": 1, "title": "（二）短"}]


def test_the_outline_keeps_every_heading_of_a_long_text():
    # The page shows the first ones and says how many more there are (tests/test_outline_long.py): none is dropped.
    blocks = text.blocks("\n\n".join(f"## 第{n}条\n\n正文" for n in range(1, 201)))
    entries = text.outline(blocks)
    assert [e["title"] for e in entries] == [f"第{n}条" for n in range(1, 201)]
    assert [blocks[e["index"]]["text"] for e in entries[-2:]] == ["第199条", "第200条"]


def test_the_seed_policy_with_parts_gets_its_outline():
    policies = json.loads((REPO_ROOT / "assets" / "content" / "policies.json").read_text(encoding="utf-8"))["records"]
    plan = next(r for r in policies if r["id"] == "pol-zz-2022-140-plan")
    assert [e["title"] for e in text.outline(text.blocks(plan["body"]))] == [
        "一、指导思想", "二、工作目标", "三、主要任务", "四、重点工作", "五、保障措施"]
