"""Thing names: account-wide unique, mapped back to the in-city device id, valid in topics."""

from __future__ import annotations

import pytest

from iot import topics
from iot.things import device_id_of, tenant_group, tenant_of, thing_name


def test_a_thing_name_carries_the_tenant_and_maps_back_to_the_device_id():
    name = thing_name("zhengzhou", "zz-smoke-0501")
    assert name == "zhengzhou_zz-smoke-0501"
    assert device_id_of("zhengzhou", name) == "zz-smoke-0501"
    assert tenant_of(name) == "zhengzhou"
    assert topics.parse(topics.topic("zhengzhou", name)).thing == name


def test_tenants_whose_ids_prefix_each_other_never_share_a_thing_name():
    assert thing_name("zheng", "zhou-x1") != thing_name("zheng-zhou", "x1")
    assert device_id_of("zheng", thing_name("zheng-zhou", "x1")) is None
    assert device_id_of("zheng-zhou", thing_name("zheng-zhou", "x_1")) == "x_1"


@pytest.mark.parametrize("thing", ["yinchuan_zz-smoke-0501", "zz-smoke-0501", "zhengzhou-zz-smoke", "zhengzhou_",
                                   "zhengzhou_a#b", ""])
def test_a_thing_of_another_tenant_or_no_thing_name_maps_to_no_device(thing):
    assert device_id_of("zhengzhou", thing) is None


def test_a_thing_name_fits_topics_and_telemetry_or_is_refused():
    assert len(thing_name("zhengzhou", "d" * 54)) == 64
    with pytest.raises(ValueError, match="64"):
        thing_name("zhengzhou", "d" * 55)


def test_each_city_has_its_own_thing_group():
    assert tenant_group("yinchuan") == "cc-yinchuan" != tenant_group("zhengzhou")
