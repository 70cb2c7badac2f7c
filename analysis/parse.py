"""Shallow parsing: part-of-speech tags and chunks, two CRFs (python-crfsuite) trained on CoNLL-2003.

``pos_tags(token_lists)`` gives Penn Treebank tags (CoNLL-2003's tag set); ``chunk_tags`` gives
IOB2 chunk tags (B-NP, I-NP, B-VP, B-PP, B-ADVP, B-ADJP, B-SBAR, B-PRT, ..., O) from the words and
their tags (predicted ones unless given); ``chunk_spans`` turns IOB1 or IOB2 tags into
``(type, start, end)``; ``parse`` does all of it. The models ship inside the package
(``resources/models/pos_conll2003.crfsuite`` and ``chunks_conll2003.crfsuite``);
``python -m analysis.train pos|chunks`` rebuilds them and ``python -m analysis.evaluate
pos|chunks FILE`` scores them. Nothing is downloaded; NLTK's tagger data is not used.

Tagger features, per token: its lower case, prefixes and suffixes of one to four letters, its
shape (``Xx``, ``d.d``; squeezed, and whole when short), whether it has a capital, is in capitals,
has a digit or a hyphen; whether the sentence is written in capitals (wire headlines); the first
and last token of the sentence; the lower case and suffixes of two tokens on each side; the word
as written; and the pairs it makes with the word before and the word after (lower case).
Chunker features: the word and its tag, the words and tags two on each side, and tag bigrams and
trigrams around the token. The chunker is trained on tags predicted by jackknifing (each part of
the training data tagged by a tagger trained on the rest), as it meets predicted tags at run time.

Curly quotes, ``\u201c``/``\u201d`` and the tokenizer's ````/``''``, are read as CoNLL's ``"``; ``\u2019`` as ``'``
(``Kremlin\u2019s`` -> ``'s``); dashes as ``--``.

Tagging is CRFsuite's Viterbi, done for many sentences at once with numpy by
:class:`analysis.ner.Decoder` (the same tags as python-crfsuite, which ``engine="crfsuite"`` uses).

>>> parse([["Russian", "troops", "entered", "the", "town", "."]])   # doctest: +SKIP
[[('Russian', 'JJ', 'B-NP'), ('troops', 'NNS', 'I-NP'), ('entered', 'VBD', 'B-VP'),
  ('the', 'DT', 'B-NP'), ('town', 'NN', 'I-NP'), ('.', '.', 'O')]]
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from analysis import config, resources
from analysis.ner import _SHAPE_TABLE, Decoder, _squeezed, model_attributes, spans as _spans

POS_MODEL_FILE = "models/pos_conll2003.crfsuite"
CHUNK_MODEL_FILE = "models/chunks_conll2003.crfsuite"
CHUNK_TYPES = ("NP", "VP", "PP", "ADVP", "ADJP", "SBAR", "PRT", "CONJP", "INTJ", "LST", "UCP")

#: L-BFGS (OWL-QN with c1) options; compared on CoNLL's valid.txt. Same data, same model, byte for byte.
POS_OPTIONS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}
CHUNK_OPTIONS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}
#: Parts of the training data the chunker's training tags are predicted in (0: train on gold tags).
JACKKNIFE_FOLDS = 4

_DEFAULT_CONLL = (config.REPO_DIR or Path.cwd()).parent / "shared" / "eval" / "conll2003"
DEFAULT_TRAIN = _DEFAULT_CONLL / "train.txt"
DEFAULT_VALID = _DEFAULT_CONLL / "valid.txt"

#: Offsets of the neighbours whose features a token gets, with their prefixes.
_SHIFTS = (-2, -1, 1, 2)
_PREFIXES = ("-2:", "-1:", "+1:", "+2:")
#: Tag n-grams of the chunker: name and offsets.
_TAG_NGRAMS = (("t-2-1=", (-2, -1)), ("t-10=", (-1, 0)), ("t0+1=", (0, 1)), ("t+1+2=", (1, 2)),
               ("t-2-10=", (-2, -1, 0)), ("t-10+1=", (-1, 0, 1)), ("t0+1+2=", (0, 1, 2)))
#: Sentences decoded together (memory stays bounded on a big corpus).
_SENTENCES_AT_ONCE = 10_000
#: One thread at a time loads a model or tags (the memos and the decoders' tables grow as they tag).
_TAGGING = threading.Lock()

_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "``": '"', "''": '"',
           "\u2018": "'", "\u2019": "'", "\u2014": "--", "\u2013": "--", "\u2015": "--", "\u2026": "..."}


@functools.lru_cache(maxsize=1 << 16)
def normal(word: str) -> str:
    """A token as CoNLL-2003 spells it: curly and doubled quotes straight, dashes ``--``."""
    found = _QUOTES.get(word)
    if found is not None:
        return found
    if "\u2019" in word or "\u2018" in word:
        return word.replace("\u2019", "'").replace("\u2018", "'")
    return word


# ---------------------------------------------------------------------------------------------
# Features. Each model's features for a sentence are, in this order: the token's own, the
# sentence's flags, what the tokens 2 and 1 before and 1 and 2 after lend it, and (chunker) tag
# n-grams. The functions below are the reference (training, engine="crfsuite"); _Fast builds the
# same attributes as ids, with numpy.


def _pos_own(word: str) -> list[str]:
    word = normal(word)
    lower = word.lower()
    shape = word.translate(_SHAPE_TABLE)
    feats = ["w=" + lower,
             "p1=" + lower[:1], "p2=" + lower[:2], "p3=" + lower[:3], "p4=" + lower[:4],
             "s1=" + lower[-1:], "s2=" + lower[-2:], "s3=" + lower[-3:], "s4=" + lower[-4:],
             "ss=" + _squeezed(shape), "W=" + word]
    if len(shape) <= 6:
        feats.append("sh=" + shape)
    if lower != word:
        feats.append("cap")
        if word[:1].isupper():
            feats.append("title")
        if word.isupper():
            feats.append("upper")
    if "d" in shape:
        feats.append("digit")
    if "-" in word:
        feats.append("hyphen")
    return feats


def _pos_lent_base(word: str) -> tuple[list[str], ...]:
    """What a word lends the tokens 2 and 1 after it and 1 and 2 before it, unprefixed."""
    word = normal(word)
    lower = word.lower()
    far = ["l=" + lower, "s3=" + lower[-3:]]
    near = ["l=" + lower, "s2=" + lower[-2:], "s3=" + lower[-3:], "ss=" + _squeezed(word.translate(_SHAPE_TABLE))]
    return far, near, near, far


def _pos_lent(word: str) -> tuple[list[str], ...]:
    """:func:`_pos_lent_base` with the prefixes -2:, -1:, +1:, +2:."""
    return tuple([prefix + f for f in feats] for prefix, feats in zip(_PREFIXES, _pos_lent_base(word)))


def _pos_key(word: str) -> str:
    return word


def _in_capitals(words: Sequence[str]) -> bool:
    letters = [w.isupper() for w in words if any(ch.isalpha() for ch in w)]
    return len(letters) >= 3 and all(letters)


def pos_features(tokens: Sequence[str]) -> list[list[str]]:
    """The tagger's features for every token of a sentence."""
    caps = _in_capitals(tokens)
    lent = [_pos_lent(t) for t in tokens]
    out = _sentence([_pos_own(t) for t in tokens], lent, ["caps_sentence"] if caps else [], ())
    for i, feats in enumerate(out):
        feats += _bigrams(tokens, i)
    return out


