"""Regex building blocks shared by the section splitter and the table reader."""

from __future__ import annotations

import re

CN_NUMERALS = "一二三四五六七八九十"
_QUANTIFIERS = "?*+{"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "“”、"


def loose(pattern: str) -> str:
    """`pattern` with optional whitespace after every Chinese character.

    PDF and DOCX dumps break labels across lines and pad them with spaces
    ("结果\\n维持", "政府 信息公开"). Chinese characters are never regex syntax, so
    whitespace can follow each of them safely, unless a quantifier binds to the character
    or the character is one of a class (`[一二三]`): inside a class `\\s*` would make the
    class match any blank and `*`, and a run of blanks would then be tried every way.
    """
    out: list[str] = []
    in_class = False
    escaped = False
    for i, ch in enumerate(pattern):
        out.append(ch)
        if escaped:
            escaped = False
            continue
        if ch == "\\":
            escaped = True
            continue
        if in_class:
            if ch == "]" and pattern[i - 1] != "[" and pattern[i - 2 : i] != "[^":
                in_class = False
            continue
        if ch == "[":
            in_class = True
            continue
        nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
        if _is_cjk(ch) and nxt not in _QUANTIFIERS:
            out.append(r"\s*")
    return "".join(out)


def compile_loose(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(loose(pattern), flags)
