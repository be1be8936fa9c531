"""A register the size of N reports in minutes instead of hours: B generated reports ingested for real
(`counterwatch ingest --workers W`, extraction, entity and program resolution), then their rows copied
N/B times in SQL with new ids, so the latency figures of run.py can be taken at archive scale on
2 cores. What a copy is, and is not (RESULTS.md § "How the 100k register was built"):

- each copy has its own sources (new uri, sha256), deployments, claims and merges among its own
  deployments, so sources, deployments and claims grow as N/B times the base's;
- copies name the same entities (the pools an archive's actors come from do not grow with it), so
  the head entities gather N/B times the claims, as in a real ingest; a share of the base's tail
  entities (one source, no relation, no merge) gets a copy of its own per copy, renamed with the
  copy's number, until the entity count reaches --entities (a real 100k register: ~11,500);
- a program told by several base reports also takes in its copies' records (each copy's record
  merged into the base's), so the largest programs hold N/B times their base members: record pages
  read programs of hundreds of deployments.

Usage: python benchmarks/fill.py --docs 100000 --base 5000 --dir /var/tmp/cw-fill [--pg URL]
       (PostgreSQL: the register in schema --schema, counterwatch_fill, its base in counterwatch_fill_base)
       [--queries]   (then run.py's latency figures on it, in a process of its own)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import log  # noqa: E402
from scale import run_ingest, stored, write_corpus  # noqa: E402
from sqlalchemy import Connection, create_engine, text  # noqa: E402

from counterwatch.names import key  # noqa: E402
from counterwatch.store import connect  # noqa: E402
from counterwatch.store.db import refresh_statistics  # noqa: E402
from counterwatch.store.writer import stats  # noqa: E402

PG_SCHEMA = "counterwatch_fill"  # the register; its base in PG_SCHEMA + "_base"
TABLES = ["source", "entity", "alias", "deployment", "relation", "claim", "judgement", "deployment_judgement"]


def pg_url(server: str, schema: str) -> str:
    return f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"


def _columns(conn: Connection, table: str) -> list[str]:
    if conn.dialect.name == "sqlite":
        return [r[1] for r in conn.exec_driver_sql(f"PRAGMA main.table_info({table})")]
    return list(conn.scalars(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                  "current_schema() AND table_name = :t AND is_generated = 'NEVER' "
                                  "ORDER BY ordinal_position"), {"t": table}))


def _copy(conn: Connection, table: str, base: str, override: dict[str, str], where: str = "",
          joins: str = "", params: dict | None = None) -> int:
    """INSERT INTO table SELECT its columns FROM the base's, with some columns computed."""
    cols = _columns(conn, table)
    select = ", ".join(override.get(c, f'b."{c}"') for c in cols)
    sql = f'INSERT INTO {table} ({", ".join(chr(34) + c + chr(34) for c in cols)}) ' \
          f"SELECT {select} FROM {base}.{table} b {joins} {where}"
    return conn.execute(text(sql), params or {}).rowcount


def _tail_entities(conn: Connection, base: str) -> list[tuple[int, str]]:
    """Entities one base source names, in no relation and no merge: the long tail a larger archive
    adds more of."""
    return [tuple(r) for r in conn.execute(text(f"""
        SELECT e.id, e.name FROM {base}.entity e WHERE e.merged_into IS NULL
        AND NOT EXISTS (SELECT 1 FROM {base}.entity m WHERE m.merged_into = e.id)
        AND NOT EXISTS (SELECT 1 FROM {base}.relation r WHERE r.subject_id = e.id OR r.object_id = e.id)
        AND (SELECT count(DISTINCT c.source_id) FROM {base}.claim c
             WHERE (c.record_type = 'entity' AND c.record_id = e.id) OR c.entity_id = e.id) = 1
        ORDER BY e.id"""))]


