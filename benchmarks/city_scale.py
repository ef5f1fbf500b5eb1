"""A city at scale against moto in-process: how many DynamoDB calls, items and bytes each main read path
costs, and how long it takes in our code, as the city grows.

A generated city (郑州-sized with ``--full``: 2,000 communities, 40,000 buildings, 1,000,000 households;
by default a twentieth of it: 100 communities, 2,000 buildings, 48,000 households) is onboarded with the
manifest path (``apply_manifest``), its households written in batches, and a 1 % sample of verified
residents and devices, and a tenth of that in service requests, added through the services' own use
cases. Then each read path runs through the API (Chalice's test client, real Cognito tokens from moto)
or as its scheduled job, every AWS call counted by botocore event hooks (``benchmarks.pipeline.Meter``).
Printed per path: DynamoDB calls, items and KB read per call, the median time of our code per call
(the CPU outside AWS calls), and whether it meets the goal: an interactive read ≤ 3 DynamoDB round
trips and ≤ 1 MB whatever the city's size; the dashboard ≤ 10 calls.

    .venv/bin/python -m benchmarks.city_scale            # a twentieth of 郑州 (about 5 minutes)
    .venv/bin/python -m benchmarks.city_scale --full     # 郑州's size (hours: moto reads an index by
                                                         # walking the whole table, so 一表通's 6,000 calls crawl)

Not part of ``make test`` or ``make bench``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks import in_process_aws
from benchmarks.pipeline import Meter, Tally, item_size

CITY = "zhengzhou"
DISTRICTS = ["中原区", "二七区", "管城回族区", "金水区", "上街区", "惠济区", "郑东新区", "高新区", "经开区", "航空港区"]
GOAL_CALLS, GOAL_BYTES, GOAL_DASHBOARD = 3, 1 << 20, 10
T0 = time.perf_counter()


def progress(what: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f} s] {what}", file=sys.stderr, flush=True)


class Reads(Meter):
    """The pipeline's meter, also counting the items and bytes DynamoDB returned."""

    def __init__(self) -> None:
        super().__init__()
        self.items = 0
        self.bytes = 0

    def after(self, http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any],
              **kw: Any) -> None:
        if "bench_cpu" in context and model.service_model.service_name == "dynamodb":
            found = list(parsed.get("Items") or [])
            responses = parsed.get("Responses")
            if isinstance(responses, dict):  # BatchGetItem (TransactGetItems answers a list)
                found += [i for items in responses.values() for i in items]
            if parsed.get("Item"):
                found.append(parsed["Item"])
            with self.tally.lock:
                self.items += len(found)
                self.bytes += sum(item_size(i) for i in found)
        super().after(http_response, parsed, model, context, **kw)


@dataclass
class Path:
    name: str
    calls: float
    items: float
    kb: float
    ms: float
    goal: str
    meets: bool
    ops: dict[str, float] = field(default_factory=dict)