def _bigrams(tokens: Sequence[str], i: int) -> list[str]:
    """The tagger's word-pair features of token ``i``: with the word before and with the word after."""
    lower = normal(tokens[i]).lower()
    pairs = []
    if i > 0:
        pairs.append("b-=" + normal(tokens[i - 1]).lower() + "|" + lower)
    if i < len(tokens) - 1:
        pairs.append("b+=" + lower + "|" + normal(tokens[i + 1]).lower())
    return pairs


def _chunk_own(key: tuple[str, str]) -> list[str]:
    word, tag = key
    return ["w=" + normal(word).lower(), "t=" + tag]


def _chunk_lent_base(key: tuple[str, str]) -> tuple[list[str], ...]:
    word, tag = key
    feats = ["w=" + normal(word).lower(), "t=" + tag]
    return feats, feats, feats, feats


def _chunk_lent(key: tuple[str, str]) -> tuple[list[str], ...]:
    return tuple([prefix + f for f in feats] for prefix, feats in zip(_PREFIXES, _chunk_lent_base(key)))


def chunk_features(tokens: Sequence[str], tags: Sequence[str]) -> list[list[str]]:
    """The chunker's features for every token of a sentence with these part-of-speech tags."""
    keys = list(zip(tokens, tags))
    return _sentence([_chunk_own(k) for k in keys], [_chunk_lent(k) for k in keys], [], list(tags))


def _sentence(own: list, lent: list, flags: list[str], tags) -> list[list[str]]:
    out = []
    last = len(own) - 1
    for i, feats in enumerate(own):
        feats = list(feats) + flags
        if i == 0:
            feats.append("BOS")
        if i == last:
            feats.append("EOS")
        for slot, shift in enumerate(_SHIFTS):
            if 0 <= i + shift <= last:
                feats += lent[i + shift][slot]
        if tags:
            for name, offsets in _TAG_NGRAMS:
                if 0 <= i + offsets[0] and i + offsets[-1] <= last:
                    feats.append(name + "|".join(tags[i + o] for o in offsets))
        out.append(feats)
    return out


# ---------------------------------------------------------------------------------------------
# Models


