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
import threading
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

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


@functools.lru_cache(maxsize=1 << 14)
def _squeezed(shape: str) -> str:
    """A word shape with runs of one character made one ("Xxxxx" -> "Xx"); memoised, as shapes repeat."""
    return _REPEATS.sub(r"\1", shape)


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


#: The bigram separator and the prefixes of the bigrams before and after a token, as str and as bytes.
_STR = ("|", "bi-=", "bi+=")
_BYTES = (b"|", b"bi-=", b"bi+=")
def _lower_bytes(token: str) -> bytes:
    return token.lower().encode()


#: The prefixes of the features a word lends the tokens 2 and 1 after it, and 1 and 2 before it.
_NEIGHBOUR_PREFIXES = ("-2:", "-1:", "+1:", "+2:")


class Features:
    """CRF features, as a ``feature_func(tokens, i)`` for NLTK's CRFTagger.

    CRFTagger asks for one token at a time; window features need the whole sentence, so the
    features of the last sentence seen are computed once and served token by token. Word-level
    features are memoised: words repeat, and this keeps tagging fast. So are the features a word
    lends its neighbours, already prefixed with their offset.

    Args:
        gazetteer: lower-cased gazetteer words and their class (per, org, loc, demonym), frozen
            beside the model so that the features at tagging time are those it was trained with.
    """

    def __init__(self, gazetteer: dict[str, str] | None = None):
        self.gazetteer = dict(gazetteer or {})
        self._words: dict[str, tuple[str, ...]] = {}
        self._context: dict[str, tuple[str, ...]] = {}
        self._parts: dict[str, tuple] = {}
        self._known_parts: dict[str, tuple] = {}
        self._known_for: frozenset[str] | None = None
        self._known_bytes: frozenset[bytes] = frozenset()
        self._known_flags: tuple = (None, None, None)
        self._tokens = None
        self._features: list[list[str]] = []
        self._ids_for = None

    def word(self, word: str) -> tuple[str, ...]:
        """Features of a word on its own."""
        cached = self._words.get(word)
        if cached is None:
            cached = self._words[word] = self._word_features(word)
        return cached

    def _word_features(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        shape = word.translate(_SHAPE_TABLE)
        feats = [
            "w=" + word, "l=" + lower, "sh=" + shape if len(shape) <= 12 else "sh=long",
            "ss=" + _squeezed(shape),
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
        return tuple(feats)

    def context(self, word: str) -> tuple[str, ...]:
        """The smaller set of features a word lends to its neighbours."""
        cached = self._context.get(word)
        if cached is None:
            cached = self._context[word] = self._context_features(word)
        return cached

    def _context_features(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        feats = ["l=" + lower, "ss=" + _squeezed(word.translate(_SHAPE_TABLE)), "s3=" + lower[-3:]]
        if word[:1].isupper():
            feats.append("title")
        kind = self.gazetteer.get(lower)
        if kind:
            feats.append("gaz=" + kind)
        return tuple(feats)

    def _word_parts(self, word: str) -> tuple:
        """Everything a sentence needs of one word: its own features; the features it lends the
        token 2 after it, 1 after, 1 before and 2 before (prefixed "-2:", "-1:", "+1:", "+2:");
        its lower case; whether it has a letter; whether it is all capitals."""
        parts = self._parts.get(word)
        if parts is None:
            context = self.context(word)
            parts = self._parts[word] = (
                self.word(word), *(tuple(prefix + f for f in context) for prefix in _NEIGHBOUR_PREFIXES),
                word.lower(), any(ch.isalpha() for ch in word), word.isupper())
        return parts

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        """Features for every token of one sentence."""
        return self._sentence([self._word_parts(t) for t in tokens], ("caps_sentence", "BOS", "EOS"), None, _STR)

    @staticmethod
    def _sentence(parts: list[tuple], flags: tuple, known, spelling: tuple) -> list[list]:
        """Features for every token of a sentence whose words' parts are ``parts``, in this order:
        the word's own, caps_sentence, BOS, EOS, the features of the words 2 and 1 before, 1 and 2
        after, and the word bigrams before and after. ``flags`` are caps_sentence, BOS and EOS (None
        where left out); with ``known``, a bigram is kept only when in it. ``spelling`` is the
        bigram separator and prefixes, as str or as bytes, like the parts."""
        n = len(parts)
        caps_flag, bos_flag, eos_flag = flags
        separator, before, after = spelling
        letters = [p[7] for p in parts if p[6]]
        caps = len(letters) >= 3 and all(letters)
        lowers = [p[5] for p in parts]
        pairs = [a + separator + b for a, b in pairwise(lowers)]
        out = []
        last = n - 1
        for i, part in enumerate(parts):
            feats = list(part[0])
            if caps and caps_flag:
                feats.append(caps_flag)
            if i == 0 and bos_flag:
                feats.append(bos_flag)
            if i == last and eos_flag:
                feats.append(eos_flag)
            if i >= 2:
                feats += parts[i - 2][1]
            if i >= 1:
                feats += parts[i - 1][2]
            if i < last:
                feats += parts[i + 1][3]
                if i + 1 < last:
                    feats += parts[i + 2][4]
            if i > 0:
                bigram = before + pairs[i - 1]
                if known is None or bigram in known:
                    feats.append(bigram)
            if i < last:
                bigram = after + pairs[i]
                if known is None or bigram in known:
                    feats.append(bigram)
            out.append(feats)
        return out

    def tagging_items(self, tokens: Sequence[str], known: frozenset[str]) -> list[list[bytes]]:
        """:meth:`sentence` for the tagger: without the features that are not in ``known`` (the
        attributes of the model, which CRFsuite drops anyway), each encoded in UTF-8 (as
        python-crfsuite encodes every feature string before it hands it over), so that CRFsuite
        gets the same attributes in the same order, sooner. Per-word parts are memoised."""
        if known is not self._known_for:
            self._known_parts, self._known_for = {}, known
            self._known_bytes = frozenset(name.encode() for name in known)
            self._known_flags = tuple(flag.encode() if flag in known else None
                                      for flag in ("caps_sentence", "BOS", "EOS"))
        parts = self._model_parts(tokens, self._known_parts, known, str.encode, tuple, _lower_bytes)
        return self._sentence(parts, self._known_flags, self._known_bytes, _BYTES)

    def _model_parts(self, tokens: Sequence[str], memo: dict, known, term, own, lower) -> list[tuple]:
        """Each token's parts as :meth:`_word_parts` gives them, in a model's terms and memoised in
        ``memo``: its own features that are in ``known`` (each made ``term(feature)``, all together
        ``own(...)``), the features in ``known`` it lends its neighbours, ``lower(token)``, whether
        it has a letter, whether it is all capitals."""
        parts = []
        for token in tokens:
            cached = memo.get(token)
            if cached is None:
                context = self.context(token)
                cached = memo[token] = (
                    own([term(f) for f in self.word(token) if f in known]),
                    *(tuple(term(f) for f in (prefix + g for g in context) if f in known)
                      for prefix in _NEIGHBOUR_PREFIXES),
                    lower(token), any(ch.isalpha() for ch in token), token.isupper())
            parts.append(cached)
        return parts

    def tagging_matrix(self, sentences: Sequence[Sequence[str]], decoder: Decoder) -> tuple:
        """:meth:`tagging_items` as attribute ids of ``decoder``'s model, for :meth:`Decoder.decode`,
        for every token of ``sentences`` (none empty) at once.

        Returns ``(rows, attributes, lengths)``: each token's row of own scores (its own attributes,
        summed as CRFsuite sums them: first, in order; :meth:`Decoder.own_row`); a matrix whose k-th
        row holds the id of every token's k-th other attribute, in the order :meth:`sentence` gives
        them (caps_sentence, BOS, EOS, the features the words 2 and 1 before and 1 and 2 after lend
        it, the bigrams before and after), ``decoder.padding`` where a token has none; and the
        sentences' lengths. Each word's ids are memoised, and so are each word pair's bigram ids;
        the rest is numpy, over all tokens at once."""
        import numpy as np

        if decoder is not self._ids_for:
            self._id_words: dict[str, int] = {}
            self._id_pairs: dict[int, int] = {}
            # own row, context, has a letter, all capitals, may start a bigram, may end one
            self._id_lists: tuple[list, ...] = ([], [], [], [], [], [])
            self._id_lower: list[str] = []
            self._id_arrays = (np.zeros(0, np.intp), np.zeros((0, 4, _CONTEXT_SIZE), np.intp),
                               *(np.zeros(0, bool) for _ in range(4)))
            self._ids_for = decoder
        pad = decoder.padding
        tokens = [token for sentence in sentences for token in sentence]
        n = len(tokens)
        lengths = np.fromiter(map(len, sentences), dtype=np.intp, count=len(sentences))
        get = self._id_words.get
        words = [get(token) for token in tokens]
        if None in words:
            for k, word in enumerate(words):
                if word is None:
                    words[k] = self._word_id(tokens[k], decoder)
        own, context, alpha, upper, starts_pair, ends_pair = self._word_arrays(pad)
        index = np.asarray(words, dtype=np.int64)

        sentence_of = np.repeat(np.arange(len(lengths)), lengths)
        starts = np.cumsum(lengths) - lengths
        position = np.arange(n) - starts[sentence_of]
        last = (lengths - 1)[sentence_of]
        matrix = np.full((3 + 4 * _CONTEXT_SIZE + 2, n), pad, dtype=np.intp)
        caps_id, bos_id, eos_id = decoder.flags
        if caps_id is not None:
            letters = alpha[index]
            with_letters = np.bincount(sentence_of, weights=letters, minlength=len(lengths))
            in_capitals = np.bincount(sentence_of, weights=letters & upper[index], minlength=len(lengths))
            matrix[0, ((with_letters >= 3) & (in_capitals == with_letters))[sentence_of]] = caps_id
        if bos_id is not None:
            matrix[1, position == 0] = bos_id
        if eos_id is not None:
            matrix[2, position == last] = eos_id
        for slot, shift in enumerate((-2, -1, 1, 2)):        # the word that lends: 2 before, 1 before, ...
            lends = (position + shift >= 0) & (position + shift <= last)
            rows = slice(3 + slot * _CONTEXT_SIZE, 3 + (slot + 1) * _CONTEXT_SIZE)
            matrix[rows, lends] = context[index[np.flatnonzero(lends) + shift], slot].T
        if n > 1:
            # the bigram ids of tokens g and g + 1, looked up (memoised by the pair of word numbers)
            # only where the first word starts a bigram of the model and the second ends one
            pairs, pair_get = self._id_pairs, self._id_pairs.get
            maybe = np.flatnonzero(starts_pair[index[:-1]] & ends_pair[index[1:]])
            keys = ((index[maybe] << 32) | index[maybe + 1]).tolist()
            found = [pair_get(key) for key in keys]
            if None in found:
                for k, value in enumerate(found):
                    if value is None:
                        found[k] = self._pair_ids(keys[k], decoder)
            before, after = np.full(n - 1, pad, dtype=np.int64), np.full(n - 1, pad, dtype=np.int64)
            before[maybe], after[maybe] = np.divmod(np.asarray(found, dtype=np.int64), pad + 1)
            matrix[-2, 1:] = np.where(position[1:] > 0, before, pad)
            matrix[-1, :-1] = np.where(position[:-1] < last[:-1], after, pad)
            if len(pairs) > _PAIRS_KEPT:
                pairs.clear()
        return own[index], matrix, lengths

    def _word_id(self, word: str, decoder: Decoder) -> int:
        """Memoise a word's ids (see :meth:`tagging_matrix`) and return its number."""
        found = self._id_words.get(word)
        if found is not None:
            return found
        ids = decoder.ids
        own, contexts, alpha, upper, starts_pair, ends_pair = self._id_lists
        own.append(decoder.own_row([ids[f] for f in self._word_features(word) if f in ids]))
        lent = [ids_by_prefix for ids_by_prefix in map(decoder.lent.get, self._context_features(word))
                if ids_by_prefix is not None]
        contexts.append([[i for i in (by_prefix[slot] for by_prefix in lent) if i is not None] for slot in range(4)])
        alpha.append(any(ch.isalpha() for ch in word))
        upper.append(word.isupper())
        lower = word.lower()
        firsts, seconds = decoder.bigram_words
        starts_pair.append(lower in firsts)
        ends_pair.append(lower in seconds)
        self._id_lower.append(lower)
        found = self._id_words[word] = len(own) - 1
        return found

    def _word_arrays(self, pad: int) -> tuple:
        """The memoised words' ids as arrays (own row, context ids padded with ``pad``, has a
        letter, is all capitals, may start a bigram of the model, may end one), new words added."""
        import numpy as np

        arrays, lists = self._id_arrays, self._id_lists
        own, context = arrays[:2]
        done, total = len(own), len(lists[0])
        if total > done:
            new = np.full((total - done, 4, _CONTEXT_SIZE), pad, dtype=np.intp)
            for k, slots in enumerate(lists[1][done:]):
                for slot, ids in enumerate(slots):
                    new[k, slot, :len(ids)] = ids
            self._id_arrays = (np.concatenate([own, np.asarray(lists[0][done:], dtype=np.intp)]),
                               np.concatenate([context, new]),
                               *(np.concatenate([flags, np.asarray(values[done:], dtype=bool)])
                                 for flags, values in zip(arrays[2:], lists[2:])))
        return self._id_arrays

    def _pair_ids(self, key: int, decoder: Decoder) -> int:
        """The ids of the bigram before and after for the pair of word numbers ``key`` (first
        << 32 | second), as ``before * (padding + 1) + after`` (``padding`` when not an attribute),
        memoised."""
        separator, before, after = _STR
        get, pad = decoder.ids.get, decoder.padding
        pair = self._id_lower[key >> 32] + separator + self._id_lower[key & 0xFFFFFFFF]
        found = self._id_pairs[key] = get(before + pair, pad) * (pad + 1) + get(after + pair, pad)
        return found

    def __call__(self, tokens, index):
        if tokens is not self._tokens:
            self._tokens = tokens
            self._features = self.sentence(tokens)
        return self._features[index]


#: A feature record of a CRFsuite model file: type (0 state, 1 transition), source (attribute or
#: label id), destination label id, weight; little-endian and packed, as crf1d_model.c writes them.
_FEATURE_RECORD = "<u4,<u4,<u4,<f8"
#: Tokens scored at a time by :meth:`Decoder.decode`.
_CHUNK = 4096
#: Sentences :func:`tag_entities` decodes together (BBC: 224,752 tokens, 158 MB at the peak, new words included).
_SENTENCES_AT_ONCE = 10_000
#: Features a word lends a neighbour at most (see :meth:`Features.context`).
_CONTEXT_SIZE = 5
#: Word pairs whose bigram ids :meth:`Features.tagging_matrix` memoises before it starts again.
_PAIRS_KEPT = 1_000_000
#: One thread at a time loads the tagger (it copies its model file into place) and tags (its memos
#: and the decoder's table of rows grow as it tags); a Dask worker may run batches in threads.
_TAGGING = threading.Lock()


class Decoder:
    """CRFsuite's Viterbi tagging of a first-order model, for many sentences at once with numpy.

    The weights are read from the model file itself (the dump prints them rounded). The arithmetic
    is CRFsuite's, in its order: a token's score for a label starts at 0 and adds the weight of each
    of its attributes in the order they are given (each exact: the attribute's value is 1); Viterbi
    adds the transition score to the previous score, keeps the first best previous label on a tie,
    and adds the token's score. So the tags are those python-crfsuite gives, to the bit; the first
    attributes of each token (its own, memoised per word) are summed once per word.

    Args:
        model: the model file's bytes.
        attributes: the model's attribute names, by id.
        labels: the model's labels, by id.

    Raises:
        ValueError: the bytes are not a first-order CRFsuite model with these labels and attributes.
    """

    def __init__(self, model: bytes, attributes: Sequence[str], labels: Sequence[str]):
        import struct

        import numpy as np

        magic, _, kind, _, _, n_labels, n_attrs, offset = struct.unpack_from("<4sI4sIIIII", model, 0)
        if magic != b"lCRF" or kind != b"FOMC" or n_labels != len(labels) or n_attrs != len(attributes):
            raise ValueError("not a first-order CRFsuite model with these labels and attributes")
        chunk, _, count = struct.unpack_from("<4sII", model, offset)
        if chunk != b"FEAT" or offset + 12 + 20 * count > len(model):
            raise ValueError("the model's feature chunk is not where its header says")
        records = np.frombuffer(model, dtype=np.dtype(_FEATURE_RECORD), count=count, offset=offset + 12)
        kinds, sources, targets, weights = (records[f] for f in records.dtype.names)
        state, transition = kinds == 0, kinds == 1
        if not (state | transition).all() or (sources[state] >= n_attrs).any() or (targets >= n_labels).any() \
                or (sources[transition] >= n_labels).any():
            raise ValueError("the model has features this decoder does not know")
        pairs = sources.astype("int64") * n_labels + targets
        if len(np.unique(pairs[state])) != state.sum() or len(np.unique(pairs[transition])) != transition.sum():
            raise ValueError("the model repeats a feature")
        # one row per attribute, and a last row of zeros for "no attribute" (padding)
        self.weights = np.zeros((n_attrs + 1, n_labels))
        self.weights[sources[state], targets[state]] = weights[state]
        self.transitions = np.zeros((n_labels, n_labels))
        self.transitions[sources[transition], targets[transition]] = weights[transition]
        self.labels = np.array(labels, dtype=object)
        self.ids = {name: i for i, name in enumerate(attributes)}
        self.padding = n_attrs
        self.flags = tuple(self.ids.get(flag) for flag in ("caps_sentence", "BOS", "EOS"))
        # A feature a word lends its neighbours -> its ids with each prefix (None: not an attribute)
        lent: dict[str, list] = {}
        for name, i in self.ids.items():
            if name[:3] in _NEIGHBOUR_PREFIXES:
                lent.setdefault(name[3:], [None] * 4)[_NEIGHBOUR_PREFIXES.index(name[:3])] = i
        self.lent = {feature: tuple(by_prefix) for feature, by_prefix in lent.items()}
        # Every way a bigram attribute ("bi-=first|second") splits at a "|": a word pair can be a
        # bigram of the model only if its first word is among the firsts and its second among the seconds.
        firsts, seconds = set(), set()
        for name in attributes:
            if name.startswith(_STR[1:]):
                pair = name[len(_STR[1]):]
                for at in (i for i, ch in enumerate(pair) if ch == _STR[0]):
                    firsts.add(pair[:at])
                    seconds.add(pair[at + 1:])
        self.bigram_words = (frozenset(firsts), frozenset(seconds))
        self._row_of: dict[tuple, int] = {(): 0}     # own attributes -> their row of scores
        self._table = np.zeros((1, n_labels))         # row 0: no own attribute
        self._pending: list[tuple] = []

    def own_row(self, ids: Sequence[int]) -> int:
        """The row that will hold the scores of these attributes (a token's own), summed in order
        from 0; rows are computed, all new ones at once, by the next :meth:`decode`."""
        key = tuple(ids)
        row = self._row_of.get(key)
        if row is None:
            row = self._row_of[key] = len(self._table) + len(self._pending)
            self._pending.append(key)
        return row

    def _add_pending_rows(self) -> None:
        import numpy as np

        if not self._pending:
            return
        keys, self._pending = self._pending, []
        sizes = np.fromiter(map(len, keys), dtype=np.intp, count=len(keys))
        rows = np.zeros((len(keys), len(self.labels)))
        if sizes.max() > 0:
            padded = np.full((int(sizes.max()), len(keys)), self.padding, dtype=np.intp)
            padded[np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes),
                   np.repeat(np.arange(len(keys)), sizes)] = [aid for key in keys for aid in key]
            for k in range(len(padded)):
                rows += self.weights[padded[k]]
        self._table = np.concatenate([self._table, rows])

    def scores(self, rows, attributes):
        """Every token's score for every label (tokens as :meth:`decode` takes them), summed in
        CRFsuite's order: the token's own row, then its other attributes one by one."""
        import numpy as np

        self._add_pending_rows()
        rows = np.asarray(rows, dtype=np.intp)
        n = len(rows)
        scores = self._table[rows]
        if not n:
            return scores
        columns = np.asarray(attributes, dtype=np.intp).reshape(-1, n)     # the k-th attribute of each token
        columns = columns[(columns != self.padding).any(axis=1)]
        weights, padding = self.weights, self.padding
        for low in range(0, n, _CHUNK):      # a few thousand tokens at a time stay in the cache
            part = scores[low:low + _CHUNK]
            for column in columns[:, low:low + _CHUNK]:   # in order, as CRFsuite adds them
                having = np.flatnonzero(column != padding)
                if 2 * len(having) > len(column):
                    part += weights[column]               # the padding row adds 0
                elif len(having):
                    part[having] += weights[column[having]]
        return scores

    def decode(self, rows, attributes, lengths) -> list[list[str]]:
        """Tags for sentences of ``lengths`` tokens whose tokens are given as
        :meth:`Features.tagging_matrix` gives them: each token's row of own scores, and a matrix
        whose k-th row is every token's k-th other attribute (:attr:`padding` where it has none)."""
        import numpy as np

        scores = self.scores(rows, attributes)
        n = len(scores)
        if not n:
            return [[] for _ in lengths]
        lengths = np.asarray(lengths, dtype=np.intp)
        starts = np.cumsum(lengths) - lengths
        best = np.zeros(n, dtype=np.intp)
        # sentences of similar lengths together, padded to the longest
        order = np.argsort(lengths, kind="stable")
        for group in np.split(order, np.flatnonzero(np.diff((lengths[order] + 7) // 8)) + 1):
            if len(group) and lengths[group].max() > 0:
                labels = self._viterbi(scores, starts[group], lengths[group])
                inside = np.arange(labels.shape[1])[None, :] < lengths[group][:, None]
                best[(starts[group][:, None] + np.arange(labels.shape[1])[None, :])[inside]] = labels[inside]
        names = self.labels[best].tolist()
        return [names[start:start + length] for start, length in zip(starts.tolist(), lengths.tolist())]

    def _viterbi(self, scores, starts, lengths):
        """The best labels' ids of sentences (none empty) whose tokens' scores are at ``starts``:
        one row per sentence, as long as the longest."""
        import numpy as np

        size, longest = len(lengths), int(lengths.max())
        positions = starts[:, None] + np.minimum(np.arange(longest)[None, :], np.maximum(lengths - 1, 0)[:, None])
        state = scores[positions]                                    # (sentences, tokens, labels)
        into = np.ascontiguousarray(self.transitions.T)[None, :, :]     # next label j, previous label i
        back = np.zeros((size, longest, len(self.labels)), dtype=np.int64)
        current = state[:, 0, :].copy()
        final = current.copy()
        everyone = np.arange(size)
        for t in range(1, longest):
            total = current[:, None, :] + into                       # next label j, previous label i
            best = total.argmax(axis=2)                              # the first best i, as CRFsuite
            back[:, t, :] = best
            current = np.take_along_axis(total, best[:, :, None], axis=2)[:, :, 0] + state[:, t, :]
            ending = lengths - 1 == t
            final[ending] = current[ending]
        labels = np.zeros((size, longest), dtype=np.int64)
        last = final.argmax(axis=1)
        for t in range(longest - 1, -1, -1):
            following = back[everyone, t + 1, labels[:, t + 1]] if t + 1 < longest else last
            labels[:, t] = np.where(lengths - 1 == t, last, np.where(t < lengths - 1, following, 0))
        return labels


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


def attribute_names(model: bytes) -> list[str]:
    """The attribute names of a first-order CRFsuite model, by id, read from the model file's
    attribute database (a CQDB chunk: each id's record holds its id, the key's size and the key,
    NUL-terminated), without a dump of the whole model.

    Raises:
        ValueError: the bytes are not such a model, or a record does not read back exactly.
    """
    import struct

    try:
        magic, _size, kind, _version, _features, _labels, n_attrs, _off_features, _off_labels, off_attrs = \
            struct.unpack_from("<4sI4sIIIIIII", model, 0)
        chunk, _chunk_size, _flag, _order, count, backward = struct.unpack_from("<4sIIIII", model, off_attrs)
    except struct.error as exc:
        raise ValueError("not a CRFsuite model") from exc
    if magic != b"lCRF" or kind != b"FOMC" or chunk != b"CQDB" or count != n_attrs:
        raise ValueError("not a first-order CRFsuite model with an attribute database")
    names = []
    try:
        offsets = struct.unpack_from(f"<{count}I", model, off_attrs + backward)
        for number, offset in enumerate(offsets):
            at = off_attrs + offset
            record_id, size = struct.unpack_from("<II", model, at)
            key = model[at + 8:at + 8 + size]
            if record_id != number or not offset or len(key) != size or not size or key[-1] != 0:
                raise ValueError("the model's attribute database does not read back")
            names.append(key[:-1].decode("utf-8"))
    except (struct.error, UnicodeDecodeError) as exc:
        raise ValueError("the model's attribute database does not read back") from exc
    return names


def model_attributes(crf) -> frozenset[str] | None:
    """The attributes (feature strings) a loaded CRFTagger's model knows, or None when neither its
    file nor its dump can be read back exactly. CRFsuite drops every other attribute when it tags,
    so leaving those out beforehand changes nothing but the time it takes. Read from the model
    file (:func:`attribute_names`; a dump of the whole model takes several times as long), else
    from the dump. Cached on the tagger."""
    cached = getattr(crf, "_news_analysis_attributes", False)
    if cached is not False:
        return cached
    try:
        names = attribute_names(Path(crf._model_file).read_bytes())
        if len(names) == len(set(names)):
            crf._news_analysis_attribute_list = names
            crf._news_analysis_attributes = frozenset(names)
            return crf._news_analysis_attributes
    except (OSError, ValueError, AttributeError):
        pass
    known, name = None, None
    try:
        fd, name = tempfile.mkstemp(suffix=".dump")
        os.close(fd)
        crf._tagger.dump(name)
        data = Path(name).read_bytes().decode("utf-8")
        count = int(re.search(r"\n  num_attrs: (\d+)\n", data).group(1))
        head = data.index("\nATTRIBUTES = {\n") + len("\nATTRIBUTES = {\n")
        lines = data[head:data.index("\n}\n", head - 1)].split("\n") if count else []
        names = []
        for number, line in enumerate(lines):
            aid, sep, attribute = line.partition(": ")
            if not sep or aid.strip() != str(number):
                raise ValueError("unexpected line in the model dump")
            names.append(attribute)
        if len(names) == count == len(set(names)):
            known = frozenset(names)
            crf._news_analysis_attribute_list = names
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        known = None  # tag with every feature: slower, the same tags
    finally:
        if name is not None:
            os.unlink(name)
    crf._news_analysis_attributes = known
    return known


def decoder(crf) -> Decoder | None:
    """The :class:`Decoder` of a loaded CRFTagger's model, or None when its model file or attribute
    list cannot be read exactly (then python-crfsuite tags, with the same result). Cached on the tagger."""
    cached = getattr(crf, "_news_analysis_decoder", False)
    if cached is not False:
        return cached
    found = None
    names = getattr(crf, "_news_analysis_attribute_list", None) if model_attributes(crf) is not None else None
    if names is not None:
        try:
            found = Decoder(Path(crf._model_file).read_bytes(), names, crf._tagger.labels())
        except (OSError, ValueError, AttributeError):
            found = None
    crf._news_analysis_decoder = found
    return found


def tag_entities(token_lists: Sequence[Sequence[str]], *, engine: str = "numpy") -> list[list[str]]:
    """Tag each token list with CoNLL-2003 IOB2 name tags.

    Args:
        token_lists: sentences as lists of tokens (NLTK/Treebank tokenisation, as ``tokens()``
            gives).
        engine: ``"numpy"`` (default): :class:`Decoder`, every sentence at once; ``"crfsuite"``:
            python-crfsuite, one sentence at a time (the reference). The tags are identical.

    Returns:
        One list of tags per sentence, as long as its tokens: ``B-PER``, ``I-PER``, ``B-ORG``,
        ``I-ORG``, ``B-LOC``, ``I-LOC``, ``B-MISC``, ``I-MISC`` or ``O``.
    """
    if engine not in ("numpy", "crfsuite"):
        raise ValueError(f"engine must be 'numpy' or 'crfsuite', not {engine!r}")
    lists = [list(tokens) for tokens in token_lists]
    if not lists:
        return []
    with _TAGGING:
        return _tag(tagger(), lists, engine)


def _tag(crf, lists: list[list[str]], engine: str) -> list[list[str]]:
    features = crf._feature_func
    known = model_attributes(crf)
    fast = decoder(crf) if engine == "numpy" else None
    if fast is not None:
        tagged = []
        for low in range(0, len(lists), _SENTENCES_AT_ONCE):     # memory stays bounded on a big corpus
            chunk = [tokens for tokens in lists[low:low + _SENTENCES_AT_ONCE] if tokens]
            if chunk:
                tagged += fast.decode(*features.tagging_matrix(chunk, fast))
        decoded = iter(tagged)
        return [next(decoded) if tokens else [] for tokens in lists]
    tag = crf._tagger.tag
    tagged = []
    for tokens in lists:
        if not tokens:
            tagged.append([])
            continue
        labels = tag(features.sentence(tokens) if known is None else features.tagging_items(tokens, known))
        if len(labels) != len(tokens):
            raise RuntimeError(f"CRF returned {len(labels)} labels for {len(tokens)} tokens.")
        tagged.append(labels)
    return tagged


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
