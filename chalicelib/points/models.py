"""Sorting points: the deposit a bin reports, what staff and residents send, and what they read."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from chalicelib.model import Model
from chalicelib.tenancy.common import Code, Name, WasteCategory

CARD = r"^[0-9A-Za-z]{6,32}$"
MOBILE = r"^1[3-9]\d{9}$"
Card = Annotated[str, Field(pattern=CARD, description="the household card's number (6–32 letters or digits)")]
Mobile = Annotated[str, Field(pattern=MOBILE, description="a mobile number the household registered")]
CredentialKind = Literal["card", "phone"]


class Deposit(BaseModel):
    """One drop at a sorting bin, as the bin reports it (``deposit`` of an event message)."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="the bin's own id of the event")]
    category: WasteCategory = Field(description="垃圾类别 (GB/T 19095-2019)")
    weight: float = Field(gt=0, le=200, description="kg, weighed by the bin (FIWARE cargoWeight)")
    card: Card | None = None
    phone: Mobile | None = None

    @model_validator(mode="after")
    def _one_credential(self) -> Deposit:
        if self.card and self.phone:
            raise ValueError("card or phone, not both")
        return self


class DepositMessage(BaseModel):
    """An event message carrying a deposit; the topic rule adds ``tenant``, ``device``, ``received_at``."""

    model_config = ConfigDict(extra="ignore")

    device: str
    ts: StrictInt = Field(description="epoch milliseconds of the drop")
    deposit: Deposit


class CredentialIn(Model):
    """A card or a phone number to earn points with at the bins: one of the two."""

    card: Card | None = None
    phone: Mobile | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CredentialIn:
        if bool(self.card) == bool(self.phone):
            raise ValueError("give card or phone, one of the two")
        return self

    @property
    def kind(self) -> CredentialKind:
        return "card" if self.card else "phone"

    @property
    def value(self) -> str:
        return self.card or self.phone or ""


class LookupIn(CredentialIn):
    """Find the household a card or phone belongs to (at the redemption counter)."""


class RedeemLine(Model):
    goods_id: Code
    quantity: int = Field(ge=1, le=50)


class RedemptionIn(Model):
    service_point_id: Annotated[str, Field(min_length=3, max_length=64)]
    household_id: Annotated[str, Field(min_length=3, max_length=120)]
    items: list[RedeemLine] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _each_goods_once(self) -> RedemptionIn:
        ids = [i.goods_id for i in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("items: each goods once")
        return self


class StockIn(Model):
    goods_id: Code
    add: int = Field(ge=-10_000, le=10_000, description="received (positive) or written off (negative)")

    @model_validator(mode="after")
    def _not_zero(self) -> StockIn:
        if self.add == 0:
            raise ValueError("add: a number of items, not 0")
        return self


class MonthQuery(Model):
    month: Annotated[str | None, Field(default=None, pattern=r"^20\d\d-(0[1-9]|1[0-2])$",
                                       description="YYYY-MM; this month when left out")]


class PageQuery(Model):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = None


# -- what the routes return -------------------------------------------------------------------
class Credential(Model):
    credential_id: str = Field(description="keyed hash of the card or phone: the number itself is not stored")
    kind: CredentialKind
    masked: str
    bound_at: str
    bound_by: str


class Entry(Model):
    entry_id: str
    at: str
    kind: Literal["deposit", "redemption"]
    points: int = Field(description="credited (positive) or spent (negative); 0: recorded, not credited")
    category: WasteCategory | None = None
    weight_kg: float | None = None
    note: Literal["credited", "daily_cap", "below_min_weight", "no_rule", "redeemed"]
    device_id: str | None = None
    spot: str | None = Field(default=None, description="where the bin stands (东门垃圾分类点)")
    receipt_no: str | None = None
    service_point: Name | None = None
    items: list[ReceiptLine] = Field(default_factory=list)


class ReceiptLine(Model):
    goods_id: str
    name: Name
    quantity: int
    points: int = Field(description="points of this line (quantity × unit points)")


class LedgerPage(Model):
    items: list[Entry]
    next_cursor: str | None = None


class RankRow(Model):
    rank: int
    household: str = Field(description="unit and floor only (2单元 15层); the room is not shown")
    points: int
    mine: bool = False


class Ranking(Model):
    month: str
    building_id: str
    building: Name | None = None
    households: int
    my_rank: int | None = None
    top: list[RankRow]


class MonthFigures(Model):
    month: str
    points: int
    kg: dict[str, float] = Field(description="kg by category this month")


class Rule(Model):
    category: WasteCategory
    points_per_kg: float
    min_weight_kg: float


class GoodsView(Model):
    id: str
    name: Name
    points: int


class PointsSummary(Model):
    household_id: str
    household: str = Field(description="the household as its members know it (building, unit, room)")
    community_id: str
    balance: int
    earned: int
    redeemed: int
    today: dict[str, int] = Field(description="points earned today and the city's daily cap: {points, cap}")
    month: MonthFigures
    credentials: list[Credential]
    ledger: LedgerPage
    ranking: Ranking
    rules: list[Rule]
    goods: list[GoodsView]


class Household(Model):
    household_id: str
    household: str
    community_id: str
    balance: int


class Receipt(Model):
    receipt_no: str
    at: str
    household_id: str
    household: str
    service_point_id: str
    service_point: Name
    items: list[ReceiptLine]
    total: int
    balance_after: int
    by: str


class StockLine(Model):
    goods_id: str
    name: Name
    points: int
    quantity: int


class Stock(Model):
    service_point_id: str
    service_point: Name
    community_id: str
    items: list[StockLine]
    receipts: list[Receipt] = Field(description="the latest redemptions here, newest first")


class CommunityDiversion(Model):
    community_id: str
    name: Name | None = None
    deposits: int
    unmatched: int = Field(description="deposits whose card or phone is bound to no household")
    points: int
    redeemed: int
    kg: dict[str, float]
    total_kg: float
    sorted_share: float | None = Field(description="recyclable + food + hazardous as a share of all kg")


class Diversion(Model):
    month: str
    communities: list[CommunityDiversion]
    totals: CommunityDiversion


Entry.model_rebuild()
