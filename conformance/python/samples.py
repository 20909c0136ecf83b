"""Expected values, computed from the sample CSV files alone.

Nothing here asks the server: field names, column types and row values are
derived from the files in samples/ with Python's csv module, following the
rules of DESIGN.md ("Ingest types", "SODA encoding"), so that every check
compares what a client got from a live civic with an independent answer.
"""

import csv
import math
import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# dataset id -> sample file (DESIGN.md, samples/catalog.toml)
FILES = {
    "nypd-hate": "nypd_hate_crimes.csv",
    "mdgo-crim": "MD_Crime_Data.csv",
    "lari-1992": "la-riots.csv",
    "zips-usps": "zipcodes.csv",
    "seat-wthr": "seattle-weather.csv",
}

_NUMBER = re.compile(r"^-?(\d+)(\.\d+)?$")
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LAT = {"lat", "latitude", "y"}
_LON = {"lon", "lng", "long", "longitude", "x"}


def field_name(header):
    """The API field name of a CSV header: lower case, runs of anything but
    letters and digits become one `_`, no leading or trailing `_`."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


@lru_cache(maxsize=None)
def header(dataset):
    with open(SAMPLES / FILES[dataset], newline="", encoding="utf-8") as f:
        return next(csv.reader(f))


@lru_cache(maxsize=None)
def raw_rows(dataset):
    """The data rows as dicts keyed by API field name, values as in the file."""
    with open(SAMPLES / FILES[dataset], newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        names = [field_name(h) for h in next(reader)]
        return tuple({n: v for n, v in zip(names, row)} for row in reader)


def _infer(values):
    values = [v for v in values if v != ""]
    if not values:
        return "text"  # all-empty columns are text
    if all(_NUMBER.match(v) for v in values):
        # an integer-looking value with a leading zero keeps the column text
        if any(len(m.group(1)) > 1 and m.group(1)[0] == "0" and not m.group(2)
               for m in map(_NUMBER.match, values)):
            return "text"
        return "number"
    if all(_US_DATE.match(v) for v in values) or all(_ISO_DATE.match(v) for v in values):
        return "floating_timestamp"
    return "text"


@lru_cache(maxsize=None)
def types(dataset):
    """field name -> SODA type, inferred from the file; plus `location`
    (point) when the file has a latitude/longitude pair."""
    rows = raw_rows(dataset)
    names = [field_name(h) for h in header(dataset)]
    out = {n: _infer([r[n] for r in rows]) for n in names}
    if point_fields(dataset):
        out["location"] = "point"
    return out


@lru_cache(maxsize=None)
def point_fields(dataset):
    names = [field_name(h) for h in header(dataset)]
    lat = next((n for n in names if n in _LAT), None)
    lon = next((n for n in names if n in _LON), None)
    return (lat, lon) if lat and lon else None


def timestamp(value):
    """A file's date as SODA writes a floating timestamp."""
    m = _US_DATE.match(value)
    if m:
        mm, dd, yyyy = m.groups()
        return f"{yyyy}-{mm}-{dd}T00:00:00.000"
    m = _ISO_DATE.match(value)
    if m:
        return f"{value}T00:00:00.000"
    raise ValueError(value)


def typed(dataset, field, value):
    """A file value in a comparable form: Decimal for numbers, the SODA
    timestamp text for dates, the text itself otherwise; None for empty."""
    if value == "":
        return None
    kind = types(dataset)[field]
    if kind == "number":
        return Decimal(value)
    if kind == "floating_timestamp":
        return timestamp(value)
    return value


def expected_row(dataset, raw, fields=None):
    """What a SODA JSON row for this file row holds (null keys omitted), in
    comparable form; `location` as (lon, lat) floats."""
    out = {}
    for name in fields or types(dataset):
        if name == "location" and point_fields(dataset):
            lat, lon = point_fields(dataset)
            if raw[lat] != "" and raw[lon] != "":
                out["location"] = (float(raw[lon]), float(raw[lat]))
            continue
        v = typed(dataset, name, raw[name])
        if v is not None:
            out[name] = v
    return out


def comparable(dataset, row):
    """A SODA JSON row from the server in the same comparable form."""
    out = {}
    kinds = types(dataset)
    for name, v in row.items():
        kind = kinds.get(name)
        if kind == "number":
            out[name] = Decimal(v)
        elif kind == "point":
            out[name] = tuple(v["coordinates"])
        else:
            out[name] = v
    return out


def frozen(row):
    return tuple(sorted(row.items()))


def bag(rows):
    """A multiset of rows (the samples have duplicate rows)."""
    return Counter(frozen(r) for r in rows)


def expected_bag(dataset, fields=None, where=lambda r: True):
    return bag(expected_row(dataset, r, fields) for r in raw_rows(dataset) if where(r))


def server_bag(dataset, rows):
    return bag(comparable(dataset, r) for r in rows)


def count_by(dataset, field, where=lambda r: True):
    return Counter(r[field] for r in raw_rows(dataset) if where(r))


def decimal_sum(dataset, field, where=lambda r: True):
    return sum((Decimal(r[field]) for r in raw_rows(dataset) if where(r) and r[field] != ""),
               Decimal(0))


def contains_all_terms(row, terms, text_fields):
    """SODA `$q`: case-insensitive, every term in some text column."""
    values = [row[f].lower() for f in text_fields]
    return all(any(t.lower() in v for v in values) for t in terms)


# SoQL's distances: great-circle metres on a sphere of the mean Earth radius.
EARTH_RADIUS_M = 6371008.8


def haversine_m(lat1, lon1, lat2, lon2):
    """Metres between two latitude/longitude pairs, by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def within_circle(dataset, lat, lon, radius_m):
    """A row test for SoQL's within_circle(location, lat, lon, radius_m): the
    file row's point is at most radius_m metres away; a row without a point
    never is."""
    lat_field, lon_field = point_fields(dataset)

    def test(r):
        if r[lat_field] == "" or r[lon_field] == "":
            return False
        return haversine_m(float(r[lat_field]), float(r[lon_field]), lat, lon) <= radius_m

    return test
