"""Importing a city's hierarchy from its spreadsheets.

The console asks for an upload (a presigned POST to ``t/<tenant>/imports/…``), sends the file to S3,
then starts the import: the job is queued (``cc-imports``) and the asynchronous worker reads the file,
checks every row (nothing is written while any problem stands; each named by sheet, row and column),
then applies the changes in transactions of up to 100 — each all or nothing — recording progress after
each. A job that stops half-way is delivered again and resumes: what was applied now compares
unchanged, so only the rest is written."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import photos
from chalicelib.auth.principal import Principal
from chalicelib.errors import Conflict, InvalidInput, NotFound, StorageError
from chalicelib.imports.models import (
    MAX_BYTES,
    ImportIn,
    ImportPage,
    ImportState,
    ImportStatus,
    ImportUpload,
    TemplateFile,
)
from chalicelib.observability import emit, logger
from chalicelib.store.base import TenantRepository, doc_of
from chalicelib.store.keys import TenantContext
from chalicelib.store.models import ImportItem

CHUNK = 100  # TransactWriteItems' limit
POST_SECONDS = 900
LINK_SECONDS = 600
SHOWN_ERRORS = 200
ACTIVE = (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.APPLYING)
TEMPLATE_NAME = "区划导入模板.xlsx"


def _now() -> datetime:
    return datetime.now(UTC)


class ImportRepository(TenantRepository):
    def get(self, import_id: str) -> dict[str, Any] | None:
        item = self._get(ImportItem, self.tenant.imports_pk(), import_id) if "#" not in import_id else None
        return doc_of(item) if item else None

    def put(self, doc: dict[str, Any]) -> None:
        self._guard(lambda: ImportItem(self.tenant.imports_pk(), doc["import_id"], tenant_id=self.tenant.tenant_id,
                                       data=doc, status=doc["status"], updated_at=_now()).save())

    def latest(self, limit: int) -> list[dict[str, Any]]:
        items = self._guard(lambda: list(ImportItem.query(self.tenant.imports_pk(), scan_index_forward=False,
                                                          limit=limit)))
        return [doc_of(i) for i in items]


def _state(doc: dict[str, Any]) -> ImportState:
    return ImportState.model_validate(doc)


class ImportService:
    def __init__(self, tenant: TenantContext, principal: Principal | None = None) -> None:
        self.tenant, self.principal = tenant, principal
        self.repo = ImportRepository(tenant)

    # -- the console's side ----------------------------------------------------------------------
    def template(self) -> TemplateFile:
        from urllib.parse import quote

        from chalicelib.imports import sheets

        at = _now()
        key = f"t/{self.tenant.tenant_id}/imports/template-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.xlsx"
        disposition = f"attachment; filename=\"import-template.xlsx\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}"
        url = photos.share_file(key, sheets.template(), sheets.XLSX, disposition, LINK_SECONDS)
        return TemplateFile(url=url, filename=TEMPLATE_NAME, expires_at=at + timedelta(seconds=LINK_SECONDS))

    def create(self, body: ImportIn) -> ImportUpload:
        at = _now()
        import_id = f"{at:%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}"  # time first: listed in order
        ext = body.filename.rsplit(".", 1)[1].lower()
        key = f"t/{self.tenant.tenant_id}/imports/{import_id}.{ext}"
        post = photos.s3().generate_presigned_post(
            photos.bucket(), key, Conditions=[["content-length-range", 1, MAX_BYTES]], ExpiresIn=POST_SECONDS)
        self.repo.put({"import_id": import_id, "filename": body.filename, "key": key,
                       "status": ImportStatus.AWAITING_UPLOAD.value,
                       "by": self.principal.username if self.principal else "platform",
                       "created_at": at.isoformat()})
        return ImportUpload(import_id=import_id, url=post["url"], fields=post["fields"], max_bytes=MAX_BYTES,
                            expires_at=at + timedelta(seconds=POST_SECONDS))

    def get(self, import_id: str) -> ImportState:
        return _state(self._doc(import_id))

    def latest(self, limit: int = 20) -> ImportPage:
        return ImportPage(items=[_state(d) for d in self.repo.latest(limit)])

    def start(self, import_id: str) -> ImportState:
        """Queue the job once the file is in S3. A failed import may be started again with the same file (after
        S3 or the queue failed it); a file with problems is fixed and uploaded as a new import."""
        doc = self._doc(import_id)
        if doc["status"] not in (ImportStatus.AWAITING_UPLOAD, ImportStatus.FAILED):
            raise Conflict(f"this import is {doc['status']}; it can be started once", field="import_id")
        others = [d for d in self.repo.latest(20) if d["status"] in ACTIVE and d["import_id"] != import_id]
        if others:
            raise Conflict(f"import {others[0]['import_id']} of this city is still running; start this one after it",
                           field="import_id")
        head = photos.uploaded(doc["key"], "file")
        if head is None:
            raise InvalidInput("the file has not been uploaded: send it to the upload URL first", field="file")
        if int(head["ContentLength"]) > MAX_BYTES:
            raise InvalidInput(f"the file is over {MAX_BYTES // 1024 // 1024} MB: split it (by street)", field="file")
        doc = {**doc, "status": ImportStatus.QUEUED.value, "started_at": _now().isoformat(), "problem": None,
               "total": 0, "done": 0}
        self.repo.put(doc)
        from chalicelib.imports import queue  # the API's SQS client only when a job is started

        if not queue.enqueue(self.tenant.tenant_id, import_id):
            self.repo.put({**doc, **_failed("not_queued", "the import could not be queued; start it again")})
            raise StorageError("the import could not be queued; start it again", field="import_id")
        emit(self.tenant.tenant_id, {"ImportsStarted": 1})
        return _state(doc)

    def _doc(self, import_id: str) -> dict[str, Any]:
        doc = self.repo.get(import_id)
        if doc is None:
            raise NotFound("no such import in this city", field="import_id")
        return doc

    # -- the job -----------------------------------------------------------------------------------
    def run(self, import_id: str) -> ImportState:
        """Check every row, then apply in chunks; resumes where a previous run of the same import stopped."""
        from aws_lambda_powertools.metrics import MetricUnit

        from chalicelib.imports import plan, sheets
        from chalicelib.tenancy.repository import TenantConfigRepository

        doc = self._doc(import_id)
        if doc["status"] not in ACTIVE:
            logger.info("import not active: nothing to do", extra={"import_id": import_id, "status": doc["status"]})
            return _state(doc)
        doc = {**doc, "status": ImportStatus.VALIDATING.value}
        self.repo.put(doc)
        clock = time.perf_counter()
        try:
            body = photos.s3().get_object(Bucket=photos.bucket(), Key=doc["key"])["Body"].read()
            rows, missing = sheets.read(body, doc["filename"])
        except (ClientError, BotoCoreError) as exc:
            raise StorageError("the uploaded file could not be read") from exc
        except sheets.FileError as exc:
            emit(self.tenant.tenant_id, {"ImportsRefused": 1})
            return self._fail(doc, _failed("unreadable_file", str(exc), field="file"))
        config = TenantConfigRepository(self.tenant)
        emit(self.tenant.tenant_id, {"ImportRows": len(rows)})
        if missing:  # the sheets' headers first: every row of such a sheet would only repeat it
            changes, problems = None, plan.missing_columns(missing)
        else:
            changes, problems = plan.plan(self.tenant, rows, {kind: config.nodes_of(kind) for kind in plan.KINDS})
        if problems or changes is None:
            order = {s.title: n for n, s in enumerate(sheets.SHEETS)}
            problems.sort(key=lambda p: (order[p.sheet], p.row, p.column))
            emit(self.tenant.tenant_id, {"ImportsRefused": 1, "ImportProblems": len(problems)})
            failed = _failed("invalid_rows", f"{len(problems)} 处问题，未导入任何记录 (problems: {len(problems)}; "
                                             "nothing was imported)", field=problems[0].cell)
            failed["problem"].update(errors=[p.as_error() for p in problems[:SHOWN_ERRORS]],
                                     more=max(0, len(problems) - SHOWN_ERRORS))
            return self._fail(doc, failed)
        steps: list[tuple[str, Any]] = [("put", d) for d in changes.puts] + [("retire", sk) for sk in changes.retired]
        doc = {**doc, "status": ImportStatus.APPLYING.value, "total": changes.total + len(changes.retired),
               "done": changes.unchanged, "created": len(changes.created), "updated": len(changes.updated),
               "unchanged": changes.unchanged, "retired": len(changes.retired)}
        self.repo.put(doc)
        for start in range(0, len(steps), CHUNK):
            chunk = steps[start:start + CHUNK]
            config.write_together([d for op, d in chunk if op == "put"], [sk for op, sk in chunk if op == "retire"])
            doc = {**doc, "done": doc["done"] + len(chunk)}
            self.repo.put(doc)
        doc = {**doc, "status": ImportStatus.DONE.value, "done": doc["total"], "finished_at": _now().isoformat()}
        self.repo.put(doc)
        emit(self.tenant.tenant_id, {"ImportsDone": 1, "ImportChanges": len(steps),
                                     "ImportSeconds": time.perf_counter() - clock},
             units={"ImportSeconds": MetricUnit.Seconds})
        return _state(doc)

    def _fail(self, doc: dict[str, Any], failed: dict[str, Any]) -> ImportState:
        doc = {**doc, **failed}
        self.repo.put(doc)
        return _state(doc)


def _failed(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"status": ImportStatus.FAILED.value, "finished_at": _now().isoformat(),
            "problem": {"code": code, "message": message, "field": field, "errors": [], "more": 0}}
