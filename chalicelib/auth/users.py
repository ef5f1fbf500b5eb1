"""User administration in the Cognito pool: one custom attribute, groups as roles."""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib.auth.roles import ROLE_NAMES, Role
from chalicelib.aws import client
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, StorageError, Unauthenticated

TENANT_ATTR = "custom:tenant_id"


@dataclass(frozen=True)
class NewUser:
    username: str
    tenant_id: str
    role: Role
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    # Given only for demo/local accounts; real users get an invitation instead.
    password: str | None = None


def _cognito_error(exc: ClientError) -> StorageError:
    return StorageError(f"identity provider: {exc.response['Error']['Code']}")


@dataclass(frozen=True)
class UserInfo:
    user_id: str  # the token's ``sub``
    username: str
    tenant_id: str | None


def lookup(username: str) -> UserInfo | None:
    s = get_settings()
    try:
        user = client("cognito-idp").admin_get_user(UserPoolId=s.user_pool_id, Username=username)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            return None
        raise _cognito_error(exc) from exc
    attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    return UserInfo(attrs.get("sub", username), username, attrs.get(TENANT_ATTR))


def delete_user(username: str) -> None:
    """Remove a sign-in for good (account closure); already gone is fine."""
    s = get_settings()
    try:
        client("cognito-idp").admin_delete_user(UserPoolId=s.user_pool_id, Username=username)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "UserNotFoundException":
            raise _cognito_error(exc) from exc


def user_tenant(username: str) -> str | None:
    """The tenant a username belongs to, or None when no such user exists."""
    info = lookup(username)
    return info.tenant_id if info else None


def ensure_user(user: NewUser) -> bool:
    """Create the user (or leave it) and make sure it is in its role's group.

    Returns True when created. A username held by another tenant is a Conflict:
    usernames are unique across the whole pool.
    """
    s = get_settings()
    idp = client("cognito-idp")
    existing = user_tenant(user.username)
    if existing is not None and existing != user.tenant_id:
        raise Conflict(f"username {user.username!r} belongs to another tenant", field="username")
    created = existing is None
    try:
        if created:
            attrs = [{"Name": TENANT_ATTR, "Value": user.tenant_id}]
            if user.email:
                attrs += [{"Name": "email", "Value": user.email}, {"Name": "email_verified", "Value": "true"}]
            if user.name:
                attrs.append({"Name": "name", "Value": user.name})
            if user.phone:
                attrs.append({"Name": "phone_number", "Value": "+86" + user.phone})
            extra = {"MessageAction": "SUPPRESS"} if user.password else {"DesiredDeliveryMediums": ["EMAIL"]}
            idp.admin_create_user(UserPoolId=s.user_pool_id, Username=user.username, UserAttributes=attrs, **extra)
            if user.password:
                idp.admin_set_user_password(UserPoolId=s.user_pool_id, Username=user.username,
                                            Password=user.password, Permanent=True)
        idp.admin_add_user_to_group(UserPoolId=s.user_pool_id, Username=user.username, GroupName=user.role.value)
        if not created:  # a role changed in the manifest: the old one goes (a grid worker made a visitor keeps no
            # staff rights), effective with the next token
            held = idp.admin_list_groups_for_user(UserPoolId=s.user_pool_id, Username=user.username)["Groups"]
            for group in held:
                if group["GroupName"] in ROLE_NAMES and group["GroupName"] != user.role.value:
                    idp.admin_remove_user_from_group(UserPoolId=s.user_pool_id, Username=user.username,
                                                     GroupName=group["GroupName"])
    except ClientError as exc:
        raise _cognito_error(exc) from exc
    return created


def sign_in(username: str, password: str) -> dict[str, str]:
    """USER_PASSWORD_AUTH against the app client; returns the token set."""
    s = get_settings()
    try:
        out = client("cognito-idp").initiate_auth(
            ClientId=s.user_pool_client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password})
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code in ("NotAuthorizedException", "UserNotFoundException"):
            raise Unauthenticated("wrong username or password", field="password") from exc
        raise _cognito_error(exc) from exc
    result = out["AuthenticationResult"]
    return {"id_token": result["IdToken"], "access_token": result["AccessToken"],
            "refresh_token": result.get("RefreshToken", ""), "expires_in": str(result["ExpiresIn"])}
