// soda-js (npm, unchanged) against a live civic over HTTPS.
//
// soda-js 0.2.x always builds https:// URLs from a domain name, so the runner
// starts `civic serve --tls-cert ... --tls-key ...` with a self-signed
// certificate that node trusts through NODE_EXTRA_CA_CERTS, and passes its
// address as CIVIC_TLS_URL. Every answer is compared with a value computed
// from the sample CSV files (samples.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import soda from 'soda-js';
import * as s from './samples.mjs';

const TLS_URL = process.env.CIVIC_TLS_URL;
if (!TLS_URL) {
  console.error('CIVIC_TLS_URL is not set (e.g. https://127.0.0.1:8443); run conformance/run.sh');
  process.exit(2);
}
const DOMAIN = new URL(TLS_URL).host; // "127.0.0.1:PORT", which soda-js accepts as a domain
const consumer = new soda.Consumer(DOMAIN);
const NYPD = 'nypd-hate';
const TIMEOUT = { timeout: 60_000 };

/** Run a soda-js query; resolve with { ok, body } from its success / error events. */
function run(query) {
  return new Promise((resolve) => {
    query
      .getRows()
      .on('success', (body) => resolve({ ok: true, body }))
      .on('error', (body) => resolve({ ok: false, body }));
  });
}

async function rowsOf(query) {
  const { ok, body } = await run(query);
  assert.ok(ok, `soda-js reported an error: ${JSON.stringify(body)}`);
  assert.ok(Array.isArray(body), 'rows are a JSON array');
  return body;
}

const nypd = () => consumer.query().withDataset(NYPD);
const FELONY = (r) => r.law_code_category_description === 'FELONY';

test('builds https URLs with SoQL parameters', () => {
  const url = nypd().select('county', 'count(*)').where({ county: 'KINGS' }).group('county').order('county').limit(5).getURL();
  assert.equal(
    url,
    `https://${DOMAIN}/resource/nypd-hate.json?%24select=county%2C%20count(*)&%24where=(county%20%3D%20'KINGS')` +
      '&%24group=county&%24order=county%20asc&%24limit=5',
  );
});

test('default page holds 1000 file rows', TIMEOUT, async () => {
  const rows = await rowsOf(nypd());
  assert.equal(rows.length, 1000);
  const ids = new Set(s.rows(NYPD).map((r) => r.full_complaint_id));
  for (const r of rows) assert.ok(ids.has(r.full_complaint_id), `row not in the file: ${r.full_complaint_id}`);
});

test('select and where with an object', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('full_complaint_id', 'county', 'record_create_date').where({ county: 'KINGS' }).limit(5000));
  const want = s.rows(NYPD).filter((r) => r.county === 'KINGS');
  assert.equal(rows.length, 819);
  assert.deepEqual(
    s.bag(rows.map((r) => [r.full_complaint_id, r.county, r.record_create_date].join('|'))),
    s.bag(want.map((r) => [r.full_complaint_id, r.county, s.timestamp(r.record_create_date)].join('|'))),
  );
  for (const r of rows) assert.deepEqual(Object.keys(r).sort(), ['county', 'full_complaint_id', 'record_create_date']);
});

test('where clauses (string and object) are ANDed', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().where("law_code_category_description = 'FELONY'", { county: 'QUEENS' }).limit(5000));
  const want = s.rows(NYPD).filter((r) => FELONY(r) && r.county === 'QUEENS');
  assert.equal(rows.length, want.length);
  assert.equal(rows.length, 209);
  assert.deepEqual(s.bag(rows.map((r) => `${r.full_complaint_id}|${r.pd_code_description}`)), s.bag(want.map((r) => `${r.full_complaint_id}|${r.pd_code_description}`)));
});

test('group and order: felonies by county, most first', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('county', 'count(*) AS n').where({ law_code_category_description: 'FELONY' }).group('county').order('n desc'));
  const want = [...s.countBy(s.rows(NYPD).filter(FELONY), (r) => r.county)].sort((a, b) => b[1] - a[1]);
  assert.deepEqual(rows.map((r) => [r.county, Number(r.n)]), want);
});

