#!/usr/bin/env python3
"""Synthesise a multilingual lip-sync corpus whose true phone timings are known, in IPA.

espeak-ng speaks everyday sentences in twelve languages, in three voice variants each, and
reports every phone it says as it says it, in IPA, so the timings are exact
(:mod:`audioface.training.espeak_ipa`: the engine the multilingual training data is made with
too, and the clean-ups that make each label one segment :mod:`audioface.ipa` reads). As
``tools/make_corpus.py`` does for English, each sentence is synthesised on its own and checked
(``training.synth.verify``: its timeline ends within 50 ms of the audio; pauses are quiet), and
two sentences make an item, joined by silences of known length.

Each item is ``NAME.wav`` (16 kHz mono), ``NAME.txt`` (what is said), ``NAME.phones.json``
(the phones, labelled in IPA, pauses ``sil``) and ``NAME.lang`` (the language code that
``audioface evaluate`` and ``--language`` take).
The ``+f3`` variant breathes at random, so its audio differs from run to run; its timings do not.

    python3 tools/make_multilingual_corpus.py corpus/dev-multilingual
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.training.espeak_ipa import RATE, make_item, write_item

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


def build(folder: Path) -> list[tuple[str, str, str, float]]:
    """Every item (language x variant), written to ``folder``; (name, language, voice, seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for code, (voice, sentences) in LANGUAGES.items():
        for k, variant in enumerate(VARIANTS):
            pair = sentences[2 * k : 2 * k + 2]
            name = f"{code}_{voice}{variant.replace('+', '_')}_{k + 1}"
            try:
                audio, phones = make_item(voice + variant, pair)
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
