"""一表通: 郑州's report of last month, with 荆胡社区's submitted (locked) by its admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.functional.isolation import Other, Samples
from tests.support import JSON_HEADERS, auth, jbody

LAST = f"{datetime.now(ZoneInfo('Asia/Shanghai')).replace(day=1) - timedelta(days=1):%Y-%m}"


def samples(other: Other) -> Samples:
    r = other.client.http.post("/v1/reports/monthly/communities/jinghu/submission",
                               headers={**auth(other.token("city_admin")), **JSON_HEADERS}, body=jbody({"month": LAST}))
    assert r.status_code == 201, r.body
    return Samples(bodies={("POST", "/v1/reports/monthly/communities/{community_id}/submission"):
                           (JSON_HEADERS, jbody({"month": LAST}))})


def unchanged(other: Other) -> None:
    rep = other.client.http.get(f"/v1/reports/monthly?month={LAST}", headers=auth(other.token("city_admin"))).json_body
    jinghu = next(r for r in rep["communities"] if r["id"] == "jinghu")
    assert jinghu["submitted"] is not None and rep["total"]["communities_submitted"] == 1
