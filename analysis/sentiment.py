"""Sentiment: VADER per sentence, article aggregates, and sentiment toward a target mention.

Sentences are scored one by one with NLTK's ``SentimentIntensityAnalyzer`` on the VADER lexicon
shipped in the ``vaderSentiment`` wheel (see :mod:`analysis.resources`). Articles are never scored as
one text: VADER's compound saturates on long texts, so an article's score aggregates its sentences.

Sentiment toward a target ("Kyiv welcomed the aid as Moscow shelled Kharkiv": positive toward
Kyiv, negative toward Moscow) comes from :func:`target_sentiment`, a small logistic-regression model
over VADER valences weighted by distance and clause, attribution, quotes and the words around the
mention, trained on NewsMTSC (``python -m analysis.train target-sentiment``).

>>> scores = sentence_sentiment(sents)                       # doctest: +SKIP
>>> article_sentiment(scores)                                # doctest: +SKIP
>>> target_sentiment(pd.DataFrame({"text": [...], "start": [...], "end": [...]}))  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import config, resources
from analysis.text import select_roles

#: VADER's usual thresholds on the compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
LABELS = ("negative", "neutral", "positive")
SENTENCE_COLUMNS = ["article_id", "sent_id", "neg", "neu", "pos", "compound", "label", "para_id", "role", "text"]
MODEL_FILE = "models/target_sentiment.json.gz"


def label_of(compound: float) -> str:
    """VADER's three-way label: positive at >= 0.05, negative at <= -0.05, else neutral."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"




# --------------------------------------------------------------------------------------------
# Sentences and articles
# --------------------------------------------------------------------------------------------

def sentence_sentiment(
    sents: pd.DataFrame,
    *,
    roles: Sequence[str] | None = ("body",),
    progress: bool | None = None,
    engine: str = "fast",
) -> pd.DataFrame:
    """Score every sentence with VADER.

    Args:
        sents: the sentences table from :func:`analysis.sentences`.
        roles: paragraph roles to score (default body only; ``None`` scores every sentence, e.g. to
            draw an arc with the captions and promos marked).
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.
        engine: ``"fast"`` (default), :mod:`analysis.vader`, or ``"nltk"``, NLTK's own
            ``SentimentIntensityAnalyzer`` (the reference); both give identical tables.

    Returns:
        A DataFrame, one row per sentence: ``article_id``, ``sent_id``, ``neg``, ``neu``, ``pos``,
        ``compound`` (NLTK's own ``polarity_scores``), ``label`` (positive / neutral / negative at
        +-0.05), and ``para_id``, ``role``, ``text`` carried over.

    >>> sentence_sentiment(sents).label.value_counts()     # doctest: +SKIP
    """
    from tqdm import tqdm

    if engine not in ("fast", "nltk"):
        raise ValueError(f"engine must be 'fast' or 'nltk', not {engine!r}")
    selected = select_roles(sents, roles)
    rows = []
    show = config.progress_enabled(progress)
    texts = tqdm(selected["text"].tolist(), total=len(selected), desc="Sentiment", unit="sentence", disable=not show)
    if engine == "fast":
        from analysis import vader

        table = vader.score_many(texts).tolist()
    else:
        analyzer = resources.vader_analyzer()
        table = [(s["neg"], s["neu"], s["pos"], s["compound"]) for s in map(analyzer.polarity_scores, texts)]
    for article_id, sent_id, para_id, role, text, (neg, neu, pos, compound) in zip(
        *(selected[c].tolist() for c in ("article_id", "sent_id", "para_id", "role", "text")), table,
    ):
        rows.append((article_id, sent_id, neg, neu, pos, compound, label_of(compound), para_id, role, text))
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return frame.astype({"sent_id": "int64", "para_id": "int64", "neg": "float64", "neu": "float64",
                         "pos": "float64", "compound": "float64"})


def _scores(sents: pd.DataFrame, roles) -> pd.DataFrame:
    """Sentence scores: computed, or taken as they are when ``sents`` already has them."""
    if "compound" in sents.columns:
        return select_roles(sents, roles) if "role" in sents.columns else sents
    return sentence_sentiment(sents, roles=roles, progress=False)


