"""一表通: the month's figures of the city's 社区信息共享清单 per community — equal to the dashboard's where the
dashboard shows them — rolled up to street, district and city, downloadable as XLSX and CSV, submitted and
locked by the community's staff, archived by the monthly job; another city sees none of it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote, urlparse

import pytest

from chalicelib import photos
from tests.support import JSON_HEADERS, auth, jbody

ZONE = timezone(timedelta(hours=8))
NOW = datetime.now(UTC)
MONTH = f"{NOW.astimezone(ZONE):%Y-%m}"
LAST = f"{NOW.astimezone(ZONE).replace(day=1) - timedelta(days=1):%Y-%m}"


@pytest.fixture
def city(aws, client):
    """郑州 with every demo service's data: what the report collects."""
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents", "directory", "requests", "care", "points", "access")
    return aws


@pytest.fixture
def town(aws, client):
    """郑州 with its residents and requests only (quicker; enough for files and submissions)."""
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents", "requests")
    return aws


def report(client, token, query=""):
    r = client.http.get(f"/v1/reports/monthly{query}", headers=auth(token))
    assert r.status_code == 200, r.body
    return r.json_body


def fetched(url: str) -> bytes:
    """The file behind a download link (the link's key, read from the local S3)."""
    parts = urlparse(url)
    path = parts.path.lstrip("/")
    key = unquote(path if parts.hostname.startswith(photos.bucket() + ".") else path.split("/", 1)[1])
    return photos.s3().get_object(Bucket=photos.bucket(), Key=key)["Body"].read()


def test_each_community_has_the_dashboards_figures_rolled_up_to_street_district_and_city(city, client):
    admin = city.login("zz.admin")
    rep = report(client, admin, f"?month={MONTH}")
    board = client.http.get(f"/v1/dashboard?month={MONTH}", headers=auth(admin)).json_body
    rows = {r["id"]: r["values"] for r in rep["communities"]}
    assert set(rows) == {c["id"] for c in board["communities"]}
    for c in board["communities"]:
        assert rows[c["id"]]["requests_filed"] == c["requests_filed"], c["id"]
    for v in board["care_visits"]["communities"]:
        assert rows[v["community_id"]]["care_visits"] == v["visits"]
        assert rows[v["community_id"]]["care_visits_on_time_rate"] == pytest.approx(v["on_time_rate"], abs=1e-3)
    for s in board["sorting"]["communities"]:
        assert rows[s["community_id"]]["sorting_kg"] == pytest.approx(s["total_kg"], abs=1e-3)
        assert rows[s["community_id"]]["points_earned"] == s["points"]
    jinghu = rows["jinghu"]
    assert jinghu["households"] >= 5 and jinghu["residents"] >= 5 and jinghu["care_subjects"] == 2
    assert jinghu["rental_leads_open"] == 0  # the demo's one lead was dismissed after a visit
    total = rep["total"]["values"]
    assert total["requests_filed"] == board["requests"]["total"]["filed"]
    assert total["sorting_kg"] == pytest.approx(board["sorting"]["totals"]["total_kg"], abs=1e-2)
    # a street is the sum of its communities; a rate is recomputed from the summed counts
    renhe = next(s for s in rep["streets"] if s["id"] == "renhelu")
    members = [r for r in rep["communities"] if r["parent"] == "renhelu"]
    assert renhe["communities"] == len(members) and renhe["communities_submitted"] == 0
    assert renhe["values"]["requests_filed"] == sum(r["values"]["requests_filed"] for r in members)
    visits = sum(r["values"]["care_visits"] for r in members)
    assert renhe["values"]["care_visits"] == visits
    assert [f["id"] for f in rep["figures"]][:3] == ["households", "residents", "registrations_pending"]
    filed = next(f for f in rep["figures"] if f["id"] == "requests_filed")  # the city's own definition
    assert filed["definition"] == "本月通过平台、12345转办和社区窗口受理的居民诉求" and filed["rate"] is False
    assert {d["id"] for d in rep["districts"]} >= {"erqi"}


