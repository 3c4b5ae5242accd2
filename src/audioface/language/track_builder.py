"""The language stage's entry point: audio (+ transcript) -> :class:`PhoneTrack`.

Long recordings are cut at pauses into pieces of about ``PIECE_SECONDS`` and
the pieces are processed by a pool of worker processes (one per core);
short ones are done in this process, where a pool would only add start-up time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from audioface.audio.activity import Activity, split_points
from audioface.audio.load import SAMPLE_RATE, Audio
from audioface.errors import AudioFaceError
from audioface.language.align import aligners
from audioface.language.align.pieces import Piece, assign_tokens, expected_duration, make_pieces
from audioface.language.align.timing import (
    PieceJob,
    WordCue,
    align_job,
    phonetic_job,
    recognize_job,
    span_job,
)
from audioface.language.pronounce import AUTO_LANGUAGE, check_language, lexicon, lookup, transcript
from audioface.language.pronounce.choose import transcript_language
from audioface.language.pronounce.lookup import ENGLISH
from audioface.language.pronounce.normalize import Token
from audioface.language.pronounce.routes import has_route
from audioface.language.recognize import whisper, whisper_phones
from audioface.language.recognize.recognizers import (
    DEFAULT_ASR,
    Recognizer,
    choose,
    doubted,
    hears_text,
    recognize_segments,
)
from audioface.language.recognize.segments import Segment
from audioface.parallel import parallel_map
from audioface.track import PhoneTrack, Word

PIECE_SECONDS = 10.0
PARALLEL_FROM_SECONDS = 14.0

Progress = Callable[[int, int], None]  # (pieces done, pieces total)


def build_track(
    audio: Audio,
    activity: Activity,
    text: str | None = None,
    *,
    asr: str | Recognizer = DEFAULT_ASR,
    aligner: str = aligners.DEFAULT_ALIGNER,
    jobs: int | None = None,
    progress: Progress | None = None,
    language: str = AUTO_LANGUAGE,
) -> PhoneTrack:
    """Timed words and phones for ``audio``, each phone with its IPA.

    With ``text``, the transcript is aligned; without it, the recogniser ``asr``
    (see :mod:`audioface.language.recognize.recognizers`) hears the words, which are then
    aligned the same way, or pocketsphinx recognises phones (``"phonetic"``).
    ``language`` says how the words become phones (see :mod:`audioface.language.pronounce`);
    ``auto`` takes the transcript's (:func:`transcript_language`) or the recogniser's.
    ``aligner`` times the words (see :mod:`audioface.language.align.aligners`).
    No speech -> empty track.
    """
    rec = choose(asr)
    aligner = aligners.resolve(aligners.check(aligner))
    setting = check_language(language)
    if setting != AUTO_LANGUAGE and rec.language is None:  # a given language always wins
        rec = replace(rec, language=setting)
    spoken = _transcript_language(audio, activity, text, setting) if text is not None else setting
    spoken = ENGLISH if spoken == AUTO_LANGUAGE else spoken  # until a recogniser says otherwise
    tokens = transcript.tokens(text, spoken) if text is not None else None
    if tokens == []:
        raise AudioFaceError("the transcript has no words to align (only punctuation or symbols)", "text")
    if not activity.has_speech:
        return PhoneTrack([], audio.duration, "none")
    if tokens is None and hears_text(rec):
        segments = recognize_segments(audio, activity, rec)
        heard = next((s.language for s in segments if s.language), None)
        spoken = _route_code(heard) if heard and setting == AUTO_LANGUAGE else spoken
        tokens, times = _heard_tokens(segments, activity, spoken)
        # speech with no words kept (all invented, or none written), or a short clip's words
        # Whisper was unsure of: the phones heard, not a face at rest or invented words
        if not tokens or doubted(rec, activity, segments):
            phonetic = replace(rec, mode="phonetic")
            return _with_ipa(_heard_phones(audio, activity, phonetic, aligner, jobs, progress))
        with lookup.speaking(spoken):
            track = _align_tokens(audio, activity, tokens, times, jobs, progress, False, aligner)
            return _relabel(_with_ipa(track), rec.mode)
    if tokens:
        with lookup.speaking(spoken):
            return _with_ipa(_align_tokens(audio, activity, tokens, None, jobs, progress, aligner=aligner))
    return _with_ipa(_heard_phones(audio, activity, rec, aligner, jobs, progress))


def _heard_phones(
    audio: Audio, activity: Activity, rec: Recognizer, aligner: str, jobs: int | None, progress
) -> PhoneTrack:
    """Without words to align: pocketsphinx's words (English), or the phones heard."""
    pieces = _pieces(audio, activity)
    if rec.mode == "words":
        lexicon.load()
    work = recognize_job if rec.mode == "words" else phonetic_job
    piece_tokens = [()] * len(pieces)
    source = "phonetic" if rec.mode == "phonetic" else "recognized"
    # phones are heard by Whisper's encoder too where it is installed: once over the whole file,
    # here, in its transcription's windows; the pieces then never run Whisper
    heard = (
        whisper_phones.hear(audio.samples, activity.regions())
        if work is phonetic_job and whisper_phones.available()
        else None
    )
    piece_jobs = [
        PieceJob(
            p,
            _slice(audio, p),
            t,
            aligner=aligner,
            whisper_heard=_frames(heard, p),
            language=rec.language or AUTO_LANGUAGE,
        )
        for p, t in zip(pieces, piece_tokens, strict=True)
    ]
    results = _run(work, piece_jobs, jobs, progress)
    return PhoneTrack([w for ws in results for w in ws], audio.duration, source)