def article_sentiment(
    sents: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    arts: pd.DataFrame | None = None,
    roles: Sequence[str] | None = ("body",),
) -> pd.DataFrame:
    """Aggregate sentence scores per article, or per group of articles.

    Args:
        sents: the sentences table, or the table from :func:`sentence_sentiment` (not rescored).
        by: group by this column instead of by article: a column of ``sents`` or of ``arts``
            (``source``...), or ``day``, ``week``, ``month``, ``year`` of ``published``.
        arts: the articles table, to group by its columns; per article, its columns (title,
            source, published...; not the text) are added to the result.
        roles: paragraph roles that count (default body only).

    Returns:
        A DataFrame, one row per article (``article_id``) or group (the ``by`` columns):
        ``sentences``, ``mean_compound`` (mean over the sentences), ``share_negative``,
        ``share_neutral``, ``share_positive`` (shares of sentences by label), ``most_negative`` and
        ``most_negative_compound``, ``most_positive`` and ``most_positive_compound`` (the sentence
        with the lowest and the highest compound; the first one on ties), and
        ``most_negative_article`` / ``most_positive_article`` when grouped by something else than
        the article.
    """
    from analysis.terms import _with_groups

    scores = _scores(sents, roles)
    keys = ["article_id"] if by is None else None
    if by is not None:
        scores, keys = _with_groups(scores, by, arts)
    ordered = scores.sort_values([*keys, "article_id", "sent_id"], kind="stable") if by is not None else scores
    grouped = ordered.groupby(keys, sort=True, dropna=False)
    summary = grouped.agg(
        sentences=("compound", "size"),
        mean_compound=("compound", "mean"),
        share_negative=("label", lambda s: float((s == "negative").mean())),
        share_neutral=("label", lambda s: float((s == "neutral").mean())),
        share_positive=("label", lambda s: float((s == "positive").mean())),
    )
    low = ordered.loc[grouped["compound"].idxmin()].set_index(keys)
    high = ordered.loc[grouped["compound"].idxmax()].set_index(keys)
    summary["most_negative"] = low["text"]
    summary["most_negative_compound"] = low["compound"]
    summary["most_positive"] = high["text"]
    summary["most_positive_compound"] = high["compound"]
    if by is not None:
        summary["most_negative_article"] = low["article_id"]
        summary["most_positive_article"] = high["article_id"]
    summary = summary.reset_index()
    if by is None and arts is not None:
        summary = summary.merge(arts.drop(columns=[c for c in ("text",) if c in arts.columns]), on="article_id",
                                how="left")
    return summary


def extremes(scores: pd.DataFrame, *, n: int = 10) -> pd.DataFrame:
    """The ``n`` most negative and ``n`` most positive sentences of a :func:`sentence_sentiment` table.

    Returns:
        ``side`` (most negative / most positive), ``article_id``, ``sent_id``, ``compound``,
        ``text``; most extreme first on each side.
    """
    columns = ["article_id", "sent_id", "compound", "text"]
    negative = scores[scores["compound"] < 0].sort_values(["compound", "article_id", "sent_id"], kind="stable").head(n)
    positive = scores[scores["compound"] > 0].sort_values(["compound", "article_id", "sent_id"],
                                                          ascending=[False, True, True], kind="stable").head(n)
    return pd.concat([negative[columns].assign(side="most negative"), positive[columns].assign(side="most positive")],
                     ignore_index=True)[["side", *columns]]


def over_time(scores: pd.DataFrame, arts: pd.DataFrame, *, freq: str = "W") -> pd.DataFrame:
    """Mean sentence compound per period of publication, with its standard error.

    Returns:
        ``period`` (its start), ``sentences``, ``articles``, ``mean_compound``, ``se`` (standard
        error of the mean), ``share_negative``, ``share_positive``; periods without articles are
        left out.
    """
    from analysis.terms import PERIODS

    code = PERIODS.get(freq, freq)
    published = scores["article_id"].map(arts.drop_duplicates("article_id").set_index("article_id")["published"])
    stamps = pd.to_datetime(published, utc=True).dt.tz_localize(None)
    dated = scores.assign(period=stamps.dt.to_period(code).dt.start_time).dropna(subset=["period"])
    grouped = dated.groupby("period")
    table = grouped.agg(sentences=("compound", "size"), articles=("article_id", "nunique"),
                        mean_compound=("compound", "mean"), sd=("compound", "std"),
                        share_negative=("label", lambda s: float((s == "negative").mean())),
                        share_positive=("label", lambda s: float((s == "positive").mean())))
    table["se"] = (table.pop("sd") / np.sqrt(table["sentences"])).fillna(0.0)
    return table.reset_index()[["period", "sentences", "articles", "mean_compound", "se", "share_negative",
                                "share_positive"]]


