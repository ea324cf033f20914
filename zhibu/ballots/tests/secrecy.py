"""Tools for the secrecy tests: an exact test of whether a physical order of ballots still
follows the casting order, and raw reads of the database.

The order check flags an order when either
- at least ``FIXED_POINTS`` ballots sit at their casting position: for a uniformly random order
  of any length this happens with probability ≤ 1/10! ≈ 2.8·10⁻⁷ (the expected number of
  10-sets of fixed points is C(n,10)·(n−10)!/n! = 1/10!); or
- Kendall's rank correlation between casting index and position is too far from 0: the bound
  is read off the exact distribution of inversions of a random permutation (Mahonian numbers),
  at a two-sided probability ≤ 5·10⁻⁷.
So a real shuffle is flagged with probability < 10⁻⁶, while the identity, the reverse, a
rotation, a sort by content and any mostly-sorted order are flagged for sure (n ≥ 30).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any

from django.db import connection

FIXED_POINTS = 10
TAIL = Fraction(5, 10**7)  # two-sided, for the rank correlation
MIN_BALLOTS = 30


@lru_cache(maxsize=8)
def inversion_counts(n: int) -> tuple[int, ...]:
    """How many permutations of n items have k inversions, for each k (Mahonian numbers)."""
    counts = [1]
    for m in range(2, n + 1):
        # Placing item m adds 0..m-1 inversions: a sliding-window sum over the previous row.
        size = len(counts) + m - 1
        prefix = [0]
        for c in counts:
            prefix.append(prefix[-1] + c)
        row = []
        for k in range(size):
            lo, hi = max(0, k - (m - 1)), min(k, len(counts) - 1)
            row.append(prefix[hi + 1] - prefix[lo] if lo <= hi else 0)
        counts = row
    return tuple(counts)


@lru_cache(maxsize=8)
def inversion_bound(n: int) -> int:
    """The largest k with P(inversions ≤ k) ≤ TAIL/2 for a random permutation of n items
    (the distribution is symmetric: the upper tail mirrors it)."""
    counts = inversion_counts(n)
    total = math.factorial(n)
    k, below = -1, 0
    while Fraction(below + counts[k + 1], total) <= TAIL / 2:
        k += 1
        below += counts[k]
    return k


def inversions(order: Sequence[int]) -> int:
    return sum(
        1 for i in range(len(order)) for j in range(i + 1, len(order)) if order[i] > order[j]
    )


def order_problem(order: Sequence[int]) -> str:
    """Why ``order`` (casting indexes 0..n-1 in physical order) still looks like the casting
    order ("" when it does not)."""
    n = len(order)
    if sorted(order) != list(range(n)) or n < MIN_BALLOTS:
        return f"not a permutation of at least {MIN_BALLOTS} ballots"
    fixed = sum(1 for position, index in enumerate(order) if position == index)
    if fixed >= FIXED_POINTS:
        return f"{fixed} of {n} ballots are where they were cast"
    inv, bound, most = inversions(order), inversion_bound(n), n * (n - 1) // 2
    if inv <= bound or inv >= most - bound:
        tau = 1 - 4 * inv / (n * (n - 1))
        return f"rank correlation with the casting order is {tau:.2f}"
    return ""


# --- raw reads ---------------------------------------------------------------------------------


def physical_order_clause() -> str:
    """ORDER BY the rows' place in the table's storage."""
    return "rowid" if connection.vendor == "sqlite" else "ctid"


def raw_ballots(poll_id: int) -> list[tuple[str, dict[str, Any], str | None]]:
    """(key, content, change_hash) of the poll's ballots, in physical order."""
    with connection.cursor() as cursor:
        order = physical_order_clause()  # one of two constants
        sql = f"SELECT key, content, change_hash FROM ballots_ballot WHERE poll_id = %s ORDER BY {order}"  # noqa: S608
        cursor.execute(sql, [poll_id])
        rows = cursor.fetchall()
    return [(k, json.loads(c) if isinstance(c, str) else c, h) for k, c, h in rows]


def every_cell() -> dict[str, list[str]]:
    """Every value of every table, as text: what someone holding the database reads."""
    out: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out[table] = [
                json.dumps(v, ensure_ascii=False, default=str) if not isinstance(v, str) else v
                for row in cursor.fetchall()
                for v in row
            ]
    return out


def columns(table: str) -> dict[str, str]:
    """{column: Django field type} of a table, as introspection reads it from the database."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        return {
            col.name: connection.introspection.get_field_type(col.type_code, col)
            for col in description
        }


def foreign_keys(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_relations(cursor, table)
