"""Quotations and reported speech: who said what, where in the text.

:func:`quotes` finds direct quotations (the words inside quotation marks) and indirect speech
("X said that ...", "according to X") in the sentences table, with the speech verb (the *cue*) and
the speaker, all as character offsets into the article's text, like every other table.

Direct quotes are read paragraph by paragraph, so a quotation that runs over several sentences is
one row. Quotation marks are paired by their shape and by the characters around them; marks that
do not pair up are skipped, never an error. The speaker is found next to the quote ("...," X said;
X said: "..."), or, for a short quoted fragment, as the subject of a verb of saying earlier in its
sentence (X said the talks "went well"). News style lets a quotation run on into the next paragraph
with an opening mark and no closing one; such paragraphs are joined to the quote that closes later.

Speakers are noun phrases found with rules, not a parser: the words before the verb up to a clause
boundary, an appositive included ("Vladimir Medinsky, the head of the delegation, said"), or the
words after it ("said John Kirby"). That phrase is ``speaker_phrase``; ``speaker`` is the name in
it where there is one, titles dropped ("Vladimir Medinsky"). A pronoun is resolved to an earlier
person, through an actor-mentions table when one is given, else to the last earlier person-like
name in the article.

The verbs and the other word lists are data: ``analysis/resources/speech_verbs.txt``.

>>> q = quotes(sentences(load_articles("seeds/")))                          # doctest: +SKIP
>>> q.query("kind == 'direct'")[["speaker", "quote"]]                        # doctest: +SKIP
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from analysis import resources
from analysis.text import role_mask, select_roles

QUOTE_COLUMNS = [
    "article_id", "sent_id", "speaker", "speaker_actor_id", "cue", "quote", "kind", "start", "end",
    "speaker_start", "speaker_end", "cue_start", "cue_end", "speaker_resolved_from",
    "speaker_phrase", "speaker_phrase_start", "speaker_phrase_end", "para_id",
]
KINDS = ("direct", "indirect")
LEXICON_FILE = "speech_verbs.txt"

#: Pronouns that can be the subject of a speech verb, by what they can refer to.
PERSON_PRONOUNS = frozenset({"he", "she"})
GROUP_PRONOUNS = frozenset({"they", "it"})
RELATIVE_PRONOUNS = frozenset({"who", "which"})

# Double quotation marks and which way each glyph faces; a straight mark faces neither way.
_OPENING_GLYPHS = "\u201c\u201e\u00ab"
_CLOSING_GLYPHS = "\u201d\u00bb"
_DOUBLE_MARKS = '"' + _OPENING_GLYPHS + _CLOSING_GLYPHS
_QUOTE_CHARS = _DOUBLE_MARKS + "\u2018\u2019'`"
# Two apostrophes or backticks stand for a double mark in some archives (''Like this,'' he said).
_DOUBLE_MARK_RE = re.compile("''|``|[" + re.escape(_DOUBLE_MARKS) + "]")
_SINGLE_OPEN_RE = re.compile("\u2018")
# Characters after which a mark opens a quote, and before which it closes one.
_OPEN_BEFORE = set(" \t\n\u00a0([{\u2014\u2013-/\u2018")
_CLOSE_AFTER = set(" \t\n\u00a0)]}.,;:!?\u2014\u2013-/\u2019")

#: A token: initials (U.S.), a word with inner hyphens, apostrophes or periods, or one symbol.
_TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[-'\u2019&]\w+)*|[^\w\s]")
_DASH_RE = re.compile(r"\s(?:--|-|\u2014|\u2013)\s|\u2014")
# Where reported speech stops: ", but ...", "; ...", ", according to ..." (a closing mark may
# stand between the comma and the word: 'had been "killed," but did not ...').
_CONTENT_STOP_RE = re.compile(r"(?:,(?P<mark>[\"\u201d]?)\s+(?:but|while|whereas|according to)|;)\s")
_COORDINATION_RE = re.compile(r"(?:,\s*|\s)(?:but|and|while)\s*$|,\s*$")
_TRAILING_PUNCT = " \t\n.,;:"

# Closed-class grammar words: they end a noun phrase when walking back from a verb.
_BOUNDARY_WORDS = frozenset("""
that which who whom whose as while when whereas because after before if since but and or nor so than
then though although where until unless once is are was were be been being am has have had having
will would can could should may might must shall do does did not never also only even just to there
here what how why whether said says say cannot can't won't don't doesn't didn't wouldn't couldn't
shouldn't isn't wasn't aren't weren't hasn't haven't hadn't
""".split())
_ADVERBS = frozenset("""
also later earlier previously again once reportedly repeatedly recently further already still just here
however then now has have had was is did does would will had separately privately publicly
""".split())
_TIME_PREPOSITIONS = frozenset({"on", "in", "last", "this", "late", "early", "earlier", "next"})
_NP_PREPOSITIONS = frozenset({"of", "for", "in", "at", "from", "with", "on", "to"})
_INNER_NP_PREPOSITIONS = frozenset({"of", "for"})
_DETERMINERS = frozenset("""
the a an this these those his her their its our your my some many several such no any another other
news media press local official earlier recent previous initial unconfirmed new
""".split())
_NAME_PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "bin", "ibn", "al", "el", "le", "la", "du"})
_BE_FORMS = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"})
_LOWER_MONTH_WORDS = frozenset({"may", "march"})
_QUANTIFIERS = frozenset({"enough", "more", "most", "less", "fewer", "all", "both", "each", "every", "much"})
_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "it", "i", "we", "you"})
_CUE_CLASSES = ("source", "say", "speech", "speech_to", "report")
#: Cue classes whose verb can have a quoted fragment further on in its clause.
_FRAGMENT_CLASSES = ("say", "speech", "speech_to")


# --------------------------------------------------------------------------------------------
# The word lists
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``resources/speech_verbs.txt``, by class (see the file's header)."""

    say: frozenset[str]
    speech: frozenset[str]
    speech_to: frozenset[str]
    report: frozenset[str]
    source: frozenset[str]
    title: frozenset[str]
    nonperson: frozenset[str]
    time: frozenset[str]

    @functools.cached_property
    def cues(self) -> frozenset[str]:
        return self.say | self.speech | self.speech_to | self.report | self.source


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Return the speech verbs and the other word lists (read once, from ``speech_verbs.txt``).

    Raises:
        analysis.resources.ResourceMissingError: when the file is missing or has an unknown class.
    """
    classes: dict[str, set[str]] = {name: set() for name in Lexicon.__dataclass_fields__}
    for line in resources.read_list(LEXICON_FILE):
        name, _, entries = line.partition("\t")
        if name not in classes:
            raise resources.ResourceMissingError(
                f"{LEXICON_FILE}: unknown class {name!r} in line {line!r} (expected one of {sorted(classes)})")
        classes[name].update(e.strip() for e in entries.split(",") if e.strip())
    return Lexicon(**{name: frozenset(values) for name, values in classes.items()})


@functools.lru_cache(maxsize=1)
def _cue_re() -> re.Pattern:
    lex = lexicon()
    alternatives = []
    for form in sorted(lex.cues, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in form.split())
        if form in lex.source:  # "According to" opens sentences; verbs written capitalised are names
            body = f"[{form[0].upper()}{form[0]}]" + body[1:]
        alternatives.append(body)
    return re.compile(r"(?<![\w'\u2019-])(?:" + _by_first_letter(alternatives) + r")(?![\w'\u2019-])")


def _by_first_letter(alternatives: list[str]) -> str:
    """``"|".join(alternatives)``, the same regex, grouped by first letter ("s(?:aid|ays)|t(?:old)"),
    so that the regex engine tries only the forms that start with the letter it is at. Within a
    group the forms keep their order, and forms with different first letters never match at the
    same place, so every match is the same. A form that does not start with a letter or with a
    ``[Xx]`` class keeps the regex as it is."""
    groups: dict[str, list[str]] = {}
    for body in alternatives:
        if len(body) >= 4 and body[0] == "[" and body[3] == "]" and body[1:3].isalpha():
            firsts, rest = body[1:3], body[4:]
        elif body[:1].isalpha():
            firsts, rest = body[0], body[1:]
        else:
            return "|".join(alternatives)
        for first in dict.fromkeys(firsts):
            groups.setdefault(first, []).append(rest)
    return "|".join(first + "(?:" + "|".join(rests) + ")" for first, rests in groups.items())


# --------------------------------------------------------------------------------------------
# Paragraphs rebuilt from the sentences table
# --------------------------------------------------------------------------------------------

@dataclass
class _Cue:
    start: int                 # paragraph-local offsets of the cue words
    end: int
    text: str
    cls: str                   # say, speech, speech_to, report, source; colon for 'X verb: "..."'
    sent: int                  # index of its sentence in the paragraph
    first_tok: int
    last_tok: int
    phrase: tuple[int, int] | None = None   # the subject noun phrase (paragraph-local)
    mode: str = ""             # before, after (speaker after the cue), inherit, relative
    antecedent: tuple[int, int] | None = None  # the noun phrase a relative "who" stands for
    used: bool = False


@dataclass
class _Para:
    article_id: object
    para_id: int
    offset: int                # article offset of the paragraph's first character
    text: str
    sents: list[tuple[int, int, int]]        # (sent_id, local start, local end)
    quoted: list[tuple[int, int]] = field(default_factory=list)  # paired quote contents
    cues: list[_Cue] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)

    # The tokens are made when first asked for: most paragraphs hold no cue and no quote.
    @functools.cached_property
    def tokens(self) -> list[tuple[int, int, str]]:
        """``(start, end, text)`` of each token, paragraph-local."""
        # every character is in a token but white space, so each token is found again where it
        # stands by a plain search from the end of the one before (faster than match objects)
        out, text, at = [], self.text, 0
        append, find = out.append, text.find
        for token in _TOKEN_RE.findall(text):
            start = find(token, at)
            at = start + len(token)
            append((start, at, token))
        return out

    @functools.cached_property
    def tok_starts(self) -> list[int]:
        return [t[0] for t in self.tokens]

    @functools.cached_property
    def tok_sent(self) -> list[int]:
        """``sentence_of(start)`` of each token, in one walk: tokens and sentences both run in text order."""
        tok_sent, sent, last, sent_starts = [], 0, len(self.sent_starts) - 1, self.sent_starts
        for start in self.tok_starts:
            while sent < last and sent_starts[sent + 1] <= start:
                sent += 1
            tok_sent.append(sent)
        return tok_sent

    def sentence_of(self, position: int) -> int:
        """Index (in ``sents``) of the sentence that holds ``position``."""
        return max(0, bisect.bisect_right(self.sent_starts, position) - 1)

    def token_at(self, position: int) -> int:
        """Index of the first token that starts at or after ``position``."""
        return bisect.bisect_left(self.tok_starts, position)

    def inside_quote(self, start: int, end: int) -> bool:
        return any(qs <= start and end <= qe for qs, qe in self.quoted)


def _build_paragraphs(article_sents: pd.DataFrame) -> list[_Para]:
    """One article's paragraphs, rebuilt from its sentences (any table pandas can sort and group)."""
    groups = []
    ordered = article_sents.sort_values("start", kind="stable")
    for (article_id, para_id), group in ordered.groupby(["article_id", "para_id"], sort=False):
        groups.append((article_id, para_id, int(group["start"].iloc[0]),
                       zip(group["sent_id"], group["text"], group["start"], group["end"])))
    return _paragraphs_from_groups(groups)


