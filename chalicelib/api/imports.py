"""Importing the city's hierarchy from its spreadsheets: the template, the upload, the job and its progress."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.http.openapi import documented
from chalicelib.http.routing import route
from chalicelib.imports.models import ImportIn, ImportPage, ImportState, ImportUpload, TemplateFile
from chalicelib.imports.service import ImportService

bp = Blueprint(__name__)
ADMINS = {Role.CITY_ADMIN}


@route(bp, "/v1/imports/template", roles=ADMINS)
def template(principal: Principal) -> TemplateFile:
    """The workbook to fill in (区县, 街道, 社区, 网格, 楼栋: Chinese headers, an example row each, a sheet of
    what every column takes) behind a link valid for ten minutes."""
    return ImportService(principal.tenant, principal).template()


@route(bp, "/v1/imports", method="POST", roles=ADMINS, status=201, body=ImportIn)
def create(principal: Principal, body: ImportIn) -> ImportUpload:
    """Ask to import a file: a presigned POST for it (up to 20 MB, 15 minutes). Send the file there, then start."""
    return ImportService(principal.tenant, principal).create(body)


@route(bp, "/v1/imports", roles=ADMINS)
def latest(principal: Principal) -> ImportPage:
    """The city's latest 20 imports, newest first."""
    return ImportService(principal.tenant, principal).latest()


@route(bp, "/v1/imports/{import_id}", roles=ADMINS)
@documented(raises=[404])
def get(principal: Principal, import_id: str) -> ImportState:
    """An import's progress (rows done of total) and, when it failed, every problem with its sheet, row and column."""
    return ImportService(principal.tenant, principal).get(import_id)


@route(bp, "/v1/imports/{import_id}/start", method="POST", roles=ADMINS, status=202)
@documented(raises=[404, 409])  # 400 file: not uploaded; 409: started already, or another running
def start(principal: Principal, import_id: str) -> ImportState:
    """Start the import of the uploaded file: checked whole first (nothing written while a problem stands),
    then applied in chunks, asynchronously; follow it with ``GET /v1/imports/{import_id}``."""
    return ImportService(principal.tenant, principal).start(import_id)
