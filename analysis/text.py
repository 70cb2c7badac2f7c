"""Split articles into role-tagged paragraphs, sentences and tokens, with character offsets.

Every row carries ``start`` and ``end``: ``arts.text[start:end]`` is the row's text, so any result
leads back to the words it came from. Sentences never cross paragraph boundaries.

Paragraph roles say what a paragraph is on the page: ``title``, ``body``, ``caption``, ``promo``,
``related_link``, ``boilerplate`` or ``credits``. Web furniture is tagged, never deleted; analyses
use body (and title) paragraphs unless asked otherwise. The patterns behind the roles are data, in
``analysis/resources/paragraph_roles.tsv``.

>>> arts = load_articles("seeds/")                              # doctest: +SKIP
>>> sents = sentences(arts)                                     # doctest: +SKIP
>>> sents.query("role == 'body'").shape                         # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from analysis import config
from analysis.resources import abbreviations, paragraph_role_rules, stopwords

ROLES = ("title", "body", "caption", "promo", "related_link", "boilerplate", "credits")
#: Roles an analysis reads by default: the article's own words.
CONTENT_ROLES = ("title", "body")

PARAGRAPH_COLUMNS = ["article_id", "para_id", "role", "text", "start", "end", "role_reason"]
SENTENCE_COLUMNS = ["article_id", "para_id", "sent_id", "role", "text", "start", "end"]
TOKEN_COLUMNS = ["article_id", "para_id", "sent_id", "tok_id", "token", "lower", "start", "end",
                 "is_stop", "is_punct", "role"]

_BLANK_LINE_RE = re.compile(r"\n[ \t\u00a0]*\n\s*")
_INDENT_RE = re.compile(r"\n(?=[ \t]+\S)")
_PUNCT_RE = re.compile(r"^[\W_]+$")
_SENTENCE_END_RE = re.compile(r"[.?!]")
_DOUBLE_SPACE_RE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
_NEWLINE_RE = re.compile(r"\n")
#: Web furniture is short: a paragraph longer than this is never tagged by a pattern.
FURNITURE_MAX_WORDS = 100


# --------------------------------------------------------------------------------------------
# Paragraphs
# --------------------------------------------------------------------------------------------

def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each paragraph of ``text``, whitespace trimmed.

    Paragraphs are separated by blank lines. A text with no blank line but indented lines (wire
    copy such as Reuters) is split before each indented line; otherwise every line is a paragraph.
    """
    if _BLANK_LINE_RE.search(text):
        separator = _BLANK_LINE_RE
    elif _INDENT_RE.search(text):
        separator = _INDENT_RE
    elif "\n" not in text and _DOUBLE_SPACE_RE.search(text):
        separator = _DOUBLE_SPACE_RE  # scraped tables (Guardian CSV) join paragraphs with two spaces
    else:
        separator = _NEWLINE_RE
    spans = []
    position = 0
    for match in separator.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    trimmed = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        trimmed.append((start + lead, start + lead + len(stripped)))
    return trimmed


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(re.sub(r"^#+\s*", "", text).split())


def _headline_like(text: str) -> bool:
    """A short line that does not end like a sentence: a heading, or a video or promo title."""
    if "\n" in text.strip():
        return False
    words = text.split()
    if not 2 <= len(words) <= 16:
        return False
    if text.rstrip().endswith((".", ",", ";", ":", '."', ".\u201d", ".'")):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capitalised / len(words) >= 0.6


def furniture_role(text: str) -> tuple[str, str] | None:
    """Return ``(role, reason)`` from the first pattern in ``paragraph_roles.tsv`` that matches.

    Returns None for text that no pattern matches, and for text longer than
    ``FURNITURE_MAX_WORDS`` words: page furniture is short, and a long paragraph that happens to
    contain "click here" or "(left)" is body text.
    """
    if len(text.split()) > FURNITURE_MAX_WORDS:
        return None
    folded = None
    for role, pattern, why, anchors in _anchored_role_rules():
        if anchors is not None:                 # tried only when the text holds one of its words
            if folded is None:
                folded = fold(text)
            if not any(anchor in folded for anchor in anchors):
                continue
        if pattern.search(text):
            return role, why
    return None


@functools.lru_cache(maxsize=1)
def _anchored_role_rules() -> tuple[tuple[str, re.Pattern, str, frozenset[str] | None], ...]:
    """The paragraph-role rules with the anchors of each pattern (see :mod:`analysis.patterns`)."""
    from analysis.patterns import trigger_anchors

    return tuple((role, pattern, why, trigger_anchors(pattern.pattern))
                 for role, pattern, why in paragraph_role_rules())