# --------------------------------------------------------------------------------------------
# What VADER sees, word by word
# --------------------------------------------------------------------------------------------

def word_valences(text: str) -> tuple[list[str], list[float]]:
    """VADER's own per-word valences for one sentence, after its rules (negation, boosters, "but").

    Returns the words as VADER splits them and one valence per word (0 for words it does not know).
    """
    from nltk.sentiment.vader import SentiText

    analyzer = resources.vader_analyzer()
    constants = analyzer.constants
    sentitext = SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    words = sentitext.words_and_emoticons
    valences: list[float] = []
    for index, word in enumerate(words):
        lower = word.lower()
        # VADER skips boosters and "kind of" here, giving them no valence of their own.
        if lower in constants.BOOSTER_DICT or (lower == "kind" and index + 1 < len(words)
                                                and words[index + 1].lower() == "of"):
            valences.append(0.0)
            continue
        valences = analyzer.sentiment_valence(0, sentitext, word, index, valences)
    valences = analyzer._but_check(words, valences)
    return list(words), [float(v) for v in valences]


def explain(text: str) -> pd.DataFrame:
    """Show what VADER reads in one sentence: each word, its lexicon value and its final valence.

    Returns:
        ``word``, ``lexicon`` (the word's value in the VADER lexicon, NaN when it has none) and
        ``valence`` (after negation, boosters and "but"); plus the sentence's ``compound`` in
        ``attrs["compound"]``.
    """
    words, valences = word_valences(text)
    lexicon = resources.vader_analyzer().lexicon
    frame = pd.DataFrame({"word": words, "lexicon": [lexicon.get(w.lower(), np.nan) for w in words],
                          "valence": valences})
    frame.attrs["compound"] = resources.vader_analyzer().polarity_scores(text)["compound"]
    return frame


def lexicon_coverage(words: Iterable[str]) -> pd.DataFrame:
    """Which words the VADER lexicon knows, and their values (NaN: VADER is blind to the word)."""
    lexicon = resources.vader_analyzer().lexicon
    words = list(dict.fromkeys(words))
    return pd.DataFrame({"word": words, "in_lexicon": [w.lower() in lexicon for w in words],
                         "valence": [lexicon.get(w.lower(), np.nan) for w in words]})


# --------------------------------------------------------------------------------------------
# Sentiment toward a target
# --------------------------------------------------------------------------------------------

#: Words that make the mention next to them a speaker ("X said", "according to X").
SPEECH_WORDS = frozenset({
    "said", "says", "say", "told", "tells", "stated", "added", "wrote", "claimed", "argued", "insisted",
    "according", "tweeted", "declared", "announced", "warned", "noted", "explained", "asserted", "suggested",
})
PRONOUNS = frozenset({"he", "she", "they", "him", "her", "them", "his", "their"})
_CONTEXT_TOKEN_RE = re.compile(r"[\w'\u2019-]+|[^\w\s]")
_CLAUSE_BOUNDARY_RE = re.compile(r"^(?:[,;:\u2014\u2013()\"\u201c\u201d]|but|while|whereas|although|though|as|after"
                                 r"|because|who|which|that|and)$", re.IGNORECASE)
_QUOTES = '"\u201c\u201d'


def _word_offsets(text: str, words: list[str]) -> list[tuple[int, int]]:
    offsets, position = [], 0
    for word in words:
        found = text.find(word, position)
        found = position if found < 0 else found
        offsets.append((found, found + len(word)))
        position = found + len(word)
    return offsets


