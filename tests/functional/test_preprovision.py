"""Fleet provisioning's pre-provisioning hook: only a serial a vendor registered for fleet
provisioning in that city, for a device without an active certificate."""

from __future__ import annotations

import boto3
import pytest

from chalicelib.devices.preprovision import hook
from tests.functional.vendor import provision, rotate


@pytest.fixture
def vendor(aws):
    aws.onboard("zhengzhou")
    return aws.token_for("vendor", "zhengzhou")


def event(**parameters: str) -> dict:
    return {"claimCertificateId": "c" * 64, "certificateId": "d" * 64, "certificatePem": "…",
            "templateArn": "arn:aws:iot:us-east-1:123456789012:provisioningtemplate/cc-fleet",
            "clientId": "factory-7", "parameters": parameters}


def test_a_registered_serial_is_accepted_with_its_thing_name_device_and_type(client, vendor):
    assert provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="fleet").status_code == 201
    out = hook(event(tenant="zhengzhou", serial="sn-0001", thing_name="zhengzhou_evil"), None)
    assert out == {"allowProvisioning": True, "parameterOverrides": {
        "thing_name": "zhengzhou_zz-smoke-1", "device_id": "zz-smoke-1", "type": "smoke"}}


def test_unknown_serials_other_cities_and_malformed_parameters_are_refused(client, aws, vendor):
    provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="fleet")
    aws.onboard("yinchuan")
    for params in ({"tenant": "zhengzhou", "serial": "SN-9999"}, {"tenant": "yinchuan", "serial": "SN-0001"},
                   {"tenant": "nowhere", "serial": "SN-0001"}, {"tenant": "Bad Tenant!", "serial": "SN-0001"},
                   {"tenant": "zhengzhou", "serial": "SN#0001"}, {"tenant": "zhengzhou"}, {}):
        assert hook(event(**params), None) == {"allowProvisioning": False}, params
    assert hook({}, None) == {"allowProvisioning": False}


def test_a_device_that_already_has_a_certificate_cannot_be_provisioned_again(client, vendor):
    provision(client, vendor, "zz-smoke-1", "SN-0001", credentials="generate")
    assert hook(event(tenant="zhengzhou", serial="SN-0001"), None)["allowProvisioning"] is False
    provision(client, vendor, "zz-smoke-2", "SN-0002", credentials="fleet")
    assert hook(event(tenant="zhengzhou", serial="SN-0002"), None)["allowProvisioning"] is True
    assert rotate(client, vendor, "zz-smoke-2", credentials="generate").status_code == 201
    assert hook(event(tenant="zhengzhou", serial="SN-0002"), None)["allowProvisioning"] is False


def test_a_thing_that_already_holds_a_certificate_in_iot_is_refused(client, vendor):
    """Fleet provisioning attached one before (it is not in the table): a second claim is refused."""
    provision(client, vendor, "zz-smoke-3", "SN-0003", credentials="fleet")
    iot = boto3.client("iot", region_name="us-east-1")
    iot.create_thing(thingName="zhengzhou_zz-smoke-3")
    cert = iot.create_keys_and_certificate(setAsActive=True)
    iot.attach_thing_principal(thingName="zhengzhou_zz-smoke-3", principal=cert["certificateArn"])
    assert hook(event(tenant="zhengzhou", serial="SN-0003"), None)["allowProvisioning"] is False
