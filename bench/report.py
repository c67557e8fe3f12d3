#!/usr/bin/env python3
"""Usage: report.py RESULTS.jsonl [--plots-dir DIR] [--plots-ref REF] [--summary]

Turns bench/run's results.jsonl (one JSON object per line, each with "step") into BENCHMARKS.md
on stdout. Every figure comes from the file: medians over the rounds of each point, ratios of
points measured in the same run. --plots-dir writes the PNGs there (gnuplot), referenced in the
markdown as REF/<name>.png. --summary prints only the targets table (what bench/run shows at the
end). The "## Notes" section copies bench/NOTES.md when it exists. Standard library only."""
import argparse
import json
import os
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import plots  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
# (step, variant) -> series name in tables and plots, in display order.
SERIES = [(("echo", None), "echo"), (("npd_lookup", "uniform"), "lookup uniform"),
          (("npd_lookup", "hot0.9"), "lookup hot0.9"), (("npd_port", None), "port"),
          (("db_bench", None), "db_bench"), (("pgbench", None), "pgbench")]
LAT = ["p50_us", "p99_us", "p999_us", "max_us"]


def codes_of(text):
    """'OK=12 UNAVAILABLE=3' -> {'OK': 12, 'UNAVAILABLE': 3}."""
    out = {}
    for part in str(text or "").split():
        k, _, v = part.partition("=")
        if v.isdigit():
            out[k] = out.get(k, 0) + int(v)
    return out


def ok_throughput(r):
    """npbench counts every finished call; only the OK share counts towards a figure."""
    t = r.get("throughput")
    if not isinstance(t, (int, float)):
        return None
    codes = codes_of(r.get("codes"))
    if not codes:  # db_bench / pgbench: failures are counted separately
        failed, done = r.get("failed", 0), r.get("completed", 0)
        return t * (1 - failed / done) if done else t
    return t * codes.get("OK", 0) / max(1, sum(codes.values()))


def median(values):
    values = [v for v in values if isinstance(v, (int, float)) and v >= 0]
    return statistics.median(values) if values else None


def merge(records):
    """Median of each figure over the rounds of one point; codes summed."""
    m = {k: median([r.get(k) for r in records]) for k in
         ["throughput", "server_cpu_s_per_1k", "avg_us", "target_rate", "dropped"] + LAT}
    m["ok_throughput"] = median([ok_throughput(r) for r in records])
    codes = {}
    for r in records:
        for k, v in codes_of(r.get("codes")).items():
            codes[k] = codes.get(k, 0) + v
    m["codes"] = " ".join(f"{k}={v}" for k, v in sorted(codes.items()))
    m["rounds"] = len(records)
    return m


def fmt(v, digits=0):
    if v is None:
        return "—"
    return f"{v:,.{digits}f}"


class Results:
    def __init__(self, path):
        self.rows = []
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if line:
                    try:
                        self.rows.append(json.loads(line))
                    except json.JSONDecodeError:
                        self.rows.append({"step": "?", "error": f"line {n} is not JSON"})
        self.cond = self.first("conditions") or {}
        self.end = self.first("end") or {}
        self.quick = self.cond.get("mode") == "quick"

    def first(self, step):
        return next((r for r in self.rows if r.get("step") == step), None)

    def all(self, step):
        return [r for r in self.rows if r.get("step") == step and "skipped" not in r]

    def point(self, step, variant, concurrency):
        rs = [r for r in self.all(step) if r.get("variant") == variant
              and r.get("concurrency") == concurrency and "error" not in r]
        return merge(rs) if rs else None

    def series(self, step, variant):
        """{concurrency: merged point} of one closed-loop series."""
        cs = sorted({r.get("concurrency") for r in self.all(step) if r.get("variant") == variant
                     and isinstance(r.get("concurrency"), int)})
        return {c: self.point(step, variant, c) for c in cs}

    def paced(self):
        out = {}
        for f in sorted({r.get("fraction") for r in self.all("paced")}):
            rs = [r for r in self.all("paced") if r.get("fraction") == f and "error" not in r]
            if rs:
                out[f] = merge(rs)
        return out


def status(ok, valid=True, why=""):
    if ok is None:
        return f"not measured{': ' + why if why else ''}"
    if not valid:
        return f"not evaluated: {why}"
    return "met" if ok else "**NOT MET**"