test('order without a direction is ascending', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('offense_category', 'count(*)').group('offense_category').order('offense_category'));
  const want = [...s.countBy(s.rows(NYPD), (r) => r.offense_category)].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(rows.map((r) => [r.offense_category, Number(r.count)]), want);
});

test('having on an alias', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('county', 'count(*) AS n').group('county').having('n > 300').order('n desc'));
  const want = [...s.countBy(s.rows(NYPD), (r) => r.county)].filter(([, n]) => n > 300).sort((a, b) => b[1] - a[1]);
  assert.deepEqual(rows.map((r) => [r.county, Number(r.n)]), want);
});

test('order, offset and limit', TIMEOUT, async () => {
  const rows = await rowsOf(consumer.query().withDataset('seat-wthr').select('date', 'temp_max', 'weather').order('temp_max desc', 'date').offset(3).limit(5));
  const want = [...s.rows('seat-wthr')]
    .sort((a, b) => Number(b.temp_max) - Number(a.temp_max) || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
    .slice(3, 8);
  assert.deepEqual(
    rows.map((r) => [r.date, r.temp_max, r.weather]),
    want.map((r) => [s.timestamp(r.date), s.decimal(r.temp_max), r.weather]),
  );
});

test('soda.expr helpers with numbers', TIMEOUT, async () => {
  const where = soda.expr.and(soda.expr.gte('temp_max', 30), soda.expr.eq('weather', 'sun'));
  const rows = await rowsOf(consumer.query().withDataset('seat-wthr').select('count(*)').where(where));
  const want = s.rows('seat-wthr').filter((r) => Number(r.temp_max) >= 30 && r.weather === 'sun').length;
  assert.ok(want > 0);
  assert.equal(Number(rows[0].count), want);
});

test('timestamps compared with a date string', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('count(*)').where("record_create_date >= '2023-01-01'"));
  const want = s.rows(NYPD).filter((r) => s.timestamp(r.record_create_date) >= '2023-01-01').length;
  assert.equal(Number(rows[0].count), want);
});

test('grouped sums are exact decimals', TIMEOUT, async () => {
  const rows = await rowsOf(consumer.query().withDataset('seat-wthr').select('weather', 'sum(precipitation)', 'sum(wind)').group('weather').order('weather'));
  const weathers = [...new Set(s.rows('seat-wthr').map((r) => r.weather))].sort();
  assert.deepEqual(rows.map((r) => r.weather), weathers);
  for (const r of rows) {
    const mine = s.rows('seat-wthr').filter((x) => x.weather === r.weather);
    assert.equal(s.decimal(r.sum_precipitation), s.decimalSum(mine.map((x) => x.precipitation)), r.weather);
    assert.equal(s.decimal(r.sum_wind), s.decimalSum(mine.map((x) => x.wind)), r.weather);
  }
});

test('full-text $q', TIMEOUT, async () => {
  const rows = await rowsOf(nypd().select('count(*)').q('jewish Kings'));
  const text = ['patrol_borough_name', 'county', 'law_code_category_description', 'offense_description', 'pd_code_description', 'bias_motive_description', 'offense_category', 'arrest_date', 'arrest_id'];
  const want = s.rows(NYPD).filter((r) => ['jewish', 'kings'].every((t) => text.some((f) => r[f].toLowerCase().includes(t)))).length;
  assert.equal(Number(rows[0].count), want);
});

test('soql() sends $query', TIMEOUT, async () => {
  const rows = await rowsOf(
    nypd().soql("SELECT county, count(*) AS n WHERE law_code_category_description='FELONY' GROUP BY county ORDER BY n DESC"),
  );
  const want = [...s.countBy(s.rows(NYPD).filter(FELONY), (r) => r.county)].sort((a, b) => b[1] - a[1]);
  assert.deepEqual(rows.map((r) => [r.county, Number(r.n)]), want);
});

