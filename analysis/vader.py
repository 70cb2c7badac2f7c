"""A fast VADER scorer that gives exactly NLTK's ``SentimentIntensityAnalyzer.polarity_scores``.

NLTK's implementation rebuilds a dictionary of every (punctuation, word) pair for each sentence,
lowers and looks up the same tokens many times and formats strings to test idioms. This module does
the same arithmetic, in the same order, on tokens analysed once and cached:

* each whitespace token is analysed once per process (its stripped form, lower case, ALL CAPS,
  lexicon valence, booster value, negation) and kept in a cache (emptied at 500,000 tokens);
* a sentence with no lexicon word is answered without any rule at all;
* only lexicon words go through the rules (booster words, caps emphasis, negation, "never so",
  idioms, "kind of", "least"), then the "but" weighting and the punctuation emphasis.

The scores are NLTK's, quirks included (they are NLTK 3.10's, which differ from vaderSentiment's):

* a token is only stripped of punctuation when the punctuation is one of VADER's ``PUNC_LIST``
  strings (``cat,`` -> ``cat`` but ``cat),`` and ``"cat."`` stay as they are) and the rest is at least two
  characters long; tokens of one character are dropped;
* a word that occurs several times is scored every time in the context of its first occurrence;
* in the third word back, a preceding ``so`` or ``this`` multiplies by 1.25 even without ``never``
  (an operator-precedence slip in NLTK), and ``never``/``so``/``this`` and idioms are matched
  case-sensitively;
* the ``kind of`` / ``sort of`` / ``just enough`` dampener lowers the valence by 0.293 whatever its
  sign, and only where NLTK looks (two and three words back);
* the lexicon is looked up with the lower-cased token, so its mixed-case entries (``:D``) never match;
* an empty text (or one of single characters only) scores ``neu = 0.0``, a text with words but no
  lexicon word ``neu = 1.0``.

>>> from analysis import vader
>>> vader.polarity_scores("The talks were NOT a great success!")          # doctest: +SKIP
>>> vader.score_many(["Good.", "Bad."])                                    # doctest: +SKIP
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from itertools import compress
from operator import itemgetter

import numpy as np

from analysis import resources

#: The order of the columns of :func:`score_many`.
COLUMNS = ("neg", "neu", "pos", "compound")

# NLTK's VaderConstants, written out (values and word lists as NLTK 3.10 has them).
B_INCR = 0.293
B_DECR = -0.293
C_INCR = 0.733
N_SCALAR = -0.74
ALPHA = 15

NEGATE = frozenset([
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't", "aren't", "can't",
    "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt",
    "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't", "neednt",
    "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere", "oughtnt", "shant", "shouldnt",
    "uhuh", "wasnt", "werent", "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without",
    "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite",
])

_BOOSTERS_UP = [
    "absolutely", "amazingly", "awfully", "completely", "considerably", "decidedly", "deeply", "effing",
    "enormously", "entirely", "especially", "exceptionally", "extremely", "fabulously", "flipping",
    "flippin", "fricking", "frickin", "frigging", "friggin", "fully", "fucking", "greatly", "hella",
    "highly", "hugely", "incredibly", "intensely", "majorly", "more", "most", "particularly", "purely",
    "quite", "really", "remarkably", "so", "substantially", "thoroughly", "totally", "tremendously",
    "uber", "unbelievably", "unusually", "utterly", "very",
]
_BOOSTERS_DOWN = [
    "almost", "barely", "hardly", "kinda", "kindof", "kind-of", "less", "little", "marginally",
    "occasionally", "partly", "scarcely", "slightly", "somewhat", "sorta", "sortof", "sort-of",
]
#: Single-word boosters and dampeners (a token never contains a space).
BOOSTERS: dict[str, float] = {**dict.fromkeys(_BOOSTERS_UP, B_INCR), **dict.fromkeys(_BOOSTERS_DOWN, B_DECR)}
#: NLTK's two-word dampeners, which it only tests as the two or three words before a lexicon word.
BOOSTER_BIGRAMS = frozenset({("just", "enough"), ("kind", "of"), ("sort", "of")})

#: NLTK's special-case idioms, as token tuples (matched case-sensitively, as NLTK does).
IDIOMS: dict[tuple[str, ...], float] = {
    ("the", "shit"): 3,
    ("the", "bomb"): 3,
    ("bad", "ass"): 1.5,
    ("yeah", "right"): -2,
    ("cut", "the", "mustard"): 2,
    ("kiss", "of", "death"): -1.5,
    ("hand", "to", "mouth"): -2,
}
#: Every token of an idiom or a two-word dampener: no check is needed when none is near the word.
_IDIOM_TOKENS = frozenset(token for key in (*IDIOMS, *BOOSTER_BIGRAMS) for token in key)

#: NLTK's PUNC_LIST: the only leading or trailing punctuation VADER strips from a token.
PUNC_LIST = frozenset([".", "!", "?", ",", ";", ":", "-", "'", '"', "!!", "!!!", "??", "???", "?!?", "!?!",
                       "?!?!", "!?!?"])
#: ``str.translate`` table deleting ``string.punctuation`` (NLTK's REGEX_REMOVE_PUNCTUATION).
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_DELETE_PUNCTUATION = str.maketrans("", "", _PUNCTUATION)
_NO_PUNCTUATION = frozenset(_PUNCTUATION).isdisjoint

_SO_THIS = ("so", "this")
#: Words some rule looks at: negations, boosters (lower-cased); never, so, this, idiom words (as written).
_RULE_WORDS = NEGATE | set(BOOSTERS) | _IDIOM_TOKENS | {"never", "so", "this", "least", "kind"}
_CACHE_LIMIT = 500_000  # distinct tokens (about 240 bytes each) before the cache is emptied

# Fields of a token's analysis tuple.
_WORD, _LOWER, _UPPER, _VALENCE, _BOOST, _NEGATES, _HIT, _INERT = range(8)
_get_upper = itemgetter(_UPPER)
_get_hit = itemgetter(_HIT)

_MISSING = object()
_EMPTY = (0.0, 0.0, 0.0, 0.0)
_NEUTRAL = (0.0, 1.0, 0.0, 0.0)


def parse_lexicon(text: str) -> dict[str, float]:
    """Parse VADER's lexicon file as NLTK does: ``word<TAB>mean<TAB>...`` per line, last one wins."""
    lexicon = {}
    for line in text.split("\n"):
        word, measure = line.strip().split("\t")[0:2]
        lexicon[word] = float(measure)
    return lexicon


