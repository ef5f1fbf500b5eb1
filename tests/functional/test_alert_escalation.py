"""Nobody acknowledges in time → the alert climbs grid → community → city, and each level's
people find it in their inbox; care subjects' families are told too and follow their household."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.alerts.escalation import sweep_escalations
from chalicelib.auth import users
from chalicelib.auth.roles import Role
from tests.functional.places import HOUSEHOLD, T0, apply, list_alerts, post, transition
from tests.support import PASSWORD, auth

TS = T0.timestamp()
GRID1, GRID2, ADMIN = "zz.wang.fang", "zz.li.jianguo", "zz.admin"  # grid owners of jinghu-g1, -g2; city admin


def escalated(now):
    """Alerts escalated per city (the sweep also says by severity)."""
    return {t: sum(by_severity.values()) for t, by_severity in sweep_escalations(now).items()}


def _inbox(client, city, username):
    r = client.http.get("/v1/me/notifications", headers=auth(city.login(username)))
    assert r.status_code == 200, r.body
    return r.json_body["items"]


def _levels(client, city, username):
    return [n["level"] for n in _inbox(client, city, username)]


def test_an_unacknowledged_critical_alert_climbs_from_grid_to_community_to_city(client, city):
    apply(transition("zz-smoke-0501", "smoke.alarm", TS))
    assert (_levels(client, city, GRID1), _levels(client, city, GRID2), _levels(client, city, ADMIN)) == ([1], [], [])

    assert escalated(T0 + timedelta(minutes=4)) == {"zhengzhou": 0}
    assert escalated(T0 + timedelta(minutes=5, seconds=1)) == {"zhengzhou": 1}
    assert (_levels(client, city, GRID1), _levels(client, city, GRID2), _levels(client, city, ADMIN)) == (
        [2, 1], [2], [])

    assert escalated(T0 + timedelta(minutes=10, seconds=2)) == {"zhengzhou": 1}
    assert _levels(client, city, ADMIN) == [3]
    # At the top level it leaves the escalation index: nothing more, however long it waits.
    assert escalated(T0 + timedelta(days=2)) == {"zhengzhou": 0}

    alert = list_alerts(client, city.token_for("city_admin", "zhengzhou"))[0]
    assert alert["level"] == 3 and alert["escalate_at"] is None
    steps = [(e["level"], e["to"]) for e in alert["timeline"] if e["action"] == "escalated"]
    assert steps == [(2, sorted([GRID1, GRID2])), (3, [ADMIN])]
    note = _inbox(client, city, ADMIN)[0]
    assert note["alert_id"] == alert["alert_id"] and note["severity"] == "critical"
    assert "升级至市级" in note["text"]["zh"] and "escalated to city" in note["text"]["en"]


def test_an_acknowledged_alert_does_not_escalate(client, city):
    apply(transition("zz-smoke-0501", "smoke.alarm", TS))
    alert_id = _inbox(client, city, GRID1)[0]["alert_id"]
    assert post(client, f"/v1/alerts/{alert_id}/acknowledge", city.login(GRID1), {"note": "在路上"}).status_code == 200
    assert escalated(T0 + timedelta(hours=1)) == {"zhengzhou": 0}
    assert _levels(client, city, GRID2) == [] and _levels(client, city, ADMIN) == []


def test_warnings_and_infos_wait_longer_before_escalating(client, city):
    apply(transition("zz-manhole-gate", "manhole.open", TS, severity="warning"),
          transition("zz-gas-b4", "gas.battery_low", TS, severity="info"))
    assert escalated(T0 + timedelta(minutes=29)) == {"zhengzhou": 0}
    assert escalated(T0 + timedelta(minutes=30)) == {"zhengzhou": 1}  # the warning
    assert escalated(T0 + timedelta(minutes=59)) == {"zhengzhou": 0}
    assert escalated(T0 + timedelta(hours=4)) == {"zhengzhou": 2}  # the info; the warning again


def test_a_public_spot_alert_goes_to_the_whole_community_at_first(client, city):
    apply(transition("zz-manhole-gate", "manhole.open", TS, severity="warning"))
    assert (_levels(client, city, GRID1), _levels(client, city, GRID2)) == ([1], [1])


def test_the_scheduled_handler_sweeps_every_city(client, city):
    r = client.lambda_.invoke("escalate_alerts", client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    assert r.payload == {"escalated": {"zhengzhou": 0}}


def _resident(client, city, username, room):
    users.ensure_user(users.NewUser(username, "zhengzhou", Role.RESIDENT, password=PASSWORD))
    token = city.login(username)
    r = post(client, "/v1/me/registration", token, {"community_id": "jinghu", "building_id": "jinghu-g1-b1",
                                                    "unit": 1, "room": room, "name": "张秀兰",
                                                    "phone": "13912345678", "relation": "family"})
    assert r.status_code == 201, r.body
    return token, r.json_body["resident_id"]


def _verify(client, city, resident_id):
    r = post(client, f"/v1/residents/{resident_id}/verification", city.token_for("staff", "zhengzhou"),
             {"decision": "approve"})
    assert r.status_code == 200, r.body


def test_a_care_subjects_family_is_told_and_follows_its_household_but_not_the_neighbours(client, city):
    family, family_id = _resident(client, city, "jinghu.daughter", "0501")
    neighbour, neighbour_id = _resident(client, city, "jinghu.neighbour", "0502")
    r = client.http.get("/v1/me/alerts", headers=auth(family))
    assert r.status_code == 403 and r.json_body["field"] == "registration"  # not verified yet
    _verify(client, city, family_id)
    _verify(client, city, neighbour_id)
    post(client, "/v1/devices", city.token_for("city_admin", "zhengzhou"), {
        "device_id": "zz-door-0502", "type": "door", "serial": "D-2", "community_id": "jinghu",
        "household_id": "jinghu-g1-b1-1-0502"})
    apply(transition("zz-smoke-0501", "smoke.alarm", TS), transition("zz-door-0502", "door.forced", TS))

    mine = client.http.get("/v1/me/alerts", headers=auth(family)).json_body["items"]
    assert [a["device_id"] for a in mine] == ["zz-smoke-0501"] and mine[0]["path"][-1] == HOUSEHOLD
    assert [n["alert_id"] for n in _inbox(client, city, "jinghu.daughter")] == [mine[0]["alert_id"]]
    theirs = client.http.get("/v1/me/alerts", headers=auth(neighbour)).json_body["items"]
    assert [a["device_id"] for a in theirs] == ["zz-door-0502"]
    assert _inbox(client, city, "jinghu.neighbour") == []  # the door is not a care subject's device

    assert mine[0]["timeline"][0]["to"] == []  # residents do not see the staff it was routed to
    assert client.http.get(f"/v1/alerts/{mine[0]['alert_id']}", headers=auth(family)).status_code == 200
    assert client.http.get(f"/v1/alerts/{mine[0]['alert_id']}", headers=auth(neighbour)).status_code == 404
    said = post(client, f"/v1/alerts/{mine[0]['alert_id']}/comments", family, {"text": "已联系母亲，她没事"})
    assert said.status_code == 201 and said.json_body["timeline"][-1]["by"] == "jinghu.daughter"
    assert post(client, f"/v1/alerts/{mine[0]['alert_id']}/comments", neighbour, {"text": "?"}).status_code == 404

    # who to call: staff reading the alert get the household's residents (masked, to reveal under audit)
    # and the grid's staff with their work phones; family reading it get none of that
    staff = client.http.get(f"/v1/alerts/{mine[0]['alert_id']}", headers=auth(city.login(GRID1))).json_body
    assert [(c["kind"], c["name"], c["relation"], c["resident_id"], c["phone_masked"], c["phone"])
            for c in staff["contacts"]] == [
        ("household", "张*兰", "family", family_id, "139****5678", None),
        ("staff", "王芳", None, None, None, "13903711101")]
    assert client.http.get(f"/v1/alerts/{mine[0]['alert_id']}", headers=auth(family)).json_body["contacts"] == []
    listed = list_alerts(client, city.login(GRID1))
    assert all(a["contacts"] == [] for a in listed)  # the board's list stays lean: contacts on opening one


def test_a_resident_without_a_registration_has_no_household_alerts(client, city):
    r = client.http.get("/v1/me/alerts", headers=auth(city.token_for("resident", "zhengzhou")))
    assert r.status_code == 404 and r.json_body["field"] == "registration"


def test_the_inbox_is_newest_first_and_paged(client, city):
    for n in range(5):
        apply(transition("zz-manhole-gate", f"manhole.event_{n}", TS + n), now=T0 + timedelta(seconds=n))
    token = auth(city.login(GRID1))
    seen, cursor = [], None
    for _ in range(5):
        page = client.http.get("/v1/me/notifications?limit=2" + (f"&cursor={cursor}" if cursor else ""),
                               headers=token).json_body
        seen += [n["sent_at"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    bad = client.http.get("/v1/me/notifications?cursor=%%%", headers=token)
    assert bad.status_code == 400 and bad.json_body["field"] == "cursor"
