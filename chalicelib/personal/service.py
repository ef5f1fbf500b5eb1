"""Use cases: staff reveal a resident's name or phone for a reason; city admins read and export the log;
residents see who viewed their data, export what is held about them, and close their account."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from chalicelib import privacy
from chalicelib.alerts.inputs import InboxQuery
from chalicelib.alerts.service import AlertService
from chalicelib.auth import users
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import Role
from chalicelib.errors import Forbidden, NotFound
from chalicelib.observability import emit
from chalicelib.personal.models import (
    FIELDS_ZH,
    REASONS_ZH,
    AccessPage,
    AccessRecord,
    ClosureIn,
    ClosureReport,
    DataExport,
    MyAccess,
    MyAccessList,
    Revealed,
    RevealField,
    RevealIn,
    RevealReason,
)
from chalicelib.personal.repository import AuditRepository
from chalicelib.requests import documents, erasure
from chalicelib.requests.inputs import PageQuery
from chalicelib.requests.queues import RequestQueues
from chalicelib.residents.models import Status
from chalicelib.residents.repository import ResidentRepository
from chalicelib.tenancy.service import TenantService

REVEALS_PER_DAY = 30  # per staff member: enough for a day's call-backs, too few to copy a community
CLOSED_NAME = "已注销用户"
CSV_COLUMNS = ["at", "viewer", "viewer_name", "resident_id", "resident_name", "community_id", "field", "reason",
               "reason_zh", "note", "request_id", "audit_id"]


class PersonalDataService:
    def __init__(self, principal: Principal, clock: Any = None) -> None:
        self.principal = principal
        self.tenant = principal.tenant
        self.tenancy = TenantService(self.tenant)
        self.residents = ResidentRepository(self.tenant)
        self.audit = AuditRepository(self.tenant)
        self.clock = clock or (lambda: datetime.now(UTC))

    def _local(self, at: datetime) -> datetime:
        return at.astimezone(documents.city_zone(self.tenancy.profile().get("timezone")))

    # -- staff -----------------------------------------------------------------------
    def reveal(self, resident_id: str, body: RevealIn, request_id: str) -> Revealed:
        """One full value, for a reason; the access is logged (and counted) before the value is opened."""
        found = self.residents.get(resident_id)
        if found is None or found[0]["status"] == Status.CLOSED.value:
            raise NotFound("no such resident (or the account was closed)", field="resident_id")
        reg = found[0]
        if Role.VISITOR in self.principal.roles:
            self._visits(resident_id, body)
        elif Role.CITY_ADMIN not in self.principal.roles and reg["community_id"] not in self.tenancy.staff_scope(
                self.principal.username):
            raise Forbidden("this resident lives outside your area", field="resident_id")
        at = self.clock()
        local = self._local(at)
        staff = self.tenancy.staff_record(self.principal.username)
        record = {
            "audit_id": "au-" + uuid.uuid4().hex[:16], "at": at.isoformat(), "month": f"{local:%Y-%m}",
            "viewer": self.principal.username, "viewer_name": staff.get("name") or self.principal.username,
            "viewer_role": _role(self.principal),
            "resident_id": resident_id, "resident_name": reg["name_masked"], "community_id": reg["community_id"],
            "field": body.field.value, "reason": body.reason.value, "note": body.note, "request_id": request_id,
        }
        midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        count = self.audit.record(record, f"{local:%Y-%m-%d}", REVEALS_PER_DAY,
                                  retry_after=max(1, int((midnight - local).total_seconds())))
        value = privacy.unseal(self.tenant, body.field.value, reg[f"{body.field.value}_sealed"])
        emit(self.tenant.tenant_id, {"PersonalDataReveals": 1})
        return Revealed(resident_id=resident_id, field=body.field, value=value, audit_id=record["audit_id"], at=at,
                        left_today=max(0, REVEALS_PER_DAY - count))

    def _visits(self, resident_id: str, body: RevealIn) -> None:
        """A care visitor opens only the phone of a care subject assigned to them, to make a visit."""
        from chalicelib.care.access import CareAccess
        from chalicelib.care.repository import CareRepository

        access = CareAccess(self.principal, CareRepository(self.tenant), self.tenancy)
        stored = access.repo.get(resident_id)
        if stored is None or not access.visits(stored.doc):
            raise NotFound("no care subject assigned to you with this id", field="resident_id")
        if body.field is not RevealField.PHONE or body.reason is not RevealReason.CARE_VISIT:
            raise Forbidden("a care visitor may open only her phone, for a visit (care_visit)", field="field")

    # -- city admin ------------------------------------------------------------------
    def log(self, month: str | None, limit: int, cursor: str | None) -> AccessPage:
        month = month or f"{self._local(self.clock()):%Y-%m}"
        docs, last = self.audit.month(month, limit, cursor)
        return AccessPage(month=month, items=[_record(d) for d in docs], next_cursor=last)

    def log_csv(self, month: str | None) -> tuple[str, str]:
        """The month's log as CSV (UTF-8 with BOM, so spreadsheets open the Chinese right), and its month."""
        month = month or f"{self._local(self.clock()):%Y-%m}"
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for d in sorted(self.audit.whole_month(month), key=lambda d: d["at"]):
            writer.writerow({**d, "reason_zh": REASONS_ZH[RevealReason(d["reason"])], "note": d.get("note") or ""})
        emit(self.tenant.tenant_id, {"AccessLogExports": 1})
        return out.getvalue(), month

    # -- resident --------------------------------------------------------------------
    def who_viewed_me(self) -> MyAccessList:
        return MyAccessList(items=[_mine(d) for d in self.audit.viewed(self.principal.user_id)])

    def export(self) -> DataExport:
        """Everything held about the caller: account, registration (unmasked: it is theirs), household
        (relations only: the other members' data is theirs), requests, inbox, and who viewed their data."""
        found = self.residents.get(self.principal.user_id)
        reg = found[0] if found and found[0]["status"] != Status.CLOSED.value else None
        registration = household = None
        requests: list[dict[str, Any]] = []
        if reg is not None:
            registration = {k: v for k, v in reg.items() if not k.endswith(("_sealed", "_masked"))}
            registration["name"] = privacy.unseal(self.tenant, "name", reg["name_sealed"])
            registration["phone"] = privacy.unseal(self.tenant, "phone", reg["phone_sealed"])
            if reg["status"] == Status.VERIFIED.value:
                members = self.residents.household_members(reg["household_id"])
                household = {"household_id": reg["household_id"], "community_id": reg["community_id"],
                             "building_id": reg["building_id"], "unit": reg["unit"], "room": reg["room"],
                             "members": [{"relation": m["relation"], "since": m.get("since"),
                                          "is_you": m["user_id"] == self.principal.user_id} for m in members]}
                requests = self._my_requests()
        inbox = AlertService(self.tenant).notifications(self.principal, InboxQuery(limit=100))
        emit(self.tenant.tenant_id, {"PersonalDataExports": 1})
        return DataExport(
            exported_at=self.clock(),
            account={"username": self.principal.username, "user_id": self.principal.user_id,
                     "city": self.tenant.tenant_id, "roles": sorted(r.value for r in self.principal.roles)},
            registration=registration, household=household, requests=requests,
            notifications=[n.model_dump(mode="json") for n in inbox.items],
            data_access=self.who_viewed_me().items)

    def _my_requests(self) -> list[dict[str, Any]]:
        queues, cursor = RequestQueues(self.principal), None
        out: list[dict[str, Any]] = []
        while True:
            page = queues.mine(PageQuery(limit=200, cursor=cursor))
            out += [r.model_dump(mode="json") for r in page.items]
            if not page.next_cursor:
                return out
            cursor = page.next_cursor

    def close(self, body: ClosureIn) -> ClosureReport:
        """Erase the personal fields, leave the household and every queue, delete the sign-in.
        Requests, ratings and votes stay (the city's statistics do not change), shown as 已注销用户."""
        if body.username != self.principal.username:
            raise Forbidden("only your own account can be closed: name it", field="username")
        at = self.clock()
        found = self.residents.get(self.principal.user_id)
        erased = ["sign-in account"]
        if found is not None and found[0]["status"] != Status.CLOSED.value:
            reg, version = found
            keep = ("resident_id", "community_id", "building_id", "household_id", "unit", "room", "path", "relation",
                    "submitted_at")
            kept: dict[str, Any] = {k: reg[k] for k in keep if k in reg}
            data = {**kept, "username": "", "name_masked": CLOSED_NAME, "phone_masked": "",
                    "status": Status.CLOSED.value, "closed_from": reg["status"], "closed_at": at.isoformat()}
            if reg["status"] == Status.VERIFIED.value:
                erasure.anonymise(self.tenant, reg["household_id"], self.principal.user_id, reg["name_masked"],
                                  CLOSED_NAME)
            self.residents.close(self.principal.user_id, data, version)
            erased = ["name", "phone", "username", "household membership", *erased]
        users.delete_user(self.principal.username)
        emit(self.tenant.tenant_id, {"AccountsClosed": 1})
        return ClosureReport(closed_at=at, erased=erased, kept=[
            "requests, ratings and votes, anonymised: the city's statistics do not change",
            "the access log of who viewed your data: the law requires it to be kept"])


def _record(d: dict[str, Any]) -> AccessRecord:
    return AccessRecord.model_validate({**d, "reason_zh": REASONS_ZH[RevealReason(d["reason"])]})


ViewerRole = Literal["staff", "city_admin", "visitor"]
ROLES_ZH: dict[ViewerRole, str] = {"staff": "社区工作人员", "city_admin": "城市管理员", "visitor": "巡访人员"}


def _role(principal: Principal) -> ViewerRole:
    return ("city_admin" if Role.CITY_ADMIN in principal.roles
            else "visitor" if Role.VISITOR in principal.roles else "staff")


def _mine(d: dict[str, Any]) -> MyAccess:
    field, reason = RevealField(d["field"]), RevealReason(d["reason"])
    role: ViewerRole = next((r for r in ROLES_ZH if r == d.get("viewer_role")), "staff")
    return MyAccess(at=d["at"], viewer_name=d["viewer_name"], viewer_role=role, viewer_role_zh=ROLES_ZH[role],
                    field=field, field_zh=FIELDS_ZH[field], reason=reason, reason_zh=REASONS_ZH[reason])
