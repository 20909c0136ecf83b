"""The rest of the SODA 2 surface that clients touch without a library
method: one row by :id, app tokens in the URL and header, the type headers
RSocrata reads, the `Link` next page, and the full download path.
Plain `requests`; expected values from the sample CSV files.
"""

import csv
import io
import json
from collections import Counter
from urllib.parse import urlencode

import samples as s
from conftest import app_token

NYPD = "nypd-hate"


def get(http, base_url, path, **kw):
    kw.setdefault("timeout", 60)
    return http.get(f"{base_url}{path}", **kw)


def test_one_row_by_id(http, base_url):
    # pick a complaint id that occurs once in the file and find its :id
    counts = Counter(r["full_complaint_id"] for r in s.raw_rows(NYPD))
    raw = next(r for r in s.raw_rows(NYPD) if counts[r["full_complaint_id"]] == 1
               and "," in r["pd_code_description"])
    found = get(http, base_url, f"/resource/{NYPD}.json", params={
        "$where": f"full_complaint_id = {raw['full_complaint_id']}",
        "$$exclude_system_fields": "false"}).json()
    assert len(found) == 1
    row_id = found[0][":id"]
    resp = get(http, base_url, f"/resource/{NYPD}/{row_id}.json")
    assert resp.status_code == 200
    assert s.comparable(NYPD, resp.json()) == s.expected_row(NYPD, raw)


def test_missing_row_is_404(http, base_url):
    resp = get(http, base_url, f"/resource/{NYPD}/99999999.json")
    assert resp.status_code == 404
    assert resp.json()["code"] == "soda.row.not-found"


def test_app_token_in_url_and_header(http, base_url):
    token = app_token()
    for kw in ({"params": {"$select": "count(*)", "$$app_token": token}},
               {"params": {"$select": "count(*)"}, "headers": {"X-App-Token": token}},
               {"params": {"$select": "count(*)"}, "headers": {"x-app-token": token}}):
        (row,) = get(http, base_url, f"/resource/{NYPD}.json", **kw).json()
        assert int(row["count"]) == len(s.raw_rows(NYPD))


def test_an_unknown_app_token_is_refused(http, base_url):
    for kw in ({"params": {"$$app_token": "not-a-token"}},
               {"headers": {"X-App-Token": "not-a-token"}}):
        resp = get(http, base_url, f"/resource/{NYPD}.json", **kw)
        assert resp.status_code == 403
        body = resp.json()
        assert body["error"] is True
        assert body["code"] == "authentication.invalid-app-token"


def test_type_headers_match_the_file(http, base_url):
    resp = get(http, base_url, "/resource/zips-usps.json", params={"$limit": 1})
    fields = json.loads(resp.headers["X-SODA2-Fields"])
    kinds = json.loads(resp.headers["X-SODA2-Types"])
    assert dict(zip(fields, kinds)) == s.types("zips-usps")


def walk_links(http, url):
    """Every row and every next-page URL, following `Link: rel="next"` to the end."""
    rows, links = [], []
    while url:
        resp = http.get(url, timeout=60)
        assert resp.status_code == 200
        rows.extend(resp.json())
        url = resp.links.get("next", {}).get("url")
        if url:
            links.append(url)
    return rows, links


def by_cursor(links):
    return all("%24%24cursor=" in u and "offset" not in u for u in links)


def test_link_header_walks_every_page_in_the_order_asked(http, base_url):
    query = urlencode({"$limit": 20, "$order": "age DESC, last_name"})
    rows, links = walk_links(http, f"{base_url}/resource/lari-1992.json?{query}")
    assert len(links) == 3 and by_cursor(links), links
    # Descending puts the one unknown age first; ties go by last name, then
    # by place in the file (:id).
    def key(item):
        i, r = item
        age = s.typed("lari-1992", "age", r["age"])
        return (age is not None, -(age or 0), r["last_name"], i)
    ordered = sorted(enumerate(s.raw_rows("lari-1992")), key=key)
    assert [s.comparable("lari-1992", r) for r in rows] == \
        [s.expected_row("lari-1992", r) for _, r in ordered]


def test_link_header_walks_by_cursor_in_any_order(http, base_url):
    fields = ["county", "record_create_date", "full_complaint_id", "arrest_id"]
    query = urlencode({"$select": ",".join(fields), "$limit": 500,
                       "$order": "county DESC, record_create_date"})
    rows, links = walk_links(http, f"{base_url}/resource/{NYPD}.json?{query}")
    assert len(links) == 4 and by_cursor(links), links
    # Stable sorts: date then place in the file (:id), then county descending.
    ordered = sorted(enumerate(s.raw_rows(NYPD)),
                     key=lambda ir: (s.timestamp(ir[1]["record_create_date"]), ir[0]))
    ordered.sort(key=lambda ir: ir[1]["county"], reverse=True)
    assert [s.comparable(NYPD, r) for r in rows] == \
        [s.expected_row(NYPD, r, fields) for _, r in ordered]


def test_link_header_walks_by_cursor_in_id_order(http, base_url):
    rows, links = walk_links(http, f"{base_url}/resource/lari-1992.json?$limit=20")
    assert len(links) == 3 and by_cursor(links), links
    assert s.server_bag("lari-1992", rows) == s.expected_bag("lari-1992")


def test_full_download_is_never_cut(http, base_url):
    resp = get(http, base_url, "/api/views/zips-usps/rows.csv", params={"accessType": "DOWNLOAD"},
               timeout=120)
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.text)))
    assert len(rows) - 1 == 42049
    by_zip = {r[0]: r for r in rows[1:]}
    raw = next(r for r in s.raw_rows("zips-usps") if r["zip_code"] == "00501")
    assert by_zip["00501"][:6] == [raw[f] for f in ("zip_code", "latitude", "longitude",
                                                     "city", "state", "county")]

