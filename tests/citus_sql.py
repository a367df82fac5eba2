"""Statements Citus would refuse under the distribution plan, found by parsing the SQL (sqlglot).

Citus plans a query over distributed tables by pushing it down to the shards, which works only when
every distributed table is joined to the others on the distribution column (`account_id`), so that
matching rows live on the same shard. Its refusals checked here, statement by statement:

- "complex joins are only supported when all distributed tables are co-located and joined on their
  distribution columns": a scope (a SELECT, UPDATE or DELETE) holding two distributed sources that are
  not connected by `x.account_id = y.account_id` equalities (in ON, USING or WHERE); a correlated
  subquery counts as joined to its outer scope;
- "correlated subqueries are not supported when the FROM clause contains a reference table": a
  correlated subquery that reads a distributed table from a scope whose FROM holds no distributed
  table; and `NOT IN (SELECT ... FROM <distributed>)`, which Citus cannot push down either;
- "could not run distributed query because the window function that is used cannot be pushed down": a
  window function over distributed rows that is not partitioned by `account_id`.
- "cannot perform select on a distributed table and modify a reference table": an UPDATE or DELETE of a
  reference table that reads a distributed table (in a subquery, a FROM or a CTE).

and, over a transaction's statements in order (order_problems), a write to a reference table after a
statement that reached several shards.

Apart from Citus's refusals, lookup_problems finds a row looked up by `id` (or a parent's id) alone on a table
keyed (account_id, id): accepted by Citus, but sent to every shard, and a sequential scan on PostgreSQL.

A derived table or CTE counts as distributed when it reads a distributed table; its `account_id`
column is taken to be the distribution column. Tables outside the plan (temporary ones) are local.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlglot
from sqlalchemy import ForeignKeyConstraint
from sqlglot import exp

from models.distribution import DISTRIBUTED, DISTRIBUTION_COLUMN, REFERENCE

_SCOPES = (exp.Select, exp.Update, exp.Delete)
# psycopg's placeholders (%(name)s, %s) are not SQL: any value parses the same for these rules.
_PLACEHOLDER = re.compile(r"%\([^)]*\)s|%s")
_QUERY = re.compile(r"\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One FROM or JOIN item of a scope: the name it is referred by and where its rows live."""

    alias: str
    kind: str  # "distributed", "reference" or "local"


def parse(sql: str) -> exp.Expression | None:
    """The statement as a sqlglot tree (PostgreSQL); None for what is not a query (SET, COPY, ...)."""
    text = _PLACEHOLDER.sub("NULL", sql).replace("%%", "%")
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except sqlglot.errors.ParseError:
        return None
    return tree if isinstance(tree, (*_SCOPES, exp.Insert, exp.Union)) else None


def problems(sql: str) -> list[str]:
    """What Citus would refuse in one statement, as sentences; [] when it distributes."""
    tree = parse(sql)
    if tree is None:  # a query the parser cannot read must not pass unchecked
        return [f"the checker cannot parse this query: {' '.join(sql.split())[:200]}"] if _QUERY.match(sql) else []
    ctes = {cte.alias: cte.this for cte in tree.find_all(exp.CTE)}
    found: list[str] = []
    for scope in tree.find_all(*_SCOPES):
        found += _join_problems(scope, ctes)
        if isinstance(scope, exp.Select):
            found += _subquery_problems(scope, ctes)
    for window in tree.find_all(exp.Window):
        found += _window_problems(window, ctes)
    for change in tree.find_all(exp.Update, exp.Delete):
        target = change.this.find(exp.Table) if change.this is not None else None
        if target is not None and target.name in REFERENCE and _kind_of(change, ctes) == "distributed":
            found.append(f"an UPDATE or DELETE of the reference table {target.name} reads a distributed table: "
                         f"{_short(change)}")
    return found


def _window_problems(window: exp.Window, ctes: dict) -> list[str]:
    """A window over distributed rows is computed on the shards only when partitioned by account_id."""
    scope = _enclosing_scope(window)
    if scope is None or not any(s.kind == "distributed" for s in _sources(scope, ctes)):
        return []
    if any(isinstance(p, exp.Column) and p.name == DISTRIBUTION_COLUMN for p in window.args.get("partition_by") or []):
        return []
    if isinstance(scope, exp.Select) and _pinned_to_value(scope, DISTRIBUTION_COLUMN):
        return []  # one account's rows: a router query, run whole on its shard
    return [f"a window function over distributed tables is not partitioned by {DISTRIBUTION_COLUMN}: {_short(scope)}"]


