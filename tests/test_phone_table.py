"""The editable phone table: dumped, read back unchanged, overrides reaching both generators,
and one-line errors that name the phone and the key."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import DATA, transcript

from audioface import arkit
from audioface.api import animate
from audioface.errors import AudioFaceError
from audioface.motion import FaceOptions, targets
from audioface.motion.learned.cues import PHONE_INDEX, PHONES, phone_cues
from audioface.motion.phone_table import dump_table, load_table

ITEM = "flite_slt_01"


def test_the_dump_reads_back_to_the_same_table_and_the_same_curves(tmp_path):
    path = tmp_path / "table.toml"
    path.write_text(dump_table())
    table = load_table(path)
    for phone in targets.SHIPPED.rows:
        assert np.array_equal(table.target(phone), targets.SHIPPED.target(phone))
        assert table.dominance(phone) == targets.SHIPPED.dominance(phone)
    for generator in ("rules", "learned"):
        plain = animate(DATA / f"{ITEM}.wav", transcript(ITEM), generator=generator, jobs=1)
        again = animate(DATA / f"{ITEM}.wav", transcript(ITEM), generator=generator, jobs=1,
                        face=FaceOptions(phone_table=table))  # fmt: skip
        assert np.array_equal(plain.weights, again.weights)


def test_an_override_reaches_the_rules_and_the_learned_cues(tmp_path):
    path = tmp_path / "wide.toml"
    path.write_text("[AA]\njaw = 0.95\n[AE]\njaw = 0.95\n[AH]\njaw = 0.95\n")
    table = load_table(path)
    assert table.target("AA")[targets.P["jaw"]] == 0.95
    assert np.array_equal(table.target("P"), targets.SHIPPED.target("P"))  # the rest as shipped
    jaw = arkit.INDEX["jawOpen"]
    for generator in ("rules", "learned"):
        plain = animate(DATA / f"{ITEM}.wav", transcript(ITEM), generator=generator, jobs=1)
        wide = animate(DATA / f"{ITEM}.wav", transcript(ITEM), generator=generator, jobs=1,
                       face=FaceOptions(phone_table=table))  # fmt: skip
        assert wide.weights[:, jaw].max() > plain.weights[:, jaw].max() + 0.02, generator
        # the guarantees hold under the new table: every P/B/M still seals
        gap = np.clip(wide.weights[:, jaw] - wide.weights[:, arkit.INDEX["mouthClose"]], 0, 1)
        for p in wide.track.phones():
            if p.phone in targets.BILABIALS:
                assert gap[int(round((p.start + p.end) / 2 * wide.fps))] < 0.05
    cues = phone_cues(plain.track, 300, 100.0, table)
    shipped = phone_cues(plain.track, 300, 100.0)
    at_aa = cues[:, PHONE_INDEX["AA"]] + cues[:, PHONE_INDEX["AE"]] + cues[:, PHONE_INDEX["AH"]] > 0
    col = len(PHONES) + targets.P["jaw"]
    assert at_aa.any() and np.all(cues[at_aa, col] == 0.95) and np.all(shipped[at_aa, col] < 0.95)
    others = [PHONE_INDEX[p] for p in targets.SHIPPED.rows if p not in ("AA", "AE", "AH")]
    elsewhere = cues[:, others].sum(axis=1) > 0  # (diphthongs have no row: they take AH's)
    assert elsewhere.any() and np.array_equal(cues[elsewhere], shipped[elsewhere])


@pytest.mark.parametrize(
    "text, words",
    [
        ("[XX]\njaw = 0.5\n", ["unknown phone [XX]"]),
        ("[AA]\njaww = 0.5\n", ["[AA]", "unknown key 'jaww'"]),
        ("[M]\nseal = 1.5\n", ["[M] seal", "from 0 to 1"]),
        ("[M]\nseal = true\n", ["[M] seal", "from 0 to 1"]),
        ("[OW]\npucker = 0.5\n", ["OW is a diphthong", "[AO]", "[UW]"]),
        ("AA = 0.5\n", ["AA must be a table"]),
        ("[AA\njaw = 1\n", ["not valid TOML"]),
    ],
)
def test_bad_tables_are_one_line_errors_naming_the_phone_and_key(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(AudioFaceError) as err:
        load_table(path)
    assert "\n" not in str(err.value) and all(w in str(err.value) for w in words), str(err.value)


def test_the_command_line_dumps_checks_and_refuses(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "audioface", *a], capture_output=True,  # noqa: E731
                                    text=True, timeout=120)  # fmt: skip
    dumped = run("phone-table", "--dump")
    assert dumped.returncode == 0 and "[AA]" in dumped.stdout and "\njaw = 0.55\n" in dumped.stdout
    (tmp_path / "t.toml").write_text(dumped.stdout)
    assert run("phone-table", "--check", str(tmp_path / "t.toml")).returncode == 0
    (tmp_path / "bad.toml").write_text("[AA]\nlips = 1\n")
    out = tmp_path / "out.csv"
    bad = run("animate", str(DATA / f"{ITEM}.wav"), "--text", transcript(ITEM), "--phone-table",
              str(tmp_path / "bad.toml"), "-o", str(out))  # fmt: skip
    assert bad.returncode == 2 and not out.exists()
    assert bad.stderr.count("\n") == 1 and "[AA]" in bad.stderr and "--phone-table" in bad.stderr
