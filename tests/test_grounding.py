"""Aligning a model's snippets with the report text."""

from __future__ import annotations

from extractor.ingest.normalise import normalise
from extractor.model.grounding import Grounder

ORIGINAL = "（一）予以公开\t１３\t0\n\t\t2.其他法律行政法规禁止公开\t520000052\n行政许可\t23,653"


def grounder() -> tuple[Grounder, str]:
    text = normalise(ORIGINAL)
    return Grounder(text.text), text.text


def test_snippets_align_across_width_whitespace_and_separators():
    g, text = grounder()
    span = g.find("(一)予以公开 | 13 | 0")
    assert span is not None and text[span[0] : span[1]] == "(一)予以公开\t13\t0"
    assert g.find("（一） 予以 公开13 0") == span
    assert g.find("行政许可 | 23,653") is not None


def test_a_snippet_that_is_not_there_is_not_found():
    g, _ = grounder()
    assert g.find("(一)予以公开 | 14 | 0") is None
    assert g.find("") is None
    assert g.find("行政许可 | 23653", 0, 10) is None  # outside the window


def test_values_are_located_in_order_and_glued_runs_consumed():
    g, text = grounder()
    _start, end = g.find("2.其他法律行政法规禁止公开 | 520000052")
    label_end = text.index("520000052")
    hits = g.values([52, 0, 0, 0, 0, 0, 52], label_end, end)
    assert [text[h.start : h.end] for h in hits] == ["52", "0", "0", "0", "0", "0", "52"]
    assert g.values([5, 20, 0, 0, 0, 0, 52], label_end, end)[1].value == 20


def test_a_shifted_or_invented_value_is_not_grounded():
    g, text = grounder()
    _start, end = g.find("(一)予以公开 | 13 | 0")
    label_end = text.index("13")
    assert [h and h.value for h in g.values([13, 0], label_end, end)] == [13, 0]
    assert [h and h.value for h in g.values([0, 13], label_end, end)] == [None, None]
    assert [h and h.value for h in g.values([13, None, 0], label_end, end)] == [13, None, 0]
    assert [h and h.value for h in g.values([13, 0, 7], label_end, end)] == [13, 0, None]
