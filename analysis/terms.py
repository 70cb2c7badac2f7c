"""Terms and phrases: frequencies, distinctive terms, collocations, keyword in context, trends.

Every function takes the sentences table from :func:`analysis.sentences` and returns a DataFrame.
Terms are lower-cased words; n-grams are runs of words within one sentence that no punctuation
interrupts, and that neither start nor end with a stopword (so "rocket strikes" and "ministry of
finance" count, "of the" and "Kyiv, Moscow" do not). Multi-word expressions ("cruise missiles",
"joe biden") can be kept as single terms, given as a list or found by collocation strength.

Grouping (``by=``) takes a column of the sentences table, or of the articles table passed as
``arts=`` (``source``, ``language``...), or a period of the ``published`` column: ``"day"``,
``"week"``, ``"month"``, ``"year"``.

>>> sents = sentences(load_articles("seeds/"))                 # doctest: +SKIP
>>> term_frequency(sents, ngram=(1, 2)).head()                  # doctest: +SKIP
>>> keyword_in_context(sents, "Kharkiv")                        # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from analysis import resources
from analysis.text import CONTENT_ROLES, select_roles

#: A word: letters or digits joined by inner hyphens, apostrophes or ampersands ("no-fly",
#: "don't", "AT&T"), or initials with periods ("U.S.", "e.g.").
WORD_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_](?:[\w]|[-'\u2019&](?=\w))*")
_POSSESSIVE = ("'s", "\u2019s")
PERIODS = {"day": "D", "week": "W", "month": "M", "year": "Y", "quarter": "Q"}
MEASURES = ("pmi", "likelihood_ratio", "chi_sq", "student_t", "raw_freq", "poisson_stirling", "jaccard")
METHODS = ("log_odds", "log_likelihood", "tfidf")


# --------------------------------------------------------------------------------------------
# Words and segments
# --------------------------------------------------------------------------------------------

def _normal(word: str) -> str:
    word = word.lower()
    if "\u2019" in word:
        word = word.replace("\u2019", "'")
    if "'" in word and word.endswith("'s") and len(word) > 2:
        word = word[:-2]
    return word


def word_spans(text: str) -> Iterator[list[tuple[str, int, int]]]:
    """Yield the runs of words in a sentence that no punctuation interrupts.

    Each run is a list of ``(term, start, end)``: the lower-cased word (possessive ``'s``
    dropped, curly apostrophes straightened) and its offsets in ``text``. A number ends a run too,
    so that "fired 113 cruise missiles" never yields "fired cruise".
    """
    run: list[tuple[str, int, int]] = []
    previous_end = 0
    for match in WORD_RE.finditer(text):
        start, end = match.span()
        gap = text[previous_end:start]
        word = match.group()
        if run and gap and not gap.isspace():
            yield run
            run = []
        previous_end = end
        if not word[0].isalpha() and not any(ch.isalpha() for ch in word):
            if run:
                yield run
                run = []
            continue
        run.append((_normal(word), start, end))
    if run:
        yield run


def _stopword_set(stopwords) -> frozenset[str]:
    if stopwords is True:
        return resources.stopwords()
    if stopwords is False or stopwords is None:
        return frozenset()
    return frozenset(_normal(w) for w in stopwords)


class _Phrases:
    """Greedy longest-match merging of multi-word expressions into single terms."""

    def __init__(self, phrases: Iterable[str]):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(_normal(w) for w in WORD_RE.findall(phrase))
            if len(words) > 1:
                self.by_first.setdefault(words[0], []).append(words)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def merge(self, words: list[str]) -> list[str]:
        out, i = [], 0
        while i < len(words):
            for option in self.by_first.get(words[i], ()):
                if tuple(words[i:i + len(option)]) == option:
                    out.append(" ".join(option))
                    i += len(option)
                    break
            else:
                out.append(words[i])
                i += 1
        return out


#: A word (as :data:`WORD_RE`) or one character of anything else that is not a space: the
#: latter interrupts a run of words, as a non-space gap does in :func:`word_spans`.
_WORD_OR_MARK_RE = re.compile(WORD_RE.pattern + r"|\S")


def _runs(text: str, normal: dict) -> list[list[str]]:
    """The terms of :func:`word_spans` without their offsets (the same runs, sooner): words are
    found with ``findall`` and normalised through a cache."""
    runs, run = [], []
    for token in _WORD_OR_MARK_RE.findall(text):
        term = normal.get(token)
        if term is None:
            first = token[0]
            if first.isalnum() and first != "_" and (first.isalpha() or any(ch.isalpha() for ch in token)):
                term = _normal(token)
            elif first.isalnum() and first != "_":
                term = ""                      # a number: ends the run and is not a term
            else:
                term = False                   # a mark: ends the run
            if len(normal) < 500_000:
                normal[token] = term
        if term:
            run.append(term)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _term_runs(texts: Iterable[str], phrases: _Phrases | None) -> Iterator[list[list[str]]]:
    """For each sentence, its runs of (merged) terms."""
    normal: dict = {}
    for text in texts:
        runs = _runs(text, normal)
        if phrases:
            runs = [phrases.merge(run) for run in runs]
        yield runs


def _ngrams(run: list[str], lo: int, hi: int, stops: frozenset[str]) -> Iterator[tuple[str, int]]:
    """Yield ``(term, units)``: the n-grams of a run (a merged phrase counts as one unit)."""
    flags = [w in stops for w in run]
    size = len(run)
    for n in range(lo, hi + 1):
        for i in range(size - n + 1):
            if flags[i] or flags[i + n - 1]:
                continue
            yield (run[i] if n == 1 else " ".join(run[i:i + n])), n


def _ngram_list(run: list[str], lo: int, hi: int, stops: frozenset[str]) -> list[str]:
    """The terms of :func:`_ngrams`, in its order, as a list (sooner for unigrams and bigrams)."""
    if hi > 2:
        return [term for term, _ in _ngrams(run, lo, hi, stops)]
    flags = [w in stops for w in run]
    out = [w for w, stop in zip(run, flags) if not stop] if lo == 1 else []
    if hi == 2:
        out += [a + " " + b for a, b, stop_a, stop_b in zip(run, run[1:], flags, flags[1:])
                if not (stop_a or stop_b)]
    return out


# --------------------------------------------------------------------------------------------
# Grouping
# --------------------------------------------------------------------------------------------

def _with_groups(sents: pd.DataFrame, by, arts: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str]]:
    """Return the sentences with the grouping columns added, and those columns' names."""
    if by is None:
        return sents, []
    names = [by] if isinstance(by, str) else list(by)
    out = sents
    for name in names:
        if name in out.columns:
            continue
        if name in PERIODS:
            published = _column(out, "published", arts)
            stamps = pd.to_datetime(published, utc=True).dt.tz_localize(None)
            out = out.assign(**{name: stamps.dt.to_period(PERIODS[name]).dt.start_time})
            continue
        out = out.assign(**{name: _column(out, name, arts)})
    return out, names


