"""Create on the local AWS (moto) the resources ``infra/template.json`` declares.

The template is the one source of truth: table keys and indexes, user pool schema,
client flows and groups are read from it and passed to the same AWS APIs that
CloudFormation calls, so local and deployed resources cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import boto3

from infra import tenant_scope, webpush_key
from infra.local.iot_bootstrap import create_iot
from infra.local.ops_bootstrap import LocalOps, create_ops, local_names
from infra.template_parts import merged


def resources(kind: str) -> dict[str, dict[str, Any]]:
    tpl = merged()
    return {name: r["Properties"] for name, r in tpl["Resources"].items() if r.get("Type") == kind}


@dataclass(frozen=True)
class LocalResources:
    region: str
    table_name: str
    user_pool_id: str
    user_pool_client_id: str
    kms_key_id: str
    ops_topic_arn: str = ""  # the operators' SNS topic, when the bootstrap created the ops resources
    tenant_role_arn: str = ""  # the role a city's requests assume (infra/tenant_scope.py)
    uploads_bucket: str = ""  # residents' photos (template.d/70-uploads.json)
    vapid_secret: str = ""  # the Web Push key's secret (template.d/60-notifications.json)

    def env(self, endpoint: str | None) -> dict[str, str]:
        """Environment for the API (and tools) to use these resources."""
        out = {"AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region, "CC_TABLE_NAME": self.table_name,
               "CC_USER_POOL_ID": self.user_pool_id, "CC_USER_POOL_CLIENT_ID": self.user_pool_client_id,
               "CC_KMS_KEY_ID": self.kms_key_id}
        if self.ops_topic_arn:
            out["CC_OPS_TOPIC_ARN"] = self.ops_topic_arn
        if self.tenant_role_arn:
            out["CC_TENANT_ROLE_ARN"] = self.tenant_role_arn
        if self.uploads_bucket:
            out["CC_UPLOADS_BUCKET"] = self.uploads_bucket
        if self.vapid_secret:
            out["CC_VAPID_SECRET"] = self.vapid_secret
        if endpoint:
            out["CC_AWS_ENDPOINT_URL"] = endpoint
            # moto serves each pool's JWKS; its tokens name the real AWS issuer.
            out["CC_JWKS_URL"] = f"{endpoint}/{self.user_pool_id}/.well-known/jwks.json"
        return out

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def create_table(ddb: Any, name: str) -> None:
    (props,) = resources("AWS::DynamoDB::Table").values()
    keep = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
    extra = {}
    if sse := props.get("SSESpecification"):  # CloudFormation spells it SSEEnabled, the API Enabled
        extra["SSESpecification"] = {"Enabled": sse["SSEEnabled"]}
    ddb.create_table(TableName=name, **{k: props[k] for k in keep if k in props}, **extra)
    ddb.get_waiter("table_exists").wait(TableName=name)
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={
            "PointInTimeRecoveryEnabled": True})
    if ttl := props.get("TimeToLiveSpecification"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)


def create_identity(idp: Any) -> tuple[str, str]:
    (pool,) = resources("AWS::Cognito::UserPool").values()
    keep = ("Policies", "Schema", "AutoVerifiedAttributes", "AdminCreateUserConfig", "MfaConfiguration")
    pool_id = idp.create_user_pool(PoolName=pool["UserPoolName"], **{k: pool[k] for k in keep if k in pool})[
        "UserPool"]["Id"]
    (app_client,) = resources("AWS::Cognito::UserPoolClient").values()
    keep_client = ("ClientName", "GenerateSecret", "ExplicitAuthFlows", "ReadAttributes", "WriteAttributes",
                   "PreventUserExistenceErrors")
    settings = {k: app_client[k] for k in keep_client if k in app_client}
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, **settings)["UserPoolClient"]["ClientId"]
    for group in resources("AWS::Cognito::UserPoolGroup").values():
        idp.create_group(UserPoolId=pool_id, GroupName=group["GroupName"], Description=group["Description"])
    return pool_id, client_id


def create_queues(sqs: Any) -> dict[str, str]:
    """Queues in dependency order (dead-letter queues first), redrive policies resolved."""
    queues = resources("AWS::SQS::Queue")
    urls: dict[str, str] = {}
    arns: dict[str, str] = {}
    pending = dict(queues)
    while pending:
        for logical, props in list(pending.items()):
            redrive = props.get("RedrivePolicy")
            target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] if redrive else None
            if target is not None and target not in arns:
                continue
            attrs: dict[str, str] = {k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod")
                                     if k in props}
            if redrive and target is not None:
                attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": arns[target],
                                                     "maxReceiveCount": redrive["maxReceiveCount"]})
            url = sqs.create_queue(QueueName=props["QueueName"], Attributes=attrs)["QueueUrl"]
            urls[props["QueueName"]] = url
            arns[logical] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"]
            del pending[logical]
    return urls


UPLOADS_BUCKET = "community-cloud-uploads"


def create_uploads(s3: Any, name: str = UPLOADS_BUCKET) -> str:
    """``UploadsBucket`` with the template's encryption, public access block and lifecycle (moto keeps
    them; the CORS rule names the site's origin, known once it serves: :func:`allow_site_origin`)."""
    (props,) = resources("AWS::S3::Bucket").values()
    s3.create_bucket(Bucket=name)
    # CloudFormation's ServerSideEncryptionByDefault is the API's ApplyServerSideEncryptionByDefault
    sse = [{"ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
            "BucketKeyEnabled": r["BucketKeyEnabled"]} for r in props["BucketEncryption"][
                "ServerSideEncryptionConfiguration"]]
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": sse})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
    rules = [{"ID": r["Id"], "Status": r["Status"], "Filter": {"Prefix": r["Prefix"]},
              "AbortIncompleteMultipartUpload": r["AbortIncompleteMultipartUpload"]}
             for r in props["LifecycleConfiguration"]["Rules"]]
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    return name


