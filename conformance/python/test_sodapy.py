"""sodapy 2.2.0 (from PyPI, unchanged) against a live civic over plain HTTP.

Every answer is compared with a value computed from the sample CSV files by
samples.py; nothing expected is read back from the server.
"""

import tomllib
from collections import Counter
from decimal import Decimal

import pytest
import requests
from sodapy import Socrata

import samples as s
from conftest import app_token

NYPD = "nypd-hate"
ALL = 50000  # one page holds every row of the smaller samples

FELONY = lambda r: r["law_code_category_description"] == "FELONY"  # noqa: E731
KINGS = lambda r: r["county"] == "KINGS"  # noqa: E731


def catalog():
    with open(s.SAMPLES / "catalog.toml", "rb") as f:
        return {d["id"]: d for d in tomllib.load(f)["dataset"]}


# --- client.get: each keyword ---------------------------------------------


def test_get_without_arguments_returns_default_page_of_1000_file_rows(client):
    rows = client.get(NYPD)
    assert len(rows) == 1000  # SODA's default $limit
    got = s.server_bag(NYPD, rows)
    assert not got - s.expected_bag(NYPD), "rows that are not in the CSV file"
    assert all(not k.startswith(":") for r in rows for k in r), "system fields by default"


def test_get_every_row_equals_the_file(client):
    rows = client.get(NYPD, limit=ALL)
    assert len(rows) == 2406
    assert s.server_bag(NYPD, rows) == s.expected_bag(NYPD)


def test_get_select(client):
    rows = client.get(NYPD, select="full_complaint_id, county, record_create_date", limit=ALL)
    fields = ["full_complaint_id", "county", "record_create_date"]
    assert {k for r in rows for k in r} == set(fields)
    assert s.server_bag(NYPD, rows) == s.expected_bag(NYPD, fields)


def test_get_select_alias_and_expression(client):
    rows = client.get("seat-wthr", select="date, temp_max - temp_min AS spread",
                      where="weather = 'snow'", order="date", limit=ALL)
    want = [(s.timestamp(r["date"]), Decimal(r["temp_max"]) - Decimal(r["temp_min"]))
            for r in sorted(s.raw_rows("seat-wthr"), key=lambda r: r["date"])
            if r["weather"] == "snow"]
    assert [(r["date"], Decimal(r["spread"])) for r in rows] == want


def test_get_where(client):
    rows = client.get(NYPD, where="county = 'KINGS' AND law_code_category_description = 'FELONY'",
                      limit=ALL)
    assert len(rows) == 419
    assert s.server_bag(NYPD, rows) == s.expected_bag(
        NYPD, where=lambda r: KINGS(r) and FELONY(r))


def test_get_where_timestamp_compared_with_a_string(client):
    rows = client.get(NYPD, select="full_complaint_id, record_create_date",
                      where="record_create_date >= '2023-01-01' AND record_create_date < '2023-04-01'",
                      limit=ALL)
    want = [r for r in s.raw_rows(NYPD)
            if "2023-01-01" <= s.timestamp(r["record_create_date"])[:10] < "2023-04-01"]
    assert len(rows) == len(want) > 0
    assert s.server_bag(NYPD, rows) == s.expected_bag(
        NYPD, ["full_complaint_id", "record_create_date"],
        where=lambda r: "2023-01-01" <= s.timestamp(r["record_create_date"])[:10] < "2023-04-01")


def test_get_where_is_null_on_empty_cells(client):
    rows = client.get("mdgo-crim", select="jurisdiction, year", where="percent_change IS NULL",
                      limit=ALL)
    want = Counter((r["jurisdiction"], Decimal(r["year"]))
                   for r in s.raw_rows("mdgo-crim") if r["percent_change"] == "")
    assert Counter((r["jurisdiction"], Decimal(r["year"])) for r in rows) == want


def test_get_order_and_limit(client):
    rows = client.get("seat-wthr", select="date, temp_max",
                      order="temp_max DESC, date ASC", limit=10)
    want = sorted(s.raw_rows("seat-wthr"), key=lambda r: (-Decimal(r["temp_max"]), r["date"]))[:10]
    assert [(r["date"], Decimal(r["temp_max"])) for r in rows] == [
        (s.timestamp(r["date"]), Decimal(r["temp_max"])) for r in want]


