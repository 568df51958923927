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
# Comments, scripts and styles, and the declarations around a document (<!DOCTYPE html>,
# <?xml …?>, <![CDATA[ ]]> marks): never text.
_HTML_HIDDEN = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>"
    r"|<![a-zA-Z\[][^<>]*>|<\?[^<>]*\?>|\]\]>",
    re.DOTALL | re.IGNORECASE,
)
# A tag's attributes up to its ">": a quoted value may hold ">" ("a>12"), and a quote left
# open stands alone. Possessive, so a tag that never closes costs one scan.
_ATTRIBUTES = r"""(?:[^>"']++|"[^"<]*+"|'[^'<]*+'|["'])*+"""
_HTML_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>"
    rf"|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b{_ATTRIBUTES}>"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.DOTALL,
)
# The same tokens in a text that is not HTML as a whole, where a stray tag may sit among
# plain lines (a page pasted into a text dump): only tags of HTML's own names, so that a
# "<" in prose is left alone. Nothing inside a tag, attributes included, is ever text.
_HTML_INLINE = frozenset(
    {"a", "b", "i", "u", "s", "em", "strong", "span", "font", "img", "sup", "sub", "small"}
    | {"big", "center", "label", "input", "col", "colgroup", "o", "st1", "meta", "link"}
)
_STRAY_TAG = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>"
    rf"|<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[\s/:]{_ATTRIBUTES})?>",
    re.DOTALL | re.IGNORECASE,
)
# An HTTP response saved with its header block in front of the page.
_HTTP_HEAD = re.compile(r"\A[ \t\r\n]*HTTP/\d(?:\.\d)?[ \t]+\d{3}[^\n]*\n(?:[^\r\n]+\r?\n)*?\r?\n")
# Where markup shows in the first few KiB of a text: a document's own elements anywhere
# there (after a provenance line, blank lines or an HTTP header block), or many tags.
SNIFF_CHARS = 8192
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_STRUCTURE = re.compile(
    r"</?(?:p|div|table|tbody|tr|td|th|br|span|font|h[1-6]|ul|li)\b[^<>]{0,400}>", re.IGNORECASE
)
_STRUCTURE_TAGS = 8
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


def looks_like_html(text: str) -> bool:
    """Whether `text` is markup, judged by its structure in its first few KiB rather than by
    its first bytes: a crawler may put a provenance line, blank lines or the HTTP header
    block before `<!DOCTYPE html>`, or store only the page's content `<div>`."""
    head = text[:SNIFF_CHARS]
    if _HTML_DOCUMENT.search(head):
        return True
    # Many tags, and about as many as lines: markup, not a text dump with a stray <br> on
    # some of its lines (whose line breaks are its structure).
    tags = len(_HTML_STRUCTURE.findall(head))
    return tags >= _STRUCTURE_TAGS and 2 * tags >= head.count("\n")


# A page stored as a JavaScript or JSON string: `let content = "<p style=\"…\">…<\/td>…"`.
# The quote that opens it comes right before the first tag of the text.
_LITERAL_OPEN = re.compile(r"""(?:[=:(\[,]|\breturn)[ \t\r\n]*(["'`])[ \t]*\Z""")
_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a surrogate pair
    r"|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\\r?\n|\\.",
    re.DOTALL,
)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "", "f": "\n", "v": "\n", "0": ""}


def string_literal(text: str) -> tuple[int, int] | None:
    """Where the contents of a string literal holding the page begin and end, when the text
    is a page stored as a JavaScript or JSON string; None otherwise."""
    first = text.find("<", 0, SNIFF_CHARS)
    if first < 0:
        return None
    opening = _LITERAL_OPEN.search(text, max(0, first - 200), first)
    if opening is None:
        return None
    quote = opening.group(1)
    # The literal ends at the first quote of its kind that no backslash escapes.
    closing = re.compile(rf"(?:[^{quote}\\]|\\.)*", re.DOTALL).match(text, opening.end())
    end = closing.end() if closing else len(text)
    return opening.end(), end


