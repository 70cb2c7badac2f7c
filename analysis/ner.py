"""Name tagging: a CRF (NLTK's ``CRFTagger`` on python-crfsuite) trained on CoNLL-2003.

``tag_entities(token_lists)`` returns IOB2 tags in the CoNLL-2003 scheme (B-PER, I-PER, B-ORG,
I-ORG, B-LOC, I-LOC, B-MISC, I-MISC, O). The model ships inside the package
(``resources/models/ner_conll2003.crfsuite``); ``python -m analysis.train ner`` rebuilds it and
``python -m analysis.evaluate ner FILE`` scores it on any CoNLL-format file.

Features per token: the word and its lower case, its shape (``Xxxx``, ``dd.dd``) and short shape,
prefixes and suffixes of one to four letters, case and character classes, the same for two tokens
on each side, word bigrams around it, whether the sentence is written in capitals (wire
headlines), and gazetteer membership (words of the countries, demonyms, people, organisations and
places of ``resources/gazetteer.csv``, frozen beside the model when it is trained).

>>> tag_entities([["Kyiv", "and", "Moscow", "hold", "talks", "in", "Belarus", "."]])   # doctest: +SKIP
[['B-LOC', 'O', 'B-LOC', 'O', 'O', 'O', 'B-LOC', 'O']]
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Sequence

from analysis import config, resources

MODEL_FILE = "models/ner_conll2003.crfsuite"
#: Where the model is copied for NLTK, inside the project's NLTK data directory.
NLTK_MODEL = Path("taggers") / "news_analysis_ner.crfsuite"
TYPES = ("PER", "ORG", "LOC", "MISC")

_SHAPE_TABLE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10,
)
_REPEATS = re.compile(r"(.)\1+")


GAZETTEER_WORDS_FILE = "models/ner_gazetteer_words.tsv"


def build_gazetteer_words(path: Path) -> dict[str, str]:
    """Lower-cased single words of an actor gazetteer CSV, mapped to a coarse class: ``per``,
    ``org``, ``loc`` (states and places) or ``demonym``."""
    import csv

    classes = {"person": "per", "state": "loc", "place": "loc", "organization": "org", "armed_group": "org"}
    words: dict[str, str] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = classes.get(row.get("actor_type", ""), "")
            names = [row.get("actor", "")] + (row.get("aliases") or "").split(";")
            for name in names:
                for word in name.split():
                    if len(word) > 2 and word[:1].isupper() and kind:
                        words.setdefault(word.lower(), kind)
            for demonym in (row.get("demonyms") or "").split(";"):
                if demonym.strip():
                    words[demonym.strip().lower()] = "demonym"
    return dict(sorted(words.items()))


def read_gazetteer_words(path: Path) -> dict[str, str]:
    """Read a frozen gazetteer-words file (``word<TAB>class`` lines); empty when absent."""
    if not Path(path).is_file():
        return {}
    pairs = (line.split("\t") for line in Path(path).read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {word: kind for word, kind in pairs}


def write_gazetteer_words(words: dict[str, str], path: Path) -> None:
    Path(path).write_text("".join(f"{w}\t{k}\n" for w, k in sorted(words.items())), encoding="utf-8")


class Features:
    """CRF features, as a ``feature_func(tokens, i)`` for NLTK's CRFTagger.

    CRFTagger asks for one token at a time; window features need the whole sentence, so the
    features of the last sentence seen are computed once and served token by token. Word-level
    features are memoised: words repeat, and this keeps tagging fast.

    Args:
        gazetteer: lower-cased gazetteer words and their class (per, org, loc, demonym), frozen
            beside the model so that the features at tagging time are those it was trained with.
    """

    def __init__(self, gazetteer: dict[str, str] | None = None):
        self.gazetteer = dict(gazetteer or {})
        self._words: dict[str, tuple[str, ...]] = {}
        self._context: dict[str, tuple[str, ...]] = {}
        self._tokens = None
        self._features: list[list[str]] = []

    def word(self, word: str) -> tuple[str, ...]:
        """Features of a word on its own."""
        cached = self._words.get(word)
        if cached is not None:
            return cached
        lower = word.lower()
        shape = word.translate(_SHAPE_TABLE)
        feats = [
            "w=" + word, "l=" + lower, "sh=" + shape if len(shape) <= 12 else "sh=long",
            "ss=" + _REPEATS.sub(r"\1", shape),
            "p1=" + lower[:1], "p2=" + lower[:2], "p3=" + lower[:3], "p4=" + lower[:4],
            "s1=" + lower[-1:], "s2=" + lower[-2:], "s3=" + lower[-3:], "s4=" + lower[-4:],
        ]
        if word[:1].isupper():
            feats.append("title")
        if word.isupper():
            feats.append("upper")
        if any(ch.isdigit() for ch in word):
            feats.append("digit")
        if "-" in word:
            feats.append("hyphen")
        if "." in word:
            feats.append("period")
        if not any(ch.isalnum() for ch in word):
            feats.append("punct")
        kind = self.gazetteer.get(lower)
        if kind:
            feats.append("gaz=" + kind)
        result = self._words[word] = tuple(feats)
        return result

    def context(self, word: str) -> tuple[str, ...]:
        """The smaller set of features a word lends to its neighbours."""
        cached = self._context.get(word)
        if cached is not None:
            return cached
        lower = word.lower()
        feats = ["l=" + lower, "ss=" + _REPEATS.sub(r"\1", word.translate(_SHAPE_TABLE)), "s3=" + lower[-3:]]
        if word[:1].isupper():
            feats.append("title")
        kind = self.gazetteer.get(lower)
        if kind:
            feats.append("gaz=" + kind)
        result = self._context[word] = tuple(feats)
        return result

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        """Features for every token of one sentence."""
        n = len(tokens)
        letters = [t for t in tokens if any(ch.isalpha() for ch in t)]
        caps = len(letters) >= 3 and all(t.isupper() for t in letters)
        lowers = [t.lower() for t in tokens]
        out = []
        for i, token in enumerate(tokens):
            feats = list(self.word(token))
            if caps:
                feats.append("caps_sentence")
            if i == 0:
                feats.append("BOS")
            if i == n - 1:
                feats.append("EOS")
            for offset in (-2, -1, 1, 2):
                j = i + offset
                if 0 <= j < n:
                    prefix = f"{offset:+d}:"
                    feats.extend(prefix + f for f in self.context(tokens[j]))
            if i > 0:
                feats.append("bi-=" + lowers[i - 1] + "|" + lowers[i])
            if i < n - 1:
                feats.append("bi+=" + lowers[i] + "|" + lowers[i + 1])
            out.append(feats)
        return out

    def __call__(self, tokens, index):
        if tokens is not self._tokens:
            self._tokens = tokens
            self._features = self.sentence(tokens)
        return self._features[index]


def new_tagger(gazetteer: dict[str, str] | None = None, training_options: dict | None = None):
    """An NLTK ``CRFTagger`` with this module's features."""
    from nltk.tag import CRFTagger

    return CRFTagger(feature_func=Features(gazetteer), training_opt=training_options or {})


