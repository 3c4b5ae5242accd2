#!/usr/bin/env python3
"""The install a newcomer gets: the size of a fresh virtual environment after ``pip install .``.

Makes a new venv (``python3 -m venv``), installs this checkout into it (no extras, exactly the
README's first command), then prints ``du -s`` of the whole venv (pip and all, as the user's
disk sees it) and the largest packages, so what makes the figure is in view. Issue 33's bound:
<= 700 MB with both Whisper models (tiny.en and base) on board. Needs the package index (or a
pip cache that holds the wheels); takes a few minutes.

    python3 bench/bench_install.py [--venv /tmp/audioface-venv] [--extras preview,report] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 700


def du_mb(path: Path) -> float:
    """Disk use in MB (1024 x 1024 bytes) as ``du -s`` counts it: blocks, not file lengths."""
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def largest(site: Path, n: int = 20) -> list[tuple[float, str]]:
    sizes = [(du_mb(p), p.name) for p in site.iterdir()]
    return sorted(sizes, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--venv", type=Path, help="where to make it (default: a temporary folder)")
    parser.add_argument("--extras", default="", help="extras to install too, e.g. preview,report")
    parser.add_argument("--keep", action="store_true", help="keep the venv afterwards")
    args = parser.parse_args()
    venv = args.venv or Path(tempfile.mkdtemp(prefix="audioface-venv-"))
    if venv.exists():
        shutil.rmtree(venv)
    target = f"{ROOT}[{args.extras}]" if args.extras else str(ROOT)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, target], check=True)
    took = time.perf_counter() - t0
    site = next((venv / "lib").glob("python3*/site-packages"))
    total = du_mb(venv)
    print(f"pip install {target}: {took:.0f} s")
    print(
        f"venv: {total:.0f} MB (du -s; the bound is {LIMIT_MB} MB) -> {'ok' if total <= LIMIT_MB else 'OVER'}"
    )
    print("largest entries of site-packages (MB):")
    for mb, name in largest(site):
        print(f"  {mb:7.1f}  {name}")
    if not args.keep:
        shutil.rmtree(venv)


if __name__ == "__main__":
    main()
