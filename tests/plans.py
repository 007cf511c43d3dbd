"""PostgreSQL's plan of a query, as the tests of the indexes read it: how a table is read (through which
index, or whole) and whether the rows read are sorted afterwards.

A test fills the table with enough rows for reading it whole to cost more than the index and reads the
plan PostgreSQL would choose (`plan_of`), its settings left as they are, with fresh statistics of every
table the query reads: a table it joins (the customers, the staff users) keeps whatever statistics
earlier tests or autovacuum left it otherwise, and those flipped plans in CI. A query is a queryset, or
SQL with its parameters as a selector or a sweep ran it (`queries_run`). The
partitions of a partitioned table count as the table and their indexes as the partitioned index they
are shares of; an empty partition is left out, as reading it costs nothing whichever way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import Model, QuerySet

Query = QuerySet | tuple[str, list]


def analyzed(*models: type[Model]) -> None:
    """Refresh the planner's statistics of these models' tables (and partitions), as autovacuum does."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def queries_run(call: Callable[[], object]) -> list[tuple[str, list]]:
    """The SELECT statements `call` runs, with their parameters (a UNION included: PostgreSQL's begins
    with its first SELECT in parentheses)."""
    run = []

    def record(execute, sql, params, many, context):
        if sql.lstrip("( \n").upper().startswith("SELECT"):
            run.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return run


def _explained(query: Query) -> dict:
    if isinstance(query, QuerySet):
        return json.loads(query.explain(format="json"))[0]["Plan"]
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def plan_of(query: Query) -> dict:
    """The root node of the plan PostgreSQL chooses for `query` (EXPLAIN, not run), once every table it
    reads has fresh statistics."""
    read = [node["Relation Name"] for node in nodes(_explained(query)) if node.get("Relation Name")]
    tables = {_parent(relation)[0] for relation in read}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return _explained(query)


def nodes(plan: dict) -> Iterator[dict]:
    pending = [plan]
    while pending:
        node = pending.pop()
        yield node
        pending += node.get("Plans", [])


def _parent(relation: str) -> tuple[str, bool]:
    """The table (or index) `relation` is a partition of, or itself; and whether it may hold rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE((SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = c.oid), "
            "c.relname), c.reltuples <> 0 FROM pg_class c WHERE c.oid = %s::regclass",
            [relation],
        )
        return cursor.fetchone()


def _reads(plan: dict, table: str) -> Iterator[dict]:
    for node in nodes(plan):
        if node.get("Relation Name"):
            parent, may_hold_rows = _parent(node["Relation Name"])
            if parent == table and may_hold_rows:
                yield node


def index_reads(query: Query, table: str) -> list[str]:
    """How the plan reads `table`: the indexes it goes through (each partition's share named as its
    partitioned index), and the kind of any read that goes through none ("Seq Scan")."""
    reads = set()
    for node in _reads(plan_of(query), table):
        indexes = (
            [node["Index Name"]]
            if node.get("Index Name")
            else [child["Index Name"] for child in nodes(node) if child["Node Type"] == "Bitmap Index Scan"]
        )
        reads |= {_parent(index)[0] for index in indexes} if indexes else {node["Node Type"]}
    return sorted(reads)


def sorts_read_rows(query: Query, table: str) -> bool:
    """Whether the plan sorts the rows it read from `table` (a Sort above the read) instead of reading
    them in the order asked."""
    return any(
        node["Node Type"] == "Sort" and next(_reads(node, table), None) is not None
        for node in nodes(plan_of(query))
    )