def _column(sents: pd.DataFrame, name: str, arts: pd.DataFrame | None) -> pd.Series:
    if name in sents.columns:
        return sents[name]
    if arts is not None and name in arts.columns:
        mapping = arts.drop_duplicates("article_id").set_index("article_id")[name]
        return sents["article_id"].map(mapping)
    hint = "" if arts is not None else "; pass arts= (the articles table) to group by an article column"
    raise KeyError(f"no column {name!r} to group by{hint}")




def _ngram_range(ngram) -> tuple[int, int]:
    lo, hi = (ngram, ngram) if isinstance(ngram, int) else ngram
    if not 1 <= lo <= hi:
        raise ValueError(f"ngram must be n or (min, max) with 1 <= min <= max, got {ngram!r}")
    return lo, hi


def _resolve_phrases(sents, phrases, stopwords) -> _Phrases | None:
    if phrases is None or phrases is False:
        return None
    if isinstance(phrases, str):
        if phrases != "auto":
            raise ValueError('phrases= takes a list of phrases or "auto"')
        phrases = find_phrases(sents, stopwords=stopwords)["term"].tolist()
    return _Phrases(phrases)


# --------------------------------------------------------------------------------------------
# Frequencies
# --------------------------------------------------------------------------------------------

def _count(sents: pd.DataFrame, groups: list[str], lo: int, hi: int, stops, phrases):
    """Count terms per group: occurrences, articles containing them, units per term, and the
    total of all terms of each length in units (the denominator of ``share``).

    Occurrences are gathered in plain lists and counted once at the end with ``Counter``, whose
    counting of an iterable runs in C; merging per-article counters would run in Python.
    """
    occurrences: list = []
    distinct: list = []
    units: dict[str, int] = {}
    keys = list(zip(*(sents[g] for g in groups))) if groups else None
    current, seen = None, set()
    for index, (article_id, runs) in enumerate(zip(sents["article_id"], _term_runs(sents["text"], phrases))):
        key = keys[index] if keys is not None else ()
        if (key, article_id) != current:
            distinct.extend(seen)
            current, seen = (key, article_id), set()
        items = []
        for run in runs:
            for term, size in _ngrams(run, lo, hi, stops):
                units.setdefault(term, size)
                items.append((key, term))
        occurrences.extend(items)
        seen.update(items)
    distinct.extend(seen)
    counts = Counter(occurrences)
    docs = Counter(distinct)
    totals: Counter = Counter()
    for (key, term), value in counts.items():
        totals[(key, units[term])] += value
    return counts, docs, totals, units


