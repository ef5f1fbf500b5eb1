"""Reports: the dashboard names no place and no department of 郑州 to anyone of 银川.

The dashboard takes no ids: a 银川 caller always gets 银川's own figures. It reads the other city's
requests, alerts and devices the other samples create; their places must not show in the answer."""

from __future__ import annotations

from tests.functional.isolation import Other, Samples


def samples(other: Other) -> Samples:
    m = other.world.manifests["zhengzhou"]
    communities = [c for d in m.hierarchy.districts for s in d.streets for c in s.communities]
    return Samples(markers=[*(c.id for c in communities), *(c.name.zh for c in communities),
                            *(c.name.en for c in communities), "郑州热力供热服务"])
