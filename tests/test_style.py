import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_ruff_is_clean():
    res = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "tools", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_phone_table_doc_matches_the_code():
    sys.path.insert(0, str(ROOT / "tools"))
    from make_phone_table_doc import render

    assert (ROOT / "docs" / "phone-table.md").read_text() == render()
