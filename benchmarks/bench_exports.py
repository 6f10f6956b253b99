"""GeoJSON and KML exports against the HTML export, side by side, on the same flights.

    python benchmarks/bench_exports.py --flights 26468 --repeat 3

Generates F synthetic flights (benchmarks/generate.py: random airports, plausible times; the
few the rules refuse, over 24 h, are left out by the CLI's lenient load), then runs, each in
its own process and alternating, ``python -m geo export --format html|geojson|kml``, and the
same GeoJSON and KML streamed to the file (``geo.export.export_to``, what the CLI does once it
writes through it rather than holding the bytes). Prints a Markdown table: wall time (best
of --repeat), peak memory (max RSS of the process), output size, and the ratios to HTML.
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
sys.path.insert(0, str(ROOT))

STREAM = (
    "import sys\n"
    "from geo.dataset import load_dataset\n"
    "from geo.export import export_to\n"
    "events, fmt, out = sys.argv[1:4]\n"
    "data = load_dataset(events, strict=False)\n"
    "with open(out, 'wb') as fh:\n"
    "    export_to(fh, data.events, fmt)\n"
)


def run(cmd: list[str], err_path: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    with err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err_path.read_text()[-2000:]}")
    return wall, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flights", type=int, default=26_468)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250314)
    args = parser.parse_args()
    from benchmarks.generate import write

    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        events = folder / "flights.csv"
        write(events, 0, args.flights, 0.0, args.seed)
        commands: dict[str, tuple[list[str], Path]] = {}
        for fmt in ("html", "geojson", "kml"):
            out = folder / f"cli.{fmt}"
            commands[f"{fmt} (CLI)"] = (
                [py, "-m", "geo", "export", "--events", str(events), "--format", fmt,
                 "--out", str(out)],
                out,
            )
        for fmt in ("geojson", "kml"):
            out = folder / f"stream.{fmt}"
            commands[f"{fmt} (streamed)"] = ([py, "-c", STREAM, str(events), fmt, str(out)], out)
        runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
        for _ in range(args.repeat):  # alternate, so drift hits every command alike
            for name, (cmd, _out) in commands.items():
                runs[name].append(run(cmd, folder / "stderr.txt"))
        sizes = {name: out.stat().st_size for name, (_cmd, out) in commands.items()}
    best = {name: min(w for w, _ in r) for name, r in runs.items()}
    peak = {name: max(m for _, m in r) for name, r in runs.items()}
    base = "html (CLI)"
    print(f"{args.flights:,} generated flights; best of {args.repeat}, alternating; "
          "memory = peak RSS of the process")
    print("| export | time s | × HTML | peak MB | × HTML | output MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in commands:
        print(f"| {name} | {best[name]:.2f} | {best[name] / best[base]:.2f} | "
              f"{peak[name] / 1e6:.0f} | {peak[name] / peak[base]:.2f} | "
              f"{sizes[name] / 1e6:.1f} |")


if __name__ == "__main__":
    main()
