"""The authorizer accepts only unexpired ID tokens of our pool's app client, signed by its key."""

from __future__ import annotations

import gzip
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.config import get_settings
from tests.support import auth, moto_jwks_file


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _moto_private_key():
    with open(moto_jwks_file("private"), "rb") as f:
        jwk = json.loads(gzip.decompress(f.read()))
    return jwt.PyJWK(jwk).key


def test_missing_token_is_401(client):
    r = client.http.get("/v1/me")
    assert r.status_code == 401
    assert r.json_body["code"] == "unauthorized"


def test_garbage_token_is_401(client):
    assert client.http.get("/v1/me", headers=auth("not-a-jwt")).status_code == 401


def test_the_token_must_come_as_a_bearer_credential(client, onboard, token_for):
    onboard("zhengzhou")
    token = token_for("city_admin", "zhengzhou")
    for header in (token, f"Token {token}", "Bearer  ", f"Bearer {token} {token}", f"Basic {token}"):
        r = client.http.get("/v1/me", headers={"Authorization": header})
        assert r.status_code == 401, header[:20]
        assert r.json_body["code"] == "unauthorized"
    assert client.http.get("/v1/me", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_valid_token_is_accepted_and_names_the_caller(client, onboard, token_for):
    onboard("zhengzhou")
    r = client.http.get("/v1/me", headers=auth(token_for("city_admin", "zhengzhou")))
    assert r.status_code == 200
    assert r.json_body["tenant_id"] == "zhengzhou"
    assert r.json_body["roles"] == ["city_admin"]
    assert r.json_body["tenant"]["name"]["zh"] == "郑州市"


def test_token_signed_by_another_key_is_401(client, token_for):
    claims = _claims(token_for("city_admin"))
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forged_key, algorithm="RS256", headers={"kid": "dummy"})
    assert client.http.get("/v1/me", headers=auth(forged)).status_code == 401


def test_tampered_claims_are_401(client, token_for):
    header, _payload, sig = token_for("resident").split(".")
    claims = _claims(token_for("resident"))
    claims["cognito:groups"] = ["platform_admin"]
    fake_payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    assert client.http.get("/v1/me", headers=auth(f"{header}.{fake_payload}.{sig}")).status_code == 401


def test_expired_token_is_401(client, token_for):
    claims = _claims(token_for("city_admin"))
    claims.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    expired = jwt.encode(claims, _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert client.http.get("/v1/me", headers=auth(expired)).status_code == 401


def test_same_key_but_unexpired_token_is_accepted(client, onboard, token_for):
    """Control for the expiry test: the re-signed token differs only in its times."""
    onboard("zhengzhou")
    claims = _claims(token_for("city_admin"))
    claims.update(iat=int(time.time()), exp=int(time.time()) + 600)
    fresh = jwt.encode(claims, _moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})
    assert client.http.get("/v1/me", headers=auth(fresh)).status_code == 200


def test_token_for_another_app_client_is_401(client, aws, token_for):
    from chalicelib.aws import client as aws_client

    token_for("city_admin")  # creates the user
    idp = aws_client("cognito-idp")
    s = get_settings()
    other = idp.create_user_pool_client(UserPoolId=s.user_pool_id, ClientName="other-app",
                                        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    out = idp.initiate_auth(ClientId=other, AuthFlow="USER_PASSWORD_AUTH",
                            AuthParameters={"USERNAME": aws.username_for("city_admin", "zhengzhou"),
                                            "PASSWORD": "Testing2026x"})
    r = client.http.get("/v1/me", headers=auth(out["AuthenticationResult"]["IdToken"]))
    assert r.status_code == 401


def test_access_token_is_not_accepted_in_place_of_id_token(client, aws, token_for):
    from chalicelib.auth.users import sign_in

    token_for("city_admin")
    tokens = sign_in(aws.username_for("city_admin", "zhengzhou"), "Testing2026x")
    assert client.http.get("/v1/me", headers=auth(tokens["access_token"])).status_code == 401


@pytest.mark.parametrize("role", ["resident", "vendor"])
def test_role_without_access_gets_403(client, onboard, token_for, role):
    onboard("zhengzhou")
    r = client.http.get("/v1/tenant", headers=auth(token_for(role, "zhengzhou")))
    assert r.status_code == 403
    assert r.json_body["code"] == "forbidden"


def test_non_platform_user_cannot_use_platform_routes(client, onboard, token_for):
    onboard("zhengzhou")
    r = client.http.get("/v1/platform/tenants", headers=auth(token_for("city_admin", "zhengzhou")))
    assert r.status_code == 403