def test_the_report_downloads_as_xlsx_sheets_per_level_and_as_csv_with_the_same_numbers(town, client):
    from openpyxl import load_workbook

    staff = town.login("zz.wang.fang")
    rep = report(client, staff, f"?month={MONTH}")
    r = client.http.get(f"/v1/reports/monthly/file?month={MONTH}&format=xlsx", headers=auth(staff))
    assert r.status_code == 200, r.body
    assert r.json_body["filename"] == f"一表通-郑州市-{MONTH}.xlsx"
    book = load_workbook(io.BytesIO(fetched(r.json_body["url"])))
    assert book.sheetnames == ["社区", "街道", "区县", "合计", "诉求分类", "告警类型", "指标说明"]
    sheet = book["社区"]
    assert sheet.freeze_panes == "B3"
    heads = [c.value for c in sheet[2]]
    assert heads[:3] == ["社区", "所属街道", "已登记户数（户）"] and heads[-3:] == ["报送状态", "报送人", "报送时间"]
    by_name = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    jinghu = next(x for x in rep["communities"] if x["id"] == "jinghu")
    line = by_name["荆胡社区"]
    assert line[heads.index("受理诉求（件）")] == jinghu["values"]["requests_filed"]
    rate_col = heads.index("巡访按时率（%）")
    assert sheet.cell(row=3, column=rate_col + 1).number_format == "0.0%"
    assert line[-3] == "未报送"
    assert [c.value for c in book["指标说明"][1]] == ["指标", "单位", "类别", "口径"]
    r = client.http.get(f"/v1/reports/monthly/file?month={MONTH}&format=csv", headers=auth(staff))
    raw = fetched(r.json_body["url"])
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = next(t for t in table if t and t[0] == "层级")
    row = next(t for t in table if len(t) > 1 and t[1] == "荆胡社区")
    assert float(row[header.index("受理诉求（件）")]) == jinghu["values"]["requests_filed"]
    r = client.http.get(f"/v1/reports/monthly/file?month={MONTH}&format=pdf", headers=auth(staff))
    assert r.status_code == 400 and r.json_body["field"] == "format"


def test_a_submitted_report_is_locked_with_who_and_when_and_the_street_sees_it(town, client):
    from chalicelib.store.keys import TenantContext
    from chalicelib.store.models import RequestStatsItem

    staff = town.login("zz.wang.fang")
    path = "/v1/reports/monthly/communities/jinghu/submission"
    r = client.http.post(path, headers={**auth(staff), **JSON_HEADERS}, body=jbody({"month": MONTH}))
    assert r.status_code == 400 and r.json_body["field"] == "month"  # this month is not over
    r = client.http.post(path, headers={**auth(staff), **JSON_HEADERS}, body=jbody({"month": LAST}))
    assert r.status_code == 201, r.body
    assert r.json_body["submitted"]["by"] == "zz.wang.fang" and r.json_body["id"] == "jinghu"
    locked, categories = r.json_body["values"], r.json_body["requests_by_category"]
    again = client.http.post(path, headers={**auth(staff), **JSON_HEADERS}, body=jbody({"month": LAST}))
    assert again.status_code == 409 and again.json_body["field"] == "month"
    # later writes to that month change the other communities' figures, not the submitted one's
    tenant = TenantContext("zhengzhou")
    for community in ("jinghu", "zhengda"):
        for sk in (f"community#{community}", f"category#{community}#water-electric-repair"):
            RequestStatsItem(tenant.request_stats_pk(LAST), sk).update(
                actions=[RequestStatsItem.filed.add(5), RequestStatsItem.kind.set(RequestStatsItem),
                         RequestStatsItem.tenant_id.set("zhengzhou")])
    rep = report(client, town.login("zz.admin"), f"?month={LAST}")
    rows = {x["id"]: x for x in rep["communities"]}
    assert rows["jinghu"]["values"] == locked and rows["jinghu"]["submitted"]["by"] == "zz.wang.fang"
    assert rows["jinghu"]["requests_by_category"] == categories  # the breakdowns are locked with it
    assert any(c["category"] == "water-electric-repair" and c["filed"] >= 5
               for c in rows["zhengda"]["requests_by_category"])
    assert rows["zhengda"]["values"]["requests_filed"] >= 5 and rows["zhengda"]["submitted"] is None
    renhe = next(s for s in rep["streets"] if s["id"] == "renhelu")
    assert renhe["communities_submitted"] == 1 and rep["total"]["communities_submitted"] == 1
    other = client.http.post("/v1/reports/monthly/communities/zhengda/submission",
                             headers={**auth(staff), **JSON_HEADERS}, body=jbody({"month": LAST}))
    assert other.status_code == 404 and other.json_body["field"] == "community_id"  # not her community