def _private_copy(source: Path) -> str:
    """Copy the shipped model into the project's NLTK data directory, readable by its owner only.

    NLTK 3.10 opens CRF models only inside ``nltk.data.path`` and refuses files that other users
    could write (a checkout made with umask 002 is group-writable), so the tagger reads this copy.
    """
    payload = source.read_bytes()
    target = resources.nltk_data_dir() / NLTK_MODEL
    if not (target.is_file() and hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(payload).digest()):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return str(target)


@functools.lru_cache(maxsize=1)
def tagger():
    """The trained name tagger (loaded once).

    Raises:
        ResourceMissingError: the model is not installed; the message names the fix.
    """
    source = config.RESOURCES_DIR / MODEL_FILE
    if not source.is_file():
        raise resources.ResourceMissingError(
            f"The name-tagger model {source} is missing. Fix: reinstall news-analysis, or rebuild it with "
            "`python -m analysis.train ner` (needs ../shared/eval/conll2003 and python-crfsuite)."
        )
    crf = new_tagger(read_gazetteer_words(config.RESOURCES_DIR / GAZETTEER_WORDS_FILE))
    crf.set_model_file(_private_copy(source))
    return crf


def tag_entities(token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
    """Tag each token list with CoNLL-2003 IOB2 name tags.

    Args:
        token_lists: sentences as lists of tokens (NLTK/Treebank tokenisation, as ``tokens()``
            gives).

    Returns:
        One list of tags per sentence, as long as its tokens: ``B-PER``, ``I-PER``, ``B-ORG``,
        ``I-ORG``, ``B-LOC``, ``I-LOC``, ``B-MISC``, ``I-MISC`` or ``O``.
    """
    lists = [list(tokens) for tokens in token_lists]
    if not lists:
        return []
    crf = tagger()
    tagged = crf.tag_sents([tokens if tokens else ["."] for tokens in lists])
    return [[tag for _, tag in sentence] if tokens else [] for tokens, sentence in zip(lists, tagged)]


def spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Turn IOB2 tags into ``(type, first, last + 1)`` token spans (a stray I- starts a span)."""
    found, current = [], None
    for i, tag in enumerate(list(tags) + ["O"]):
        kind = tag[2:] if tag != "O" else None
        if current and (tag == "O" or tag.startswith("B-") or kind != current[0]):
            found.append((current[0], current[1], i))
            current = None
        if kind and current is None:
            current = (kind, i)
    return found
