"""Timed words and phones: what the language stage hands to the motion stage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from audioface.phones import split_stress


@dataclass(frozen=True)
class Phone:
    """One phone, times in seconds: ``phone`` is the ARPAbet class the phone models and the
    mouth read (no stress digit) or ``sil``; ``ipa`` is the segment as the language says it (a
    French ``y`` is ``UW`` to the models, ``y`` here), empty where nothing names it."""

    phone: str
    start: float
    end: float
    stress: int | None = None
    ipa: str = ""

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Word:
    """A word with its phones.

    ``origin`` says where it came from: "transcript" (given and aligned),
    "recognized" (heard in the audio and aligned, also where it replaced
    transcript words that did not match the audio) or "estimated" (times spread
    over the speech because nothing could be aligned).
    """

    word: str
    start: float
    end: float
    phones: tuple[Phone, ...] = ()
    origin: str = "transcript"
    pause_after: bool = False  # punctuation after the word: a likely pause

    @property
    def aligned(self) -> bool:
        return self.origin != "estimated"


@dataclass
class PhoneTrack:
    """The timed transcript of one recording; ``source`` says how it was made."""

    words: list[Word] = field(default_factory=list)
    duration: float = 0.0
    source: str = "none"  # "transcript", "recognized", "phonetic" or "none"

    def phones(self) -> list[Phone]:
        """All phones in time order with explicit ``sil`` filling every gap."""
        out: list[Phone] = []
        t = 0.0
        for ph in (p for w in self.words for p in w.phones):
            if ph.start > t + 1e-4:
                out.append(Phone("sil", t, ph.start))
            out.append(ph)
            t = max(t, ph.end)
        if self.duration > t + 1e-4:
            out.append(Phone("sil", t, self.duration))
        return out

    def to_dict(self) -> dict:
        return {
            "duration": self.duration,
            "source": self.source,
            "words": [
                {
                    "word": w.word,
                    "start": round(w.start, 4),
                    "end": round(w.end, 4),
                    "aligned": w.aligned,
                    "origin": w.origin,
                    "phones": [
                        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(p).items()}
                        for p in w.phones
                    ],
                }
                for w in self.words
            ],
        }


@dataclass(frozen=True)
class RefPhone:
    """A reference phone read from a label file, to score against: the evaluator's ground truth.

    ``ipa`` is the label as an IPA reference wrote it (empty for an English ARPAbet one): the
    metrics classify such a phone by its articulation, in any language, and ``phone`` is then
    the nearest English phone, kept for the openness curve and the alignment figures."""

    phone: str  # ARPAbet without stress, or "sil"
    start: float
    end: float
    stress: int | None = None
    ipa: str = ""

    @classmethod
    def from_label(cls, label: str, start: float, end: float) -> RefPhone:
        name, stress = split_stress(label)
        return cls(name, start, end, stress)
