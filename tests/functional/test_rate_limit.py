"""Each city's API rate (``api_requests_per_second``) holds on its own: a noisy city gets 429s, its
neighbours do not notice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.errors import RateLimited
from chalicelib.usage.ratelimit import RateLimiter, api_rate, chunk_for, limiter
from tests.functional.quota_support import onboard_with
from tests.support import auth

SECOND = 1_900_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = SECOND + 0.1

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The limiter's clock held still, so a burst falls in one second; its buckets start empty."""
    rl, fixed = limiter(), Clock()
    original = rl.clock, rl.quota_of
    rl.reset()
    rl.clock, rl.quota_of = fixed, api_rate  # tests/conftest.py lifts the limit for the other suites
    yield fixed
    rl.clock, rl.quota_of = original
    rl.reset()


def test_a_burst_over_one_citys_rate_gets_429s_while_the_other_city_is_served(client, aws, clock):
    onboard_with(aws, "zhengzhou", api_requests_per_second=3)
    aws.onboard("yinchuan")
    noisy, quiet = auth(aws.token_for("city_admin", "zhengzhou")), auth(aws.token_for("city_admin", "yinchuan"))
    answers: dict[str, list[int]] = {"zhengzhou": [], "yinchuan": []}
    throttled = []
    for _ in range(10):
        r = client.http.get("/v1/tenant", headers=noisy)
        answers["zhengzhou"].append(r.status_code)
        if r.status_code == 429:
            throttled.append(r)
        answers["yinchuan"].append(client.http.get("/v1/tenant", headers=quiet).status_code)
    assert answers["zhengzhou"] == [200] * 3 + [429] * 7
    assert answers["yinchuan"] == [200] * 10
    r = throttled[0]
    assert r.headers["Retry-After"] == "1"
    assert r.json_body["code"] == "rate_limited" and r.json_body["field"] == "api_requests_per_second"
    assert r.json_body["limit"] == 3 and r.json_body["retry_after"] == 1
    clock.now += 1  # the next second: the city is served again
    assert client.http.get("/v1/tenant", headers=noisy).status_code == 200


def test_platform_operators_are_not_rate_limited_as_a_city(client, aws, clock):
    onboard_with(aws, "zhengzhou", api_requests_per_second=1)
    platform = auth(aws.token_for("platform_admin", "platform"))
    assert {client.http.get("/v1/platform/tenants/zhengzhou", headers=platform).status_code
            for _ in range(5)} == {200}


def test_the_rate_holds_across_containers_that_share_the_citys_counter(aws, clock):
    onboard_with(aws, "zhengzhou", api_requests_per_second=40)
    containers = [RateLimiter(clock=clock) for _ in range(3)]
    admitted = 0
    for _ in range(30):
        for rl in containers:
            try:
                rl.admit("zhengzhou")
                admitted += 1
            except RateLimited:
                pass
    assert admitted == 40


def test_tokens_are_leased_a_tenth_of_the_rate_at_a_time():
    assert [chunk_for(n) for n in (1, 19, 100, 500, 10_000)] == [1, 1, 10, 50, 100]
