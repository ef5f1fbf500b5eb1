// Place names (streets, communities, grids, buildings) a level at a time — never the whole tree, which
// at a city's size is megabytes — for showing ids as names and picking places; cached per city for the
// page's lifetime: they change only when the city re-applies its manifest or imports its spreadsheets.
const cache = new Map();

function cached(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((err) => {
    cache.delete(key); // a failure is not remembered: the next try asks again
    throw err;
  }));
  return cache.get(key);
}

export function communities(ctx) {
  return cached(`${ctx.session.tenantId}|communities`, () => ctx.api.get("/v1/communities"));
}

export function streets(ctx) {
  return cached(`${ctx.session.tenantId}|streets`, () => ctx.api.get("/v1/streets"));
}

export function grids(ctx, communityId) {
  return cached(`${ctx.session.tenantId}|grids|${communityId}`,
    () => ctx.api.get(`/v1/communities/${encodeURIComponent(communityId)}/grids`));
}

export function buildings(ctx, communityId) {
  return cached(`${ctx.session.tenantId}|buildings|${communityId}`,
    () => ctx.api.get(`/v1/communities/${encodeURIComponent(communityId)}/buildings`));
}

export function byId(items) {
  return Object.fromEntries((items || []).map((i) => [i.id, i]));
}

/** "1号楼 2单元 301室" in the current language, from ids and the loaded names. */
export function householdLabel(ctx, reg, buildingsById) {
  const b = buildingsById?.[reg.building_id];
  return ctx.t("place.household", { building: b ? ctx.loc(b.name) : reg.building_id, unit: reg.unit, room: reg.room });
}
