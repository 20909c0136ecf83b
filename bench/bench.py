#!/usr/bin/env python3
"""Civic against sqlite-utils and Datasette on the same 311 rows.

Run through bench/run.sh, which installs the tools, builds Civic and makes
the data. Every measurement interleaves Civic and its peer in the same run
(the machine is shared and noisy) and reports medians and ratios. Every
server is started here on 127.0.0.1, on a free port, and stopped on exit;
no traffic goes anywhere else.
"""

import argparse
import atexit
import datetime as dt
import decimal
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DATASET_ID = "bnch-0311"
SMALL_ID = "bnch-0250"

# The queries, as each side spells them.
FILTER_SOQL = {"$where": "status='Open' AND department='Public Works'", "$limit": "100"}
FILTER_SQL = (
    "select * from t where status = 'Open' and department = 'Public Works' "
    "order by rowid limit 100"
)
GROUP_SOQL = {
    "$select": "category, count(*) AS n, sum(cost) AS total",
    "$group": "category",
    "$order": "n DESC",
}
GROUP_SQL = (
    "select category, count(*) as n, sum(cost) as total "
    "from t group by category order by n desc"
)

SERVERS = []  # Popen objects of every server started here
PIDFILE = None


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- servers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(name, argv, env, logfile):
    out = open(logfile, "w")
    proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    proc.bench_name = name
    SERVERS.append(proc)
    if PIDFILE:
        with open(PIDFILE, "a") as f:
            f.write(f"{proc.pid}\n")
    log(f"started {name} (pid {proc.pid}): {' '.join(argv)}")
    return proc


