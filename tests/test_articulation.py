"""Mouth targets for every IPA segment, derived from features: every chart symbol has one, the
classes behave (bilabials seal, labiodentals tuck, rounded vowels round, open vowels open),
English stays exactly as shipped, and a table can override one segment."""

import numpy as np
import pytest

from audioface import arkit, ipa
from audioface.errors import AudioFaceError
from audioface.motion import articulation, targets
from audioface.motion.learned.cues import PHONES, phone_cues
from audioface.motion.live_hold import hold_to_phones
from audioface.motion.mouth import enforce_weights, mouth_params
from audioface.motion.phone_table import apply_overrides, dump_table
from audioface.signals import lip_gap, rounding, tuck
from audioface.track import Phone, PhoneTrack, Word

P = targets.P
CHART = [*ipa._VOWELS, *ipa._CONSONANTS]  # every base symbol of the inventory

# The shipped table as it stood before targets were derived (copied by hand from the table
# at that commit, not computed by the new code): English must keep these exactly.
BEFORE = {
    "AA": ({"jaw": 0.55, "lowerDown": 0.25, "upperUp": 0.10}, 0.8, 1.0),
    "IY": ({"jaw": 0.16, "lowerDown": 0.10, "stretch": 0.45, "smile": 0.15}, 0.9, 0.9),
    "UW": ({"jaw": 0.16, "funnel": 0.30, "pucker": 0.60}, 1.0, 0.9),
    "P": ({"jaw": 0.08, "seal": 1.0, "press": 0.50, "rollLower": 0.15, "rollUpper": 0.10}, 1.0, 0.7),
    "F": ({"jaw": 0.10, "rollLower": 0.70, "upperUp": 0.15, "shrugLower": 0.10}, 1.0, 0.7),
    "SH": ({"jaw": 0.08, "funnel": 0.40, "pucker": 0.15, "shrugUpper": 0.20, "lowerDown": 0.10}, 1.0, 0.9),
    "R": ({"jaw": 0.14, "funnel": 0.20, "pucker": 0.30}, 0.8, 0.5),
    "AH": ({"jaw": 0.42, "lowerDown": 0.20, "upperUp": 0.05}, 0.8, 1.0),
}


def shape(symbol: str) -> np.ndarray:
    return articulation.derive(ipa.segments(symbol)[0])[0]


def arkit_of(symbol: str) -> np.ndarray:
    return targets.to_arkit(shape(symbol)[None])


@pytest.mark.parametrize("phone", sorted(BEFORE))
def test_english_phones_keep_their_shipped_shape_bit_for_bit(phone):
    values, lips, jaw = BEFORE[phone]
    row = np.zeros(len(targets.PARAMS))
    for name, v in values.items():
        row[P[name]] = v
    for symbol in {ipa.ARPABET_IPA[phone], ipa.arpabet_ipa(phone + "0"), ""}:
        got, got_lips, got_jaw = articulation.phone_shape(phone, symbol)
        assert np.array_equal(got, row) and (got_lips, got_jaw) == (lips, jaw), (phone, symbol)
    assert np.array_equal(shape(ipa.ARPABET_IPA[phone]), row)  # and its IPA derives to the same row


def test_every_segment_of_the_chart_has_a_target_in_range():
    for symbol in CHART:
        values, lips, jaw = articulation.derive(ipa.segments(symbol)[0])
        assert values.shape == (len(targets.PARAMS),) and np.all((values >= 0) & (values <= 1)), symbol
        assert 0 <= lips <= 1 and 0 <= jaw <= 1, symbol


@pytest.mark.parametrize("symbol", ["p", "b", "m", "ɓ", "ʘ", "pʼ", "k͡p", "ŋ͡m", "mː"])
def test_bilabial_closures_seal(symbol):
    assert lip_gap(arkit_of(symbol))[0] == 0.0
    assert articulation.mouth_class("P", symbol) == "closure"


def test_bilabial_fricatives_nearly_close_without_a_seal():
    for symbol in ("ɸ", "β", "β̞", "ʙ"):
        gap = lip_gap(arkit_of(symbol))[0]
        assert 0.0 < gap < lip_gap(arkit_of("a"))[0] / 5, symbol
    assert lip_gap(arkit_of("β̞"))[0] > lip_gap(arkit_of("β"))[0]  # the approximant opens more