def test_get_order_puts_nulls_last_ascending_and_first_descending(client):
    asc = client.get("mdgo-crim", select="percent_change", order="percent_change ASC", limit=ALL)
    desc = client.get("mdgo-crim", select="percent_change", order="percent_change DESC", limit=ALL)
    values = [r["percent_change"] for r in s.raw_rows("mdgo-crim")]
    nulls = values.count("")
    numbers = sorted(Decimal(v) for v in values if v != "")
    assert [Decimal(r["percent_change"]) for r in asc[: len(numbers)]] == numbers
    assert all("percent_change" not in r for r in asc[len(numbers):])
    assert all("percent_change" not in r for r in desc[:nulls])
    assert [Decimal(r["percent_change"]) for r in desc[nulls:]] == numbers[::-1]


def test_get_offset_pages_in_the_given_order(client):
    ordered = sorted(s.raw_rows("seat-wthr"), key=lambda r: r["date"])
    for offset in (0, 30, 1455):
        rows = client.get("seat-wthr", order="date", limit=7, offset=offset)
        assert s.server_bag("seat-wthr", rows) == s.bag(
            s.expected_row("seat-wthr", r) for r in ordered[offset:offset + 7])
        assert [r["date"] for r in rows] == [s.timestamp(r["date"]) for r in ordered[offset:offset + 7]]


def test_get_group_counts(client):
    rows = client.get(NYPD, select="county, count(*)", group="county", limit=ALL)
    assert {r["county"]: int(r["count"]) for r in rows} == s.count_by(NYPD, "county")


def test_get_group_sum_is_exact(client):
    rows = client.get("seat-wthr", select="weather, sum(precipitation), count(*)",
                      group="weather", order="weather", limit=ALL)
    weathers = sorted(s.count_by("seat-wthr", "weather"))
    assert [r["weather"] for r in rows] == weathers
    for r in rows:
        w = r["weather"]
        assert Decimal(r["sum_precipitation"]) == s.decimal_sum(
            "seat-wthr", "precipitation", lambda x: x["weather"] == w)
        assert int(r["count"]) == s.count_by("seat-wthr", "weather")[w]


def test_get_aggregates_over_a_column_with_empty_cells(client):
    (row,) = client.get("mdgo-crim", select="sum(murder), count(percent_change), count(*), "
                        "min(year), max(population)")
    md = s.raw_rows("mdgo-crim")
    assert Decimal(row["sum_murder"]) == s.decimal_sum("mdgo-crim", "murder")
    assert int(row["count_percent_change"]) == sum(1 for r in md if r["percent_change"] != "")
    assert int(row["count"]) == len(md) == 1104
    assert Decimal(row["min_year"]) == min(Decimal(r["year"]) for r in md)
    assert Decimal(row["max_population"]) == max(Decimal(r["population"]) for r in md)


def test_get_avg_is_close_to_the_exact_mean(client):
    (row,) = client.get("seat-wthr", select="avg(temp_max)")
    exact = s.decimal_sum("seat-wthr", "temp_max") / len(s.raw_rows("seat-wthr"))
    assert abs(Decimal(row["avg_temp_max"]) - exact) < Decimal("0.00001")


def test_get_having_on_the_implicit_alias(client):
    # sodapy has no `having` keyword; its users pass "$having" through **kwargs
    rows = client.get(NYPD, select="county, count(*)", group="county", order="count DESC",
                      limit=ALL, **{"$having": "count > 300"})
    want = [(c, n) for c, n in s.count_by(NYPD, "county").most_common() if n > 300]
    assert [(r["county"], int(r["count"])) for r in rows] == want
    rows = client.get(NYPD, query="SELECT county, count(*) GROUP BY county "
                      "HAVING count(*) > 300 ORDER BY count DESC")
    assert [(r["county"], int(r["count"])) for r in rows] == want


def test_get_q_full_text_search(client):
    text_fields = [f for f, t in s.types(NYPD).items() if t == "text"]
    want = [r for r in s.raw_rows(NYPD) if s.contains_all_terms(r, ["jewish", "Kings"], text_fields)]
    rows = client.get(NYPD, q="jewish Kings", limit=ALL)
    assert len(rows) == len(want) == 443
    assert s.server_bag(NYPD, rows) == s.bag(s.expected_row(NYPD, r) for r in want)


def test_get_query_felonies_by_county(client):
    """The issue's check: SoQL $query grouped counts equal the CSV's."""
    rows = client.get(NYPD, query="SELECT county, count(*) AS n "
                      "WHERE law_code_category_description='FELONY' "
                      "GROUP BY county ORDER BY n DESC")
    want = s.count_by(NYPD, "county", FELONY)
    assert {r["county"]: int(r["n"]) for r in rows} == want
    assert [int(r["n"]) for r in rows] == sorted(want.values(), reverse=True)
    assert [r["county"] for r in rows] == [c for c, _ in want.most_common()]