def _paragraphs_from_groups(groups) -> list[_Para]:
    """Paragraphs from ``(article_id, para_id, offset, rows)``, one per paragraph in order of first
    appearance, where ``rows`` are the paragraph's ``(sent_id, text, start, end)`` by start."""
    paras = []
    for article_id, para_id, offset, rows in groups:
        pieces, position, sents = [], offset, []
        for sent_id, text, start, end in rows:
            start, end = int(start), int(end)
            # A text that does not fit its offsets (a hand-edited table) is cut or padded to fit them.
            text = (text if isinstance(text, str) else "")[:end - start].ljust(end - start)
            if end <= position:
                continue  # a row that overlaps the previous one entirely
            if start < position:  # overlapping rows: keep what has not been placed yet
                text, start = text[position - start:], position
            # Sentences of a paragraph are contiguous; the gaps between them are whitespace.
            pieces.append(" " * (start - position))
            pieces.append(text)
            sents.append((int(sent_id), start - offset, end - offset))
            position = max(position, end)
        para = _Para(article_id, int(para_id), offset, "".join(pieces), sents)
        para.sent_starts = [start for _, start, _ in sents]
        paras.append(para)
    paras.sort(key=lambda p: p.offset)
    return paras


# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------

def _mark_direction(text: str, start: int, end: int) -> str:
    """``open``, ``close`` or ``either`` for the double quotation mark ``text[start:end]``."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = (before in _OPEN_BEFORE or before in _QUOTE_CHARS) and not after.isspace()
    closes = (after in _CLOSE_AFTER or after in _QUOTE_CHARS) and not before.isspace()
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    # Context cannot tell: the glyph's shape decides; a straight mark is decided by pairing.
    mark = text[start:end]
    if mark in _OPENING_GLYPHS or mark == "``":
        return "open"
    if mark in _CLOSING_GLYPHS:
        return "close"
    return "either"


Mark = tuple[int, int]  # (start, end) of a quotation mark in a paragraph


def _pair_marks(text: str) -> tuple[list[tuple[Mark, Mark]], Mark | None, Mark | None]:
    """Pair the double quotation marks of one paragraph.

    Returns:
        ``(pairs, dangling, leading_close)``: ``pairs`` are (opening, closing) marks; ``dangling``
        is an opening mark never closed (the quote may run on into the next paragraph);
        ``leading_close`` is a closing mark met before any opening one. Every other unpaired mark is
        dropped.
    """
    pairs: list[tuple[Mark, Mark]] = []
    pending: Mark | None = None
    leading_close: Mark | None = None
    for match in _DOUBLE_MARK_RE.finditer(text):
        mark = match.span()
        direction = _mark_direction(text, *mark)
        if pending is None:
            if direction == "close":
                if not pairs and leading_close is None:
                    leading_close = mark
                continue  # a closing mark with nothing open: skip it
            pending = mark
        elif direction == "open":
            pending = mark  # a second opening mark: the first was never closed
        else:
            if mark[0] > pending[1]:
                pairs.append((pending, mark))
            pending = None
    return pairs, pending, leading_close


def _pair_single_marks(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pair curly single quotes, conservatively: ``\u2018`` where a word starts, closed by the first
    ``\u2019`` that ends a word and is not an apostrophe, outside any double-quoted span. The pairs
    only count later when a speech verb stands right next to them."""
    pairs = []
    for match in _SINGLE_OPEN_RE.finditer(text):
        i = match.start()
        if any(s <= i < e for s, e in taken) or any(s <= i <= e for s, e in pairs):
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if not (before in _OPEN_BEFORE or before in _DOUBLE_MARKS) or not after.isalnum():
            continue
        j = i + 1
        while True:
            j = text.find("\u2019", j)
            if j < 0:
                break
            following = text[j + 1] if j + 1 < len(text) else " "
            previous = text[j - 1]
            # don't, Kremlin's: an apostrophe between letters; soldiers' lives: a plural possessive.
            if following.isalnum() or (previous == "s" and following == " "):
                j += 1
                continue
            if following in _CLOSE_AFTER or following in _DOUBLE_MARKS:
                pairs.append((i, j))
            break
    return pairs


@dataclass
class _Quote:
    """One quotation: one or more segments (several when it runs over paragraphs)."""

    segments: list[tuple[int, int, int]]   # (paragraph index, local content start, local end)
    open_mark: tuple[int, int, int]        # (paragraph index, start, end of the opening mark)
    close_mark: tuple[int, int, int] | None  # the same for the closing mark; None when it never closes
    single: bool = False
    cue: tuple[int, _Cue] | None = None    # (paragraph index, cue)


def _find_quotes(paras: list[_Para]) -> list[_Quote]:
    found: list[_Quote] = []
    running: _Quote | None = None  # a quote left open at the end of the previous paragraph
    for index, para in enumerate(paras):
        text = para.text
        pairs, dangling, leading_close = _pair_marks(text)
        first_open = pairs[0][0] if pairs else dangling
        if running is not None:
            if leading_close is not None and (first_open is None or leading_close[0] < first_open[0]):
                # The open quote closes in this paragraph without a new opening mark.
                running.segments.append((index, 0, leading_close[0]))
                running.close_mark = (index, *leading_close)
                found.append(running)
                running = None
            elif first_open is not None and first_open[0] == 0:
                # News style: a quote that goes on opens each paragraph again and closes once.
                if pairs:
                    running.segments.append((index, first_open[1], pairs[0][1][0]))
                    running.close_mark = (index, *pairs[0][1])
                    found.append(running)
                    running = None
                    pairs = pairs[1:]
                else:
                    running.segments.append((index, first_open[1], len(text)))
                    para.quoted.append((first_open[1], len(text)))
                    continue
            else:
                found.append(running)  # never closed: kept only if a cue introduces it
                running = None
        for opening, closing in pairs:
            para.quoted.append((opening[1], closing[0]))
            found.append(_Quote([(index, opening[1], closing[0])], (index, *opening), (index, *closing)))
        if dangling is not None and (not pairs or dangling[0] > pairs[-1][1][0]):
            running = _Quote([(index, dangling[1], len(text))], (index, *dangling), None)
        for open_at, close_at in _pair_single_marks(text, para.quoted):
            found.append(_Quote([(index, open_at + 1, close_at)], (index, open_at, open_at + 1),
                                (index, close_at, close_at + 1), single=True))
    if running is not None:
        found.append(running)
    found.sort(key=lambda q: q.open_mark)
    for quote in found:
        if quote.close_mark is not None:
            for index, start, end in quote.segments:
                if (start, end) not in paras[index].quoted:
                    paras[index].quoted.append((start, end))
    return found


# --------------------------------------------------------------------------------------------
# Cues and their speakers
# --------------------------------------------------------------------------------------------

def _is_word(token: str) -> bool:
    return token[:1].isalnum()


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _time_word(token: str, lex: Lexicon) -> bool:
    lower = token.lower()
    if lower not in lex.time:
        return token.isdigit() and len(token) <= 4
    return token[:1].isupper() or lower not in _LOWER_MONTH_WORDS


def _find_cues(para: _Para) -> None:
    lex = lexicon()
    for match in _cue_re().finditer(para.text):
        start, end = match.span()
        if para.inside_quote(start, end):
            continue
        form = " ".join(match.group().split())
        lower = form.lower()
        cls = next(name for name in _CUE_CLASSES if lower in getattr(lex, name))
        first, last = para.token_at(start), para.token_at(end) - 1
        sent = para.tok_sent[first]
        previous = para.tokens[first - 1][2].lower() if first > 0 and para.tok_sent[first - 1] == sent else ""
        following = para.tokens[last + 1][2].lower() if last + 1 < len(para.tokens) else ""
        if cls != "source":
            # "was told", "the reports", "of pledged delegates", "Ryan's comments", "reports of": a
            # passive, a noun or an adjective, not someone speaking.
            if previous in _BE_FORMS or previous in _DETERMINERS or previous in _QUANTIFIERS \
                    or (previous.isdigit() and following.isalpha() and following not in resources.stopwords()) \
                    or previous in _NP_PREPOSITIONS or previous in {"to", "across", "about", "into", "than"} \
                    or previous.endswith(("'s", "\u2019s")) or following == "by" \
                    or (following == "of" and form.endswith("s") and form != "says"):
                continue
            if following in lex.cues:
                continue
        para.cues.append(_Cue(start, end, form, cls, sent, first, last))
    for cue in para.cues:
        _cue_subject(para, cue)
    # Coordinated and participle cues ("but said", ", adding") take the previous cue's speaker.
    for i, cue in enumerate(para.cues):
        if cue.mode == "inherit":
            earlier = [c for c in para.cues[:i] if c.sent == cue.sent and c.phrase is not None]
            if earlier:
                cue.phrase, cue.antecedent = earlier[-1].phrase, earlier[-1].antecedent
            else:
                cue.phrase = _clause_subject(para, cue.sent)
                if cue.phrase is None:
                    cue.mode = ""


