"""SODA3 as newer tools call it (CDC, datos.gov.co and NYC code): `requests`
POSTs a JSON body to /api/v3/views/{id}/query.json with an X-App-Token
header and walks pages; exports come from /api/v3/views/{id}/export.csv.
Answers are compared with values computed from the sample CSV files.
"""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest

import samples as s
from conftest import app_token

NYPD = "nypd-hate"
TOKEN = app_token()
HEADERS = {"Content-Type": "application/json", "Accept": "application/json", "X-App-Token": TOKEN}


def soda3(http, base_url, dataset, query, page=None, include_synthetic=False, headers=HEADERS):
    body = {"query": query, "includeSynthetic": include_synthetic}
    if page:
        body["page"] = {"pageNumber": page[0], "pageSize": page[1]}
    return http.post(f"{base_url}/api/v3/views/{dataset}/query.json", json=body,
                     headers=headers, timeout=60)


def rows_of(resp):
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert isinstance(body, list), "SODA3 /query answers a bare JSON array"
    return body


def all_pages(http, base_url, dataset, query, size, include_synthetic=False):
    """Page until a short page, as the SODA3 clients do."""
    out, number = [], 1
    while True:
        page = rows_of(soda3(http, base_url, dataset, query, (number, size), include_synthetic))
        out.extend(page)
        if len(page) < size:
            return out, number
        number += 1


def test_felonies_by_county(http, base_url):
    rows = rows_of(soda3(http, base_url, NYPD,
                         "SELECT county, count(*) AS n WHERE law_code_category_description='FELONY' "
                         "GROUP BY county ORDER BY n DESC"))
    want = s.count_by(NYPD, "county", lambda r: r["law_code_category_description"] == "FELONY")
    assert [(r["county"], int(r["n"])) for r in rows] == want.most_common()


def test_backquoted_identifiers(http, base_url):
    rows = rows_of(soda3(http, base_url, NYPD,
                         "SELECT `county`, count(*) AS `n` WHERE `offense_category` = 'Gender' "
                         "GROUP BY `county` ORDER BY `county`"))
    want = s.count_by(NYPD, "county", lambda r: r["offense_category"] == "Gender")
    assert [(r["county"], int(r["n"])) for r in rows] == sorted(want.items())


def test_pages_cover_every_row_once(http, base_url):
    rows, pages = all_pages(http, base_url, NYPD, "SELECT *", 500)
    assert pages == 5 and len(rows) == 2406
    assert s.server_bag(NYPD, rows) == s.expected_bag(NYPD)


def test_pages_carry_distinct_row_ids(http, base_url):
    rows, _ = all_pages(http, base_url, NYPD, "SELECT :id, full_complaint_id", 700,
                        include_synthetic=True)
    assert len({r[":id"] for r in rows}) == len(rows) == 2406


def test_page_of_an_ordered_query(http, base_url):
    ordered = sorted(s.raw_rows("seat-wthr"), key=lambda r: r["date"])
    rows = rows_of(soda3(http, base_url, "seat-wthr", "SELECT * ORDER BY date", (3, 100)))
    assert [r["date"] for r in rows] == [s.timestamp(r["date"]) for r in ordered[200:300]]
    assert s.server_bag("seat-wthr", rows) == s.bag(
        s.expected_row("seat-wthr", r) for r in ordered[200:300])


def test_page_past_the_end_is_empty(http, base_url):
    assert rows_of(soda3(http, base_url, "lari-1992", "SELECT *", (2, 63))) == []


def test_limit_and_offset_inside_the_query(http, base_url):
    rows = rows_of(soda3(http, base_url, "zips-usps",
                         "SELECT zip_code, city WHERE state = 'VT' ORDER BY zip_code LIMIT 4 OFFSET 10"))
    vt = sorted((r["zip_code"], r["city"]) for r in s.raw_rows("zips-usps") if r["state"] == "VT")
    assert [(r["zip_code"], r["city"]) for r in rows] == vt[10:14]


def test_include_synthetic(http, base_url):
    plain = rows_of(soda3(http, base_url, "lari-1992", "SELECT * LIMIT 5", include_synthetic=False))
    assert all(not k.startswith(":") for r in plain for k in r)
    synth = rows_of(soda3(http, base_url, "lari-1992", "SELECT * LIMIT 5", include_synthetic=True))
    for r in synth:
        assert {":id", ":created_at", ":updated_at"} <= set(r)


def test_lower_like_as_in_the_cdc_example(http, base_url):
    rows = rows_of(soda3(http, base_url, NYPD,
                         "SELECT * WHERE lower(pd_code_description) like '%assault%'", (1, 5000)))
    want = [r for r in s.raw_rows(NYPD) if "assault" in r["pd_code_description"].lower()]
    assert len(rows) == len(want) > 0
    assert s.server_bag(NYPD, rows) == s.bag(s.expected_row(NYPD, r) for r in want)