# A page whose content a script holds as a string (`<script>var content = "<table…<\/td>…"`):
# a literal inside a script block with escaped markup in it.
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_QUOTED = re.compile(r"""(["'`])((?:(?!\1)[^\\]|\\.){200,}?)\1""", re.DOTALL)
_ESCAPED_MARKUP = re.compile(r"<\\/|\\u003[cC]|\\x3[cC]")
_CONTENT_TABLE = re.compile(r"<(?:table|td)\b", re.IGNORECASE)


def script_literals(text: str) -> list[tuple[int, int]]:
    """Where string literals holding escaped page markup sit inside script blocks."""
    found = []
    for script in _SCRIPT.finditer(text):
        for q in _QUOTED.finditer(text, script.start(1), script.end(1)):
            if _ESCAPED_MARKUP.search(q.group(2)):
                found.append((q.start(2), q.end(2)))
    return found


def decode_literal(text: MappedText, start: int, end: int) -> MappedText:
    """`text` with the escapes of the string literal between `start` and `end` decoded
    (`\\n`, `\\"`, `\\/`, `\\uXXXX`, …), each character mapped to its escape."""
    return decode_literals(text, [(start, end)])


def decode_literals(text: MappedText, ranges: list[tuple[int, int]]) -> MappedText:
    """`text` with the escapes of the string literals in `ranges` decoded."""

    def unescape(m: re.Match[str]) -> str:
        if not any(start <= m.start() < end for start, end in ranges):
            return m.group(0)
        raw = m.group(0)
        if raw[1] == "u" and len(raw) == 12:
            return (
                (chr(int(raw[2:6], 16)) + chr(int(raw[8:12], 16)))
                .encode("utf-16", "surrogatepass")
                .decode("utf-16")
            )
        if raw[1] in "ux":
            return chr(int(raw[2:], 16))
        if raw[1] in "\r\n":
            return ""  # a line continued
        return _SIMPLE_ESCAPES.get(raw[1], raw[1])

    return text.sub(_ESCAPE, unescape)


def strip_html(
    text: MappedText, *, whole_page: bool = True, script_content: bool = False
) -> MappedText:
    """HTML to plain text: blocks to lines, cells to tabs, entities decoded. With
    `whole_page` False, the text is not HTML as a whole: its whitespace and entities are kept
    and only the tags of HTML's own names are taken out. With `script_content`, a script
    that holds the page's tables (decoded from a string literal) is read, not dropped."""

    def hidden(m: re.Match[str]) -> str:
        block = m.group(0)
        if script_content and m.group(1) and _CONTENT_TABLE.search(block):
            # Its content is read like the page's: the script's own tags become spaces of
            # the same length, so every character still maps to itself.
            opened = block.index(">") + 1
            closed = block.lower().rindex("</")
            return " " * opened + block[opened:closed] + " " * (len(block) - closed)
        return ""

    # Comments, scripts and styles go first, whole: they are most of a page's markup.
    if whole_page:
        text = text.sub(_HTML_HIDDEN, hidden)
        # Source whitespace means nothing in HTML; collapsing it first keeps cell boundaries
        # the only tabs and line breaks the only newlines.
        text = text.sub(_HTML_SPACE, " ")
    in_cell = False
    known = _HTML_BLOCK | _HTML_CELL | _HTML_INLINE

    def token(m: re.Match[str]) -> str:
        nonlocal in_cell
        raw = m.group(0)
        if raw[0] == "&":
            return html.unescape(raw)
        name = (m.group(3) or "").lower()
        if not whole_page and m.group(3) and name not in known:
            return raw  # "<" in prose, not a tag
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

    return text.sub(_HTML_TOKEN if whole_page else _STRAY_TAG, token)


def normalise(
    original: str, *, html_input: bool = False, literal: tuple[int, int] | None = None
) -> MappedText:
    """The canonical text of a decoded report, mapped back onto `original`. `literal`: where
    a page stored as a string literal is (its escapes are decoded first)."""
    text = MappedText.of(original)
    if literal is not None:
        text = decode_literal(text, *literal)
    in_scripts = script_literals(original) if html_input and literal is None else []
    if in_scripts:
        text = decode_literals(text, in_scripts)
    if html_input:
        text = strip_html(text.sub(_HTTP_HEAD, ""), script_content=bool(in_scripts))
    elif "<" in text.text:
        text = strip_html(text, whole_page=False)
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
