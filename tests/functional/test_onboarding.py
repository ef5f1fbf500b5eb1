"""Applying a manifest is idempotent, updates what changed, reports removals, never half-applies."""

from __future__ import annotations

import yaml

from chalicelib.auth import users
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy import manifest
from chalicelib.tenancy.apply import apply_manifest
from chalicelib.tenancy.repository import TenantConfigRepository
from tests.support import JSON_HEADERS, auth, jbody, manifest_text


def _stored(tenant: str) -> dict:
    return TenantConfigRepository(TenantContext(tenant)).all_docs()


def test_applying_the_same_manifest_twice_changes_nothing(aws):
    first = aws.onboard("zhengzhou")
    assert first.created and first.users_created
    before = _stored("zhengzhou")
    second = aws.onboard("zhengzhou")
    assert not second.changed
    assert second.unchanged == len(first.created)
    assert _stored("zhengzhou") == before


def test_admin_users_are_created_in_the_identity_pool_with_tenant_and_role(aws):
    aws.onboard("zhengzhou")
    info = users.lookup("zz.admin")
    assert info is not None and info.tenant_id == "zhengzhou"


def test_changed_manifest_updates_and_reports_removed_items_without_deleting(aws, client, token_for):
    aws.onboard("zhengzhou")
    data = yaml.safe_load(manifest_text("zhengzhou"))
    community = data["hierarchy"]["districts"][0]["streets"][0]["communities"][0]
    community["name"]["zh"] = community["name"]["zh"] + "(新)"
    removed = community["grids"][0]["buildings"].pop()
    report = apply_manifest(manifest.validate(data))
    assert f"community#{community['id']}" in report.updated
    assert report.removed == [f"building#{removed['id']}"]
    assert not report.created
    # Kept for history, hidden from reads.
    assert _stored("zhengzhou")[f"building#{removed['id']}"].retired
    token = token_for("city_admin", "zhengzhou")
    buildings = client.http.get(f"/v1/communities/{community['id']}/buildings", headers=auth(token)).json_body
    assert removed["id"] not in {b["id"] for b in buildings}
    # Putting it back revives it as an update.
    again = aws.onboard("zhengzhou")
    assert f"building#{removed['id']}" in again.updated


def test_platform_admin_onboards_with_yaml_and_gets_a_report(client, token_for):
    token = token_for("platform_admin", "platform")
    r = client.http.post("/v1/platform/tenants", headers={**auth(token), "Content-Type": "application/yaml"},
                         body=manifest_text("yinchuan").encode())
    assert r.status_code == 200, r.body
    assert r.json_body["tenant_id"] == "yinchuan" and r.json_body["created"]
    listed = client.http.get("/v1/platform/tenants", headers=auth(token)).json_body
    assert [t["tenant_id"] for t in listed] == ["yinchuan"]


def test_dry_run_reports_without_writing(client, token_for):
    token = token_for("platform_admin", "platform")
    r = client.http.post("/v1/platform/tenants?dry_run=true",
                         headers={**auth(token), "Content-Type": "application/yaml"},
                         body=manifest_text("yinchuan").encode())
    assert r.status_code == 200 and r.json_body["dry_run"] and r.json_body["created"]
    assert _stored("yinchuan") == {}
    assert users.lookup("yc.admin") is None


def test_manifest_with_errors_is_rejected_with_all_problems_and_nothing_written(client, token_for):
    token = token_for("platform_admin", "platform")
    data = yaml.safe_load(manifest_text("yinchuan"))
    data["service_catalog"][0]["department"] = "nobody"
    data["users"][0]["email"] = "not-an-email"
    r = client.http.post("/v1/platform/tenants", headers={**auth(token), **JSON_HEADERS}, body=jbody(data))
    assert r.status_code == 400
    assert r.json_body["code"] == "invalid_manifest"
    fields = {e["field"] for e in r.json_body["errors"]}
    assert "users[0].email" in fields
    assert _stored("yinchuan") == {}


def test_yaml_errors_carry_line_numbers_through_the_api(client, token_for):
    token = token_for("platform_admin", "platform")
    text = manifest_text("yinchuan").replace("tenant_id: yinchuan", "tenant_id: Yin Chuan")
    r = client.http.post("/v1/platform/tenants", headers={**auth(token), "Content-Type": "application/yaml"},
                         body=text.encode())
    assert r.status_code == 400
    err = next(e for e in r.json_body["errors"] if e["field"] == "tenant_id")
    assert err["line"] == text.splitlines().index("tenant_id: Yin Chuan") + 1


def test_a_city_cannot_take_another_citys_username(aws):
    aws.onboard("zhengzhou")
    data = yaml.safe_load(manifest_text("yinchuan"))
    data["users"][0]["username"] = "zz.admin"
    try:
        apply_manifest(manifest.validate(data))
        raise AssertionError("expected the manifest to be refused")
    except manifest.ManifestError as exc:
        assert "belongs to another tenant" in exc.problems[0].message
    assert _stored("yinchuan") == {}
    assert users.lookup("zz.admin").tenant_id == "zhengzhou"


def test_empty_or_non_utf8_body_is_a_400(client, token_for):
    token = token_for("platform_admin", "platform")
    h = {**auth(token), "Content-Type": "application/yaml"}
    assert client.http.post("/v1/platform/tenants", headers=h, body=b"").status_code == 400
    assert client.http.post("/v1/platform/tenants", headers=h, body=b"\xff\xfe").json_body["field"] == "body"


def test_an_unchanged_section_is_neither_read_nor_written(aws, monkeypatch):
    """Diffed per section: re-applying reads the sections' fingerprints and the profile, whatever the city's
    size; a changed department reads and writes the departments alone."""
    aws.onboard("zhengzhou")
    read: list[str] = []
    of_type, nodes_of = TenantConfigRepository.of_type, TenantConfigRepository.nodes_of
    monkeypatch.setattr(TenantConfigRepository, "of_type", lambda repo, t: read.append(t) or of_type(repo, t))
    monkeypatch.setattr(TenantConfigRepository, "nodes_of", lambda repo, k: read.append(k) or nodes_of(repo, k))
    again = aws.onboard("zhengzhou")
    assert not again.changed and read == []

    data = yaml.safe_load(manifest_text("zhengzhou"))
    data["departments"][0]["name"]["zh"] = "社区综合服务中心"
    report = apply_manifest(manifest.load(yaml.safe_dump(data, allow_unicode=True)))
    assert read == ["department"]
    assert report.updated == ["department#community-service"] and not report.created and not report.removed
    assert report.unchanged == again.unchanged - 1
    stored = _stored("zhengzhou")["department#community-service"]
    assert stored.data["name"]["zh"] == "社区综合服务中心"

    # users removed: the users' section alone is read, and they are retired
    read.clear()
    data["users"] = [u for u in data["users"] if u["role"] == "city_admin"]
    report = apply_manifest(manifest.load(yaml.safe_dump(data, allow_unicode=True)))
    assert read == ["user"] and report.removed and all(sk.startswith("user#") for sk in report.removed)