def targets(res):
    """Rows of the summary: (target, measured, status)."""
    rows = []
    pt = lambda s, v: res.point(s, v, 64)
    echo, port, look, pg = pt("echo", None), pt("npd_port", None), pt("npd_lookup", "uniform"), \
        pt("pgbench", None)
    quick_why = "quick run (2 s points, small sizes)" if res.quick else ""
    get = lambda p: p["ok_throughput"] if p else None
    e, p, l, g = get(echo), get(port), get(look), get(pg)
    if e and p is not None:
        rows.append(("durable port transitions at 64 in flight ≥ 50% of echo ceiling at 64",
                     f"{fmt(p)} / {fmt(e)} OK/s = {100 * p / e:.1f}%",
                     status(p / e >= 0.5, not res.quick, quick_why)))
    else:
        rows.append(("port at 64 ≥ 50% of echo at 64", "—", status(None, why="a point is missing")))
    if g and p is not None:
        rows.append(("durable port transitions at 64 ≥ 4× pgbench transition tps at 64",
                     f"{fmt(p)} / {fmt(g)} = {p / g:.2f}×",
                     status(p / g >= 4, not res.quick, quick_why)))
    else:
        rows.append(("port at 64 ≥ 4× pgbench at 64", "—", status(None, why="a point is missing")))
    if e and l is not None:
        rows.append(("lookups (uniform) at 64 ≥ 80% of echo at 64",
                     f"{fmt(l)} / {fmt(e)} OK/s = {100 * l / e:.1f}%",
                     status(l / e >= 0.8, not res.quick, quick_why)))
    else:
        rows.append(("lookup at 64 ≥ 80% of echo at 64", "—", status(None, why="a point is missing")))
    half = res.paced().get(0.5)
    if half and half["p99_us"] is not None:
        rows.append(("p99 of a port transition at half of npd's max throughput < 5 ms",
                     f"p99 {half['p99_us'] / 1000:.2f} ms at {fmt(half['target_rate'])}/s offered",
                     status(half["p99_us"] < 5000, not res.quick, quick_why)))
    else:
        rows.append(("p99 at half max < 5 ms", "—", status(None, why="no paced point at 0.5")))
    rows.append(cutover_target(res))
    rows.extend(restart_targets(res))
    return rows


def skipped_reason(res, step):
    r = next((r for r in res.rows if r.get("step") == step and "skipped" in r), None)
    return r["skipped"] if r else ""


def cutover_target(res):
    name = "100,000-port cutover batch: all 3 carriers confirmed < 10 s after the cutover instant"
    r = next(iter(res.all("cutover_batch")), None)
    if r is None:
        return (name, "—", status(None, why=skipped_reason(res, "cutover_batch") or "no record"))
    s = r.get("all_confirmed_s")
    if "error" in r or not isinstance(s, (int, float)):
        return (name, "—", status(None, why=r.get("error", "no all_confirmed_s")))
    why, valid = "", True
    if s < 0:
        return (name, f"not all confirmed (npbench timed out); {fmt(r.get('completed_ports'))} of "
                f"{fmt(r.get('ports'))} ports completed", status(False, not res.quick,
                                                                 "quick run"))
    if r.get("cutover_during_setup"):
        valid, why = False, "the cutover came during setup (lead too short)"
    elif r.get("ports") != 100000:
        valid, why = False, f"{fmt(r.get('ports'))} ports (the target is for 100,000)"
    elif not r.get("ports") == r.get("approved", r.get("ports")) == r.get("completed_ports"):
        valid, why = False, f"only {fmt(r.get('completed_ports'))} of 100,000 ports completed"
    return (name, f"{s:.2f} s for {fmt(r.get('completed_ports'))} ports", status(s < 10, valid, why))


