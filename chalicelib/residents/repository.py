"""Resident registrations and households in the tenant's partitions.

A registration lives at ``T#<t>#RES#<user>`` / ``PROFILE`` and is indexed (GSI1) by
community and status, so a community's pending queue is one Query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError
from pynamodb.expressions.update import Action

from chalicelib.errors import Conflict, NotFound
from chalicelib.residents.models import Status
from chalicelib.store.base import TenantRepository, condition_failed, doc_of, now, storage_errors
from chalicelib.store.models import HouseholdItem, ResidentItem
from chalicelib.usage.quotas import RESIDENTS, QuotaCounter

PROFILE = "PROFILE"



class ResidentRepository(TenantRepository):
    def _index(self, community_id: str, status: Status, submitted_at: datetime, user_id: str) -> tuple[str, str]:
        return self.tenant.registrations_pk(community_id, status.value), f"{submitted_at.isoformat()}#{user_id}"

    def get(self, user_id: str) -> tuple[dict[str, Any], int] | None:
        item = self._get(ResidentItem, self.tenant.resident_pk(user_id), PROFILE)
        return (doc_of(item), int(item.version)) if item else None

    def submit(self, user_id: str, data: dict[str, Any], previous_version: int | None) -> None:
        """Create, or replace a rejected registration; refuses if another write came first."""
        stamp = now()
        item = ResidentItem(self.tenant.resident_pk(user_id), PROFILE, tenant_id=self.tenant.tenant_id,
                            status=Status.PENDING.value, data=data, created_at=stamp, updated_at=stamp,
                            version=(previous_version or 0) + 1)
        item.gsi1pk, item.gsi1sk = self._index(data["community_id"], Status.PENDING, stamp, user_id)
        cond = (ResidentItem.pk.does_not_exist() if previous_version is None
                else (ResidentItem.version == previous_version) & (ResidentItem.status == Status.REJECTED.value))
        # A pending or verified registration holds a place in the residents quota, taken in the same
        # transaction (409 quota_exceeded, nothing written, when the city's quota is used up).
        QuotaCounter(self.tenant, RESIDENTS).write(
            1, lambda tx: tx.save(item, condition=cond),
            lambda _: Conflict("a registration is already pending or verified", field="registration"))

    def decide(self, user_id: str, status: Status, changes: dict[str, Any], version: int) -> None:
        """Move a pending registration to ``status``, once: concurrent decisions cannot both win."""
        stamp = now()
        current = self.get(user_id)
        if current is None:
            raise NotFound("registration not found", field="resident_id")
        data = {**current[0], **changes, "status": status.value}
        submitted = datetime.fromisoformat(data["submitted_at"])
        gsi1pk, gsi1sk = self._index(data["community_id"], status, submitted, user_id)
        actions: list[Action] = [ResidentItem.status.set(status.value), ResidentItem.data.set(data),
                                 ResidentItem.gsi1pk.set(gsi1pk), ResidentItem.gsi1sk.set(gsi1sk),
                                 ResidentItem.updated_at.set(stamp), ResidentItem.version.set(version + 1)]
        cond = (ResidentItem.status == Status.PENDING.value) & (ResidentItem.version == version)
        item = ResidentItem(self.tenant.resident_pk(user_id), PROFILE)
        decided = Conflict("this registration has already been decided", field="resident_id")
        if status is Status.REJECTED:  # a rejected registration gives its place in the quota back
            QuotaCounter(self.tenant, RESIDENTS).write(
                -1, lambda tx: tx.update(item, actions=actions, condition=cond), lambda _: decided)
            return
        with storage_errors(on_condition=decided):
            item.update(actions=actions, condition=cond)

    def close(self, user_id: str, data: dict[str, Any], version: int) -> None:
        """Account closure: the registration keeps its ids and dates (history stays consistent) with its
        personal fields erased, leaves every queue and gives its place in the quota back; a verified
        resident also leaves the household."""
        stamp = now()
        item = ResidentItem(self.tenant.resident_pk(user_id), PROFILE)
        actions: list[Action] = [ResidentItem.status.set(Status.CLOSED.value), ResidentItem.data.set(data),
                                 ResidentItem.gsi1pk.remove(), ResidentItem.gsi1sk.remove(),
                                 ResidentItem.updated_at.set(stamp), ResidentItem.version.set(version + 1)]
        cond = ResidentItem.version == version
        changed = Conflict("the registration changed meanwhile; try again", field="registration")
        was = Status(data["closed_from"])
        if was in (Status.PENDING, Status.VERIFIED):
            QuotaCounter(self.tenant, RESIDENTS).write(
                -1, lambda tx: tx.update(item, actions=actions, condition=cond), lambda _: changed)
        else:
            with storage_errors(on_condition=changed):
                item.update(actions=actions, condition=cond)
        if was is Status.VERIFIED:
            with storage_errors():
                HouseholdItem(self.tenant.household_pk(data["household_id"]), f"MEMBER#{user_id}").delete()

    def by_community(self, community_id: str, status: Status, limit: int,
                     after: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a community's registrations, oldest first, and the sort key to continue after.

        Only the index sort key travels to the client; every key of the query is rebuilt here
        from the tenant context, so a cursor can never point into another partition.
        """
        gsi1pk = self.tenant.registrations_pk(community_id, status.value)
        start = None
        if after:
            user_id = after.rsplit("#", 1)[-1]
            start = {"pk": {"S": self.tenant.resident_pk(user_id)}, "sk": {"S": PROFILE},
                     "gsi1pk": {"S": gsi1pk}, "gsi1sk": {"S": after}}

        def read() -> tuple[list[ResidentItem], Any]:
            result = ResidentItem.gsi1.query(gsi1pk, limit=limit, last_evaluated_key=start)
            items = list(result)
            return items, result.last_evaluated_key  # type: ignore[return-value]

        items, last = self._guard(read)
        return [doc_of(i) for i in items], (last["gsi1sk"]["S"] if last else None)

    def add_household_member(self, household: dict[str, Any], user_id: str, relation: str) -> None:
        """Record a verified member; the household and the member are indexed by place path (households
        on GSI1, members on GSI2, one partition per community) so a scope's households or residents
        are one Query per community."""
        stamp = now()
        pk = self.tenant.household_pk(household["household_id"])
        place = "/".join([*household["path"], household["household_id"]])
        with storage_errors():
            try:
                HouseholdItem(pk, "HOUSEHOLD", tenant_id=self.tenant.tenant_id, data=household,
                              gsi1pk=self.tenant.households_pk(household["community_id"]), gsi1sk=place,
                              created_at=stamp, updated_at=stamp).save(condition=HouseholdItem.pk.does_not_exist())
            except PutError as exc:
                if not condition_failed(exc):
                    raise
                # the household exists already: members are added below
            HouseholdItem(pk, f"MEMBER#{user_id}", tenant_id=self.tenant.tenant_id,
                          data={"user_id": user_id, "relation": relation, "since": stamp.isoformat(),
                                "household_id": household["household_id"],
                                "community_id": household["community_id"], "path": household["path"]},
                          gsi2pk=self.tenant.members_pk(household["community_id"]), gsi2sk=f"{place}#{user_id}",
                          created_at=stamp, updated_at=stamp).save()

    def household(self, household_id: str) -> dict[str, Any] | None:
        """A verified household (its community, building, unit, room and path), or None."""
        item = self._get(HouseholdItem, self.tenant.household_pk(household_id), "HOUSEHOLD")
        return doc_of(item) if item else None

    def household_members(self, household_id: str) -> list[dict[str, Any]]:
        def read() -> list[HouseholdItem]:
            return list(HouseholdItem.query(self.tenant.household_pk(household_id),
                                            HouseholdItem.sk.startswith("MEMBER#")))

        return [doc_of(i) for i in self._guard(read)]

    def households_in(self, community_id: str, path: list[str]) -> list[dict[str, Any]]:
        """Verified households of a community at or below ``path`` (a community, grid, building or
        household path), sorted by place."""
        def read() -> list[Any]:
            return list(HouseholdItem.gsi1.query(self.tenant.households_pk(community_id),
                                                 HouseholdItem.gsi1sk.startswith("/".join(path))))

        return [doc_of(i) for i in self._guard(read) if _under(i.gsi1sk, path)]

    def members_in(self, community_id: str, path: list[str]) -> list[dict[str, Any]]:
        """Verified residents of a community's households at or below ``path``, sorted by place."""
        def read() -> list[Any]:
            return list(HouseholdItem.gsi2.query(self.tenant.members_pk(community_id),
                                                 HouseholdItem.gsi2sk.startswith("/".join(path))))

        return [doc_of(i) for i in self._guard(read) if _under(i.gsi2sk.split("#")[0], path)]


def _under(place: str | None, path: list[str]) -> bool:
    """``a/b/c`` is under ``a/b`` but ``a/bc`` is not."""
    prefix = "/".join(path)
    return place is not None and (place == prefix or place.startswith(prefix + "/"))
