#!/usr/bin/env python3
"""Synthesise a multilingual lip-sync corpus whose true phone timings are known, in IPA.

espeak-ng speaks everyday sentences in twelve languages, in three voice variants each, and
reports every phone it says as it says it: initialised with ``espeakINITIALIZE_PHONEME_IPA``
(0x0002), its phoneme events name each phone in IPA (``ˈa``, ``œ̃``, ``t͡s``) at the sample it
starts, so the timings are exact. It is the library of the ``espeakng-loader`` wheel (a
dependency of AudioFace: the pronunciations of most languages come from it), so nothing else
needs installing. As ``tools/make_corpus.py`` does for English, each sentence is synthesised on
its own and checked (``training.synth.verify``: its timeline ends within 50 ms of the audio;
pauses are quiet), and two sentences make an item, joined by silences of known length.

Each item is ``NAME.wav`` (16 kHz mono), ``NAME.txt`` (what is said), ``NAME.phones.json``
(the phones, labelled in IPA, pauses ``sil``) and ``NAME.lang`` (the language code that
``audioface evaluate`` and ``--language`` take). The labels are espeak-ng's, with three
clean-ups, so that every label is one segment :mod:`audioface.ipa` reads: espeak-ng's own
letters become IPA (Mandarin's ``s.`` ``ʂ``, ``ts.`` ``ʈʂ``, ``i.`` ``ʅ``, aspiration written
``h`` ``ʰ``: ``th`` -> ``tʰ``; syllable hyphens, Russian's stress quote and the compressed-lips
mark ``ᵝ`` on Japanese ``ɯ`` dropped, the vowel being the unrounded ɯ either way), a bare mark
joins the phone before it (Russian ``ʲ``), and a phone written as two segments gets its tie bar
(``ei`` -> ``e͡i``, ``ts`` -> ``t͡s``, ``ja`` -> ``j͡a``).
The ``+f3`` variant breathes at random, so its audio differs from run to run; its timings do not.

    python3 tools/make_multilingual_corpus.py corpus/dev-multilingual
"""

from __future__ import annotations

import argparse
import ctypes
import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from audioface.formats.phonesets import label_segment
from audioface.ipa import TIES, segments
from audioface.training.synth import RATE, _EspeakEvent, join_silences, verify

# language code (what --language takes) -> (espeak-ng voice, six sentences: two per item)
LANGUAGES: dict[str, tuple[str, list[str]]] = {
    "fr": ("fr", ["Le bébé boit du lait avec sa maman.", "Nous partons faire du vélo au bord de la mer.",
                  "Ma voisine a perdu son parapluie.", "Il fait beau, ouvrons la fenêtre.",
                  "Pierre veut un bol de soupe chaude.", "Vous avez vu le beau bateau bleu ?"]),
    "es": ("es", ["Mi madre compra pan por la mañana.", "Vamos a la playa el viernes.",
                  "El perro bebe agua fresca.", "Buenos días, ¿puedo pasar?",
                  "Pablo vive en una casa muy bonita.", "Por favor, abre la ventana."]),
    "de": ("de", ["Mein Vater fährt mit dem Bus zur Arbeit.", "Wir möchten heute Abend Fisch essen.",
                  "Bitte mach das Fenster auf.", "Die Blumen im Garten blühen schön.",
                  "Paul wohnt in einem großen Haus.", "Am Montag fahren wir nach Berlin."]),
    "it": ("it", ["Mia mamma prepara la pasta ogni sera.", "Vorrei un caffè, per favore.",
                  "Il bambino gioca nel parco.", "Domani andiamo al mare con papà.",
                  "Questa borsa è molto bella.", "Fa freddo, porta il cappotto."]),
    "pt": ("pt", ["O meu pai bebe café de manhã.", "Vamos ao mercado comprar fruta.",
                  "A menina abre a porta da cozinha.", "Fomos à praia no domingo.",
                  "Podes passar-me o pão, por favor?", "O barco azul voltou ao porto."]),
    "ru": ("ru", ["Моя мама любит пить чай.", "Мы пойдём в парк после обеда.",
                  "Папа купил новую машину.", "Открой, пожалуйста, окно.",
                  "Вода в море была тёплая.", "Завтра будет хорошая погода."]),
    "pl": ("pl", ["Mama kupiła bułki na śniadanie.", "Pójdziemy wieczorem do parku.",
                  "Proszę o filiżankę kawy.", "Mój brat mieszka w Warszawie.",
                  "Pogoda była piękna w sobotę.", "Otwórz okno, bo jest gorąco."]),
    "nl": ("nl", ["Mijn moeder fietst elke dag naar haar werk.", "We gaan vanavond pizza eten.",
                  "De boot vaart over het water.", "Wil je een kopje koffie?",
                  "Papa bouwt een mooi huis.", "Morgen gaan we naar het bos."]),
    "sv": ("sv", ["Min mamma bakar bröd varje morgon.", "Vi åker till stranden på fredag.",
                  "Kan du öppna fönstret, tack?", "Bussen kommer om fem minuter.",
                  "Pojken har en ny boll.", "Vill du ha mer kaffe?"]),
    "tr": ("tr", ["Babam her sabah parkta yürür.", "Bu akşam balık yemek istiyorum.",
                  "Lütfen pencereyi aç.", "Annem güzel bir pasta yaptı.",
                  "Otobüs beş dakika sonra gelecek.", "Kahve mi yoksa çay mı istersin?"]),
    "zh": ("cmn", ["我妈妈每天早上买面包。", "我们明天去北京。", "请把门打开。",
                   "爸爸喜欢喝咖啡。", "外面风很大。", "你吃饭了吗？"]),
    "ja": ("ja", ["まいあさ パンを たべます。", "あした うみに いきましょう。", "みずを ください。",
                  "ぶたが ぼうしを かぶっている。", "おかあさんが ほんを よんでいます。",
                  "ばすで がっこうに いきます。"]),
}  # fmt: skip
VARIANTS = ("", "+f3", "+m3")  # espeak-ng's default voice, a female and a male variant
PAUSES = (0.4, 0.1)  # after the first sentence (a rest the metrics score: >= 0.3 s) and the second