def _kind_of(node: exp.Expression, ctes: dict, seen: frozenset = frozenset()) -> str:
    """distributed when the expression reads a distributed table (through CTEs too), else reference or local."""
    kinds = set()
    for table in node.find_all(exp.Table):
        name = table.name
        if name in ctes and name not in seen and not table.db:
            kinds.add(_kind_of(ctes[name], ctes, seen | {name}))
        elif name in DISTRIBUTED:
            kinds.add("distributed")
        elif name in REFERENCE:
            kinds.add("reference")
    for kind in ("distributed", "reference"):
        if kind in kinds:
            return kind
    return "local"


def _items(scope: exp.Expression) -> list[exp.Expression]:
    """The FROM and JOIN items of a scope (the target of an UPDATE or DELETE included)."""
    items = []
    if isinstance(scope, (exp.Update, exp.Delete)) and scope.this is not None:
        items.append(scope.this)
    source = scope.args.get("from_") or scope.args.get("from")
    if source is not None:
        items.append(source.this)
    items += [join.this for join in scope.args.get("joins") or []]
    items += list(scope.args.get("using") or []) if isinstance(scope, exp.Delete) else []
    return items


def _sources(scope: exp.Expression, ctes: dict) -> list[Source]:
    sources = []
    for item in _items(scope):
        if isinstance(item, exp.Table):
            if item.name in ctes and not item.db:
                kind = _kind_of(ctes[item.name], ctes, frozenset({item.name}))
            else:
                kind = _kind_of(item, ctes)
            sources.append(Source(item.alias_or_name, kind))
        elif isinstance(item, exp.Subquery):
            sources.append(Source(item.alias_or_name, _kind_of(item.this, ctes)))
        else:  # VALUES, set-returning functions: rows the coordinator has
            sources.append(Source(item.alias_or_name, "local"))
    return sources


def _own(node: exp.Expression, scope: exp.Expression) -> bool:
    """Is node part of this scope itself, not of a subquery nested in it?"""
    parent = node.parent
    while parent is not None and parent is not scope:
        if isinstance(parent, _SCOPES):
            return False
        parent = parent.parent
    return parent is scope


def _account_equalities(scope: exp.Expression, inner: exp.Expression | None = None):
    """(alias, alias) pairs joined by x.account_id = y.account_id in the scope's ON and WHERE clauses."""
    pairs = []
    root = inner if inner is not None else scope
    for equality in root.find_all(exp.EQ):
        if not _own(equality, root):
            continue
        left, right = equality.this, equality.expression
        if (isinstance(left, exp.Column) and isinstance(right, exp.Column)
                and left.name == right.name == DISTRIBUTION_COLUMN and left.table and right.table):
            pairs.append((left.table, right.table))
    return pairs


def _connected(nodes: list[str], pairs: list[tuple[str, str]]) -> bool:
    parent = {node: node for node in nodes}

    def find(node: str) -> str:
        while parent[node] != node:
            node = parent[node]
        return node

    for left, right in pairs:
        if left in parent and right in parent:
            parent[find(left)] = find(right)
    return len({find(node) for node in nodes}) <= 1


def _join_problems(scope: exp.Expression, ctes: dict) -> list[str]:
    sources = _sources(scope, ctes)
    distributed = [s.alias for s in sources if s.kind == "distributed"]
    if len(distributed) < 2:
        return []
    pairs = _account_equalities(scope)
    previous: list[str] = [s.alias for s in sources[:1] if s.kind == "distributed"]
    for join, source in zip(scope.args.get("joins") or [], sources[len(sources) - len(scope.args.get("joins") or []):]):
        if any(identifier.name == DISTRIBUTION_COLUMN for identifier in join.args.get("using") or []):
            pairs += [(source.alias, other) for other in previous]
        if source.kind == "distributed":
            previous.append(source.alias)
    if _connected(distributed, pairs):
        return []
    return [f"distributed tables {', '.join(distributed)} are joined without {DISTRIBUTION_COLUMN} = "
            f"{DISTRIBUTION_COLUMN} between them: {_short(scope)}"]