def test_get_query_with_limit_and_offset(client):
    rows = client.get("zips-usps", query="SELECT zip_code, city WHERE state = 'NY' "
                      "ORDER BY zip_code LIMIT 5 OFFSET 2")
    ny = sorted((r["zip_code"], r["city"]) for r in s.raw_rows("zips-usps") if r["state"] == "NY")
    assert [(r["zip_code"], r["city"]) for r in rows] == ny[2:7]


@pytest.mark.parametrize("flag", [False, "false"], ids=["python-False", "text-false"])
def test_get_exclude_system_fields_false(client, flag):
    # sodapy passes the value through: Python's False goes out as "False"
    rows = client.get("lari-1992", exclude_system_fields=flag, limit=ALL)
    assert len(rows) == 63
    ids = [r[":id"] for r in rows]
    assert len(set(ids)) == 63
    for r in rows:
        assert r[":created_at"].endswith("Z") and r[":updated_at"].endswith("Z")
    plain = [{k: v for k, v in r.items() if not k.startswith(":")} for r in rows]
    assert s.server_bag("lari-1992", plain) == s.expected_bag("lari-1992")


def test_get_field_filters(client):
    rows = client.get(NYPD, county="KINGS", limit=ALL)
    assert len(rows) == 819
    assert s.server_bag(NYPD, rows) == s.expected_bag(NYPD, where=KINGS)
    both = client.get(NYPD, county="KINGS", law_code_category_description="FELONY", limit=ALL)
    assert len(both) == sum(1 for r in s.raw_rows(NYPD) if KINGS(r) and FELONY(r)) == 419
    # ANDed with $where as well
    some = client.get(NYPD, county="KINGS", where="offense_category = 'Gender'", limit=ALL)
    assert len(some) == sum(1 for r in s.raw_rows(NYPD)
                            if KINGS(r) and r["offense_category"] == "Gender")


def test_get_leading_zero_zip_stays_text(client):
    (row,) = client.get("zips-usps", zip_code="00501")
    (raw,) = [r for r in s.raw_rows("zips-usps") if r["zip_code"] == "00501"]
    assert row["zip_code"] == "00501"
    assert s.comparable("zips-usps", row) == s.expected_row("zips-usps", raw)
    assert row["location"] == {"type": "Point",
                               "coordinates": [float(raw["longitude"]), float(raw["latitude"])]}


def test_get_csv_content_type(client):
    rows = client.get("zips-usps", content_type="csv", select="zip_code, city, state",
                      where="state = 'NY'", order="zip_code", limit=ALL)
    assert rows[0] == ["zip_code", "city", "state"]
    want = sorted([r["zip_code"], r["city"], r["state"]]
                  for r in s.raw_rows("zips-usps") if r["state"] == "NY")
    assert rows[1:] == want
    assert rows[1][0] == "00501"


def test_get_csv_with_quoted_commas_and_empty_cells(client):
    """Every NYPD row, with the PD descriptions that contain commas, through
    sodapy's csv.reader."""
    rows = client.get(NYPD, content_type="csv", limit=ALL)
    head, body = rows[0], rows[1:]
    assert head == [s.field_name(h) for h in s.header(NYPD)]
    want = Counter(tuple(r[f] if s.types(NYPD)[f] != "floating_timestamp" else s.timestamp(r[f])
                         for f in head) for r in s.raw_rows(NYPD))
    # numbers in CSV keep their digits as in the file (integers here)
    assert Counter(tuple(row) for row in body) == want


def test_get_csv_points_are_wkt(client):
    rows = client.get("lari-1992", content_type="csv", select="last_name, location",
                      order="last_name, first_name", limit=ALL)
    assert rows[0] == ["last_name", "location"]
    want = sorted((r["last_name"], r["first_name"], f"POINT ({r['longitude']} {r['latitude']})")
                  for r in s.raw_rows("lari-1992"))
    assert [tuple(r) for r in rows[1:]] == [(w[0], w[2]) for w in want]


def test_get_geojson_content_type(client):
    fc = client.get("lari-1992", content_type="geojson", limit=ALL)
    assert fc["type"] == "FeatureCollection"
    got = Counter((f["properties"]["last_name"], tuple(f["geometry"]["coordinates"]))
                  for f in fc["features"])
    want = Counter((r["last_name"], (float(r["longitude"]), float(r["latitude"])))
                   for r in s.raw_rows("lari-1992"))
    assert got == want