def _pieces(audio: Audio, activity: Activity) -> list[Piece]:
    cuts = split_points(activity, PIECE_SECONDS) if audio.duration > PARALLEL_FROM_SECONDS else []
    return make_pieces(audio.duration, cuts, activity.regions())


def _align_tokens(
    audio: Audio,
    activity: Activity,
    tokens: list[Token],
    times: list[float] | None,
    jobs: int | None,
    progress: Progress | None,
    check: bool = True,
    aligner: str = aligners.SPHINX,
) -> PhoneTrack:
    """Words to phone timings: the transcript's, or a recogniser's (then ``times`` are the
    recogniser's rough word times, used to share the words out among the pieces, and
    ``check`` is off: see :attr:`PieceJob.check`)."""
    lexicon.load()
    pieces = _pieces(audio, activity)
    aligners.prepare(aligner, spans=len(pieces) > 1)
    if len(pieces) == 1:
        words = align_job(_job(audio, pieces[0], _as_tokens(tokens), check=check, aligner=aligner))
        return PhoneTrack(words, audio.duration, "transcript")
    if times is not None:
        starts = starts_from_times(pieces, times)
    else:
        weights = [expected_duration(lookup.first_pronunciation(t.word)) for t in tokens]
        starts = assign_tokens(pieces, weights, [t.pause_after for t in tokens])
    # progress follows the pass that does the work: the learned aligner times words as it chooses
    learned = aligner == aligners.LEARNED
    chosen = _choose_spans(audio, pieces, tokens, starts, jobs, aligner, check, progress if learned else None)
    ranges, disagree = _settle(audio, pieces, tokens, [span for span, _ in chosen])
    piece_tokens = [_as_tokens(tokens[a:b]) for a, b in ranges]
    # a piece the learned aligner timed while choosing its span keeps those words if its range held
    redo = [i for i, (span, words) in enumerate(chosen) if words is None or span != ranges[i]]
    piece_jobs = [_job(audio, pieces[i], piece_tokens[i], check=check, aligner=aligner) for i in redo]
    results = [words for _, words in chosen]
    for i, words in zip(redo, _run(align_job, piece_jobs, jobs, None if learned else progress), strict=True):
        results[i] = words
    words = _repair(audio, pieces, piece_tokens, results, jobs, disagree, check, aligner, (tokens, ranges))
    return PhoneTrack([w for ws in words for w in ws], audio.duration, "transcript")


