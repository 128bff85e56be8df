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
