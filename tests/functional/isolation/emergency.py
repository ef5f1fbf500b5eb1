"""紧急求助: a resident gets her own city's lines and her own grid worker, never another city's."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples


def samples(other: Other) -> Samples:
    # 郑州's gas line, 金湖's property line and its grid worker's phone (the manifest is onboarded)
    return Samples(markers=["0371-96777", "0371-63951100", "13903711101"])
