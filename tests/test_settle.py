"""A glued run that several cuts fit is cut as the prose states, when one prose figure can
mean one of its cells alone and fits exactly one cut. Reports invented for the test."""

from __future__ import annotations

import random
import re

from eval.synth import random_cells, render_report
from extractor.extract import extract_document
from extractor.ingest.files import parse_document

DOCS = [f"active.normative_docs.{c}" for c in ("issued", "repealed", "in_force")]


def _glued(prose: str, values=(6, 3, 412)):
    cells = random_cells(random.Random(11), "2021", True)
    cells.update(dict(zip(DOCS, values, strict=True)))
    text = render_report(cells, prose=prose)
    # Print the row's three values without separators, as a careless dump does.
    row = re.compile(r"(行政规范性文件[^\n\d]*?)" + r"\s+".join(str(v) for v in values))
    text, n = row.subn(lambda m: m.group(1) + "".join(map(str, values)), text, count=1)
    assert n == 1
    return extract_document(parse_document(text.encode("utf-8"), "mem.txt"))


def test_without_the_prose_the_run_stays_ambiguous():
    record = _glued("本年度工作平稳推进。")
    assert set(record.ambiguous) == set(DOCS)
    assert record.settled_by_prose == {}


def test_a_prose_figure_that_fits_one_cut_settles_the_run():
    record = _glued("截至年底，现行有效行政规范性文件412件。")
    assert [record.cells[k] for k in DOCS] == [6, 3, 412]
    assert not set(DOCS) & set(record.ambiguous)
    assert {k: s.snippet for k, s in record.settled_by_prose.items()} == {
        k: "现行有效行政规范性文件412件" for k in DOCS
    }
    [used] = [c for c in record.contradictions if c.used_to_read]
    assert (used.claim, used.stated, used.verdict) == ("normative_docs.in_force", 412, "consistent")


def test_a_prose_figure_that_fits_no_cut_settles_nothing():
    record = _glued("截至年底，现行有效行政规范性文件999件。")
    assert set(record.ambiguous) == set(DOCS)
    assert record.settled_by_prose == {}
    assert not any(c.used_to_read for c in record.contradictions)


def test_a_figure_that_fits_several_cuts_settles_nothing():
    # 6|34|12 and 63|4|12 both put 12 in force: the prose cannot choose between them.
    record = _glued("现行有效行政规范性文件12件。", values=(63, 4, 12))
    assert set(record.ambiguous) >= {DOCS[0], DOCS[1]}
    assert record.settled_by_prose == {}


def test_a_figure_that_names_a_sum_of_cells_settles_nothing():
    # 规范性文件 alone may be any column: it cannot decide a cut.
    record = _glued("共有行政规范性文件412件。")
    assert set(record.ambiguous) == set(DOCS)
    assert record.settled_by_prose == {}