def stop_server(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc in SERVERS:
        SERVERS.remove(proc)


def stop_all():
    for proc in list(SERVERS):
        stop_server(proc)


def wait_ready(url, proc, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.bench_name} exited with {proc.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
                return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{proc.bench_name} did not answer {url} within {timeout}s")


def get(url, timeout=600):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def proc_status(pid):
    """VmRSS and VmHWM of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":", 1)
                out[k] = int(v.split()[0])
    return out


def reset_peak(pid):
    """Resets VmHWM to the current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- helpers


def url_with(base, path, params):
    return base + path + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def time_v(argv, env=None):
    """Runs argv under /usr/bin/time -v: (wall seconds, max RSS KiB, stdout)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + argv, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        raise SystemExit(f"failed ({p.returncode}): {' '.join(argv)}")
    wall = rss = None
    for line in p.stderr.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            parts = line.rsplit(" ", 1)[1].split(":")
            wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(parts)))
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1])
    return wall, rss, p.stdout


def parse_duration(s):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", s)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}[unit]


def wrk(url, threads, conns, seconds):
    """One bounded wrk run: requests/s, p50 and p99 in ms, errors."""
    argv = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--timeout", "60s",
            "--latency", url]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=seconds + 120)
    out = p.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockerr = re.search(r"Socket errors: (.*)", out)
    if not rps or not total:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    return {
        "rps": float(rps.group(1)),
        "p50": parse_duration(p50.group(1)) if p50 else float("nan"),
        "p99": parse_duration(p99.group(1)) if p99 else float("nan"),
        "requests": int(total.group(1)),
        "errors": (int(non2xx.group(1)) if non2xx else 0),
        "socket_errors": sockerr.group(1) if sockerr else "",
    }


def download(url, pid):
    """Streams url through curl, counting lines; samples the server's RSS.

    Returns seconds (curl's time_total), bytes, lines, the server's RSS just
    before, and its peak RSS during the download (KiB).
    """
    before = proc_status(pid)["VmRSS"]
    hwm_reset = reset_peak(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], proc_status(pid)["VmRSS"])
            except OSError:
                return
            time.sleep(0.01)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    p = subprocess.Popen(["curl", "-sS", "--fail", "-o", "-", "-w",
                          "%{stderr}%{time_total} %{http_code} %{size_download}", url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = 0
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b"\n")
    err = p.stderr.read().decode()
    p.wait()
    done.set()
    t.join()
    if p.returncode != 0:
        raise SystemExit(f"curl failed ({p.returncode}) for {url}: {err}")
    secs, code, size = err.split()[-3:]
    if hwm_reset:
        peak[0] = max(peak[0], proc_status(pid)["VmHWM"])
    return {"secs": float(secs), "bytes": int(size), "lines": lines, "rss_before": before,
            "rss_peak": peak[0]}


# ---------------------------------------------------------------- phases


def load_phase(a, civic_env):
    """Civic load vs sqlite-utils insert, interleaved; fresh targets each run."""
    su = os.path.join(a.venv, "bin", "sqlite-utils")
    help_text = subprocess.run([su, "insert", "--help"], capture_output=True, text=True).stdout
    # sqlite-utils 4 detects CSV types by default (--no-detect-types turns it off);
    # 3.x stores TEXT by default (--detect-types turns detection on).
    if "--no-detect-types" in help_text:
        modes = {"sqlite-utils (typed)": [], "sqlite-utils (text)": ["--no-detect-types"]}
    else:
        modes = {"sqlite-utils (typed)": ["--detect-types"], "sqlite-utils (text)": []}
    results = {"civic": []}
    results.update({m: [] for m in modes})
    rss = {k: [] for k in results}
    work = a.work
    for run in range(a.load_runs):
        order = ["civic"] + list(modes)
        order = order[run % len(order):] + order[:run % len(order)]
        for who in order:
            if who == "civic":
                d = os.path.join(work, "load-civic")
                shutil.rmtree(d, ignore_errors=True)
                wall, peak, out = time_v([a.civic, "--data-dir", d, "load", a.csv, "--title",
                                          "Benchmark 311 Service Requests", "--department",
                                          "Public Works", "--id", DATASET_ID], env=civic_env)
                if out.strip() != DATASET_ID:
                    raise SystemExit(f"civic load printed {out!r}, expected {DATASET_ID}")
            else:
                db = os.path.join(work, "load-sqlite.db")
                if os.path.exists(db):
                    os.remove(db)
                wall, peak, _ = time_v([su, "insert", db, "t", a.csv, "--csv"] + modes[who])
            results[who].append(wall)
            rss[who].append(peak)
            # Keep the last typed SQLite file and Civic data dir: the query
            # phase serves them (the typed sqlite-utils load is the slow one).
            if who == "civic":
                keep = os.path.join(work, "serve-civic")
                shutil.rmtree(keep, ignore_errors=True)
                os.rename(d, keep)
            elif who == "sqlite-utils (typed)":
                os.replace(db, os.path.join(work, "serve-1m", "sr.db"))
            log(f"load run {run + 1}/{a.load_runs} {who}: {wall:.2f}s, max RSS {peak / 1024:.0f} MiB")
    return {k: {"median": median(v), "runs": v, "rss_mib": median(rss[k]) / 1024}
            for k, v in results.items()}, modes


def prepare_targets(a, csv_path, civic_dir, dataset_id, sqlite_db, su_flags, civic_env):
    """The data each server serves: a Civic data dir and a typed SQLite file."""
    shutil.rmtree(civic_dir, ignore_errors=True)
    subprocess.run([a.civic, "--data-dir", civic_dir, "load", csv_path, "--title",
                    "Benchmark 311 Service Requests", "--department", "Public Works",
                    "--id", dataset_id], env=civic_env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if os.path.exists(sqlite_db):
        os.remove(sqlite_db)
    subprocess.run([os.path.join(a.venv, "bin", "sqlite-utils"), "insert", sqlite_db, "t",
                    csv_path, "--csv"] + su_flags, check=True, stdout=subprocess.DEVNULL)


def start_pair(a, civic_dir, sqlite_db, civic_env, tag):
    cport, dport = free_port(), free_port()
    while dport == cport:
        dport = free_port()
    civic = start_server(f"civic-{tag}", [a.civic, "--data-dir", civic_dir, "serve", "--listen",
                                          f"127.0.0.1:{cport}"], civic_env,
                         os.path.join(a.work, f"civic-{tag}.log"))
    ds = start_server(f"datasette-{tag}", [
        os.path.join(a.venv, "bin", "datasette"), "serve", sqlite_db, "-h", "127.0.0.1",
        "-p", str(dport),
        "--setting", "sql_time_limit_ms", "60000",
        "--setting", "max_returned_rows", "100000",
        "--setting", "max_csv_mb", "0",
    ], dict(os.environ), os.path.join(a.work, f"datasette-{tag}.log"))
    civic_base, ds_base = f"http://127.0.0.1:{cport}", f"http://127.0.0.1:{dport}"
    dbname = os.path.splitext(os.path.basename(sqlite_db))[0]
    wait_ready(civic_base + "/api/catalog/v1", civic)
    wait_ready(ds_base + "/-/versions.json", ds)
    return civic, ds, civic_base, ds_base, dbname


def ds_sql_url(ds_base, dbname, sql):
    # Datasette 1.0 answers SQL at /db/-/query.json; 0.x at /db.json.
    for path in (f"/{dbname}/-/query.json", f"/{dbname}.json"):
        url = url_with(ds_base, path, {"sql": sql, "_shape": "array"})
        try:
            json.loads(get(url))
            return url
        except Exception:
            continue
    raise SystemExit("Datasette answers no SQL endpoint")


def serve_phase(a, civic_env, su_flags):
    results = {}
    if not (os.path.isdir(os.path.join(a.work, "serve-civic"))
            and os.path.exists(os.path.join(a.work, "serve-1m", "sr.db"))):
        prepare_targets(a, a.csv, os.path.join(a.work, "serve-civic"), DATASET_ID,
                        os.path.join(a.work, "serve-1m", "sr.db"), su_flags, civic_env)
    civic, ds, cb, db, dbname = start_pair(a, os.path.join(a.work, "serve-civic"),
                                           os.path.join(a.work, "serve-1m", "sr.db"),
                                           civic_env, "1m")
    # The same data dir served again with the result cache on (its default
    # size), for the cached figures beside the uncached ones.
    cached_env = {k: v for k, v in civic_env.items() if k != "CIVIC_QUERY_CACHE_MB"}
    cport = free_port()
    cached = start_server("civic-cached", [a.civic, "--data-dir",
                                           os.path.join(a.work, "serve-civic"), "serve",
                                           "--listen", f"127.0.0.1:{cport}"], cached_env,
                          os.path.join(a.work, "civic-cached.log"))
    ccb = f"http://127.0.0.1:{cport}"
    wait_ready(ccb + "/api/catalog/v1", cached)
    try:
        urls = {
            ("filtered", "civic"): url_with(cb, f"/resource/{DATASET_ID}.json", FILTER_SOQL),
            ("filtered", "datasette"): ds_sql_url(db, dbname, FILTER_SQL),
            ("aggregation", "civic"): url_with(cb, f"/resource/{DATASET_ID}.json", GROUP_SOQL),
            ("aggregation", "datasette"): ds_sql_url(db, dbname, GROUP_SQL),
            ("filtered", "civic-cached"): url_with(ccb, f"/resource/{DATASET_ID}.json",
                                                   FILTER_SOQL),
            ("aggregation", "civic-cached"): url_with(ccb, f"/resource/{DATASET_ID}.json",
                                                      GROUP_SOQL),
        }
        # Warm-up: Civic reads the version into memory on its first query;
        # SQLite's pages come into the OS cache.
        t0 = time.perf_counter()
        get(urls[("filtered", "civic")])
        log(f"civic first query (reads the dataset into memory): {time.perf_counter() - t0:.2f}s")
        for _ in range(3):
            for u in urls.values():
                get(u)
        results["checks"] = verify(urls)
        results["wrk"] = {}
        for rnd in range(a.wrk_rounds):
            for q in ("filtered", "aggregation"):
                sides = ["civic", "datasette", "civic-cached"]
                if rnd % 2 == 1:
                    sides.reverse()
                for who in sides:
                    r = wrk(urls[(q, who)], a.wrk_threads, a.wrk_conns, a.wrk_seconds)
                    results["wrk"].setdefault((q, who), []).append(r)
                    log(f"wrk round {rnd + 1}/{a.wrk_rounds} {q} {who}: {r['rps']:.1f} req/s, "
                        f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, {r['requests']} requests, "
                        f"{r['errors']} non-2xx {r['socket_errors']}")
        results["export"] = {"1m": export(a, cb, db, dbname, DATASET_ID, civic, ds, a.rows)}
    finally:
        stop_server(civic)
        stop_server(ds)
        stop_server(cached)

    # The same export at the small size, in fresh servers, to see whether
    # memory grows with the row count.
    prepare_targets(a, a.small_csv, os.path.join(a.work, "serve-civic-small"), SMALL_ID,
                    os.path.join(a.work, "serve-small", "sr.db"), su_flags, civic_env)
    civic, ds, cb, db, dbname = start_pair(a, os.path.join(a.work, "serve-civic-small"),
                                           os.path.join(a.work, "serve-small", "sr.db"),
                                           civic_env, "small")
    try:
        results["export"]["small"] = export(a, cb, db, dbname, SMALL_ID, civic, ds, a.small_rows)
    finally:
        stop_server(civic)
        stop_server(ds)
    return results


def verify(urls):
    """Both sides must answer the same rows before their speed means anything."""
    checks = {}
    c = json.loads(get(urls[("filtered", "civic")]))
    d = json.loads(get(urls[("filtered", "datasette")]))
    c_ids = [r["request_id"] for r in c]
    d_ids = [r["request_id"] for r in d]
    if c_ids != d_ids:
        raise SystemExit(f"filtered query: the rows differ ({len(c_ids)} vs {len(d_ids)}; "
                         f"first {c_ids[:3]} vs {d_ids[:3]})")
    checks["filtered"] = f"same {len(c_ids)} rows, same request_id order"
    for q in ("filtered", "aggregation"):
        if json.loads(get(urls[(q, "civic-cached")])) != json.loads(get(urls[(q, "civic")])):
            raise SystemExit(f"{q} query: the cached answer differs from the uncached one")
    c = json.loads(get(urls[("aggregation", "civic")]))
    d = json.loads(get(urls[("aggregation", "datasette")]))
    cm = {r["category"]: (int(r["n"]), decimal.Decimal(r.get("total", "0"))) for r in c}
    dm = {r["category"]: (int(r["n"]), r["total"] or 0.0) for r in d}
    if set(cm) != set(dm) or len(c) != len(d):
        raise SystemExit(f"aggregation: different groups ({sorted(cm)} vs {sorted(dm)})")
    worst = 0.0
    for k in cm:
        if cm[k][0] != dm[k][0]:
            raise SystemExit(f"aggregation: count for {k}: civic {cm[k][0]} vs datasette {dm[k][0]}")
        diff = abs(float(cm[k][1]) - float(dm[k][1]))
        worst = max(worst, diff / max(1.0, abs(float(cm[k][1]))))
        if diff > 1e-6 * max(1.0, abs(float(cm[k][1]))):
            raise SystemExit(f"aggregation: total for {k}: civic {cm[k][1]} vs datasette {dm[k][1]}")
    if [int(r["n"]) for r in c] != [int(r["n"]) for r in d]:
        raise SystemExit("aggregation: the groups come in a different order")
    checks["aggregation"] = (f"same {len(c)} groups in the same order, equal counts, totals "
                             f"within {worst:.1e} relative (Civic exact decimal, SQLite float)")
    log(f"checks: {checks}")
    return checks


def export(a, cb, db, dbname, dataset_id, civic, ds, rows):
    urls = {
        "civic": f"{cb}/api/views/{dataset_id}/rows.csv",
        "datasette": f"{db}/{dbname}/t.csv?_stream=on&_size=max",
    }
    procs = {"civic": civic, "datasette": ds}
    get(url_with(cb, f"/resource/{dataset_id}.json", {"$limit": "1"}))  # read into memory
    out = {"civic": [], "datasette": []}
    for run in range(a.export_runs):
        for who in (["civic", "datasette"] if run % 2 == 0 else ["datasette", "civic"]):
            r = download(urls[who], procs[who].pid)
            if r["lines"] != rows + 1:
                raise SystemExit(f"{who} export: {r['lines']} lines, expected {rows + 1}")
            out[who].append(r)
            log(f"export {rows} rows run {run + 1}/{a.export_runs} {who}: {r['secs']:.2f}s "
                f"({rows / r['secs']:,.0f} rows/s, {r['bytes'] / 1e6:.0f} MB), RSS before "
                f"{r['rss_before'] / 1024:.0f} MiB, peak {r['rss_peak'] / 1024:.0f} MiB")
    summary = {}
    for who, runs in out.items():
        secs = median([r["secs"] for r in runs])
        summary[who] = {
            "secs": secs,
            "rows_per_s": rows / secs,
            "mb": runs[0]["bytes"] / 1e6,
            "rss_before_mib": median([r["rss_before"] for r in runs]) / 1024,
            "rss_peak_mib": max(r["rss_peak"] for r in runs) / 1024,
            "growth_mib": max(r["rss_peak"] - r["rss_before"] for r in runs) / 1024,
        }
    return summary


# ---------------------------------------------------------------- report


def machine():
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return {
        "nproc": os.cpu_count(),
        "mem_gib": mem_kib / 1024 / 1024,
        "cpu": cpu,
        "kernel": platform.release(),
        "load": f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
    }


def versions(a):
    def out(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except Exception:
            return "?"
    return {
        "civic": out([a.civic, "--version"]),
        "commit": a.civic_commit or out(["git", "-C", HERE, "rev-parse", "--short", "HEAD"]),
        "sqlite-utils": out([os.path.join(a.venv, "bin", "sqlite-utils"), "--version"]),
        "datasette": out([os.path.join(a.venv, "bin", "datasette"), "--version"]),
        "sqlite": out([os.path.join(a.venv, "bin", "python"), "-c",
                       "import sqlite3; print(sqlite3.sqlite_version)"]),
        "wrk": "wrk " + " ".join(out(["sh", "-c", "wrk -v 2>&1 | head -1"]).split()[1:2]),
    }


def report(a, load, modes, serve, started, finished):
    m = machine()
    v = versions(a)
    civic_load = load["civic"]["median"]
    typed = load["sqlite-utils (typed)"]["median"]
    text = load["sqlite-utils (text)"]["median"]
    w = serve["wrk"]

    def wmed(q, who, key):
        return median([r[key] for r in w[(q, who)]])

    ex = serve["export"]
    rows = []  # (measure, civic, peer, ratio, target, met)
    rows.append((f"Load {a.rows:,}-row CSV (wall s)", f"{civic_load:.1f}",
                 f"{typed:.1f} typed / {text:.1f} text",
                 f"{typed / civic_load:.1f}× / {text / civic_load:.1f}×", "≥ 10×",
                 min(typed, text) / civic_load >= 10))
    for q, target in (("filtered", 5), ("aggregation", 20)):
        c, d = wmed(q, "civic", "rps"), wmed(q, "datasette", "rps")
        rows.append((f"{q.capitalize()} (req/s)", f"{c:,.1f}", f"{d:,.1f}", f"{c / d:.1f}×",
                     f"≥ {target}×", c / d >= target))
        rows.append((f"{q.capitalize()} latency p50 / p99 (ms)",
                     f"{wmed(q, 'civic', 'p50'):.2f} / {wmed(q, 'civic', 'p99'):.2f}",
                     f"{wmed(q, 'datasette', 'p50'):.2f} / {wmed(q, 'datasette', 'p99'):.2f}",
                     "", "", None))
    for q, target in (("filtered", 20), ("aggregation", None)):
        c, d = wmed(q, "civic-cached", "rps"), wmed(q, "datasette", "rps")
        rows.append((f"{q.capitalize()}, result cache on (req/s)", f"{c:,.1f}", f"{d:,.1f}",
                     f"{c / d:.1f}×", f"≥ {target}×" if target else "",
                     c / d >= target if target else None))
    for size, n in (("1m", a.rows), ("small", a.small_rows)):
        c, d = ex[size]["civic"], ex[size]["datasette"]
        rows.append((f"CSV export {n:,} rows (rows/s)", f"{c['rows_per_s']:,.0f}",
                     f"{d['rows_per_s']:,.0f}", f"{c['rows_per_s'] / d['rows_per_s']:.1f}×",
                     "≥ 500,000 rows/s" if size == "1m" else "",
                     c["rows_per_s"] >= 500_000 if size == "1m" else None))
        rows.append((f"CSV export {n:,} rows: RSS before → peak (MiB)",
                     f"{c['rss_before_mib']:.0f} → {c['rss_peak_mib']:.0f} (+{c['growth_mib']:.0f})",
                     f"{d['rss_before_mib']:.0f} → {d['rss_peak_mib']:.0f} (+{d['growth_mib']:.0f})",
                     "", "", None))
    g_big, g_small = ex["1m"]["civic"]["growth_mib"], ex["small"]["civic"]["growth_mib"]
    flat = g_big <= max(2 * g_small, g_small + 64)
    rows.append(("Export memory flat with rows (Civic growth 1M vs small)",
                 f"+{g_big:.0f} vs +{g_small:.0f} MiB", "", "", "flat", flat))

    def table_md():
        out = ["| measure | Civic | peer | ratio | target | met |",
               "|---|---|---|---|---|---|"]
        for r in rows:
            met = "" if r[5] is None else ("yes" if r[5] else "**no**")
            out.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {met} |")
        return "\n".join(out)

    # Terminal summary.
    print()
    print(f"Civic vs sqlite-utils / Datasette — {finished:%Y-%m-%d %H:%M} — "
          f"{m['nproc']} cores, {m['mem_gib']:.0f} GiB")
    print(table_md())
    print()

    detail = []
    detail.append("Load runs (wall seconds, max RSS MiB median): " + "; ".join(
        f"{k}: {', '.join(f'{x:.1f}' for x in r['runs'])} ({r['rss_mib']:.0f} MiB)"
        for k, r in load.items()))
    for (q, who), runs in sorted(w.items()):
        detail.append(f"wrk {q} {who}: req/s per round " + ", ".join(f"{r['rps']:.1f}" for r in runs)
                      + f"; requests {sum(r['requests'] for r in runs)}, non-2xx "
                      f"{sum(r['errors'] for r in runs)}")
    for size, n in (("1m", a.rows), ("small", a.small_rows)):
        for who in ("civic", "datasette"):
            e = ex[size][who]
            detail.append(f"export {n:,} rows {who}: median {e['secs']:.2f}s, {e['mb']:.0f} MB")

    md = f"""# Benchmark results

Run on {finished:%Y-%m-%d %H:%M %Z} (started {started:%H:%M}, took
{(finished - started).total_seconds() / 60:.0f} min) by `bench/run.sh`.

Machine: {m['nproc']} cores ({m['cpu']}), {m['mem_gib']:.1f} GiB memory, Linux {m['kernel']};
load average at the end {m['load']} (the machine is shared with other builds,
so Civic and its peers always ran interleaved in the same run; figures are medians).

Versions: {v['civic']} (commit {v['commit']}), {v['sqlite-utils']}, {v['datasette']},
SQLite {v['sqlite']}, {v['wrk']}.

Data: {a.rows:,} and {a.small_rows:,} rows from `bench/gen_311.py` (seed 311).
Load: {a.load_runs} runs each, fresh targets. Queries: `wrk -t{a.wrk_threads} -c{a.wrk_conns}
-d{a.wrk_seconds}s --latency`, {a.wrk_rounds} rounds, after a warm-up; Civic with
`CIVIC_QUERY_CACHE_MB=0` (result cache off) except in the rows marked "result cache on",
where a second Civic serves the same data dir with the default cache. Export: {a.export_runs} full downloads each with curl.
Datasette serves the table as sqlite-utils typed it (`insert --csv{' ' + ' '.join(su_flags_of(modes)) if su_flags_of(modes) else ''}`).

{table_md()}

Ratios: throughput Civic / Datasette; load time sqlite-utils / Civic.
"typed" is sqlite-utils' type detection (its default from 4.0), "text" stores
every column as TEXT.

Checks before timing: filtered — {serve['checks']['filtered']}; aggregation —
{serve['checks']['aggregation']}; exports — every download had all rows.

Details:

""" + "\n".join(f"- {d}" for d in detail) + "\n"
    with open(a.results, "w") as f:
        f.write(md)
    log(f"wrote {a.results}")
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"load": load, "wrk": {f"{q} {who}": r for (q, who), r in w.items()},
                   "export": ex, "checks": serve["checks"], "machine": m, "versions": v},
                  f, indent=2, default=str)


def su_flags_of(modes):
    return modes["sqlite-utils (typed)"]


def main():
    global PIDFILE
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--civic", required=True, help="the civic binary")
    p.add_argument("--venv", required=True, help="virtualenv with datasette and sqlite-utils")
    p.add_argument("--csv", required=True, help="the full-size CSV")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--small-csv", required=True, help="the smaller CSV (export memory check)")
    p.add_argument("--small-rows", type=int, required=True)
    p.add_argument("--work", required=True, help="scratch directory")
    p.add_argument("--results", required=True, help="where to write RESULTS.md")
    p.add_argument("--load-runs", type=int, default=3)
    p.add_argument("--wrk-rounds", type=int, default=3)
    p.add_argument("--wrk-seconds", type=int, default=15)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--wrk-conns", type=int, default=8)
    p.add_argument("--export-runs", type=int, default=3)
    p.add_argument("--civic-commit", help="the commit the binary was built from")
    p.add_argument("--pidfile", help="server pids are appended here (for run.sh's trap)")
    a = p.parse_args()
    a.civic = os.path.abspath(a.civic)
    os.makedirs(a.work, exist_ok=True)
    for sub in ("serve-1m", "serve-small"):
        shutil.rmtree(os.path.join(a.work, sub), ignore_errors=True)
        os.makedirs(os.path.join(a.work, sub))
    shutil.rmtree(os.path.join(a.work, "serve-civic"), ignore_errors=True)
    PIDFILE = a.pidfile
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    civic_env = dict(os.environ)
    civic_env.update({"CIVIC_QUERY_CACHE_MB": "0", "CIVIC_RATE_LIMITS_ENABLED": "false"})
    started = dt.datetime.now().astimezone()
    log("phase 1/2: load")
    load, modes = load_phase(a, civic_env)
    log("phase 2/2: serve (queries, then exports)")
    serve = serve_phase(a, civic_env, su_flags_of(modes))
    report(a, load, modes, serve, started, dt.datetime.now().astimezone())


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        stop_all()