def target_features(text: str, start: int, end: int) -> dict[str, float]:
    """The features of the target-sentiment model for the mention ``text[start:end]``.

    VADER's sentence scores; VADER's word valences summed with weights that fall with the distance to
    the mention, on each side, near it and within its clause; whether the mention is a speaker
    ("X said", "according to X"), a pronoun, inside a quotation, at the start of the sentence; the
    words of the mention itself; and the words around it (by side), in its clause and in its sentence.
    """
    analyzer = resources.vader_analyzer()
    features: dict[str, float] = {}
    sentence = analyzer.polarity_scores(text)
    for key in ("neg", "neu", "pos", "compound"):
        features["s_" + key] = sentence[key]
    words, valences = word_valences(text)
    offsets = _word_offsets(text, words)
    inside = [i for i, (a, b) in enumerate(offsets) if a < end and b > start]
    first, last = (min(inside), max(inside)) if inside else (0, 0)
    sums = dict.fromkeys(("wpos", "wneg", "npos", "nneg", "lpos", "lneg", "rpos", "rneg"), 0.0)
    for i, value in enumerate(valences):
        if value == 0 or first <= i <= last:
            continue
        distance = first - i if i < first else i - last
        weighted = abs(value) / (1 + distance)
        sign = "pos" if value > 0 else "neg"
        sums["w" + sign] += weighted
        sums[("l" if i < first else "r") + sign] += weighted
        if distance <= 4:
            sums["n" + sign] += abs(value)
    features.update(sums)
    low, high = first, last
    while low > 0 and not _CLAUSE_BOUNDARY_RE.match(words[low - 1]):
        low -= 1
    while high < len(words) - 1 and not _CLAUSE_BOUNDARY_RE.match(words[high + 1]):
        high += 1
    clause_pos = clause_neg = 0.0
    for i in range(low, high + 1):
        if first <= i <= last:
            continue
        features["C_" + words[i].lower()] = 1
        if valences[i] > 0:
            clause_pos += valences[i]
        elif valences[i] < 0:
            clause_neg -= valences[i]
    features["cpos"], features["cneg"] = clause_pos, clause_neg
    tokens = [(m.group().lower(), m.start(), m.end()) for m in _CONTEXT_TOKEN_RE.finditer(text)]
    left = [t for t, _, b in tokens if b <= start]
    right = [t for t, a, _ in tokens if a >= end]
    for word in left[-6:]:
        features["L_" + word] = 1
    for word in right[:6]:
        features["R_" + word] = 1
    if left:
        features["L1_" + left[-1]] = 1
    if right:
        features["R1_" + right[0]] = 1
    for word, _, _ in tokens:
        features["B_" + word] = 1
    for word in _CONTEXT_TOKEN_RE.findall(text[start:end].lower()):
        features["M_" + word] = 1
    features["speaker"] = int(any(w in SPEECH_WORDS for w in right[:3]) or "according" in left[-3:])
    features["start"] = int(start < 3)
    features["pronoun"] = int(text[start:end].lower() in PRONOUNS)
    features["in_quote"] = int(sum(text[:start].count(q) for q in _QUOTES) % 2 == 1)
    features["has_quote"] = int(any(q in text for q in _QUOTES))
    return features


class TargetSentimentModel:
    """The shipped target-sentiment model: one weight vector and bias per class over named features.

    The weights already include the naive-Bayes log-count ratios they were trained on (NB-LR, Wang
    and Manning 2012), so scoring is a sparse dot product; no scikit-learn is needed to use it.
    """

    def __init__(self, spec: dict):
        self.spec = spec
        self.classes: list[str] = spec["classes"]
        self.index: dict[str, int] = {name: i for i, name in enumerate(spec["features"])}
        self.weights = np.asarray(spec["weights"], dtype="float64")  # classes x features
        self.bias = np.asarray(spec["bias"], dtype="float64")

    def decision(self, features: dict[str, float]) -> np.ndarray:
        scores = self.bias.copy()
        for name, value in features.items():
            column = self.index.get(name)
            if column is not None and value:
                scores += self.weights[:, column] * value
        return scores


