"""The process's botocore loader (chalicelib/aws.py) reads models as botocore's own does: the same
service model and endpoints, an unknown service refused with the known ones named."""

from __future__ import annotations

import pytest
from botocore.exceptions import UnknownServiceError
from botocore.loaders import Loader

from chalicelib.aws import _loader


def test_models_and_endpoints_equal_botocores_own():
    ours, theirs = _loader.__wrapped__(), Loader()  # fresh ones: what a session got may have been touched since
    for service in ("dynamodb", "sts", "cognito-idp"):
        assert ours.load_service_model(service, "service-2") == theirs.load_service_model(service, "service-2")
    assert ours.load_data("endpoints") == theirs.load_data("endpoints")


def test_an_unknown_service_is_refused_naming_the_known_ones():
    with pytest.raises(UnknownServiceError) as exc:
        _loader().load_service_model("no-such-service", "service-2")
    assert "dynamodb" in str(exc.value)
    assert "sts" in _loader().list_available_services("service-2")
    assert "no-such-service" not in _loader().list_available_services("service-2")
