"""States of a request, the moves between them, and the time rules (SLA windows)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum


class State(StrEnum):
    SUBMITTED = "submitted"  # 已受理待响应
    ACCEPTED = "accepted"  # 已响应, waiting to be dispatched
    ASSIGNED = "assigned"  # 已派单
    IN_PROGRESS = "in_progress"  # 处理中
    RESOLVED = "resolved"  # 已办结, waiting for the rating or the window to pass
    CLOSED = "closed"  # 已归档
    REJECTED = "rejected"  # 不予受理
    DUPLICATE = "duplicate"  # 重复件
    REOPENED = "reopened"  # 重新办理


class Action(StrEnum):
    FILE = "file"
    ACCEPT = "accept"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    RETURN = "return"
    REOPEN = "reopen"
    RATE = "rate"
    CLOSE = "close"


# Still to be handled: in the department's queue, counted overdue past their due time.
OPEN = frozenset({State.SUBMITTED, State.ACCEPTED, State.ASSIGNED, State.IN_PROGRESS, State.REOPENED})
# A staff decision on a new request: the first one is its response (响应).
RESPONSES = frozenset({Action.ACCEPT, Action.REJECT, Action.DUPLICATE})

S = State
MOVES: dict[Action, tuple[frozenset[State], State]] = {
    Action.ACCEPT: (frozenset({S.SUBMITTED, S.REOPENED}), S.ACCEPTED),
    Action.ASSIGN: (frozenset({S.ACCEPTED, S.REOPENED}), S.ASSIGNED),
    Action.REASSIGN: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.ASSIGNED),
    Action.START: (frozenset({S.ACCEPTED, S.ASSIGNED, S.REOPENED}), S.IN_PROGRESS),
    Action.RESOLVE: (frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS}), S.RESOLVED),
    Action.REJECT: (frozenset({S.SUBMITTED, S.ACCEPTED, S.REOPENED}), S.REJECTED),
    Action.DUPLICATE: (frozenset({S.SUBMITTED, S.ACCEPTED}), S.DUPLICATE),
    Action.RETURN: (frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.ACCEPTED),
    Action.REOPEN: (frozenset({S.RESOLVED}), S.REOPENED),
    Action.CLOSE: (frozenset({S.RESOLVED}), S.CLOSED),
}

# The filer may reopen a resolved request within this window; unrated and not reopened, it then
# closes by itself.
REOPEN_WINDOW = timedelta(days=7)
# A point is inside the city when it is this close to one of its communities.
NEAR_KM = 5.0
