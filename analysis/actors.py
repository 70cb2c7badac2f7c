"""Actors: who is in the news, as what, next to whom.

:func:`mentions` finds every mention of an actor in the sentences and resolves it to a canonical
actor: "Zelenskiy", "Zelensky" and "Volodymyr Zelenskyy" are one person; "the Kremlin" and "Moscow"
(as subject, not as a place things happen in) mean the Russian state; "Russian" is Russia. It
combines three sources:

1. the gazetteer (``resources/gazetteer.csv``, extended with ``gazetteer=``): names, aliases and
   transliterations, demonyms and metonyms of states, organisations, people, armed groups and places;
2. the CRF name tagger (:mod:`analysis.ner`) for names the gazetteer does not know; a person found
   only by the tagger gets a stable actor_id of their own (``person:anton-herashchenko``);
3. within-article coreference: a surname, or a title and a surname ("Mr Putin"), resolves to the
   full name mentioned earlier.

:func:`actors` summarises the mentions, :func:`cooccurrence` pairs actors that appear together, and
:func:`actor_sentiment` scores the sentiment toward each actor with
:func:`analysis.sentiment.target_sentiment`.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

import pandas as pd

from analysis import config, resources
from analysis.ner import tag_entities  # the tagger; also analysis.actors.tag_entities
from analysis.text import collector_paused, fold

GAZETTEER_FILE = "gazetteer.csv"
GAZETTEER_COLUMNS = ["actor_id", "actor", "actor_type", "country", "role", "aliases", "demonyms", "metonyms"]
ACTOR_TYPES = ("person", "state", "organization", "armed_group", "place")
MENTION_COLUMNS = ["article_id", "sent_id", "start", "end", "surface", "actor_id", "actor", "actor_type", "country",
                   "method", "role"]
#: Nouns that end a title written before a name ("Pentagon spokesman John Kirby").
ROLE_NOUNS = ("president", "minister", "spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "aide",
              "secretary", "chancellor", "premier", "ambassador", "commander", "mayor", "governor", "chief", "head",
              "leader", "envoy", "director", "prosecutor", "official", "general", "deputy", "senator", "lawmaker",
              "speaker", "king", "queen", "pope", "correspondent", "analyst", "executive", "chairman", "chairwoman")
_ROLE_AFTER_RE = re.compile(
    r"^,\s+(?P<role>(?:an?|the|its|his|her|their|[A-Z][\w.\u2019'-]*(?:'s|\u2019s))\s+[^,.;:\"\u201c\u201d()]{2,90}?)"
    r"(?=\s*[,.;:)]|\s+(?:said|says|told|who|which)\b)")
_ROLE_BEFORE_RE = re.compile(
    r"(?P<role>(?:[\w.\u2019'-]+\s+){0,3}(?:" + "|".join(ROLE_NOUNS) + r"))\s+$", re.IGNORECASE)
TAGGER_TYPES = {"PER": "person", "ORG": "organization", "LOC": "place"}
#: Before these words a capital or a country is where something happens, not who acts.
LOCATIVES = frozenset({"in", "at", "near", "from", "to", "into", "outside", "around", "across", "inside", "toward",
                       "towards", "via", "through", "of", "over", "on"})
TITLE_WORDS = frozenset({
    "mr", "mrs", "ms", "dr", "president", "prime", "minister", "foreign", "defense", "defence", "chancellor",
    "secretary", "general", "gen", "spokesman", "spokeswoman", "spokesperson", "senator", "sen", "rep", "gov",
    "governor", "mayor", "king", "queen", "pope", "premier", "ambassador", "commander", "colonel", "col", "lt",
    "adviser", "advisor", "aide", "deputy", "speaker", "chief", "head", "leader", "envoy", "director", "judge",
    "presidential", "lawmaker", "state", "duma",
})
_WORD_RE = re.compile(r"[\w\u2019'&./-]+", re.UNICODE)
_POSSESSIVE_S_RE = re.compile(r"'s\b")
_INITIALS_RE = re.compile(r"(?:[A-Za-z]\.){2,}")
_HEADLINE_WORD_RE = re.compile(r"[A-Za-z][\w'-]*")
_LETTERS_RE = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=1 << 18)
def _key(text: str) -> str:
    """Matching key of a name: NFKC, lower case, straight apostrophes, possessive 's dropped (as
    :func:`_words` drops it from the text: "Donetsk People's Republic"), no final period, one space.
    Memoised: the same words come back sentence after sentence."""
    text = (text if text.isascii() else unicodedata.normalize("NFKC", text)).lower().replace("\u2019", "'")
    text = _POSSESSIVE_S_RE.sub("", text)
    return " ".join(text.replace(". ", " ").rstrip(".").split())


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "unnamed"


# --------------------------------------------------------------------------------------------
# The gazetteer
# --------------------------------------------------------------------------------------------

def read_gazetteer(path: str | Path) -> pd.DataFrame:
    """Read a gazetteer CSV with the columns ``actor_id, actor, actor_type, country, role, aliases,
    demonyms, metonyms`` (the last three ``;``-separated).

    Raises:
        ValueError: a missing column, an unknown actor_type or a repeated actor_id; the message
            names the file and the row.
    """
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in GAZETTEER_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: gazetteer lacks the columns {missing}; expected {GAZETTEER_COLUMNS}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if row["actor_type"] not in ACTOR_TYPES:
                raise ValueError(f"{path}:{lineno}: actor_type {row['actor_type']!r} is not one of {ACTOR_TYPES}")
            if not row["actor_id"] or not row["actor"]:
                raise ValueError(f"{path}:{lineno}: actor_id and actor are required")
            rows.append({c: (row.get(c) or "").strip() for c in GAZETTEER_COLUMNS})
    frame = pd.DataFrame(rows, columns=GAZETTEER_COLUMNS)
    repeated = frame["actor_id"][frame["actor_id"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"{path}: repeated actor_id {repeated[:5]}")
    return frame


@functools.lru_cache(maxsize=1)
def shipped_gazetteer() -> pd.DataFrame:
    """The gazetteer that ships with the package (see ``resources/gazetteer.md`` for provenance)."""
    return read_gazetteer(resources.resource_path(GAZETTEER_FILE))


def gazetteer_table(gazetteer: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The shipped gazetteer, extended (and overridden by actor_id) with a user's file or table."""
    base = shipped_gazetteer()
    if gazetteer is None:
        return base
    extra = gazetteer if isinstance(gazetteer, pd.DataFrame) else read_gazetteer(gazetteer)
    extra = extra.reindex(columns=GAZETTEER_COLUMNS).fillna("")
    return pd.concat([base[~base["actor_id"].isin(extra["actor_id"])], extra], ignore_index=True)