def tag_roles(texts: list[str], title: str | None = None) -> list[tuple[str, str]]:
    """Return ``(role, reason)`` for each paragraph of one article, in order.

    1. The first paragraph is the ``title`` when it equals the article's title.
    2. Otherwise the first pattern of ``resources/paragraph_roles.tsv`` that matches decides.
    3. A short headline-like paragraph next to a boilerplate paragraph (the title of an embedded
       video, beside the player's fallback text) is a ``promo``.
    4. Anything else is ``body``.
    """
    roles: list[tuple[str, str]] = []
    title_key = _normalise(title) if title else None
    for index, text in enumerate(texts):
        if index == 0 and title_key and _normalise(text) == title_key:
            roles.append(("title", "first paragraph is the article's title"))
        else:
            roles.append(furniture_role(text) or ("body", ""))
    # The title of an embedded video: a headline right next to the player's fallback text.
    for index, text in enumerate(texts):
        if roles[index][0] != "body" or not _headline_like(text):
            continue
        neighbours = [roles[i][0] for i in (index - 1, index + 1) if 0 <= i < len(texts)]
        if "boilerplate" in neighbours:
            roles[index] = ("promo", "headline next to a video player: the video's title")
    return roles


def paragraphs(arts: pd.DataFrame, *, progress: bool | None = None) -> pd.DataFrame:
    """Split each article into paragraphs and tag each with its role.

    Args:
        arts: the articles table from :func:`analysis.load_articles` (needs ``article_id``,
            ``text``; ``title`` is used to recognise the title paragraph).
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        A DataFrame, one row per paragraph: ``article_id``; ``para_id`` (0, 1, ... within the
        article); ``role`` (title, body, caption, promo, related_link, boilerplate, credits);
        ``text``; ``start`` and ``end`` (character offsets into the article's text); and
        ``role_reason`` (why a paragraph got a role other than body, empty for body).
    """
    from tqdm import tqdm

    _require_columns(arts, ("article_id", "text"), "paragraphs")
    titles = arts["title"] if "title" in arts else pd.Series([None] * len(arts), index=arts.index)
    rows: list[tuple] = []
    show = config.progress_enabled(progress)
    for article_id, text, title in tqdm(zip(arts["article_id"].tolist(), arts["text"].tolist(), titles.tolist()),
                                        total=len(arts), desc="Paragraphs", unit="article", disable=not show):
        rows.extend(_article_paragraphs(article_id, text, title))
    frame = pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
    return _typed(frame, ("para_id", "start", "end"))


