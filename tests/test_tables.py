"""The deterministic reader on every noise form real scraped reports show."""

from __future__ import annotations

import random

import pytest

from eval.synth import LAYOUTS, random_cells, render_report
from schemas import keys as K
from tests.conftest import read_text

APP = K.application_key


def zero_cells(fmt: str = "2021", other_split: bool = True, **values: int) -> dict:
    """Every cell 0, except `values` (keys with "." written as "__")."""
    cells = dict.fromkeys(K.all_keys(fmt, other_split), 0)
    for name, v in values.items():
        cells[name.replace("__", ".")] = v
    return cells


# A small, consistent table: 52 new applications by natural persons, all granted.
GRANTED_52 = zero_cells(
    **{
        "applications__new__natural": 52,
        "applications__new__total": 52,
        "applications__granted__natural": 52,
        "applications__granted__total": 52,
        "applications__total__natural": 52,
        "applications__total__total": 52,
    }
)


def tabs_row(label: str, values: list[object]) -> str:
    return "\t".join([label, *map(str, values)])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", range(12))
def test_every_layout_reads_back_exactly(layout, seed):
    rng = random.Random(seed)
    fmt = "2019" if seed % 3 == 0 else "2021"
    split = fmt == "2021" and seed % 4 != 1
    cells = random_cells(rng, fmt, split)
    units = {"active.procurement.amount": "万元"} if fmt == "2019" else {}
    text = render_report(
        cells, fmt=fmt, layout=layout, units=units, year=2020 if fmt == "2019" else 2024
    )
    record = read_text(text, ".html" if layout == "html" else ".txt")
    assert record.format == fmt
    assert record.cells == cells
    assert {k: type(v) for k, v in record.cells.items()} == {k: type(v) for k, v in cells.items()}
    assert record.units == units
    assert not record.ambiguous and not record.unreadable
    assert [f.rule for f in record.findings if f.rule != "format_outdated"] == []


def test_every_value_points_at_its_digits_in_the_original():
    cells = random_cells(random.Random(3), "2021", True)
    text = render_report(cells, layout="paragraphs")
    record = read_text(text)
    for key, value in record.cells.items():
        span = record.evidence[key]
        assert text[span.start : span.end] == span.snippet
        assert float(span.snippet) == value


def test_spurious_extra_column_is_dropped_where_the_row_total_allows_one_reading():
    text = render_report(GRANTED_52).replace(
        tabs_row("一、本年新收政府信息公开申请数量", [52, 0, 0, 0, 0, 0, 52]),
        tabs_row("一、本年新收政府信息公开申请数量", [52, 0, 0, 0, 0, 0, 0, 52]),
    )
    record = read_text(text)
    assert [record.cells[APP("new", c)] for c in K.APPLICANT_COLUMNS] == [52, 0, 0, 0, 0, 0, 52]
    assert record.findings == []


def test_blank_cells_are_null_not_zero_in_tab_rows():
    text = render_report(GRANTED_52).replace(
        tabs_row("二、上年结转政府信息公开申请数量", [0] * 7),
        "二、上年结转政府信息公开申请数量\t0\t\t\t\t\t\t0",
    )
    record = read_text(text)
    row = [record.cells[APP("carried_in", c)] for c in K.APPLICANT_COLUMNS]
    assert row == [0, None, None, None, None, None, 0]
    blanks = [f for f in record.findings if f.status == "not_checkable"]
    assert {f.rule for f in blanks} == {"balance", "column_sum"}
    assert all(f.severity == "info" for f in blanks)
    assert not [f for f in record.findings if f.status == "failed"]


def test_blank_cells_are_null_in_one_cell_per_line_layouts():
    text = render_report(GRANTED_52, layout="paragraphs").replace(
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n\n0\n\n0\n\n0",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n\n0\n\n\n\n0",
    )
    record = read_text(text)
    row = [record.cells[APP("partial", c)] for c in K.APPLICANT_COLUMNS]
    assert row == [0, None, 0, 0, 0, 0, 0]


def test_dashes_and_slashes_are_explicit_blank_cells():
    text = render_report(GRANTED_52).replace(
        tabs_row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [0] * 7),
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t0\t—\t/\t-\t0\t0\t0",
    )
    record = read_text(text)
    row = [record.cells[APP("partial", c)] for c in K.APPLICANT_COLUMNS]
    assert row == [0, None, None, None, 0, 0, 0]