class Model:
    """A trained CRF, loaded: python-crfsuite's tagger, its numpy :class:`~analysis.ner.Decoder`,
    and the memos of its features.

    Args:
        path: the model file.
        kind: ``"pos"`` or ``"chunks"``.
    """

    def __init__(self, path: str | Path, kind: str):
        import pycrfsuite

        if kind not in ("pos", "chunks"):
            raise ValueError(f"kind must be 'pos' or 'chunks', not {kind!r}")
        self.kind = kind
        self._model_file = str(path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self._model_file)
        self.labels = tuple(self._tagger.labels())
        self.decoder: Decoder | None = None                 # None: python-crfsuite tags (same tags)
        if model_attributes(self) is not None:
            try:
                self.decoder = PrunedDecoder(Path(self._model_file).read_bytes(),
                                             self._news_analysis_attribute_list, self.labels)
            except (OSError, ValueError):
                self.decoder = None
        self._fast = _Fast(self.decoder, kind) if self.decoder is not None else None

    def tag(self, keys_lists: list[list], engine: str = "numpy") -> list[list[str]]:
        """Tags of sentences given as lists of tokens (pos) or of (token, tag) pairs (chunks)."""
        if not keys_lists:
            return []
        if engine == "numpy" and self._fast is not None:
            tagged: list[list[str]] = []
            for low in range(0, len(keys_lists), _SENTENCES_AT_ONCE):
                part = [keys for keys in keys_lists[low:low + _SENTENCES_AT_ONCE] if keys]
                if part:
                    tagged += self.decoder.decode(*self._fast.matrix(part))
            decoded = iter(tagged)
            return [next(decoded) if keys else [] for keys in keys_lists]
        from pycrfsuite import ItemSequence

        out = []
        for keys in keys_lists:
            if not keys:
                out.append([])
                continue
            if self.kind == "pos":
                items = pos_features(keys)
            else:
                items = chunk_features([w for w, _ in keys], [t for _, t in keys])
            out.append(self._tagger.tag(ItemSequence(items)))
        return out


class PrunedDecoder(Decoder):
    """:class:`analysis.ner.Decoder` with a Viterbi that skips, exactly, the previous labels that
    cannot be best, and walks all sentences at once, longest first.

    Label i can be the best previous label of no next label when its score plus its highest
    transition is below the best label's score plus that label's lowest transition (sums rounded
    as CRFsuite rounds them, which keeps their order). With 45 tags a token's few likely ones stay
    and the rest are skipped; the candidates stay in label order, so on a tie the first best wins,
    and the tags are still CRFsuite's, tie for tie. The scores are summed as the Decoder sums them.
    """

    #: A step takes a sentence's candidates in the narrowest of these widths that holds them...
    _TIERS = (1, 3, 8)
    #: ...and all labels when they are more, or more than this share of them.
    _NARROW = 0.3

    def decode(self, rows, attributes, lengths) -> list[list[str]]:
        import numpy as np

        scores = self.scores(rows, attributes)       # summed as the Decoder sums them
        if not len(scores):
            return [[] for _ in lengths]
        lengths = np.asarray(lengths, dtype=np.intp)
        starts = np.cumsum(lengths) - lengths
        best = self._best(scores, starts, lengths)
        names = self.labels[best].tolist()
        return [names[start:start + length] for start, length in zip(starts.tolist(), lengths.tolist())]

    def _best(self, scores, starts, lengths):
        """Every token's best label id (Viterbi) for sentences at ``starts`` of ``lengths`` tokens."""
        import numpy as np

        best = np.zeros(len(scores), dtype=np.intp)
        order = np.argsort(-lengths, kind="stable")
        order = order[lengths[order] > 0]
        if not len(order):
            return best
        first, size = starts[order], lengths[order]
        longest = int(size[0])
        # active[t]: how many sentences (longest first) have a token t
        active = len(size) - np.searchsorted(size[::-1], np.arange(longest + 1), side="right")
        transitions = self.transitions
        into = np.ascontiguousarray(transitions.T)
        bounds = (transitions.max(axis=1), transitions.min(axis=1))
        tiers = [width for width in self._TIERS if width < self._NARROW * len(self.labels)]
        current = scores[first]
        final = np.empty_like(current)
        backs = [None]
        for t in range(1, longest):
            now = int(active[t])
            final[now:int(active[t - 1])] = current[now:]           # sentences that ended at t - 1
            choice, value = self._step(current[:now], transitions, into, bounds, tiers)
            backs.append(choice)
            current = value + scores[first[:now] + t]
        final[:int(active[longest - 1])] = current
        last = final.argmax(axis=1)
        label = last.copy()
        for t in range(longest - 1, -1, -1):
            now, going_on = int(active[t]), int(active[t + 1])
            if going_on:
                label[:going_on] = backs[t + 1][np.arange(going_on), label[:going_on]]
            label[going_on:now] = last[going_on:now]
            best[first[:now] + t] = label[:now]
        return best

    @staticmethod
    def _step(current, transitions, into, bounds, tiers):
        """For every next label: the first best previous label and the best score through it."""
        import numpy as np

        size, n_labels = current.shape
        highest, lowest = bounds
        everyone = np.arange(size)
        top = current.argmax(axis=1)
        keep = current + highest >= (current[everyone, top] + lowest[top])[:, None]
        counts = keep.sum(axis=1)
        if size and counts.max() == 1 and tiers:                    # every sentence sure of its last tag
            return (np.repeat(top[:, None], n_labels, axis=1),
                    current[everyone, top][:, None] + transitions[top])
        choice = np.empty((size, n_labels), dtype=np.intp)
        value = np.empty((size, n_labels))
        below = 0
        for tier in tiers:                                          # rows with about as many candidates
            few = np.flatnonzero((counts > below) & (counts <= tier))
            below = tier
            if not len(few):
                continue
            kept, counted = keep[few], counts[few]
            width = int(counted.max())
            row, label = np.nonzero(kept)                           # by row, labels in order
            slot = np.arange(len(row)) - np.repeat(np.cumsum(counted) - counted, counted)
            candidates = np.repeat(top[few][:, None], width, axis=1)   # spare slots: the best again
            candidates[row, slot] = label
            total = current[few[:, None], candidates][:, :, None] + transitions[candidates]
            pick = total.argmax(axis=1)                             # (rows, next label): first best
            choice[few] = np.take_along_axis(candidates, pick, axis=1)
            value[few] = np.take_along_axis(total, pick[:, None, :], axis=1)[:, 0, :]
        wide = np.flatnonzero(counts > below)
        if len(wide):
            total = current[wide][:, None, :] + into[None, :, :]   # next label j, previous label i
            pick = total.argmax(axis=2)                             # the first best i, as CRFsuite
            choice[wide] = pick
            value[wide] = np.take_along_axis(total, pick[:, :, None], axis=2)[:, :, 0]
        return choice, value


