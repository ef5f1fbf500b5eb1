"""Pagination cursors are signed for the caller's city and the query they continue: a cursor that was edited,
made up, kept from before signing, replayed on another query or brought from another city is a 400 naming
``cursor`` — never another page of someone else's data."""

from __future__ import annotations

import base64

import pytest

from tests.functional.places import register
from tests.support import auth


@pytest.fixture
def paged(aws, client):
    aws.onboard("zhengzhou")
    aws.onboard("yinchuan")
    admin = aws.token_for("city_admin", "zhengzhou")
    for n in range(3):
        assert register(client, admin, f"zz-door-{n}", type="door", community_id="jinghu",
                        household_id=f"jinghu-g1-b1-1-0{n + 1}01").status_code == 201
    first = client.http.get("/v1/communities/jinghu/devices?limit=1", headers=auth(admin)).json_body
    return aws, admin, first["next_cursor"]


def _page(client, token, path, cursor):
    return client.http.get(f"{path}?limit=1&cursor={cursor}", headers=auth(token))


def test_a_returned_cursor_continues_the_same_query(client, paged):
    _, admin, cursor = paged
    inner, mac = cursor.rsplit(".", 1)
    assert len(mac) == 22 and base64.urlsafe_b64decode(inner).decode().count("#")  # the key itself is not hidden
    r = _page(client, admin, "/v1/communities/jinghu/devices", cursor)
    assert r.status_code == 200 and [d["device_id"] for d in r.json_body["items"]] == ["zz-door-1"]
    # a different page size is the same query
    r = client.http.get(f"/v1/communities/jinghu/devices?limit=5&cursor={cursor}", headers=auth(admin))
    assert [d["device_id"] for d in r.json_body["items"]] == ["zz-door-1", "zz-door-2"]


def _refused(r):
    assert r.status_code == 400, r.body
    assert r.json_body["field"] == "cursor" and r.json_body["code"] == "invalid_input"


def test_an_edited_or_unsigned_cursor_is_a_400_naming_cursor(client, paged):
    _, admin, cursor = paged
    inner, mac = cursor.rsplit(".", 1)
    forged_key = base64.urlsafe_b64encode(base64.urlsafe_b64decode(inner).replace(b"0101", b"0301")).decode()
    for bad in (f"{forged_key}.{mac}", inner, f"{inner}.{'A' * 22}", f"{inner}.", "x.y", "a%F2%8C%A0%87.%C2%9COg"):
        _refused(_page(client, admin, "/v1/communities/jinghu/devices", bad))


def test_a_cursor_replayed_on_another_query_or_from_another_city_is_refused(client, paged):
    aws, admin, cursor = paged
    _refused(_page(client, admin, "/v1/communities/zhengda/devices", cursor))
    yinchuan = aws.token_for("city_admin", "yinchuan")
    _refused(_page(client, yinchuan, "/v1/communities/jinghu/devices", cursor))
    _refused(_page(client, yinchuan, "/v1/communities/aolinpike/devices", cursor))