def _cue_subject(para: _Para, cue: _Cue) -> None:
    """Set ``cue.phrase`` (and ``cue.mode``) to the noun phrase that is the cue's subject."""
    tokens = para.tokens
    sent_first = para.token_at(para.sents[cue.sent][1])
    previous = tokens[cue.first_tok - 1][2] if cue.first_tok > sent_first else None
    if cue.cls == "source":
        phrase = _phrase_after(para, cue.last_tok + 1, strict=False, source=True)
        if phrase is not None:
            cue.phrase, cue.mode = phrase, "after"
        return
    if cue.text.endswith("ing"):
        # A participle speaks for the subject of its clause: "..., adding that ...".
        if previous in {",", "and", "but", "while", "before", "after", "when", "by", "without"} or previous is None \
                or previous in _QUOTE_CHARS:
            cue.mode = "inherit"
        return
    if previous is None or previous in _QUOTE_CHARS or previous in {"\u2014", "\u2013", "-", ":"}:
        # '"...," said John Kirby': right after a quote the speaker follows the verb.
        phrase = _phrase_after(para, cue.last_tok + 1, strict=previous is None or previous not in _QUOTE_CHARS)
        if phrase is not None:
            cue.phrase, cue.mode = phrase, "after"
        return
    if previous == ",":
        appositive = _appositive_subject(para, cue.first_tok - 1, sent_first)
        if appositive is not None:
            cue.phrase, cue.mode = appositive, "before"
            return
        comma = cue.first_tok - 1
        if comma - 2 >= sent_first and tokens[comma - 1][2].isdigit() and tokens[comma - 2][2] == ",":
            # "Dmytro Tkachenko, 37, told AFP": an age between the name and its verb
            start = _walk_back(para, comma - 3, sent_first)
            if start is not None:
                cue.phrase, cue.mode = (tokens[start][0], tokens[comma - 3][1]), "before"
                return
        if cue.cls == "speech_to":
            return                      # "..., told AFP": who follows is the one told, not the speaker
        phrase = _phrase_after(para, cue.last_tok + 1, strict=True)
        if phrase is not None:
            cue.phrase, cue.mode = phrase, "after"
        return
    k = _skip_back_adverbials(para, cue.first_tok - 1, sent_first)
    if k < sent_first:
        return
    word = tokens[k][2]
    if word.lower() in RELATIVE_PRONOUNS:
        cue.phrase, cue.mode = (tokens[k][0], tokens[k][1]), "relative"
        j = k - 1 if k - 1 >= sent_first and tokens[k - 1][2] == "," else k
        start = _walk_back(para, j - 1, sent_first)
        if start is not None:
            cue.antecedent = (tokens[start][0], tokens[j - 1][1])
        return
    if word.lower() in {"and", "but"}:
        # "I laughed and said": the subject of the verb before "and"; "told reporters that ...,
        # but said": the speaker of the earlier cue.
        verb = k - 1
        if verb > sent_first and tokens[verb][2].islower() and tokens[verb][2] not in _BOUNDARY_WORDS \
                and tokens[verb][2].endswith(("ed", "s")) and tokens[verb][2].lower() not in lexicon().cues:
            j = _skip_back_adverbials(para, verb - 1, sent_first)
            start = _walk_back(para, j, sent_first, limit=6) if j >= sent_first else None
            if start is not None and (tokens[start][2].lower() in _SUBJECT_PRONOUNS
                                      or any(_capitalised(t[2]) for t in tokens[start:j + 1])):
                cue.phrase, cue.mode = (tokens[start][0], tokens[j][1]), "before"
                return
        cue.mode = "inherit"
        return
    start = _walk_back(para, k, sent_first)
    if start is not None:
        cue.phrase, cue.mode = (tokens[start][0], tokens[k][1]), "before"


def _skip_back_adverbials(para: _Para, k: int, sent_first: int) -> int:
    """Step back over adverbs, auxiliaries and a time phrase between a subject and its verb."""
    lex = lexicon()
    tokens = para.tokens
    while k >= sent_first:
        word = tokens[k][2]
        if word in _ADVERBS or (word.islower() and word.endswith("ly") and len(word) > 4):
            k -= 1
            continue
        # "Kirby on Monday said", "the ministry last week said", "the army on February 27 admitted"
        j = k
        while j >= sent_first and (_time_word(tokens[j][2], lex) or tokens[j][2] == ","):
            j -= 1
        if j < k and j >= sent_first and tokens[j][2].lower() in _TIME_PREPOSITIONS:
            k = j - 1
            continue
        break
    return k


def _allowed_in_phrase(word: str, lex: Lexicon, first_in_sentence: bool) -> bool:
    lower = word.lower().replace("\u2019", "'")
    if not _is_word(word):
        return False
    if word.islower() or first_in_sentence:
        if lower in _BOUNDARY_WORDS or lower in lex.cues:
            return False
    # "Now Bloomberg says", "In 2015 Trump said": a sentence's first word may be no part of its subject.
    if first_in_sentence and lower in resources.stopwords() and lower not in _DETERMINERS \
            and lower not in _SUBJECT_PRONOUNS:
        return False
    return True


def _walk_back(para: _Para, k: int, sent_first: int, limit: int = 10) -> int | None:
    """Index of the first token of the noun phrase that ends at token ``k``, or None."""
    lex = lexicon()
    tokens = para.tokens
    start = None
    j = k
    while j >= sent_first and k - j < limit:
        word = tokens[j][2]
        if word == "." and j > sent_first and (tokens[j - 1][2].lower() in lex.title or len(tokens[j - 1][2]) == 1):
            j -= 1  # the period of "Gen." or "J." inside a name
            continue
        if word == "and" and start is not None and j > sent_first and _capitalised(tokens[j - 1][2]) \
                and _capitalised(tokens[start][2]):
            j -= 1  # "Kyiv and Moscow said"
            continue
        if word == ")" and start is None:
            opening = next((i for i in range(j - 1, max(sent_first, j - 8) - 1, -1) if tokens[i][2] == "("), None)
            if opening is not None and opening > sent_first:
                start = j  # "Sen. Richard J. Durbin (D-Ill.)": the parenthesis belongs to the name
                j = opening - 1
                continue
        if not _allowed_in_phrase(word, lex, j == sent_first):
            break
        start = j
        j -= 1
    if start is None:
        return None
    # A noun phrase does not start with a preposition ("in Kyiv officials"): drop up to it.
    while start <= k and tokens[start][2] in _NP_PREPOSITIONS:
        start += 1
    if start > k:
        return None
    # "At the town hall this week she said": a subject pronoun starts the subject; so does a
    # determiner after a noun ("things the Republican candidate said"; not "head of the delegation").
    for j in range(k, start, -1):
        if tokens[j][2].lower() in _SUBJECT_PRONOUNS and tokens[j][2] != "US":
            start = j
            break
        if tokens[j][2] in {"the", "a", "an"} and tokens[j - 1][2].islower() \
                and tokens[j - 1][2] not in _NP_PREPOSITIONS and tokens[j - 1][2] not in _DETERMINERS \
                and tokens[j - 1][2] not in _INNER_NP_PREPOSITIONS | {"and", "or"}:
            start = j
            break
    words = [t[2] for t in tokens[start:k + 1] if _is_word(t[2])]
    if not words:
        return None
    head = words[-1]
    if head.islower() and len(words) == 1 and (head.endswith(("ed", "ing", "ly")) or head in _DETERMINERS):
        return None
    return start


def _appositive_subject(para: _Para, comma: int, sent_first: int) -> tuple[int, int] | None:
    """The subject around an appositive, appositive included: "Vladimir Medinsky, the head of the
    delegation, said", "Hunter's chief of staff, Joe Kasper, told", "Valdez Anderson, who works in
    Sacramento, said", "Mitch McConnell, R-Ky., said"."""
    tokens = para.tokens
    lex = lexicon()
    j = comma - 1
    relative = False
    while j >= sent_first and comma - j <= 25 and tokens[j][2] != ",":
        j -= 1
    if j < sent_first or tokens[j][2] != "," or j == comma - 1:
        return None
    segment = [t[2] for t in tokens[j + 1:comma]]
    first = segment[0]
    # "X, who ..., said", "X, when contacted by Reuters, said": a clause, not a name.
    relative = first.lower() in RELATIVE_PRONOUNS | {"when", "while", "after", "before", "though", "although"}
    participle = first.endswith("ing") and first.islower()
    if not relative and not participle:
        if len(segment) > 14:
            return None
        for word in segment:
            if word in _QUOTE_CHARS or (word.islower() and (word in _BOUNDARY_WORDS - {"to", "and", "or"}
                                                            or word in lex.cues)):
                return None
    elif any(word in _QUOTE_CHARS for word in segment):
        return None
    start = _walk_back(para, j - 1, sent_first)
    if start is None:
        return None
    # Two appositives: "Mark Holden, chairman of the board, the network's funding arm, said";
    # an age: "Jillian Chase, 27, a Tinder user, said".
    if (tokens[start][2].islower() or tokens[start][2].isdigit()) and start - 1 > sent_first \
            and tokens[start - 1][2] == ",":
        earlier = _walk_back(para, start - 2, sent_first)
        if earlier is not None and any(_capitalised(t[2]) for t in tokens[earlier:start - 1]):
            start = earlier
    if not any(_capitalised(t[2]) or t[2].lower() in PERSON_PRONOUNS for t in tokens[start:j]):
        return None
    names_in_segment = all(_capitalised(w) or not _is_word(w) for w in segment)
    if participle:  # "Durbin, noting the size of the list, said": the participle is no part of the name
        return tokens[start][0], tokens[j - 1][1]
    possessive = first.endswith(("'s", "\u2019s"))  # "Marlon Marshall, Clinton's director of ..., said"
    if not (relative or names_in_segment or possessive or first.islower() or first.lower() in _DETERMINERS):
        return None
    return tokens[start][0], tokens[comma - 1][1]


def _phrase_after(para: _Para, k: int, *, strict: bool, source: bool = False,
                  limit: int = 10) -> tuple[int, int] | None:
    """The noun phrase starting at token ``k``: "said John Kirby", "according to a U.S. official".

    With ``strict``, the phrase must end the clause (a comma, a period, a dash or the sentence end),
    so that "said the two sides agreed" is not read as "said [the two sides]". An appositive after
    it is part of it ("said Robert Klein, chairman of the institute"). ``source`` lets the phrase
    run on over prepositions ("according to people familiar with the plans").
    """
    lex = lexicon()
    tokens = para.tokens
    if k >= len(tokens):
        return None
    sent = para.tok_sent[k]
    j = k
    last = None
    inner = _NP_PREPOSITIONS if source else _INNER_NP_PREPOSITIONS
    while j < len(tokens) and para.tok_sent[j] == sent and j - k < (limit + 8 if source else limit):
        word = tokens[j][2]
        if word == "." and last is not None and (tokens[last][2].lower() in lex.title or len(tokens[last][2]) == 1) \
                and j + 1 < len(tokens) and para.tok_sent[j + 1] == sent:
            j += 1
            continue
        if word in _NP_PREPOSITIONS and word not in inner:
            break
        if not _allowed_in_phrase(word, lex, False) and not (source and word in inner):
            break
        last = j
        j += 1
    if last is None:
        return None
    while last > k and tokens[last][2] in _NP_PREPOSITIONS:
        last -= 1
    if strict:
        if last - k >= 7:
            return None
        ends_clause = j >= len(tokens) or para.tok_sent[j] != sent or tokens[j][2] in {",", ".", ";", ":", "!", "?",
                                                                                    "\u2014", "\u2013", "-", "("} \
            or tokens[j][2] in _NP_PREPOSITIONS
        if not ends_clause:
            return None
    # An appositive that runs to the end of the sentence: ", chairman of the institute."
    if not source and j < len(tokens) and tokens[j][2] == "," and j + 1 < len(tokens) and para.tok_sent[j + 1] == sent:
        first = tokens[j + 1][2]
        if first.islower() and (first in _DETERMINERS or first in RELATIVE_PRONOUNS or first not in _BOUNDARY_WORDS) \
                and first not in lex.cues and not first.endswith("ing"):
            n = j + 1
            while n < len(tokens) and para.tok_sent[n] == sent and tokens[n][2] not in {",", ".", ";", ":", "!", "?"} \
                    and tokens[n][2] not in _QUOTE_CHARS and n - j <= 25:
                n += 1
            ends = n >= len(tokens) or para.tok_sent[n] != sent or tokens[n][2] in {".", "!", "?", ","}
            if ends and n - 1 > j:
                last = n - 1
    return tokens[k][0], tokens[last][1]