def test_labiodentals_tuck_and_the_approximant_lightly():
    for symbol in ("f", "v", "ɱ", "ⱱ"):
        assert tuck(arkit_of(symbol))[0] >= 0.6, symbol
    assert 0.2 < tuck(arkit_of("ʋ"))[0] < tuck(arkit_of("v"))[0]


@pytest.mark.parametrize("rounded, plain", [("y", "i"), ("ø", "e"), ("œ", "ɛ"), ("ʏ", "ɪ"), ("ɶ", "a"),
                                            ("u", "ɯ"), ("o", "ɤ"), ("ʉ", "ɨ")])  # fmt: skip
def test_rounded_vowels_round_more_than_their_unrounded_partners(rounded, plain):
    assert rounding(arkit_of(rounded))[0] > rounding(arkit_of(plain))[0] + 0.2, (rounded, plain)


def test_front_rounded_vowels_keep_the_front_vowels_jaw():
    assert shape("y")[P["jaw"]] == shape("i")[P["jaw"]] and shape("ø")[P["jaw"]] == shape("e")[P["jaw"]]
    assert shape("y")[P["stretch"]] == 0.0  # rounding, not spread


def test_open_vowels_open_the_jaw_more_than_close_ones():
    for open_, close in [("a", "i"), ("ɑ", "u"), ("ɛ", "e"), ("æ", "ɪ"), ("ɔ", "o"), ("œ", "y")]:
        assert shape(open_)[P["jaw"]] > shape(close)[P["jaw"]], (open_, close)


def test_marks_that_change_no_shape_and_marks_that_do():
    assert np.array_equal(shape("ɔ̃"), shape("ɔ")) and np.array_equal(shape("aː"), shape("a"))
    assert rounding(arkit_of("kʷ"))[0] > rounding(arkit_of("k"))[0] + 0.3
    assert shape("ʁ")[P["pucker"]] == 0.0 < shape("ɹ")[P["pucker"]]  # only English's r rounds
    assert shape("ɕ")[P["funnel"]] == 0.0 < shape("ʃ")[P["funnel"]]
    assert shape("i̥")[P["jaw"]] < shape("i")[P["jaw"]]


def french_track() -> PhoneTrack:
    """'tu vu' (t y v y) as a French pronunciation gives it: y is UW to the models."""
    said = [("T", "t"), ("UW", "y"), ("V", "v"), ("UW", "y")]
    phones = tuple(Phone(p, 0.1 + 0.15 * i, 0.25 + 0.15 * i, 1 if p == "UW" else None, s)
                   for i, (p, s) in enumerate(said))  # fmt: skip
    return PhoneTrack([Word("tu vu", 0.1, 0.7, phones)], 0.9, "transcript")


def test_a_french_y_rounds_with_is_jaw_in_the_rules_mouth():
    track = french_track()
    weights = targets.to_arkit(mouth_params(track.phones(), track.duration, 100.0))
    as_u = targets.to_arkit(mouth_params([Phone(p.phone, p.start, p.end, p.stress) for p in track.phones()],
                                         track.duration, 100.0))  # fmt: skip
    y = int(0.625 * 100)  # the middle of the second y (t 0.10-0.25, y -0.40, v -0.55, y -0.70)
    assert rounding(weights)[y] > 0.5
    assert tuck(weights)[int(0.475 * 100)] >= 0.6  # v tucks
    assert weights[y, arkit.INDEX["jawOpen"]] == pytest.approx(as_u[y, arkit.INDEX["jawOpen"]], abs=0.05)


def test_guarantees_read_the_segment():
    track = french_track()
    flat = np.zeros((90, arkit.N_SHAPES), np.float32)
    held = enforce_weights(flat, track.phones(), 100.0)
    assert rounding(held)[int(0.325 * 100)] > 0.5  # a learned mouth that forgot to round on y
    clicks = [Phone("sil", 0, 0.1), Phone("B", 0.1, 0.3, None, "ɓ"), Phone("P", 0.3, 0.5, None, "ʘ")]
    open_ = np.full((60, arkit.N_SHAPES), 0.5, np.float32)
    sealed = enforce_weights(open_, clicks, 100.0)
    assert lip_gap(sealed)[20] == 0.0 and lip_gap(sealed)[40] == 0.0
    live = hold_to_phones(flat[:3], ["UW", "B", "V"], np.zeros(3), ipa=["y", "β", "ɱ"])
    assert rounding(live)[0] > 0.5 and tuck(live)[2] >= 0.6
    assert np.array_equal(live[1], flat[1])  # β is no closure: nothing forces a seal on it