class _Fast:
    """A model's features as the ids of its attributes, for :meth:`Decoder.decode`, for many
    sentences at once: each token's own attributes (memoised per word, or per word and tag,
    summed once in the decoder's table of rows), then a matrix whose k-th row holds every token's
    k-th other attribute (``decoder.padding`` where it has none), in :func:`_sentence`'s order."""

    def __init__(self, decoder: Decoder, kind: str):
        import numpy as np

        self.decoder = decoder
        self.kind = kind
        self.own_of, self.lent_of = (_pos_own, _pos_lent_base) if kind == "pos" else (_chunk_own, _chunk_lent_base)
        self.memo: dict = {}
        self.lists: tuple[list, ...] = ([], [], [], [])    # own row, lent ids by slot, upper (pos) / tag id (chunks), has a letter
        pad = decoder.padding
        self.width = 4 if kind == "pos" else 2
        self.arrays = (np.zeros(0, np.intp), np.zeros((0, 4, self.width), np.intp), np.zeros(0, np.intp),
                       np.zeros(0, bool))
        ids = decoder.ids
        self.flag_ids = tuple(ids.get(flag) for flag in ("caps_sentence", "BOS", "EOS"))
        self.tables = []
        if kind == "pos":
            # the word pairs of the bigram attributes: which lowered words start one and which end
            # one, so that only such pairs are looked up (memoised by the pair of word numbers)
            firsts, seconds = set(), set()
            for attribute in ids:
                if attribute[:3] in ("b-=", "b+="):
                    first, _, second = attribute[3:].partition("|")
                    firsts.add(first)
                    seconds.add(second)
            self.pair_words = (frozenset(firsts), frozenset(seconds))
            self.pair_ids: dict[int, tuple[int, int]] = {}
            self.lowers: list[str] = []
            self.pair_flag_lists: tuple[list, list] = ([], [])
            self.pair_flags = (np.zeros(0, bool), np.zeros(0, bool))
        if kind == "chunks":
            # the tags of the n-gram attributes, numbered; a table per n-gram from tag numbers to ids
            names = {name for name, _ in _TAG_NGRAMS}
            ngrams: dict[str, list] = {name: [] for name in names}     # n-gram name -> (tags, id)
            for attribute, aid in ids.items():
                if attribute[:1] == "t":
                    name = attribute[:attribute.find("=") + 1]
                    if name in names:
                        ngrams[name].append((attribute[len(name):].split("|"), aid))
            tags = {tag for found in ngrams.values() for parts, _ in found for tag in parts}
            self.tag_number = {tag: k for k, tag in enumerate(sorted(tags))}
            size = len(tags) + 1            # the last number: a tag no n-gram has
            self.tag_base = size
            for name, offsets in _TAG_NGRAMS:
                table = np.full(size ** len(offsets), pad, dtype=np.intp)
                for parts, aid in ngrams[name]:
                    if len(parts) == len(offsets):
                        flat = 0
                        for tag in parts:
                            flat = flat * size + self.tag_number[tag]
                        table[flat] = aid
                self.tables.append((offsets, table))

    def _add(self, key) -> int:
        decoder = self.decoder
        own, lent, third, alpha = self.lists
        own.append(decoder.own_row([i for i in map(decoder.ids.get, self.own_of(key)) if i is not None]))
        lent_ids = decoder.lent.get            # a feature -> its ids with each prefix (-2:, -1:, +1:, +2:)
        lent.append([[i for i in (by_prefix[slot] for by_prefix in map(lent_ids, feats) if by_prefix is not None)
                      if i is not None] for slot, feats in enumerate(self.lent_of(key))])
        if self.kind == "pos":
            third.append(key.isupper())
            alpha.append(any(ch.isalpha() for ch in key))
            lower = normal(key).lower()
            self.lowers.append(lower)
            self.pair_flag_lists[0].append(lower in self.pair_words[0])
            self.pair_flag_lists[1].append(lower in self.pair_words[1])
        else:
            third.append(self.tag_number.get(key[1], self.tag_base - 1))
            alpha.append(False)
        found = self.memo[key] = len(own) - 1
        return found

    def _arrays(self) -> tuple:
        import numpy as np

        arrays, lists = self.arrays, self.lists
        done, total = len(arrays[0]), len(lists[0])
        if total > done:
            new = np.full((total - done, 4, self.width), self.decoder.padding, dtype=np.intp)
            for k, slots in enumerate(lists[1][done:]):
                for slot, slot_ids in enumerate(slots):
                    new[k, slot, :len(slot_ids)] = slot_ids
            self.arrays = (np.concatenate([arrays[0], np.asarray(lists[0][done:], dtype=np.intp)]),
                           np.concatenate([arrays[1], new]),
                           np.concatenate([arrays[2], np.asarray(lists[2][done:], dtype=np.intp)]),
                           np.concatenate([arrays[3], np.asarray(lists[3][done:], dtype=bool)]))
        return self.arrays

    def matrix(self, sentences: list[list]) -> tuple:
        """``(rows, attributes, lengths)`` for :meth:`Decoder.decode`, sentences none empty."""
        import numpy as np

        pad = self.decoder.padding
        get = self.memo.get
        keys = [key for sentence in sentences for key in sentence]
        words = [get(key) for key in keys]
        if None in words:
            add = self._add
            for k, word in enumerate(words):
                if word is None:
                    words[k] = get(keys[k]) if keys[k] in self.memo else add(keys[k])
        own, lent, third, alpha = self._arrays()
        index = np.asarray(words, dtype=np.intp)
        n = len(index)
        lengths = np.fromiter(map(len, sentences), dtype=np.intp, count=len(sentences))
        sentence_of = np.repeat(np.arange(len(lengths)), lengths)
        starts = np.cumsum(lengths) - lengths
        position = np.arange(n) - starts[sentence_of]
        last = (lengths - 1)[sentence_of]
        width = self.width
        pairs = 2 if self.kind == "pos" else 0
        matrix = np.full((3 + 4 * width + len(self.tables) + pairs, n), pad, dtype=np.intp)
        caps_id, bos_id, eos_id = self.flag_ids
        if caps_id is not None and self.kind == "pos":
            letters = alpha[index]
            with_letters = np.bincount(sentence_of, weights=letters, minlength=len(lengths))
            in_capitals = np.bincount(sentence_of, weights=letters & third[index].astype(bool), minlength=len(lengths))
            matrix[0, ((with_letters >= 3) & (in_capitals == with_letters))[sentence_of]] = caps_id
        if bos_id is not None:
            matrix[1, position == 0] = bos_id
        if eos_id is not None:
            matrix[2, position == last] = eos_id
        for slot, shift in enumerate(_SHIFTS):
            lends = np.flatnonzero((position + shift >= 0) & (position + shift <= last))
            matrix[3 + slot * width:3 + (slot + 1) * width, lends] = lent[index[lends + shift], slot].T
        if self.tables:
            numbers = third[index]
            base = self.tag_base
            for row, (offsets, table) in enumerate(self.tables, start=3 + 4 * width):
                inside = np.flatnonzero((position + offsets[0] >= 0) & (position + offsets[-1] <= last))
                flat = np.zeros(len(inside), dtype=np.intp)
                for offset in offsets:
                    flat = flat * base + numbers[inside + offset]
                matrix[row, inside] = table[flat]
        if pairs and n > 1:
            # tokens k - 1 and k of one sentence whose words may make a bigram attribute of the model
            starts_pair, ends_pair = self._pair_flags()
            maybe = np.flatnonzero((position[1:] > 0) & starts_pair[index[:-1]] & ends_pair[index[1:]])
            keys = ((index[maybe] << 32) | index[maybe + 1]).tolist()
            found = list(map(self.pair_ids.get, keys))
            if None in found:
                for k, value in enumerate(found):
                    if value is None:
                        found[k] = self._pair(keys[k])
            if found:
                row = matrix.shape[0] - 2
                before_after = np.asarray(found, dtype=np.intp).reshape(-1, 2)
                matrix[row, maybe + 1] = before_after[:, 0]
                matrix[row + 1, maybe] = before_after[:, 1]
            if len(self.pair_ids) > _PAIRS_KEPT:
                self.pair_ids.clear()
        return own[index], matrix, lengths

    def _pair_flags(self) -> tuple:
        """Per word number: whether its lowered form starts a bigram attribute, and whether it ends one."""
        import numpy as np

        done, lists = len(self.pair_flags[0]), self.pair_flag_lists
        if len(lists[0]) > done:
            self.pair_flags = tuple(np.concatenate([flags, np.asarray(more[done:], dtype=bool)])
                                    for flags, more in zip(self.pair_flags, lists))
        return self.pair_flags

    def _pair(self, key: int) -> tuple[int, int]:
        """The ids of the bigram attributes of a pair of word numbers (``first << 32 | second``):
        the one the second word has (``b-=``) and the one the first has (``b+=``)."""
        ids, pad = self.decoder.ids, self.decoder.padding
        pair = self.lowers[key >> 32] + "|" + self.lowers[key & 0xFFFFFFFF]
        found = self.pair_ids[key] = (ids.get("b-=" + pair, pad), ids.get("b+=" + pair, pad))
        return found


