"""Merging index ranges into pages gives exactly the sorted, filtered list, cut into pages."""

from __future__ import annotations

import random

import pytest

from chalicelib.alerts.listing import page

PATHS = ["d1/s1/c1/", "d1/s1/c1/g1/", "d1/s1/c1/g1/b1/", "d1/s1/c10/", "d1/s2/c2/g2/", "d2/s3/c3/"]


def _index(seed: int) -> dict[str, list[str]]:
    rnd = random.Random(seed)
    parts: dict[str, list[str]] = {p: [] for p in ("critical", "warning", "info")}
    for n in range(60):
        sk = f"{rnd.choice(PATHS)}#2026-03-02T08:{n:02d}:00#{n:032x}"
        parts[rnd.choice(list(parts))].append(sk)
    return {p: sorted(v) for p, v in parts.items()}


def _reader(index: dict[str, list[str]], calls: list[int]):
    def read(partition: str, low: str, high: str, limit: int) -> list[tuple[str, dict]]:
        calls.append(limit)
        return [(sk, {"sk": sk}) for sk in index[partition] if low <= sk <= high][:limit]

    return read


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("limit", [1, 3, 7, 100])
@pytest.mark.parametrize(("partitions", "prefixes"), [
    (["critical", "warning", "info"], [""]), (["critical"], ["d1/s1/c1/"]), (["warning", "info"], ["d1/"]),
    (["critical", "warning", "info"], ["d1/s1/c1/", "d2/s3/c3/"]), (["info"], ["d1/s1/c1/g1/b1/"]),
])
def test_pages_together_are_the_whole_sorted_selection(seed, limit, partitions, prefixes):
    index, calls = _index(seed), []
    expected = sorted(sk for p in partitions for sk in index[p] if any(sk.startswith(x) for x in prefixes))
    got, cursor = [], None
    for _ in range(100):
        docs, cursor = page(_reader(index, calls), partitions, prefixes, limit, cursor)
        assert len(docs) <= limit
        got += [d["sk"] for d in docs]
        if cursor is None:
            break
    assert got == expected
    assert max(calls) <= limit + 2


def test_a_community_prefix_does_not_take_in_a_community_whose_id_starts_the_same():
    index = {"critical": ["d1/s1/c1/#t#a", "d1/s1/c10/#t#b"]}
    docs, _ = page(_reader(index, []), ["critical"], ["d1/s1/c1/"], 10, None)
    assert [d["sk"] for d in docs] == ["d1/s1/c1/#t#a"]


def test_a_cursor_from_outside_the_scope_reads_nothing_outside_it():
    index = {"critical": ["d1/s1/c1/#t#a", "d2/s3/c3/#t#b"]}
    docs, cursor = page(_reader(index, []), ["critical"], ["d1/s1/c1/"], 10, "d0/#")
    assert [d["sk"] for d in docs] == ["d1/s1/c1/#t#a"] and cursor is None
    assert page(_reader(index, []), ["critical"], ["d1/s1/c1/"], 10, "d9/#") == ([], None)