def test_grouped_sums_are_exact(http, base_url):
    rows = rows_of(soda3(http, base_url, "mdgo-crim",
                         "SELECT jurisdiction, sum(murder) AS murders, sum(grand_total) AS total, "
                         "count(*) AS years WHERE year >= 2000 GROUP BY jurisdiction "
                         "ORDER BY jurisdiction", (1, 1000)))
    md = [r for r in s.raw_rows("mdgo-crim") if Decimal(r["year"]) >= 2000]
    want = {}
    for r in md:
        m, t, n = want.get(r["jurisdiction"], (Decimal(0), Decimal(0), 0))
        want[r["jurisdiction"]] = (m + Decimal(r["murder"]), t + Decimal(r["grand_total"]), n + 1)
    assert [r["jurisdiction"] for r in rows] == sorted(want)
    for r in rows:
        assert (Decimal(r["murders"]), Decimal(r["total"]), int(r["years"])) == want[r["jurisdiction"]]


def test_specific_rows(http, base_url):
    (row,) = rows_of(soda3(http, base_url, "zips-usps", "SELECT * WHERE zip_code = '00501'"))
    (raw,) = [r for r in s.raw_rows("zips-usps") if r["zip_code"] == "00501"]
    assert row["zip_code"] == "00501"
    assert s.comparable("zips-usps", row) == s.expected_row("zips-usps", raw)
    rows = rows_of(soda3(http, base_url, "lari-1992",
                         "SELECT * WHERE neighborhood = 'Koreatown' ORDER BY last_name"))
    want = sorted((r for r in s.raw_rows("lari-1992") if r["neighborhood"] == "Koreatown"),
                  key=lambda r: r["last_name"])
    assert [s.comparable("lari-1992", r) for r in rows] == [
        s.expected_row("lari-1992", r) for r in want]


def test_anonymous_query_is_allowed(http, base_url):
    """Civic keeps SODA3 open to callers without a token (DESIGN.md)."""
    rows = rows_of(soda3(http, base_url, NYPD, "SELECT count(*)",
                         headers={"Content-Type": "application/json"}))
    assert int(rows[0]["count"]) == 2406


def test_query_error(http, base_url):
    resp = soda3(http, base_url, NYPD, "SELECT county WHERE countyy = 'KINGS'")
    assert resp.status_code == 400
    body = resp.json()
    assert body["error"] is True
    assert body["code"] == "query.soql.no-such-column"
    assert "countyy" in body["message"]
    assert body["data"]["position"] == {"line": 1, "column": 21}


def test_malformed_body(http, base_url):
    resp = http.post(f"{base_url}/api/v3/views/{NYPD}/query.json", data='{"query": ',
                     headers=HEADERS, timeout=60)
    assert resp.status_code == 400
    assert resp.json()["code"] == "req.body.malformed-json"


def test_unknown_dataset(http, base_url):
    resp = soda3(http, base_url, "nope-nope", "SELECT *")
    assert resp.status_code == 404
    assert resp.json()["code"] == "query.dataset.does-not-exist"


# --- export.csv ---------------------------------------------------------------


def export(http, base_url, dataset, query=None):
    params = {"query": query} if query else None
    resp = http.get(f"{base_url}/api/v3/views/{dataset}/export.csv", params=params,
                    headers={"X-App-Token": TOKEN}, timeout=120)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(resp.text)))


def test_export_with_a_query(http, base_url):
    rows = export(http, base_url, "zips-usps",
                  "SELECT zip_code, city, county WHERE state = 'NJ' ORDER BY zip_code")
    assert rows[0] == ["zip_code", "city", "county"]
    want = sorted([r["zip_code"], r["city"], r["county"]]
                  for r in s.raw_rows("zips-usps") if r["state"] == "NJ")
    assert rows[1:] == want
    assert all(r[0].startswith("0") for r in rows[1:])  # New Jersey's zips keep their zero


def test_export_is_never_cut(http, base_url):
    rows = export(http, base_url, "zips-usps")
    assert rows[0] == [s.field_name(h) for h in s.header("zips-usps")] + ["location"]
    assert len(rows) - 1 == len(s.raw_rows("zips-usps")) == 42049
    assert Counter(r[0] for r in rows[1:]) == Counter(r["zip_code"] for r in s.raw_rows("zips-usps"))


def test_within_circle(http, base_url):
    # Around 5th & Broadway, Los Angeles: the rows whose haversine distance
    # from the CSV's latitude/longitude is within each radius.
    counts = []
    for radius in (1000, 2500, 5000, 10000):
        rows = rows_of(soda3(http, base_url, "lari-1992",
                             f"SELECT * WHERE within_circle(location, 34.05, -118.25, {radius})",
                             (1, 1000)))
        near = s.within_circle("lari-1992", 34.05, -118.25, radius)
        assert s.server_bag("lari-1992", rows) == s.expected_bag("lari-1992", where=near)
        counts.append(len(rows))
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