#: Memoised word pairs kept before the memo starts again.
_PAIRS_KEPT = 1_000_000


def _model_path(kind: str) -> Path:
    return config.RESOURCES_DIR / (POS_MODEL_FILE if kind == "pos" else CHUNK_MODEL_FILE)


@functools.lru_cache(maxsize=2)
def model(kind: str) -> Model:
    """The shipped tagger (``"pos"``) or chunker (``"chunks"``), loaded once.

    Raises:
        ResourceMissingError: the model is not installed; the message names the fix.
    """
    source = _model_path(kind)
    if not source.is_file():
        what = "part-of-speech tagger" if kind == "pos" else "chunker"
        raise resources.ResourceMissingError(
            f"The {what} model {source} is missing. Fix: reinstall news-analysis, or rebuild it with "
            f"`python -m analysis.train {kind}` (needs ../shared/eval/conll2003 and python-crfsuite)."
        )
    return Model(source, kind)


def _check_engine(engine: str) -> None:
    if engine not in ("numpy", "crfsuite"):
        raise ValueError(f"engine must be 'numpy' or 'crfsuite', not {engine!r}")


def pos_tags(token_lists: Sequence[Sequence[str]], *, engine: str = "numpy") -> list[list[str]]:
    """Penn Treebank part-of-speech tags (CoNLL-2003's), one list per sentence.

    Args:
        token_lists: sentences as lists of tokens (as :func:`analysis.text.token_spans` cuts them).
        engine: ``"numpy"`` (default) or ``"crfsuite"`` (python-crfsuite, the reference); the tags are identical.
    """
    _check_engine(engine)
    lists = [list(tokens) for tokens in token_lists]
    if not lists:
        return []
    with _TAGGING:
        return model("pos").tag(lists, engine)