class _Index:
    """Surface forms of the gazetteer, by matching key, for longest-match lookup."""

    def __init__(self, table: pd.DataFrame):
        self.actors = table.set_index("actor_id")
        self._ids = set(self.actors.index)
        self._details: dict = {}       # actor_id -> (actor, actor_type, country or None) (memoised)
        self.forms: dict[str, tuple[str, str]] = {}   # key -> (actor_id, method)
        self.surnames: dict[str, set[str]] = {}       # surname key -> person actor_ids
        priority = {"name": 0, "alias": 1, "demonym": 2, "metonym": 3}
        ranked: dict[str, tuple[int, int, str, str]] = {}
        type_rank = {"state": 0, "organization": 1, "person": 2, "armed_group": 3, "place": 4}
        for row in table.itertuples(index=False):
            forms = [(row.actor, "name")] + [(a, "alias") for a in row.aliases.split(";")]
            forms += [(d, "demonym") for d in row.demonyms.split(";")] + [(m, "metonym") for m in row.metonyms.split(";")]
            for form, method in forms:
                key = _key(form)
                if not key:
                    continue
                rank = (priority[method], type_rank.get(row.actor_type, 9), row.actor_id, method)
                if key not in ranked or rank < ranked[key]:
                    ranked[key] = rank
                if method == "name" and key.startswith("the ") and form.startswith("The "):
                    ranked.setdefault(key[4:], rank)    # "Times" for "The Times"; "the West" keeps its "the"
            if row.actor_type == "person":
                for form in [row.actor] + row.aliases.split(";"):
                    words = _key(form).split()
                    if len(words) >= 2:
                        self.surnames.setdefault(words[-1], set()).add(row.actor_id)
        self.forms = {key: (rank[2], rank[3]) for key, rank in ranked.items()}
        # One-word forms written in capitals (WHO, EU, AP) match only words written in capitals.
        one_word = [form.strip() for row in table.itertuples(index=False)
                    for form in [row.actor] + row.aliases.split(";") if form.strip() and " " not in form.strip()]
        capitals = {_key(f) for f in one_word if f.replace(".", "").isupper()}
        # ...unless the gazetteer also lists the form in lower case ("Nato", the British spelling).
        self.acronyms = capitals - {_key(f) for f in one_word if not f.replace(".", "").isupper()}
        # A capital is a place by name and its state by metonymy ("Kyiv and Moscow held talks");
        # the state wins here, and the place comes back after "in", "at", "from"... (see _mention_row).
        self.places: dict[str, str] = {}
        for row in table.itertuples(index=False):
            for form in [row.actor] + row.metonyms.split(";"):
                key = _key(form)
                if key and row.actor_type == "place":
                    self.places.setdefault(key, row.actor_id)
            for form in row.aliases.split(";"):
                if _key(form) and row.actor_type == "place":
                    self.places.setdefault(_key(form), row.actor_id)
            for form in row.metonyms.split(";"):
                key = _key(form)
                if key and row.actor_type in ("state", "organization"):
                    self.forms[key] = (row.actor_id, "metonym")
        # "Russia's central bank": a state's name and a possessive before an organisation's
        # name read like the demonym ("Russian central bank").
        self.demonyms: dict[str, list[str]] = {}
        for row in table.itertuples(index=False):
            if row.actor_type == "state":
                self.demonyms[row.actor_id] = [_key(d) for d in row.demonyms.split(";") if _key(d)]
        self.longest = max((len(k.split()) for k in self.forms), default=1)
        # The longest form starting with each word: most words start no form at all.
        self.reach: dict[str, int] = {}
        for key in self.forms:
            words = key.split()
            self.reach[words[0]] = max(self.reach.get(words[0], 0), len(words))

    def has(self, actor_id) -> bool:
        """Whether ``actor_id`` is in the table (``actor_id in self.actors.index``)."""
        return actor_id in self._ids

    def details(self, actor_id) -> tuple:
        """``(actor, actor_type, country or None)`` of an actor in the table (memoised)."""
        found = self._details.get(actor_id)
        if found is None:
            actor = self.actors.loc[actor_id]
            found = self._details[actor_id] = (actor["actor"], actor["actor_type"], actor["country"] or None)
        return found


