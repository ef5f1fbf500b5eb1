"""门禁 / 群租: entrance passages counted per household per local week (once, however often delivered),
and a 疑似群租 lead raised at the city's thresholds, merged when it recurs, confirmed or dismissed by staff."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest

from chalicelib.telemetry.handler import handle_sqs
from tests.support import JSON_HEADERS, auth, jbody

ZONE = ZoneInfo("Asia/Shanghai")
DOOR = "zz-door-b8-4"
RENTED = "jinghu-g3-b8-4-201"  # cards issued at the office (tenants/demo/zhengzhou/points.yaml)
FAMILY = "jinghu-g1-b1-1-302"  # 张桂兰
CARDS = [f"5101080{n:03d}" for n in range(1, 8)]
LEADS = "/v1/rental-leads"
JINGHU = LEADS + "?community_id=jinghu"
_ids = count(1)


def post(client: Any, path: str, token: str, payload: Any) -> Any:
    return client.http.post(path, headers={**auth(token), **JSON_HEADERS}, body=jbody(payload))


def get(client: Any, path: str, token: str) -> Any:
    return client.http.get(path, headers=auth(token))


def passage(card: str, at: datetime | int, direction: str = "in", device: str = DOOR, tenant: str = "zhengzhou",
            **extra: Any) -> dict[str, Any]:
    ts = at if isinstance(at, int) else int(at.timestamp() * 1000)
    return {"tenant": tenant, "device": f"{tenant}_{device}", "received_at": int(time.time() * 1000), "ts": ts,
            "passage": f"p-{next(_ids)}", "door": "4单元正门", "direction": direction, "card": card, **extra}


def deliver(messages: list[dict[str, Any]]) -> set[int]:
    """The messages as the telemetry queue hands them to the function; the positions it fails."""
    event = {"Records": [{
        "messageId": f"m{i}", "receiptHandle": f"r{i}", "body": orjson.dumps(m).decode(), "attributes": {},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:cn-north-1:000000000000:cc-telemetry", "awsRegion": "cn-north-1"}
        for i, m in enumerate(messages)]}
    out = handle_sqs(event, None)
    return {int(f["itemIdentifier"][1:]) for f in out.get("batchItemFailures", [])}


def two_days_of_one_week() -> tuple[datetime, datetime]:
    """Noon of two consecutive past days in the same local week, inside the last seven days."""
    today = datetime.now(ZONE).date()
    day = next(d for d in (today - timedelta(days=n) for n in range(6, 1, -1)) if d.weekday() < 6)
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZONE)
    return noon, noon + timedelta(days=1)


@pytest.fixture
def zz(aws, client):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    admin, staff = aws.login("zz.admin"), aws.login("zz.wang.fang")
    for device_id, kind in ((DOOR, "access_control"), ("zz-bin-plain", "smart_bin")):
        r = post(client, "/v1/devices", admin, {"device_id": device_id, "type": kind, "serial": f"SN-{device_id}",
                                                "community_id": "jinghu", "building_id": "jinghu-g3-b8"})
        assert r.status_code == 201, r.body
    for card in CARDS[:6]:  # six cards for one flat: what a landlord letting beds asks the office for
        assert post(client, f"/v1/points/households/{RENTED}/cards", staff, {"card": card}).status_code == 201
    assert post(client, f"/v1/points/households/{FAMILY}/cards", staff, {"card": CARDS[6]}).status_code == 201
    return aws


def test_many_cards_of_one_household_in_a_week_raise_a_lead_staff_see_with_counts_only(zz, client):
    day, _ = two_days_of_one_week()
    assert deliver([passage(c, day + timedelta(minutes=n)) for n, c in enumerate(CARDS[:5])]) == set()
    page = get(client, JINGHU, zz.login("zz.wang.fang")).json_body
    assert page["counts"] == {"open": 1, "confirmed": 0, "dismissed": 0}
    lead = page["items"][0]
    assert (lead["household_id"], lead["status"], lead["reasons"]) == (RENTED, "open", ["many_cards"])
    assert lead["household"] == "8号楼 4单元 201"
    monday = day.date() - timedelta(days=day.weekday())
    week = lead["weeks"][0]
    assert week["week"] == monday.isoformat() and week["cards"] == 5 and sum(week["entries"]) == 5
    assert week["entries"][day.weekday()] == 5
    assert not any(c in str(page) or c[-4:] in str(page) for c in CARDS)  # counts only: no card, masked or not
    assert page["thresholds"]["weekly_cards"] == 4 and page["thresholds"]["dismissed_quiet_days"] == 30


def test_four_cards_are_a_family_and_one_busy_day_is_a_party_not_a_lead(zz, client):
    first, second = two_days_of_one_week()
    family = [passage(c, first + timedelta(minutes=n)) for n, c in enumerate(CARDS[:4])]
    party = [passage(CARDS[0], first + timedelta(minutes=10 + n)) for n in range(13)]  # 17 entries on one day
    outs = [passage(CARDS[0], second + timedelta(minutes=n), "out") for n in range(20)]  # exits count no entry
    assert deliver(family + party + outs) == set()
    assert get(client, JINGHU + "&status=all", zz.login("zz.wang.fang")).json_body["items"] == []


def test_busy_days_and_night_entries_raise_a_lead_and_a_second_week_merges_into_it(zz, client):
    first, second = two_days_of_one_week()
    busy = [passage(CARDS[n % 2], d + timedelta(minutes=n)) for d in (first, second) for n in range(13)]
    assert deliver(busy) == set()
    staff = zz.login("zz.wang.fang")
    lead = get(client, f"{LEADS}/{RENTED}", staff).json_body
    assert lead["reasons"] == ["busy_days"] and lead["weeks"][0]["busy_days"] == 2
    nights = [passage(CARDS[0], first.replace(hour=1) + timedelta(minutes=20 * n)) for n in range(7)]
    assert deliver(nights) == set()  # 01:00–03:00: 7 night entries, over 6
    lead = get(client, f"{LEADS}/{RENTED}", staff).json_body
    assert lead["reasons"] == ["busy_days", "night_entries"] and lead["weeks"][0]["night_entries"] == 7
    assert [h["action"] for h in lead["history"]] == ["raised", "merged"]
    assert lead["recent"][0]["entries"][first.weekday()] == 20
    assert get(client, JINGHU, staff).json_body["counts"]["open"] == 1  # one lead per household


def test_a_redelivered_or_concurrent_batch_counts_each_passage_once(zz, client, atomic_dynamodb):
    day, _ = two_days_of_one_week()
    batch = [passage(c, day + timedelta(minutes=n)) for n, c in enumerate(CARDS[:4] * 2)]
    assert deliver(batch) == set() and deliver(batch) == set()  # redelivered: still 8 entries, 4 cards
    staff = zz.login("zz.wang.fang")
    assert get(client, JINGHU + "&status=all", staff).json_body["items"] == []
    more = [[passage(CARDS[4 + k % 2], day + timedelta(hours=1, minutes=k * 10 + n)) for n in range(3)]
            for k in range(8)]
    threads = [threading.Thread(target=deliver, args=(b,)) for b in more]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lead = get(client, f"{LEADS}/{RENTED}", staff).json_body
    assert lead["recent"][0]["cards"] == 6 and lead["recent"][0]["entries"][day.weekday()] == 8 + 24
    assert [h["action"] for h in lead["history"]] == ["raised"]
    assert get(client, JINGHU, staff).json_body["counts"] == {"open": 1, "confirmed": 0, "dismissed": 0}


def test_bad_passages_are_refused_alone_and_unbound_cards_are_only_counted(zz, client):
    day, _ = two_days_of_one_week()
    future = int(time.time() * 1000) + 3_600_000
    batch = [passage(c, day) for c in CARDS[:5]] + [
        passage(CARDS[0], day, device="zz-bin-plain"),  # not an entrance controller
        passage(CARDS[0], day, device="zz-nobody"),  # no such device
        passage(CARDS[0], future),  # in the future
        passage(CARDS[0], day, direction="sideways"),
        {**passage(CARDS[0], day), "card": None},
        passage(CARDS[0], day - timedelta(days=9)),  # too old to change a lead
        passage("99990000", day),  # a card bound to no household: counted, no lead
    ]
    assert deliver(batch) == {5, 6, 7, 8, 9, 10}
    lead = get(client, f"{LEADS}/{RENTED}", zz.login("zz.wang.fang")).json_body
    assert lead["weeks"][0]["cards"] == 5


def test_staff_confirm_or_dismiss_an_open_lead_and_decide_it_once(zz, client):
    day, _ = two_days_of_one_week()
    deliver([passage(c, day + timedelta(minutes=n)) for n, c in enumerate(CARDS[:6])])
    staff = zz.login("zz.wang.fang")
    path = f"{LEADS}/{RENTED}"
    tomorrow = (datetime.now(ZONE).date() + timedelta(days=1)).isoformat()
    r = post(client, path + "/confirmation", staff, {"visited_on": tomorrow, "note": "上门核实"})
    assert r.status_code == 400 and r.json_body["field"] == "visited_on"
    r = post(client, path + "/confirmation", staff, {"visited_on": date.today().isoformat()})
    assert r.status_code == 400 and r.json_body["field"] == "note"
    r = post(client, path + "/dismissal", staff, {"reason": "friends", "note": "亲戚"})
    assert r.status_code == 400 and r.json_body["field"] == "reason"
    visit = {"visited_on": (datetime.now(ZONE).date() - timedelta(days=1)).isoformat(), "occupants": 9,
             "note": "上门核实：两室一厅住9人，上下铺，已告知房东整改并报派出所"}
    r = post(client, path + "/confirmation", staff, visit)
    assert r.status_code == 200, r.body
    assert r.json_body["status"] == "confirmed" and r.json_body["history"][-1]["occupants"] == 9
    assert r.json_body["history"][-1]["by"] == "zz.wang.fang"
    r = post(client, path + "/dismissal", staff, {"reason": "family", "note": "误报"})
    assert r.status_code == 409 and r.json_body["field"] == "status"
    counts = get(client, JINGHU + "&status=confirmed", staff).json_body
    assert counts["counts"] == {"open": 0, "confirmed": 1, "dismissed": 0} and len(counts["items"]) == 1
    deliver([passage(CARDS[0], day + timedelta(hours=2, minutes=n)) for n in range(20)])  # more evidence
    assert get(client, path, staff).json_body["status"] == "confirmed"


def test_a_dismissed_lead_stays_quiet_then_reopens_after_the_citys_quiet_days(zz, client):
    from chalicelib.access.models import Reason
    from chalicelib.access.repository import AccessRepository
    from chalicelib.access.service import LeadKeeper
    from chalicelib.store.keys import TenantContext
    from chalicelib.tenancy.models import RentalLeads
    from chalicelib.tenancy.service import TenantService

    day, _ = two_days_of_one_week()
    deliver([passage(c, day + timedelta(minutes=n)) for n, c in enumerate(CARDS[:5])])
    staff, path = zz.login("zz.wang.fang"), f"{LEADS}/{RENTED}"
    r = post(client, path + "/dismissal", staff, {"reason": "family", "note": "五口之家，孩子放假回来"})
    assert r.status_code == 200 and r.json_body["status"] == "dismissed"
    deliver([passage(CARDS[5], day + timedelta(minutes=30))])  # a sixth card within the quiet days
    lead = get(client, path, staff).json_body
    assert lead["status"] == "dismissed" and lead["weeks"][0]["cards"] == 6
    tenant = TenantContext("zhengzhou")
    keeper = LeadKeeper(tenant, AccessRepository(tenant), TenantService(tenant), RentalLeads(dismissed_quiet_days=0))
    home = {"household_id": RENTED, "community_id": "jinghu"}
    week = {**lead["weeks"][0], "night_entries": 9}
    assert keeper.feed(home, week, [Reason.NIGHT_ENTRIES]) == "raised"  # quiet days over: new evidence opens it again
    lead = get(client, path, staff).json_body
    assert lead["status"] == "open" and [h["action"] for h in lead["history"]] == ["raised", "dismissed", "reopened"]
    assert get(client, JINGHU, staff).json_body["counts"] == {"open": 1, "confirmed": 0, "dismissed": 0}


def test_leads_are_for_the_communitys_staff_only(zz, client):
    day, _ = two_days_of_one_week()
    deliver([passage(c, day + timedelta(minutes=n)) for n, c in enumerate(CARDS[:5])])
    assert get(client, JINGHU, zz.login("zz.admin")).status_code == 200
    resident = zz.login("zz.zhang.guilan")
    assert get(client, JINGHU, resident).status_code == 403
    r = get(client, LEADS + "?community_id=no-such", zz.login("zz.wang.fang"))
    assert r.status_code == 404 and r.json_body["field"] == "community_id"
    r = get(client, f"{LEADS}/{FAMILY}", zz.login("zz.wang.fang"))
    assert r.status_code == 404 and r.json_body["field"] == "household_id"
