"""Settings: one pydantic model, read lazily from the environment.

Nothing reads ``os.environ`` at import time. The AWS endpoint is a setting, so the
same code path talks to moto locally and to AWS in production.
"""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import ConfigDict

from chalicelib import constants as env
from chalicelib.model import Model


class Settings(Model):
    model_config = ConfigDict(frozen=True)

    stage: str = "local"
    region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    table_name: str = "community-cloud"
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    # An https:// or http:// URL, or a local file path (moto's bundled JWKS in tests).
    jwks_url: str = ""
    token_issuer: str = ""
    kms_key_id: str = ""
    tenant_role_arn: str = ""
    local_ca_dir: str = ""
    iot_endpoint: str = ""
    ops_topic_arn: str = ""
    function_names: str = ""
    lambda_function_name: str = ""
    uploads_bucket: str = ""
    public_url: str = "https://community.example.cn"
    voice_sender: str = "end-user-messaging"
    voice_origination: str = ""
    vapid_secret: str = ""  # the Secrets Manager secret with the VAPID key (chalicelib/notify/keys.py)
    vapid_subject: str = "mailto:ops@community.example.cn"
    push_http: str = ""  # "1": push endpoints may be http:// (the local push service)
    metrics_namespace: str = "SmartCommunityCloud"
    service_name: str = "community-cloud"

    @property
    def issuer(self) -> str:
        """Cognito's issuer for the pool, unless set explicitly."""
        if self.token_issuer:
            return self.token_issuer
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_location(self) -> str:
        if self.jwks_url:
            return self.jwks_url
        return f"{self.issuer}/.well-known/jwks.json"

    @classmethod
    def from_env(cls) -> Settings:
        e = os.environ
        values = {
            "stage": e.get(env.STAGE),
            "region": e.get(env.AWS_REGION) or e.get(env.AWS_DEFAULT_REGION),
            "aws_endpoint_url": e.get(env.AWS_ENDPOINT_URL) or None,
            "table_name": e.get(env.TABLE_NAME),
            "user_pool_id": e.get(env.USER_POOL_ID),
            "user_pool_client_id": e.get(env.USER_POOL_CLIENT_ID),
            "jwks_url": e.get(env.JWKS_URL),
            "token_issuer": e.get(env.TOKEN_ISSUER),
            "kms_key_id": e.get(env.KMS_KEY_ID),
            "tenant_role_arn": e.get(env.TENANT_ROLE_ARN),
            "local_ca_dir": e.get(env.LOCAL_CA_DIR),
            "iot_endpoint": e.get(env.IOT_ENDPOINT),
            "ops_topic_arn": e.get(env.OPS_TOPIC_ARN),
            "function_names": e.get(env.FUNCTION_NAMES),
            "lambda_function_name": e.get(env.LAMBDA_FUNCTION_NAME),
            "uploads_bucket": e.get(env.UPLOADS_BUCKET),
            "public_url": e.get(env.PUBLIC_URL),
            "voice_sender": e.get(env.VOICE_SENDER),
            "voice_origination": e.get(env.VOICE_ORIGINATION),
            "vapid_secret": e.get(env.VAPID_SECRET),
            "vapid_subject": e.get(env.VAPID_SUBJECT),
            "push_http": e.get(env.PUSH_HTTP),  # "1" / "0"
            "metrics_namespace": e.get(env.METRICS_NAMESPACE),
            "service_name": e.get(env.SERVICE_NAME),
        }
        return cls(**{k: v for k, v in values.items() if v is not None})


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def reset_settings() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
    from chalicelib import aws  # local import: aws depends on settings

    aws.reset_clients()