def _sha(conn: Connection) -> str:
    """A new sha256 for a copy's source: the hash of the base's hash and the copy's number."""
    if conn.dialect.name == "sqlite":
        return "sha256hex(b.sha256 || ':' || :c)"
    return "encode(sha256(convert_to(b.sha256 || ':' || :c, 'UTF8')), 'hex')"


def _indexes(conn: Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's secondary indexes, and on SQLite the full-text triggers."""
    if conn.dialect.name == "sqlite":
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT name, sql FROM main.sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            "AND sql IS NOT NULL", (table,))]
    return [tuple(r) for r in conn.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND "
        "i.tablename = :t AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)"),
        {"t": table})]


def replicate(conn: Connection, base: str, copies: int, entities_wanted: int) -> dict:
    """Copy the base register `copies` times (copy 0 is the base itself) into the empty register."""
    sqlite = conn.dialect.name == "sqlite"
    top = {tb: conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {base}.{tb}")) for tb in TABLES}
    have_entities = conn.scalar(text(f"SELECT count(*) FROM {base}.entity WHERE merged_into IS NULL"))
    tail = _tail_entities(conn, base)
    per_copy = min(len(tail), max(0, entities_wanted - have_entities) // max(1, copies - 1))
    conn.execute(text("CREATE TABLE fill_entity (c INTEGER, old INTEGER, new INTEGER, name VARCHAR(300), "
                      "key VARCHAR(300), PRIMARY KEY (c, old))"))
    rows, next_id = [], top["entity"]
    for c in range(1, copies):
        for old, name in sorted(random.Random(c).sample(tail, per_copy)):
            next_id += 1
            rows.append({"c": c, "old": old, "new": next_id, "name": f"{name} {c}", "key": key(f"{name} {c}")})
    if rows:
        conn.execute(text("INSERT INTO fill_entity VALUES (:c, :old, :new, :name, :key)"), rows)
    dropped = _indexes(conn, "claim")  # built once after the copies instead of row by row
    for name, sql in dropped:
        conn.exec_driver_sql(f"DROP {'TRIGGER' if sql.upper().startswith('CREATE TRIGGER') else 'INDEX'} {name}")
    for tb in ("entity", "alias", "relation", "judgement"):
        _copy(conn, tb, base, {})
    for c in range(copies):
        t0 = time.perf_counter()
        p = {"c": c}
        off = lambda tb: f"b.id + :c * {top[tb]}"  # noqa: E731
        _copy(conn, "source", base, {"id": off("source"), "sha256": _sha(conn) if c else "b.sha256",
                                     "uri": "b.uri || '#copy-' || :c" if c else "b.uri"}, params=p)
        if c:
            _copy(conn, "entity", base, {"id": "f.new", "name": "f.name", "key": "f.key"},
                  joins="JOIN fill_entity f ON f.old = b.id AND f.c = :c", params=p)
            _copy(conn, "alias", base, {"id": f"b.id + :c * {top['alias']}", "entity_id": "f.new",
                                        "name": "b.name || ' ' || :c", "key": "b.key || ' ' || :c"},
                  joins="JOIN fill_entity f ON f.old = b.entity_id AND f.c = :c", params=p)
        _copy(conn, "deployment", base, {"id": off("deployment"), "source_id": f"b.source_id + :c * {top['source']}",
                                         "name": "b.name || ' #' || :c" if c else "b.name",  # names stay unique
                                         "merged_into": f"b.merged_into + :c * {top['deployment']}"}, params=p)
        _copy(conn, "deployment_judgement", base, {
            "id": off("deployment_judgement"), "left_id": f"b.left_id + :c * {top['deployment']}",
            "right_id": f"b.right_id + :c * {top['deployment']}"}, params=p)
        renamed = "(fe.new IS NOT NULL OR fv.new IS NOT NULL)"
        n = _copy(conn, "claim", base, {
            "id": off("claim"), "source_id": f"b.source_id + :c * {top['source']}",
            "record_id": f"CASE b.record_type WHEN 'deployment' THEN b.record_id + :c * {top['deployment']} "
                         "WHEN 'entity' THEN coalesce(fe.new, b.record_id) ELSE b.record_id END",
            "entity_id": "coalesce(fv.new, b.entity_id)",
            "value": f"CASE WHEN {renamed} THEN b.value || ' ' || :c ELSE b.value END"},
            joins="LEFT JOIN fill_entity fe ON fe.c = :c AND b.record_type = 'entity' AND fe.old = b.record_id "
                  "LEFT JOIN fill_entity fv ON fv.c = :c AND fv.old = b.entity_id",
            where="ORDER BY b.id", params=p)
        log(f"  copy {c + 1}/{copies}: {n:,} claims, {time.perf_counter() - t0:.1f} s")
    programs = _link_programs(conn, base, copies, top["deployment"], top["deployment_judgement"] * copies)
    t0 = time.perf_counter()
    if not sqlite:
        conn.execute(text("SET maintenance_work_mem = '1GB'"))
    for name, sql in dropped:
        conn.exec_driver_sql(sql)
    if sqlite:
        conn.exec_driver_sql("INSERT INTO claim_fts(claim_fts) VALUES ('rebuild')")
    else:
        for tb in TABLES:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{tb}', 'id'), (SELECT max(id) FROM {tb}))"))
    conn.execute(text("DROP TABLE fill_entity"))
    log(f"  claim indexes and full-text index built in {time.perf_counter() - t0:.1f} s")
    return {"copies": copies, "tail_entities_copied_per_copy": per_copy, "programs_taking_in_copies": programs}


def _link_programs(conn: Connection, base: str, copies: int, deployments: int, judgement_id: int) -> int:
    """Each copy's record of a program several base reports tell is merged into the base's record
    (one hop, with a positive judgement, as an editor's merge would leave it)."""
    roots = list(conn.scalars(text(f"SELECT DISTINCT merged_into FROM {base}.deployment "
                                   "WHERE merged_into IS NOT NULL ORDER BY merged_into")))
    roots = [r for r in roots if conn.scalar(text(f"SELECT merged_into FROM {base}.deployment WHERE id = :r"),
                                             {"r": r}) is None]
    for c in range(1, copies):
        conn.execute(text(f"UPDATE deployment SET merged_into = id - :c * {deployments} WHERE id IN "
                          f"(SELECT r + :c * {deployments} FROM (SELECT DISTINCT merged_into AS r FROM {base}.deployment "
                          f"WHERE merged_into IS NOT NULL) x) AND merged_into IS NULL"), {"c": c})
    rows = [{"id": judgement_id + i + 1, "l": r, "r": r + c * deployments}
            for i, (c, r) in enumerate((c, r) for c in range(1, copies) for r in roots)]
    if rows:
        conn.execute(text("INSERT INTO deployment_judgement (id, left_id, right_id, judgement, score, reason, editor, at) "
                          "VALUES (:id, :l, :r, 'positive', NULL, 'fill.py: copy of a base program', 'fill', "
                          "CURRENT_TIMESTAMP)"), rows)
    return len(roots)


def copy_base(sqlite_path: Path, url: str) -> None:
    """The SQLite base's rows into the empty PostgreSQL base (same ids): one ingest serves both databases."""
    from counterwatch.store.schema import Base

    src, dst = create_engine(f"sqlite:///{sqlite_path}"), connect(url)
    with src.connect() as s, dst.begin() as d:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if not c.computed]
            rows = [dict(r._mapping) for r in s.execute(table.select().with_only_columns(*cols))]
            for i in range(0, len(rows), 5000):
                d.execute(table.insert(), rows[i:i + 5000])
            if rows and "id" in table.c:
                d.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"))
    refresh_statistics(dst)


def _sqlite_hash(conn: Connection) -> None:
    import hashlib
    conn.connection.driver_connection.create_function(
        "sha256hex", 1, lambda s: hashlib.sha256(s.encode()).hexdigest(), deterministic=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--base", type=int, default=5_000, help="reports ingested for real; --docs must be a multiple")
    ap.add_argument("--entities", type=int, default=11_500, help="live entities wanted in the register")
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pg", help="PostgreSQL server URL to hold the register instead of SQLite")
    ap.add_argument("--schema", default=PG_SCHEMA, help="PostgreSQL schema of the register (dropped first)")
    ap.add_argument("--queries", action="store_true", help="then the latency figures of run.py on the register")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results-fill.json"))
    args = ap.parse_args()
    if args.docs % args.base:
        ap.error("--docs must be a multiple of --base")
    corpus = args.dir / "corpus"
    log(f"writing {args.base:,} reports to {corpus}")
    words = write_corpus(args.base, corpus)
    base_schema = f"{args.schema}_base"
    base_url = pg_url(args.pg, base_schema) if args.pg else f"sqlite:///{args.dir / 'base.sqlite'}"
    result: dict = {"database": "postgresql" if args.pg else "sqlite", "docs": args.docs, "base_docs": args.base,
                    "base_words": words}
    if args.pg:
        with create_engine(args.pg).begin() as conn:
            conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {base_schema}"))
    if args.pg and stored(base_url) == 0 and (args.dir / "base.sqlite").exists():
        log("copying the SQLite base register (ingested for real) into PostgreSQL")
        copy_base(args.dir / "base.sqlite", base_url)
    if stored(base_url) < args.base:
        log(f"ingesting the {args.base:,} base reports for real")
        result["base_ingest"] = run_ingest(corpus, base_url, args.workers, None, args.dir / "base-ingest.log")
    figures = stats(connect(base_url))
    result["base_register"] = figures
    result["base_deployments_per_report"] = {"before": round(figures["deployments"] / figures["sources"], 3),
                                             "after": round(figures["programs"] / figures["sources"], 3)}
    log(f"base: {figures}")
    if args.pg:
        with create_engine(args.pg).begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {args.schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {args.schema}"))
        url, base = pg_url(args.pg, args.schema), base_schema
    else:
        db = args.dir / "register.sqlite"
        for old in args.dir.glob("register.sqlite*"):
            old.unlink()
        url, base = f"sqlite:///{db}", "base"
    connect(url).dispose()  # the empty register at the newest migration
    t0 = time.perf_counter()
    engine = create_engine(url)
    with engine.begin() as conn:
        if args.pg:
            conn.execute(text("SET LOCAL statement_timeout = 0"))
        else:
            conn.exec_driver_sql(f"ATTACH DATABASE '{args.dir / 'base.sqlite'}' AS base")
            _sqlite_hash(conn)
        result["fill"] = replicate(conn, base, args.docs // args.base, args.entities)
    refresh_statistics(engine)  # what an ingest ends with (PostgreSQL's ANALYZE; SQLite's planner needs none)
    result["fill_seconds"] = round(time.perf_counter() - t0, 1)
    figures = stats(connect(url))
    result["register"] = figures
    result["deployments_per_report"] = {"before": round(figures["deployments"] / figures["sources"], 3),
                                        "after": round(figures["programs"] / figures["sources"], 3)}
    if not args.pg:
        result["db_mb"] = round(sum(p.stat().st_size for p in args.dir.glob("register.sqlite*")) / 2**20)
    log(f"filled in {result['fill_seconds']} s: {figures}")
    if args.queries:  # in a process of its own, as a server would be
        queries = args.dir / ("queries-pg.json" if args.pg else "queries.json")
        subprocess.run([sys.executable, str(Path(__file__).with_name("run.py")), "--queries-only", "--database", url,
                        "--out", str(queries)], check=True, stdout=subprocess.DEVNULL)
        result["queries"] = json.loads(queries.read_text())
    text_ = json.dumps(result, indent=2, default=float)
    print(text_)
    args.out.write_text(text_ + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
