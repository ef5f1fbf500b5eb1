"""Use cases of the vote: cast or change a ballot, read one's own, results, audit, who voted."""

from __future__ import annotations

from datetime import datetime

from chalicelib.consultations import documents
from chalicelib.consultations.ballots import Stored
from chalicelib.consultations.inputs import Per, Publication, VoteIn
from chalicelib.consultations.models import Audit, Ballot, MyBallot, OptionResult, Phase, Results, Voter, Voters
from chalicelib.consultations.service import Base, Doc
from chalicelib.errors import Conflict, Forbidden, InvalidInput
from chalicelib.tenancy.households import parts

ATTEMPTS = 3  # a lost race re-reads the ballot; only concurrent changes of one voter can lose twice


class VotingService(Base):
    def _voter_key(self, doc: Doc) -> str:
        home = self.access.home
        per_household = doc["eligibility"]["per"] == Per.HOUSEHOLD
        return f"HH-{home['household_id']}" if per_household else f"P-{home['resident_id']}"

    def _require_eligible(self, doc: Doc) -> None:
        home = self.access.home
        if doc["eligibility"]["owners_only"] and home.get("relation") != "owner":
            raise Forbidden("only owners (业主) vote in this consultation", field="eligibility")
        verified = home.get("decided_at")
        if not verified or datetime.fromisoformat(verified) > datetime.fromisoformat(doc["roll_at"]):
            raise Forbidden("you were verified after this vote's roll was fixed at publication", field="eligibility")

    def vote(self, consultation_id: str, body: VoteIn) -> Ballot:
        doc = self._load(consultation_id)
        self._phase(doc, Phase.VOTING, action="vote")
        if body.option_id not in {o["id"] for o in doc["options"]}:
            raise InvalidInput(f"no option {body.option_id!r} in this consultation", field="option_id")
        self._require_eligible(doc)
        key, home = self._voter_key(doc), self.access.home
        for _ in range(ATTEMPTS):
            at = self.clock().isoformat()
            current = self.ballots.get(consultation_id, key)
            if current is None:
                ballot = {"voter_key": key, "per": doc["eligibility"]["per"], "household_id": home["household_id"],
                          "cast_by": home["resident_id"], "name": home.get("name_masked", ""),
                          "receipt": documents.receipt(), "cast_at": at}
                if self.ballots.cast(consultation_id, ballot, body.option_id):
                    return self._view(consultation_id, Stored(ballot, body.option_id))
            elif not doc["allow_change"]:
                raise Conflict("a ballot has already been cast for you; this vote cannot be changed", field="ballot")
            elif current.option_id == body.option_id:
                return self._view(consultation_id, current)
            else:
                ballot = {**current.doc, "changed_at": at, "changes": int(current.doc.get("changes", 0)) + 1}
                if self.ballots.change(consultation_id, current, ballot, body.option_id):
                    return self._view(consultation_id, Stored(ballot, body.option_id))
            fresh = self.repo.get(consultation_id) or doc
            self._phase(fresh, Phase.VOTING, action="vote")  # closed or cancelled meanwhile
            if not doc["allow_change"]:
                raise Conflict("a ballot has already been cast for you; this vote cannot be changed", field="ballot")
        raise Conflict("your ballot changed while this vote was recorded; try again", field="ballot")

    def mine(self, consultation_id: str) -> MyBallot:
        doc = self._load(consultation_id)
        found = self.ballots.get(consultation_id, self._voter_key(doc))
        return MyBallot(ballot=None if found is None else self._view(consultation_id, found))

    def results(self, consultation_id: str) -> Results:
        doc = self._load(consultation_id)
        at = self.clock()
        current = documents.phase(doc, at)
        live = doc["results"] == Publication.LIVE and current is Phase.VOTING
        if not self.access.staff and current is not Phase.CLOSED and not live:
            raise Conflict("results are published when voting closes", field="phase")
        tallies = self.repo.tallies(consultation_id)
        options = [OptionResult(option_id=o["id"], label=o["label"], votes=tallies.get(o["id"], 0))
                   for o in doc["options"]]
        voters, eligible = sum(o.votes for o in options), int(doc["eligible"])
        turnout = round(voters / eligible, 4) if eligible else 0.0
        top = max(o.votes for o in options)
        return Results(consultation_id=consultation_id, phase=current, final=current is Phase.CLOSED,
                       options=options, voters=voters, eligible=eligible, turnout=turnout,
                       min_turnout=float(doc["min_turnout"]), valid=voters > 0 and turnout >= float(doc["min_turnout"]),
                       winners=[o.option_id for o in options if top and o.votes == top])

    def audit(self, consultation_id: str) -> Audit:
        self._load(consultation_id)
        receipts = sorted(b["receipt"] for b in self.ballots.all(consultation_id))
        return Audit(consultation_id=consultation_id, count=len(receipts), receipts=receipts)

    def voters(self, consultation_id: str) -> Voters:
        self._load(consultation_id)
        ballots = self.ballots.all(consultation_id)
        buildings = self.tenancy.names("building", {parts(b["household_id"])["building_id"] for b in ballots})
        found = [Voter(household_id=b["household_id"], name=b["name"], cast_at=b["cast_at"],
                       building_name=buildings.get(parts(b["household_id"])["building_id"])) for b in ballots]
        return Voters(consultation_id=consultation_id, voters=sorted(found, key=lambda v: v.household_id))

    def _view(self, consultation_id: str, ballot: Stored) -> Ballot:
        d = ballot.doc
        return Ballot(consultation_id=consultation_id, per=d["per"], household_id=d["household_id"],
                      option_id=ballot.option_id, receipt=d["receipt"], cast_at=d["cast_at"],
                      changed_at=d.get("changed_at"))