def _transcript_language(audio: Audio, activity: Activity, text: str, setting: str) -> str:
    """The language a transcript is read in: the setting, its script, English-looking text, else
    the one Whisper hears in the audio (where nothing says, English)."""
    spoken = transcript_language(text, setting)
    if spoken is None and activity.has_speech and whisper.available():
        from audioface.language.recognize import whisper_language

        heard = whisper_language.detect(whisper.load_base(), audio.samples, activity.regions())
        spoken = _route_code(heard)
    return spoken or ENGLISH


def _route_code(heard: str | None) -> str | None:
    """The route for a language a recogniser named, None where no route has it."""
    return check_language(heard) if heard and has_route(heard) else None


def _with_ipa(track: PhoneTrack) -> PhoneTrack:
    """Every phone with its IPA, as the language being spoken says it (see lookup.ipa_of)."""
    out = []
    for w in track.words:
        labels = tuple(p.phone + ("" if p.stress is None else str(p.stress)) for p in w.phones)
        ipa = lookup.ipa_of(w.word, labels)
        out.append(replace(w, phones=tuple(replace(p, ipa=s) for p, s in zip(w.phones, ipa, strict=True))))
    return PhoneTrack(out, track.duration, track.source)


def _heard_tokens(
    segments: list[Segment], activity: Activity, language: str = ENGLISH
) -> tuple[list[Token], list[float]]:
    """The recognised text as normalised tokens, each with a rough time: its segment's voiced
    time shared out by the words' lengths. Segments can be a whole 30 s window, so the share
    follows the speech the detector found, not the clock: pauses get no words."""
    tokens: list[Token] = []
    times: list[float] = []
    for seg in segments:
        seg_tokens = transcript.tokens(seg.text, language)
        if not seg_tokens:
            continue
        lengths = np.array([len(t.word) + 1 for t in seg_tokens], float)
        shares = np.concatenate([[0.0], np.cumsum(lengths)[:-1]]) / lengths.sum()
        tokens += seg_tokens
        times += list(voiced_quantiles(seg.start, seg.end, shares, activity))
    return tokens, times


def voiced_quantiles(start: float, end: float, shares: np.ndarray, activity: Activity) -> np.ndarray:
    """Times in [start, end] by which the given shares of that stretch's speech have passed."""
    a = int(np.clip(start / activity.hop, 0, len(activity.speech)))
    b = int(np.clip(np.ceil(end / activity.hop), a, len(activity.speech)))
    voiced = activity.speech[a:b].astype(float)
    if voiced.sum() == 0:
        return start + shares * (end - start)
    cumulative = np.cumsum(voiced) / voiced.sum()
    frames = np.searchsorted(cumulative, shares, side="right")
    return (a + np.minimum(frames, len(voiced) - 1)) * activity.hop


def starts_from_times(pieces: list[Piece], times: list[float]) -> list[int]:
    """Token index where each piece begins: the first token timed at or after the piece's start."""
    order = np.maximum.accumulate(np.asarray(times, float))  # monotone, whatever the recogniser said
    starts = [0] + [int(np.searchsorted(order, p.start)) for p in pieces[1:]]
    return [int(v) for v in np.maximum.accumulate(starts)]


def _relabel(track: PhoneTrack, origin: str) -> PhoneTrack:
    """The aligned recognition as the recogniser's words: ``origin`` where it named the word."""
    words = [replace(w, origin=origin) if w.origin == "transcript" else w for w in track.words]
    return PhoneTrack(words, track.duration, origin)


def _as_tokens(tokens: list[Token]) -> tuple[WordCue, ...]:
    """Normalised tokens in the picklable form the workers take."""
    return tuple((t.word, t.pause_after) for t in tokens)


SPAN_MARGIN = 10  # words a cut may be off by, each way, before neighbours must be joined