_SHIPPED_INDEX: list = []   # [(table, its _Index)] for the shipped gazetteer


def _index_for(table: pd.DataFrame) -> _Index:
    """The index of a gazetteer table; the shipped gazetteer's is built once."""
    if table is shipped_gazetteer():
        if not _SHIPPED_INDEX or _SHIPPED_INDEX[0][0] is not table:
            _SHIPPED_INDEX[:] = [(table, _Index(table))]
        return _SHIPPED_INDEX[0][1]
    return _Index(table)



# --------------------------------------------------------------------------------------------
# Mentions
# --------------------------------------------------------------------------------------------

def _words(text: str) -> list[tuple[str, int, int, bool]]:
    """Words of a sentence with offsets, and whether a possessive 's followed (and was left out).

    A final period stays outside (but "U.S." keeps its own); a compound of capitalised parts
    ("Polish-Belarusian") is split into its parts.
    """
    words: list = []
    append, find = words.append, text.find
    at = 0
    # only characters outside every match lie between two matches, so a match is found again
    # where it stands by a plain search from the end of the one before (faster than match objects)
    for token in _WORD_RE.findall(text):
        start = find(token, at)
        at = start + len(token)
        for word, first, last, possessive in _word_pieces(token):
            append((word, start + first, start + last, possessive))
    return words


