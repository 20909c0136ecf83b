#!/usr/bin/env python3
"""Deterministic 311-style service-request CSV for the Civic benchmark.

    python3 bench/gen_311.py --rows 1000000 --out bench/data/sr_1m.csv

The same --rows and --seed always give the same bytes. Columns:
request_id, created_date and closed_date (MM/DD/YYYY hh:mm:ss AM, closed
empty while a request is open), category (30), department (12), status,
priority, address (some with a comma, so quoted), latitude/longitude near
Aurora, Colorado (Civic adds a `location` point), cost (exact decimals,
some empty) and council_district ("01".."06": leading zero, stays text).
Only the standard library; about 1M rows in ~10 s.
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys

# category -> department; Public Works owns several, as in a real 311 feed.
CATEGORIES = [
    ("Pothole", "Public Works"),
    ("Street Light Out", "Public Works"),
    ("Traffic Signal", "Public Works"),
    ("Snow Removal", "Public Works"),
    ("Sidewalk Repair", "Public Works"),
    ("Street Sweeping", "Public Works"),
    ("Graffiti", "Neighborhood Services"),
    ("Weeds and Overgrowth", "Neighborhood Services"),
    ("Junk Vehicle", "Neighborhood Services"),
    ("Illegal Dumping", "Neighborhood Services"),
    ("Short-Term Rental Complaint", "Neighborhood Services"),
    ("Noise Complaint", "Police"),
    ("Abandoned Vehicle", "Police"),
    ("Parking Violation", "Police"),
    ("Animal Control", "Animal Services"),
    ("Barking Dog", "Animal Services"),
    ("Dead Animal Pickup", "Animal Services"),
    ("Water Main Break", "Aurora Water"),
    ("Water Quality", "Aurora Water"),
    ("Sewer Backup", "Aurora Water"),
    ("Trash Missed Pickup", "Solid Waste"),
    ("Recycling", "Solid Waste"),
    ("Park Maintenance", "Parks, Recreation and Open Space"),
    ("Tree Trimming", "Parks, Recreation and Open Space"),
    ("Playground Repair", "Parks, Recreation and Open Space"),
    ("Building Permit Question", "Planning and Development"),
    ("Code Violation", "Planning and Development"),
    ("Fire Hazard", "Fire"),
    ("Homeless Encampment", "Housing and Community Services"),
    ("Library Facility", "Library and Cultural Services"),
]
# 11 departments here; "Finance" (the 12th) takes some code violations below.
CATEGORY_WEIGHTS = [30 - i for i in range(len(CATEGORIES))]
STATUSES = ["Open", "Closed", "In Progress", "Pending", "Cancelled", "Duplicate"]
STATUS_WEIGHTS = [22, 55, 10, 6, 4, 3]
CLOSED = {"Closed", "Cancelled", "Duplicate"}
PRIORITIES = ["Low", "Medium", "High", "Urgent"]
PRIORITY_WEIGHTS = [35, 40, 20, 5]
STREETS = [
    "E Colfax Ave", "S Havana St", "E Mississippi Ave", "S Chambers Rd",
    "E Iliff Ave", "S Buckley Rd", "E Alameda Ave", "S Peoria St",
    "E 6th Ave", "S Parker Rd", "E Hampden Ave", "S Tower Rd",
    "E Jewell Ave", "S Potomac St", "E Montview Blvd", "S Abilene St",
    "E Smoky Hill Rd", "S Airport Blvd", "E Yale Ave", "S Picadilly Rd",
]
UNITS = ["Apt 2B", "Unit 5", "Ste 100", "Apt 311", "Unit C"]
START = dt.datetime(2019, 1, 1)
SPAN_SECONDS = 6 * 365 * 24 * 3600


# "MM/DD/YYYY" for every day from START on (plus room for closing dates).
DAYS = [(START + dt.timedelta(days=d)).strftime("%m/%d/%Y") for d in range(SPAN_SECONDS // 86400 + 70)]
# "hh:mm:ss AM" for every minute of a day: the seconds are appended.
MINUTES = [f"{(m // 60) % 12 or 12:02d}:{m % 60:02d}:%s {'AM' if m < 720 else 'PM'}" for m in range(1440)]


def when(seconds):
    """Seconds after START as MM/DD/YYYY hh:mm:ss AM (strftime is slow)."""
    day, rest = divmod(seconds, 86400)
    return DAYS[day] + " " + MINUTES[rest // 60] % f"{rest % 60:02d}"


def generate(rows, seed, out):
    rnd = random.Random(seed)
    cat_idx = list(range(len(CATEGORIES)))
    cats = rnd.choices(cat_idx, weights=CATEGORY_WEIGHTS, k=rows)
    statuses = rnd.choices(STATUSES, weights=STATUS_WEIGHTS, k=rows)
    priorities = rnd.choices(PRIORITIES, weights=PRIORITY_WEIGHTS, k=rows)
    w = csv.writer(out, lineterminator="\n")
    w.writerow([
        "request_id", "created_date", "closed_date", "category", "department",
        "status", "priority", "address", "latitude", "longitude", "cost",
        "council_district",
    ])
    r = rnd.random
    ri = rnd.randrange
    batch = []
    for i in range(rows):
        category, department = CATEGORIES[cats[i]]
        if category == "Code Violation" and i % 7 == 0:
            department = "Finance"  # the 12th department
        status = statuses[i]
        created = ri(SPAN_SECONDS)
        closed = when(created + ri(3600, 60 * 24 * 3600)) if status in CLOSED else ""
        street = STREETS[ri(len(STREETS))]
        address = f"{ri(100, 25000)} {street}"
        if r() < 0.05:
            address += ", " + UNITS[ri(len(UNITS))]
        cost = "" if r() < 0.15 else f"{ri(5, 5000)}.{ri(100):02d}"
        batch.append((
            f"SR{2019 + i * 6 // rows}-{i + 1:07d}",
            when(created),
            closed,
            category,
            department,
            status,
            priorities[i],
            address,
            f"{39.6 + 0.2 * r():.6f}",
            f"{-104.9 + 0.2 * r():.6f}",
            cost,
            f"{ri(1, 7):02d}",
        ))
        if len(batch) == 10000:
            w.writerows(batch)
            batch.clear()
    w.writerows(batch)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=311)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8", buffering=1 << 20) as f:
        generate(a.rows, a.seed, f)
    os.replace(tmp, a.out)
    print(f"wrote {a.rows} rows to {a.out} ({os.path.getsize(a.out) / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
