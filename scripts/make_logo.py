"""Write the committed ANB bumper card and watermark PNGs to static/ (re-run after editing logo.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from anb.media.logo import make_logo_card, make_watermark

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Draw both images so the pipeline and the bench share the same branding files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", type=Path, default=ROOT / "static")
    args = parser.parse_args()
    print(make_logo_card(args.out_dir / "anb_card.png"))
    print(make_watermark(args.out_dir / "anb_watermark.png"))


if __name__ == "__main__":
    main()
