"""`python -m geo export` against geopandas' explore(), side by side, on the same data.

    python benchmarks/bench_scale.py --sizes 100000 --flights 1000 --origins 0.5 --repeat 1
    python benchmarks/bench_scale.py --schedule 300000

For each size it generates N synthetic events plus F flights (benchmarks/generate.py; a share
``--origins`` of the events names one or two origins, so the map draws their arcs), then
runs, alternating, each command in its own process: the project's HTML export and the
explore() baseline (benchmarks/explore_baseline.py), which draws the same work — the points
and, unless ``--baseline points``, every arc and flight track as a LineString with the same
geodesic vertices. It prints wall time (best of --repeat), peak memory (max RSS of the
process) and output bytes for each, and their ratios. ``--keep DIR`` leaves the maps there
(for benchmarks/bench_browser.py).

``--schedule N`` instead generates a year of about N scheduled flights between real airports
(benchmarks/generate_flights.py) and measures the project's export alone (explore() of 300,000
LineStrings is not a run anyone waits for).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--flights", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-baseline-above", type=int, default=10**9,
                        help="run explore() only up to this many events")
    parser.add_argument("--origins", type=float, default=0.1,
                        help="share of events with origins (arcs); 0.5 is real diplomatic data")
    parser.add_argument("--baseline", choices=["lines", "points"], default="lines",
                        help="explore() of points and the same lines (default), or points only")
    parser.add_argument("--schedule", type=int, help="a year of about N scheduled flights")
    parser.add_argument("--keep", type=Path, help="write the generated CSVs and maps here")
    args = parser.parse_args()
    py = sys.executable
    if args.schedule:
        schedule(args)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = str(args.keep or tmp_dir)
        Path(tmp).mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            flights = min(args.flights, max(10, n // 100)) if n < 100_000 else args.flights
            csv_path = Path(tmp) / f"events_{n}.csv"
            subprocess.run([py, str(HERE / "generate.py"), "--events", str(n), "--flights",
                            str(flights), "--origin-share", str(args.origins), "--out",
                            str(csv_path)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
            ours_out = Path(tmp) / f"geo_{n}.html"
            base_out = Path(tmp) / f"explore_{n}.html"
            ours_cmd = [py, "-m", "geo", "export", "--events", str(csv_path), "--out",
                        str(ours_out)]
            base_cmd = [py, str(HERE / "explore_baseline.py"), str(csv_path), str(base_out)]
            if args.baseline == "lines":
                base_cmd.append("--lines")
            ours: list[tuple[float, int]] = []
            base: list[tuple[float, int]] = []
            for _ in range(args.repeat):  # alternate, so drift hits both alike
                ours.append(run(ours_cmd))
                if n <= args.skip_baseline_above:
                    base.append(run(base_cmd))
            o_wall, o_mem = min(w for w, _ in ours), max(m for _, m in ours)
            o_bytes = ours_out.stat().st_size
            if base:
                b_wall, b_mem = min(w for w, _ in base), max(m for _, m in base)
                b_bytes = base_out.stat().st_size
            else:
                b_wall = b_mem = b_bytes = 0
            rows.append((n, flights, o_wall, b_wall, o_mem, b_mem, o_bytes, b_bytes))
            print(f"done {n:,} events", file=sys.stderr)

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x" if b else "-"

    print(f"best of {args.repeat}, alternating; memory = peak RSS of the process; "
          f"{args.origins:.0%} of events with origins; explore() of points"
          + (" + the same arcs and tracks as LineStrings" if args.baseline == "lines" else ""))
    print("| events | flights | geo export s | explore() s | speed-up | geo MB peak | "
          "explore() MB peak | geo HTML MB | explore() HTML MB | size ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, f, ow, bw, om, bm, ob, bb in rows:
        print(f"| {n:,} | {f:,} | {ow:.2f} | {bw:.2f} | {ratio(bw, ow)} | {om / 1e6:.0f} | "
              f"{bm / 1e6:.0f} | {ob / 1e6:.2f} | {bb / 1e6:.2f} | "
              f"{(ob / bb if bb else 0):.2f} |")


def schedule(args: argparse.Namespace) -> None:
    """A year of scheduled flights: the project's export alone, best of --repeat."""
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(args.keep or tmp_dir)
        tmp.mkdir(parents=True, exist_ok=True)
        csv_path, out = tmp / "flights.csv", tmp / "flights.html"
        subprocess.run([py, str(HERE / "generate_flights.py"), "--flights", str(args.schedule),
                        "--out", str(csv_path)], check=True, cwd=ROOT)
        runs = [run([py, "-m", "geo", "export", "--events", str(csv_path), "--out", str(out),
                     "--basemap", "outlines"]) for _ in range(args.repeat)]
        wall, mem = min(w for w, _ in runs), max(m for _, m in runs)
        size = out.stat().st_size
        rows = sum(1 for _ in csv_path.open(encoding="utf-8")) - 1
    print(f"| {rows:,} scheduled flights | {wall:.1f} s | {mem / 1e9:.2f} GB peak | "
          f"{size / 1e6:.1f} MB HTML | {size / rows:.0f} bytes/flight |")


if __name__ == "__main__":
    main()