def _choose_spans(
    audio, pieces, tokens, starts, jobs, aligner, check, progress=None
) -> list[tuple[tuple[int, int], list | None]]:
    """Each piece's stretch of the transcript, [start, end): the estimate with a few optional
    words at each edge, so the audio fixes the cuts; and, for the learned aligner, the piece's
    words timed by the same pass (None for pocketsphinx, which aligns once the cuts are settled)."""
    n = len(tokens)
    bounds = [*starts, n]
    piece_jobs = []
    for i, piece in enumerate(pieces):
        s, e = bounds[i], bounds[i + 1]
        inner = min(SPAN_MARGIN, max(0, (e - s - 1) // 2))
        lo = 0 if i == 0 else max(0, s - SPAN_MARGIN)
        hi = n if i == len(pieces) - 1 else min(n, e + SPAN_MARGIN)
        head = 0 if i == 0 else (s - lo) + inner
        tail = 0 if i == len(pieces) - 1 else (hi - e) + inner
        window = _as_tokens(tokens[lo:hi])
        if head + tail >= len(window):  # too few words to leave any required: no freedom
            head, tail = 0 if i == 0 else s - lo, 0 if i == len(pieces) - 1 else hi - e
        piece_jobs.append(_job(audio, piece, window, free_head=head, free_tail=tail, first=lo, check=check,
                               aligner=aligner))  # fmt: skip
    return _run(span_job, piece_jobs, jobs, progress)


def _settle(audio, pieces, tokens, spans) -> tuple[list[tuple[int, int]], set[int]]:
    """Token ranges per piece, and the boundaries still in doubt.

    Where neighbours' spans disagree (a word claimed twice or by nobody), the learned
    aligner places the words of both pieces over their joined audio, and each word goes to
    the piece its middle falls in: one short pass, where re-aligning the pair together with
    pocketsphinx took a second or more on a minute of real speech, in one worker. A boundary
    it cannot place goes to the middle, and the repair pass re-aligns the pair together."""
    ranges = [list(span) for span in spans]
    disagree = set()
    for i, (left, right) in enumerate(zip(ranges, ranges[1:], strict=False)):
        if left[1] == right[0]:
            continue
        cut = _placed_cut(audio, pieces[i], pieces[i + 1], tokens, left[0], right[1])
        if cut is None:
            disagree.add(i)
            cut = max(left[0], min(right[1], (left[1] + right[0]) // 2))
        left[1] = right[0] = cut
    return [(a, b) for a, b in ranges], disagree


def _placed_cut(audio, left: Piece, right: Piece, tokens, first: int, end: int) -> int | None:
    """Index of the first of tokens[first:end] whose middle the learned aligner puts after
    the cut between ``left`` and ``right``; None where it finds no path."""
    if end - first < 1:
        return None
    joined = Piece(left.start, right.end, left.regions + right.regions)
    times = aligners.word_times(_slice(audio, joined), [t.word for t in tokens[first:end]])
    if times is None:
        return None
    cut = left.end - joined.start
    return first + sum((a + b) / 2 < cut for a, b in times)


EDGE_WORDS = 2  # words at each end of a piece that betray a misplaced cut
REPAIR_ROUNDS = 2  # one join fixes a misplaced cut, two a drift over neighbours


def _repair(
    audio: Audio,
    pieces: list[Piece],
    piece_tokens: list[tuple],
    results: list[list[Word]],
    jobs: int | None,
    disagree: set[int] | None = None,
    check: bool = True,
    aligner: str = aligners.SPHINX,
    placed: tuple[list[Token], list[tuple[int, int]]] | None = None,
) -> list[list[Word]]:
    """Re-align neighbouring pieces together where a cut took words from the wrong side.

    A word given to the wrong piece cannot be aligned there: it comes back
    estimated or replaced by what is heard, at the piece's edge. Joining the two
    pieces gives back the right words to align, whatever side they were put on.
    But the edge may only hold words that are not in the audio: where ``placed`` (the
    transcript and the pieces' token ranges) is given and the learned aligner, placing both
    pieces' words over their joined audio, puts the cut where it is, nothing was misplaced
    and the pair is left as it is.
    At most :data:`REPAIR_ROUNDS` rounds: audio that cannot be aligned at all
    would otherwise join everything into one slow piece for nothing.
    """
    groups = [[i] for i in range(len(pieces))]
    for round_ in range(REPAIR_ROUNDS):
        if len(groups) < 2:
            break
        suspicious = [_suspicious_edges(ws) for ws in results]
        join = {g for g in range(len(groups) - 1) if suspicious[g][1] or suspicious[g + 1][0]}
        if round_ == 0 and placed is not None:
            join = {g for g in join if not _cut_confirmed(audio, pieces, g, *placed)}
        if round_ == 0 and disagree:
            join |= disagree
        if not join:
            break
        new_groups, new_results, redo = [], [], []
        g = 0
        while g < len(groups):
            members, words, changed = list(groups[g]), results[g], False
            while g in join:
                g += 1
                members += groups[g]
                changed = True
            new_groups.append(members)
            new_results.append(None if changed else words)
            if changed:
                redo.append(len(new_groups) - 1)
            g += 1
        jobs_to_run = []
        for k in redo:
            members = new_groups[k]
            piece = Piece(
                pieces[members[0]].start,
                pieces[members[-1]].end,
                tuple(r for m in members for r in pieces[m].regions),
            )
            tokens = tuple(t for m in members for t in piece_tokens[m])
            jobs_to_run.append(_job(audio, piece, tokens, check=check, aligner=aligner))
        for k, words in zip(redo, _run(align_job, jobs_to_run, jobs, None), strict=True):
            new_results[k] = words
        groups, results = new_groups, new_results
    return results


def _cut_confirmed(audio, pieces, i: int, tokens: list[Token], ranges: list[tuple[int, int]]) -> bool:
    """Whether the learned aligner puts the cut after piece ``i`` where it is."""
    cut = _placed_cut(audio, pieces[i], pieces[i + 1], tokens, ranges[i][0], ranges[i + 1][1])
    return cut == ranges[i][1]


def _suspicious_edges(words: list[Word]) -> tuple[bool, bool]:
    def bad(ws: list[Word]) -> bool:
        return any(w.origin != "transcript" for w in ws)

    return bad(words[:EDGE_WORDS]), bad(words[-EDGE_WORDS:])


def _frames(frames: np.ndarray | None, piece: Piece) -> np.ndarray | None:
    """The piece's stretch of a whole file's 10 ms frames."""
    return None if frames is None else frames[int(round(piece.start * 100)) : int(round(piece.end * 100))]


def _job(audio: Audio, piece: Piece, tokens: tuple[WordCue, ...], **settings) -> PieceJob:
    """A piece's work on ``tokens``, in the language being spoken (see :func:`lookup.speaking`)."""
    return PieceJob(piece, _slice(audio, piece), tokens, language=lookup.current(), **settings)


def _slice(audio: Audio, piece: Piece) -> bytes:
    a = int(round(piece.start * SAMPLE_RATE))
    b = int(round(piece.end * SAMPLE_RATE))
    return Audio(audio.samples[a:b]).pcm16()


def _run(
    work: Callable[[PieceJob], list[Word]],
    piece_jobs: list[PieceJob],
    jobs: int | None,
    progress: Progress | None,
) -> list[list[Word]]:
    """``work`` over the pieces, longest first: the workers take the next piece as they finish,
    so the short ones fill in at the end and neither core waits long for the other."""
    order = sorted(range(len(piece_jobs)), key=lambda i: -len(piece_jobs[i].pcm))
    # forked workers share the loaded dictionary; a piece's work aligns or hears, never runs Whisper
    done = parallel_map(work, [piece_jobs[i] for i in order], jobs, progress, whisper_free=True)
    results: list = [None] * len(piece_jobs)
    for i, result in zip(order, done, strict=True):
        results[i] = result
    return results
