"""A manifest with errors is rejected with every problem listed, each with its line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chalicelib.tenancy import manifest
from tests.support import ROOT, manifest_text


@pytest.mark.parametrize("tenant", ["yinchuan", "zhengzhou"])
def test_shipped_manifests_are_valid_and_realistic(tenant):
    m = manifest.load(manifest_text(tenant))
    communities = [c for d in m.hierarchy.districts for s in d.streets for c in s.communities]
    assert len(communities) >= 3
    assert all(len(c.grids) >= 2 for c in communities)
    assert len(m.departments) >= 4
    assert len(m.service_catalog) >= 8
    assert any(u.role == "city_admin" for u in m.users)


def test_zhengzhou_includes_the_jinghu_provincial_pilot():
    m = manifest.load(manifest_text("zhengzhou"))
    names = {c.name.zh for d in m.hierarchy.districts for s in d.streets for c in s.communities}
    assert "荆胡社区" in names


BROKEN = """\
tenant_id: Bad_ID
name: {zh: 测试市, en: Test City}
province: {zh: 河南省, en: Henan}
tier:
  name: gold
  quotas: {residents: 10, devices: 10, api_requests_per_second: 5, staff_users: 3}
departments:
  - {id: property, name: {zh: 物业, en: Property}}
service_catalog:
  - code: leak
    name: {zh: 漏水, en: Leak}
    department: property
    sla: {respond_hours: 48, resolve_hours: 24}
hierarchy:
  districts:
    - id: d1
      name: {zh: 一区, en: D1}
      streets:
        - id: s1
          name: {zh: 一街, en: S1}
          communities:
            - id: c1
              name: {zh: 一社区, en: C1}
              address: 测试市一区一街1号
              location: {lat: 34.7, lng: 113.6}
              grids:
                - id: g1
                  name: {zh: 一网格, en: G1}
                  buildings:
                    - {id: b1, name: {zh: 1号楼, en: B1}, floors: 6, households: 24}
"""


def test_every_schema_problem_is_listed_with_its_line():
    with pytest.raises(manifest.ManifestError) as err:
        manifest.load(BROKEN)
    found = {p.field: p.line for p in err.value.problems}
    assert found["tenant_id"] == 1
    assert found["tier.name"] == 5
    assert "service_catalog[0].sla" in found and found["service_catalog[0].sla"] == 13


def test_cross_reference_problems_are_all_listed():
    text = manifest_text("zhengzhou")
    text = text.replace("department: property", "department: no-such-dept", 1)
    m = manifest.parse_yaml(text)[0]
    m["users"][1]["communities"] = ["nowhere"]
    m["hierarchy"]["districts"][0]["streets"][0]["communities"][0]["grids"][1]["id"] = (
        m["hierarchy"]["districts"][0]["streets"][0]["communities"][0]["grids"][0]["id"])
    with pytest.raises(manifest.ManifestError) as err:
        manifest.validate(m)
    messages = " | ".join(f"{p.field}: {p.message}" for p in err.value.problems)
    assert "unknown department 'no-such-dept'" in messages
    assert "unknown community 'nowhere'" in messages
    assert "duplicate hierarchy node id" in messages


def test_invalid_yaml_names_the_line():
    with pytest.raises(manifest.ManifestError) as err:
        manifest.load("tenant_id: x\nname: [unclosed\n")
    assert err.value.problems[0].line is not None


def test_cli_check_prints_file_line_field_and_fails(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "chalicelib.tenancy", "check", str(bad)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert f"{bad}:1: tenant_id:" in out.stderr
    ok = subprocess.run([sys.executable, "-m", "chalicelib.tenancy", "check", "tenants/zhengzhou.yaml"],
                        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr


def test_a_staff_members_grids_must_exist_and_lie_in_their_communities():
    m = manifest.parse_yaml(manifest_text("zhengzhou"))[0]
    m["users"][1]["grids"] = ["jinghu-g1", "zhengda-g1", "nowhere-g9"]  # zz.wang.fang serves jinghu
    with pytest.raises(manifest.ManifestError) as err:
        manifest.validate(m)
    found = {p.field: p.message for p in err.value.problems}
    assert found == {"users[1].grids[1]": "grid 'zhengda-g1' is not in the user's communities",
                     "users[1].grids[2]": "unknown grid 'nowhere-g9'"}


def test_grid_owners_are_read_from_the_shipped_manifest():
    owners = {u.username: u.grids for u in manifest.load(manifest_text("zhengzhou")).users if u.grids}
    assert owners == {"zz.wang.fang": ["jinghu-g1"], "zz.li.jianguo": ["jinghu-g2"]}
