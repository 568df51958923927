"""`--db FILE.sqlite`: the records of a batch as tables a user can query with SQL.

The tables and their columns are `relational.TABLES`; each child table's rows belong to a
`reports` row by `source` (deleted with it). A record written again — a rerun that read an
input anew — replaces the rows of its source, so the file always holds one report per input,
as the JSONL does. Rows are committed in groups; a kill loses at most the last group, which a
resumed run writes again (it adds every record it keeps).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from extractor.review.relational import TABLES, Record, rows

COMMIT_EVERY = 500


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema() -> list[str]:
    """The statements that create the tables and their indexes."""
    out = []
    for table, (columns, key, indexes) in TABLES.items():
        cols = [f"{_q(c)} {t}" for c, t in columns.items()]
        cols.append(f"PRIMARY KEY ({', '.join(map(_q, key))})")
        if table != "reports":
            cols.append('FOREIGN KEY ("source") REFERENCES "reports" ("source") ON DELETE CASCADE')
        out.append(f"CREATE TABLE IF NOT EXISTS {_q(table)} ({', '.join(cols)})")
        for index in indexes:
            name = f"{table}_{'_'.join(index)}"
            out.append(
                f"CREATE INDEX IF NOT EXISTS {_q(name)} ON {_q(table)} ({', '.join(map(_q, index))})"
            )
    return out


class Database:
    """An SQLite file of records; `fresh` empties it first."""

    def __init__(self, path: Path, fresh: bool = True) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("BEGIN")
        if fresh:
            for table in reversed(TABLES):
                self.db.execute(f"DROP TABLE IF EXISTS {_q(table)}")
        for statement in schema():
            self.db.execute(statement)
        self.db.execute("COMMIT")
        self._inserts = {
            table: f"INSERT INTO {_q(table)} ({', '.join(map(_q, columns))}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
            for table, (columns, _, _) in TABLES.items()
        }
        self.pending = 0

    def add(self, record: Record) -> None:
        """Write `record`'s rows in place of any its source had."""
        if self.pending == 0:
            self.db.execute("BEGIN")
        self.db.execute('DELETE FROM "reports" WHERE "source" = ?', (record.source,))
        for table, part in rows(record).items():
            if part:
                columns = TABLES[table][0]
                self.db.executemany(
                    self._inserts[table], [tuple(row[c] for c in columns) for row in part]
                )
        self.pending += 1
        if self.pending >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        if self.pending:
            self.db.execute("COMMIT")
            self.pending = 0

    def close(self) -> None:
        self.commit()
        self.db.close()
