"""What the import routes take and answer."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import ConfigDict, Field

from chalicelib.model import Model

MAX_BYTES = 20 * 1024 * 1024


class ImportStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"  # asked for; the file not sent yet
    QUEUED = "queued"  # the file is there; the job will take it
    VALIDATING = "validating"  # every row being checked; nothing written yet
    APPLYING = "applying"  # written in chunks of up to 100, each all or nothing
    DONE = "done"
    FAILED = "failed"  # problems found (nothing written), or the file could not be read


class ImportIn(Model):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=5, max_length=120, pattern=r"(?i)^[^/\\]+\.(xlsx|csv)$",
                          description="the file's name as the city has it: .xlsx (the template's sheets) or .csv "
                                      "(one sheet, UTF-8 or GB18030)")
    size: int | None = Field(default=None, ge=1, le=MAX_BYTES, description="bytes, at most 20 MB")


class ImportUpload(Model):
    """A presigned POST: send ``fields`` then the file as ``file`` (multipart/form-data) to ``url``, then start."""

    import_id: str
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime


class RowError(Model):
    field: str = Field(description="the cell, e.g. 楼栋!F12")
    message: str
    sheet: str
    row: int = Field(description="the row as the spreadsheet numbers it (the header is row 1)")
    column: str = Field(description="the column's letter")
    header: str


class ImportProblem(Model):
    code: str
    message: str
    field: str | None = None
    errors: list[RowError] = Field(default_factory=list, description="the first 200 problems, in sheet and row order")
    more: int = Field(default=0, description="problems beyond those listed")


class ImportState(Model):
    import_id: str
    filename: str
    status: ImportStatus
    by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    total: int = Field(default=0, description="changes to make: rows of the file, and nodes retired")
    done: int = Field(default=0, description="of them made (unchanged rows count as made)")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    problem: ImportProblem | None = None


class ImportPage(Model):
    items: list[ImportState] = Field(description="the city's latest imports, newest first")


class TemplateFile(Model):
    url: str = Field(description="a short-lived download link")
    filename: str
    expires_at: datetime