def test_cues_keep_the_arpabet_identity_and_english_targets():
    track = french_track()
    cues = phone_cues(track, 90)
    y = int(0.325 * 100)
    assert cues[y, PHONES.index("UW")] == 1.0  # the identity the model was trained on
    own = cues[y, len(PHONES) : len(PHONES) + len(targets.PARAMS)]
    assert np.allclose(own, shape("y")) and not np.allclose(own, targets.target("UW"))
    said = (Phone("Y", 0.1, 0.2, None, "j"), Phone("UW", 0.2, 0.4, 1, "u"))
    english = PhoneTrack([Word("you", 0.1, 0.4, said)], 0.5)
    plain = PhoneTrack([Word("you", 0.1, 0.4, (Phone("Y", 0.1, 0.2), Phone("UW", 0.2, 0.4, 1)))], 0.5)
    assert np.array_equal(phone_cues(english, 50), phone_cues(plain, 50))


def test_an_ipa_override_changes_the_mouth_only_where_that_segment_is_spoken():
    table = apply_overrides({"y": {"pucker": 0.95, "jaw": 0.4}}, targets.SHIPPED)
    phones = [Phone("sil", 0, 0.1), Phone("UW", 0.1, 0.4, 1, "y"), Phone("sil", 0.4, 0.8),
              Phone("UW", 0.8, 1.1, 1, "u"), Phone("sil", 1.1, 1.5)]  # fmt: skip
    plain = mouth_params(phones, 1.5, 100.0)
    mine = mouth_params(phones, 1.5, 100.0, table=table)
    assert mine[25, P["pucker"]] > plain[25, P["pucker"]] + 0.2 and mine[25, P["jaw"]] > plain[25, P["jaw"]]
    changed = np.flatnonzero(np.abs(mine - plain).max(axis=1) > 1e-9)
    assert changed.min() > 0 and changed.max() < 80  # the u and the pauses around it stay as they were
    assert np.array_equal(mine[85:], plain[85:])


def test_ipa_keys_in_a_table_file_round_trip_and_bad_ones_are_one_line():
    import tomllib

    doc = tomllib.loads('[y]\npucker = 0.8\n["ɔ̃"]\njaw = 0.4\nlip_dominance = 0.5\n')
    table = apply_overrides(doc, targets.SHIPPED)
    again = apply_overrides(tomllib.loads(dump_table(table)), targets.SHIPPED)
    expected = {"y": ({"pucker": 0.8}, None, None), "ɔ̃": ({"jaw": 0.4}, 0.5, None)}
    assert again.segments == table.segments == expected
    assert "# [y]" in dump_table()  # the shipped dump shows how
    for bad, words in [({"X1": {"jaw": 0.1}}, ["unknown phone [X1]", "unknown IPA symbol 'X'"]),
                       ({"ts": {"jaw": 0.1}}, ["[ts] is 2 IPA segments"]),
                       ({"a͡ɪ": {"jaw": 0.1}}, ["diphthong", "[a]", "[ɪ]"]),
                       ({"y": {"jaww": 0.1}}, ["[y] has an unknown key 'jaww'"])]:  # fmt: skip
        with pytest.raises(AudioFaceError) as err:
            apply_overrides(bad, targets.SHIPPED)
        assert "\n" not in str(err.value) and all(w in str(err.value) for w in words), str(err.value)


def test_phone_table_check_names_an_unknown_ipa_symbol_in_one_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "ok.toml").write_text('[y]\npucker = 0.8\n["ɔ̃"]\njaw = 0.4\n', encoding="utf-8")
    (tmp_path / "bad.toml").write_text('["ʬ"]\njaw = 0.4\n', encoding="utf-8")
    ok, bad = (
        subprocess.run(
            [sys.executable, "-m", "audioface", "phone-table", "--check", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        for name in ("ok.toml", "bad.toml")
    )
    assert ok.returncode == 0 and "2 IPA segments" in ok.stdout
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown IPA symbol 'ʬ'" in bad.stderr
