"""One page of alerts read from a few index ranges and merged in sort-key order.

A view is a set of (partition, path prefix) ranges: one partition per severity asked for
(severity is part of the partition key, so filtering by it costs nothing), one prefix per
place in scope. Each range is read from the cursor on, at most ``limit`` + 1 items past it;
merging the ranges by sort key and keeping ``limit`` gives exactly the next page, so the
cursor is only the last sort key shown. Ranges are bounded by the prefixes in scope, so no
cursor can reach outside them, and partitions always come from the tenant context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# Sorts after every character of paths, timestamps and ids: ``prefix + HIGH`` ends a prefix's range.
HIGH = "~"
LOW = "!"  # sorts before every first character of a path: the start of the whole-city range
Doc = dict[str, Any]
Reader = Callable[[str, str, str, int], list[tuple[str, Doc]]]


def page(read: Reader, partitions: Iterable[str], prefixes: Iterable[str], limit: int,
         after: str | None) -> tuple[list[Doc], str | None]:
    """Up to ``limit`` alerts after the sort key ``after``, and the sort key to continue from (None at the end)."""
    found: dict[str, Doc] = {}
    want = limit + 1 + (1 if after else 0)  # one more than a page past the cursor, which is read again
    for prefix in sorted(set(prefixes)):
        low, high = max(prefix or LOW, after or ""), prefix + HIGH
        if low > high:
            continue
        for partition in partitions:
            found.update((sk, doc) for sk, doc in read(partition, low, high, want) if sk != after)
    ordered = sorted(found)
    kept = ordered[:limit]
    return [found[sk] for sk in kept], (kept[-1] if len(ordered) > limit else None)