def chunk_tags(token_lists: Sequence[Sequence[str]], pos: Sequence[Sequence[str]] | None = None, *,
               engine: str = "numpy") -> list[list[str]]:
    """IOB2 chunk tags (``B-NP``, ``I-NP``, ``B-VP``, ``B-PP``, ..., ``O``), one list per sentence.

    Args:
        token_lists: sentences as lists of tokens.
        pos: their part-of-speech tags; None tags them with :func:`pos_tags` (as the chunker was trained).
        engine: as for :func:`pos_tags`.

    Raises:
        ValueError: ``pos`` does not fit ``token_lists``.
    """
    _check_engine(engine)
    lists = [list(tokens) for tokens in token_lists]
    if not lists:
        return []
    with _TAGGING:
        if pos is None:
            pos = model("pos").tag(lists, engine)
        pos = [list(tags) for tags in pos]
        if len(pos) != len(lists) or any(len(t) != len(w) for t, w in zip(pos, lists)):
            raise ValueError("pos must give one tag per token of every sentence")
        return model("chunks").tag([list(zip(w, t)) for w, t in zip(lists, pos)], engine)


def parse(token_lists: Sequence[Sequence[str]], *, engine: str = "numpy") -> list[list[tuple[str, str, str]]]:
    """``(word, part-of-speech tag, chunk tag)`` for every token of every sentence."""
    lists = [list(tokens) for tokens in token_lists]
    pos, chunks = parse_columns(lists, engine=engine)
    return [list(zip(w, p, c)) for w, p, c in zip(lists, pos, chunks)]