def restart_targets(res):
    name = "restart to serving with 10M numbers and 100k live ports < 5 s"
    rs = [r for r in res.all("restart") if "error" not in r]
    if not rs:
        why = skipped_reason(res, "restart") or next(
            (r["error"] for r in res.all("restart") if "error" in r), "no record")
        return [(name, "—", status(None, why=why))]
    worst = max(r["serving_s"] for r in rs)
    n, live = rs[0].get("numbers"), rs[0].get("live_ports")
    valid = n == 10000000 and (live or 0) >= 100000 and all(r.get("first_lookup_ok") for r in rs)
    measured = ", ".join(f"{r['serving_s']:.2f} s (cache {r['block_cache_mb']} MB)" for r in rs)
    rss = ", ".join(f"{r['block_cache_mb']} MB cache: {r['rss_kb_after_restart'] / 1024:.0f} → "
                    f"{r['rss_kb_after_load'] / 1024:.0f} MiB" for r in rs)
    return [(name, measured, status(worst < 5, valid, f"{fmt(n)} numbers and {fmt(live)} live "
                                    "ports (the target is for 10,000,000 and 100,000)")),
            ("npd RSS after restart → after lookup load (follows the block cache?)", rss, "reported")]


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def point_rows(points, key_name="concurrency"):
    rows = []
    for key, m in points.items():
        if m is None:
            continue
        cpu = m["server_cpu_s_per_1k"]
        rows.append([key, m["rounds"], fmt(m["throughput"]), fmt(m["ok_throughput"])]
                    + [fmt(m[k]) for k in LAT] + [fmt(cpu, 4) if cpu is not None else "—",
                                                 m["codes"] or "—"])
    return rows


POINT_HEADER = ["C", "rounds", "calls/s", "OK/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs",
                "server CPU s/1k", "codes"]