def test_labels_split_across_lines_as_pdf_text_has_them():
    text = (
        render_report(GRANTED_52, layout="lines")
        .replace(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开（区分处理的，只计这\n一情形，不计其他情形）",
        )
        .replace("行政许可", "行政\n许可")
        .replace("7.属于行政执法案卷", "7.属于行政执\n法案卷")
        .replace("结果维持", "结果\n维持")
    )
    record = read_text(text)
    assert record.cells == GRANTED_52
    assert not record.findings


def test_labels_glued_to_their_values():
    text = (
        render_report(GRANTED_52)
        .replace("行政许可\t0", "行政许可0")
        .replace(
            tabs_row("一、本年新收政府信息公开申请数量", [52, 0, 0, 0, 0, 0, 52]),
            "一、本年新收政府信息公开申请数量52 0 0 0 0 0 52",
        )
    )
    record = read_text(text)
    assert record.cells == GRANTED_52


def test_a_glued_digit_run_is_cut_where_the_arithmetic_allows_one_reading():
    text = render_report(GRANTED_52).replace(
        tabs_row("（一）予以公开", [52, 0, 0, 0, 0, 0, 52]), "（一）予以公开\t520000052"
    )
    record = read_text(text)
    assert [record.cells[APP("granted", c)] for c in K.APPLICANT_COLUMNS] == [52, 0, 0, 0, 0, 0, 52]
    assert not record.ambiguous
    span = record.evidence[APP("granted", "total")]
    assert span.snippet == "52" and text[span.start - 7 : span.end] == "520000052"


def test_a_sub_item_number_glued_to_the_previous_value():
    cells = zero_cells(
        **{
            "applications__new__natural": 2,
            "applications__new__total": 2,
            "applications__denied.process__natural": 2,
            "applications__denied.process__total": 2,
            "applications__total__natural": 2,
            "applications__total__total": 2,
        }
    )
    text = render_report(cells, layout="lines").replace(
        "6.属于四类过程性信息\n2\n0\n0\n0\n0\n0\n2\n7.属于行政执法案卷",
        "6.属于四类过程性信息\n20000027.属于行政执法案卷",
    )
    assert "20000027.属于行政执法案卷" in text
    record = read_text(text)
    assert [record.cells[APP("denied.process", c)] for c in K.APPLICANT_COLUMNS] == [
        2,
        0,
        0,
        0,
        0,
        0,
        2,
    ]
    assert record.cells == cells


def test_an_ambiguous_glued_run_is_reported_with_its_candidates_not_guessed():
    # 110000011 is 1,10,0,0,0,0,11 or 11,0,0,0,0,0,11: both satisfy the row total, and with
    # the 总计 row left blank no column arithmetic can choose.
    cells = zero_cells(
        **{
            "applications__new__natural": 1,
            "applications__new__commercial": 10,
            "applications__new__total": 11,
            "applications__granted__natural": 1,
            "applications__granted__commercial": 10,
            "applications__granted__total": 11,
        }
    )
    text = (
        render_report(cells)
        .replace(tabs_row("（一）予以公开", [1, 10, 0, 0, 0, 0, 11]), "（一）予以公开\t110000011")
        .replace(tabs_row("（七）总计", [0] * 7), "（七）总计\t—\t—\t—\t—\t—\t—\t—")
    )
    record = read_text(text)
    assert record.cells[APP("granted", "natural")] is None
    assert record.cells[APP("granted", "commercial")] is None
    assert sorted(record.ambiguous[APP("granted", "natural")].candidates) == [1, 11]
    assert sorted(record.ambiguous[APP("granted", "commercial")].candidates) == [0, 10]
    assert "数字粘连" in record.ambiguous[APP("granted", "natural")].reason
    # The cells every reading agrees on are read.
    assert record.cells[APP("granted", "total")] == 11
    assert record.cells[APP("granted", "research")] == 0
    assert record.evidence[APP("granted", "natural")].snippet == "110000011"


def test_the_table_arithmetic_settles_a_run_the_row_alone_cannot():
    # Same run, but now 总计 is printed: only 1,10,... makes 总计 = sum of outcomes.
    cells = zero_cells(
        **{
            "applications__new__natural": 1,
            "applications__new__commercial": 10,
            "applications__new__total": 11,
            "applications__granted__natural": 1,
            "applications__granted__commercial": 10,
            "applications__granted__total": 11,
            "applications__total__natural": 1,
            "applications__total__commercial": 10,
            "applications__total__total": 11,
        }
    )
    text = render_report(cells).replace(
        tabs_row("（一）予以公开", [1, 10, 0, 0, 0, 0, 11]), "（一）予以公开\t110000011"
    )
    record = read_text(text)
    assert record.cells == cells
    assert not record.ambiguous


