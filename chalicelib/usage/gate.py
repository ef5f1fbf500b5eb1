"""What every authenticated request passes through (called by ``http.routing.route``): the city's
API rate limit and the request's count in the city's usage. Platform operators are not a city:
neither applies to them."""

from __future__ import annotations

from chalicelib.auth.principal import Principal
from chalicelib.constants import PLATFORM_TENANT
from chalicelib.errors import RateLimited
from chalicelib.usage.meter import meter
from chalicelib.usage.ratelimit import limiter


def admit(principal: Principal) -> None:
    """Count the request for its city and apply the city's rate: RateLimited (429) when over it."""
    if principal.is_platform_admin or principal.tenant_id == PLATFORM_TENANT:
        return
    meter.count(principal.tenant_id, api_requests=1)
    try:
        limiter().admit(principal.tenant_id)
    except RateLimited:
        meter.count(principal.tenant_id, api_throttled=1)
        raise


def done() -> None:
    """After the answer: write the container's counted usage when a burst is complete."""
    meter.maybe_flush()
