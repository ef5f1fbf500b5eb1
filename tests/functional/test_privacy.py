"""Personal fields are sealed with the tenant's own data key."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from chalicelib import privacy
from chalicelib.store.keys import TenantContext


def test_sealed_value_opens_after_the_key_cache_is_dropped(aws):
    zz = TenantContext("zhengzhou")
    sealed = privacy.seal(zz, "phone", "13912345678")
    assert "13912345678" not in sealed
    privacy.forget_keys()  # a cold container: the data key is read back and unwrapped by KMS
    assert privacy.unseal(zz, "phone", sealed) == "13912345678"


def test_a_value_sealed_for_one_city_does_not_open_in_another(aws):
    sealed = privacy.seal(TenantContext("zhengzhou"), "phone", "13912345678")
    with pytest.raises(InvalidTag):
        privacy.unseal(TenantContext("yinchuan"), "phone", sealed)


def test_a_value_sealed_for_one_field_does_not_open_as_another(aws):
    sealed = privacy.seal(TenantContext("zhengzhou"), "phone", "13912345678")
    with pytest.raises(InvalidTag):
        privacy.unseal(TenantContext("zhengzhou"), "name", sealed)


@pytest.mark.parametrize(("phone", "masked"), [("13912345678", "139****5678"), ("123", "****")])
def test_phone_masking(phone, masked):
    assert privacy.mask_phone(phone) == masked


@pytest.mark.parametrize(("name", "masked"),
                         [("张秀兰", "张*兰"), ("李明", "李*"), ("欧阳娜娜", "欧**娜"), ("王", "王")])
def test_name_masking(name, masked):
    assert privacy.mask_name(name) == masked
