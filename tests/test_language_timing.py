import numpy as np
from conftest import DATA, FIXTURES, reference_phones, transcript

from audioface.audio import Audio, detect_activity, load_audio
from audioface.evaluate import RefPhone, alignment_accuracy
from audioface.language import build_track
from audioface.language.align.estimate import spread
from audioface.language.align.pieces import Piece, assign_tokens


def _accuracy(track, name_or_ref):
    ref = reference_phones(name_or_ref) if isinstance(name_or_ref, str) else name_or_ref
    pred = [RefPhone(p.phone, p.start, p.end, p.stress) for p in track.phones()]
    return alignment_accuracy(pred, ref)


def test_forced_alignment_is_within_50ms_for_90_percent_of_phones():
    within, matched, origins = 0.0, 0, []
    for name in FIXTURES:
        audio = load_audio(DATA / f"{name}.wav")
        track = build_track(audio, detect_activity(audio), transcript(name))
        acc = _accuracy(track, name)
        # espeak's own pronunciations differ from CMUdict's in places: fewer labels pair up
        assert acc.within_50ms >= 0.8 and acc.matched >= 0.75 * acc.reference, (name, acc)
        # a correct transcript is never "corrected" by recognition; pocketsphinx cannot align
        # part of one espeak item at all, whose words are then estimated
        assert not any(w.origin == "recognized" for w in track.words), name
        origins += [w.origin for w in track.words]
        assert track.source == "transcript"
        within += acc.within_50ms * acc.matched
        matched += acc.matched
    assert within / matched >= 0.9
    assert origins.count("estimated") <= 0.05 * len(origins)


def test_stress_comes_from_the_dictionary():
    audio = load_audio(DATA / "flite_slt_01.wav")
    track = build_track(audio, detect_activity(audio), transcript("flite_slt_01"))
    muffin = next(w for w in track.words if w.word == "muffin")
    assert [p.stress for p in muffin.phones] == [None, 1, None, 0, None]


def _long_recording():
    """Four fixtures end to end (~23 s): long enough to be cut and aligned in parallel."""
    samples, ref, text, t = [], [], [], 0.0
    for name in FIXTURES:
        a = load_audio(DATA / f"{name}.wav")
        samples.append(a.samples)
        ref += [RefPhone(p.phone, p.start + t, p.end + t, p.stress) for p in reference_phones(name)]
        text.append(transcript(name))
        t += a.duration
    return Audio(np.concatenate(samples)), ref, " ".join(text)


def test_long_audio_is_split_and_aligned_in_parallel_with_the_same_result():
    audio, ref, text = _long_recording()
    act = detect_activity(audio)
    calls = []
    parallel = build_track(audio, act, text, jobs=2, progress=lambda d, n: calls.append((d, n)))
    assert calls and calls[-1][0] == calls[-1][1] >= 2  # it really was cut into pieces
    serial = build_track(audio, act, text, jobs=1)
    assert [w.word for w in parallel.words] == [w.word for w in serial.words]
    assert _accuracy(parallel, ref).within_50ms >= 0.9


def test_mismatched_transcript_never_crashes_and_flags_estimates():
    audio = load_audio(DATA / "flite_slt_01.wav")
    act = detect_activity(audio)
    wrong = "Completely different words about a purple elephant dancing in the snow tonight."
    track = build_track(audio, act, wrong)
    assert track.words and {w.origin for w in track.words} <= {"transcript", "recognized", "estimated"}
    for w in track.words:
        assert 0 <= w.start <= w.end <= audio.duration + 1e-6
    # far too many words for the audio: alignment cannot fit, times are estimated
    huge = " ".join(["banana"] * 120)
    track = build_track(audio, act, huge)
    assert len(track.words) == 120 and not all(w.aligned for w in track.words)
    speech = act.regions()
    for p in (p for w in track.words for p in w.phones):
        assert any(s - 0.02 <= p.start and p.end <= e + 0.02 for s, e in speech)


def test_words_that_are_not_in_the_audio_are_replaced_by_what_is_heard():
    audio = load_audio(DATA / "flite_slt_02.wav")  # "... and the streets were quiet ..."
    wrong = "The weather was mild, and the roads were busy. We walked home over the bridge before noon."
    track = build_track(audio, detect_activity(audio), wrong)
    by_text = {w.word: w.origin for w in track.words}
    assert "roads" not in by_text and "busy" not in by_text
    assert sum(w.origin == "recognized" for w in track.words) >= 2
    # what is heard there is phones, as pseudo-words without text, inside the stretch it replaces
    heard = [w for w in track.words if w.origin == "recognized"]
    assert all(w.word == "" and w.phones for w in heard)
    assert all(0 <= p.start < p.end <= audio.duration for w in heard for p in w.phones)
    assert by_text["weather"] == by_text["bridge"] == "transcript"
    assert _accuracy(track, "flite_slt_02").within_50ms >= 0.9