def term_frequency(
    sents: pd.DataFrame,
    *,
    ngram: int | tuple[int, int] = (1, 1),
    by: str | Sequence[str] | None = None,
    arts: pd.DataFrame | None = None,
    stopwords: bool | Iterable[str] = True,
    min_count: int = 1,
    roles: Sequence[str] | None = CONTENT_ROLES,
    phrases: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Count terms and n-grams, overall or per group.

    Args:
        sents: the sentences table.
        ngram: ``n`` or ``(min, max)`` words per term.
        by: group by this column (or columns): one of the sentences table, one of ``arts``, or
            ``"day"``, ``"week"``, ``"month"``, ``"year"`` of the publication time.
        arts: the articles table, to group by its columns.
        stopwords: ``True`` drops stopwords (``resources/stopwords_en.txt``) as terms and as the
            first or last word of an n-gram; ``False`` keeps them; or give your own list.
        min_count: leave out terms counted fewer times (per group).
        roles: paragraph roles to read (default title and body); ``None`` reads everything.
        phrases: multi-word expressions to count as single terms: a list (``["cruise missiles"]``)
            or ``"auto"`` to find them with :func:`find_phrases`.

    Returns:
        A DataFrame, one row per term (and group): the ``by`` columns, ``term``, ``n`` (words in
        the term), ``count`` (occurrences), ``doc_count`` (articles it occurs in) and ``share``
        (count over all terms of the same length in the group; a phrase kept whole is one unit, so
        with ``phrases=`` the shares of single words and phrases sum to 1 together). Sorted by group, count (descending),
        then term.

    >>> term_frequency(sents, ngram=2).head(3)     # doctest: +SKIP
    """
    lo, hi = _ngram_range(ngram)
    stops = _stopword_set(stopwords)
    selected = select_roles(sents, roles)
    phrase_set = _resolve_phrases(selected, phrases, stopwords)
    grouped, groups = _with_groups(selected, by, arts)
    counts, docs, totals, units = _count(grouped, groups, lo, hi, stops, phrase_set)
    rows = []
    for (key, term), count in counts.items():
        if count < min_count:
            continue
        rows.append((*key, term, term.count(" ") + 1, count, docs[(key, term)], count / totals[(key, units[term])]))
    frame = pd.DataFrame(rows, columns=[*groups, "term", "n", "count", "doc_count", "share"])
    frame = frame.astype({"n": "int64", "count": "int64", "doc_count": "int64", "share": "float64"})
    frame = frame.sort_values([*groups, "count", "term"], ascending=[*([True] * len(groups)), False, True],
                              kind="stable")
    return frame.reset_index(drop=True)


def article_term_counts(
    sents: pd.DataFrame,
    *,
    ngram: int | tuple[int, int] = (1, 2),
    roles: Sequence[str] | None = CONTENT_ROLES,
) -> pd.DataFrame:
    """Term counts per article, lean: ``article_id``, ``term``, ``n``, ``count``, the counts of
    ``term_frequency(sents, ngram=ngram, by="article_id")`` (stopwords dropped, no phrases), in the
    articles' order and each article's terms in order of first use. :mod:`analysis.pipeline`
    caches these and sums them into corpus terms."""
    lo, hi = _ngram_range(ngram)
    stops = _stopword_set(True)
    selected = select_roles(sents, roles)
    per_article: dict = {}
    for article_id, runs in zip(selected["article_id"].tolist(), _term_runs(selected["text"].tolist(), None)):
        counts = per_article.get(article_id)
        if counts is None:
            counts = per_article[article_id] = Counter()
        for run in runs:
            counts.update(_ngram_list(run, lo, hi, stops))
    ids, terms_, values = [], [], []
    for article_id, counts in per_article.items():
        ids += [article_id] * len(counts)
        terms_ += counts.keys()
        values += counts.values()
    return pd.DataFrame({"article_id": pd.Series(ids, dtype=object),
                         "term": pd.Series(terms_, dtype=object),
                         "n": pd.Series([term.count(" ") + 1 for term in terms_], dtype="int64"),
                         "count": pd.Series(values, dtype="int64")})


# --------------------------------------------------------------------------------------------
# Distinctive terms
# --------------------------------------------------------------------------------------------

def distinctive_terms(
    sents: pd.DataFrame,
    *,
    by: str,
    arts: pd.DataFrame | None = None,
    method: str = "log_odds",
    ngram: int | tuple[int, int] = (1, 1),
    stopwords: bool | Iterable[str] = True,
    min_count: int = 3,
    top: int | None = 25,
    prior: float = 0.1,
    roles: Sequence[str] | None = CONTENT_ROLES,
    phrases: Iterable[str] | str | None = None,
) -> pd.DataFrame:
    """Find the terms that set each group apart from the rest of the corpus.

    Methods:
        ``log_odds``: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and
        Quinn 2008, "Fightin' Words"; as in scattertext). The prior is the whole corpus's counts
        times ``prior``; the score is the z-score of the log-odds difference between the group and
        the rest, so rare terms are not over-rated.
        ``log_likelihood``: Dunning's log-likelihood keyness (G2), signed: positive when the group
        uses the term more than the rest.
        ``tfidf``: term frequency in the group times smoothed inverse group frequency
        (``1 + ln((1 + groups) / (1 + groups using the term))``).

    Args:
        by: the grouping (see :func:`term_frequency`); it needs at least two groups.
        min_count: only terms counted at least this often in the whole corpus.
        top: keep this many highest-scoring terms per group (``None``: every term, with negative
            scores too).
        prior: strength of the log-odds prior, as a fraction of the corpus counts.

    Returns:
        A DataFrame: the ``by`` column, ``term``, ``n``, ``score``, ``count`` (in the group),
        ``count_other`` (in the rest), ``share`` and ``share_other`` (of all terms of each side),
        ``rank`` (1 = most distinctive in its group), ``group_total`` (all terms counted in the
        group, for its size). Sorted by group, then rank.

    Raises:
        ValueError: an unknown method, or fewer than two groups.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not isinstance(by, str):
        raise ValueError("distinctive_terms groups by one column (by='source', by='month'...)")
    tf = term_frequency(sents, ngram=ngram, by=by, arts=arts, stopwords=stopwords, roles=roles, phrases=phrases)
    if tf[by].nunique() < 2:
        raise ValueError(f"distinctive_terms needs at least two groups in {by!r}, found {tf[by].nunique()}")
    table = tf.pivot_table(index="term", columns=by, values="count", aggfunc="sum", fill_value=0)
    table = table[table.sum(axis=1) >= min_count]
    counts = table.to_numpy(dtype="float64")
    group_totals = counts.sum(axis=0)
    corpus = counts.sum(axis=1, keepdims=True)
    rest = corpus - counts
    rest_totals = group_totals.sum() - group_totals
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "log_odds":
            alpha = prior * corpus
            alpha0 = alpha.sum()
            odds_group = np.log((counts + alpha) / (group_totals + alpha0 - counts - alpha))
            odds_rest = np.log((rest + alpha) / (rest_totals + alpha0 - rest - alpha))
            variance = 1.0 / (counts + alpha) + 1.0 / (rest + alpha)
            score = (odds_group - odds_rest) / np.sqrt(variance)
        elif method == "log_likelihood":
            expected_group = group_totals * corpus / group_totals.sum()
            expected_rest = rest_totals * corpus / group_totals.sum()
            g2 = 2 * (np.where(counts > 0, counts * np.log(counts / expected_group), 0.0)
                      + np.where(rest > 0, rest * np.log(rest / expected_rest), 0.0))
            over = counts / group_totals > rest / np.where(rest_totals > 0, rest_totals, 1)
            score = np.where(over, g2, -g2)
        else:
            tf_share = counts / group_totals
            used_by = (counts > 0).sum(axis=1, keepdims=True)
            idf = 1.0 + np.log((1.0 + counts.shape[1]) / (1.0 + used_by))
            score = tf_share * idf
    rows = []
    terms = table.index.to_numpy()
    for j, group in enumerate(table.columns):
        order = np.lexsort((terms, -score[:, j]))
        kept = [i for i in order if counts[i, j] > 0] if top is not None else list(order)
        if top is not None:
            kept = kept[:top]
        for rank, i in enumerate(kept, start=1):
            rows.append((group, terms[i], terms[i].count(" ") + 1, float(score[i, j]), int(counts[i, j]),
                         int(rest[i, j]), counts[i, j] / group_totals[j], rest[i, j] / rest_totals[j], rank,
                         int(group_totals[j])))
    return pd.DataFrame(rows, columns=[by, "term", "n", "score", "count", "count_other", "share", "share_other",
                                       "rank", "group_total"])