def _enclosing_scope(node: exp.Expression) -> exp.Expression | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, _SCOPES):
        parent = parent.parent
    return parent


def _is_from_item(select: exp.Select) -> bool:
    """Is this SELECT a derived table or CTE (a FROM item), rather than a subquery inside an expression?"""
    node = select
    while isinstance(node.parent, (exp.Subquery, exp.Union, exp.Paren)):
        node = node.parent
    return isinstance(node.parent, (exp.From, exp.Join, exp.CTE, exp.Insert)) or node.parent is None


def _subquery_problems(select: exp.Select, ctes: dict) -> list[str]:
    if _is_from_item(select):
        return []
    outer = _enclosing_scope(select)
    if outer is None or _kind_of(select, ctes) != "distributed":
        return []
    outer_sources = _sources(outer, ctes)
    outer_distributed = {s.alias for s in outer_sources if s.kind == "distributed"}
    found = []
    if _is_not_in(select) and not outer_distributed:
        found.append(f"NOT IN (SELECT ...) reads a distributed table from a FROM without one: {_short(outer)}")
    defined = {item.alias_or_name for scope in select.find_all(*_SCOPES) for item in _items(scope)}
    outer_aliases = {s.alias for s in outer_sources}
    correlated = {column.table for column in select.find_all(exp.Column)
                  if column.table and column.table not in defined and column.table in outer_aliases}
    if not correlated:
        return found
    if not outer_distributed:
        found.append("a correlated subquery reads a distributed table from a FROM that holds no distributed "
                     f"table (only reference or local ones): {_short(outer)}")
        return found
    inner_distributed = {s.alias for s in _sources(select, ctes) if s.kind == "distributed"}
    joined = any((a in inner_distributed and b in outer_distributed) or (b in inner_distributed and a in outer_distributed)
                 for a, b in _account_equalities(select))
    if not joined:
        found.append(f"a correlated subquery over distributed tables is not joined to the outer one on "
                     f"{DISTRIBUTION_COLUMN}: {_short(outer)}")
    return found


def _is_not_in(select: exp.Select) -> bool:
    node = select.parent
    if isinstance(node, exp.Subquery):
        node = node.parent
    return isinstance(node, exp.In) and isinstance(node.parent, exp.Not)


def _short(node: exp.Expression) -> str:
    text = " ".join(node.sql(dialect="postgres").split())
    return text if len(text) <= 300 else text[:297] + "..."


# --- The order of statements in a transaction ---------------------------------------------------------
# Citus keeps a reference table and the distributed tables that reference it by foreign keys consistent
# over one connection per node. Once a transaction ran a multi-shard statement (in parallel, over several
# connections), modifying such a reference table is refused: "cannot modify reference table ... because
# there was a parallel operation on a distributed table" (relation_access_tracking.c). A router statement,
# pinned to one account by `account_id = value`, is not parallel.

def referenced_reference_tables() -> frozenset[str]:
    """Reference tables that a distributed table points at with a foreign key (the ones Citus guards)."""
    import models  # the metadata of every model, loaded on first use

    found = set()
    for name in DISTRIBUTED:
        table = models.Base.metadata.tables.get(name)
        for key in table.foreign_keys if table is not None else ():
            if key.column.table.name in REFERENCE:
                found.add(key.column.table.name)
    return frozenset(found)


def _primary_key_without_account(table_name: str) -> bool:
    import models

    table = models.Base.metadata.tables.get(table_name)
    return table is not None and DISTRIBUTION_COLUMN not in table.primary_key.columns