def test_recognition_and_phonetic_modes_produce_timed_phones():
    audio = load_audio(DATA / "flite_awb_03.wav")
    act = detect_activity(audio)
    words = build_track(audio, act, None, asr="words")
    assert words.source == "recognized"
    heard = " ".join(w.word for w in words.words)
    assert "soup" in heard and "village" in heard
    phones = build_track(audio, act, None, asr="phonetic")
    assert phones.source == "phonetic" and len(phones.phones()) > 30
    assert _accuracy(phones, "flite_awb_03").matched > 20


def test_no_speech_gives_an_empty_track():
    audio = Audio(np.zeros(16000, np.float32))
    track = build_track(audio, detect_activity(audio), "hello there")
    assert track.words == [] and track.phones()[0].phone == "sil"


def test_assign_tokens_cuts_at_the_punctuation_nearest_the_voiced_time():
    pieces = [Piece(0, 2, ((0.1, 1.9),)), Piece(2, 4, ((2.1, 3.9),)), Piece(4, 5, ((4.1, 4.9),))]
    weights = [0.45] * 10
    pause = [False, False, False, True, False, False, False, True, False, False]
    starts = assign_tokens(pieces, weights, pause)
    assert starts == [0, 4, 8]


def test_spread_keeps_phones_inside_the_voiced_regions():
    words = spread(
        [("hello", ("HH", "AH0", "L", "OW1")), ("you", ("Y", "UW1"))],
        [(0.5, 1.0), (2.0, 2.5)],
        0.0,
        3.0,
    )
    assert not any(w.aligned for w in words)
    for p in (p for w in words for p in w.phones):
        assert (0.5 <= p.start <= 1.0 and p.end <= 1.0 + 1e-9) or (2.0 <= p.start and p.end <= 2.5 + 1e-9)


def test_a_piece_takes_only_the_words_it_holds_from_a_wider_window():
    from audioface.language.align import sphinx

    pcm = load_audio(DATA / "flite_slt_01.wav").pcm16()
    spoken = "peter bought a muffin from the bakery move over the boat will leave at five".split()
    window = ["and", "then", "we", "saw", *spoken, "today", "he", "said", "so"]
    assert sphinx.choose_span(pcm, window, 6, 6, {}) == (4, 4 + len(spoken))
    # the estimate gave it too few words: the free tail is taken up to what was said
    assert sphinx.choose_span(pcm, spoken, 0, 6, {}) == (0, len(spoken))


def _two_fixtures():
    """Two fixtures back to back, one piece each: the cut between them is known exactly."""
    from audioface.language.pronounce.normalize import normalize

    a, b = (load_audio(DATA / f"{n}.wav") for n in FIXTURES[:2])
    audio = Audio(np.concatenate([a.samples, b.samples]))
    act = detect_activity(audio)
    regions = act.regions()
    left = Piece(0.0, a.duration, tuple(r for r in regions if r[1] <= a.duration + 0.01))
    right = Piece(a.duration, audio.duration, tuple(r for r in regions if r[0] >= a.duration - 0.01))
    tokens = normalize(transcript(FIXTURES[0])) + normalize(transcript(FIXTURES[1]))
    return audio, [left, right], tokens, len(normalize(transcript(FIXTURES[0])))


def test_neighbours_that_claim_the_same_words_or_none_are_settled_where_the_words_fall():
    from audioface.language.track_builder import _cut_confirmed, _settle

    audio, pieces, tokens, cut = _two_fixtures()
    n = len(tokens)
    # an overlap, then a gap, neither centred on the true cut (the middle would be wrong)
    for spans in ([(0, cut + 4), (cut - 1, n)], [(0, cut - 3), (cut + 1, n)]):
        ranges, doubt = _settle(audio, pieces, tokens, spans)
        assert ranges == [(0, cut), (cut, n)] and not doubt
    assert _cut_confirmed(audio, pieces, 0, tokens, [(0, cut), (cut, n)])
    assert not _cut_confirmed(audio, pieces, 0, tokens, [(0, cut - 2), (cut - 2, n)])


def test_long_audio_needs_no_span_grammar_where_the_learned_aligner_finds_a_path(monkeypatch):
    from audioface.language.align import sphinx

    def grammar(*_args):
        raise AssertionError("the span grammar ran")

    monkeypatch.setattr(sphinx, "choose_span", grammar)
    audio, ref, text = _long_recording()
    track = build_track(audio, detect_activity(audio), text, jobs=1)
    assert all(w.origin == "transcript" for w in track.words)
    assert _accuracy(track, ref).within_50ms >= 0.9


def test_the_learned_aligner_is_sure_of_the_words_said_and_not_of_others():
    from audioface.language.align import aligners

    pcm = load_audio(DATA / "flite_slt_01.wav").pcm16()
    said = "peter bought a muffin from the bakery move over the boat will leave at five".split()
    other = "completely different words about a purple elephant dancing in the snow tonight".split()
    assert aligners.sure_of(pcm, said) and not aligners.sure_of(pcm, other)