def render(res, plots_dir, plots_ref):
    c, out = res.cond, []
    w = out.append
    w("# npd benchmarks\n")
    w(f"Generated by `bench/run` (run `{c.get('run_id', '?')}`, {c.get('mode', '?')} mode) from "
      "`results.jsonl` with `bench/report.py`; do not edit by hand: analysis goes to "
      "`bench/NOTES.md`, copied into Notes below.\n")
    if res.quick:
        w("> **QUICK RUN**: a smoke test of the script (2 s per point, small sizes, one round). "
          "Its figures are not for quoting and its targets are not evaluated.\n")
    w("## How to run\n")
    w("```sh\nbench/run            # full: 10 s per point, 3 interleaved rounds, full sizes\n"
      "bench/run --quick    # smoke of every step, < 4 minutes\n"
      "bench/report.py bench/results/<run>/results.jsonl --plots-dir bench/plots "
      "--plots-ref bench/plots > BENCHMARKS.md\n```\n")
    w("Method: `../shared/docs/benchmarks.md` and `bench/README.md`. Every figure below is a median "
      "over the rounds, measured side by side on one machine in one run; ratios compare points "
      "of the same run. OK/s counts only calls that returned OK.\n")
    w("## Machine and conditions\n")
    keys = ["date", "git_commit", "git_branch", "git_dirty_files", "build_type", "compiler",
            "nproc", "cpu_model", "mem_total_kb", "kernel", "debian_version", "scratch_fs",
            "scratch_device", "grpc", "rocksdb", "rocksdb_tools", "postgresql", "loadavg_start",
            "seconds_per_point", "rounds", "concurrencies"]
    rows = [[k, f"`{c.get(k)}`"] for k in keys if k in c]
    rows += [[k, f"`{res.end.get(k)}`"] for k in ("loadavg_end", "total_s", "npd_starts")
             if k in res.end]
    w(table(["", ""], rows) + "\n")
    busy = str(c.get("loadavg_start", "")).split()
    if busy and c.get("nproc") and float(busy[0]) > 0.5 * c["nproc"]:
        w(f"> **Busy machine**: the 1-minute load average was {busy[0]} on {c['nproc']} CPUs "
          "before the run started: other work shared the CPUs, so the figures are noisier than "
          "the rounds' medians suggest.\n")
    w("Settings: npd defaults (`deploy/npd.toml`) with `log.level=warn`, one fresh store per "
      "workload; db_bench `fillrandom --sync=1` 16-byte keys, 200-byte values, no compression; "
      "PostgreSQL 15 with `fsync=on`, `synchronous_commit=on`, `shared_buffers=256MB`, "
      "`max_wal_size=4GB`, unix socket, `pgbench -M prepared`.\n")
    w("## Targets\n")
    w(table(["target", "measured", "status"], targets(res)) + "\n")

    w("## Throughput vs concurrency (OK per second)\n")
    closed = {name: res.series(*key) for key, name in SERIES}
    cs = sorted({k for s in closed.values() for k in s})
    w(table(["C"] + [n for _, n in SERIES],
            [[cc] + [fmt(closed[n][cc]["ok_throughput"]) if closed[n].get(cc) else "—"
                     for _, n in SERIES] for cc in cs]) + "\n")
    w("echo: bare gRPC server (the ceiling); lookup/port: npd; db_bench: one synced RocksDB Put "
      "per op; pgbench: one transition transaction per op (`bench/pgbench/transition.sql`).\n")
    png = plots_dir and plots.throughput(
        {n: [(cc, m["ok_throughput"]) for cc, m in closed[n].items() if m and m["ok_throughput"]]
         for _, n in SERIES}, plots_dir)
    w(f"![throughput vs concurrency]({plots_ref}/{png})\n" if png else "(no throughput plot)\n")
    for key, name in SERIES:
        if closed[name]:
            w(f"### {name}\n")
            w(table(POINT_HEADER, point_rows(closed[name])) + "\n")

    w("## Paced open loop: npd port transitions\n")
    w("Rate = fraction × npd's port OK/s at 64 in flight (same round), up to 256 outstanding; "
      "latency from each call's intended send time (no coordinated omission).\n")
    paced = res.paced()
    w(table(["fraction", "offered/s", "dropped (cap 256)"] + POINT_HEADER[1:],
            [[f, fmt(m["target_rate"]), fmt(m["dropped"])] + row[1:] for (f, m), row in
             zip(paced.items(), point_rows(paced))]) + "\n")
    png = plots_dir and plots.paced(
        [(m["target_rate"], m["p50_us"], m["p99_us"], m["p999_us"]) for m in paced.values()
         if m["target_rate"] and m["p50_us"] is not None], plots_dir)
    w(f"![latency vs offered rate]({plots_ref}/{png})\n" if png else "(no paced plot)\n")

    w("## Cutover batch\n")
    w(raw_section(res, "cutover_batch"))
    w("## Restart after SIGKILL\n")
    w(raw_section(res, "restart_seed") + raw_section(res, "restart_live_ports")
      + raw_section(res, "restart"))
    problems = [r for r in res.rows if "error" in r or "skipped" in r]
    w("## Skipped and failed points\n")
    w("\n".join(f"- `{r.get('step')}` {json.dumps({k: v for k, v in r.items() if k != 'step'}, ensure_ascii=False)}"
                for r in problems) + "\n" if problems else "None.\n")
    w("## Notes\n")
    notes = os.path.join(BENCH, "NOTES.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().strip() + "\n")
    else:
        w("(none: write analysis in `bench/NOTES.md`; it is copied here on every regeneration)\n")
    return "\n".join(out)


def raw_section(res, step):
    rs = res.all(step)
    if not rs:
        why = skipped_reason(res, step)
        return f"`{step}`: not measured{': ' + why if why else ''}.\n\n"
    keys = [k for k in dict.fromkeys(k for r in rs for k in r) if k not in ("step", "load")]
    rows = [[f"`{json.dumps(r.get(k), ensure_ascii=False)}`" if k in r else "—" for k in keys]
            for r in rs]
    text = f"`{step}`:\n\n" + table(keys, rows) + "\n\n"
    loads = [r["load"] for r in rs if isinstance(r.get("load"), dict)]
    if loads:
        text += "\nlookup load after restart: " + "; ".join(
            f"{fmt(l.get('throughput'))} calls/s, p99 {fmt(l.get('p99_us'))} µs, {l.get('codes')}"
            for l in loads) + "\n"
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--plots-dir")
    ap.add_argument("--plots-ref", default="bench/plots")
    ap.add_argument("--summary", action="store_true")
    a = ap.parse_args()
    res = Results(a.results)
    if a.summary:
        print(f"npd bench {res.cond.get('run_id', '?')} ({res.cond.get('mode', '?')}):")
        print(table(["target", "measured", "status"], targets(res)))
        for r in res.rows:
            if "skipped" in r or "error" in r:
                print(f"  {r['step']}: {r.get('skipped') or r.get('error')}")
        return
    if a.plots_dir:
        os.makedirs(a.plots_dir, exist_ok=True)
    print(render(res, a.plots_dir and os.path.abspath(a.plots_dir), a.plots_ref))


if __name__ == "__main__":
    main()
