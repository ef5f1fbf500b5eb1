"""infra/template.d/70-uploads.json: the photos bucket is private and encrypted, the API's role reaches
objects only under t/*, and the API is told the bucket's name."""

from __future__ import annotations

from infra.template_parts import merged


def test_the_uploads_bucket_is_encrypted_private_cleaned_up_and_takes_posts_from_the_site_only():
    res = merged()["Resources"]
    bucket = res["UploadsBucket"]["Properties"]
    (sse,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert all(bucket["PublicAccessBlockConfiguration"].values()) and len(bucket["PublicAccessBlockConfiguration"]) == 4
    assert any("AbortIncompleteMultipartUpload" in r for r in bucket["LifecycleConfiguration"]["Rules"])
    (cors,) = bucket["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"] and cors["AllowedOrigins"] == [{"Ref": "SiteOrigin"}]


def test_the_api_may_put_and_get_objects_only_under_city_prefixes_and_knows_the_bucket():
    res = merged()["Resources"]
    statements = res["UploadsAccess"]["Properties"]["PolicyDocument"]["Statement"]
    objects = [s for s in statements if any(a.startswith("s3:") and a.endswith("Object") for a in s["Action"])]
    assert [(sorted(s["Action"]), s["Resource"]) for s in objects] == [
        (["s3:GetObject", "s3:PutObject"], {"Fn::Sub": "${UploadsBucket.Arn}/t/*"})]
    assert not any("*" in str(s["Action"]) for s in statements)
    env = res["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert env["CC_UPLOADS_BUCKET"] == {"Ref": "UploadsBucket"}
