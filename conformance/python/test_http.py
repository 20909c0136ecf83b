"""The rest of the SODA 2 surface that clients touch without a library
method: one row by :id, app tokens in the URL and header, the type headers
RSocrata reads, the `Link` next page, and the full download path.
Plain `requests`; expected values from the sample CSV files.
"""

import csv
import io
import json
from collections import Counter

import samples as s

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
    for kw in ({"params": {"$select": "count(*)", "$$app_token": "abc"}},
               {"params": {"$select": "count(*)"}, "headers": {"X-App-Token": "abc"}}):
        (row,) = get(http, base_url, f"/resource/{NYPD}.json", **kw).json()
        assert int(row["count"]) == len(s.raw_rows(NYPD))


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


def test_link_header_walks_every_page(http, base_url):
    rows, links = walk_links(http, f"{base_url}/resource/lari-1992.json?$limit=20&$order=last_name")
    assert len(links) == 3 and all("%24offset=" in u for u in links), links
    assert s.server_bag("lari-1992", rows) == s.expected_bag("lari-1992")


def test_link_header_walks_by_cursor_in_id_order(http, base_url):
    rows, links = walk_links(http, f"{base_url}/resource/lari-1992.json?$limit=20")
    assert len(links) == 3, links
    assert all("%24%24cursor=" in u and "offset" not in u for u in links), links
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