def parse_columns(token_lists: Sequence[Sequence[str]], *,
                  engine: str = "numpy") -> tuple[list[list[str]], list[list[str]]]:
    """The part-of-speech tags and the chunk tags of every sentence, as two lists (what
    :func:`parse` gives, without zipping them with the words)."""
    lists = [list(tokens) for tokens in token_lists]
    if not lists:
        return [], []
    _check_engine(engine)
    with _TAGGING:
        pos = model("pos").tag(lists, engine)
        chunks = model("chunks").tag([list(zip(w, t)) for w, t in zip(lists, pos)], engine)
    return pos, chunks


def chunk_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(type, start, end)`` of every chunk (``end`` exclusive) of IOB1 or IOB2 tags: a chunk starts
    at ``B-X``, or at ``I-X`` after ``O`` or another type, and ends before ``O``, ``B-`` or another type.

    >>> chunk_spans(["B-NP", "I-NP", "B-VP", "I-NP", "B-NP", "O"])
    [('NP', 0, 2), ('VP', 2, 3), ('NP', 3, 4), ('NP', 4, 5)]
    """
    return _spans(tags)


# ---------------------------------------------------------------------------------------------
# Data, training and evaluation


def read_columns(path: str | Path) -> list[list[tuple[str, str, str, str]]]:
    """Sentences of a CoNLL-2003 file as ``(word, pos, chunk, ner)`` rows (``-DOCSTART-`` skipped);
    chunk and name tags made IOB2; a tag with alternatives (``NN|SYM``) keeps the first.

    Raises:
        ValueError: a line without four columns (the message names it).
    """
    from analysis.evaluate import conll_rows, iob2

    out = []
    for sentence in conll_rows(path, columns=4, expected="word, part of speech, chunk and name tag"):
        words = [row[0] for row in sentence]
        tags = [row[1].split("|")[0] for row in sentence]
        out.append(list(zip(words, tags, iob2(row[2] for row in sentence), iob2(row[-1] for row in sentence))))
    return out


def _train(items: list, labels: list, out: Path, options: dict) -> None:
    """Train a CRF (L-BFGS) and write it to ``out`` (through a temporary file in its folder)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs")
    trainer.set_params({key: options[key] for key in sorted(options)})
    for xs, ys in zip(items, labels):
        trainer.append(pycrfsuite.ItemSequence(xs), ys)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    try:
        trainer.train(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _info(data: Path, sentences: list, options: dict, began: float) -> dict:
    return {"sentences": len(sentences), "tokens": sum(map(len, sentences)), "options": dict(options),
            "seconds": round(time.perf_counter() - began, 1),
            "data_sha256": hashlib.sha256(Path(data).read_bytes()).hexdigest()}


def train_pos(path: str | Path, out: str | Path, *, options: dict | None = None) -> dict:
    """Train the part-of-speech tagger on a CoNLL-2003 file and write the model to ``out``."""
    began = time.perf_counter()
    options = dict(POS_OPTIONS if options is None else options)
    sentences = read_columns(path)
    _train([pos_features([r[0] for r in s]) for s in sentences], [[r[1] for r in s] for s in sentences],
           Path(out), options)
    return _info(Path(path), sentences, options, began)


def train_chunks(path: str | Path, out: str | Path, *, options: dict | None = None, folds: int = JACKKNIFE_FOLDS,
                 pos_options: dict | None = None) -> dict:
    """Train the chunker on a CoNLL-2003 file and write the model to ``out``.

    With ``folds`` > 1 the part-of-speech tags it learns from are predicted, by jackknifing: the
    sentences are dealt into ``folds`` parts (sentence k to part k % folds), and each part is
    tagged by a tagger trained on the others (``pos_options``). With ``folds`` 0 or 1 it learns
    from CoNLL's tags."""
    began = time.perf_counter()
    options = dict(CHUNK_OPTIONS if options is None else options)
    sentences = read_columns(path)
    words = [[r[0] for r in s] for s in sentences]
    tags = [[r[1] for r in s] for s in sentences]
    if folds > 1:
        tags = _jackknifed_tags(words, tags, folds, dict(POS_OPTIONS if pos_options is None else pos_options))
    _train([chunk_features(w, t) for w, t in zip(words, tags)], [[r[2] for r in s] for s in sentences],
           Path(out), options)
    info = _info(Path(path), sentences, options, began)
    gold = [r[1] for s in sentences for r in s]
    predicted = [t for s in tags for t in s]
    info["folds"] = folds if folds > 1 else 0
    info["training_tag_accuracy"] = sum(g == p for g, p in zip(gold, predicted)) / max(len(gold), 1)
    return info


def _jackknifed_tags(words: list, gold: list, folds: int, options: dict) -> list[list[str]]:
    """Each sentence's tags as predicted by a tagger trained on the other parts (sentence k in part k % folds)."""
    tags: list = [None] * len(words)
    with tempfile.TemporaryDirectory(prefix="news-analysis-jackknife-") as folder:
        for fold in range(folds):
            rest = [k for k in range(len(words)) if k % folds != fold]
            held = [k for k in range(len(words)) if k % folds == fold]
            path = Path(folder) / f"pos-fold{fold}.crfsuite"
            _train([pos_features(words[k]) for k in rest], [gold[k] for k in rest], path, options)
            for k, predicted in zip(held, Model(path, "pos").tag([words[k] for k in held])):
                tags[k] = predicted
    return tags


def _known_words(train: str | Path | None) -> set[str] | None:
    path = Path(train) if train is not None else DEFAULT_TRAIN
    if not path.is_file():
        return None
    return {r[0] for s in read_columns(path) for r in s}


def evaluate_pos(path: str | Path = DEFAULT_VALID, *, train: str | Path | None = None) -> dict:
    """Tag a CoNLL-2003 file and score the tags against its own.

    Returns:
        ``sentences``, ``tokens``, ``accuracy``; ``unknown_tokens`` and ``unknown_accuracy``, on the
        tokens not in the training file ``train`` (default CoNLL's train.txt; None when it is
        absent); and ``tokens_per_second`` (features included).
    """
    sentences = read_columns(path)
    words = [[r[0] for r in s] for s in sentences]
    pos_tags(words[:1])                          # load the model before timing
    began = time.perf_counter()
    predicted = pos_tags(words)
    seconds = time.perf_counter() - began
    pairs = [(r[0], r[1], p) for s, ps in zip(sentences, predicted) for r, p in zip(s, ps)]
    known = _known_words(train)
    result = {"sentences": len(sentences), "tokens": len(pairs),
              "accuracy": sum(g == p for _, g, p in pairs) / max(len(pairs), 1),
              "unknown_tokens": None, "unknown_accuracy": None,
              "tokens_per_second": len(pairs) / seconds if seconds else float("inf")}
    if known is not None:
        unknown = [(g, p) for w, g, p in pairs if w not in known]
        result["unknown_tokens"] = len(unknown)
        result["unknown_accuracy"] = sum(g == p for g, p in unknown) / len(unknown) if unknown else None
    return result


def chunk_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict:
    """Exact-span precision, recall and F1 of chunk tags (as conlleval counts them): ``overall``
    and per type (``types``: type -> precision, recall, f1, gold, predicted)."""
    counts: dict[str, list[int]] = {}
    for gold_tags, predicted_tags in zip(gold, predicted):
        gold_spans, predicted_spans = set(chunk_spans(gold_tags)), set(chunk_spans(predicted_tags))
        for kind, *_ in gold_spans:
            counts.setdefault(kind, [0, 0, 0])[2] += 1
        for span in predicted_spans:
            entry = counts.setdefault(span[0], [0, 0, 0])
            entry[1] += 1
            entry[0] += span in gold_spans

    def scores(tp, pred, true):
        precision = tp / pred if pred else 0.0
        recall = tp / true if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "gold": true, "predicted": pred}

    order = sorted(counts, key=lambda k: (k not in CHUNK_TYPES, CHUNK_TYPES.index(k) if k in CHUNK_TYPES else 0, k))
    return {"overall": scores(*(sum(c[i] for c in counts.values()) for i in range(3))),
            "types": {kind: scores(*counts[kind]) for kind in order}}


