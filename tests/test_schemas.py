"""The JSON Schema files in schemas/ are the ones the pydantic models export."""

from __future__ import annotations

import pytest

from schemas import keys as K
from schemas.__main__ import EXPORTS, HERE, render


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_exported_json_schema_is_current(name):
    assert (HERE / name).read_text(encoding="utf-8") == render(EXPORTS[name]), (
        "run python -m schemas"
    )


def test_canonical_key_counts():
    # 2021: 10 active cells, 25 rows x 7 columns in table 三, 15 in table 四.
    assert len(K.all_keys("2021", True)) == 10 + 25 * 7 + 15 == 200
    assert len(K.all_keys("2021", False)) == 10 + 23 * 7 + 15 == 186
    assert len(K.all_keys("2019", False)) == 22 + 23 * 7 + 15 == 198
    assert len(set(K.all_keys("2021", True))) == 200
