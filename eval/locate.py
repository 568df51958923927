"""Where a table cell's printed value is in a report's text, found by the evaluation alone.

Cases that change a printed cell (`eval/generate.py`'s table_changed, `eval/real_tables.py`)
need to know where the value is printed. The product reports that (`evidence`), but a case
built on it grades the product with its own answer: a reader that swaps two equal-looking
cells would change the cell it believes in, and be right by construction. This locator uses
the gold values only: a row of table 三 (seven values) or table 四 (fifteen) is found where
its gold values are printed in order, kept apart by nothing but spaces, tabs, line breaks,
HTML tags or separators (or glued together), when it is printed exactly once in its table's
part of the text, or when every row of table 三 is found so, one after the other in printed
order; otherwise the cell is not located and no case is built.
"""

from __future__ import annotations

import re

from eval import national_format as F

Cells = dict[str, int | float | None]

_SEP = r"(?:\s|&nbsp;|<[^<>]*>|[|,，])*"
# A value is not part of a longer number; in a glued row the next label's numbering ("2.")
# may follow the last value directly.
_BEFORE = r"(?<![\d.．])"
_AFTER = r"(?!\.\d)(?!\d(?![.．、]))"


def printed(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _regions(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(table 三, table 四) as character ranges: from 本年新收 to the 行政复议 after
    结转下年度, and from there to 五、."""
    start = text.find("本年新收")
    if start < 0:
        return None
    carried = text.find("结转下年度", start)
    if carried < 0:
        return None
    middle = text.find("行政复议", carried)
    if middle < 0:
        return None
    end = text.find("五、", middle)
    return (start, middle), (middle, end if end > 0 else len(text))


def _pattern(values: list[int | float]) -> re.Pattern[str]:
    return re.compile(_BEFORE + _SEP.join(f"({re.escape(printed(v))})" for v in values) + _AFTER)


def _row_spans(
    text: str, values: list[int | float], region: tuple[int, int]
) -> list[tuple[int, int]] | None:
    """The spans of `values` printed in order, when printed so exactly once in `region`."""
    pattern = re.compile(_BEFORE + _SEP.join(f"({re.escape(printed(v))})" for v in values) + _AFTER)
    found = list(pattern.finditer(text, *region))
    if len(found) != 1:
        return None
    m = found[0]
    return [m.span(i + 1) for i in range(len(values))]


def row_keys(key: str, cells: Cells) -> list[str] | None:
    """The keys of the printed row `key` is in (table 三 or 四), in printed order."""
    if key.startswith("applications."):
        row = key[len("applications.") :].rsplit(".", 1)[0]
        return [F.application_key(row, c) for c in F.APPLICANT_COLUMNS]
    if key in F.REVIEW_KEYS:
        return list(F.REVIEW_KEYS)
    return None


def _table_spans(
    text: str, cells: Cells, region: tuple[int, int]
) -> dict[str, tuple[int, int]] | None:
    """Every cell of table 三, when each row's gold values are printed in order and the rows
    follow one another in printed order: row by row, the first place after the row before.
    None when a row is not so printed (a collapsed repeat, a blank left without trace)."""
    other_split = F.application_key("other.overdue_correction", "total") in cells
    out: dict[str, tuple[int, int]] = {}
    at = region[0]
    for row in F.application_rows(other_split):
        keys = [F.application_key(row, c) for c in F.APPLICANT_COLUMNS]
        values = [cells.get(k) for k in keys]
        if any(v is None for v in values):
            return None
        m = _pattern(values).search(text, at, region[1])  # type: ignore[arg-type]
        if m is None:
            return None
        out.update((k, m.span(i + 1)) for i, k in enumerate(keys))
        at = m.end()
    return out


def locate(text: str, cells: Cells, key: str) -> tuple[int, int] | None:
    """The span of `key`'s printed value in `text`, or None when it cannot be told for sure:
    its row printed once in its table, or every row of table 三 found in printed order."""
    keys = row_keys(key, cells)
    regions = _regions(text)
    if keys is None or regions is None:
        return None
    values = [cells.get(k) for k in keys]
    if any(v is None for v in values):
        return None
    region = regions[0] if key.startswith("applications.") else regions[1]
    spans = _row_spans(text, values, region)  # type: ignore[arg-type]
    if spans:
        return spans[keys.index(key)]
    if key.startswith("applications."):
        table = _table_spans(text, cells, region)
        return table.get(key) if table else None
    return None


def replace(text: str, span: tuple[int, int], value: int | float) -> str:
    return text[: span[0]] + printed(value) + text[span[1] :]


__all__ = ["locate", "printed", "replace", "row_keys"]
