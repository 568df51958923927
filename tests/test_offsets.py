"""What the offsets index: the input decoded with `extraction.encoding`, byte-order mark
stripped by that codec, line ends as they are (CRLF stays two characters). The documented
recipe `raw.decode(record.extraction.encoding)[start:end]` gives every snippet back."""

from __future__ import annotations

import json
import random

import pytest

from eval.synth import random_cells, render_report
from extractor.cli import main

BOM_UTF8, BOM_LE, BOM_BE = b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"


def encodings() -> list[tuple[str, object]]:
    return [
        ("utf-8 BOM", lambda t: BOM_UTF8 + t.encode("utf-8")),
        ("utf-16-le BOM", lambda t: BOM_LE + t.encode("utf-16-le")),
        ("utf-16-be BOM", lambda t: BOM_BE + t.encode("utf-16-be")),
        ("utf-8 BOM CRLF", lambda t: BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8")),
        ("utf-8 CRLF", lambda t: t.replace("\n", "\r\n").encode("utf-8")),
        ("gb18030 CRLF", lambda t: t.replace("\n", "\r\n").encode("gb18030")),
    ]


@pytest.mark.parametrize(("name", "encode"), encodings(), ids=[n for n, _ in encodings()])
def test_the_documented_recipe_slices_every_span_right(tmp_path, capsys, name, encode):
    text = render_report(random_cells(random.Random(3), "2021", True), layout="tabs")
    text += "\n五、存在的主要问题\n本年共受理政府信息公开申请5件。\n"
    raw = encode(text)  # type: ignore[operator]
    path = tmp_path / "report.txt"
    path.write_bytes(raw)
    assert main([str(path), "-q", "--backend", "rules"]) == 0
    record = json.loads(capsys.readouterr().out)
    decoded = raw.decode(record["extraction"]["encoding"])
    assert not decoded.startswith("\ufeff")
    assert len(record["evidence"]) > 100 and record["claims"]
    for span in record["evidence"].values():
        assert decoded[span["start"] : span["end"]] == span["snippet"]
    for claim in record["claims"]:
        assert decoded[claim["start"] : claim["end"]] == claim["quote"]
