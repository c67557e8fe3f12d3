"""Plots of the report (imported by bench/report.py): writes gnuplot data files to a temporary
directory and runs bench/gnuplot/*.gp to make PNGs. Each function returns the PNG's file name, or
None when there is nothing to plot or gnuplot failed (the report then says so). Stdlib only."""
import os
import subprocess
import tempfile

GNUPLOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gnuplot")


def _gnuplot(script, variables, out_dir):
    args = "; ".join(f"{k}='{v}'" for k, v in variables.items())
    try:
        subprocess.run(["gnuplot", "-e", args, os.path.join(GNUPLOT_DIR, script)],
                       check=True, capture_output=True, timeout=60, cwd=out_dir)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def throughput(series, out_dir):
    """series: {name: [(concurrency, ok_throughput), ...]}; writes throughput.png."""
    series = {k.replace(" ", "_"): v for k, v in series.items() if v}
    if not series:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        for name, points in series.items():
            with open(os.path.join(tmp, name + ".dat"), "w") as f:
                for c, t in sorted(points):
                    f.write(f"{c} {t}\n")
        ok = _gnuplot("throughput.gp", {"datadir": tmp, "series": " ".join(series),
                                        "out": os.path.join(out_dir, "throughput.png")}, out_dir)
    return "throughput.png" if ok else None


def paced(points, out_dir):
    """points: [(target_rate, p50_us, p99_us, p999_us), ...]; writes paced.png."""
    if not points:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "paced.dat"), "w") as f:
            for r, p50, p99, p999 in sorted(points):
                f.write(f"{r} {p50 / 1000} {p99 / 1000} {p999 / 1000}\n")
        ok = _gnuplot("paced.gp", {"datadir": tmp, "out": os.path.join(out_dir, "paced.png")},
                      out_dir)
    return "paced.png" if ok else None
