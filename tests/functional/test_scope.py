"""Scopes (tenancy/scope.py) over the demo households: who is inside a place, who may act on it."""

from __future__ import annotations

import pytest

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.residents.repository import ResidentRepository
from chalicelib.store.keys import TenantContext
from chalicelib.tenancy import scope
from chalicelib.tenancy.scope import Scope
from chalicelib.tenancy.service import TenantService


@pytest.fixture
def zhengzhou(aws):
    aws.onboard("zhengzhou")
    aws.seed("zhengzhou", "residents")
    t = TenantContext("zhengzhou")
    return TenantService(t), ResidentRepository(t)


def _place(tenancy, level, place_id=None):
    return scope.resolve(tenancy, Scope(level=level, id=place_id))


def test_households_and_members_of_a_place_are_those_verified_inside_it(zhengzhou):
    tenancy, residents = zhengzhou
    building = _place(tenancy, "building", "jinghu-g1-b2")
    assert [h["household_id"] for h in scope.households(residents, building)] == [
        "jinghu-g1-b2-1-801", "jinghu-g1-b2-2-1203"]
    grid3 = _place(tenancy, "grid", "jinghu-g3")
    members = scope.members(residents, grid3)
    assert {m["household_id"] for m in members} == {"jinghu-g3-b8-4-201"} and len(members) == 2
    community = scope.households(residents, _place(tenancy, "community", "jinghu"))
    assert len(community) == 8
    street = _place(tenancy, "street", "renhelu")
    assert street.communities == ("jinghu",)
    city = _place(tenancy, "city")
    assert set(city.communities) == {"jinghu", "zhengda", "nongyeyuan", "jingqilu"}
    assert len(scope.households(residents, city)) == 9
    assert city.contains(["erqi", "renhelu", "jinghu"]) and not building.contains(["erqi", "renhelu", "jinghu"])


def test_grid_1_does_not_contain_grid_10(zhengzhou):
    tenancy, residents = zhengzhou
    assert scope.households(residents, _place(tenancy, "grid", "jinghu-g1"))  # and none of another grid
    assert all(h["path"][3] == "jinghu-g1"
               for h in scope.households(residents, _place(tenancy, "grid", "jinghu-g1")))


def test_an_unknown_place_names_the_field(zhengzhou):
    tenancy, _ = zhengzhou
    with pytest.raises(NotFound) as err:
        _place(tenancy, "grid", "jinghu-g9")
    assert err.value.field == "scope.id"


@pytest.mark.parametrize("body", [{"level": "city", "id": "x"}, {"level": "grid"}, {"level": "planet", "id": "x"}])
def test_a_scope_must_name_a_place_of_its_level(body):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Scope.model_validate(body)


def test_staff_act_only_on_places_inside_their_communities(zhengzhou):
    tenancy, _ = zhengzhou
    staff = Principal("u1", "zz.wang.fang", "zhengzhou", frozenset({Role.STAFF}))
    admin = Principal("u2", "zz.admin", "zhengzhou", frozenset({Role.CITY_ADMIN}))
    scope.require_staff(staff, tenancy, _place(tenancy, "building", "jinghu-g3-b7"))
    scope.require_staff(staff, tenancy, _place(tenancy, "street", "renhelu"))  # jinghu is all of it
    for level, place_id in (("community", "zhengda"), ("street", "daxuelu"), ("city", None)):
        with pytest.raises(Forbidden):
            scope.require_staff(staff, tenancy, _place(tenancy, level, place_id))
    scope.require_staff(admin, tenancy, _place(tenancy, "city"))
