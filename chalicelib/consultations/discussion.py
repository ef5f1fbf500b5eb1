"""Use cases of the deliberation (议事): residents propose and comment while proposals are open;
staff hide an abusive comment (kept, marked hidden, with the reason)."""

from __future__ import annotations

import re

from chalicelib.consultations import documents
from chalicelib.consultations.inputs import CommentIn, ProposalIn, ReasonIn
from chalicelib.consultations.models import Comment, Discussion, Phase, Proposal
from chalicelib.consultations.service import Base, Doc
from chalicelib.errors import Conflict, NotFound

_POST_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


class DiscussionService(Base):
    def _author(self) -> str:
        return str(self.access.home.get("name_masked", ""))

    def _open_for_posts(self, consultation_id: str, action: str) -> Doc:
        doc = self._load(consultation_id)
        if not doc.get("proposals_open"):
            raise Conflict(f"this consultation has no proposal phase; cannot {action}", field="phase")
        self._phase(doc, Phase.PROPOSALS, action=action)
        return doc

    def propose(self, consultation_id: str, body: ProposalIn) -> Proposal:
        self._open_for_posts(consultation_id, "propose")
        at = self.clock()
        doc = {"proposal_id": documents.new_id("p", at), "title": body.title, "text": body.text,
               "author": self._author(), "author_id": self.principal.user_id, "created_at": at.isoformat()}
        self.repo.add_post(consultation_id, f"PROPOSAL#{doc['proposal_id']}", doc)
        return documents.proposal_view(doc, [])

    def comment(self, consultation_id: str, body: CommentIn) -> Comment:
        self._open_for_posts(consultation_id, "comment")
        if body.proposal_id and self.repo.post(consultation_id, f"PROPOSAL#{body.proposal_id}") is None:
            raise NotFound("no such proposal in this consultation", field="proposal_id")
        at = self.clock()
        doc = {"comment_id": documents.new_id("c", at), "proposal_id": body.proposal_id, "text": body.text,
               "author": self._author(), "author_id": self.principal.user_id, "created_at": at.isoformat()}
        self.repo.add_post(consultation_id, f"COMMENT#{doc['comment_id']}", doc)
        return documents.comment_view(doc, staff=False)

    def discussion(self, consultation_id: str) -> Discussion:
        self._load(consultation_id)
        staff = self.access.staff
        comments = [documents.comment_view(c, staff) for c in self.repo.posts(consultation_id, "COMMENT#")]
        proposals = [documents.proposal_view(p, comments) for p in self.repo.posts(consultation_id, "PROPOSAL#")]
        return Discussion(consultation_id=consultation_id, proposals=proposals,
                          comments=[c for c in comments if c.proposal_id is None])

    def hide(self, consultation_id: str, comment_id: str, body: ReasonIn) -> Comment:
        doc = self._load(consultation_id)
        self.access.require_manage(doc)
        sort_key = f"COMMENT#{comment_id}"
        found = self.repo.post(consultation_id, sort_key) if _POST_ID.match(comment_id) else None
        if found is None:
            raise NotFound("no such comment in this consultation", field="comment_id")
        found.update(hidden_at=self.clock().isoformat(), hidden_by=self.principal.username, hidden_reason=body.reason)
        self.repo.hide(consultation_id, sort_key, found)
        return documents.comment_view(found, staff=True)