test('leading-zero ZIP stays text; points are GeoJSON', TIMEOUT, async () => {
  const rows = await rowsOf(consumer.query().withDataset('zips-usps').where({ zip_code: '00501' }));
  const raw = s.rows('zips-usps').find((r) => r.zip_code === '00501');
  assert.equal(rows.length, 1);
  const [r] = rows;
  assert.equal(r.zip_code, '00501');
  assert.equal(r.city, raw.city);
  assert.equal(r.county, raw.county);
  assert.equal(s.decimal(r.latitude), s.decimal(raw.latitude));
  assert.deepEqual(r.location, { type: 'Point', coordinates: [Number(raw.longitude), Number(raw.latitude)] });
});

test('a row with quoted commas and empty cells', TIMEOUT, async () => {
  const counts = s.countBy(s.rows(NYPD), (r) => r.full_complaint_id);
  const raw = s.rows(NYPD).find((r) => counts.get(r.full_complaint_id) === 1 && r.pd_code_description.includes(','));
  const rows = await rowsOf(nypd().where(`full_complaint_id = ${raw.full_complaint_id}`));
  assert.equal(rows.length, 1);
  const want = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '') continue; // null keys are omitted
    want[k] = k === 'record_create_date' ? s.timestamp(v) : v;
  }
  assert.deepEqual(rows[0], want);
});

test('app token header (sodaOpts.apiToken)', TIMEOUT, async () => {
  const token = process.env.CIVIC_APP_TOKEN;
  assert.ok(token, 'CIVIC_APP_TOKEN is set by run.sh');
  const withToken = new soda.Consumer(DOMAIN, { apiToken: token });
  const rows = await rowsOf(withToken.query().withDataset('lari-1992').select('count(*)'));
  assert.equal(Number(rows[0].count), s.rows('lari-1992').length);
});

test('an unknown app token emits error', TIMEOUT, async () => {
  const bogus = new soda.Consumer(DOMAIN, { apiToken: 'not-a-token' });
  const { ok, body } = await run(bogus.query().withDataset('lari-1992').select('count(*)'));
  assert.equal(ok, false);
  assert.equal(body.error, true);
  assert.equal(body.code, 'authentication.invalid-app-token');
});

test('a misspelt column emits error with the server message', TIMEOUT, async () => {
  const { ok, body } = await run(nypd().where('countyy = 1'));
  assert.equal(ok, false);
  assert.equal(body.error, true);
  assert.equal(body.code, 'query.soql.no-such-column');
  assert.match(body.message, /countyy/);
  assert.equal(body.data.parameter, '$where');
  // soda-js wraps each where clause in parentheses, so the column is 2
  assert.deepEqual(body.data.position, { line: 1, column: 2 });
});

test('an unknown dataset emits error', TIMEOUT, async () => {
  const { ok, body } = await run(consumer.query().withDataset('nope-nope'));
  assert.equal(ok, false);
  assert.equal(body.code, 'query.dataset.does-not-exist');
});

/** Great-circle metres on a sphere of radius 6,371,008.8 m, as SoQL measures. */
function haversine(lat1, lon1, lat2, lon2) {
  const rad = (d) => (d * Math.PI) / 180;
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lon2 - lon1) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

test('within_circle through where()', TIMEOUT, async () => {
  for (const radius of [2500, 5000, 20000]) {
    const rows = await rowsOf(
      consumer
        .query()
        .withDataset('lari-1992')
        .select('first_name', 'last_name')
        .where(`within_circle(location, 34.05, -118.25, ${radius})`)
        .limit(5000),
    );
    const want = s
      .rows('lari-1992')
      .filter((r) => r.latitude !== '' && r.longitude !== '')
      .filter((r) => haversine(34.05, -118.25, Number(r.latitude), Number(r.longitude)) <= radius)
      .map((r) => `${r.first_name} ${r.last_name}`)
      .sort();
    assert.ok(want.length > 0, `some rows lie within ${radius} m`);
    assert.deepEqual(rows.map((r) => `${r.first_name ?? ""} ${r.last_name ?? ""}`).sort(), want, `radius ${radius}`);
  }
});
