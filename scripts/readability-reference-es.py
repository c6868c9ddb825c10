#!/usr/bin/env python3
"""Computes textstat's Spanish scores for tests/fixtures/readability_es/*.txt
and writes tests/fixtures/readability_es/reference.tsv (one row a text) and
syllables.tsv (one row a word), which the Rust tests compare Rounds' Spanish
reading level against.

For Spanish textstat has no pronouncing dictionary: a word's syllables are
pyphen's hyphenation points (hyph_es.dic, 2 letters kept on each side) plus
one. Words and sentences are counted as for English.

    python3 -m venv /tmp/tses && /tmp/tses/bin/pip install textstat==0.7.13 pyphen==0.18.1
    /tmp/tses/bin/python scripts/readability-reference-es.py
"""

from importlib.metadata import version
from pathlib import Path

import textstat

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "readability_es"


def main():
    textstat.set_lang("es")
    texts = {path.stem: path.read_text("utf-8") for path in sorted(FIXTURES.glob("*.txt"))}
    head = f"# textstat {version('textstat')}, pyphen {version('pyphen')}, set_lang(\"es\"); scripts/readability-reference-es.py\n"
    rows = ["name\tfernandez_huerta\tszigriszt_pazos\twords\tsentences\tsyllables"]
    for name, text in texts.items():
        rows.append("\t".join([
            name,
            repr(textstat.fernandez_huerta(text)),
            repr(textstat.szigriszt_pazos(text)),
            str(textstat.lexicon_count(text)),
            str(textstat.sentence_count(text)),
            str(textstat.syllable_count(text)),
        ]))
        print(rows[-1])
    (FIXTURES / "reference.tsv").write_text(head + "\n".join(rows) + "\n", "utf-8")
    words = set()
    for text in texts.values():
        words.update(textstat.remove_punctuation(text).lower().split())
    words.update(["hipertensión", "cefalea", "electrocardiograma", "ecocardiograma", "agua", "día", "país", "ciudad", "guion", "zapatillas", "güemes", "ñandú"])
    lines = [f"{w}\t{textstat.syllable_count(w)}" for w in sorted(words)]
    (FIXTURES / "syllables.tsv").write_text(head + "word\tsyllables\n" + "\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
