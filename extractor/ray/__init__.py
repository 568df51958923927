"""`python -m extractor.ray PATH... -o FILE.jsonl [--parquet DIR]`: a batch on a Ray cluster.

Ray Data does the scheduling: the inputs become a dataset (local paths as `extract` finds
them; `s3://…` and any other URI pyarrow reads through `read_binary_files`), each report is
read in a Ray task by the same code as `extract` (`batch.extract_input`), and the records
come back in input order to this process, which writes the JSONL (resumable exactly as
`extract -o` is) and, with `--parquet DIR`, the tables of `--db` as Parquet files
(`DIR/<table>.parquet`). With a model, reports are read by an actor pool of `--calls` actors,
each reading one report at a time, so that at most `--calls` model calls are in flight across
the cluster; each actor has its own client for the configured OpenAI-compatible endpoint.

It joins the cluster named by `RAY_ADDRESS`, or starts a local Ray with `--jobs` CPUs (the
usable cores by default), no dashboard and a small object store. The options are those of
`extract`; Ray is the optional extra `report-audit[ray]`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extractor.batch import Totals, append_line, prepare_resume, read_records, unique
from extractor.batch.pool import ModelSpec, add_tally, tally, usable_cores
from extractor.errors import ConfigError
from extractor.extract import extract_document
from extractor.ingest.files import discover, parse_document
from extractor.ingest.pdf import PdfLimits, current_limits, set_limits
from extractor.review.output import to_json
from extractor.review.relational import TABLES, rows
from schemas import ErrorRecord, InputError, ReportRecord

OBJECT_STORE = 256 * 2**20  # bytes: records are small, and a laptop or CI box stays usable
PARQUET_GROUP = 2000  # records per Parquet row group written


def _is_uri(name: str) -> bool:
    return "://" in name


def _uri_path(uri: str) -> str:
    """What Ray Data names a file read from `uri` (the URI without its scheme)."""
    return uri.split("://", 1)[1]


def expand(uris: list[str]) -> list[str]:
    """The report files under each URI (a folder's walked recursively, in sorted order), so
    that a rerun can skip them one by one."""
    import pyarrow.fs as pafs

    from extractor.ingest.files import SUFFIXES

    out = []
    for uri in uris:
        scheme = uri.split("://", 1)[0]
        fs, path = pafs.FileSystem.from_uri(uri)
        if fs.get_file_info(path).type != pafs.FileType.Directory:
            out.append(uri)
            continue
        found = fs.get_file_info(pafs.FileSelector(path, recursive=True))
        names = sorted(
            f.path
            for f in found
            if f.type == pafs.FileType.File and Path(f.path).suffix.lower() in SUFFIXES
        )
        out += [f"{scheme}://{name}" for name in names]
    return out


def _extra(record: ReportRecord | ErrorRecord, tables: bool) -> str:
    """A record's counts and, when Parquet is written, its table rows, as JSON: worked out
    where the record is, so that the driver need not parse the record again."""
    one = tally(record)
    # not dataclasses.asdict, which rebuilds a Counter from its items as if they were keys
    counts = {f.name: getattr(one, f.name) for f in dataclasses.fields(one)}
    counts["rules"] = dict(one.rules)
    return json.dumps({"tally": counts, "rows": rows(record) if tables else None})


def _totals(counts: dict[str, Any]) -> Totals:
    return Totals(**{**counts, "rules": Counter(counts["rules"])})


def _local_batch(
    batch: dict[str, Any],
    backend: str,
    spec: ModelSpec | None,
    limits: PdfLimits,
    tables: bool,
    model=None,
) -> dict[str, list]:
    from extractor.batch import extract_input

    set_limits(limits)
    lines, extras = [], []
    for path in batch["path"]:
        record, _ = extract_input(Path(str(path)), backend, model)
        lines.append(to_json(record))
        extras.append(_extra(record, tables))
    return {"index": list(batch["index"]), "line": lines, "extra": extras}


def _remote_batch(
    batch: dict[str, Any],
    backend: str,
    spec: ModelSpec | None,
    limits: PdfLimits,
    tables: bool,
    model=None,
) -> dict[str, list]:
    """Reports read from bytes a pyarrow filesystem gave (no local file to stamp)."""
    import hashlib

    from extractor.errors import UnreadableInput
    from schemas import InputStamp

    set_limits(limits)
    lines, extras = [], []
    for data, path in zip(batch["bytes"], batch["path"], strict=True):
        source = str(path)
        try:
            doc = parse_document(bytes(data), source, suffix=Path(source).suffix.lower())
            read = extract_document(doc, backend, model)
            read.extraction.input = InputStamp(
                path=source, size=len(data), mtime_ns=0, sha256=hashlib.sha256(data).hexdigest()
            )
            record: ReportRecord | ErrorRecord = read
        except UnreadableInput as e:
            record = ErrorRecord(source=source, error=InputError(kind=e.kind, message=e.message))
        except ConfigError:
            raise
        except Exception as e:  # a bug on one input must not lose the batch
            error = InputError(kind="internal", message=f"{e.__class__.__name__}: {e}")
            record = ErrorRecord(source=source, error=error)
        lines.append(to_json(record))
        extras.append(_extra(record, tables))
    return {"path": list(batch["path"]), "line": lines, "extra": extras}


class ModelReader:
    """An actor of the pool that reads reports with a model: one client, one report at a time."""

    def __init__(
        self, read, backend: str, spec: ModelSpec, limits: PdfLimits, tables: bool
    ) -> None:
        self.read, self.backend, self.spec, self.limits = read, backend, spec, limits
        self.tables = tables
        self.model = spec.build()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        return self.read(batch, self.backend, self.spec, self.limits, self.tables, self.model)


def start(jobs: int | None, quiet: bool) -> None:
    """Join `RAY_ADDRESS`, or start a small local Ray."""
    import logging

    import ray

    if ray.is_initialized():
        return
    if os.environ.get("RAY_ADDRESS"):
        ray.init(log_to_driver=not quiet, logging_level=logging.WARNING)
        return
    ray.init(
        num_cpus=jobs or usable_cores(),
        include_dashboard=False,
        object_store_memory=OBJECT_STORE,
        log_to_driver=not quiet,
        logging_level=logging.WARNING,
    )


def read_records_on_ray(
    inputs: list[str],
    backend: str,
    spec: ModelSpec | None,
    calls: int = 1,
    quiet: bool = True,
    tables: bool = False,
) -> Iterator[tuple[str, Totals, dict[str, list[dict[str, Any]]] | None]]:
    """(JSON line, counts, table rows when `tables`) of each input, in input order."""
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = not quiet
    limits = current_limits()
    local = [p for p in inputs if not _is_uri(p)]
    remote = [p for p in inputs if _is_uri(p)]
    if local:
        items = [{"index": i, "path": p} for i, p in enumerate(local)]
        listed = ray.data.from_items(items, override_num_blocks=max(1, min(len(items), 200)))
        yield from _run(listed, _local_batch, backend, spec, limits, calls, tables)
    if remote:
        fetched = ray.data.read_binary_files(remote, include_paths=True)
        yield from _run(fetched, _remote_batch, backend, spec, limits, calls, tables)


def _run(
    ds, read, backend, spec, limits, calls, tables
) -> Iterator[tuple[str, Totals, dict[str, list[dict[str, Any]]] | None]]:
    if spec is None:
        out = ds.map_batches(
            read,
            fn_kwargs={"backend": backend, "spec": None, "limits": limits, "tables": tables},
            batch_size=8,
            batch_format="numpy",
        )
    else:
        out = ds.map_batches(
            ModelReader,
            fn_constructor_args=(read, backend, spec, limits, tables),
            batch_size=1,
            batch_format="numpy",
            concurrency=calls,
        )
    for row in out.iter_rows():
        extra = json.loads(str(row["extra"]))
        yield str(row["line"]), _totals(extra["tally"]), extra["rows"]


class ParquetTables:
    """The tables of `relational.TABLES` as `DIR/<table>.parquet`, written in row groups."""

    def __init__(self, where: str) -> None:
        import pyarrow.fs

        self.root: str
        self.fs, self.root = (
            pyarrow.fs.FileSystem.from_uri(where)
            if _is_uri(where)
            else (pyarrow.fs.LocalFileSystem(), str(Path(where).resolve()))
        )
        self.fs.create_dir(self.root, recursive=True)
        self.writers: dict[str, Any] = {}
        self.buffer: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.count = 0

    def _schema(self, table: str):
        import pyarrow as pa

        types = {"TEXT": pa.string(), "INTEGER": pa.int64(), "NUMERIC": pa.float64()}
        columns = TABLES[table][0]
        return pa.schema([(c, types[t.split()[0]]) for c, t in columns.items()])

    def add(self, table_rows: dict[str, list[dict[str, Any]]]) -> None:
        for table, part in table_rows.items():
            self.buffer[table].extend(part)
        self.count += 1
        if self.count % PARQUET_GROUP == 0:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        for table, part in self.buffer.items():
            if table not in self.writers:
                path = f"{self.root}/{table}.parquet"
                self.writers[table] = pq.ParquetWriter(
                    path, self._schema(table), filesystem=self.fs
                )
            if part:
                self.writers[table].write_table(
                    pa.Table.from_pylist(part, schema=self._schema(table))
                )
            self.buffer[table] = []

    def close(self) -> None:
        self.flush()
        for writer in self.writers.values():
            writer.close()


def _resume_remote(out: Path, uris: list[str]) -> list[str]:
    """The URIs still to read; records of theirs that do not stand (an error, a failed model
    call) are taken out of `out`, so that the new record replaces them."""
    if not uris or not out.exists():
        return uris
    from extractor.batch import _parse

    named = {_uri_path(u) for u in uris}
    stands: set[str] = set()
    kept: list[bytes] = []
    with open(out, "rb") as f:
        for line in f:
            record = _parse(line.decode("utf-8"))
            if record is not None and record.source in named:
                ok = isinstance(record, ReportRecord) and not record.extraction.errors
                if not ok or record.source in stands:
                    continue
                stands.add(record.source)
            kept.append(line)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(b"".join(kept))
    os.replace(tmp, out)
    return [u for u in uris if _uri_path(u) not in stands]


def main(argv: list[str] | None = None) -> int:
    from extractor import cli

    parser = cli.build_parser()
    parser.prog = "python -m extractor.ray"
    parser.description = __doc__
    parser.add_argument(
        "--parquet",
        metavar="DIR",
        help="also write the tables of --db as DIR/<table>.parquet (a local folder or a URI "
        "pyarrow writes, such as s3://bucket/prefix)",
    )
    args = parser.parse_args(argv)
    if not args.output or args.output == "-" or cli._format(args) != "jsonl":
        cli._fail("the Ray path writes JSONL to a file: give -o FILE.jsonl")
        return cli.USAGE
    try:
        backend, model = cli._backend(args)
    except ConfigError as e:
        cli._fail(str(e))
        return cli.USAGE
    set_limits(PdfLimits(args.pdf_max_bytes, args.pdf_max_pages, args.pdf_max_stream))
    spec = ModelSpec.of(model) if model is not None else None
    local = unique(discover([p for p in args.paths if not _is_uri(p)]))
    remote = expand([p for p in args.paths if _is_uri(p)])
    out = Path(args.output)
    if args.no_resume and out.exists():
        out.unlink()
    local, _ = prepare_resume(out, local)
    remote = _resume_remote(out, remote)
    totals = Totals()
    tables = ParquetTables(args.parquet) if args.parquet else None
    for record in read_records(out):
        add_tally(totals, tally(record))
        totals.resumed += 1
        if tables is not None:
            tables.add(rows(record))
    from tqdm import tqdm

    from extractor.batch.pool import _parse_line

    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        start(args.jobs, args.quiet)
        inputs = [str(p) for p in local] + remote
        found = read_records_on_ray(
            inputs, backend, spec, args.calls, args.quiet, tables is not None
        )
        for line, counts, table_rows in found:
            append_line(fd, line)
            add_tally(totals, counts)
            if counts.unreadable or counts.model_failed or (backend != "rules" and not args.quiet):
                # the line extract prints about this input (tqdm.write: no bar here)
                cli._report_line(tqdm, _parse_line(line), backend, args.quiet)
            if tables is not None and table_rows is not None:
                tables.add(table_rows)
    finally:
        os.close(fd)
        if tables is not None:
            tables.close()
    if not args.quiet:
        print(cli._closing(totals, args, backend, None), file=sys.stderr)
    return cli.NOT_READ if totals.unreadable or totals.model_failed else cli.OK

