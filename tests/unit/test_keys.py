"""Keys can only be built from a tenant context, and always start with T#<tenant>#."""

from __future__ import annotations

import pytest

from chalicelib.store.keys import TenantContext


def test_every_key_starts_with_the_tenant():
    t = TenantContext("zhengzhou")
    assert t.config_pk() == "T#zhengzhou#CONF"
    assert t.resident_pk("u1") == "T#zhengzhou#RES#u1"
    assert t.registrations_pk("jinghu", "pending") == "T#zhengzhou#REG#jinghu#pending"


@pytest.mark.parametrize("bad", ["", "Zhengzhou", "zz#x", "a", "platform#", "郑州", "x" * 40, "-abc"])
def test_malformed_tenant_ids_are_refused(bad):
    with pytest.raises(ValueError):
        TenantContext(bad)


def test_a_key_part_cannot_smuggle_in_another_partition():
    with pytest.raises(ValueError):
        TenantContext("yinchuan").resident_pk("x#T#zhengzhou")