def _clause_subject(para: _Para, sent: int) -> tuple[int, int] | None:
    """The subject of a sentence's main clause, for a participle with no earlier cue: "On Monday,
    Washington adopted measures, saying ...". A pronoun, or a short phrase with a capitalised
    word: "A spokesman for Mayor Frank G. Jackson of Cleveland"."""
    tokens = para.tokens
    first = para.token_at(para.sents[sent][1])
    end = para.token_at(para.sents[sent][2])
    starts = [first]
    # After an opening adverbial ("On February 28,", "A month later,"), when it ends in a comma.
    comma = next((j for j in range(first, min(end, first + 25)) if tokens[j][2] == ","), None)
    if comma is not None and (tokens[first][2].lower() in _NP_PREPOSITIONS | _TIME_PREPOSITIONS
                              or comma - first <= 5):
        starts.insert(0, comma + 1)
    for k in starts:
        last = _subject_from(para, k, end)
        if last is not None:
            return tokens[k][0], tokens[last][1]
    return None


def _subject_from(para: _Para, k: int, end: int) -> int | None:
    """The last token of a subject that starts at token ``k`` (before ``end``), or None."""
    tokens = para.tokens
    if k >= end:
        return None
    if tokens[k][2].lower() in _SUBJECT_PRONOUNS - {"it", "you"}:
        return k
    last, j = None, k
    while j < end and j - k < 12:
        word = tokens[j][2]
        following = tokens[j + 1][2] if j + 1 < end else ""
        if _capitalised(word) and not (j == k and word.lower() in _BOUNDARY_WORDS | _NP_PREPOSITIONS):
            last = j
        elif word == "." and last == j - 1:
            pass
        elif j == k and word.lower() in _DETERMINERS:
            pass
        elif word.islower() and word not in _BOUNDARY_WORDS and word not in lexicon().cues \
                and (tokens[j - 1][2].lower() in _DETERMINERS or _capitalised(following)):
            last = j  # "A spokesman", "Republican presidential hopeful Sen. Ted Cruz"
        elif word in {"of", "for"} and _capitalised(following):
            pass
        else:
            break
        j += 1
    if last is not None and any(_capitalised(t[2]) and t[2].lower() not in _DETERMINERS
                                for t in tokens[k:last + 1]):
        return last
    return None


def _colon_cue(para: _Para, open_at: int) -> _Cue | None:
    """A short clause ending in a colon before a quote: 'the heckler yelled: "..."', 'President
    Clinton released the following statement: "..."'. Its verb phrase is the cue."""
    text = para.text
    before = text[:open_at].rstrip()
    if not before.endswith(":"):
        return None
    colon = len(before) - 1
    sent = para.sentence_of(colon)
    clause_start = para.sents[sent][1]
    for mark in ",;\u2014":
        clause_start = max(clause_start, text.rfind(mark, clause_start, colon) + 1)
    tokens = para.tokens
    first, last = para.token_at(clause_start), para.token_at(colon) - 1
    if last <= first:
        return None
    subject_end = _subject_from(para, first, last)
    if subject_end is None or subject_end >= last:
        return None
    verb = tokens[subject_end + 1:last + 1]
    words = [t[2] for t in verb]
    if not 1 <= len(words) <= 6 or not words[0].islower() or words[0] in _BOUNDARY_WORDS - {"has", "had", "have"} \
            or not all(_is_word(w) for w in words):
        return None
    return _Cue(verb[0][0], verb[-1][1], text[verb[0][0]:verb[-1][1]], "colon", sent, subject_end + 1, last,
                phrase=(tokens[first][0], tokens[subject_end][1]), mode="before")


# --------------------------------------------------------------------------------------------
# Direct quotes: which cue speaks them
# --------------------------------------------------------------------------------------------