def city_manifest(communities: int, buildings: int, households: int) -> dict[str, Any]:
    """郑州's manifest with a generated hierarchy: 10 districts, 12 communities a street, 4 grids a
    community, ``buildings`` per community spread over its grids, ``households`` per building."""
    from tests.support import load_manifest

    m = load_manifest(CITY).model_dump(mode="json")
    per_street = 12
    streets = max(1, communities // per_street)
    districts: list[dict[str, Any]] = []
    n = 0
    for s in range(streets):
        d = s % len(DISTRICTS)
        if d >= len(districts):
            districts.append({"id": f"d{d:02d}", "name": {"zh": DISTRICTS[d], "en": f"District {d + 1}"},
                              "streets": []})
        street: dict[str, Any] = {"id": f"s{s:04d}", "name": {"zh": f"第{s + 1}街道", "en": f"Subdistrict {s + 1}"},
                                  "communities": []}
        districts[d]["streets"].append(street)
        for _ in range(per_street if s < streets - 1 else communities - n):
            cid = f"c{n:05d}"
            grids = []
            for g in range(4):
                count = buildings // 4 + (1 if g < buildings % 4 else 0)
                grids.append({"id": f"{cid}-g{g + 1}", "name": {"zh": f"第{g + 1}网格", "en": f"Grid {g + 1}"},
                              "buildings": [{"id": f"{cid}-g{g + 1}-b{b + 1:02d}",
                                             "name": {"zh": f"{g * 20 + b + 1}号楼", "en": f"Building {b + 1}"},
                                             "units": 2, "floors": max(1, households // 4), "households": households}
                                            for b in range(count)]})
            street["communities"].append({
                "id": cid, "name": {"zh": f"第{n + 1}社区", "en": f"Community {n + 1}"},
                "address": f"郑州市{DISTRICTS[d]}第{s + 1}街道第{n + 1}社区党群服务中心",
                "location": {"lat": round(34.60 + (n % 50) * 0.005, 4), "lng": round(113.50 + (n // 50) * 0.005, 4)},
                "grids": grids})
            n += 1
    m["hierarchy"] = {"districts": districts}
    admin = next(u for u in m["users"] if u["role"] == "city_admin")
    staff = {**next(u for u in m["users"] if u["role"] == "staff"), "communities": ["c00000"],
             "grids": ["c00000-g1"]}
    m["users"] = [admin, staff]
    m["emergency"]["property"] = []
    return m


def load(communities: int, buildings: int, households: int, sample: float) -> dict[str, Any]:
    """The city in moto: manifest applied, households written, the 1 % sample of residents, devices and
    requests added. Returns what the read paths need."""
    from chalicelib.auth.principal import Principal
    from chalicelib.auth.roles import Role
    from chalicelib.devices.models import DeviceIn, DeviceType
    from chalicelib.devices.repository import device_item
    from chalicelib.devices.service import DeviceService
    from chalicelib.requests.inputs import LocationIn, RequestIn
    from chalicelib.requests.service import RequestService
    from chalicelib.residents.repository import ResidentRepository
    from chalicelib.store.keys import TenantContext
    from chalicelib.store.models import DeviceItem, HouseholdItem
    from chalicelib.tenancy.apply import apply_manifest
    from chalicelib.tenancy.models import TenantManifest
    from chalicelib.usage import ratelimit
    from tests.support import make_world

    world = make_world()
    ratelimit.limiter().quota_of = lambda _tenant: None
    raw = city_manifest(communities, buildings, households)
    manifest = TenantManifest.model_validate(raw)
    world.manifests[CITY] = manifest
    started = time.perf_counter()
    report = apply_manifest(manifest)
    applied = time.perf_counter() - started
    progress(f"manifest applied: {len(report.created):,} documents")
    tenant = TenantContext(CITY)
    ids = [(d["id"], s["id"], c["id"], g["id"], b["id"]) for d in raw["hierarchy"]["districts"]
           for s in d["streets"] for c in s["communities"] for g in c["grids"] for b in g["buildings"]]
    started = time.perf_counter()
    written = 0
    every = max(1, round(1 / sample))
    homes: list[dict[str, Any]] = []
    with HouseholdItem.batch_write() as batch:
        for did, sid, cid, gid, bid in ids:
            for unit in (1, 2):
                for k in range(households // 2):
                    room = f"{k // 2 + 1:02d}{k % 2 + 1:02d}"
                    hid = f"{bid}-{unit}-{room}"
                    home = {"household_id": hid, "community_id": cid, "building_id": bid, "unit": unit,
                            "room": room, "path": [did, sid, cid, gid, bid]}
                    batch.save(HouseholdItem(tenant.household_pk(hid), "HOUSEHOLD", tenant_id=CITY, data=home,
                                             gsi1pk=tenant.households_pk(cid), gsi1sk="/".join([*home["path"], hid])))
                    written += 1
                    if written % every == 0:
                        homes.append(home)
    households_s = time.perf_counter() - started
    progress(f"households written: {written:,}")
    residents = ResidentRepository(tenant)
    for n, home in enumerate(homes):
        residents.add_household_member(home, f"u-scale-{n:07d}", "owner")
    admin = Principal("u-scale-admin", raw["users"][0]["username"], CITY, frozenset({Role.CITY_ADMIN}))
    template = DeviceService(admin).build(DeviceIn(device_id="TPL-0", type=DeviceType.SMOKE, serial="SN-TPL",
                                                   community_id="c00000"))
    with DeviceItem.batch_write() as batch:
        for n, home in enumerate(homes):
            d = template.model_copy(update={"device_id": f"zz-scale-{n:07d}", "serial": f"SN-S{n:07d}",
                                            "community_id": home["community_id"], "household_id": home["household_id"],
                                            "building_id": home["building_id"]})
            batch.save(device_item(tenant, d))
    progress(f"sample of {len(homes):,} residents and devices added")
    requests = RequestService(admin)
    category = raw["service_catalog"][0]["code"]
    for n, home in enumerate(homes[: max(1, len(homes) // 10)]):
        requests.file(RequestIn(category=category, description=f"楼道灯不亮，第{n + 1}件。",
                                location=LocationIn(building_id=home["building_id"])))
    progress("requests filed")
    return {"world": world, "raw": raw, "manifest": manifest, "apply_s": applied, "apply_docs": len(report.created),
            "households": written, "households_s": households_s, "sample": len(homes),
            "requests": max(1, len(homes) // 10)}


def import_workbook(raw: dict[str, Any], communities: int, buildings: int) -> tuple[bytes, int]:
    """A workbook of new streets (``i…``) under the city's districts: 12 communities a street, 4 grids a
    community, ``buildings`` per community — what a city hands over, in the template's Chinese headers."""
    from openpyxl import Workbook

    from chalicelib.imports.sheets import SHEETS

    rows: dict[str, list[list[Any]]] = {s.kind: [] for s in SHEETS}
    districts = [d["id"] for d in raw["hierarchy"]["districts"]]
    for n in range(communities):
        street = f"i{n // 12:04d}"
        if n % 12 == 0:
            rows["street"].append([districts[(n // 12) % len(districts)], street, f"第{n // 12 + 1}新街道", None])
        cid = f"i{n:05d}"
        rows["community"].append([street, cid, f"新{n + 1}社区", None, f"郑州市新{n + 1}社区党群服务中心",
                                  round(113.50 + (n // 50) * 0.005, 4), round(34.60 + (n % 50) * 0.005, 4)])
        for g in range(4):
            rows["grid"].append([cid, f"{cid}-g{g + 1}", f"第{g + 1}网格", None])
        for b in range(buildings):
            rows["building"].append([f"{cid}-g{b % 4 + 1}", f"{cid}-b{b + 1:02d}", f"{b + 1}号楼", None, 2, 11, 44])
    wb = Workbook(write_only=True)
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title)
        ws.append([c.header for c in sheet.columns])
        for row in rows[sheet.kind]:
            ws.append(row)
    import io

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), sum(len(r) for r in rows.values())


def measure_import(meter: Reads, raw: dict[str, Any], communities: int, buildings: int) -> dict[str, Any]:
    """The spreadsheet import of ``communities`` new communities through the real path (the file in S3,
    the job's run), metered: rows, our code's CPU, DynamoDB calls by operation."""
    import os

    import boto3

    from chalicelib.auth.principal import Principal
    from chalicelib.auth.roles import Role
    from chalicelib.imports.models import ImportIn
    from chalicelib.imports.service import ImportService
    from chalicelib.store.keys import TenantContext
    from chalicelib.store.scope import tenant_scope

    body, rows = import_workbook(raw, communities, buildings)
    progress(f"importing a workbook of {rows:,} rows ({len(body) // 1024:,} KB)")
    admin = Principal("u-scale-admin", raw["users"][0]["username"], CITY, frozenset({Role.CITY_ADMIN}))
    svc = ImportService(TenantContext(CITY), admin)
    with tenant_scope(CITY):
        up = svc.create(ImportIn(filename="新街道区划.xlsx"))
        boto3.client("s3", region_name=os.environ["AWS_REGION"]).put_object(
            Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=up.fields["key"], Body=body)
        svc.start(up.import_id)
        meter.tally, meter.items, meter.bytes = Tally(), 0, 0
        meter.on = True
        cpu, wall = time.thread_time(), time.perf_counter()
        state = svc.run(up.import_id)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        meter.on = False
        again = svc.create(ImportIn(filename="新街道区划.xlsx"))
        boto3.client("s3", region_name=os.environ["AWS_REGION"]).put_object(
            Bucket=os.environ["CC_UPLOADS_BUCKET"], Key=again.fields["key"], Body=body)
        svc.start(again.import_id)
        second = svc.run(again.import_id)
    t = meter.tally
    ours = cpu - t.aws_cpu
    return {"rows": rows, "status": state.status, "created": state.created, "wall_s": wall, "ours_s": ours,
            "calls": {k.split(":", 1)[1]: v for k, v in t.calls.items() if k.startswith("dynamodb:")},
            "again": (second.status, second.unchanged, second.created + second.updated + second.retired)}


def measure(meter: Reads, name: str, goal: str, run: Any, times: int = 3) -> Path:
    """``run`` ``times`` times, metered: per call means, our code's median time."""
    progress(f"measuring {name}")
    results = []
    for _ in range(times):
        meter.tally, meter.items, meter.bytes = Tally(), 0, 0
        meter.on = True
        cpu = time.thread_time()
        run()
        cpu = time.thread_time() - cpu
        meter.on = False
        t = meter.tally
        calls = sum(v for k, v in t.calls.items() if k.startswith("dynamodb:"))
        results.append((calls, meter.items, meter.bytes, (cpu - t.aws_cpu) * 1000,
                        {k: float(v) for k, v in t.calls.items() if k.startswith("dynamodb:")}))
    calls, items, size, _, ops = results[-1]
    ms = statistics.median(r[3] for r in results)
    limit = GOAL_DASHBOARD if goal == "dashboard" else GOAL_CALLS
    meets = goal == "job" or (calls <= limit and (goal == "dashboard" or size <= GOAL_BYTES))
    return Path(name, calls, items, size / 1024, ms, goal, meets, ops)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="郑州's size: 2,000 communities, 1,000,000 households")
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--buildings", type=int, default=20, help="per community")
    parser.add_argument("--households", type=int, default=25, help="per building")
    args = parser.parse_args()
    if args.full:
        args.communities = 2000
    in_process_aws("ERROR")
    from chalice.test import Client
    from moto import mock_aws

    from infra.local.moto_transactions import make_dynamodb_transactions_light

    make_dynamodb_transactions_light()  # moto's transactions otherwise copy the whole table, once per item

    meter = Reads()
    meter.install()
    with mock_aws():
        from app import app
        from infra.local.gateway import ConfiguredGateway
        from tests.support import ROOT, auth

        city = load(args.communities, args.buildings, args.households, 0.01)
        world, raw = city["world"], city["raw"]
        admin = auth(world.login(raw["users"][0]["username"]))
        staff = auth(world.login(raw["users"][1]["username"]))
        paths: list[Path] = []
        with Client(app, stage_name="bench", project_dir=str(ROOT)) as client:
            client.http._local_gateway = ConfiguredGateway(app, client.http._config)

            def get(path: str, headers: dict[str, str]) -> Any:
                def call() -> None:
                    r = client.http.get(path, headers=headers)
                    assert r.status_code == 200, (path, r.status_code, r.body[:300])
                return call

            # warm: the first request of a container loads the areas it reaches (a refused month is cheap)
            for path in ("/v1/me", "/v1/communities/c00000", "/v1/communities/c00000/requests?limit=1",
                         "/v1/dashboard?month=2000-13", "/v1/reports/monthly?month=2000-13"):
                client.http.get(path, headers=admin if "requests" not in path else staff)
            from datetime import UTC, datetime

            from chalicelib.ops.health import city_gauges

            for name, path, headers, goal, times in (
                    ("streets of the city (a level)", "/v1/streets", admin, "read", 3),
                    ("communities of the city (a level)", "/v1/communities", admin, "read", 3),
                    ("buildings of a community", "/v1/communities/c00000/buildings", admin, "read", 3),
                    ("the whole hierarchy (an export)", f"/v1/tenants/{CITY}/hierarchy", admin, "job", 3),
                    ("a community's request queue", "/v1/communities/c00000/requests", staff, "read", 3)):
                paths.append(measure(meter, name, goal, get(path, headers), times))
            # the 5-minute job that counts every community's devices into the census the dashboard reads
            paths.append(measure(meter, "city health job (census)", "job",
                                 lambda: city_gauges(CITY, datetime.now(UTC))))
            for name, path, headers, goal, times in (
                    ("the city dashboard", "/v1/dashboard", admin, "dashboard", 1),
                    ("一表通 of the city", "/v1/reports/monthly", admin, "dashboard", 1)):
                paths.append(measure(meter, name, goal, get(path, headers), times))
        from chalicelib.alerts.escalation import sweep_escalations
        from chalicelib.telemetry.absence import sweep_all
        from chalicelib.tenancy.apply import apply_manifest

        paths.append(measure(meter, "absence sweep (minute job)", "job", lambda: sweep_all(int(time.time() * 1000))))
        paths.append(measure(meter, "escalation sweep (minute job)", "job",
                             lambda: sweep_escalations(datetime.now(UTC))))
        paths.append(measure(meter, "re-applying the unchanged manifest", "job",
                             lambda: apply_manifest(city["manifest"]), times=1))
        imported = measure_import(meter, raw, args.communities, args.buildings)

    buildings = args.communities * args.buildings
    print(f"city scale: {args.communities:,} communities, {buildings:,} buildings, {city['households']:,} households "
          f"(1 % sample: {city['sample']:,} residents and devices, {city['requests']:,} requests)")
    per_s = city["households"] / city["households_s"]
    print(f"onboarding: manifest apply {city['apply_docs']:,} documents in {city['apply_s']:.1f} s "
          f"({city['apply_docs'] / city['apply_s']:,.0f}/s); households {per_s:,.0f}/s "
          f"(BatchWriteItem)")
    i = imported
    writes = i["calls"].get("TransactWriteItems", 0)
    print(f"spreadsheet import: {i['rows']:,} rows ({i['status']}, {i['created']:,} created) in {i['wall_s']:.1f} s, "
          f"{i['rows'] / i['ours_s']:,.0f} rows/s of our code (goal ≥ 5,000: "
          f"{'meets' if i['rows'] / i['ours_s'] >= 5000 else 'MISSES'}); "
          f"{writes:,.0f} transactions of ≤ 100 items, {i['calls'].get('PutItem', 0):,.0f} progress writes, "
          f"{sum(v for k, v in i['calls'].items() if k == 'Query'):,.0f} Queries of the levels; "
          f"1 item written per row; re-imported: {i['again'][0]}, {i['again'][1]:,} unchanged, "
          f"{i['again'][2]} changed")
    print(f"{'read path':<38} {'DDB calls':>9} {'items':>9} {'KB read':>9} {'ms ours':>8}  goal")
    for p in paths:
        goal = ("≤ 10 calls" if p.goal == "dashboard" else "≤ 3 calls, ≤ 1 MB" if p.goal == "read" else "—")
        verdict = "" if p.goal == "job" else ("meets" if p.meets else "MISSES")
        print(f"{p.name:<38} {p.calls:>9,.0f} {p.items:>9,.0f} {p.kb:>9,.0f} {p.ms:>8,.0f}  {goal} {verdict}")
    missed = [p.name for p in paths if not p.meets]
    print(f"city-scale: {len(paths) - len(missed)}/{len(paths)} paths meet their goals"
          + (f"; missing: {', '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
