"""Export the JSON Schema of the output contract: `python -m schemas [--check]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas import ErrorRecord, GoldReport, ReportRecord

HERE = Path(__file__).parent
EXPORTS: dict[str, type[BaseModel]] = {
    "report.schema.json": ReportRecord,
    "error.schema.json": ErrorRecord,
    "fixture.schema.json": GoldReport,
}


def render(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m schemas",
        description="Write the JSON Schema of the output contract (docs/format.md) from the "
        f"pydantic models: {', '.join(f'schemas/{name}' for name in EXPORTS)}.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a schema file differs from the models",
    )
    check = parser.parse_args(argv).check
    stale = []
    for name, model in EXPORTS.items():
        path = HERE / name
        text = render(model)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale JSON Schema: {', '.join(stale)}; run `python -m schemas`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
