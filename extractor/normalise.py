"""Scraped noise out, canonical characters in: the text the readers work on.

Each pass is a regex rewrite on `MappedText`, so every character of the result still maps
back to the decoded input. Passes keep table structure: HTML cell boundaries become tabs,
markdown pipes become tabs, and page footers or website junk that fall inside a table are
cut out whole lines at a time.
"""

from __future__ import annotations

import html
import re

from extractor.text import MappedText

# Full-width ASCII (！…～) to ASCII; the many kinds of space to a plain space. One char to
# one char, so this pass needs no offset bookkeeping.
_WIDTH: dict[int, str | int | None] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH.update({c: " " for c in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B))})
_WIDTH[0xFE52] = "."  # ﹒ small full stop
_WIDTH[0x2215] = "/"  # ∕ division slash

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]+")

_HTML_SPACE = re.compile(r"(?! (?!\s))\s+")  # any whitespace run but a lone space
_HTML_HIDDEN = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)
_HTML_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.DOTALL,
)
_HTML_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "title",
        "blockquote",
        "pre",
        "hr",
        "form",
        "body",
        "html",
        "head",
    ]
)
_HTML_CELL = frozenset({"td", "th"})

_MD_HEADING = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]*")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_RULE = re.compile(r"(?m)^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?::?-{3,}:?[ \t]*)?\n?")
_MD_EDGE_PIPE = re.compile(r"(?m)^[ \t]*\|[ \t]*|[ \t]*\|[ \t]*$")
_PIPE = re.compile(r"[ \t]*\|[ \t]*")
_DOCX_ARTEFACT = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")

_FOOTER = re.compile(
    r"(?m)^[ \t]*(?:"
    r"[-—–‒―]{1,2}[ \t]*\d{1,4}[ \t]*[-—–‒―]{1,2}"  # - 3 -   — 12 —
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/][ \t]*)?(?:[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"  # 第3页 共10页
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4}"  # 3/10
    r"|[Pp]age[ \t]*\d{1,4}(?:[ \t]*of[ \t]*\d{1,4})?"
    r")[ \t]*(?:\n|$)"
)
_JUNK = re.compile(
    r"(?m)^[^\n]{0,30}(?:扫一扫在手机打开当前页|扫一扫在手机上查看|网站导航|智能问答机器人|"
    r"很高兴为您服务|打印本页|关闭窗口|【字体|字体:\s*[大中小]|分享到:|您当前的位置|当前位置:|"
    r"网站标识码|ICP备|公网安备|版权所有|返回顶部|技术支持:|收藏本页|设为首页)[^\n]{0,40}(?:\n|$)"
)
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d]|,\d)")


def strip_html(text: MappedText) -> MappedText:
    """HTML to plain text: blocks to lines, cells to tabs, entities decoded."""
    # Comments, scripts and styles go first, whole: they are most of a page's markup.
    text = text.sub(_HTML_HIDDEN, "")
    # Source whitespace means nothing in HTML; collapsing it first keeps cell boundaries the
    # only tabs and line breaks the only newlines.
    text = text.sub(_HTML_SPACE, " ")
    in_cell = False

    def token(m: re.Match[str]) -> str:
        nonlocal in_cell
        raw = m.group(0)
        if raw[0] == "&":
            return html.unescape(raw)
        name = (m.group(3) or "").lower()
        closing = bool(m.group(2))
        if name in _HTML_CELL:
            in_cell = not closing
            return "" if closing else "\t"
        if name in _HTML_BLOCK:
            if name in ("tr", "table"):
                in_cell = False
            # A paragraph inside a cell is still one cell: a newline there would look like a
            # row boundary to the table reader.
            return " " if in_cell else "\n"
        return ""

    return text.sub(_HTML_TOKEN, token)


def normalise(original: str, *, html_input: bool = False) -> MappedText:
    """The canonical text of a decoded report, mapped back onto `original`."""
    text = MappedText.of(original)
    if html_input:
        text = strip_html(text)
    text = text.sub(_NEWLINES, "\n").sub(_INVISIBLE, "")
    text = text.translate(_WIDTH)
    text = text.sub(_DOCX_ARTEFACT, "")
    if "#" in text.text or "*" in text.text or "_" in text.text:
        text = text.sub(_MD_HEADING, "").sub(_MD_EMPHASIS, "")
    if "|" in text.text:
        text = text.sub(_MD_RULE, "").sub(_MD_EDGE_PIPE, "").sub(_PIPE, "\t")
    return text.sub(_FOOTER, "").sub(_JUNK, "").sub(_THOUSANDS, _drop_commas)


def _drop_commas(m: re.Match[str]) -> str:
    return m.group(0).replace(",", "")
