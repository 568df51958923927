"""Scraped noise out, canonical characters in: the text the readers work on.

Each pass is a regex rewrite on `MappedText`, so every character of the result still maps
back to the decoded input. Passes keep table structure: HTML cell boundaries become tabs,
markdown pipes become tabs, and page footers or website junk that fall inside a table are
cut out whole lines at a time.
"""

from __future__ import annotations

import html
import re

from extractor.ingest.text import CharMap, MappedText

# Full-width ASCII (！…～) to ASCII; the many kinds of space to a plain space. One char to
# one char, so this pass needs no offset bookkeeping.
_WIDTH = CharMap(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
        **{chr(c): " " for c in (0x00A0, 0x3000, 0x202F, 0x205F, *range(0x2000, 0x200B))},
        "\ufe52": ".",  # ﹒ small full stop
        "\u2215": "/",  # ∕ division slash
    }
)

# Line breaks: CR LF to LF; a lone CR, a Unicode line or paragraph separator, a vertical tab
# or a form feed to LF, one character for one.
_CRLF = re.compile(r"\r\n")
_BREAKS = CharMap({c: "\n" for c in "\r\u2028\u2029\x0b\x0c"})
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")

# Any whitespace run but a lone space. It begins with the whitespace character itself, so
# the regex engine skips ahead to whitespace instead of testing every position.
_HTML_SPACE = re.compile(r"\s(?:(?<! )|(?=\s))\s*")
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
# Linear on long runs of blanks (a page's nested cells give thousands of tabs): possessive
# blanks, and blanks before a pipe taken only from the start of their run, where the
# leftmost match begins anyway. `[ \t]*\|` tried at every blank of a run was quadratic.
_MD_RULE = re.compile(
    r"(?m)^[ \t]*+\|?(?:[ \t]*+:?-{3,}:?[ \t]*+\|)+[ \t]*+(?::?-{3,}:?[ \t]*+)?\n?"
)
_MD_EDGE_PIPE = re.compile(r"(?m)^[ \t]*+\|[ \t]*+|(?:(?<![ \t])[ \t]+)?\|[ \t]*+$")
_PIPE = re.compile(r"(?:(?<![ \t])[ \t]+)?\|[ \t]*+")
_DOCX_ARTEFACT = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")

_FOOTER = re.compile(
    r"(?m)^[ \t]*(?:"
    r"[-—–‒―]{1,2}[ \t]*\d{1,4}[ \t]*[-—–‒―]{1,2}"  # - 3 -   — 12 —
    r"|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,/][ \t]*)?(?:[ \t]*共[ \t]*\d{1,4}[ \t]*页)?"  # 第3页 共10页
    r"|\d{1,4}[ \t]*/[ \t]*\d{1,4}"  # 3/10
    r"|[Pp]age[ \t]*\d{1,4}(?:[ \t]*of[ \t]*\d{1,4})?"
    r")[ \t]*(?:\n|$)"
)
_JUNK_WORDS = (
    r"扫一扫在手机打开当前页|扫一扫在手机上查看|网站导航|智能问答机器人|"
    r"很高兴为您服务|打印本页|关闭窗口|【字体|字体:\s*[大中小]|分享到:|您当前的位置|当前位置:|"
    r"网站标识码|ICP备|公网安备|版权所有|返回顶部|技术支持:|收藏本页|设为首页"
)
_JUNK = re.compile(rf"(?m)^[^\n]{{0,30}}(?:{_JUNK_WORDS})[^\n]{{0,40}}(?:\n|$)")
# The words alone, searched first: most texts have none, and this search skips ahead to
# their first characters where the line pattern tries every position.
_JUNK_GATE = re.compile(_JUNK_WORDS)
# Starts with a digit (the look-behind after it) so the regex engine skips to digits.
_THOUSANDS = re.compile(r"\d(?<![\d.,]\d)\d{0,2}(?:,\d{3})+(?![\d]|,\d)")


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
    if "\r\n" in text.text:
        text = text.sub(_CRLF, "\n")
    text = text.translate(_BREAKS)
    if any(c in text.text for c in _INVISIBLE_CHARS):
        text = text.sub(_INVISIBLE, "")
    text = text.translate(_WIDTH)
    text = text.sub(_DOCX_ARTEFACT, "")
    if "#" in text.text or "*" in text.text or "_" in text.text:
        text = text.sub(_MD_HEADING, "").sub(_MD_EMPHASIS, "")
    if "|" in text.text:
        text = text.sub(_MD_RULE, "").sub(_MD_EDGE_PIPE, "").sub(_PIPE, "\t")
    text = text.sub(_FOOTER, "")
    if _JUNK_GATE.search(text.text):
        text = text.sub(_JUNK, "")
    return text.sub(_THOUSANDS, _drop_commas)


def _drop_commas(m: re.Match[str]) -> str:
    return m.group(0).replace(",", "")