def _pinned(scope: exp.Expression, source: Source, tables: dict[str, str]) -> bool:
    """Is this distributed source restricted to one account (account_id = value, or IN one value)?

    While a table's primary key is `id` alone (blocker 1 of the plan), a lookup by `id = value` is how the
    ORM reaches one row; it is accepted for such tables only, and becomes strict once the key holds account_id.
    """
    where = [node for node in scope.find_all(exp.EQ, exp.In) if _own(node, scope)]
    for node in where:
        column, other = node.this, node.expression
        if isinstance(node, exp.EQ) and not isinstance(column, exp.Column):
            column, other = other, column
        if not isinstance(column, exp.Column) or (column.table and column.table != source.alias):
            continue
        if isinstance(node, exp.In):
            values = node.expressions
            if node.args.get("query") is not None or len(values) != 1 or isinstance(values[0], exp.Column):
                continue
        elif isinstance(other, exp.Column) or other is None or other.find(exp.Select):
            continue
        if column.name == DISTRIBUTION_COLUMN:
            return True
        if column.name == "id" and _primary_key_without_account(tables.get(source.alias, "")):
            return True
    return False


def _pinned_to_value(select: exp.Select, name: str) -> bool:
    """Does the SELECT's own WHERE hold `<name> = value`?"""
    for node in select.find_all(exp.EQ):
        if _own(node, select):
            sides = (node.this, node.expression)
            if any(isinstance(a, exp.Column) and a.name == name and not isinstance(b, exp.Column)
                   and b is not None and not b.find(exp.Select) for a, b in (sides, sides[::-1])):
                return True
    return False


def is_multi_shard(sql: str, parameters) -> bool:
    """Does the statement reach several shards of a distributed table (executed in parallel on Citus)?"""
    tree = parse(sql)
    if tree is None:
        return False
    if isinstance(tree, exp.Insert) and tree.this.find(exp.Table) is not None \
            and tree.this.find(exp.Table).name in DISTRIBUTED and tree.expression is not None \
            and isinstance(tree.expression, exp.Values):
        rows = parameters if isinstance(parameters, (list, tuple)) else [parameters or {}]
        accounts = {value for row in rows if isinstance(row, dict) for key, value in row.items()
                    if key == DISTRIBUTION_COLUMN or re.fullmatch(rf"{DISTRIBUTION_COLUMN}__\d+", key)}
        # executemany sends one statement per row: each is a router statement.
        return len(accounts) > 1 and not isinstance(parameters, (list, tuple))
    ctes = {cte.alias: cte.this for cte in tree.find_all(exp.CTE)}
    for insert in tree.find_all(exp.Insert):  # INSERT ... SELECT (a CTE's too): rows go to every shard they hit
        target = insert.this.find(exp.Table) if insert.this is not None else None
        select = insert.expression
        if target is not None and target.name in DISTRIBUTED and isinstance(select, exp.Select) \
                and not any(_pinned_to_value(select, column) for column in (DISTRIBUTION_COLUMN,)):
            return True
    for scope in tree.find_all(*_SCOPES):
        tables = {item.alias_or_name: item.name for item in _items(scope) if isinstance(item, exp.Table)}
        for source in _sources(scope, ctes):
            if source.kind == "distributed" and source.alias in tables and tables[source.alias] in DISTRIBUTED \
                    and not _pinned(scope, source, tables):
                return True
    return False