def strip_token(token: str) -> str:
    """VADER's handling of one whitespace token: drop one ``PUNC_LIST`` string before or after a word
    of at least two characters that has no other punctuation (``"cat,"`` -> ``cat``)."""
    if _NO_PUNCTUATION(token):
        return token
    bare = token.translate(_DELETE_PUNCTUATION)
    if len(bare) > 1:
        cut = len(token) - len(bare)
        if token.endswith(bare) and token[:cut] in PUNC_LIST:
            return bare
        if token.startswith(bare) and token[len(bare):] in PUNC_LIST:
            return bare
    return token


class VaderScorer:
    """VADER with NLTK's exact results, on a given lexicon (word -> mean valence).

    Use :func:`scorer` for the one on the project's lexicon. Not thread-safe to share while its token
    cache grows; one per thread or process is fine (each is cheap once the lexicon is parsed).
    """

    def __init__(self, lexicon: Mapping[str, float]):
        self.lexicon = dict(lexicon)
        self._tokens: dict[str, tuple | None] = {}
        self._hits: set[str] = set()   # raw tokens whose word is in the lexicon
        self._buts: set[str] = set()   # raw tokens whose word is "but" (any case)
        self._least = "least" not in self.lexicon

    # -- tokens -----------------------------------------------------------------------------

    def _analyse(self, tokens: list[str]) -> list[tuple | None]:
        """The analysis of each token (``None`` for one VADER drops), analysing and caching new ones."""
        cache = self._tokens
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
            self._hits.clear()
            self._buts.clear()
        lexicon = self.lexicon
        infos = []
        for raw in tokens:
            info = cache.get(raw, _MISSING)
            if info is _MISSING:
                if len(raw) < 2:
                    info = None
                else:
                    word = raw if _NO_PUNCTUATION(raw) else strip_token(raw)
                    lower = word.lower()
                    if lower == word:
                        lower = word  # one string, not two, in the cache
                    valence = lexicon.get(lower)
                    if lower in _RULE_WORDS or word in _RULE_WORDS or "n't" in lower:
                        negates = lower in NEGATE or "n't" in lower
                        boost = BOOSTERS.get(lower)
                        inert = False
                    else:  # inert: no rule looks at this word, before a lexicon word or as one (caps aside)
                        negates, boost, inert = False, None, True
                    info = (word, lower, word.isupper(), valence, boost, negates, valence is not None, inert)
                    if valence is not None:
                        self._hits.add(raw)
                    if lower == "but":
                        self._buts.add(raw)
                cache[raw] = info
            infos.append(info)
        return infos

    def tokens(self, text: str) -> list[str]:
        """The words VADER scores in ``text`` (NLTK's ``SentiText.words_and_emoticons``)."""
        return [info[_WORD] for info in self._analyse(text.split()) if info is not None]

    # -- scoring ----------------------------------------------------------------------------

    def _valence(self, words: list[tuple], i: int, n: int, cap_diff: bool) -> float:
        """The valence of the lexicon word at ``i`` after NLTK's rules (before "but")."""
        item = words[i]
        lower = item[_LOWER]
        if item[_BOOST] is not None or (lower == "kind" and i < n - 1 and words[i + 1][_LOWER] == "of"):
            return 0
        valence = item[_VALENCE]
        if cap_diff and item[_UPPER]:
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        if i == 0:
            return valence
        one = words[i - 1]
        if one[_HIT] is False:
            if one[_BOOST] is not None:
                valence = valence + _scalar(one, valence, cap_diff)
            if one[_NEGATES]:
                valence = valence * N_SCALAR
        if i > 1:
            two = words[i - 2]
            if two[_HIT] is False:
                if two[_BOOST] is not None:
                    valence = valence + _scalar(two, valence, cap_diff) * 0.95
                if two[_WORD] == "never" and one[_WORD] in _SO_THIS:
                    valence = valence * 1.5
                elif two[_NEGATES]:
                    valence = valence * N_SCALAR
            if i > 2:
                three = words[i - 3]
                if three[_HIT] is False:
                    if three[_BOOST] is not None:
                        valence = valence + _scalar(three, valence, cap_diff) * 0.9
                    if (three[_WORD] == "never" and two[_WORD] in _SO_THIS) or one[_WORD] in _SO_THIS:
                        valence = valence * 1.25
                    elif three[_NEGATES]:
                        valence = valence * N_SCALAR
                    if (item[_WORD] in _IDIOM_TOKENS or one[_WORD] in _IDIOM_TOKENS
                            or two[_WORD] in _IDIOM_TOKENS):
                        valence = _idioms(valence, words, i, n)
        if (self._least and one[_LOWER] == "least" and one[_HIT] is False
                and (i == 1 or (words[i - 2][_LOWER] != "at" and words[i - 2][_LOWER] != "very"))):
            valence = valence * N_SCALAR
        return valence

    def _score(self, text) -> tuple[float, float, float, float]:
        """``(neg, neu, pos, compound)`` of one text, rounded as NLTK rounds them."""
        if isinstance(text, str):
            raw = text.split()
        else:  # NLTK's own coercion (which fails, as there, on objects without .encode)
            raw = str(text.encode("utf-8")).split()
        cache = self._tokens
        try:
            infos = list(map(cache.__getitem__, raw))
        except KeyError:
            infos = self._analyse(raw)
        if self._hits.isdisjoint(raw):
            # No lexicon word: every valence is 0, so NLTK returns neu = 1 (or all 0 without words).
            return _EMPTY if infos.count(None) == len(infos) else _NEUTRAL
        words = list(filter(None, infos))
        n = len(words)
        caps = sum(map(_get_upper, words))
        cap_diff = 0 < caps < n
        positions = list(compress(range(n), map(_get_hit, words)))
        seen: dict[str, float] = {}
        values = []
        valence_at = self._valence
        for i in positions:
            info = words[i]
            word = info[_WORD]
            value = seen.get(word)
            if value is None:  # a repeated word keeps its first occurrence's context (NLTK)
                if (info[_INERT] and not (cap_diff and info[_UPPER])
                        and (i == 0 or words[i - 1][_INERT] and (i == 1 or words[i - 2][_INERT]
                                                                   and (i == 2 or words[i - 3][_INERT])))):
                    value = info[_VALENCE]  # no rule applies: the lexicon's valence, as NLTK ends up with
                else:
                    value = valence_at(words, i, n, cap_diff)
                seen[word] = value
            values.append(value)
        if not self._buts.isdisjoint(raw):
            but = next(k for k, info in enumerate(words) if info[_LOWER] == "but")
            values = [v * 0.5 if k < but else v * 1.5 if k > but else v for k, v in zip(positions, values)]
        return _combine(values, n, text)

    def polarity_scores(self, text: str) -> dict[str, float]:
        """NLTK's ``polarity_scores``: ``{"neg", "neu", "pos", "compound"}``, identical values."""
        neg, neu, pos, compound = self._score(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def score_many(self, texts: Iterable[str]) -> np.ndarray:
        """Score many texts: a float64 array of shape ``(len(texts), 4)``, columns :data:`COLUMNS`."""
        score = self._score
        rows = [score(text) for text in texts]
        if not rows:
            return np.zeros((0, 4), dtype="float64")
        return np.array(rows, dtype="float64")


def _scalar(word: tuple, valence: float, cap_diff: bool) -> float:
    """NLTK's ``scalar_inc_dec`` for a booster or dampener word before a lexicon word."""
    scalar = word[_BOOST]
    if valence < 0:
        scalar *= -1
    if cap_diff and word[_UPPER]:
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    return scalar


def _idioms(valence: float, words: list[tuple], i: int, n: int) -> float:
    """NLTK's ``_idioms_check`` (case-sensitive, as there)."""
    zero, one, two, three = words[i][_WORD], words[i - 1][_WORD], words[i - 2][_WORD], words[i - 3][_WORD]
    for key in ((one, zero), (two, one, zero), (two, one), (three, two, one), (three, two)):
        if key in IDIOMS:
            valence = IDIOMS[key]
            break
    if n - 1 > i:
        key = (zero, words[i + 1][_WORD])
        if key in IDIOMS:
            valence = IDIOMS[key]
    if n - 1 > i + 1:
        key = (zero, words[i + 1][_WORD], words[i + 2][_WORD])
        if key in IDIOMS:
            valence = IDIOMS[key]
    if (three, two) in BOOSTER_BIGRAMS or (two, one) in BOOSTER_BIGRAMS:
        valence = valence + B_DECR
    return valence


def _combine(values: list[float], n: int, text) -> tuple[float, float, float, float]:
    """NLTK's ``score_valence`` from the non-neutral candidates' valences (in sentence order) and the
    number of words; the other words have valence 0."""
    total_valence = float(sum(values))
    pos_sum = 0.0
    neg_sum = 0.0
    scored = 0
    for value in values:
        if value > 0:
            pos_sum += float(value) + 1
            scored += 1
        elif value < 0:
            neg_sum += float(value) - 1
            scored += 1
    neu_count = n - scored
    exclamations = min(text.count("!"), 4)
    questions = text.count("?")
    emphasis = exclamations * 0.292 + (0 if questions <= 1 else questions * 0.18 if questions <= 3 else 0.96)
    if total_valence > 0:
        total_valence += emphasis
    elif total_valence < 0:
        total_valence -= emphasis
    compound = total_valence / math.sqrt((total_valence * total_valence) + ALPHA)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += emphasis
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= emphasis
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (round(math.fabs(neg_sum / total), 3), round(math.fabs(neu_count / total), 3),
            round(math.fabs(pos_sum / total), 3), round(compound, 4))


@functools.lru_cache(maxsize=1)
def scorer() -> VaderScorer:
    """The scorer on the project's VADER lexicon, the very file NLTK's analyzer reads (cached).

    Raises:
        ResourceMissingError: the lexicon is not installed (``vaderSentiment`` missing).
    """
    import nltk.data

    name = resources.ensure_vader_lexicon()
    try:
        text = nltk.data.load(name)
    except LookupError as exc:
        raise resources.ResourceMissingError(
            f"NLTK cannot find the VADER lexicon {name} in {resources.nltk_data_dir()}. "
            "Fix: reinstall vaderSentiment (`pip install --force-reinstall vaderSentiment`)."
        ) from exc
    return VaderScorer(parse_lexicon(text))


def polarity_scores(text: str) -> dict[str, float]:
    """NLTK's ``SentimentIntensityAnalyzer().polarity_scores(text)``, exactly, faster."""
    return scorer().polarity_scores(text)


def score_many(texts: Iterable[str]) -> np.ndarray:
    """Score many texts: float64 array ``(n, 4)`` of neg, neu, pos, compound (see :data:`COLUMNS`)."""
    return scorer().score_many(texts)
