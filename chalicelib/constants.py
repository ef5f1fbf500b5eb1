"""Names of the environment variables the platform reads, in one place."""

from __future__ import annotations

STAGE = "CC_STAGE"
AWS_REGION = "AWS_REGION"
AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION"
AWS_ENDPOINT_URL = "CC_AWS_ENDPOINT_URL"
TABLE_NAME = "CC_TABLE_NAME"
USER_POOL_ID = "CC_USER_POOL_ID"
USER_POOL_CLIENT_ID = "CC_USER_POOL_CLIENT_ID"
JWKS_URL = "CC_JWKS_URL"
TOKEN_ISSUER = "CC_TOKEN_ISSUER"
KMS_KEY_ID = "CC_KMS_KEY_ID"
TENANT_ROLE_ARN = "CC_TENANT_ROLE_ARN"  # the role a city's requests assume: its keys only (store/scope.py)
LOCAL_CA_DIR = "CC_LOCAL_CA_DIR"  # set: device certificates come from the local CA there, not AWS IoT's
IOT_ENDPOINT = "CC_IOT_ENDPOINT"  # host[:port] devices connect to; unset: IoT's iot:Data-ATS endpoint
FUNCTION_NAMES = "CC_FUNCTION_NAMES"  # deployed Lambda names by logical id: "HandleTelemetry=name,…"
LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME"
OPS_TOPIC_ARN = "CC_OPS_TOPIC_ARN"  # the operators' SNS topic: alarm actions of the alarms put per city
UPLOADS_BUCKET = "CC_UPLOADS_BUCKET"  # photos: t/<tenant>/requests/… and t/<tenant>/alerts/… (chalicelib/photos.py)
PUBLIC_URL = "CC_PUBLIC_URL"  # the residents' and staff's web app: alert SMS links point there
VOICE_SENDER = "CC_VOICE_SENDER"  # "end-user-messaging" (AWS) or "recorder" (local: calls kept, not placed)
VOICE_ORIGINATION = "CC_VOICE_ORIGINATION"  # the number or pool voice calls are placed from
VAPID_SECRET = "CC_VAPID_SECRET"  # Web Push: the Secrets Manager secret holding the deployment's VAPID key
VAPID_SUBJECT = "CC_VAPID_SUBJECT"  # mailto: or https: contact the push services may reach (the secret's wins)
PUSH_HTTP = "CC_PUSH_HTTP"  # "1" locally only: push endpoints may be http:// (the local push service)
METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE"
SERVICE_NAME = "POWERTOOLS_SERVICE_NAME"

# Tenant id reserved for platform operators; no city can be onboarded under it.
PLATFORM_TENANT = "platform"