def test_get_with_app_token_header(domain):
    """sodapy sends the token as `X-App-token` (its own spelling)."""
    token = app_token()
    with Socrata(domain, token,
                 session_adapter={"prefix": "http://", "adapter": requests.adapters.HTTPAdapter()},
                 timeout=60) as c:
        assert c.session.headers["X-App-token"] == token
        (row,) = c.get(NYPD, select="count(*)")
        assert int(row["count"]) == 2406


def test_an_unknown_app_token_raises(domain):
    with Socrata(domain, "not-a-token",
                 session_adapter={"prefix": "http://", "adapter": requests.adapters.HTTPAdapter()},
                 timeout=60) as c:
        with pytest.raises(requests.HTTPError) as refused:
            c.get(NYPD, select="count(*)")
        assert refused.value.response.status_code == 403
        assert "app token" in str(refused.value)


# --- get_all: sodapy pages with $offset and no $order ----------------------


def test_get_all_every_nypd_row_once(client):
    rows = list(client.get_all(NYPD))
    assert len(rows) == 2406
    assert s.server_bag(NYPD, rows) == s.expected_bag(NYPD)


def test_get_all_pages_carry_distinct_row_ids(client):
    rows = list(client.get_all(NYPD, exclude_system_fields=False, limit=500))
    ids = [r[":id"] for r in rows]
    assert len(ids) == 2406
    assert len(set(ids)) == 2406, "a row appeared on two pages"


def test_get_all_with_where_and_small_pages(client):
    rows = list(client.get_all("seat-wthr", where="weather = 'fog'", limit=25))
    assert s.server_bag("seat-wthr", rows) == s.expected_bag(
        "seat-wthr", where=lambda r: r["weather"] == "fog")


def test_get_all_zip_codes_keep_their_text(client):
    rows = list(client.get_all("zips-usps", select="zip_code", limit=10000))
    got = Counter(r["zip_code"] for r in rows)
    want = Counter(r["zip_code"] for r in s.raw_rows("zips-usps"))
    assert len(rows) == 42049
    assert got == want


# --- get_metadata -----------------------------------------------------------


@pytest.mark.parametrize("dataset", sorted(s.FILES))
def test_get_metadata(client, dataset):
    meta = client.get_metadata(dataset)
    want = catalog()[dataset]
    assert meta["id"] == dataset
    assert meta["name"] == want["title"]
    assert meta["description"] == want["description"]
    assert meta["category"] == want["topic"]
    assert meta["tags"] == want["tags"]
    assert meta["attribution"] == want["attribution"]
    cols = [c for c in meta["columns"] if not c["fieldName"].startswith(":")]
    headers = s.header(dataset)
    names = [s.field_name(h) for h in headers] + (["location"] if s.point_fields(dataset) else [])
    assert [c["fieldName"] for c in cols] == names
    assert [c["name"] for c in cols][: len(headers)] == headers
    assert {c["fieldName"]: c["dataTypeName"] for c in cols} == s.types(dataset)
    for c in cols:
        assert isinstance(c["description"], str)


