"""紧急求助: the numbers a resident calls first, for her own home; the manifest's emergency lines."""

from __future__ import annotations

import pytest

from chalicelib.tenancy.manifest import ManifestError, load
from tests.support import auth, load_manifest, manifest_text

PATH = "/v1/me/emergency-contacts"


def phones(body: dict) -> dict[str, str]:
    return {c["kind"]: c["phone"] for c in body["contacts"]}


def test_a_verified_resident_gets_her_property_line_and_her_grid_worker(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    r = client.http.get(PATH, headers=auth(aws.login("zz.zhang.guilan")))  # 金湖 网格一
    assert r.status_code == 200, r.body
    body = r.json_body
    assert body["verified"] is True
    assert [c["kind"] for c in body["contacts"]] == ["fire", "police", "ambulance", "gas", "property", "grid_worker"]
    assert phones(body) == {"fire": "119", "police": "110", "ambulance": "120", "gas": "0371-96777",
                            "property": "0371-63951100", "grid_worker": "13903711101"}
    worker = body["contacts"][-1]
    assert worker["name"] and worker["label"] == {"zh": "我的网格员", "en": "My grid worker"}


def test_a_resident_not_yet_verified_gets_the_national_and_city_lines(aws, client):
    aws.onboard("yinchuan")
    r = client.http.get(PATH, headers=auth(aws.token_for("resident", "yinchuan")))
    assert r.status_code == 200, r.body
    assert r.json_body["verified"] is False
    assert phones(r.json_body) == {"fire": "119", "police": "110", "ambulance": "120", "gas": "0951-96777"}


def test_staff_are_refused(aws, client):
    aws.onboard("zhengzhou")
    r = client.http.get(PATH, headers=auth(aws.token_for("staff")))
    assert r.status_code == 403, r.body


def test_the_manifest_names_its_emergency_categories_and_lines():
    m = load_manifest("zhengzhou")
    assert {c.code for c in m.service_catalog if c.emergency} == {"gas-leak", "elevator-entrapment", "fire-smoke",
                                                                  "flooding"}
    shortest = min(c.sla.resolve_hours for c in m.service_catalog)
    assert all(c.sla.resolve_hours == shortest for c in m.service_catalog if c.emergency)
    assert m.emergency.gas == "0371-96777" and len(m.emergency.property) == 4


def test_a_property_line_for_an_unknown_community_or_a_bad_number_is_refused():
    text = manifest_text("zhengzhou").replace("{community: jinghu,", "{community: nowhere,")
    with pytest.raises(ManifestError) as found:
        load(text)
    assert [p.field for p in found.value.problems] == ["emergency.property[0].community"]
    with pytest.raises(ManifestError) as bad:
        load(manifest_text("zhengzhou").replace("gas: 0371-96777", "gas: call-us"))
    assert [p.field for p in bad.value.problems] == ["emergency.gas"]


def test_a_gas_leak_is_filed_as_an_emergency_with_the_shortest_sla_and_tops_the_grid_queue(aws, client):
    from datetime import datetime

    from tests.support import JSON_HEADERS, jbody

    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    guilan = aws.login("zz.zhang.guilan")

    def file(category: str, text: str) -> dict:
        r = client.http.post("/v1/requests", headers={**auth(guilan), **JSON_HEADERS}, body=jbody(
            {"category": category, "description": text, "location": {"household": True}}))
        assert r.status_code == 201, r.body
        return r.json_body

    tap = file("water-electric-repair", "厨房水龙头一直滴水，关不紧")
    gas = file("gas-leak", "厨房里闻到很重的燃气味")
    assert (tap["emergency"], gas["emergency"]) == (False, True)
    catalog = load_manifest("zhengzhou").service_catalog
    filed = datetime.fromisoformat(gas["created_at"])
    assert (datetime.fromisoformat(gas["due_respond_at"]) - filed).total_seconds() == \
        min(c.sla.respond_hours for c in catalog) * 3600
    assert (datetime.fromisoformat(gas["due_resolve_at"]) - filed).total_seconds() == \
        min(c.sla.resolve_hours for c in catalog) * 3600
    queue = client.http.get("/v1/communities/jinghu/requests?state=submitted",
                            headers=auth(aws.login("zz.wang.fang"))).json_body["items"]
    assert [(q["request_id"], q["emergency"]) for q in queue] == [(gas["request_id"], True), (tap["request_id"], False)]
