"""Photos people take for the city: a resident's of a request (随手拍), staff's of an alert they handled
(on site, when closing it or adding a note). The browser uploads straight to S3 with a presigned
POST whose policy allows one key under the city's prefix for that use
(``t/<tenant>/<use>/<yyyy>/<mm>/<uuid>.<ext>``, use ``requests`` or ``alerts``), an ``image/`` type
and 1 B–5 MB, for five minutes. The request or the note then names the keys; each is checked with
HeadObject (there, this city's and this use's, size and type) and its first bytes (moto does not
enforce a POST policy, and a browser's ``Content-Type`` is only a claim) before it is stored.
Reading gives short-lived presigned GET URLs. The API's role may put and get only under ``t/*``
(``infra/template.d/70-uploads.json``)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import ConfigDict, Field

from chalicelib.aws import RETRIES, session
from chalicelib.config import get_settings
from chalicelib.errors import InvalidInput, StorageError
from chalicelib.model import Model
from chalicelib.observability import emit

MAX_PHOTOS = 4
MAX_BYTES = 5 * 1024 * 1024
POST_SECONDS = 300
GET_SECONDS = 900
TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
Use = Literal["requests", "alerts"]


def key_pattern(use: Use) -> str:
    """A photo key of one use, as the inputs that name keys check it."""
    return rf"^t/[a-z][a-z0-9-]{{1,30}}[a-z0-9]/{use}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.(jpg|png|webp|heic)$"


class Photo(Model):
    key: str
    url: str = Field(description="a presigned GET URL, valid for 15 minutes")
    content_type: str
    size: int = Field(description="bytes")


class PhotoUpload(Model):
    """A presigned POST: send ``fields`` then the file as ``file`` (multipart/form-data) to ``url``."""

    key: str = Field(description="name it in photo_keys when filing the request or writing the note")
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


class PhotoUploadIn(Model):
    """Ask to upload one photo: its type, and its size when known (refused here if over 5 MB)."""

    model_config = ConfigDict(extra="forbid")

    content_type: Literal["image/jpeg", "image/png", "image/webp", "image/heic"]
    size: int | None = Field(default=None, ge=1, le=5 * 1024 * 1024, description="bytes, at most 5 MB")
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc")


@cache
def _s3(region: str, endpoint: str | None) -> Any:
    # SigV4 everywhere; path-style on a local endpoint (moto), virtual-hosted on AWS
    style = Config(signature_version="s3v4", s3={"addressing_style": "path" if endpoint else "virtual"})
    return session().create_client("s3", region_name=region, endpoint_url=endpoint, config=RETRIES.merge(style))


def s3() -> Any:
    s = get_settings()
    return _s3(s.region, s.aws_endpoint_url)


def bucket() -> str:
    name = get_settings().uploads_bucket
    if not name:
        raise StorageError("photo uploads are not configured for this deployment", field="photos")
    return name


def share_file(key: str, body: bytes, content_type: str, disposition: str, seconds: int) -> str:
    """Store a file the platform made for a person (a report, a template) and a link to download it, valid
    ``seconds``, that names the file (``disposition``)."""
    s3().put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type)
    return str(s3().generate_presigned_url("get_object", Params={
        "Bucket": bucket(), "Key": key, "ResponseContentType": content_type,
        "ResponseContentDisposition": disposition}, ExpiresIn=seconds))


def prefix(tenant_id: str, use: Use = "requests") -> str:
    return f"t/{tenant_id}/{use}/"


def presign(tenant_id: str, content_type: str, at: datetime, use: Use = "requests") -> PhotoUpload:
    """A presigned POST for one new key of the city: the browser sends ``fields`` then ``file``."""
    key = f"{prefix(tenant_id, use)}{at:%Y/%m}/{uuid.uuid4().hex}.{TYPES[content_type]}"
    post = s3().generate_presigned_post(
        bucket(), key, Fields={"Content-Type": content_type},
        Conditions=[["starts-with", "$Content-Type", "image/"], ["content-length-range", 1, MAX_BYTES]],
        ExpiresIn=POST_SECONDS)
    return PhotoUpload(key=key, url=post["url"], fields=post["fields"], max_bytes=MAX_BYTES,
                       expires_at=at + timedelta(seconds=POST_SECONDS))


def sniff(head: bytes) -> str | None:
    """The image type the first bytes say, of the four accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image/heic"
    return None


def verify(tenant_id: str, keys: list[str], field: str = "photo_keys", use: Use = "requests") -> list[dict[str, Any]]:
    """What is stored for each key: ``{key, content_type, size}``; a 400 naming ``photo_keys[i]`` otherwise."""
    if len(set(keys)) != len(keys):
        raise InvalidInput("the same photo is named twice", field=field)
    return [_verify_one(tenant_id, key, f"{field}[{i}]", use) for i, key in enumerate(keys)]


def _refuse(tenant_id: str, message: str, field: str) -> InvalidInput:
    emit(tenant_id, {"PhotoRejected": 1})
    return InvalidInput(message, field=field)


def uploaded(key: str, field: str) -> dict[str, Any] | None:
    """What storage holds at ``key`` (HeadObject: ``ContentLength``, ``ContentType`` …), None when nothing
    was uploaded there; storage not answering is a StorageError naming ``field``."""
    try:
        return dict(s3().head_object(Bucket=bucket(), Key=key))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise StorageError("file storage did not answer", field=field) from exc
    except BotoCoreError as exc:
        raise StorageError("file storage did not answer", field=field) from exc


def _verify_one(tenant_id: str, key: str, field: str, use: Use) -> dict[str, Any]:
    if not key.startswith(prefix(tenant_id, use)):
        raise _refuse(tenant_id, "this photo was not uploaded for this city", field)
    head = uploaded(key, field)
    if head is None:
        raise _refuse(tenant_id, "no uploaded photo at this key: upload it first", field)
    size, claimed = int(head["ContentLength"]), str(head.get("ContentType", ""))
    try:
        first = b"" if size <= 0 else s3().get_object(Bucket=bucket(), Key=key, Range="bytes=0-15")["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise StorageError("photo storage did not answer", field=field) from exc
    if not 1 <= size <= MAX_BYTES:
        raise _refuse(tenant_id, f"a photo is 1 byte to {MAX_BYTES // (1024 * 1024)} MB; this one is {size} bytes",
                      field)
    kind = sniff(first)
    if kind is None or claimed not in TYPES:
        raise _refuse(tenant_id, "only JPEG, PNG, WebP or HEIC images are accepted", field)
    return {"key": key, "content_type": kind, "size": size}


def attached(tenant_id: str, files: list[dict[str, Any]]) -> None:
    emit(tenant_id, {"PhotosUploaded": len(files)})


def views(files: list[dict[str, Any]] | None) -> list[Photo]:
    """The stored photos with short-lived GET URLs (signing is local: no call to S3)."""
    if not files:
        return []
    client, name = s3(), bucket()
    return [Photo(key=f["key"], content_type=f["content_type"], size=int(f["size"]),
                  url=client.generate_presigned_url("get_object", Params={"Bucket": name, "Key": f["key"]},
                                                    ExpiresIn=GET_SECONDS)) for f in files]