def _skip(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def _cue_after(para: _Para, close_end: int) -> _Cue | None:
    """A cue right after a closing mark: '"...," Borrell said', '"...," said Borrell'."""
    position = _skip(para.text, close_end, " ,\u00a0\n")
    for cue in para.cues:
        if cue.start < position:
            continue
        if cue.start > position + 120:
            break
        if cue.phrase is None:
            continue
        if cue.mode == "after" and cue.start == position:
            return cue
        if cue.mode in ("before", "relative") and cue.phrase[0] == position:
            return cue
    return None


def _cue_before(para: _Para, open_at: int) -> _Cue | None:
    """A cue right before an opening mark: 'X said: "..."', 'X said, "..."', 'X told reporters: "..."'."""
    text = para.text
    for cue in reversed(para.cues):
        if cue.end > open_at or cue.phrase is None:
            continue
        anchor = cue.phrase[1] if cue.mode == "after" and cue.phrase[0] >= cue.end else cue.end
        between = text[anchor:open_at]
        if re.fullmatch(r"\s*(?:[,:]|that)?\s*", between):
            return cue
        # 'X said at a press conference: "..."', 'he said of Trump, "..."'
        stripped = between.rstrip()
        words = len(stripped.split())
        if stripped.endswith((":", ",")) and (words <= 8 if stripped.endswith(":") else words <= 4) \
                and not re.search(r"[.!?;\"\u201c\u201d]", between) \
                and not any(w in _BOUNDARY_WORDS for w in between.lower().split()):
            return cue
        return None
    return None


def _cue_in_sentence(para: _Para, open_at: int, close_at: int) -> _Cue | None:
    """A verb of saying earlier in the quote's sentence (else later): a quoted fragment."""
    sent = para.sentence_of(open_at)
    before = [c for c in para.cues if c.sent == sent and c.end <= open_at and c.cls in _FRAGMENT_CLASSES
              and c.phrase is not None]
    if before:
        return before[-1]
    close_sent = para.sentence_of(close_at)
    after = [c for c in para.cues if c.sent == close_sent and c.start > close_at and c.cls in _FRAGMENT_CLASSES
             and c.phrase is not None]
    return after[0] if after else None


_TITLE_FILLERS = frozenset({"of", "the", "a", "an", "and", "in", "on", "for", "to", "at", "with", "&"})


def _looks_like_a_title(text: str) -> bool:
    """'"State of the Union,"', '"Morning Joe."': a short run of capitalised words in quotation
    marks names a programme, a book or a slogan; nobody is being quoted."""
    bare = text.strip().rstrip(".,!?")
    words = [w for w in _TOKEN_RE.findall(bare) if _is_word(w)]
    if len(words) == 1 and bare != text.strip():
        return False  # '"Really," he said': one word with its punctuation is something said
    return 0 < len(words) <= 5 and _capitalised(words[0]) and all(
        _capitalised(w) or w.lower() in _TITLE_FILLERS or w.isdigit() for w in words)


def _assign_cues(paras: list[_Para], found: list[_Quote]) -> list[_Quote]:
    kept: list[_Quote] = []
    for quote in found:
        first_para, open_at, _ = quote.open_mark
        if len(quote.segments) == 1:
            index, start, end = quote.segments[0]
            if _looks_like_a_title(paras[index].text[start:end]):
                continue
        cue = None
        if quote.close_mark is not None:
            last_para, close_at, close_end = quote.close_mark
            cue = _cue_after(paras[last_para], close_end)
            where = last_para
            if cue is None:
                cue, where = _cue_before(paras[first_para], open_at), first_para
            if cue is None and not quote.single:
                cue, where = _colon_cue(paras[first_para], open_at), first_para
            if cue is None and not quote.single and len(quote.segments) == 1:
                cue, where = _cue_in_sentence(paras[first_para], open_at, close_at), first_para
            if cue is None and not quote.single:
                cue, where = _inherited_cue(paras, kept, quote)
        else:
            # A quote that never closes counts only when a cue introduces it: 'He said: "...'.
            cue, where = _cue_before(paras[first_para], open_at) or _colon_cue(paras[first_para], open_at), first_para
            if cue is not None and not paras[first_para].text[:open_at].rstrip().endswith(":"):
                cue = None
        if cue is None:
            continue
        cue.used = True
        quote.cue = (where, cue)
        kept.append(quote)
    return kept


def _inherited_cue(paras: list[_Para], kept: list[_Quote], quote: _Quote) -> tuple[_Cue | None, int]:
    """'"A," he said. "B."': B is his too. So is a quote opening a paragraph after 'He said:'."""
    index, open_at, _ = quote.open_mark
    para = paras[index]
    sent = para.sentence_of(open_at)
    starts_sentence = not para.text[para.sents[sent][1]:open_at].strip()
    if kept and starts_sentence:
        previous = kept[-1]
        if previous.close_mark is not None and previous.close_mark[0] == index and previous.cue is not None:
            between = para.text[previous.close_mark[2]:open_at]
            cue_para, cue = previous.cue[0], previous.cue[1]
            if not _DOUBLE_MARK_RE.search(between) and cue_para == index and cue.sent >= sent - 1:
                return cue, cue_para
    if open_at == 0 and index > 0:
        earlier = paras[index - 1]
        if earlier.text.rstrip().endswith(":") and earlier.cues:
            cue = earlier.cues[-1]
            if cue.phrase is not None and cue.sent == len(earlier.sents) - 1:
                return cue, index - 1
    return None, index


# --------------------------------------------------------------------------------------------
# Quotes set off by dashes
# --------------------------------------------------------------------------------------------

#: A dash that opens direct speech, as Polish, Russian, Ukrainian and French press (and their
#: translations) print it: at the start of a paragraph or right after a sentence's end
#: ("... Ukraine.- If Russia attacks, we will unite the world ... - he said").
_DASH_OPEN_RE = re.compile(r"(?:^|(?<=[.!?\"\u201d\u00bb]))[ \t\u00a0]*(?:--|[-\u2013\u2014])[ \t\u00a0]+(?=[^\W\d_]|[\"\u201c\u201e\u00ab])")
#: The dash that closes it before its cue ("... air raids - he said"): spaced (a dash between
#: words, "lines\u2014Mariupol's mayoral advisor reported that ...", sets off an aside).
_DASH_CLOSE_RE = re.compile(r"[ \t\u00a0](?:--|[-\u2013\u2014])[ \t\u00a0]")
#: What may follow a closing cue to its sentence's end: a few words ("- he said during the
#: speech."), no reported clause of its own ("- he reported that a ferry ...").
_CUE_TAIL_RE = re.compile(r"(?:[ \t\u00a0,]+[^\s.!?;:\"\u201c\u201d]+){0,5}?[ \t\u00a0]*(?:[.!?]|$)")
_REPORTED_CLAUSE_RE = re.compile(r"\b(?:that|whether|if)\b", re.IGNORECASE)


def _closing_cue(para: _Para, at: int) -> _Cue | None:
    """The cue that closes a quote right at ``at``, its sentence ending a few words later ("he
    said during the speech.", "said the Kremlin spokesman."); not one that reports a clause of its
    own ("Andryushchenko reported on August 17 that a ferry ...")."""
    cue = _cue_after(para, at)
    if cue is None or cue.mode not in ("after", "before"):
        return None
    tail = _CUE_TAIL_RE.match(para.text, max(cue.end, cue.phrase[1]) if cue.phrase is not None else cue.end)
    return cue if tail is not None and not _REPORTED_CLAUSE_RE.search(tail.group()) else None


def _closes_before(para: _Para, at: int) -> bool:
    """Whether a dash at ``at`` closes the quote before it: a cue that is a verb first ("- added
    Lavrov") or a pronoun's ("- he said"), not a sentence of reported speech ("- Our analysts say ...")."""
    cue = _closing_cue(para, at)
    return cue is not None and (cue.mode == "after" or (
        cue.phrase is not None and para.text[cue.phrase[0]:cue.phrase[1]].lower() in PERSON_PRONOUNS | GROUP_PRONOUNS))


def _dash_quotes(paras: list[_Para]) -> list[_Quote]:
    """Direct speech between dashes: a stretch opened by a dash where a paragraph or a sentence
    starts and closed by a dash that a cue follows ("- If this happens, ... air raids - he
    said."), and, after such a quote, a stretch opened the same way that runs to the paragraph's
    end (or the next opening dash) with no cue of its own ("- he said during the speech.- If Russia
    attacks, ..."): the same speaker goes on. A dash stretch with no cue and no such quote before
    it is not speech (a list's bullet). Cues inside the quotes are found again without them."""
    quotes: list[_Quote] = []
    previous: tuple[int, int] | None = None      # (paragraph, cue start) of the last cued dash quote
    for index, para in enumerate(paras):
        text = para.text
        if "-" not in text and "\u2013" not in text and "\u2014" not in text:
            previous = None
            continue
        openings = [m.span() for m in _DASH_OPEN_RE.finditer(text)]
        found: list[tuple[int, int, int, int, int | None]] = []   # open start, content start, end, close end, cue
        for k, (open_start, open_end) in enumerate(openings):
            if para.inside_quote(open_start, open_end) or _closes_before(para, open_end):
                continue          # ('as "war reparations" - added Lavrov'): the dash closes a quote before it
            stop = openings[k + 1][0] if k + 1 < len(openings) else len(text)
            closing = None
            for match in _DASH_CLOSE_RE.finditer(text, open_end, stop):
                cue = None if para.inside_quote(*match.span()) else _closing_cue(para, match.end())
                if cue is not None:
                    closing = (match.start(), match.end(), cue.start)
                    break
            if closing is not None:
                found.append((open_start, open_end, closing[0], closing[1], closing[2]))
                previous = (index, closing[2])
            elif previous is not None and (previous[0] == index or (open_start == 0 and previous[0] == index - 1)):
                found.append((open_start, open_end, stop, stop, None))   # the speaker goes on
            else:
                previous = None
        if not found:
            if text.strip():
                previous = None
            continue
        # find the cues again with the quotes' words taken out, as inside quotation marks
        for open_start, open_end, end, _close_end, _cue in found:
            para.quoted.append((open_end, end))
        used = {cue.start for cue in para.cues if cue.used}     # cues a marked quote already took
        para.cues = []
        _find_cues(para)
        by_start = {cue.start: cue for cue in para.cues}
        for start in used & by_start.keys():
            by_start[start].used = True
        last_cue: tuple[int, _Cue] | None = None
        for open_start, open_end, end, close_end, cue_start in found:
            if cue_start is not None:
                cue = by_start.get(cue_start)
                last_cue = (index, cue) if cue is not None and cue.phrase is not None else None
            elif last_cue is None and quotes and quotes[-1].cue is not None and quotes[-1].open_mark[0] == index - 1:
                last_cue = quotes[-1].cue     # a paragraph that goes on with its predecessor's speaker
            if last_cue is None:
                continue
            last_cue[1].used = True
            quote = _Quote([(index, open_end, end)], (index, open_start, open_end),
                           (index, end, close_end))
            quote.cue = last_cue
            quotes.append(quote)
        if found[-1][4] is None and found[-1][2] < len(text.rstrip()):
            previous = None
    return quotes


# --------------------------------------------------------------------------------------------
# Indirect speech
# --------------------------------------------------------------------------------------------

def _content_end(para: _Para, start: int, sent: int, cue: _Cue) -> int:
    """Where reported speech that starts at ``start`` ends: the sentence end, a dash, ', but',
    ', according to', or the next coordinated verb of saying ('..., adding', 'but he said')."""
    text = para.text
    end = para.sents[sent][2]
    match = _DASH_RE.search(text, start, end)
    if match:
        end = min(end, match.start())
    match = _CONTENT_STOP_RE.search(text, start, end)
    if match:
        end = min(end, match.end("mark") if match.group("mark") else match.start())
    for other in para.cues:
        if other.sent != sent or other.start <= cue.end or other.start >= end:
            continue
        clause_start = other.start if other.mode in ("inherit", "") or other.phrase is None else \
            min(other.start, other.phrase[0])
        head = text[start:clause_start]
        match = _COORDINATION_RE.search(head)
        if match and (other.mode == "inherit" or match.group().strip(" ,")):
            end = min(end, start + match.start())
            break
    while end > start and text[end - 1] in _TRAILING_PUNCT:
        end -= 1
    return end


def _content_after(para: _Para, cue: _Cue) -> tuple[int, int] | None:
    """Reported speech after its cue: 'said (that) ...', 'told reporters (on Monday) that ...'."""
    tokens = para.tokens
    k = cue.last_tok + 1
    if cue.mode == "after" and cue.phrase is not None:
        k = para.token_at(cue.phrase[1])
    if k >= len(tokens) or para.tok_sent[k] != cue.sent:
        return None
    start = None
    lex = lexicon()
    # "said (on Monday) that", "told reporters (in Kyiv on Monday) that"
    window = 12 if tokens[k][2] in _NP_PREPOSITIONS or cue.cls == "speech_to" else 7
    for j in range(k, min(len(tokens), k + window)):
        word = tokens[j][2]
        if para.tok_sent[j] != cue.sent:
            break
        if word == "that":
            start = tokens[j][0]
            break
        if word in _QUOTE_CHARS:
            continue  # 'told "Morning Joe" that'
        if not _is_word(word) or word.lower() in _BOUNDARY_WORDS or word.lower() in lex.cues:
            break
    first = tokens[k][2]
    if start is None and (cue.cls == "speech_to" or (cue.cls == "say" and first in _NP_PREPOSITIONS)):
        # "told him he had never been", "said in a statement Thursday they pulled": a clause
        # that opens with a subject pronoun after the addressee or a prepositional phrase.
        for j in range(k + 1, min(len(tokens), k + 9)):
            word = tokens[j][2]
            if para.tok_sent[j] != cue.sent or not _is_word(word) or word.lower() in lex.cues:
                break
            if word.lower() in _SUBJECT_PRONOUNS - {"you", "it"} and j > k:
                start = tokens[j][0]
                break
            if word.lower() in _BOUNDARY_WORDS:
                break
    if start is None:
        # Reported speech without "that" only after verbs of saying: "the army confirmed the
        # attack" reports an event, and "confirmed numbers" is no verb at all.
        if cue.cls != "say" or not _is_word(first) or first in _NP_PREPOSITIONS \
                or first in {"to", "by", "so", "as", "yes", "no", "nothing", "goodbye", "thank", "thanks"}:
            return None
        start = tokens[k][0]
    end = _content_end(para, start, cue.sent, cue)
    if len(_TOKEN_RE.findall(para.text[start:end])) < 3:
        return None
    return start, end


def _content_before(para: _Para, cue: _Cue) -> list[tuple[int, int]] | None:
    """Reported speech before its cue: '..., the White House said.', '..., according to X.'; and
    around it when the cue is set off by commas: 'It is no surprise, Mr. Garin said, that ...'."""
    text = para.text
    if cue.mode == "relative":
        return None  # "..., who said": what comes before is the writer's, not the speaker's
    clause_start = cue.start if cue.mode == "after" or cue.phrase is None else min(cue.start, cue.phrase[0])
    head = text[:clause_start].rstrip()
    if not head.endswith(",") and cue.cls != "source":
        return None
    head_end = len(head) - 1 if head.endswith(",") else len(head)  # "... by 271 delegates according to AP"
    sent_end = para.sents[cue.sent][2]
    tail_from = cue.phrase[1] if cue.mode == "after" and cue.phrase is not None else cue.end
    if cue.cls == "source":
        tail_from = max(tail_from, cue.phrase[1] if cue.phrase is not None else cue.end)
    tail = text[tail_from:sent_end]
    comma = tail.find(",")
    clause_tail = tail if comma < 0 else tail[:comma]
    if cue.cls != "source":
        # Only a short adverbial may follow the cue ("said in a statement", "told reporters"),
        # not an object or a complement ("claimed victory", "said that").
        tail_words = [w for w in _TOKEN_RE.findall(clause_tail) if _is_word(w)]
        if len(tail_words) > 10 or "that" in tail_words or _DOUBLE_MARK_RE.search(clause_tail):
            return None
        lead = clause_tail.lstrip()[:1]
        if tail_words and lead not in {".", ";", ":", "!", "?", "("} and cue.cls != "speech_to" \
                and tail_words[0] not in _NP_PREPOSITIONS | {"during", "after", "before", "when", "as", "via",
                                                            "last", "this", "yesterday", "today", "earlier"} \
                and not _time_word(tail_words[0], lexicon()):
            return None
    start = para.sents[cue.sent][1]
    # Never reach back over an earlier cue of the same sentence, or over a direct quote.
    for other in para.cues:
        if other.sent == cue.sent and other is not cue and other.end <= clause_start and other.phrase is not None:
            start = max(start, other.end)
    for qs, qe in para.quoted:
        if qe + 1 <= clause_start and qe + 1 > start:
            start = qe + 1
    start = _skip(text, start, " ,\"\u201d\u201c:")
    end = head_end
    while end > start and text[end - 1] in _TRAILING_PUNCT:
        end -= 1
    pieces = [(start, end)] if end > start else []
    # A cue set off by commas in mid-sentence: the sentence goes on after it.
    if comma >= 0:
        rest_start = _skip(text, tail_from + comma + 1, " ")
        rest = text[rest_start:sent_end]
        follower = rest.split(" ", 1)[0].strip(",;:")
        stop = {"and", "but", "or", "while", "who", "which", "whose", "where", "according", "adding", "saying"}
        if follower and follower not in stop and not (follower.islower() and follower.endswith("ing")) \
                and follower not in lexicon().cues and not _DOUBLE_MARK_RE.match(rest):
            rest_end = _content_end(para, rest_start, cue.sent, cue)
            if rest_end > rest_start:
                pieces.append((rest_start, rest_end))
    if sum(len(_TOKEN_RE.findall(text[a:b])) for a, b in pieces) < 3:
        return None
    return [(a, b) for a, b in pieces if len(_TOKEN_RE.findall(text[a:b])) >= 1]


def _indirect(para: _Para, cue: _Cue) -> list[tuple[int, int]] | None:
    """The pieces of reported speech a cue introduces (two when the cue interrupts it), or None."""
    if cue.phrase is None or cue.used:
        return None
    if cue.cls == "source":
        opening = para.text[para.sents[cue.sent][1]:cue.start].strip(" \"\u201c")
        if not opening or opening.endswith((":", ";", "\u2014", "--")):  # "According to X, ..."
            comma = para.text.find(",", cue.phrase[1], para.sents[cue.sent][2])
            if comma < 0:
                return None
            start = _skip(para.text, comma + 1, " ")
            end = _content_end(para, start, cue.sent, cue)
            return [(start, end)] if len(_TOKEN_RE.findall(para.text[start:end])) >= 3 else None
        return _content_before(para, cue)
    after = _content_after(para, cue)
    return [after] if after is not None else _content_before(para, cue)


# --------------------------------------------------------------------------------------------
# Speakers: the name in the phrase, pronouns resolved
# --------------------------------------------------------------------------------------------

def _name_in_phrase(text: str, start: int, end: int) -> tuple[int, int]:
    """The name at the end of a noun phrase, titles dropped: 'Pentagon spokesman John Kirby' ->
    'John Kirby', 'U.S. President Joe Biden' -> 'Joe Biden'. Without a name, the whole phrase."""
    # "Vladimir Medinsky, the head of the delegation": the name before the appositive, else a name
    # that is the appositive ("Hunter's chief of staff, Joe Kasper").
    if "," in text[start:end]:
        parts, position = [], start
        for piece in text[start:end].split(","):
            lead = len(piece) - len(piece.lstrip())
            parts.append((position + lead, position + len(piece.rstrip())))
            position += len(piece) + 1
        for part_start, part_end in parts:
            if part_end > part_start:
                found = _name_in_phrase(text, part_start, part_end)
                if found != (part_start, part_end) or _capitalised(text[part_start:part_end].split()[-1]):
                    return found
        return parts[0] if parts[0][1] > parts[0][0] else (start, end)
    lex = lexicon()
    if text[start:end].endswith(")") and "(" in text[start:end]:  # "Richard J. Durbin (D-Ill.)"
        inner_end = text.rfind("(", start, end)
        while inner_end > start and text[inner_end - 1].isspace():
            inner_end -= 1
        if inner_end > start:
            return _name_in_phrase(text, start, inner_end)
    tokens = [(m.start() + start, m.end() + start, m.group()) for m in _TOKEN_RE.finditer(text[start:end])]
    words = [t for t in tokens if t[2] != "."]
    if not words or not _capitalised(words[-1][2]):
        return start, end
    run = []
    for token in reversed(words):
        if _capitalised(token[2]) or (token[2].lower() in _NAME_PARTICLES and run):
            run.append(token)
        else:
            break
    run.reverse()
    while run and run[0][2].lower() in _NAME_PARTICLES:
        run.pop(0)
    # Drop the titles in front of the name; keep them if nothing would be left.
    cut = max((i for i, t in enumerate(run) if t[2].lower().rstrip(".") in lex.title), default=-1)
    if 0 <= cut < len(run) - 1:
        run = run[cut + 1:]
    if run and run[0][2] in {"The", "A", "An"}:
        run = run[1:]
    if not run:
        return start, end
    return run[0][0], run[-1][1]


_NAME_RUN_RE = re.compile(r"(?<![\w'\u2019.-])(?:[A-Z][\w'\u2019-]*\.?|(?:[A-Z]\.){2,})"
                          r"(?:\s+(?:(?:de|da|van|von|bin|al|el|der|den)\s+)?(?:[A-Z][\w'\u2019-]*\.?|(?:[A-Z]\.){2,}))*")


def _person_like(words: list[str], lex: Lexicon) -> bool:
    return all(w.lower().rstrip(".") not in lex.nonperson and w.lower().rstrip(".") not in lex.time
               and not (w.isupper() and len(w.rstrip(".")) > 1) for w in words)


def _name_candidates(paras: list[_Para], named: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Person-like names in an article, in text order, as (article start, end, name).

    A name is a run of 2 to 4 capitalised words (titles in front dropped) that has no word of an
    organisation, place or date; a single capitalised word right after a title ("President
    Zelenskiy"); or a name already seen as a speaker, or as the last word of a longer name.
    Words inside quotation marks are skipped: a name someone quotes is rarely who is speaking.
    """
    lex = lexicon()
    found: list[tuple[int, int, str]] = []
    known: set[str] = {name for _, _, name in named}
    for para in paras:
        sentence_starts = {s for _, s, _ in para.sents}
        for match in _NAME_RUN_RE.finditer(para.text):
            start, end = match.span()
            if para.inside_quote(start, end):
                continue
            words = match.group().split()
            offsets = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", match.group())]
            title_before = False
            previous_word = re.search(r"(\S+)\s*$", para.text[:start])
            if previous_word and previous_word.group(1).lower().rstrip(".") in lex.title:
                title_before = True
            if previous_word and previous_word.group(1) in {"the", "The"} \
                    and match.group().split()[0].lower().rstrip(".") not in lex.title:
                continue  # "the Red Cross", "the White House": people's names take no article
            # Titles in front are not the name; neither is a sentence's first word when it is a stopword.
            while offsets and (offsets[0][1].lower().rstrip(".") in lex.title
                               or (offsets[0][0] in sentence_starts
                                   and offsets[0][1].lower() in resources.stopwords())):
                if offsets[0][1].lower().rstrip(".") in lex.title:
                    title_before = True
                offsets.pop(0)
            words = [w for _, w in offsets]
            if not words or not _person_like(words, lex):
                continue
            name_start = offsets[0][0]
            name = para.text[name_start:end].rstrip(".")
            if 2 <= len(words) <= 4 or (len(words) == 1 and (title_before or name in known)):
                found.append((para.offset + name_start, para.offset + name_start + len(name), name))
                known.add(name)
                if len(words) >= 2:
                    known.add(words[-1].rstrip("."))
    # A surname alone counts once its full name has been seen.
    for para in paras:
        for match in _NAME_RUN_RE.finditer(para.text):
            word = match.group()
            if " " not in word and word in known and not para.inside_quote(*match.span()):
                found.append((para.offset + match.start(), para.offset + match.end(), word))
    found = sorted(set(found))
    return found


def _text_getter(article_sents: pd.DataFrame):
    return _text_getter_from(article_sents["start"].astype(int).tolist(), article_sents["end"].astype(int).tolist(),
                             article_sents["text"].astype(str).tolist())


def _text_getter_from(starts: list[int], ends: list[int], texts: list[str]):
    order = sorted(range(len(starts)), key=starts.__getitem__)
    starts = [starts[i] for i in order]
    ends = [ends[i] for i in order]
    texts = [texts[i] for i in order]

    def get(start: int, end: int) -> str | None:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and end <= ends[i]:
            return texts[i][start - starts[i]:end - starts[i]]
        return None

    def around(start: int, end: int, reach: int) -> tuple[str, str]:
        """The words of the sentence holding ``start:end``, up to ``reach`` characters before and after it."""
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or end > ends[i]:
            return "", ""
        low, high = max(start - reach, starts[i]), min(end + reach, ends[i])
        text = texts[i]
        return text[low - starts[i]:start - starts[i]], text[end - starts[i]:high - starts[i]]

    get.around = around
    return get


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------



def _require_columns(frame: pd.DataFrame, needed: Sequence[str], caller: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KeyError(f"{caller}() needs the columns {missing}, which this table lacks "
                       f"(it has {list(frame.columns)})")


def quotes(
    sents: pd.DataFrame,
    *,
    mentions: pd.DataFrame | None = None,
    roles: Sequence[str] | None = ("body",),
) -> pd.DataFrame:
    """Find direct quotations and indirect speech, with their speakers and speech verbs.

    Args:
        sents: the sentences table from :func:`analysis.sentences`.
        mentions: an actor-mentions table (``article_id``, ``start``, ``end``, ``actor_id``,
            ``actor_type``; ``surface`` is used when present). When given, a speaker gets the
            ``actor_id`` of the mention it overlaps, and "he"/"she" the last person mentioned before
            it ("they"/"it": the last actor that is neither a person nor a place). Without it, ``speaker_actor_id``
            is None and "he"/"she" become the last person-like name before them in the article.
        roles: paragraph roles to read (default body only; ``None`` reads every sentence).

    Returns:
        A DataFrame, one row per quotation (a quote interrupted by its speaker, '"A," X said, "B"',
        is two rows with the same cue; one that runs over paragraphs is one row per paragraph):
        ``article_id``; ``sent_id`` (the sentence where the quote starts; for indirect speech, the
        sentence of the cue); ``speaker`` (the name where there is one, titles dropped, else the
        noun phrase: "John Kirby", "the White House", "witnesses"); ``speaker_actor_id`` (None
        without ``mentions``); ``cue`` (the speech verb: "said", "told", "according to");
        ``quote`` (the quoted words, without the quotation marks; for indirect speech the reported
        clause, "that ..." included; where a quote runs over two sentences, the whitespace between
        them, which the sentences table does not keep, is written as spaces); ``kind`` (direct /
        indirect); ``start``, ``end`` (the quote's article offsets); ``speaker_start``, ``speaker_end`` (where ``speaker`` is written - for a
        resolved pronoun, the earlier name); ``cue_start``, ``cue_end``; ``speaker_resolved_from``
        (the pronoun a speaker was resolved from, else None); ``speaker_phrase`` with
        ``speaker_phrase_start``, ``speaker_phrase_end`` (the subject as written at the cue: "Pentagon
        spokesman John Kirby", "he"); and ``para_id``.

    >>> q = quotes(sents)                                                 # doctest: +SKIP
    >>> q.loc[q.kind == "direct", ["speaker", "quote"]]                   # doctest: +SKIP
    """
    _require_columns(sents, ("article_id", "para_id", "sent_id", "role", "text", "start", "end"), "quotes")
    if mentions is not None:
        _require_columns(mentions, ("article_id", "start", "end", "actor_id", "actor_type"), "quotes")
    rows: list[tuple] = []
    if _plain_table(sents):
        rows = _table_quotes(sents, role_mask(sents, roles), mentions)
    else:
        selected = select_roles(sents, roles)
        by_article = {key: frame for key, frame in sents.groupby("article_id", sort=False)} if len(selected) else {}
        mention_groups = _mention_groups(mentions)
        for article_id, article_sents in selected.groupby("article_id", sort=False):
            article_mentions = mention_groups.get(article_id, []) if mentions is not None else None
            all_sents = by_article[article_id]
            rows.extend(_article_quotes(_build_paragraphs(article_sents), lambda s=all_sents: _text_getter(s),
                                        article_mentions))
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    for column in ("speaker_actor_id", "speaker_resolved_from"):
        # Object columns, so that "no value" stays None (pandas would make a string column's None NaN).
        frame[column] = pd.Series([row[QUOTE_COLUMNS.index(column)] for row in rows], dtype=object)
    for column in ("sent_id", "start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end",
                   "speaker_phrase_start", "speaker_phrase_end", "para_id"):
        frame[column] = frame[column].astype("int64")
    return frame.sort_values(["article_id", "start", "cue_start"], kind="stable").reset_index(drop=True) \
        if len(frame) else frame


@dataclass
class _Row:
    para: _Para
    sent_id: int
    cue: _Cue
    start: int           # article offsets of the content
    end: int
    kind: str
    text: str            # the content, from the rebuilt paragraph
    para_id: int         # the paragraph of the content (not always the cue's)


def _plain_table(sents: pd.DataFrame) -> bool:
    """Whether the sentences can be grouped and ordered as plain Python values, the same way pandas
    does (NumPy integer paragraph ids and offsets, so never missing; article ids that are not
    categories)."""
    import numpy as np

    return all(isinstance(sents[c].dtype, np.dtype) and sents[c].dtype.kind in "iu" for c in ("para_id", "start", "end")) \
        and not isinstance(sents["article_id"].dtype, pd.CategoricalDtype)


def _positions_by_key(values: list) -> dict:
    """Positions of each value, values in order of first appearance, missing values (None, NaN)
    left out: ``groupby(sort=False)`` on plain values."""
    groups: dict = {}
    for position, key in enumerate(values):
        group = groups.get(key)
        if group is None:
            group = groups[key] = []
        group.append(position)
    return {key: group for key, group in groups.items() if not (pd.api.types.is_scalar(key) and pd.isna(key))}


def _table_quotes(sents: pd.DataFrame, mask, mentions: pd.DataFrame | None) -> list[tuple]:
    """The quote rows of every article of a sentences table whose selected rows are ``mask``: what
    grouping the table by article and paragraph with pandas gives, read from plain lists."""
    import numpy as np

    mention_groups = _mention_groups(mentions)
    selected = np.flatnonzero(np.asarray(mask, dtype=bool)).tolist()
    if not selected:
        return []
    article_ids = sents["article_id"].tolist()
    para_ids = sents["para_id"].tolist()
    sent_ids = sents["sent_id"].tolist()
    texts = sents["text"].tolist()
    starts = sents["start"].tolist()
    ends = sents["end"].tolist()
    by_article = _positions_by_key(article_ids)
    chosen = _positions_by_key([article_ids[i] for i in selected])
    as_text: list = []   # the texts as str (.astype(str)), made when first needed

    def getter(positions):
        def make():
            if not as_text:
                as_text.append(sents["text"].astype(str).tolist())
            return _text_getter_from([starts[i] for i in positions], [ends[i] for i in positions],
                                     [as_text[0][i] for i in positions])
        return make

    rows: list[tuple] = []
    for article_id, picked in chosen.items():
        ordered = sorted((selected[k] for k in picked), key=starts.__getitem__)
        paragraphs = _positions_by_key([para_ids[i] for i in ordered])
        groups = [(article_id, para_id, int(starts[ordered[members[0]]]),
                   [(sent_ids[i], texts[i], starts[i], ends[i]) for i in (ordered[m] for m in members)])
                  for para_id, members in paragraphs.items()]
        article_mentions = mention_groups.get(article_id, []) if mentions is not None else None
        rows.extend(_article_quotes(_paragraphs_from_groups(groups), getter(by_article[article_id]),
                                    article_mentions))
    return rows


def _article_quotes(paras: list[_Para], make_text_getter, article_mentions: list[_Mention] | None) -> list[tuple]:
    found = _find_quotes(paras)
    for para in paras:
        _find_cues(para)
    direct = _assign_cues(paras, found)
    dashed = _dash_quotes(paras)
    if dashed:
        direct = sorted(direct + dashed, key=lambda q: q.open_mark)
    items: list[_Row] = []
    for quote in direct:
        cue_para_index, cue = quote.cue
        for index, start, end in quote.segments:
            para = paras[index]
            while start < end and para.text[start].isspace():
                start += 1
            while end > start and para.text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            items.append(_Row(paras[cue_para_index], para.sents[para.sentence_of(start)][0], cue,
                              para.offset + start, para.offset + end, "direct", para.text[start:end], para.para_id))
    dash_opens: dict[int, list[int]] = {}
    for quote in dashed:
        dash_opens.setdefault(quote.open_mark[0], []).append(paras[quote.open_mark[0]].offset + quote.open_mark[1])
    for index, para in enumerate(paras):
        opens = dash_opens.get(index, ())
        for cue in para.cues:
            for start, end in _indirect(para, cue) or ():
                # reported speech stops where a quote set off by a dash opens ("said that there
                # was still no evidence.- Our analysts say ...")
                end = min([end] + [at - para.offset for at in opens if start < at - para.offset < end])
                while end > start and para.text[end - 1] in _TRAILING_PUNCT:
                    end -= 1
                items.append(_Row(para, para.sents[cue.sent][0], cue, para.offset + start, para.offset + end,
                                  "indirect", para.text[start:end], para.para_id))
    if not items:
        return []
    get_text = make_text_getter()
    quoted = [(p.offset + s, p.offset + e) for p in paras for s, e in p.quoted]
    # Reported words never hold a pronoun speaker's antecedent: the paired quotes, every quote's
    # content, and what runs from a cue to its content in the same paragraph ("Truss said Putin
    # could still 'change his mind'. She added: ..." is Truss speaking again, not Putin).
    # A quote's speaker stays one, whatever reported words hold it (sentences glued without a space
    # put "... Ukraine.In the evening, Joe Biden said" into the content of the cue before).
    reported = quoted + [(min(item.start, item.para.offset + item.cue.end)
                          if item.para.para_id == item.para_id and item.para.offset + item.cue.end <= item.end
                          else item.start, item.end) for item in items]
    speaking = [phrase for phrase in map(_speaker_phrase, items) if phrase is not None]
    named = []
    for item in items:
        phrase = _speaker_phrase(item)
        if phrase is None:
            continue
        start, end = phrase
        text = item.para.text[start - item.para.offset:end - item.para.offset]
        if text.lower() not in _SUBJECT_PRONOUNS | RELATIVE_PRONOUNS and _capitalised(text):
            s, e = _name_in_phrase(item.para.text, start - item.para.offset, end - item.para.offset)
            name = item.para.text[s:e]
            if len(name.split()) <= 4 and _person_like(name.split(), lexicon()):
                named.append((item.para.offset + s, item.para.offset + e, name))
    candidates = [] if article_mentions is not None else _name_candidates(paras, named)
    rows = []
    for item in items:
        row = _speaker_row(item, article_mentions, candidates, reported, get_text, speaking)
        if row is None:
            continue
        para, cue = item.para, item.cue
        speaker, speaker_start, speaker_end, actor_id, resolved_from, phrase_text, phrase_start, phrase_end = row
        rows.append((
            para.article_id, item.sent_id, speaker, actor_id, cue.text, item.text, item.kind, item.start, item.end,
            speaker_start, speaker_end, para.offset + cue.start, para.offset + cue.end, resolved_from, phrase_text,
            phrase_start, phrase_end, item.para_id,
        ))
    return rows


def _speaker_phrase(item: _Row) -> tuple[int, int] | None:
    if item.cue.phrase is None:
        return None
    return item.para.offset + item.cue.phrase[0], item.para.offset + item.cue.phrase[1]


def _speaker_row(item: _Row, article_mentions: list[_Mention] | None, candidates: list[tuple[int, int, str]],
                 quoted: list[tuple[int, int]], get_text, speaking: list[tuple[int, int]] = ()):
    """(speaker, start, end, actor_id, resolved_from, phrase, phrase_start, phrase_end) or None.

    With ``article_mentions`` (a list, maybe empty) the speaker is resolved through the mentions;
    with None, a "he"/"she" becomes the last of the ``candidates`` names before it.
    """
    para, cue = item.para, item.cue
    phrase = _speaker_phrase(item)
    if phrase is None:
        return None
    phrase_start, phrase_end = phrase
    phrase_text = para.text[phrase_start - para.offset:phrase_end - para.offset]
    lower = phrase_text.lower()
    resolved_from = None
    if lower in RELATIVE_PRONOUNS and cue.antecedent is not None:
        resolved_from = phrase_text
        s, e = _name_in_phrase(para.text, *cue.antecedent)
        start, end = para.offset + s, para.offset + e
    elif lower in PERSON_PRONOUNS | GROUP_PRONOUNS:
        start, end = phrase_start, phrase_end
    else:
        s, e = _name_in_phrase(para.text, cue.phrase[0], cue.phrase[1])
        start, end = para.offset + s, para.offset + e
    speaker = para.text[start - para.offset:end - para.offset]
    actor_id = None
    # The reported words themselves never hold the speaker's antecedent ("Biden erred, he said").
    skip = quoted + [(item.start, item.end)]
    if article_mentions is not None:
        if lower in PERSON_PRONOUNS | GROUP_PRONOUNS:
            mention = _last_mention_before(article_mentions, phrase_start, skip, person=lower in PERSON_PRONOUNS,
                                           speaking=speaking)
            if mention is not None:
                resolved_from = phrase_text
                start, end = mention.start, mention.end
                speaker = mention.surface or get_text(start, end) or str(mention.actor or "")
                actor_id = mention.actor_id
        else:
            spans = [(lo, hi, lo + _last_word_at(para.text[lo - para.offset:hi - para.offset]))
                     for lo, hi in ((start, end), (phrase_start, phrase_end)) if para.offset <= lo]
            mention = _overlapping_mention(article_mentions, spans)
            if mention is not None:
                actor_id = mention.actor_id
            elif (role := _role_words(phrase_text)) is not None:
                # "the foreign secretary said": the person the article gave that role before
                mention = _role_holder(article_mentions, phrase_start, role, get_text) or \
                    _gazetteer_role_holder(article_mentions, phrase_start, role, phrase_text, skip)
                if mention is not None:
                    resolved_from = phrase_text
                    start, end = mention.start, mention.end
                    speaker = mention.surface or get_text(start, end) or str(mention.actor or "")
                    actor_id = mention.actor_id
    elif lower in PERSON_PRONOUNS:
        earlier = [c for c in candidates if c[1] <= phrase_start
                   and (not any(lo <= c[0] and c[1] <= hi for lo, hi in skip)
                        or any(lo <= c[0] and c[1] <= hi for lo, hi in speaking))]
        if earlier:
            start, end, speaker = earlier[-1]
            resolved_from = phrase_text
    return speaker, start, end, actor_id, resolved_from, phrase_text, phrase_start, phrase_end


#: Head nouns of a role a person holds, for "the foreign secretary said" (lexicon titles that name
#: a person alone; not "head", "state", "foreign", "former" and the like).
_ROLE_HEADS = frozenset(
    "president minister secretary chancellor premier governor mayor senator ambassador envoy king queen "
    "prince pope general colonel commander chairman chairwoman director spokesman spokeswoman spokesperson "
    "adviser advisor leader economist analyst".split())


def _role_words(phrase: str) -> str | None:
    """The role a definite speaker phrase names ("the UK foreign secretary" -> "foreign secretary",
    "the American president" -> "president"), or None when it names none."""
    words = phrase.split()
    if not 2 <= len(words) <= 4 or words[0].lower() != "the" or words[-1].lower() not in _ROLE_HEADS:
        return None
    role = [words[-1].lower()]
    for word in reversed(words[1:-1]):
        if not word.islower():
            break
        role.insert(0, word)
    return " ".join(role)


#: What may not stand before a role for its holder to hold it: "deputy prime minister John
#: Prescott" is not "the prime minister", nor a former, acting or press secretary "the secretary".
_OTHER_ROLE = r"(?<!deputy )(?<!vice )(?<!vice-)(?<!former )(?<!acting )(?<!shadow )(?<!ex-)(?<!junior )" \
              r"(?<!assistant )(?<!press )(?<!under )(?<!under-)"


def _role_holder(mentions: list[_Mention], position: int, role: str, get_text) -> _Mention | None:
    """The last person before ``position`` whom their own sentence gives ``role`` right next to
    their name ("The UK foreign secretary, Liz Truss", "Belarusian President Alexander Lukashenko",
    "Oleh Syniehubov, the regional governor")."""
    around = getattr(get_text, "around", None)
    if around is None:
        return None
    role_re = re.escape(role).replace(r"\ ", r"\s+")
    # the role right before the name ("foreign secretary, Liz Truss"), or in an apposition right
    # after it ("Oleh Syniehubov, the regional governor,")
    # (not a deputy's or a former one's role: "deputy prime minister John Prescott" is not "the
    # prime minister")
    other = _OTHER_ROLE
    before = re.compile(other + r"\b" + role_re + r"[\s,]*$", re.IGNORECASE)
    after = re.compile(r"^\s*,\s*(?:the|a|an)?\s*(?:[\w.'\u2019-]+\s+){0,3}?" + other + role_re + r"\b",
                       re.IGNORECASE)
    for mention in reversed(mentions):
        if mention.end > position or mention.actor_type != "person":
            continue
        left, right = around(mention.start, mention.end, 60)
        if before.search(left) or after.search(right):
            return mention
    return None


@functools.lru_cache(maxsize=1)
def _gazetteer_roles() -> tuple[dict, dict]:
    """From the shipped gazetteer: each person's role (its first, current part, lower case) and
    country by ``actor_id``, and each state's country by its demonyms ("american" -> "US")."""
    from analysis.actors import shipped_gazetteer

    roles, demonyms = {}, {}
    for row in shipped_gazetteer().itertuples(index=False):
        if row.actor_type == "person" and isinstance(row.role, str) and row.role:
            roles[row.actor_id] = (re.sub(r"\(.*?\)", "", row.role.split(";")[0]).lower().strip(), row.country)
        elif row.actor_type == "state" and isinstance(row.demonyms, str):
            for demonym in row.demonyms.split(";"):
                if demonym:
                    demonyms[demonym.lower()] = row.country
    return roles, demonyms


def _gazetteer_role_holder(mentions: list[_Mention], position: int, role: str, phrase: str,
                           skip: list[tuple[int, int]]) -> _Mention | None:
    """The last person before ``position`` (outside reported words) whose role in the gazetteer is
    the phrase's role, of the country its demonym names if it names one: "the American president"
    after "Joe Biden said" is Biden, whose role is "President of the United States"; "the
    president" is the last president named. None when the phrase names a demonym no state has."""
    roles, demonyms = _gazetteer_roles()
    words = phrase.split()[1:-len(role.split())]
    countries = {demonyms.get(word.lower()) for word in words if word[:1].isupper()}
    if None in countries:
        return None
    role_re = re.compile(_OTHER_ROLE + r"\b" + re.escape(role).replace(r"\ ", r"\s+") + r"\b")
    for mention in reversed(mentions):
        if mention.end > position or mention.actor_type != "person" or any(
                lo <= mention.start and mention.end <= hi for lo, hi in skip):
            continue
        held = roles.get(mention.actor_id)
        if held is not None and role_re.search(held[0]) and (not countries or held[1] in countries):
            return mention
    return None


def _last_word_at(text: str) -> int:
    """Where the last word of ``text`` starts (0 when there is none)."""
    words = [m.start() for m in _TOKEN_RE.finditer(text) if _is_word(m.group())]
    return words[-1] if words else 0


class _Mention(NamedTuple):
    start: int
    end: int
    actor_id: object
    actor: object
    actor_type: str
    surface: str | None


def _mention_groups(mentions: pd.DataFrame | None) -> dict:
    """Each article's mentions, in text order, by article_id."""
    if mentions is None or not len(mentions):
        return {}
    if isinstance(mentions["article_id"].dtype, pd.CategoricalDtype):
        return {key: _mention_list(frame) for key, frame in mentions.groupby("article_id", sort=False)}
    columns = [mentions[c].tolist() if c in mentions.columns else [None] * len(mentions)
               for c in ("start", "end", "actor_id", "actor", "actor_type", "surface")]
    groups = {}
    for key, positions in _positions_by_key(mentions["article_id"].tolist()).items():
        groups[key] = _mentions_from(*([values[i] for i in positions] for values in columns))
    return groups


def _mentions_from(starts, ends, actor_ids, actors, actor_types, surfaces) -> list[_Mention]:
    mentions = [
        _Mention(int(start), int(end), actor_id, actor, str(actor_type), surface if isinstance(surface, str) else None)
        for start, end, actor_id, actor, actor_type, surface in zip(starts, ends, actor_ids, actors, actor_types,
                                                                    surfaces)
    ]
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _mention_list(frame: pd.DataFrame) -> list[_Mention]:
    """One article's mentions, in text order."""
    surfaces = frame["surface"] if "surface" in frame.columns else [None] * len(frame)
    actors = frame["actor"] if "actor" in frame.columns else [None] * len(frame)
    mentions = [
        _Mention(int(start), int(end), actor_id, actor, str(actor_type), surface if isinstance(surface, str) else None)
        for start, end, actor_id, actor, actor_type, surface in zip(
            frame["start"], frame["end"], frame["actor_id"], actors, frame["actor_type"], surfaces)
    ]
    return sorted(mentions, key=lambda m: (m.start, m.end))


def _last_mention_before(mentions: list[_Mention], position: int, skip: list[tuple[int, int]], *,
                         person: bool, speaking: Sequence[tuple[int, int]] = ()) -> _Mention | None:
    """The last person mention that ends before ``position`` (with ``person=False``: the last actor
    that is neither a person nor a place, for "they" and "it") and lies in none of the ``skip``
    spans (reported words: a name someone quotes is not the speaker), unless it lies in one of the
    ``speaking`` spans (the speaker phrase of a quote)."""
    for mention in reversed(mentions):
        if mention.end > position:
            continue
        if (mention.actor_type == "person") != person or (not person and mention.actor_type == "place"):
            continue
        if not any(lo <= mention.start and mention.end <= hi for lo, hi in skip) or any(
                lo <= mention.start and mention.end <= hi for lo, hi in speaking):
            return mention
    return None


def _overlapping_mention(mentions: list[_Mention], spans: list[tuple[int, int]]) -> _Mention | None:
    """The mention of the head word of the first of ``spans`` (start, end, start of its last word)
    that has one. The head of an English noun phrase is its last word: "a U.S. official" is no
    mention of the United States, "Russia's army" may be one of the army."""
    for lo, hi, head in spans:
        hits = [m for m in mentions if m.start < hi and m.end > max(lo, head)]
        if hits:
            return max(hits, key=lambda m: (m.end, m.start))
    return None


def by_speaker(found: pd.DataFrame) -> pd.DataFrame:
    """Count quotations per speaker (resolved actor when there is one, else the speaker as written).

    Returns:
        ``speaker``, ``speaker_actor_id``, ``direct``, ``indirect``, ``quotes`` (both), most quoted
        first.
    """
    columns = ["speaker", "speaker_actor_id", "direct", "indirect", "quotes"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    key = found["speaker_actor_id"].fillna("text:" + found["speaker"].fillna("(unknown)"))
    table = (found.assign(key=key).groupby("key")
             .agg(speaker=("speaker", "first"), speaker_actor_id=("speaker_actor_id", "first"),
                  direct=("kind", lambda k: int((k == "direct").sum())),
                  indirect=("kind", lambda k: int((k == "indirect").sum()))))
    table["quotes"] = table["direct"] + table["indirect"]
    table = table.sort_values(["quotes", "speaker"], ascending=[False, True], kind="stable")
    return table.reset_index(drop=True)[columns]