def test_get_metadata_unknown_dataset_raises(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get_metadata("nope-nope")
    assert e.value.response.status_code == 404


# --- datasets(): the Discovery API -------------------------------------------


def test_datasets_lists_the_catalog(client):
    results = client.datasets()
    want = catalog()
    assert sorted(r["resource"]["id"] for r in results) == sorted(want)
    for r in results:
        d = want[r["resource"]["id"]]
        assert r["resource"]["name"] == d["title"]
        assert r["classification"]["domain_category"] == d["topic"]
        assert d["topic"] in r["classification"]["categories"]
        assert sorted(r["classification"]["tags"]) == sorted(d["tags"])
        meta = {m["key"]: m["value"] for m in r["classification"]["domain_metadata"]}
        assert meta["Department"] == d["department"]


def test_datasets_result_set_size_and_paging(client, domain, http, base_url):
    body = http.get(f"{base_url}/api/catalog/v1", params={"domains": domain, "limit": 2}).json()
    assert body["resultSetSize"] == len(catalog()) == 5
    assert len(body["results"]) == 2
    # sodapy raises when a page holds fewer than `limit` results, so the last
    # page is asked for with the limit it can fill
    pages = [client.datasets(limit=2, offset=0), client.datasets(limit=2, offset=2),
             client.datasets(limit=1, offset=4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    ids = [r["resource"]["id"] for p in pages for r in p]
    assert sorted(ids) == sorted(catalog()), "pages overlap or miss a dataset"
    assert [r["resource"]["id"] for r in client.datasets()] == ids


def test_datasets_filters(client):
    def ids(**kw):
        return sorted(r["resource"]["id"] for r in client.datasets(**kw))
    cat = catalog()
    assert ids(categories=["Public Safety"]) == sorted(
        i for i, d in cat.items() if d["topic"] == "Public Safety")
    assert ids(tags=["map"]) == sorted(i for i, d in cat.items() if "map" in d["tags"])
    assert ids(ids=["zips-usps", "seat-wthr"]) == ["seat-wthr", "zips-usps"]
    assert ids(only=["dataset"]) == sorted(cat)
    assert "seat-wthr" in ids(q="weather")


def test_datasets_repeated_categories(client):
    """sodapy sends a list as repeated parameters (categories=A&categories=B).
    Whether the Discovery API ORs or ANDs them, no value may be dropped."""
    cat = catalog()
    got = sorted(r["resource"]["id"] for r in client.datasets(categories=["Public Safety", "History"]))
    union = sorted(i for i, d in cat.items() if d["topic"] in ("Public Safety", "History"))
    both = []  # a dataset has one topic
    assert got in (union, both)


def test_datasets_attribution_filter(client):
    """sodapy documents `attribution=` ("organization datasets must come
    from"); the Discovery API filters on it."""
    got = sorted(r["resource"]["id"] for r in client.datasets(attribution="Los Angeles Times"))
    assert got == sorted(i for i, d in catalog().items() if d["attribution"] == "Los Angeles Times")


def test_datasets_order_by_name(client):
    """sodapy's `order=` ("field to sort on") is the Discovery API's `order`."""
    got = [r["resource"]["name"] for r in client.datasets(order="name")]
    assert got == sorted(d["title"] for d in catalog().values())


# --- the error path -----------------------------------------------------------


def test_misspelt_column_raises_http_error_with_the_message(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, where="countyy = 'KINGS'")
    resp = e.value.response
    assert resp.status_code == 400
    body = resp.json()
    assert body["error"] is True
    assert body["code"] == "query.soql.no-such-column"
    assert body["data"]["parameter"] == "$where"
    assert body["data"]["position"] == {"line": 1, "column": 1}
    # sodapy appends the server's message to the exception text
    assert body["message"] in str(e.value)
    assert "countyy" in str(e.value)


def test_misspelt_column_in_select_and_query(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, select="county, bias_motive")
    body = e.value.response.json()
    assert body["code"] == "query.soql.no-such-column"
    assert body["data"]["parameter"] == "$select"
    assert body["data"]["position"] == {"line": 1, "column": 9}
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, query="SELECT county WHERE countyy = 'KINGS'")
    body = e.value.response.json()
    assert body["data"]["parameter"] == "$query"
    assert body["data"]["position"] == {"line": 1, "column": 21}


def test_type_mismatch_and_bad_parse(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, where="county > 3")
    assert e.value.response.status_code == 400
    assert e.value.response.json()["code"] == "query.soql.type-mismatch"
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, where="county = ")
    assert e.value.response.status_code == 400
    assert e.value.response.json()["code"] in ("query.soql.bad-parse", "query.soql.unexpected-eof")


def test_unknown_dataset_raises(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get("nope-nope")
    assert e.value.response.status_code == 404
    assert e.value.response.json()["code"] == "query.dataset.does-not-exist"


def test_limit_above_the_maximum_is_refused(client):
    with pytest.raises(requests.HTTPError) as e:
        client.get(NYPD, limit=50001)
    assert e.value.response.status_code == 400
    body = e.value.response.json()
    assert body["code"] == "req.row-limit-exceeded"
    assert "50000" in body["message"]


# --- geo ------------------------------------------------------------------------


def test_within_circle(client):
    # 1 km (no row) and wider around 5th & Broadway, Los Angeles; compared with
    # the haversine distance computed over the CSV
    counts = []
    for radius in (1000, 2500, 5000, 10000):
        rows = client.get("lari-1992", where=f"within_circle(location, 34.05, -118.25, {radius})",
                          limit=ALL)
        near = s.within_circle("lari-1992", 34.05, -118.25, radius)
        assert len(rows) == sum(1 for r in s.raw_rows("lari-1992") if near(r))
        assert s.server_bag("lari-1992", rows) == s.expected_bag("lari-1992", where=near)
        counts.append(len(rows))
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