def test_requests_by_category_and_alerts_by_type_add_up_at_every_level(town, client):
    from tests.functional.places import T0, apply, post, register_all, transition

    admin = town.login("zz.admin")
    register_all(client, admin)
    closed = {"zz-smoke-0501": ("smoke.alarm", "false_alarm"), "zz-gas-b4": ("gas.leak", "handled"),
              "zz-noise-zd": ("noise.too_loud", "verified_on_site")}
    for n, (device, (rule, _)) in enumerate(closed.items()):
        assert apply(transition(device, rule, T0.timestamp() + n)).raised == 1
    alerts = client.http.get("/v1/alerts?limit=50", headers=auth(admin)).json_body["items"]
    for a in alerts:
        r = post(client, f"/v1/alerts/{a['alert_id']}/resolve", admin,
                 {"note": "上门核实并处置", "outcome": closed[a["device_id"]][1]})
        assert r.status_code == 200, r.body
    month = f"{datetime.now(UTC):%Y-%m}"  # alerts are counted in the month they were closed
    rep = report(client, admin, f"?month={month}")
    rows = {x["id"]: x for x in rep["communities"]}
    smoke = {t["device_type"]: t for t in rows["jinghu"]["alerts_by_type"]}
    assert (smoke["smoke"]["name"]["zh"], smoke["smoke"]["resolved"], smoke["smoke"]["false_alarm_rate"]) == \
        ("烟感", 1, 1.0)
    assert (smoke["gas"]["resolved"], smoke["gas"]["false_alarms"]) == (1, 0)
    assert [t["device_type"] for t in rows["zhengda"]["alerts_by_type"]] == ["noise"]
    stats = client.http.get(f"/v1/alert-stats?month={month}", headers=auth(admin)).json_body
    total = {t["device_type"]: (t["resolved"], t["false_alarms"]) for t in rep["total"]["alerts_by_type"]}
    assert total == {t["key"]: (t["resolved"], t["false_alarms"]) for t in stats["by_device_type"]}

    # requests: a community's categories add up to its requests filed; a street's and the city's are the sums
    for row in (*rep["communities"], *rep["streets"], rep["total"]):
        assert sum(c["filed"] for c in row["requests_by_category"]) == row["values"]["requests_filed"], row["id"]
        for c in row["requests_by_category"]:
            assert c["resolution_rate"] == (round(c["resolved"] / c["filed"], 4) if c["filed"] else None)
    for street in rep["streets"]:
        members = [r for r in rep["communities"] if r["parent"] == street["id"]]
        for c in street["requests_by_category"]:
            assert c["filed"] == sum(m["filed"] for r in members for m in r["requests_by_category"]
                                     if m["category"] == c["category"])
    assert rep["total"]["requests_by_category"], "the demo requests have categories"
    named = rep["total"]["requests_by_category"][0]
    assert named["name"]["zh"] and named["filed"] >= 1

    # and in the files
    from openpyxl import load_workbook

    r = client.http.get(f"/v1/reports/monthly/file?month={month}&format=xlsx", headers=auth(admin))
    book = load_workbook(io.BytesIO(fetched(r.json_body["url"])))
    lines = list(book["告警类型"].iter_rows(min_row=2, values_only=True))
    assert ("社区", "荆胡社区", "烟感", 1, 1, 1.0) in lines and ("合计", "合计", "噪声监测仪", 1, 0, 0.0) in lines
    assert book["诉求分类"]["A1"].value == "层级" and book["诉求分类"].max_row > 1
    r = client.http.get(f"/v1/reports/monthly/file?month={month}&format=csv", headers=auth(admin))
    text = fetched(r.json_body["url"]).decode("utf-8-sig")
    assert "告警类型" in text and "社区,荆胡社区,烟感,1,1,1" in text


def test_staff_see_their_communities_and_a_future_month_is_refused(town, client):
    staff = town.login("zz.wang.fang")
    rep = report(client, staff, f"?month={MONTH}")
    assert [c["id"] for c in rep["communities"]] == ["jinghu"]
    assert rep["total"]["communities"] == 1
    nxt = f"{(NOW.astimezone(ZONE).replace(day=28) + timedelta(days=5)):%Y-%m}"
    for month in (nxt, "0000-01"):
        r = client.http.get(f"/v1/reports/monthly?month={month}", headers=auth(staff))
        assert r.status_code == 400 and r.json_body["field"] == "month"
    r = client.http.get("/v1/reports/monthly", headers=auth(town.login("zz.zhang.guilan")))
    assert r.status_code == 403
    assert report(client, staff)["month"] == LAST  # by default the month just ended


def test_the_monthly_job_archives_every_citys_report_of_the_month_just_ended(town, client):
    from openpyxl import load_workbook

    from chalicelib.reporting.jobs import monthly_job

    out = monthly_job({}, None)
    assert f"t/zhengzhou/reports/{LAST}/archive.xlsx" in out["archived"] and out["failed"] == []
    body = photos.s3().get_object(Bucket=photos.bucket(), Key=f"t/zhengzhou/reports/{LAST}/archive.xlsx")["Body"]
    assert load_workbook(io.BytesIO(body.read()))["合计"]["A3"].value == "合计"


def test_a_sharing_list_names_only_figures_the_platform_computes():
    from pydantic import ValidationError

    from chalicelib.tenancy.models import Reporting

    assert [f.id for f in Reporting(figures=[{"id": "care_visits"}]).figures] == ["care_visits"]
    with pytest.raises(ValidationError, match="are not figures the platform computes"):
        Reporting(figures=[{"id": "gdp"}])
    with pytest.raises(ValidationError, match="each id once"):
        Reporting(figures=[{"id": "care_visits"}, {"id": "care_visits"}])