@functools.lru_cache(maxsize=1 << 17)
def _word_pieces(word: str) -> tuple[tuple[str, int, int, bool], ...]:
    """What :func:`_words` makes of one match of ``_WORD_RE``, offsets relative to its start
    (memoised: the same words come back sentence after sentence)."""
    start, end = 0, len(word)
    while word and word[-1] in ".-&" and not _INITIALS_RE.fullmatch(word):
        word, end = word[:-1], end - 1
    possessive = word.lower().endswith(("'s", "\u2019s")) and len(word) > 2
    if possessive:
        word, end = word[:-2], end - 2
    if not word:
        return ()
    parts = word.split("-")
    if len(parts) > 1 and all(part[:1].isupper() for part in parts):
        pieces, position = [], start
        for k, part in enumerate(parts):
            pieces.append((part, position, position + len(part), possessive and k == len(parts) - 1))
            position += len(part) + 1
        return tuple(pieces)
    return ((word, start, end, possessive),)


def _is_headline(text: str) -> bool:
    """Title Case Headlines Fool Name Taggers: most words capitalised."""
    words = _HEADLINE_WORD_RE.findall(text)
    if len(words) < 4:
        return False
    return sum(1 for w in words if w[0].isupper()) / len(words) > 0.7


def mentions(
    sents: pd.DataFrame,
    *,
    gazetteer: str | Path | pd.DataFrame | None = None,
    roles: Sequence[str] | None = ("title", "body"),
    tagger: bool = True,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find and resolve the actor mentions in sentences.

    Args:
        sents: the sentences table from :func:`analysis.sentences`.
        gazetteer: a CSV file (or table) of more actors, with the gazetteer's columns; its
            entries are added to the shipped ones (and replace those with the same actor_id).
        roles: paragraph roles to read (default title and body; ``None`` reads captions too).
        tagger: also use the CRF name tagger for names the gazetteer does not know.
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        A DataFrame, one row per mention: ``article_id``, ``sent_id``, ``start``, ``end`` (offsets
        in the article's text), ``surface`` (the words as written), ``actor_id``, ``actor``
        (canonical name), ``actor_type`` (person, state, organization, armed_group, place),
        ``country`` (ISO code), ``method`` (name, alias, demonym, metonym, surname, tagger), and
        ``role`` (for people: the role the sentence gives them, see :func:`context_role`).
    """
    with collector_paused():
        return _mentions(sents, gazetteer, roles, tagger, progress)


def _mentions(sents, gazetteer, roles, tagger, progress) -> pd.DataFrame:
    from tqdm import tqdm

    from analysis.ner import spans
    from analysis.text import select_roles, token_spans

    table = gazetteer_table(gazetteer)
    index = _index_for(table)
    selected = select_roles(sents, roles)
    texts = selected["text"].tolist()
    # A sentence that comes back (a standfirst, a stock phrase) is read once: its tokens, tags and
    # gazetteer matches depend on its text alone.
    tagged: dict[str, list[tuple[str, int, int]]] = {}
    if tagger and texts:
        # Title Case headlines fool the tagger: their tags would be thrown away, so they are not
        # tagged at all; the gazetteer still reads them.
        read = [text for text in dict.fromkeys(texts) if not _is_headline(text)]
        token_offsets = [token_spans(text) for text in read]
        tags = tag_entities([[text[s:e] for s, e in offsets] for text, offsets in zip(read, token_offsets)])
        for text, offsets, sentence_tags in zip(read, token_offsets, tags):
            tagged[text] = [(kind, offsets[first][0], offsets[last - 1][1])
                            for kind, first, last in spans(sentence_tags) if kind in TAGGER_TYPES]
    no_tags: list = []
    # text -> (its words, its gazetteer matches), kept for the texts that come back only
    matched: dict[str, tuple[list, list] | None] = {text: None for text, n in Counter(texts).items() if n > 1}
    rows = []
    show = config.progress_enabled(progress)
    current_article, seen_people, seen_names = None, {}, {}
    for article_id, sent_id, text, offset in tqdm(
            zip(selected["article_id"].tolist(), selected["sent_id"].tolist(), texts, selected["start"].tolist()),
            total=len(texts), desc="Actors", unit="sentence", disable=not show):
        if article_id != current_article:
            current_article, seen_people, seen_names = article_id, {}, {}
        known = matched.get(text, False)
        if known:
            words, found = known[0], list(known[1])
        else:
            words = _words(text)
            found = _gazetteer_matches(words, index)
            if known is None:
                matched[text] = (words, list(found))
        taken = [(s, e) for s, e, *_ in found]
        for kind, start, end in tagged.get(text, no_tags):
            if any(s < end and start < e for s, e in taken):
                continue
            found.append((start, end, None, "tagger", kind))
            taken.append((start, end))
        # A surname of someone named earlier in the article, which the tagger missed.
        for word, start, end, _ in words if seen_people else ():
            actor_id = seen_people.get(_key(word)) if word[:1].isupper() else None
            if actor_id and not any(s < end and start < e for s, e in taken):
                found.append((start, end, actor_id, "surname", None))
                taken.append((start, end))
        for start, end, actor_id, method, kind in sorted(found):
            surface = text[start:end]
            if actor_id is None:
                actor_id, method = _resolve_tagged(surface, kind, index, seen_people)
            row = _mention_row(article_id, sent_id, offset, start, end, surface, actor_id, method, index,
                               text, seen_people, seen_names)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return frame.astype({"sent_id": "int64", "start": "int64", "end": "int64"})


def _gazetteer_matches(words: list, index: _Index) -> list[tuple[int, int, str, str, str | None]]:
    """Longest matches of gazetteer forms (and bare surnames of gazetteer people) among a
    sentence's words (from :func:`_words`)."""
    keys = [_key(w[0]) for w in words]
    reach, surnames = index.reach, index.surnames
    found, i, n = [], 0, len(words)
    while i < n:
        possessed = _possessive_match(words, keys, i, index) if words[i][3] else None
        if possessed:
            found.append(possessed[0])
            i = possessed[1]
            continue
        longest = reach.get(keys[i], 0)
        if not longest:  # most words start no form: only a surname can be here
            if words[i][0][:1].isupper() and keys[i] in surnames:
                found.append((words[i][1], words[i][2], None, "surname", "PER"))
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            key = " ".join(keys[i:i + size])
            hit = index.forms.get(key)
            # A one-word form counts only capitalised ("turkey" and "chad" are words too), and an
            # acronym only in capitals ("Who said..." is not the WHO).
            # A longer form needs a capitalised word: "the West", not "the west of the country".
            if hit and ((size > 1 and any(w[0][:1].isupper() for w in words[i:i + size])) or (
                    size == 1 and words[i][0][:1].isupper()
                    and (key not in index.acronyms or words[i][0].replace(".", "").isupper()))):
                found.append((words[i][1], words[i + size - 1][2], hit[0], hit[1], None))
                i += size
                break
        else:
            if words[i][0][:1].isupper() and keys[i] in index.surnames:
                found.append((words[i][1], words[i][2], None, "surname", "PER"))
            i += 1
    return found


def _possessive_match(words, keys, i, index: _Index):
    """"Russia's Finance Ministry" read as "Russian Finance Ministry", when that is a known name."""
    if not words[i][3] or i + 1 >= len(words):
        return None
    hit = index.forms.get(keys[i])
    if not hit or hit[0] not in index.demonyms:
        return None
    for size in range(min(index.longest, len(words) - i - 1), 0, -1):
        rest = " ".join(keys[i + 1:i + 1 + size])
        for demonym in index.demonyms[hit[0]]:
            other = index.forms.get(f"{demonym} {rest}")
            if other and other[0] != hit[0]:
                return (words[i][1], words[i + size][2], other[0], "alias", None), i + 1 + size
    return None


def _resolve_tagged(surface: str, kind: str, index: _Index, seen_people: dict) -> tuple[str, str]:
    """Resolve a tagger name (or a bare gazetteer surname) to an actor id."""
    key = _key(surface)
    words = [w for w in key.split() if w not in TITLE_WORDS]
    if kind == "PER" and words:
        surname = words[-1]
        if len(words) == 1:
            earlier = seen_people.get(surname)
            if earlier:
                return earlier, "surname"
            candidates = index.surnames.get(surname, set())
            if len(candidates) == 1:
                return next(iter(candidates)), "surname"
        return "person:" + _slug(" ".join(words)), "tagger"
    prefix = {"ORG": "org:", "LOC": "place:"}[kind] if kind in ("ORG", "LOC") else "misc:"
    return prefix + _slug(key), "tagger"


def _mention_row(article_id, sent_id, offset, start, end, surface, actor_id, method, index, text, seen_people,
                 seen_names):
    if index.has(actor_id):
        name, kind, country = index.details(actor_id)
        # A capital after "in", "at", "from"... is the place, not the state acting through it.
        if method == "metonym" and _preceding_word(text, start) in LOCATIVES:
            place = index.places.get(_key(surface))
            if place is not None:
                actor_id, method = place, "name"
                name, kind, country = index.details(actor_id)
    elif actor_id in seen_names:  # a surname of someone the tagger found earlier in the article
        name, kind, country = seen_names[actor_id], "person", None
    else:
        words = [w for w in surface.split() if _key(w) not in TITLE_WORDS]
        name = " ".join(words) or surface
        kind = {"person:": "person", "org:": "organization", "place:": "place"}.get(actor_id.split(":")[0] + ":",
                                                                                     "organization")
        country = None
    role = None
    if kind == "person":
        full = _key(name).split()
        if full:
            seen_people.setdefault(full[-1], actor_id)
            seen_names.setdefault(actor_id, name)
        role = context_role(text, start, end)
    return (article_id, sent_id, offset + start, offset + end, surface, actor_id, name, kind, country, method, role)


def context_role(text: str, start: int, end: int) -> str | None:
    """The role a sentence gives the person named at ``text[start:end]``, if any.

    An apposition after the name ("Anton Herashchenko, an adviser to Ukraine's interior minister,
    said") or a title before it ("Foreign Minister Mevlut Cavusoglu", "Pentagon spokesman John
    Kirby").
    """
    after = _ROLE_AFTER_RE.match(text[end:]) if text.startswith(",", end) else None  # the pattern opens with ","
    if after:
        return " ".join(after.group("role").split())
    window = text[max(0, start - 60):start]
    # The pattern ends with a role noun and the whitespace before the name: test that first.
    tail = window.rstrip()
    before = _ROLE_BEFORE_RE.search(window) \
        if len(tail) < len(window) and fold(tail).endswith(ROLE_NOUNS) else None
    if before:
        words = before.group("role").split()
        # keep the title proper: from its first capitalised word (or the noun itself), not "the"
        while len(words) > 1 and not words[0][:1].isupper():
            words = words[1:]
        return " ".join(words)
    return None


def _preceding_word(text: str, start: int) -> str:
    before = _LETTERS_RE.findall(text[:start][-20:])
    return before[-1].lower() if before else ""



# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------

def actors(found: pd.DataFrame, *, gazetteer: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Summarise mentions per actor.

    Returns:
        A DataFrame, one row per actor, most mentioned first: ``actor_id``, ``actor``,
        ``actor_type``, ``country``, ``role`` (from the gazetteer, else the role most often given
        in the text), ``aliases`` (the surface forms
        seen, most frequent first, ``;``-separated), ``mentions``, ``articles``.
    """
    table = gazetteer_table(gazetteer).set_index("actor_id")
    grouped = found.groupby("actor_id", sort=False)
    rows = []
    for actor_id, group in grouped:
        first = group.iloc[0]
        surfaces = Counter(group["surface"])
        role = table.loc[actor_id, "role"] if actor_id in table.index else ""
        if not role and "role" in group and group["role"].notna().any():
            role = group["role"].dropna().value_counts().index[0]
        rows.append((actor_id, first["actor"], first["actor_type"], first["country"], role or None,
                     ";".join(s for s, _ in surfaces.most_common()), len(group), group["article_id"].nunique()))
    frame = pd.DataFrame(rows, columns=["actor_id", "actor", "actor_type", "country", "role", "aliases", "mentions",
                                        "articles"])
    return frame.sort_values(["mentions", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cooccurrence(found: pd.DataFrame, *, window: str = "sentence", min_count: int = 1,
                 types: Iterable[str] | None = None) -> pd.DataFrame:
    """Pairs of actors mentioned together, weighted by how often.

    Args:
        window: ``"sentence"`` or ``"article"``: what counts as together.
        min_count: leave out pairs seen together fewer times.
        types: only actors of these types (default all).

    Returns:
        ``actor_a``, ``actor_b`` (actor_ids, in alphabetical order), ``name_a``, ``name_b``,
        ``weight`` (sentences or articles shared), strongest first.
    """
    if window not in ("sentence", "article"):
        raise ValueError('window must be "sentence" or "article"')
    kept = found if types is None else found[found["actor_type"].isin(list(types))]
    keys = ["article_id", "sent_id"] if window == "sentence" else ["article_id"]
    names = dict(zip(kept["actor_id"], kept["actor"]))
    pairs: Counter = Counter()
    for _, group in kept.groupby(keys, sort=False):
        for a, b in combinations(sorted(set(group["actor_id"])), 2):
            pairs[(a, b)] += 1
    rows = [(a, b, names[a], names[b], weight) for (a, b), weight in pairs.items() if weight >= min_count]
    frame = pd.DataFrame(rows, columns=["actor_a", "actor_b", "name_a", "name_b", "weight"])
    return frame.sort_values(["weight", "actor_a", "actor_b"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def actor_sentiment(sents: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Sentiment toward each actor, from :func:`analysis.sentiment.target_sentiment` on every mention.

    Returns:
        One row per actor, most mentioned first: ``actor_id``, ``actor``, ``mentions``, the shares
        ``negative``, ``neutral``, ``positive``, and ``mean_score`` (-1 to 1).
    """
    from analysis.sentiment import LABELS, target_sentiment

    starts = sents[["article_id", "sent_id", "text", "start"]].rename(columns={"start": "start_sentence"})
    located = found.merge(starts, on=["article_id", "sent_id"], how="left")
    rows = pd.DataFrame({
        "actor_id": located["actor_id"], "actor": located["actor"], "text": located["text"],
        "start": located["start"] - located["start_sentence"], "end": located["end"] - located["start_sentence"],
    })
    scored = target_sentiment(rows)
    grouped = scored.groupby(["actor_id", "actor"])
    table = grouped.agg(mentions=("label", "size"), mean_score=("score", "mean"))
    for name in LABELS:
        table[name] = grouped["label"].apply(lambda s, n=name: float((s == n).mean()))
    table = table.reset_index()[["actor_id", "actor", "mentions", *LABELS, "mean_score"]]
    return table.sort_values(["mentions", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def mentions_over_time(found: pd.DataFrame, arts: pd.DataFrame, *, freq: str = "W", top: int = 6) -> pd.DataFrame:
    """Mentions per period of the ``top`` most mentioned actors (states and people first of all).

    Returns:
        ``period`` (its start), ``actor_id``, ``actor``, ``mentions``; every period from the first to
        the last dated article, with zeros where an actor was not mentioned.
    """
    from analysis.terms import PERIODS

    code = PERIODS.get(freq, freq)
    published = pd.to_datetime(found["article_id"].map(arts.drop_duplicates("article_id")
                                                       .set_index("article_id")["published"]), utc=True)
    dated = found.assign(period=published.dt.tz_localize(None).dt.to_period(code)).dropna(subset=["period"])
    columns = ["period", "actor_id", "actor", "mentions"]
    if dated.empty:
        return pd.DataFrame(columns=columns)
    leaders = dated.groupby(["actor_id", "actor"]).size().sort_values(ascending=False, kind="stable").head(top)
    periods = pd.period_range(dated["period"].min(), dated["period"].max(), freq=code)
    counts = dated.groupby(["actor_id", "period"]).size()
    rows = [(period.start_time, actor_id, actor, int(counts.get((actor_id, period), 0)))
            for actor_id, actor in leaders.index for period in periods]
    return pd.DataFrame(rows, columns=columns)
