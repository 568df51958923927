"""MappedText: every character of a rewritten text maps back to the input it came from.

The expected offsets come from a reference that carries each character's origin through the
same rewrites one character at a time, independently of MappedText's bookkeeping."""

from __future__ import annotations

import random
import re

import pytest

from extractor.ingest.text import CharMap, MappedText

# Rewrites of the kinds normalisation does: deletions, a run to one character, one
# character to several, identity matches, templates, functions, adjacent matches.
REWRITES: list[tuple[str, object]] = [
    (r"<[^>]*>", ""),
    (r"\s+", " "),
    (r"&nbsp;", " "),
    (r"x", "x"),  # every match replaced by itself
    (r"(\d),(\d{3})", r"\1\2"),
    (r"ab", lambda m: "ABC"),
    (r"[-=]{2,}", "\n"),
    (r"b|c", lambda m: "" if m.group() == "b" else "cc"),
    (r"(?m)^#+", ""),
]
ALPHABET = "abcx -=<>#\n1,234&nbsp;政府"


def reference(text: str, rewrites) -> tuple[str, list[tuple[int, int]]]:
    """The rewritten text and, for each of its characters, the input span it came from."""
    origins = [(i, i + 1) for i in range(len(text))]
    for pattern, repl in rewrites:
        out: list[str] = []
        new_origins: list[tuple[int, int]] = []
        pos = 0
        for m in re.finditer(pattern, text):
            s, e = m.span()
            out.append(text[pos:s])
            new_origins.extend(origins[pos:s])
            new = repl(m) if callable(repl) else m.expand(repl)
            out.append(new)
            if len(new) == e - s:  # same length: character for character
                new_origins.extend(origins[s:e])
            else:  # every new character stands for the whole replaced run
                first = origins[s][0] if s < e else (origins[s][0] if s < len(origins) else 0)
                last = origins[e - 1][1] if s < e else first
                new_origins.extend([(first, last)] * len(new))
            pos = e
        out.append(text[pos:])
        new_origins.extend(origins[pos:])
        text, origins = "".join(out), new_origins
    return text, origins


@pytest.mark.parametrize("seed", range(200))
def test_every_character_maps_back_to_where_it_came_from(seed):
    rng = random.Random(seed)
    original = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
    rewrites = rng.sample(REWRITES, rng.randint(1, 4))
    mapped = MappedText.of(original)
    for pattern, repl in rewrites:
        mapped = mapped.sub(re.compile(pattern), repl)  # type: ignore[arg-type]
    text, origins = reference(original, rewrites)
    assert mapped.text == text
    for i, (s, e) in enumerate(origins):
        assert mapped.origin(i, i + 1) == (s, e), (original, rewrites, i)
    if text:  # a whole-text span runs from the first character's origin to the last's
        assert mapped.origin(0, len(text)) == (origins[0][0], origins[-1][1])


def test_a_rewrite_that_changes_nothing_adds_no_pass():
    text = MappedText.of("abc")
    assert text.sub(re.compile("x"), "y") is text
    assert text.sub(re.compile("b"), "b") is text
    assert text.sub(re.compile("b"), lambda m: "b") is text


def test_a_char_map_rewrites_one_character_for_one():
    width = CharMap({"１": "1", "，": ","})
    text = MappedText.of("共１２件，").translate(width)
    assert text.text == "共1２件,"
    assert text.origin(1, 2) == (1, 2)
    with pytest.raises(ValueError):
        CharMap({"ab": "c"})


@pytest.mark.parametrize(
    "source, text",
    [
        ("<p>a b</p>", "\na b\n"),  # a lone space is kept as it is
        ("<p>a  b</p>", "\na b\n"),
        ("<p>a\tb</p>", "\na b\n"),
        ("<p>a \n\t b</p>", "\na b\n"),
        ("<p>a\nb c</p>", "\na b c\n"),
        ("<tr>\n  <td>1</td>\n  <td> 2 </td></tr>", "\n \t1 \t 2 \n"),
    ],
)
def test_html_source_whitespace_collapses_to_one_space(source, text):
    from extractor.ingest.normalise import strip_html

    mapped = strip_html(MappedText.of(source))
    assert mapped.text == text
    i = mapped.text.index("b") if "b" in mapped.text else mapped.text.index("2")
    s, e = mapped.origin(i, i + 1)
    assert source[s:e] == mapped.text[i]
