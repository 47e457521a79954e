"""Build ``nl_en_thesaurus.tsv.gz`` from the FreeDict Dutch–English and English–Dutch dictionaries.

FreeDict (https://freedict.org/, GPL-2.0-or-later; see ``FREEDICT-LICENSE.txt``) ships them in dictd format;
Debian packages them as ``dict-freedict-nld-eng`` and ``dict-freedict-eng-nld``. To rebuild:

    apt-get download dict-freedict-nld-eng dict-freedict-eng-nld
    for f in dict-freedict-*.deb; do dpkg-deb -x "$f" freedict; done
    PYTHONPATH=. python matching/data/build_thesaurus.py freedict/usr/share/dictd matching/data/nl_en_thesaurus.tsv.gz

Each line of the output is a Dutch word, its stem, and the stems of its English translations of one word each
(separated by commas, first sense first), tab-separated; stems as ``lib.text.stem`` makes them, so that Brug
loads the file without stemming 60,000 words (rebuild it when the stemmers change). Multi-word translations are
left out (the signal compares words), and so are senses beyond the first few, which are the most common.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
WORD = re.compile(r"^[a-zà-ÿ]{3,20}$")
MAX_TRANSLATIONS = 4


def _number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + B64.index(char)
    return value


def entries(folder: Path, name: str) -> dict[str, list[str]]:
    """headword -> translations (single lowercase words, in the dictionary's order)."""
    with gzip.open(folder / f"freedict-{name}.dict.dz") as handle:
        data = handle.read()
    found: dict[str, list[str]] = {}
    for line in (folder / f"freedict-{name}.index").read_text(encoding="utf-8").splitlines():
        headword, offset, size = line.split("\t")
        if headword.startswith("00-database") or not WORD.match(headword.lower()):
            continue
        body = data[_number(offset) : _number(offset) + _number(size)].decode("utf-8").splitlines()[1:]
        translations = found.setdefault(headword.lower(), [])
        for sense in body:
            sense = re.sub(r"^\s*\d+\.\s*", "", sense)
            for word in sense.split(","):
                word = word.strip().lower()
                if WORD.match(word) and word not in translations:
                    translations.append(word)
    return {k: v for k, v in found.items() if v}


def main(folder: str, out: str) -> None:
    source = Path(folder)
    dutch_english = entries(source, "nld-eng")
    for english, dutch_words in entries(source, "eng-nld").items():
        for dutch in dutch_words:
            translations = dutch_english.setdefault(dutch, [])
            if english not in translations:
                translations.append(english)
    from lib.text import DUTCH, ENGLISH, STOP_WORDS, stem

    lines = []
    for dutch, words in sorted(dutch_english.items()):
        chosen = [w for w in words if w not in STOP_WORDS[ENGLISH]][:MAX_TRANSLATIONS]
        stems = list(dict.fromkeys(stem(w, ENGLISH) for w in chosen))
        if stems and dutch not in STOP_WORDS[DUTCH]:
            lines.append(f"{dutch}\t{stem(dutch, DUTCH)}\t{','.join(stems)}")
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"{len(lines)} Dutch words", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
