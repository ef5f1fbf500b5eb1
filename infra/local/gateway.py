"""Chalice's local API Gateway, answering gateway-level failures the way ours is configured.

API Gateway itself answers a missing route, a failed authorizer and a denied policy; in
AWS those answers come from the ``AWS::ApiGateway::GatewayResponse`` resources in
``infra/template.json``. Chalice's emulator has its own fixed bodies, so this subclass
renders the template's responses instead: one definition for AWS and for local.
"""

from __future__ import annotations

import functools
from typing import Any

from chalice.local import ChaliceRequestHandler, LocalGateway, LocalGatewayException

from infra.local.bootstrap import resources


class GatewayResponse(LocalGatewayException):
    def __init__(self, status: int, body: str) -> None:
        super().__init__({"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"}, body.encode())
        self.CODE = status


@functools.lru_cache(maxsize=1)
def _responses() -> dict[str, tuple[int, str]]:
    out = {}
    for props in resources("AWS::ApiGateway::GatewayResponse").values():
        out[props["ResponseType"]] = (int(props["StatusCode"]), props["ResponseTemplates"]["application/json"])
    return out


def _answer(kind: str) -> GatewayResponse:
    status, body = _responses()[kind]
    return GatewayResponse(status, body)


class ConfiguredGateway(LocalGateway):
    def handle_request(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        try:
            self.event_converter.create_lambda_event(method=method, path=path, headers=headers, body=body)
        except ValueError:
            raise _answer("MISSING_AUTHENTICATION_TOKEN") from None
        try:
            return super().handle_request(method, path, headers, body)
        except GatewayResponse:
            raise
        except LocalGatewayException as exc:
            raise _answer("UNAUTHORIZED" if exc.CODE == 401 else "ACCESS_DENIED") from exc
        except Exception as exc:
            # A Lambda authorizer failing with "Unauthorized" is API Gateway's 401.
            if str(exc) == "Unauthorized":
                raise _answer("UNAUTHORIZED") from exc
            raise


class ConfiguredRequestHandler(ChaliceRequestHandler):
    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Any, config: Any) -> None:
        self.local_gateway = ConfiguredGateway(app_object, config)
        # Skip ChaliceRequestHandler.__init__ (it would build the stock gateway).
        super(ChaliceRequestHandler, self).__init__(request, client_address, server)