def evaluate_chunks(path: str | Path = DEFAULT_VALID, *, gold_pos: bool = False) -> dict:
    """Chunk a CoNLL-2003 file and score the chunks against its own, with predicted tags as at run
    time (``gold_pos``: with the file's tags instead).

    Returns:
        ``precision``, ``recall``, ``f1`` (overall), ``types`` (per chunk type, see
        :func:`chunk_scores`), ``pos_accuracy`` of the tags the chunker was given, ``sentences``,
        ``tokens`` and ``tokens_per_second`` (tagging and chunking, features included).
    """
    sentences = read_columns(path)
    words = [[r[0] for r in s] for s in sentences]
    gold_tags = [[r[1] for r in s] for s in sentences]
    parse(words[:1])                             # load the models before timing
    began = time.perf_counter()
    pos = gold_tags if gold_pos else pos_tags(words)
    predicted = chunk_tags(words, pos)
    seconds = time.perf_counter() - began
    scores = chunk_scores([[r[2] for r in s] for s in sentences], predicted)
    tokens = sum(map(len, words))
    right = sum(g == p for gs, ps in zip(gold_tags, pos) for g, p in zip(gs, ps))
    return {**{k: scores["overall"][k] for k in ("precision", "recall", "f1")}, "types": scores["types"],
            "gold_pos": gold_pos, "pos_accuracy": right / max(tokens, 1), "sentences": len(sentences),
            "tokens": tokens, "tokens_per_second": tokens / seconds if seconds else float("inf")}