_PHONEME_EVENT, _END_EVENTS = 7, (5, 6)
_SYNCHRONOUS, _PHONEME_EVENTS, _PHONEME_IPA, _DONT_EXIT = 2, 0x0001, 0x0002, 0x8000


class Espeak:
    """libespeak-ng from the espeakng-loader wheel, its phoneme events named in IPA."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        options = _PHONEME_EVENTS | _PHONEME_IPA | _DONT_EXIT
        self.rate = self.lib.espeak_Initialize(
            _SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), options
        )
        if self.rate <= 0:
            raise RuntimeError("espeak-ng did not start")
        self.chunks: list[np.ndarray] = []
        self.marks: list[tuple[str, int]] = []
        self._callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                          ctypes.POINTER(_EspeakEvent))(self._on_audio)  # fmt: skip
        self.lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav, n, events) -> int:
        if n > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).astype(np.float32) / 32768.0)
        i = 0
        while events[i].type != 0:
            event = events[i]
            if event.type == _PHONEME_EVENT:  # the name is up to 8 bytes of UTF-8, NUL-padded
                name = bytes(event.id.string).split(b"\0")[0].decode("utf-8", errors="strict")
                self.marks.append((name, event.sample))
            elif event.type in _END_EVENTS:
                self.marks.append(("_end", event.sample))
            i += 1
        return 0

    def say(self, voice: str, text: str) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
        """16 kHz audio and its timeline: (IPA label or "sil", start, end) in seconds."""
        self.chunks, self.marks = [], []
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"espeak-ng has no voice {voice}")
        data = text.encode()
        self.lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0, None, None)
        self.lib.espeak_Synchronize()
        audio = np.concatenate(self.chunks)
        return soxr.resample(audio, self.rate, RATE).astype(np.float32), timeline(
            self.marks, len(audio), self.rate
        )


def timeline(marks: list[tuple[str, int]], total: int, rate: int) -> list[tuple[str, float, float]]:
    """Phoneme events -> phones from each event to the next; an event without a name, or the end
    of a clause (a comma), starts a pause; a bare mark (Russian ``ʲ``) belongs to the phone before."""
    phones: list[tuple[str, float, float]] = []
    if not marks or marks[0][1] > 0:
        phones.append(("sil", 0.0, (marks[0][1] if marks else total) / rate))
    for (name, s), (_, nxt) in zip(marks, [*marks[1:], ("_end", total)], strict=True):
        if nxt <= s:
            continue
        name = "" if name == "_end" else respell(name)  # after a clause's end: its pause
        if name and not segments(name) and phones and phones[-1][0] != "sil":
            phones[-1] = (clean_label(phones[-1][0] + name), phones[-1][1], nxt / rate)
        else:
            phones.append((clean_label(name), s / rate, nxt / rate))
    if phones and phones[-1][2] < total / rate:
        phones.append(("sil", phones[-1][2], total / rate))
    return phones


# espeak-ng's spellings that are not IPA: its Mandarin retroflexes ("s." ʂ, "ts." ʈʂ, "i." the
# apical ʅ), Russian's stress quote, syllable hyphens, Japanese ɯ's compressed-lips mark
_RESPELL = (("ᵝ", ""), ("-", ""), ('"', ""), ("ts.", "ʈʂ"), ("s.", "ʂ"), ("z.", "ʐ"), ("i.", "ʅ"))


def respell(name: str) -> str:
    for old, new in _RESPELL:
        name = name.replace(old, new)
    return name


def clean_label(name: str) -> str:
    """A respelt IPA name -> one IPA segment (see the module's docstring); "" -> "sil"."""
    if not name:
        return "sil"
    if len(name) > 1 and name.endswith("h") and any(seg.manner == "stop" for seg in segments(name[:-1])):
        name = name[:-1] + "ʰ"  # Mandarin's aspiration
    segs = segments(name)  # strict: an IPA symbol the inventory lacks stops the tool
    if len(segs) > 1:  # one phone written as two segments: tie them, keep the stress mark
        stress = {1: "ˈ", 2: "ˌ"}.get(label_segment(name).stress or 0, "")
        name = stress + TIES[0].join(seg.symbol for seg in segs)
    return name


def make_item(espeak: Espeak, voice: str, sentences: list[str]) -> tuple[np.ndarray, list[list]]:
    """Two sentences, each verified, joined by pauses of known length; touching pauses merged."""
    chunks, phones, t = [], [], 0.0
    for text, pause in zip(sentences, PAUSES, strict=True):
        audio, spoken = espeak.say(voice, text)
        problem = verify(audio, spoken)
        if problem:
            raise RuntimeError(f"{text!r}: {problem}")
        end = int(round(spoken[-1][2] * RATE))
        audio = np.pad(audio[:end], (0, max(0, end - len(audio))))
        phones += [(label, t + a, t + b) for label, a, b in spoken]
        t += len(audio) / RATE
        silence = np.zeros(int(round(pause * RATE)), np.float32)
        phones.append(("sil", t, t + len(silence) / RATE))
        t += len(silence) / RATE
        chunks += [audio, silence]
    return np.concatenate(chunks), join_silences(phones)


def write_item(folder: Path, name: str, audio: np.ndarray, phones: list[list], text: str, code: str) -> None:
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    sf.write(folder / f"{name}.wav", audio, RATE, subtype="PCM_16")
    (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    (folder / f"{name}.lang").write_text(code + "\n")
    doc = [{"phone": p, "start": round(a, 4), "end": round(b, 4)} for p, a, b in phones]
    (folder / f"{name}.phones.json").write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", "utf-8")


def build(folder: Path) -> list[tuple[str, str, str, float]]:
    """Every item (language x variant), written to ``folder``; (name, language, voice, seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    espeak, made = Espeak(), []
    for code, (voice, sentences) in LANGUAGES.items():
        for k, variant in enumerate(VARIANTS):
            pair = sentences[2 * k : 2 * k + 2]
            name = f"{code}_{voice}{variant.replace('+', '_')}_{k + 1}"
            try:
                audio, phones = make_item(espeak, voice + variant, pair)
            except RuntimeError as exc:
                print(f"drop {name}: {exc}", file=sys.stderr)
                continue
            write_item(folder, name, audio, phones, " ".join(pair), code)
            made.append((name, code, voice + variant, len(audio) / RATE))
    return made


def write_readme(folder: Path, made: list[tuple[str, str, str, float]]) -> None:
    lines = ["# Multilingual development corpus", "",
             "Made by `tools/make_multilingual_corpus.py`; do not edit by hand.", "",
             "espeak-ng voices (the `espeakng-loader` wheel), phones labelled in IPA from espeak-ng's own",
             "phoneme events; `NAME.lang` is each item's language. Score with",
             "`audioface evaluate corpus/dev-multilingual --mode transcript --by language`.", "",
             "| item | language | voice | seconds | text |", "|---|---|---|---|---|"]  # fmt: skip
    for name, code, voice, seconds in made:
        text = (folder / f"{name}.txt").read_text(encoding="utf-8").strip()
        lines.append(f"| {name} | {code} | {voice} | {seconds:.2f} | {text} |")
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    made = build(args.folder)
    if not made:
        raise SystemExit("no item could be made")
    write_readme(args.folder, made)
    print(f"{len(made)} items, {sum(m[3] for m in made):.1f} s in {args.folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