def create_web_push_key(sm: Any) -> str:
    """``WebPushKey`` as the template declares it, then a new key put in it as an operator does
    after deploying (``python -m infra.webpush_key``). Its ARN, as ``Ref`` gives it."""
    (props,) = resources("AWS::SecretsManager::Secret").values()
    arn = sm.create_secret(Name=props["Name"], Description=props["Description"])["ARN"]
    sm.put_secret_value(SecretId=arn, SecretString=webpush_key.secret_string(webpush_key.new_key()[0]))
    return str(arn)


def allow_site_origin(s3: Any, name: str, origin: str) -> None:
    """The template's CORS rule with ``SiteOrigin`` resolved: the browser may POST photos from the site."""
    (props,) = resources("AWS::S3::Bucket").values()
    rules = [{"AllowedMethods": r["AllowedMethods"], "AllowedOrigins": [origin], "AllowedHeaders": r["AllowedHeaders"],
              "MaxAgeSeconds": r["MaxAge"]} for r in props["CorsConfiguration"]["CorsRules"]]
    s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})


def create_tenant_role(iam: Any, account: str, region: str, table_name: str, key_id: str) -> str:
    """``TenantDataRole`` with the documents the template declares, ARNs resolved. moto keeps the
    documents but does not evaluate them; tests/unit/test_tenant_scope_policy.py does."""
    (role,) = [r for r in resources("AWS::IAM::Role").values() if r.get("RoleName", {}).get("Fn::Sub", "").startswith(
        tenant_scope.ROLE_NAME)]
    functions_role = f"arn:aws:iam::{account}:role/community-cloud-local"
    made = iam.create_role(RoleName=f"{tenant_scope.ROLE_NAME}-{region}", Description=role["Description"],
                           MaxSessionDuration=role["MaxSessionDuration"],
                           AssumeRolePolicyDocument=json.dumps(tenant_scope.trust_document(functions_role)))
    table_arn = f"arn:aws:dynamodb:{region}:{account}:table/{table_name}"
    key_arn = f"arn:aws:kms:{region}:{account}:key/{key_id}"
    for policy in role["Policies"]:
        iam.put_role_policy(RoleName=made["Role"]["RoleName"], PolicyName=policy["PolicyName"],
                            PolicyDocument=json.dumps(tenant_scope.policy_document(table_arn, key_arn)))
    return str(made["Role"]["Arn"])


def bootstrap(endpoint: str | None = None, region: str = "us-east-1",
              table_name: str = "community-cloud", ops: bool = False) -> LocalResources:
    """``ops``: also the operators' topic, the platform dashboard and alarms (``make run``; the test
    world leaves them out: each test would pay for ~30 alarms, and a test sees exactly the dashboards
    its own code put)."""
    def c(service: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    create_table(c("dynamodb"), table_name)
    account = c("sts").get_caller_identity()["Account"]
    create_iot(c("iot"), region, account)
    create_queues(c("sqs"))
    pool_id, client_id = create_identity(c("cognito-idp"))
    key = resources("AWS::KMS::Key")["DataKey"]
    key_id = c("kms").create_key(Description=key["Description"])["KeyMetadata"]["KeyId"]
    role_arn = create_tenant_role(c("iam"), account, region, table_name, key_id)
    uploads = create_uploads(c("s3"))
    push_key = create_web_push_key(c("secretsmanager"))
    topic = ""
    if ops:
        made = create_ops(c("cloudwatch"), c("sns"), c("kms"), local_names(table_name, region, account))
        topic = made.topic_arn
        _report_ops(made)
    return LocalResources(region, table_name, pool_id, client_id, key_id, topic, role_arn, uploads, push_key)


def _report_ops(made: LocalOps) -> None:
    skipped = f" (moto cannot hold: {', '.join(made.skipped)})" if made.skipped else ""
    print(f"  ops        dashboards {', '.join(made.dashboards)}; {len(made.alarms)} alarms → {made.topic_arn}"
          f"{skipped}", flush=True)