@functools.lru_cache(maxsize=1)
def target_sentiment_model() -> TargetSentimentModel:
    """Load the shipped target-sentiment model (once).

    Raises:
        ResourceMissingError: the model file is missing; it names the command that rebuilds it.
    """
    path = config.RESOURCES_DIR / MODEL_FILE
    if not path.is_file():
        raise resources.ResourceMissingError(
            f"The target-sentiment model {path} is missing. Fix: reinstall news-analysis, or rebuild it with "
            "`python -m analysis.train target-sentiment` (needs ../shared/eval/newsmtsc and scikit-learn)."
        )
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return TargetSentimentModel(json.load(fh))


def target_sentiment(frame: pd.DataFrame, *, text: str = "text", start: str = "start", end: str = "end") -> pd.DataFrame:
    """Sentiment toward a target: the mention ``text[start:end]`` in each row.

    Args:
        frame: rows with a sentence ``text`` and the ``start``/``end`` of the target's mention in it
            (other columns are kept).
        text, start, end: the names of those columns.

    Returns:
        The rows, with ``label`` (negative / neutral / positive), ``score`` (from -1, negative, to 1,
        positive: the positive minus the negative share below) and ``p_negative``, ``p_neutral``,
        ``p_positive`` (the model's class scores, softmax-normalised).

    Raises:
        ValueError: a span that does not fit its text.
    """
    model = target_sentiment_model()
    out = frame.copy()
    decisions = []
    for row_text, row_start, row_end in zip(frame[text], frame[start], frame[end]):
        if not (0 <= row_start < row_end <= len(row_text)):
            raise ValueError(f"span ({row_start}, {row_end}) does not fit a text of {len(row_text)} characters")
        decisions.append(model.decision(target_features(row_text, int(row_start), int(row_end))))
    matrix = np.vstack(decisions) if decisions else np.zeros((0, len(model.classes)))
    shifted = np.exp(matrix - matrix.max(axis=1, keepdims=True)) if len(matrix) else matrix
    probs = shifted / shifted.sum(axis=1, keepdims=True) if len(matrix) else matrix
    order = {name: i for i, name in enumerate(model.classes)}
    for name in LABELS:
        out["p_" + name] = probs[:, order[name]] if len(matrix) else []
    out["label"] = [model.classes[i] for i in matrix.argmax(axis=1)] if len(matrix) else []
    out["score"] = out["p_positive"] - out["p_negative"]
    return out


def mentions_of(sents: pd.DataFrame, names: Iterable[str], *, roles: Sequence[str] | None = ("body",)) -> pd.DataFrame:
    """Find mentions of names in sentences, as rows for :func:`target_sentiment`.

    Args:
        names: words or phrases ("Russia", "Kyiv", "Joe Biden"), matched as whole words, any case.

    Returns:
        ``target`` (the name searched), ``article_id``, ``sent_id``, ``text`` (the sentence),
        ``start``, ``end`` (the mention within the sentence).
    """
    selected = select_roles(sents, roles)
    rows = []
    for name in dict.fromkeys(names):
        words = [re.escape(w) for w in name.split()]
        if not words:
            continue
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        for article_id, sent_id, sentence in zip(selected["article_id"], selected["sent_id"], selected["text"]):
            for match in pattern.finditer(sentence):
                rows.append((name, article_id, sent_id, sentence, match.start(), match.end()))
    frame = pd.DataFrame(rows, columns=["target", "article_id", "sent_id", "text", "start", "end"])
    return frame.astype({"sent_id": "int64", "start": "int64", "end": "int64"})


def target_summary(scored: pd.DataFrame, *, by: str = "target") -> pd.DataFrame:
    """Count target-sentiment labels per target: ``mentions``, ``negative``, ``neutral``,
    ``positive`` (shares) and ``mean_score``; most mentioned first."""
    grouped = scored.groupby(by)
    table = grouped.agg(mentions=("label", "size"), mean_score=("score", "mean"))
    for name in LABELS:
        table[name] = grouped["label"].apply(lambda s, n=name: float((s == n).mean()))
    table = table.reset_index()[[by, "mentions", *LABELS, "mean_score"]]
    return table.sort_values(["mentions", by], ascending=[False, True], kind="stable").reset_index(drop=True)
