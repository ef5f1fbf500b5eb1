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


def test_device_alert_and_inbox_keys_start_with_the_tenant():
    t = TenantContext("zhengzhou")
    assert t.device_pk("zz-smoke-1") == "T#zhengzhou#DEV#zz-smoke-1"
    assert t.devices_pk("jinghu") == "T#zhengzhou#DEVICES#jinghu"
    assert t.alert_pk("a1") == "T#zhengzhou#ALERT#a1"
    assert t.alerts_pk("open", "critical") == "T#zhengzhou#ALERTS#open#critical"
    assert t.escalations_pk() == "T#zhengzhou#ESC"
    assert t.inbox_pk("zz.wang.fang") == "T#zhengzhou#INBOX#zz.wang.fang"
    with pytest.raises(ValueError):
        t.inbox_pk("x#T#yinchuan")