def role_summary(paras: pd.DataFrame) -> pd.DataFrame:
    """Summarise what was tagged as something other than body, and why.

    Args:
        paras: the paragraphs table from :func:`paragraphs`.

    Returns:
        A DataFrame, one row per (role, reason), most frequent first: ``role``, ``role_reason``,
        ``paragraphs`` (how many), ``articles`` (in how many articles) and ``example`` (the text
        of the first such paragraph).
    """
    _require_columns(paras, ("article_id", "role", "role_reason", "text"), "role_summary")
    tagged = paras[paras["role"] != "body"]
    summary = (
        tagged.groupby(["role", "role_reason"], sort=False)
        .agg(paragraphs=("text", "size"), articles=("article_id", "nunique"), example=("text", "first"))
        .reset_index()
        .sort_values(["paragraphs", "role"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return summary


def _article_paragraphs(article_id: str, text: str, title) -> list[tuple]:
    text = "" if not isinstance(text, str) else text
    title = title if isinstance(title, str) else None
    spans = paragraph_spans(text)
    chunks = [text[start:end] for start, end in spans]
    roles = tag_roles(chunks, title)
    return [
        (article_id, para_id, role, chunk, start, end, reason)
        for para_id, ((start, end), chunk, (role, reason)) in enumerate(zip(spans, chunks, roles))
    ]


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def sentence_tokenizer():
    """Return NLTK's Punkt sentence tokenizer set up with the news abbreviation list (cached).

    The parameters are built from ``resources/abbreviations_en.txt``; no Punkt model is
    downloaded, so ``U.S. Treasury Department``, ``Gen.`` and ``Feb. 28`` never end a sentence.
    """
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    class NewsPunkt(PunktSentenceTokenizer):
        """Punkt, with its answer for each candidate break memoised: whether a few words around a
        period hold a sentence break depends on those words and the fixed parameters only, and the
        same contexts ("said. The") come back again and again."""

        def text_contains_sentbreak(self, text: str) -> bool:
            cache = self.__dict__.setdefault("_news_analysis_breaks", {})
            found = cache.get(text)
            if found is None:
                plain = _PLAIN_BREAK_RE.fullmatch(text)
                if plain and plain.group(1).lower() not in self._params.abbrev_types \
                        and not self._params.collocations:
                    # "said. The": a word of two or more letters that is not an abbreviation, its
                    # period and a next token. Punkt's first pass marks the word a sentence break
                    # (not an initial, a number or an ellipsis), and nothing in its second pass can
                    # take that back without collocations; so the answer is yes.
                    return True
                if len(cache) >= 1 << 16:
                    cache.clear()
                found = cache[text] = super().text_contains_sentbreak(text)
            return found

    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    return NewsPunkt(params)


#: A candidate break whose answer is known without Punkt's passes (see ``sentence_tokenizer``).
_PLAIN_BREAK_RE = re.compile(r"([A-Za-z]{2,})\.\s+\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence in one paragraph's text."""
    if not _SENTENCE_END_RE.search(text):
        # Punkt only ever breaks after . ? or ! - a heading or a caption without them is one sentence.
        stripped = text.strip()
        if not stripped:
            return []
        lead = len(text) - len(text.lstrip())
        return [(lead, lead + len(stripped))]
    tokenizer = sentence_tokenizer()
    spans = []
    for start, end in tokenizer.span_tokenize(text):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            spans.extend(_unglued(text, start + lead, start + lead + len(stripped)))
    return _closing_quotes_back(text, spans)


def _closing_quotes_back(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Punkt splits 'unprovoked."Officials' (no space) before the closing quote: give the quote back
    to the sentence it closes (a straight quote only when that sentence has one left open)."""
    for i in range(1, len(spans)):
        (a, b), (c, d) = spans[i - 1], spans[i]
        if c == b and d - c > 1 and text[b - 1] in ".!?":
            mark = text[c]
            if mark in "\u201d\u2019" or (mark == '"' and text[a:b].count('"') % 2 == 1):
                spans[i - 1], spans[i] = (a, b + 1), (c + 1, d)
    return spans


#: Sentences run together without a space ("...in these dark hours.Our thoughts are with..."), as
#: in texts whose line breaks were lost (the Guardian's CSV exports, some GDELT pages): a lower-case
#: word of two or more letters, or a capitalised one of three or more ("...the border with
#: Ukraine.In the evening..."), its full stop (or ? !), maybe a closing quote, then a capitalised word
#: (after a capitalised word, not a web domain's ending: "News.Ru reported").
_GLUED_RE = re.compile(r"(?:^|(?<=[^\w.]))([a-z][a-z]+|[A-Z][a-z]{2,}(?=[.!?][\"\u201d\u2019]?(?!"
                       r"(?:Com|Ru|Uk|Org|Net|Ua|De|Fr|Pl|Info|Io|Tv|Gov|Edu|Eu|Co|Us|By)\b)))"
                       r"[.!?][\"\u201d\u2019]?(?=[A-Z][a-z])")
#: What every glued break holds: its mark, maybe a closing quote, and a capital (found much faster).
_GLUED_HINT_RE = re.compile(r"[.!?][\"\u201d\u2019]?[A-Z]")
#: Abbreviations a capitalised word may follow directly ("vs.Manchester", "Mrs.Thatcher"), lower case.
_GLUED_ABBREVIATIONS = frozenset({"vs", "cf", "approx", "incl", "ca", "ft", "pp", "mrs", "messrs", "gen", "col",
                                  "gov", "sen", "rep", "sgt", "capt", "prof", "rev", "hon", "corp", "dept", "maj",
                                  "adm", "cmdr", "brig", "supt", "insp", "lieut"})


def _unglued(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one sentence span where sentences were glued together without a space."""
    if not _GLUED_HINT_RE.search(text, start, end):
        return [(start, end)]
    pieces, begin = [], start
    for match in _GLUED_RE.finditer(text, start, end):
        if match.group(1).lower() in _GLUED_ABBREVIATIONS:
            continue
        pieces.append((begin, match.end()))
        begin = match.end()
    pieces.append((begin, end))
    return pieces


def sentences(arts: pd.DataFrame, *, progress: bool | None = None) -> pd.DataFrame:
    """Split each article into sentences, within paragraphs, each tagged with its paragraph's role.

    Args:
        arts: the articles table (``article_id``, ``text``, ``title``), or a paragraphs table
            from :func:`paragraphs` (then its roles are used as they are).
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        A DataFrame, one row per sentence: ``article_id``; ``para_id``; ``sent_id`` (0, 1, ...
        within the article); ``role`` (the paragraph's role); ``text``; ``start`` and ``end``
        (character offsets into the article's text, not the paragraph's).

    >>> sents = sentences(load_articles("seeds/"))               # doctest: +SKIP
    >>> sents.loc[sents.text.str.contains("Treasury"), "text"]  # doctest: +SKIP
    """
    with collector_paused():
        return _sentences(arts, progress)


def _sentences(arts: pd.DataFrame, progress: bool | None) -> pd.DataFrame:
    from tqdm import tqdm

    paras = arts if "para_id" in arts.columns else paragraphs(arts, progress=False)
    _require_columns(paras, ("article_id", "para_id", "role", "text", "start"), "sentences")
    rows: list[tuple] = []
    show = config.progress_enabled(progress)
    last_article, sent_id = None, 0
    for article_id, para_id, role, text, offset in tqdm(
        zip(*(paras[column].tolist() for column in ("article_id", "para_id", "role", "text", "start"))),
        total=len(paras), desc="Sentences", unit="paragraph", disable=not show,
    ):
        if article_id != last_article:
            last_article, sent_id = article_id, 0
        for start, end in sentence_spans(text):
            rows.append((article_id, para_id, sent_id, role, text[start:end], offset + start, offset + end))
            sent_id += 1
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return _typed(frame, ("para_id", "sent_id", "start", "end"))


@contextlib.contextmanager
def collector_paused():
    """Pause the cyclic garbage collector (and leave it as it was after). A stage that makes a great
    many small objects that live on (rows, memoised words) would otherwise have the collector run
    again and again through all that the process holds, for no cycle to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def word_tokenizer():
    """Return NLTK's Treebank-style word tokenizer (needs no downloaded data)."""
    from nltk.tokenize.destructive import NLTKWordTokenizer

    return NLTKWordTokenizer()


_INNER_APOSTROPHE_RE = re.compile(r"(?<=\w)\u2019(?=\w)")

#: The characters that Python's case-insensitive regexes match with an ASCII letter, besides the
#: letters themselves, and that ``str.lower`` does not make that letter: ``fold(text)`` below
#: holds every word that such a regex could find in ``text``.
_FOLD_TABLE = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """Lower case, with the few non-ASCII letters that case-insensitive regexes take for ASCII
    ones (Turkish dotted and dotless i, long s, Kelvin sign) made those letters: when a
    case-insensitive pattern of ASCII words matches ``text``, its words are in ``fold(text)``."""
    return text.lower() if text.isascii() else text.translate(_FOLD_TABLE).lower()


# NLTK's word tokenizer is a fixed series of regex substitutions. These are the same steps, with
# NLTK's own patterns and replacements, in its order, each with the strings of which the text must
# hold one for the pattern to match at all ("ANY"; "START": the text starts with it; "FOLD": one is in
# fold(text); None: always applied). A step that cannot match leaves the text as it is, so it is
# skipped. The table is checked against NLTK's at first use; any difference and NLTK's tokenizer
# itself is used.
_QUOTE_CHARS = ("\u00ab", "\u201c", "\u2018", "\u201e", "`")
_TOKENIZER_STEPS = {
    "STARTING_QUOTES": [
        ("([«“‘„]|[`]+)", r" \1 ", "ANY", _QUOTE_CHARS),
        (r"^\"", r"``", "START", ('"',)),
        (r"(``)", r" \1 ", "ANY", ("``",)),
        (r"([ \(\[{<])(\"|\'{2})", r"\1 `` ", "ANY", ('"', "''")),
        (r"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)", r"\1 ", "ANY", ("'",)),
    ],
    "PUNCTUATION": [
        ((r'([^\.])(\.)([\]\)}>"\'' "»”’ " r"]*+)\s*$"), r"\1 \2 \3 ", "ANY", (".",)),
        (r"([:,])([^\d])", r" \1 \2", "ANY", (":", ",")),
        (r"([:,])$", r" \1 ", "ANY", (":", ",")),
        (r"\.{2,}", r" \g<0> ", "ANY", ("..",)),
        (r"[;@#$%&]", r" \g<0> ", "ANY", (";", "@", "#", "$", "%", "&")),
        (r"[\u2012-\u2015]", r" \g<0> ", "ANY", ("\u2012", "\u2013", "\u2014", "\u2015")),
        (r'([^\.])(\.)([\]\)}>"\']*)\s*$', r"\1 \2\3 ", "ANY", (".",)),
        (r"[?!]", r" \g<0> ", "ANY", ("?", "!")),
        (r"([^'])' ", r"\1 ' ", "ANY", ("' ",)),
        (r"[*]", r" \g<0> ", "ANY", ("*",)),
    ],
    "PARENS_BRACKETS": [
        (r"[\]\[\(\)\{\}\<\>]", r" \g<0> ", "ANY", ("]", "[", "(", ")", "{", "}", "<", ">")),
    ],
    "DOUBLE_DASHES": [(r"--", r" -- ", "ANY", ("--",))],
    "ENDING_QUOTES": [
        ("([»”’])", r" \1 ", "ANY", ("\u00bb", "\u201d", "\u2019")),
        (r"''", " '' ", "ANY", ("''",)),
        (r'"', " '' ", "ANY", ('"',)),
        (r"\s+", " ", None, ()),
        (r"([^' ])('[sS]|'[mM]|'[dD]|') ", r"\1 \2 ", "ANY", ("'",)),
        (r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) ", r"\1 \2 ", "ANY", ("'",)),
    ],
    "CONTRACTIONS2": [
        (r"(?i)\b(can)(?#X)(not)\b", r" \1 \2 ", "FOLD", ("cannot",)),
        (r"(?i)\b(d)(?#X)('ye)\b", r" \1 \2 ", "FOLD", ("d'ye",)),
        (r"(?i)\b(gim)(?#X)(me)\b", r" \1 \2 ", "FOLD", ("gimme",)),
        (r"(?i)\b(gon)(?#X)(na)\b", r" \1 \2 ", "FOLD", ("gonna",)),
        (r"(?i)\b(got)(?#X)(ta)\b", r" \1 \2 ", "FOLD", ("gotta",)),
        (r"(?i)\b(lem)(?#X)(me)\b", r" \1 \2 ", "FOLD", ("lemme",)),
        (r"(?i)\b(more)(?#X)('n)\b", r" \1 \2 ", "FOLD", ("more'n",)),
        (r"(?i)\b(wan)(?#X)(na)(?=\s)", r" \1 \2 ", "FOLD", ("wanna",)),
    ],
    "CONTRACTIONS3": [
        (r"(?i) ('t)(?#X)(is)\b", r" \1 \2 ", "FOLD", (" 'tis",)),
        (r"(?i) ('t)(?#X)(was)\b", r" \1 \2 ", "FOLD", (" 'twas",)),
    ],
}
_CONVERTED_QUOTES_RE = re.compile(r"``|'{2}|\"")


@functools.lru_cache(maxsize=1)
def _tokenizer_steps() -> tuple | None:
    """``(before, after)``: the steps before and after the text is padded with a space on each
    side, as ``(sub, replacement, kind, needs)``; None when NLTK's tokenizer differs from the table."""
    tokenizer = word_tokenizer()
    steps = {}
    try:
        for group, expected in _TOKENIZER_STEPS.items():
            if group.startswith("CONTRACTIONS"):
                actual = [(rx, r" \1 \2 ") for rx in getattr(tokenizer, group)]
            elif group in ("PARENS_BRACKETS", "DOUBLE_DASHES"):
                actual = [getattr(tokenizer, group)]
            else:
                actual = list(getattr(tokenizer, group))
            if len(actual) != len(expected):
                return None
            compiled = []
            for (rx, replacement), (pattern, want, kind, needs) in zip(actual, expected):
                if rx.pattern != pattern or replacement != want:
                    return None
                raw = getattr(rx, "_rx", rx)  # nltk.redos.TimedPattern wraps a compiled `regex` pattern
                if raw.pattern != pattern or not hasattr(raw, "sub"):
                    return None
                compiled.append((raw.sub, replacement, kind, needs))
            steps[group] = compiled
    except (AttributeError, TypeError, ValueError):
        return None
    before = steps["STARTING_QUOTES"] + steps["PUNCTUATION"] + steps["PARENS_BRACKETS"] + steps["DOUBLE_DASHES"]
    after = steps["ENDING_QUOTES"] + steps["CONTRACTIONS2"] + steps["CONTRACTIONS3"]
    steps = (tuple(before), tuple(after))
    # The same patterns must also be applied the same way: a few hard cases decide.
    if any(_spans_with(steps, probe) != list(tokenizer.span_tokenize(probe)) for probe in _TOKENIZER_PROBES):
        return None
    return steps


#: Sentences that exercise every step of the tokenizer.
_TOKENIZER_PROBES = (
    '"Cannot," he said -- gonna go (now)... or \'tis [not]; I\'d say: it\'s 5% & $3.50, isn\'t it?',
    "\u201cWe\u2019re here,\u201d said \u00abhim\u00bb \u2014 it\u2019s \u2018fine\u2019! Lemme see: wanna go? ``Ok'' *done*.",
    "''Like this,'' he said\tthen\u00a0left. 'Twas D'ye MORE'N GIMME Gotta \u0130stanbul \u212aelvin.",
    'He said "yes" and "no." (U.S.) @ #1 {x} <y> 10:30, 1,000 and...',
)


def _apply(steps, text: str) -> str:
    folded = None
    for sub, replacement, kind, needs in steps:
        if kind == "ANY":
            for need in needs:
                if need in text:
                    break
            else:
                continue
        elif kind == "START":
            if not text.startswith(needs[0]):
                continue
        elif kind == "FOLD":
            if folded is None:
                folded = fold(text)
            if needs[0] not in folded:
                continue
        text, folded = sub(replacement, text), None
    return text


def _word_token_spans(text: str) -> list[tuple[int, int]]:
    """NLTK's ``NLTKWordTokenizer().span_tokenize(text)``, the same spans, sooner."""
    steps = _tokenizer_steps()
    if steps is None:
        return list(word_tokenizer().span_tokenize(text))
    if _SEPARATORS_RE.search(text):
        return _spans_with(steps, text)
    if text.isascii():
        plain = _plain_tokenizer_steps()
        if plain is not None:
            steps = plain
    return _spans_by_chunk(steps, text)


# Word by word. Each of the tokenizer's patterns matches within one run of non-space characters
# (a chunk), or reaches at most the white-space character on either side of it, or anchors at the
# start or end of the text; and what it puts in keeps the white space between chunks. So in a
# sentence whose chunks are parted by single spaces, a chunk is tokenized alike wherever it stands,
# given whether it starts or ends the sentence; the rest of the sentence stands in for an "x" on
# either side. The same chunks come back again and again ("the", "said,", "Ukraine's"), so their
# spans are memoised. The cases where that does not hold take the whole sentence at once: other
# white space, a last chunk of closing marks only (the final period's pattern runs over such
# chunks), a chunk ending with an apostrophe before one starting with one (two matches of "x' "
# would share the space), a chunk whose quote tokens are not one for one with its quotes.
_OTHER_SPACE_RE = re.compile(r"[^\S ]| {2}|' '")
_CLOSING_MARKS = frozenset("])}>\"'\u00bb\u201d\u2019")
_QUOTE_TOKENS = frozenset(('"', "``", "''"))
_CHUNKS_KEPT = 100_000
#: A chunk that is one token, whole.
_WHOLE = ((0, -1),)
#: Memoised chunk spans: for the tokenizer's steps on ``regex`` and on ``re``, four dicts: a chunk
#: that is the whole sentence, the first chunk, a chunk inside, the last chunk.
_chunk_spans: tuple = tuple(tuple({} for _ in range(4)) for _ in range(2))


def _spans_by_chunk(steps: tuple, text: str) -> list[tuple[int, int]]:
    """:func:`_spans_with`, chunk by chunk, memoised (see above)."""
    if not text or text[0] == " " or text[-1] == " " or _OTHER_SPACE_RE.search(text):
        return _spans_with(steps, text)
    chunks = text.split(" ")
    if _CLOSING_MARKS.issuperset(chunks[-1]):
        return _spans_with(steps, text)
    memos = _chunk_spans[steps is _plain_tokenizer_steps()]
    if len(chunks) == 1:
        places = [0]
    else:
        middle = memos[2].get
        places = [1, *[middle(chunk, 2) for chunk in chunks[1:-1]], 3]
    spans: list[tuple[int, int]] = []
    start = 0
    for chunk, place in zip(chunks, places):
        end = start + len(chunk)
        if place.__class__ is int:        # not memoised yet (or a first or last chunk): look it up
            memo = memos[place]
            place = memo.get(chunk)
            if place is None and chunk not in memo:
                if len(memo) >= _CHUNKS_KEPT:
                    memo.clear()
                place = memo[chunk] = _chunk_spans_in_context(steps, chunk, start == 0, end == len(text))
            if place is None:
                return _spans_with(steps, text)
        if place is _WHOLE:
            spans.append((start, end))
        else:
            spans += [(start + a, start + b) for a, b in place]
        start = end + 1
    return spans


def _chunk_spans_in_context(steps: tuple, chunk: str, first: bool, last: bool) -> tuple | None:
    """The spans of one chunk's tokens, relative to it, as it is tokenized in a sentence whose
    chunks are parted by single spaces (see above); None when it must be tokenized with its sentence."""
    simple = _SIMPLE_CHUNK_RE.fullmatch(chunk)
    if simple and not _split_words_re().search(simple.group(1).lower()):
        # ASCII words and numbers (maybe hyphenated): no pattern touches them but the contractions'.
        # After them, a comma is split off (a space or the end follows it), and so are 's (a space
        # follows, the padding's at the end) and the period that ends the text.
        mark, n = simple.group(2), len(chunk)
        if not mark or (mark == "." and not last):
            return _WHOLE
        cut = n - len(mark)
        return ((0, cut), (cut, n))
    text = ("" if first else "x ") + chunk + ("" if last else " x")
    try:
        raw = _raw_tokens(steps, text)
        if (not first and raw[:1] != ["x"]) or (not last and raw[-1:] != ["x"]):
            return None
        inner = raw[(0 if first else 1):(len(raw) if last else len(raw) - 1)]
        if sum(token in _QUOTE_TOKENS for token in inner) != len(_CONVERTED_QUOTES_RE.findall(chunk)):
            return None
        spans = tuple(_aligned(chunk, inner))
    except (ValueError, StopIteration, RuntimeError):
        return None
    return _WHOLE if spans == ((0, len(chunk)),) else spans


#: A chunk of ASCII letters and digits, maybe hyphenated, maybe with a comma, a period or 's after.
_SIMPLE_CHUNK_RE = re.compile(r"([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)(,|\.|'[sS])?")


@functools.lru_cache(maxsize=1)
def _split_words_re() -> re.Pattern:
    """Finds, in lower-case text, the strings the contraction steps need (:data:`_TOKENIZER_STEPS`;
    "cannot", "gonna"...): a simple chunk holding none of them is left whole by those steps."""
    needs = {need.lower() for group in ("CONTRACTIONS2", "CONTRACTIONS3") for *_, needs in _TOKENIZER_STEPS[group]
             for need in needs}
    return re.compile("|".join(re.escape(need) for need in sorted(needs)))


#: The ASCII characters that Python's ``re`` takes for white space and the ``regex`` module (whose
#: patterns NLTK's tokenizer compiles) does not: the file, group, record and unit separators.
_SEPARATORS_RE = re.compile(r"[\x1c-\x1f]")


@functools.lru_cache(maxsize=1)
def _plain_tokenizer_steps() -> tuple | None:
    """The tokenizer's steps with the same patterns compiled by Python's ``re``, which runs them
    faster. On ASCII text without the separators above, the two engines read every pattern of the
    tokenizer alike (classes, word boundaries and case folding differ only beyond ASCII); None when
    a pattern does not compile or a probe comes out otherwise."""
    steps = _tokenizer_steps()
    if steps is None:
        return None
    try:
        plain = tuple(tuple((re.compile(sub.__self__.pattern).sub, replacement, kind, needs)
                            for sub, replacement, kind, needs in group) for group in steps)
    except (AttributeError, re.error):
        return None
    probes = [probe for probe in _TOKENIZER_PROBES if probe.isascii()]
    if any(_spans_with(plain, probe) != _spans_with(steps, probe) for probe in probes):
        return None
    return plain


def _spans_with(steps: tuple, text: str) -> list[tuple[int, int]]:
    return _aligned(text, _raw_tokens(steps, text))


def _raw_tokens(steps: tuple, text: str) -> list[str]:
    """The tokens of ``text`` as the steps leave them (quotes made ``` `` ``` and ``''``)."""
    before, after = steps
    return _apply(after, " " + _apply(before, text) + " ").split()


def _aligned(text: str, raw_tokens: list[str]) -> list[tuple[int, int]]:
    """The spans of ``raw_tokens`` in ``text``, as NLTK aligns them."""
    if '"' in text or "''" in text:
        matched = iter([m.group() for m in _CONVERTED_QUOTES_RE.finditer(text)])
        tokens = [next(matched) if tok in ('"', "``", "''") else tok for tok in raw_tokens]
    else:
        tokens = raw_tokens
    point = 0
    offsets = []
    for token in tokens:
        try:
            start = text.index(token, point)
        except ValueError as e:
            raise ValueError(f'substring "{token}" not found in "{text}"') from e
        point = start + len(token)
        offsets.append((start, point))
    return offsets


def token_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each word token of one sentence (NLTK's tokenizer).

    NLTK's rules know contractions and possessives with a straight apostrophe only; news text
    mostly has the curly one (``Kremlin\u2019s``, ``don\u2019t``). It is straightened for the
    tokenizer, one character for one, so the spans still fit the original text.

    The spans of the last few thousand sentences are remembered: the name tagger and the event
    coder read the same sentences one after the other.
    """
    return list(_remembered_spans(text))


@functools.lru_cache(maxsize=4096)
def _remembered_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_word_token_spans(_INNER_APOSTROPHE_RE.sub("'", text)))


def tokens(sents: pd.DataFrame, *, progress: bool | None = None) -> pd.DataFrame:
    """Split sentences into word tokens with NLTK's tokenizer.

    Args:
        sents: the sentences table from :func:`sentences`.
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        A DataFrame, one row per token: ``article_id``, ``para_id``, ``sent_id``, ``tok_id`` (0, 1,
        ... within the sentence), ``token`` (as in the text), ``lower`` (lower case, curly
        apostrophes made straight), ``start`` and ``end`` (offsets into the article's text),
        ``is_stop`` (in the stopword list, ``resources/stopwords_en.txt``), ``is_punct`` (only
        punctuation or symbols) and ``role`` (the sentence's paragraph role).
    """
    from tqdm import tqdm

    _require_columns(sents, ("article_id", "para_id", "sent_id", "role", "text", "start"), "tokens")
    stops = stopwords()
    rows: list[tuple] = []
    show = config.progress_enabled(progress)
    known: dict[str, tuple[str, bool, bool]] = {}   # token -> (lower, is_stop, is_punct)
    for article_id, para_id, sent_id, role, text, offset in tqdm(
        zip(sents["article_id"], sents["para_id"], sents["sent_id"], sents["role"], sents["text"], sents["start"]),
        total=len(sents), desc="Tokens", unit="sentence", disable=not show,
    ):
        for tok_id, (start, end) in enumerate(token_spans(text)):
            token = text[start:end]
            word = known.get(token)
            if word is None:
                lower = token.lower().replace("\u2019", "'")
                word = known[token] = (lower, lower in stops, bool(_PUNCT_RE.match(token)))
            rows.append((article_id, para_id, sent_id, tok_id, token, word[0], offset + start, offset + end,
                         word[1], word[2], role))
    frame = pd.DataFrame(rows, columns=TOKEN_COLUMNS)
    return _typed(frame, ("para_id", "sent_id", "tok_id", "start", "end"))


# --------------------------------------------------------------------------------------------

def select_roles(frame: pd.DataFrame, roles: str | Iterable[str] | None) -> pd.DataFrame:
    """Keep the rows whose paragraph ``role`` is one of ``roles`` (all rows when ``roles`` is None)."""
    if roles is None:
        return frame
    return frame[role_mask(frame, roles)]


def role_mask(frame: pd.DataFrame, roles: str | Iterable[str] | None):
    """The rows :func:`select_roles` keeps, as a boolean Series (all True when ``roles`` is None)."""
    if roles is None:
        return pd.Series(True, index=frame.index, dtype=bool)
    if isinstance(roles, str):
        roles = (roles,)
    return frame["role"].isin(list(roles))


def _require_columns(frame: pd.DataFrame, needed: Iterable[str], caller: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KeyError(f"{caller}() needs the columns {missing}, which this table lacks "
                       f"(it has {list(frame.columns)})")


def _typed(frame: pd.DataFrame, int_columns: Iterable[str]) -> pd.DataFrame:
    for column in int_columns:
        frame[column] = frame[column].astype("int64")
    return frame