def test_2019_signed_changes_and_units():
    cells = zero_cells("2019", False)
    cells.update(
        {
            "active.licensing.prev_items": 467,
            "active.licensing.change": -233,
            "active.penalty.change": 794,
            "active.procurement.items": 118,
            "active.procurement.amount": 13619,
        }
    )
    units = {"active.procurement.amount": "万元"}
    text = render_report(cells, fmt="2019", year=2020, units=units, layout="lines")
    assert "+794" in text and "-233" in text and "13619万元" in text
    record = read_text(text)
    assert record.format == "2019"
    assert record.cells == cells
    assert record.units == units
    assert record.evidence["active.procurement.amount"].snippet == "13619万元"


def test_page_footers_inside_a_table_are_cut_out():
    text = (
        render_report(GRANTED_52, layout="lines")
        .replace(
            "2.其他法律行政法规禁止公开\n0\n0\n0", "2.其他法律行政法规禁止公开\n0\n0\n- 3 -\n0"
        )
        .replace("4.保护第三方合法权益\n0", "4.保护第三方合法权益\n第 4 页 共 9 页\n0")
    )
    record = read_text(text)
    assert record.cells == GRANTED_52


def test_thousands_separators_and_full_width_digits():
    cells = dict(GRANTED_52)
    cells["active.licensing.decisions"] = 23653
    text = render_report(cells).replace("行政许可\t23653", "行政许可\t２３,６５３")
    record = read_text(text)
    assert record.cells["active.licensing.decisions"] == 23653
    assert record.evidence["active.licensing.decisions"].snippet == "２３,６５３"


def test_a_report_cut_off_inside_table_3():
    full = render_report(GRANTED_52)
    text = full[: full.index("（四）无法提供")]
    record = read_text(text)
    assert record.cells[APP("granted", "natural")] == 52
    assert record.cells[APP("unavailable.not_held", "natural")] is None
    assert record.unreadable[APP("total", "total")].reason == "未找到该行"
    failed = {(f.rule, next(iter(f.cells))) for f in record.findings if f.status == "failed"}
    assert ("table_missing", "review.upheld") in failed
    assert ("row_missing", APP("unavailable.not_held", "natural")) in failed
    assert ("row_missing", APP("carried_out", "natural")) in failed
    # The rows that were read are not accused of breaking arithmetic they cannot be checked on.
    assert not [f for f in record.findings if f.rule in ("balance", "outcome_sum")]


def test_count_words_after_values_and_units_outside_the_unit_cell():
    cells = dict(GRANTED_52)
    cells["active.fees.amount"] = 12.5
    text = (
        render_report(cells)
        .replace("（一）予以公开\t52\t0", "（一）予以公开\t52件\t0件")
        .replace("行政事业性收费\t12.5", "行政事业性收费\t12.5万元")
    )
    record = read_text(text)
    assert record.cells == cells
    assert record.units == {}


def test_a_shifted_row_with_glued_values():
    # "3. 其他" printed one cell to the left, its values glued: the leading empty cell is
    # padding, not a blank value.
    text = render_report(GRANTED_52).replace("3.其他\t0\t0\t0\t0\t0\t0\t0", "3.其他\t\t0000000")
    record = read_text(text)
    assert record.cells == GRANTED_52


def test_a_spurious_column_never_takes_the_total_with_it():
    # Eight values for seven columns: the extra one is inside the row, so the printed total 2
    # stands, and the report's own error (parts 0, total 2) is flagged, not read away.
    text = render_report(GRANTED_52).replace(
        tabs_row("二、上年结转政府信息公开申请数量", [0] * 7),
        tabs_row("二、上年结转政府信息公开申请数量", [0] * 7 + [2]),
    )
    record = read_text(text)
    assert record.cells[APP("carried_in", "total")] == 2
    assert record.cells[APP("carried_in", "natural")] == 0
    assert record.evidence[APP("carried_in", "total")].snippet == "2"
    failed = {(f.rule, f.cells[0]) for f in record.findings if f.status == "failed"}
    assert ("column_sum", APP("carried_in", "total")) in failed