# --------------------------------------------------------------------------------------------
# Collocations and phrases
# --------------------------------------------------------------------------------------------

def collocations(
    sents: pd.DataFrame,
    *,
    n: int = 2,
    measure: str = "likelihood_ratio",
    min_count: int = 3,
    stopwords: bool | Iterable[str] = True,
    top: int | None = 50,
    roles: Sequence[str] | None = CONTENT_ROLES,
) -> pd.DataFrame:
    """Score word pairs (or triples, quadruples) by how strongly they go together (NLTK).

    Candidates are n consecutive words within a sentence with no punctuation between them; with
    ``stopwords=True`` none of the words may be a stopword.

    Args:
        n: 2, 3 or 4 words.
        measure: an NLTK association measure: ``pmi``, ``likelihood_ratio``, ``chi_sq``,
            ``student_t`` (t-score), ``raw_freq``, ``poisson_stirling``, ``jaccard``.
        min_count: only n-grams seen at least this often.
        top: keep the best-scoring this many (``None``: all).

    Returns:
        A DataFrame: ``term`` (the words joined by spaces), ``n``, ``score``, ``count``,
        ``measure``; best first (ties by count, then term).
    """
    from nltk.collocations import (BigramCollocationFinder, QuadgramCollocationFinder,
                                   TrigramCollocationFinder)
    from nltk.metrics.association import BigramAssocMeasures, QuadgramAssocMeasures, TrigramAssocMeasures

    finders = {2: (BigramCollocationFinder, BigramAssocMeasures),
               3: (TrigramCollocationFinder, TrigramAssocMeasures),
               4: (QuadgramCollocationFinder, QuadgramAssocMeasures)}
    if n not in finders:
        raise ValueError(f"n must be 2, 3 or 4, got {n!r}")
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    finder_class, measures = finders[n]
    stops = _stopword_set(stopwords)
    runs = [run for sentence in _term_runs(select_roles(sents, roles)["text"], None) for run in sentence]
    finder = finder_class.from_documents(runs)
    finder.apply_freq_filter(min_count)
    if stops:
        finder.apply_word_filter(lambda w: w in stops)
    try:
        scored = finder.score_ngrams(getattr(measures, measure))
    except (NotImplementedError, TypeError) as exc:
        raise ValueError(f"NLTK has no {measure!r} measure for {n}-grams ({exc})") from None
    counts = finder.ngram_fd
    rows = [(" ".join(words), n, float(score), int(counts[words]), measure) for words, score in scored]
    frame = pd.DataFrame(rows, columns=["term", "n", "score", "count", "measure"])
    frame = frame.sort_values(["score", "count", "term"], ascending=[False, False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    return frame.head(top) if top is not None else frame


def find_phrases(
    sents: pd.DataFrame,
    *,
    min_count: int = 3,
    measure: str = "likelihood_ratio",
    threshold: float = 10.83,
    stopwords: bool | Iterable[str] = True,
    top: int | None = 500,
    roles: Sequence[str] | None = CONTENT_ROLES,
) -> pd.DataFrame:
    """Find multi-word expressions: word pairs that occur together far more than by chance.

    The default keeps pairs seen at least three times whose log-likelihood ratio exceeds 10.83
    (significant at p < 0.001). Pass the ``term`` column to ``phrases=`` of the other functions.

    Returns:
        The :func:`collocations` table of the pairs kept.
    """
    pairs = collocations(sents, n=2, measure=measure, min_count=min_count, stopwords=stopwords, top=None,
                         roles=roles)
    kept = pairs[pairs["score"] >= threshold] if measure == "likelihood_ratio" else pairs
    return kept.head(top).reset_index(drop=True) if top is not None else kept.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Keyword in context
# --------------------------------------------------------------------------------------------

def keyword_in_context(
    sents: pd.DataFrame,
    query: str,
    *,
    width: int = 40,
    regex: bool = False,
    case: bool = False,
    roles: Sequence[str] | None = CONTENT_ROLES,
) -> pd.DataFrame:
    """Find every occurrence of a word, phrase or pattern, with the text around it.

    Args:
        query: a word or phrase, matched as whole words (spaces match any whitespace, a
            possessive ``'s`` may follow), or a regular expression with ``regex=True``.
        width: characters of context on each side (within the sentence).
        case: match case (default: ignore it).

    Returns:
        A DataFrame, one row per match: ``article_id``, ``sent_id``, ``left``, ``match``,
        ``right``, ``start`` and ``end`` (offsets of the match in the article's text).
    """
    if not query or not query.strip():
        raise ValueError("keyword_in_context needs a non-empty query")
    if regex:
        pattern = re.compile(query, 0 if case else re.IGNORECASE)
    else:
        words = [re.escape(w) for w in query.split()]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", 0 if case else re.IGNORECASE)
    rows = []
    selected = select_roles(sents, roles)
    for article_id, sent_id, text, offset in zip(selected["article_id"], selected["sent_id"], selected["text"],
                                                 selected["start"]):
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            left = " ".join(text[max(0, start - width):start].split())
            right = " ".join(text[end:end + width].split())
            rows.append((article_id, sent_id, left, match.group(), right, offset + start, offset + end))
    frame = pd.DataFrame(rows, columns=["article_id", "sent_id", "left", "match", "right", "start", "end"])
    return frame.astype({"sent_id": "int64", "start": "int64", "end": "int64"})


# --------------------------------------------------------------------------------------------
# Trends
# --------------------------------------------------------------------------------------------

def trend(
    sents: pd.DataFrame,
    terms: Iterable[str],
    *,
    freq: str = "W",
    arts: pd.DataFrame | None = None,
    stopwords: bool | Iterable[str] = True,
    roles: Sequence[str] | None = CONTENT_ROLES,
) -> pd.DataFrame:
    """Relative frequency of terms per period of publication.

    Args:
        terms: words or phrases ("kharkiv", "cruise missiles"); phrases are counted as units.
        freq: ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"`` (or day, week, month, quarter, year).
        arts: the articles table, when the sentences have no ``published`` column.

    Returns:
        A DataFrame, one row per period and term, every period from the first to the last
        (missing ones with zero counts): ``period`` (start of the period), ``term``, ``count``,
        ``words`` (all words counted in the period) and ``per_10k`` (count per 10,000 words).
    """
    wanted = [" ".join(_normal(w) for w in WORD_RE.findall(t)) for t in terms]
    wanted = [t for t in dict.fromkeys(wanted) if t]
    if not wanted:
        raise ValueError("trend needs at least one term")
    code = PERIODS.get(freq, freq)
    if code not in PERIODS.values():
        raise ValueError(f"freq must be one of {sorted(PERIODS)} or {sorted(PERIODS.values())}, got {freq!r}")
    selected = select_roles(sents, roles)
    published = pd.to_datetime(_column(selected, "published", arts), utc=True)
    dated = selected.assign(period=published.dt.tz_localize(None).dt.to_period(code))
    dated = dated[dated["period"].notna()]
    phrase_set = _Phrases([t for t in wanted if " " in t])
    target = set(wanted)
    counts: Counter = Counter()
    words: Counter = Counter()
    for period, runs in zip(dated["period"], _term_runs(dated["text"], phrase_set)):
        for run in runs:
            words[period] += sum(term.count(" ") + 1 for term in run)
            for term in run:
                if term in target:
                    counts[(period, term)] += 1
    if dated.empty:
        return pd.DataFrame(columns=["period", "term", "count", "words", "per_10k"])
    periods = pd.period_range(dated["period"].min(), dated["period"].max(), freq=code)
    rows = []
    for period in periods:
        total = words.get(period, 0)
        for term in wanted:
            count = counts.get((period, term), 0)
            rows.append((period.start_time, term, count, total, 1e4 * count / total if total else 0.0))
    return pd.DataFrame(rows, columns=["period", "term", "count", "words", "per_10k"])



# --------------------------------------------------------------------------------------------
# Choosing comparisons for a corpus
# --------------------------------------------------------------------------------------------

def suggest_period(arts: pd.DataFrame, *, min_periods: int = 2) -> str | None:
    """The finest of ``"day"``, ``"week"``, ``"month"``, ``"year"`` that gives the dated articles
    between ``min_periods`` and 60 periods, or None when they fall in fewer than ``min_periods``."""
    published = pd.to_datetime(arts["published"], utc=True).dropna().dt.tz_localize(None)
    if published.empty:
        return None
    for name in ("day", "week", "month", "year"):
        stamps = published.dt.to_period(PERIODS[name])
        if stamps.nunique() < min_periods:
            return None
        # the whole span counts (a trend line draws the empty periods too), not only dated ones
        if (stamps.max() - stamps.min()).n + 1 <= 60:
            return name
    return "year"


def suggest_grouping(arts: pd.DataFrame) -> str | None:
    """A column worth comparing groups by: ``source`` when there are 2 to 30 outlets, else
    ``country`` likewise, else a period of publication (see :func:`suggest_period`), else None."""
    for column in ("source", "country"):
        if column in arts.columns and 2 <= arts[column].nunique() <= 30:
            return column
    return suggest_period(arts)