def modified_table(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes; None for a read."""
    tree = parse(sql)
    if isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        table = tree.this if isinstance(tree.this, exp.Table) else tree.this.find(exp.Table)
        return table.name if table is not None else None
    return None


_SEQUENTIAL = re.compile(r"SET\s+LOCAL\s+citus\.multi_shard_modify_mode\s+TO\s+'sequential'", re.IGNORECASE)


def order_problems(transaction: list[tuple[str, object]]) -> list[str]:
    """In one transaction's (sql, parameters), each write to a guarded reference table after a multi-shard one."""
    guarded = referenced_reference_tables()
    found = []
    parallel: str | None = None
    for sql, parameters in transaction:
        if _SEQUENTIAL.search(sql):  # models.db.one_connection_per_node: nothing runs in parallel after it
            return found
        target = modified_table(sql)
        if parallel is not None and target in guarded:
            found.append(f"{target} is modified after a multi-shard statement in the same transaction "
                         f"({_short_sql(parallel)}): {_short_sql(sql)}")
        if parallel is None and is_multi_shard(sql, parameters):
            parallel = sql
    return found


def _short_sql(sql: str) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= 200 else text[:197] + "..."


# --- Lookups by id on a table keyed (account_id, id) --------------------------------------------------
# The tables of models.db.account_key() keep `id` as the ORM identity, but their primary key index is
# (account_id, id): a row found by `id` alone is a sequential scan on PostgreSQL and a query to every
# shard on Citus. The same holds for the children found by their parent's id (`plan_reading.metric_id`),
# whose foreign key and index are (account_id, metric_id). Whoever looks a row up by id knows its
# account, and says so.

def account_lookup_columns() -> dict[str, frozenset[str]]:
    """{table: the id columns that find its rows only together with account_id}.

    `id` of the tables keyed (account_id, id), and the columns of the composite foreign keys
    (account_id, x_id) that point at them.
    """
    import models

    tables = models.Base.metadata.tables
    keyed = {name for name, table in tables.items()
             if {DISTRIBUTION_COLUMN, "id"} <= set(table.primary_key.columns.keys())}
    found = {name: {"id"} for name in keyed}
    for name, table in tables.items():
        for key in table.constraints:
            if isinstance(key, ForeignKeyConstraint) and key.referred_table.name in keyed \
                    and DISTRIBUTION_COLUMN in key.column_keys:
                found.setdefault(name, set()).update(set(key.column_keys) - {DISTRIBUTION_COLUMN})
    return {name: frozenset(columns) for name, columns in found.items()}


def lookup_problems(sql: str) -> list[str]:
    """Each lookup by `id = value` (or `IN (...)`) on a table keyed by (account_id, id) without its account_id."""
    tree = parse(sql)
    if tree is None:
        return []
    lookups = account_lookup_columns()
    found = []
    for scope in tree.find_all(*_SCOPES):
        tables = {item.alias_or_name: item.name for item in _items(scope) if isinstance(item, exp.Table)}
        sole = len(tables) == 1
        looked_up = {alias: column for alias, name in tables.items() for column in sorted(lookups.get(name, ()))
                     if _restricted(scope, alias, column, sole)}
        if not looked_up:
            continue
        accounted = _accounted(scope, set(tables), sole)
        found += [f"{tables[alias]} is looked up by {column} without its {DISTRIBUTION_COLUMN}: {_short(scope)}"
                  for alias, column in looked_up.items() if alias not in accounted]
    return found


def _conditions(scope: exp.Expression):
    """(column, other side) of the scope's own `=` and `IN` conditions, the column side first when there is one."""
    for node in scope.find_all(exp.EQ, exp.In):
        if not _own(node, scope):
            continue
        left = node.this
        right = node.expression if isinstance(node, exp.EQ) else (node.args.get("query") or node.expressions)
        if isinstance(node, exp.EQ) and not isinstance(left, exp.Column) and isinstance(right, exp.Column):
            left, right = right, left
        if isinstance(left, exp.Column):
            yield left, right


def _belongs(column: exp.Column, alias: str, sole: bool) -> bool:
    return column.table == alias or (not column.table and sole)


def _restricted(scope: exp.Expression, alias: str, name: str, sole: bool) -> bool:
    """Does the scope hold `alias.name = value` or `alias.name IN (...)`, a value rather than another column?"""
    return any(column.name == name and _belongs(column, alias, sole) and not isinstance(other, exp.Column)
               for column, other in _conditions(scope))


def _accounted(scope: exp.Expression, aliases: set[str], sole: bool) -> set[str]:
    """The aliases whose account_id is fixed: by values, by the outer row, or by equality with such an alias.

    `account_id IN (SELECT ...)` does not count: PostgreSQL may scan the table for the id and join the
    accounts afterwards (it does for an admin's every account), and Citus sends it to every shard.
    """
    fixed, pairs = set(), []
    for column, other in _conditions(scope):
        if column.name != DISTRIBUTION_COLUMN:
            continue
        owner = column.table or (next(iter(aliases)) if sole else "")
        if isinstance(other, exp.Subquery) and isinstance(column.parent, exp.In):
            continue
        if not isinstance(other, exp.Column):
            fixed.add(owner)
        elif other.name == DISTRIBUTION_COLUMN and other.table not in aliases:
            fixed.add(owner)  # correlated with the outer query's row, one account per row
        elif other.name == DISTRIBUTION_COLUMN:
            pairs.append((owner, other.table))
    changed = True
    while changed:
        changed = False
        for left, right in pairs:
            if (left in fixed) != (right in fixed):
                fixed |= {left, right}
                changed = True
    return fixed
