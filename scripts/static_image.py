"""Draw docs/flight-night.png: the shipped data's first view (the flight night) mid-flight.

    python scripts/static_image.py [--at 2025-03-14T00:12:00Z] [--out docs/flight-night.png]

The same image as ``python -m geo export --format png --at …`` with the shipped data.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from geo.dataset import load_dataset
from geo.static_map import render_image

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", default="2025-03-14T00:12:00Z", help="UTC time, RFC 3339")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "flight-night.png")
    args = parser.parse_args()
    data = load_dataset()
    at = datetime.fromisoformat(args.at.replace("Z", "+00:00"))
    fmt = "svg" if args.out.suffix.lower() == ".svg" else "png"
    image = render_image(data.events, at=at, fmt=fmt, views=data.views)
    args.out.write_bytes(image)
    print(f"{args.out}: {len(image):,} bytes, the view '{data.views[0].id}' at {args.at}")


if __name__ == "__main__":
    main()
