"""Event coding: who did what to whom in one sentence (the structure of the developments ledger).

A sentence is tagged and chunked by :mod:`analysis.parse` (a CRF trained offline on CoNLL-2003).
Its events come from two kinds of trigger:

- **verbs** of PETRARCH2's CAMEO dictionary (:mod:`analysis.cameo`) and of ``resources/event_verbs.tsv``,
  read in verb phrases: the verb's CAMEO code is refined by the dictionary's phrase patterns over the
  clause's words ("deployed ... troops" 154, "sent ... humanitarian aid" 073), and mapped to a ledger
  category by ``resources/cameo_categories.tsv``;
- **nouns and phrases** of the ledger's lexicon (``resources/development_lexicon.tsv``: "air strikes",
  "an offensive", "sanctions", "refugees"), each rule with the CAMEO code it reports.

The actor is read from the structure around the trigger: the subject of its verb phrase (the noun
phrase before it, with its "of" and "in" attachments: "Dozens of Russian missiles have struck"), the
agent of a passive ("were killed ... by guided bombs"), the possessor or national adjective of a
nominal trigger ("Russia's demand", "Russian strikes"), or, for a nominal trigger that is the object
of a verb, that verb's subject ("Russia had launched a surprise attack"). The target is the verb's
object or the noun phrase of a following "on", "against", "at", "into" or "to" phrase ("strikes on
Kyiv", "aid to Ukraine"), or a passive's subject ("A Kyiv apartment block was destroyed").

Names resolve through the actor mentions of :mod:`analysis.actors`: a state that does something
military, or a noun phrase of troops, missiles or drones with a national adjective, is that state's
armed forces ("Russian Armed Forces"); pronouns take the nearest fitting actor before them in the
sentence, else the speaker of the quote the sentence is in ("we" in a speech: the speaker's state;
"I": the speaker). An act of violence whose actor the sentence does not name takes the actor of the
article's last act of violence ("A Kyiv apartment block was destroyed" after "Russian missiles have
struck targets across Ukraine").
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import Sequence

from analysis import cameo, resources

#: Categories of violence: an unnamed actor is taken from the article's last one.
VIOLENT = frozenset({"military_strike", "ground_movement", "casualties"})
#: Codes that are military acts: a state doing them acts through its armed forces.
MILITARY_ROOTS = frozenset({"15", "17", "18", "19", "20"})
_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "'s", "’s", "am", "get", "got", "gets"})
_RELATIVE = frozenset({"that", "which", "who", "whom", "whose"})
_PERSONAL = {"he": "person", "she": "person", "him": "person", "her": "person", "his": "person",
             "it": "group", "its": "group", "they": "group", "them": "group", "their": "group"}
_FIRST_PERSON = frozenset({"we", "us", "our", "ours"})
_SINGULAR_FIRST = frozenset({"i", "me", "my"})
#: Nouns of a phrase that make its state's act a military one ("Russian troops", "Ukrainian drones").
MILITARY_NOUNS = frozenset(
    "troops troop forces force soldiers soldier army armies military units unit servicemen brigade brigades "
    "battalion battalions regiment division divisions paratroopers marines navy fleet warships warship "
    "missiles missile rockets rocket drones drone jets jet aircraft planes bombers bomber helicopters "
    "artillery tanks tank shells shell strikes strike airstrikes bombs bomb fighters gunfire fire "
    "offensive assault attacks attack operation operations reserves reservists conscripts infantry "
    "sappers commanders commander defenders defences defenses guns howitzers".split())
#: Nouns of people who suffer, flee or are counted, not who act ("Groups of people fleeing").
_VICTIM_NOUNS = frozenset(
    "people residents civilians men women children families family person persons man woman child "
    "inhabitants villagers evacuees refugees diners victims passengers pensioners elderly".split())
#: Things that are struck, damaged or destroyed ("an apartment block was destroyed").
_PROPERTY_NOUNS = frozenset(
    "building buildings block blocks house houses home homes apartment apartments flats bridge bridges school "
    "schools hospital hospitals infrastructure plant plants station stations facility facilities depot depots "
    "warehouse warehouses airfield airfields airport port ports village villages town towns city cities "
    "district districts neighbourhood neighborhood railway railways substation substations refinery "
    "refineries factory factories base bases positions position headquarters shelter shelters "
    "church churches market markets centre center mall restaurant".split())
_ARMS_OR_VICTIMS = MILITARY_NOUNS | _VICTIM_NOUNS
#: Nouns of settlements and areas: "Kharkiv City" is the place itself, not a thing in it.
_SETTLEMENT_NOUNS = frozenset("village villages town towns city cities district districts neighbourhood neighborhood "
                              "centre center region oblast area port ports".split())
#: Prepositions whose noun phrase is who a casualty figure counts ("deaths of civilians", "casualties
#: among", "inflicted casualties on Russian forces"); not "in Kyiv", which is where.
_VICTIM_PREPOSITIONS = frozenset({"of", "among", "including", "on"})
#: Verbs of giving: what they give decides the event (weapons: military aid; relief: humanitarian).
_GIVING_VERBS = frozenset("deliver supply provide give send transfer donate ship hand pledge promise "
                          "approve grant offer".split())
_WEAPON_NOUNS = frozenset(
    "weapons weapon arms ammunition munitions shells missiles missile rockets tanks tank howitzers howitzer "
    "artillery drones jets aircraft helicopters launchers systems vehicles armour armor equipment "
    "interceptors himars javelins stingers patriots leopard leopards abrams bradleys f-16s f-16 atacms".split())
_RELIEF_NOUNS = frozenset("food water medicine medicines medical aid supplies shelter blankets generators fuel "
                          "assistance relief".split())
_DETERMINERS = frozenset("a an the this that these those some any its their his her our".split())
#: Prepositions whose noun phrase is what an act was done to, by kind of act.
_TARGET_PREPOSITIONS = {
    "violent": ("on", "against", "at", "into", "in", "inside", "within", "throughout", "near", "across", "around",
                "along", "toward",
                "towards", "upon", "onto", "of", "from"),
    "aid": ("to", "for"),
    "other": ("to", "with", "on", "against", "at", "for", "of"),
}
#: Words before a verb, in its clause, that make it the writer's analysis or speculation, not a
#: reported act (the guide: "mere speculation ... the article's own analysis" is no development).
_SPECULATION_RE = re.compile(r"\b(?:likely|unlikely|appears?|appeared|seems?|seemed|efforts?|in order|aim(?:s|ed)? "
                             r"at|would track|probably|possibly|perhaps|intend(?:s|ed)?|seek(?:s|ing)?|sought|"
                             r"goal|objective|capable of|able to|unable to)\b")
#: Verbs whose object is the act itself ("launched an attack", "carried out strikes").
LIGHT_VERBS = frozenset(
    "launch launched launches launching carry carried carries carrying conduct conducted conducts conducting "
    "make made makes making stage staged mount mounted step stepped begin began begun begins start started "
    "starts continue continued continues resume resumed multiply multiplied intensify intensified "
    "announce announced announces approve approved approves impose imposed imposes unveil unveiled "
    "prompt prompted face faced repel repelled repulse repulsed have had has order ordered pledge pledged "
    "promise promised deliver delivered send sent receive received provide provided agree agreed hold held "
    "issue issued".split())
_WORD_RE = re.compile(r"\w")
#: Verbs of saying ("said", "told", "announced": CAMEO 010): what they report is coded by its own
#: words, so neither they nor their patterns ("said ... attack") give an event.
REPORTING_CODES = frozenset({"010"})


@dataclass
class Chunk:
    kind: str
    start: int
    end: int


@dataclass
class Parsed:
    """A sentence with its tokens (``words``, ``spans`` relative to the sentence), parts of
    speech and chunks."""

    words: list[str]
    spans: list[tuple[int, int]]
    pos: list[str]
    chunks: list[Chunk]
    chunk_of: list[int] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)       # the words in lower case
    _clauses: tuple[list[int], list[int]] | None = field(default=None, repr=False, compare=False)
    _ends: list[int] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if not self.chunk_of:
            self.chunk_of = chunk_of = [-1] * len(self.words)
            for index, chunk in enumerate(self.chunks):
                chunk_of[chunk.start:chunk.end] = [index] * (chunk.end - chunk.start)
        if not self.lower:
            self.lower = [word.lower() for word in self.words]

    def span_ends(self) -> list[int]:
        """The end of every token's span, computed once."""
        if self._ends is None:
            self._ends = [end for _start, end in self.spans]
        return self._ends

    def clauses(self) -> tuple[list[int], list[int]]:
        """For every token, the first token of its clause and the end of the clause from it (see
        :func:`_clause_start` and :func:`_clause_end`), computed once."""
        if self._clauses is None:
            lower, n = self.lower, len(self.lower)
            starts, first = [0] * (n + 1), 0
            for at in range(n):
                starts[at] = first
                if lower[at] in _OPENS_CLAUSE:
                    first = at + 1
            starts[n] = first
            ends, end = [n] * n, n
            for at in range(n - 1, -1, -1):
                if lower[at] in _CLOSES_CLAUSE:
                    end = at
                ends[at] = end
            self._clauses = (starts, ends)
        return self._clauses


@dataclass
class Mention:
    """An actor mention in token positions of its sentence."""

    start: int
    end: int
    actor: str
    actor_id: str
    actor_type: str
    country: str | None
    method: str


@dataclass
class Event:
    category: str
    cameo: str | None
    trigger: tuple[int, int]  # token span
    actor: str | None = None
    target: str | None = None
    actor_country: str | None = None
    how: str = "verb"
    actor_known: bool = False     # the actor is a known actor (a mention, a resolved pronoun), not words
    target_known: bool = False
    target_country: str | None = None


# --------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------

def _tsv_rows(name: str) -> list[list[str]]:
    rows = []
    for line in resources.resource_path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows[1:]


@functools.lru_cache(maxsize=1)
def category_table() -> tuple[dict[str, str | None], dict[str, str | None]]:
    """``(code start -> category, block -> category)`` of ``resources/cameo_categories.tsv``
    (None: the code reports no development the ledger keeps)."""
    from analysis.developments import CATEGORIES

    codes, blocks = {}, {}
    for code, category, _why in _tsv_rows("cameo_categories.tsv"):
        value = None if category == "-" else category
        if value is not None and value not in CATEGORIES:
            raise resources.ResourceMissingError(f"cameo_categories.tsv: unknown category {category!r}")
        if code.startswith("block:"):
            blocks[code[len("block:"):]] = value
        else:
            codes[code] = value
    return codes, blocks


def category_of(code: str | None, block: str | None = None) -> str | None:
    """The ledger category of a CAMEO code (the longest listed start of the code), or that of the
    dictionary block the verb is in when the table names it."""
    codes, blocks = category_table()
    if block is not None and block in blocks:
        return blocks[block]
    if not code:
        return None
    for size in range(len(code), 1, -1):
        if code[:size] in codes:
            return codes[code[:size]]
    return None


@dataclass(frozen=True)
class ExtraVerb:
    words: tuple[str, ...]
    code: str | None
    category: str | None
    pattern_only: bool = False     # codes only through a dictionary pattern or a longer dictionary form
    no_event: bool = False         # codes nothing of its own: its object does ("resume the offensive")


@functools.lru_cache(maxsize=1)
def extra_verbs() -> dict[str, list[tuple[tuple[str, ...], ExtraVerb]]]:
    """``resources/event_verbs.tsv`` by first word of each inflected form, longest forms first."""
    from analysis.developments import CATEGORIES

    table: dict[str, list] = {}
    for verb, code, category, _why in _tsv_rows("event_verbs.tsv"):
        if category != "-" and category not in CATEGORIES:
            raise resources.ResourceMissingError(f"event_verbs.tsv: unknown category {category!r}")
        words = verb.split()
        entry = ExtraVerb(tuple(words), None if code in ("-", "pattern", "none") else code,
                          None if category == "-" else category, code == "pattern", code == "none")
        for first in cameo._regular_forms(words[0]) + [words[0]]:
            form = (first, *words[1:])
            table.setdefault(first, []).append((form, entry))
    for forms in table.values():
        forms.sort(key=lambda pair: -len(pair[0]))
    return table


@functools.lru_cache(maxsize=2)
def _lemmas(flag: str) -> frozenset[str]:
    """The verbs of ``event_verbs.tsv`` with this flag, whatever their form ("took", "broke" as well
    as "take", "break"): ``"pattern_only"`` (code "pattern": verbs of many senses that code only
    through a pattern) or ``"no_event"`` (code "none": their object is the event)."""
    return frozenset(verb.words[0] for forms in extra_verbs().values() for _form, verb in forms
                     if getattr(verb, flag))


@functools.lru_cache(maxsize=1)
def violent_trigger_words() -> frozenset[str]:
    """First words of the verb forms whose own code or category is an act of violence ("shelled",
    "killed", "captured"): such a verb may stand on the article's last violent actor alone."""
    words = {first for first, forms in extra_verbs().items() if any(v.category in VIOLENT for _f, v in forms)}
    for first, forms in cameo.verb_dictionary().forms.items():
        if any(category_of(entry.code, entry.block) in VIOLENT for _form, entry in forms):
            words.add(first)
    return frozenset(words) & trigger_words()


@functools.lru_cache(maxsize=1)
def trigger_words() -> frozenset[str]:
    """First words of every verb form that can give an event (a sentence with none of these and no
    lexicon trigger needs no parse)."""
    words = set(extra_verbs())
    vd = cameo.verb_dictionary()
    live_blocks = set()
    for block, patterns in vd.patterns.items():
        if any(category_of(p.code) for p in patterns) or category_of(None, block):
            live_blocks.add(block)
    for first, forms in vd.forms.items():
        if not _WORD_RE.match(first):
            continue
        for _form, entry in forms:
            if entry.code in REPORTING_CODES:
                continue
            if category_of(entry.code, entry.block) or entry.block in live_blocks:
                words.add(first)
                break
    return frozenset(words)


@functools.lru_cache(maxsize=1)
def armed_forces() -> dict[str, str]:
    """Country code -> the canonical name of that state's armed forces (gazetteer rows of
    armed_group whose role is "armed forces of ...")."""
    from analysis.actors import gazetteer_table

    table = gazetteer_table()
    rows = table[(table["actor_type"] == "armed_group") & table["role"].fillna("").str.startswith("armed forces of")]
    return dict(zip(rows["country"], rows["actor"]))


@functools.lru_cache(maxsize=1)
def states() -> dict[str, str]:
    """Country code -> the state's canonical name."""
    from analysis.actors import gazetteer_table

    table = gazetteer_table()
    rows = table[table["actor_type"] == "state"]
    return dict(zip(rows["country"], rows["actor"]))


@functools.lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Canonical names of the gazetteer's capitals ("Kyiv", "Moscow")."""
    from analysis.actors import gazetteer_table

    table = gazetteer_table()
    rows = table[(table["actor_type"] == "place") & table["role"].str.startswith("capital of")]
    return frozenset(rows["actor"])


#: Nouns of people who act for a government: "officials in Kyiv" act for Ukraine.
_OFFICIAL_NOUNS = frozenset("officials official authorities government leaders leadership diplomats "
                            "administration ministers".split())


# --------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------

def _chunk_index(parsed: Parsed, at: int) -> int:
    return parsed.chunk_of[at] if 0 <= at < len(parsed.chunk_of) else -1


def _is_np(parsed: Parsed, index: int) -> bool:
    return 0 <= index < len(parsed.chunks) and parsed.chunks[index].kind == "NP"


def _is_pp(parsed: Parsed, index: int) -> bool:
    return 0 <= index < len(parsed.chunks) and parsed.chunks[index].kind == "PP"


def _np_chain_left(parsed: Parsed, index: int) -> tuple[int, int] | None:
    """The noun phrase ending at chunk ``index`` with the "of"/"in" phrases it carries, as a token
    span: going left over ``NP (PP NP)*``, the chain's first noun phrase is its head."""
    if not _is_np(parsed, index):
        return None
    first = index
    while True:
        if parsed.lower[parsed.chunks[first].start] in _POSSESSIVE_MARKS and _is_np(parsed, first - 1):
            first -= 1            # "the world ['s richest nations]": the possessor's phrase goes with it
        elif _is_pp(parsed, first - 1) and _is_np(parsed, first - 2) and \
                parsed.words[parsed.chunks[first - 1].start].lower() in ("of", "in", "from", "on", "at", "near", "for"):
            first -= 2
        else:
            break
    return parsed.chunks[first].start, parsed.chunks[index].end


def _np_chain_right(parsed: Parsed, index: int, limit: int = 3) -> tuple[int, int] | None:
    if not _is_np(parsed, index):
        return None
    last = index
    # "Ukraine ['s northeastern Kharkiv region]": the chunker starts a noun phrase at the
    # possessive; the possessed phrase is the head of the whole
    while _is_np(parsed, last + 1) and parsed.lower[parsed.chunks[last + 1].start] in _POSSESSIVE_MARKS:
        last += 1
    while limit and _is_pp(parsed, last + 1) and _is_np(parsed, last + 2) and \
            parsed.words[parsed.chunks[last + 1].start].lower() in ("of",):
        last += 2
        limit -= 1
    return parsed.chunks[index].start, parsed.chunks[last].end


#: Nouns whose infinitive is done by the subject of the clause, not by them: "they are in a
#: position to attack", "Russia had the military capacity to take", "in order to blackmail".
_INFINITIVE_NOUNS = frozenset("position capacity capability capabilities ability decision plan plans intention "
                              "intent readiness attempt attempts effort efforts bid chance opportunity power means "
                              "resources strength order way preparation preparations".split())


def subject_of(parsed: Parsed, vp: int, *, control: bool = False) -> tuple[int, int] | None:
    """Token span of the subject of the verb phrase at chunk ``vp``; with ``control``, an
    infinitive's is the subject of the verb it depends on (used for acts of force, where "Putin
    has not decided whether to invade" names who would invade)."""
    shared = _coordinated_with(parsed, vp)
    if shared is not None:
        return subject_of(parsed, shared, control=control)
    index = vp - 1
    while index >= 0 and parsed.chunks[index].kind in ("ADVP",):
        index -= 1
    if index < 0:
        return None
    chunk = parsed.chunks[index]
    if control and parsed.lower[parsed.chunks[vp].start] == "to" and (chunk.kind != "NP" or (
            parsed.lower[chunk.end - 1] in _INFINITIVE_NOUNS
            and not any(parsed.words[at][:1].isupper() for at in range(max(chunk.start, 1), chunk.end)))):
        # "Putin has not made a decision about whether to invade": an infinitive with no subject of
        # its own is done by the subject of the verb it depends on (the nearest verb before it);
        # not when a name is in the phrase before it ("Russian attempts to encircle": whose attempt)
        for back in range(index, max(-1, index - 6), -1):
            if parsed.chunks[back].kind == "VP":
                return subject_of(parsed, back) if parsed.lower[parsed.chunks[back].start] != "to" else None
            if parsed.chunks[back].kind == "O" and parsed.words[parsed.chunks[back].start] in (",", ";", ":"):
                break
        return None
    if chunk.kind == "NP" and index >= 2 and parsed.chunks[index - 1].kind == "VP" and _is_np(parsed, index - 2) and all(
            parsed.pos[at] == "VBG" for at in range(parsed.chunks[index - 1].start, parsed.chunks[index - 1].end)):
        # "The attack [using U.S. HIMARS rocket launchers] killed": the phrase before the participle is
        # the subject, when no verb comes before it
        head = _np_chain_left(parsed, index - 2)
        if not any(c.kind == "VP" for c in parsed.chunks[:index - 2]) and (
                head[0] == 0 or parsed.lower[head[0] - 1] not in ("and", "or", ",")):
            return head       # no verb before it in the sentence: not "fighting around X and using these areas"
    if chunk.kind == "NP" and chunk.end - chunk.start == 1 and parsed.words[chunk.start].lower() in _RELATIVE:
        # a relative clause: its subject is the noun phrase it follows
        index -= 1
        while index >= 0 and parsed.chunks[index].kind == "O" and parsed.words[parsed.chunks[index].start] == ",":
            index -= 1
        return _np_chain_left(parsed, index)
    if chunk.kind == "NP" and _is_pp(parsed, index - 1) and _is_np(parsed, index - 2) and \
            parsed.words[parsed.chunks[index - 1].start].lower() not in ("of", "in", "from", "on", "at", "near", "for"):
        # "Russia on Saturday said": the time phrase is not the subject
        span = _np_chain_left(parsed, index - 2)
        return span
    return _np_chain_left(parsed, index)


#: Words that join a second verb phrase to the first, sharing its subject.
_VERB_COORDINATORS = frozenset({"and", "or", "but", "then"})


#: Parts of speech of a verb that can share a subject by coordination (not a participle or gerund).
_FINITE_OR_BASE = frozenset({"VBD", "VBZ", "VBP", "VB"})


def _coordinated_with(parsed: Parsed, vp: int) -> int | None:
    """The verb phrase whose subject a coordinated one shares: "They are expected to promise
    military support for Kyiv and [impose] more sanctions", "troops entered the city and [seized]
    the station" (the chunk before the second verb is the first one's object, not its subject).
    None when the verb phrase follows no coordinator, or a clause break or a subject of its own
    stands between ("Russia shelled Kharkiv and Ukraine returned fire": "Ukraine" is no
    coordinator)."""
    start = parsed.chunks[vp].start
    if start == 0 or parsed.lower[start - 1] not in _VERB_COORDINATORS or parsed.pos[start] not in _FINITE_OR_BASE:
        return None           # "and surrounding settlements", "and increasing pressure": no second verb of the subject
    reach, quoted = 8, False
    for back in range(vp - 1, -1, -1):
        if back <= vp - 1 - reach:
            return None
        chunk = parsed.chunks[back]
        if any(parsed.words[at] in (";", ":", "—", "–") for at in range(chunk.end, start)):
            return None
        if chunk.kind == "VP":
            if sum(parsed.words[at] in _QUOTE_MARKS for at in range(chunk.end, start)) % 2:
                # 'Zelensky said troops must "return the initiative to Ukraine" and urged': the
                # verb inside the quotation is not the one coordinated; the verb of saying that
                # brought the quotation in is
                reach, quoted = min(vp - back + 8, 24), True
                continue
            if quoted and not any(parsed.lower[at] in _SAYING for at in range(chunk.start, chunk.end)):
                continue
            return back if parsed.lower[chunk.start] not in _RELATIVE else None
        if chunk.kind not in ("NP", "PP", "ADVP", "ADJP", "PRT", "O", "SBAR"):
            return None
    return None


_SAYING = frozenset("said says say told tells stated states added adds announced warned insisted".split())
_QUOTE_MARKS = frozenset({'"', "\u201c", "\u201d", "''", "``", "\u00ab", "\u00bb"})


def object_of(parsed: Parsed, vp: int) -> tuple[int, int] | None:
    """Token span of the object of the verb phrase at chunk ``vp``: the noun phrase after it (and
    its particles and adverbs), in the same clause ("in a position to attack imminently, but he
    can still change his mind": no object)."""
    index = vp + 1
    while index < len(parsed.chunks) and parsed.chunks[index].kind in ("PRT", "ADVP"):
        index += 1
    if index < len(parsed.chunks) and any(
            parsed.lower[at] in _OBJECT_BREAKS for at in range(parsed.chunks[vp].end, parsed.chunks[index].start)):
        return None
    return _np_chain_right(parsed, index)


#: Words between a verb and a noun phrase that put the phrase in another clause.
_OBJECT_BREAKS = frozenset({",", ";", ":", "but", "and", "or", "while", "whereas", "—", "–", "--"})


def following_pps(parsed: Parsed, index: int, limit: int = 4) -> list[tuple[str, tuple[int, int]]]:
    """The ``(preposition, noun phrase span)`` pairs after chunk ``index`` in the clause."""
    found = []
    at = index + 1
    while at < len(parsed.chunks) and len(found) < limit:
        chunk = parsed.chunks[at]
        if chunk.kind == "NP" and not found:
            at += 1
            continue
        if chunk.kind == "PP" and _is_np(parsed, at + 1):
            prep = " ".join(parsed.words[chunk.start:chunk.end]).lower()
            found.append((prep, (parsed.chunks[at + 1].start, parsed.chunks[at + 1].end)))
            at += 2
            continue
        if chunk.kind in ("ADVP", "ADJP", "PRT") or (chunk.kind == "NP"):
            at += 1
            continue
        break
    return found


def is_passive(parsed: Parsed, verb: int) -> bool:
    """A past participle after a form of "be" in its verb phrase, or followed by "by" ("raided by")."""
    if not parsed.pos[verb].startswith("VBN"):
        return False
    index = _chunk_index(parsed, verb)
    if index >= 0:
        chunk = parsed.chunks[index]
        if any(parsed.words[at].lower() in _BE for at in range(chunk.start, verb)):
            return True
    return verb + 1 < len(parsed.words) and parsed.words[verb + 1].lower() == "by"


def agent_of(parsed: Parsed, vp: int) -> tuple[int, int] | None:
    for prep, span in following_pps(parsed, vp):
        if prep == "by":
            return _np_chain_right(parsed, _chunk_index(parsed, span[0]))
    return None


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

@dataclass
class Context:
    """What the sentences before this one tell: the speaker of a quote the sentence is in, and the
    actor of the article's last act of violence."""

    speaker: str | None = None
    speaker_country: str | None = None
    speaker_type: str | None = None
    last_violent: str | None = None
    last_violent_country: str | None = None
    last_subject: Mention | None = None


def _mentions_in(mentions: Sequence[Mention], span: tuple[int, int] | None) -> list[Mention]:
    if span is None:
        return []
    return [m for m in mentions if m.start < span[1] and m.end > span[0]]


_TYPE_RANK = {"armed_group": 0, "organization": 1, "state": 2, "person": 3, "place": 5}


_POSSESSIVE_MARKS = frozenset(("'s", "\u2019s", "'", "\u2019"))


def _heads(parsed: Parsed, found: list[Mention], span: tuple[int, int]) -> list[Mention]:
    """The mentions of a phrase less its possessors that another mention follows: in "Ukraine's
    northeastern Kharkiv region" or "Ukraine's Defence Ministry" the phrase names what comes after
    the possessive, and "Russia's forces" (no other name) still names Russia. Only a name the
    gazetteer knows displaces the possessor (the name tagger's "Ukraine's HIMARS" is a weapon)."""
    if len(found) < 2:
        return found
    heads = [m for m in found if not (m.end < span[1] and parsed.lower[m.end] in _POSSESSIVE_MARKS
                                      and any(other.start > m.end and other.method != "tagger" for other in found))]
    return heads or found


def _best(found: list[Mention]) -> Mention | None:
    """The actor a phrase names: its first non-place mention, a place only when nothing else."""
    actors = [m for m in found if m.actor_type != "place"]
    if actors:
        return actors[0]
    return found[0] if found else None


def _military(code: str | None, category: str | None) -> bool:
    return bool(code and code[:2] in MILITARY_ROOTS) or category in VIOLENT or category == "military_restriction"


def _words(parsed: Parsed, span: tuple[int, int], text: str) -> str | None:
    start, end = span
    while start < end and parsed.words[start].lower() in _DETERMINERS:
        start += 1
    while end > start and not _WORD_RE.search(parsed.words[end - 1]):
        end -= 1
    if start >= end:
        return None
    if end - start > 8:
        end = start + 8
    return text[parsed.spans[start][0]:parsed.spans[end - 1][1]]


def resolve(parsed: Parsed, span: tuple[int, int] | None, mentions: Sequence[Mention], text: str, *,
            military: bool, context: Context, role: str = "actor",
            before: int | None = None) -> tuple[str | None, str | None, Mention | None]:
    """``(name, country, mention)`` of the actor (or target) a token span names."""
    if span is None:
        return None, None, None
    lowered = [w.lower() for w in parsed.words[span[0]:span[1]]]
    found = _heads(parsed, _mentions_in(mentions, span), span)
    best = _best(found)
    military_phrase = any(w in MILITARY_NOUNS for w in lowered)
    if best is not None and role == "target" and best.method in ("metonym", "name") and \
            best.actor_type in ("state", "place") and best.end < span[1] and lowered[-1] in _PROPERTY_NOUNS and \
            lowered[-1] not in _SETTLEMENT_NOUNS and "of" not in lowered and \
            all(parsed.pos[at].startswith("NN") or parsed.pos[at] in ("JJ", "DT", "CD") for at in range(best.end, span[1])):
        # "a Kyiv apartment block", "the Zaporizhzhia nuclear power plant": a thing in a named place was struck
        return _words(parsed, span, text), best.country, None
    if best is not None and best.end < span[1] - 1 and parsed.lower[best.end] in ("'s", "\u2019s", "'") and \
            parsed.lower[span[1] - 1] in _PARTNER_NOUNS:
        # "Kyiv's allies", "Russia's partners": the party's allies, not the party ("Ukraine's allies")
        return f"{best.actor}'s {' '.join(parsed.words[best.end + 1:span[1]])}", None, None
    if best is not None:
        if role == "actor" and best.actor_type in ("state", "organization") and best.country and (
                military_phrase or (military and best.actor_type == "state")) and best.country in armed_forces():
            if best.actor_type == "state" or "defen" in best.actor.lower() or "ministry" in best.actor.lower():
                return armed_forces()[best.country], best.country, best
        if role == "actor" and best.actor_type == "place" and lowered and lowered[0] in _OFFICIAL_NOUNS and \
                best.actor in capitals() and best.country in states():
            return states()[best.country], best.country, best     # "Officials in Kyiv had warned": Ukraine
        if role == "actor" and best.actor_type == "place":
            # a place is where it happened, not who did it ("Russian forces near Izium shelled ..."):
            # the phrase's own words stand for the actor, and an unnamed violent actor is inherited
            return (None, None, None) if military or military_phrase else (_words(parsed, span, text), None, None)
        return best.actor, best.country, best
    head = lowered[0] if lowered else ""
    if len(lowered) <= 2 and (head in _PERSONAL or head in _FIRST_PERSON or head in _SINGULAR_FIRST):
        # an antecedent in the sentence comes before the pronoun ("They ... support for Kyiv": not Kyiv)
        return _pronoun(head, mentions, min(before, span[0]) if before is not None else span[0], military, context,
                        role=role, military_phrase=military_phrase)
    if role == "actor" and any(w in _VICTIM_NOUNS for w in lowered[:3]):
        return None, None, None
    if role == "actor" and _no_one(parsed, span, lowered):
        return None, None, None
    return _words(parsed, span, text), None, None


#: Head nouns of the parties a party has on its side: "Kyiv's allies", "its Western partners".
_PARTNER_NOUNS = frozenset("allies ally partners partner backers supporters friends neighbours neighbors sponsors "
                           "proxies".split())


#: Heads of phrases that name a party without a name: "a demand for the west to guarantee",
#: "talks with the government", "an appeal to world leaders".
_PARTY_NOUNS = _PARTNER_NOUNS | frozenset("west government governments leaders leader officials authorities regime "
                                          "countries nations delegation delegations side sides kremlin".split())


#: Nouns of attacks and blasts: what they name did not act ("the offensive prompted evacuations",
#: "killed in a missile strike").
_ATTACK_NOUNS = frozenset("strike strikes airstrike airstrikes attack attacks offensive offensives shelling "
                          "bombardment bombing bombings explosion explosions blast blasts fire fighting "
                          "assault assaults raid raids".split())
_UNNAMED_NUMBERS = frozenset("huge large small big great numbers number thousands hundreds dozens tens many "
                             "more several of all other".split())


def _no_one(parsed: Parsed, span: tuple[int, int], lowered: list[str]) -> bool:
    """Whether an actor phrase with no name in it names no actor: an existential "there", a weapon
    or an attack ("high-precision weapons struck", "the offensive prompted"), or an army with no
    one's name ("huge numbers of troops": whose troops, the article's last party of violence tells)."""
    words = [w for w in lowered if _WORD_RE.search(w)]
    if not words:
        return False
    if words == ["there"]:
        return True
    head = words[-1]
    if head in _WEAPON_NOUNS or head in _ATTACK_NOUNS:
        return True
    capitalised = any(w[:1].isupper() for w in parsed.words[span[0]:span[1]][1:]) or (
        parsed.words[span[0]][:1].isupper() and lowered[0] not in _DETERMINERS and lowered[0] not in _UNNAMED_NUMBERS)
    return head in MILITARY_NOUNS and not capitalised and all(
        w in _DETERMINERS or w in _UNNAMED_NUMBERS or w in MILITARY_NOUNS or w.isdigit() for w in words)


def _pronoun(word: str, mentions: Sequence[Mention], before: int, military: bool, context: Context, *,
             role: str, military_phrase: bool) -> tuple[str | None, str | None, Mention | None]:
    if word in _FIRST_PERSON:
        country = context.speaker_country
        if country is None:
            return None, None, None
        if military and role == "actor" and country in armed_forces():
            return armed_forces()[country], country, None
        return states().get(country), country, None
    if word in _SINGULAR_FIRST:
        return context.speaker, context.speaker_country, None
    wanted = _PERSONAL[word]
    earlier = [m for m in mentions if m.end <= before and m.actor_type != "place"]
    if wanted == "person":
        people = [m for m in earlier if m.actor_type == "person"]
        if people:
            return people[-1].actor, people[-1].country, people[-1]
        if context.speaker_type == "person":
            return context.speaker, context.speaker_country, None
        return None, None, None
    groups = [m for m in earlier if m.actor_type != "person"]
    pick = groups[0] if groups else None
    if pick is None and context.last_subject is not None and context.last_subject.actor_type != "person":
        pick = context.last_subject
    if pick is None:
        return None, None, None
    if (military or military_phrase) and role == "actor" and pick.country in armed_forces() and \
            pick.actor_type in ("state", "organization"):
        return armed_forces()[pick.country], pick.country, pick
    return pick.actor, pick.country, pick


# --------------------------------------------------------------------------------------------
# Triggers
# --------------------------------------------------------------------------------------------

def verb_triggers(parsed: Parsed) -> list[tuple[int, int, str | None, str | None, str]]:
    """``(first token, end token, CAMEO code, category, lemma)`` of each verb of the sentence that
    the dictionaries code."""
    vd = cameo.verb_dictionary()
    extra = extra_verbs()
    triggers = trigger_words()
    lower, pos = parsed.lower, parsed.pos
    found = []
    at = 0
    while at < len(lower):
        word = lower[at]
        if word not in triggers or not pos[at].startswith("VB") or not (
                word in extra or any(e.code not in REPORTING_CODES for _f, e in vd.forms.get(word, ()))):
            at += 1
            continue
        entries = vd.entries(lower, at) if word in vd.forms else []
        extras = [(len(form), verb) for form, verb in extra.get(word, ()) if tuple(lower[at:at + len(form)]) == form]
        size = max([n for n, _ in entries] + [n for n, _ in extras] + [1])
        clause_start = _clause_start(parsed, at)
        before = lower[clause_start:at]
        after = lower[at + size:_clause_end(parsed, at + size)]
        code, category, lemma = None, None, word
        pattern_code = None
        entries = [(n, e) for n, e in entries if e.code not in REPORTING_CODES]
        if entries:
            _n, entry = entries[0]
            lemma = entry.lemma
            code, pattern = vd.code(entry, before, after)
            if pattern is not None and code is None:
                at += size
                continue  # "killed in an accident": the dictionary says no event
            pattern_code = code if pattern is not None else None
            category = category_of(code, entry.block if pattern is None else None)
        if (extras and extras[0][1].no_event) or (entries and entries[0][1].words[0] in _lemmas("no_event")):
            at += size
            continue
        general = (extras and extras[0][1].pattern_only) or (
            entries and entries[0][1].words[0] in _lemmas("pattern_only"))
        if general:
            if pattern_code is None and (size == 1 or lower[at + 1] == "to"):
                at += size
                continue          # "asked whether", "a restaurant called Paradise", "going to": no event
            extras = []
        if extras:
            _n, verb = extras[0]
            lemma = " ".join(verb.words)
            if pattern_code is None and verb.code is not None:
                code = verb.code
            category = verb.category or category_of(code)
        head = lemma.split()[0] if lemma else word
        if head in _GIVING_VERBS and (category is None or code in ("060", "070", "071")):
            given = set(after[:8])
            if not given.isdisjoint(_WEAPON_NOUNS):
                code, category = "072", "military_aid"        # "delivered 20 Leopard tanks"
            elif not given.isdisjoint(_RELIEF_NOUNS):
                code, category = "073", "humanitarian"        # "provided food and medicine"
        if category is not None:
            found.append((at, at + size, code, category, lemma))
        at += size
    return found


#: Tokens after which a clause starts, and tokens at which one ends.
_OPENS_CLAUSE = frozenset((";", ":", "—", "–", "that", "which", "who", "while", "as", "but", "and", "when", "after",
                           "before", "because", "if"))
_CLOSES_CLAUSE = frozenset((";", ":", "—", "–", ".", "that", "which", "who", "while", "but", "when", "because", "if"))


def _clause_start(parsed: Parsed, at: int) -> int:
    """The first token of the clause that token ``at`` is in: after the last ``;``, ``:``, dash or
    clause word ("that", "and", "when"...) before it."""
    return parsed.clauses()[0][max(0, min(at, len(parsed.lower)))]


def _clause_end(parsed: Parsed, at: int) -> int:
    """The end of the clause from token ``at`` on: the first ``;``, ``:``, dash, full stop or
    clause word at or after it (``at`` itself past the last token)."""
    if at >= len(parsed.lower):
        return at
    return parsed.clauses()[1][max(at, 0)]


_GROUND_VERBS = frozenset("fight clash battle storm encircle surround counterattack advance invade".split())


def refine_code(code: str | None, category: str, words: Sequence[str]) -> str | None:
    """A more specific CAMEO code of a fight by the weapons the clause names: aerial weapons 195
    (missiles, drones, air strikes, bombs), artillery and tanks 194, small arms 193."""
    if category != "military_strike" or not (code is None or code[:2] == "19" or code[:3] == "171"):
        return code
    lowered = {w.lower() for w in words}
    if lowered & {"missile", "missiles", "drone", "drones", "airstrike", "airstrikes", "air", "aerial", "bomb",
                  "bombs", "bombers", "jets", "rocket", "rockets", "kamikaze", "shahed", "shaheds", "aircraft",
                  "helicopter", "helicopters", "glide", "himars"}:
        return "195"
    if lowered & {"artillery", "shelling", "shelled", "shells", "shell", "mortar", "mortars", "tank", "tanks",
                  "howitzer", "howitzers", "grad", "mlrs"}:
        return "194"
    return code or "190"


# --------------------------------------------------------------------------------------------
# Coding a sentence
# --------------------------------------------------------------------------------------------

def code_sentence(parsed: Parsed, text: str, mentions: Sequence[Mention], *,
                  nominal: Sequence[tuple[str, str | None, int, int]] = (),
                  context: Context | None = None, verbs: list | None = None) -> list[Event]:
    """The events of one sentence.

    Args:
        parsed: its tokens, parts of speech and chunks.
        text: the sentence.
        mentions: its actor mentions, in token positions.
        nominal: lexicon triggers as ``(category, CAMEO code, first token, end token)``.
        context: what earlier sentences tell (the quote's speaker, the last violent actor); updated.
        verbs: the sentence's verb triggers when already found (default: :func:`verb_triggers`).
    """
    context = context if context is not None else Context()
    events: list[Event] = []
    for first, end, code, category, _lemma in (verb_triggers(parsed) if verbs is None else verbs):
        vp = _chunk_index(parsed, first)
        if vp < 0 or parsed.chunks[vp].kind != "VP":
            continue              # "occupied Crimea", "the occupying forces": a participle in a noun phrase
        if _SPECULATION_RE.search(" ".join(parsed.lower[_clause_start(parsed, first):first])):
            continue              # "appear increasingly unlikely to encircle", "efforts to decapitate": analysis
        military = _military(code, category)
        clause = parsed.words[_clause_start(parsed, first):_clause_end(parsed, end)]
        if code in ("190", "193") and category == "ground_movement" and _lemma not in _GROUND_VERBS:
            category = "military_strike"     # "struck", "hit" coded as a fight: the weapons decide below
        code = refine_code(code, category, clause)
        subject = subject_of(parsed, vp, control=military)
        obj = object_of(parsed, vp)
        if is_passive(parsed, min(end, parsed.chunks[vp].end) - 1):     # the trigger's verb ("killed [and]")
            actor_span, target_span = agent_of(parsed, vp), subject
        else:
            actor_span, target_span = subject, obj
        participle = (parsed.pos[first] == "VBG" and first > 0 and parsed.words[first - 1] in (",", "--", "\u2014")
                      and events and events[-1].how == "verb")
        if participle:                # "shelled Kharkiv, killing three": the main verb's actor, its object's target
            actor_span, target_span = None, obj
        pps = following_pps(parsed, vp)
        if military and _lemma in _LAUNCH_VERBS and target_span is not None and \
                _weapon_phrase(parsed, target_span) and "down" not in parsed.lower[end:end + 1]:
            # "Russian missiles were fired at Ukraine", "launched missiles from bombers": the weapons
            # are what was fired, their owner the actor; the target is where they were fired at
            if actor_span is None and _mentions_in(mentions, target_span):
                actor_span = target_span
            target_span = None
            pps = [(prep, span) for prep, span in pps if prep not in ("from", "of")]
        named_span = target_span
        if military and not participle and obj is not None and target_span == obj and \
                _object_head(parsed, obj) in _FIGURATIVE_OBJECTS:
            continue              # "destroying the credibility of the Polish judiciary": no act of war
        if category == "military_aid" and _lemma in _SENDING_VERBS and target_span is not None and \
                target_span == obj and _object_head(parsed, obj) in _SOLDIER_NOUNS:
            # "sending some troops", "sent 3,000 soldiers": a deployment, not aid; troops are sent
            # to where they go, not done to
            category, code, military, target_span = "ground_movement", "154", True, None
        if category == "ground_movement" and target_span is not None and target_span == obj and \
                _object_head(parsed, obj) in _OWN_FORCES and not _mentions_in(mentions, obj):
            target_span = None    # "deployed reserve units", "withdrew its troops": one's own, not a target
        target_span = _pick_target(parsed, category, code, target_span, pps, mentions)
        if _lemma == "flee" and actor_span is not None and (
                any(w.lower() in MILITARY_NOUNS for w in parsed.words[actor_span[0]:actor_span[1]])
                or any(m.actor_type in ("state", "armed_group") for m in _mentions_in(mentions, actor_span))):
            category, code, military = "ground_movement", "0874", True    # troops fled: a retreat
        event = _event(parsed, text, mentions, context, category, code, (first, end), actor_span,
                       target_span, military, "verb", before=first)
        if event is not None and participle and not event.actor_known:
            event.actor, event.actor_country = events[-1].actor, events[-1].actor_country
            event.actor_known = events[-1].actor_known
        listed = _listed_places(parsed, named_span, mentions) if event is not None and military else None
        if listed is not None:
            # "liberated five villages in the Kharkiv region -- Borysivka, Ohirtseve and Pylna --": the places listed
            event.target, event.target_known = text[parsed.spans[listed[0]][0]:parsed.spans[listed[1] - 1][1]], True
        if event is not None:
            events.append(event)
    for category, code, first, end in nominal:
        head = end - 1
        while head > first and parsed.pos[head] in ("IN", "TO"):
            head -= 1             # "call for", "appeal to": the phrase is the noun's
        chunk = _chunk_index(parsed, head)
        military = _military(code, category)
        actor_span = target_span = None
        if chunk >= 0 and parsed.chunks[chunk].kind == "NP":
            np_start = parsed.chunks[chunk].start
            # the words of the head's phrase before the trigger ("[Russian] air strikes") or, when
            # the trigger began before that phrase ("prospect of [a Russian] invasion"), before its head
            inner = (np_start, first) if first > np_start else (np_start, head) if first < np_start < head and all(
                parsed.chunks[c].kind in ("NP", "PP") for c in range(_chunk_index(parsed, first), chunk)) else None
            inner_mentions = _mentions_in(mentions, inner)
            if inner_mentions or (inner and parsed.words[inner[0]].lower() in _PERSONAL):
                actor_span = inner
            elif parsed.pos[np_start] == "POS" and first > np_start and chunk > 0 and _is_np(parsed, chunk - 1) and \
                    _mentions_in(mentions, (parsed.chunks[chunk - 1].start, parsed.chunks[chunk - 1].end)):
                actor_span = (parsed.chunks[chunk - 1].start, parsed.chunks[chunk - 1].end)   # "[Russia]'s demand"
            else:
                verb_chunk = _governing_vp(parsed, chunk)
                if verb_chunk is None and chunk >= 2 and parsed.chunks[chunk - 1].kind == "PP" and \
                        parsed.lower[parsed.chunks[chunk - 1].start] in ("for", "of") and _is_np(parsed, chunk - 2):
                    verb_chunk = _governing_vp(parsed, chunk - 2)   # "made an urgent call for [military aid]"
                if verb_chunk is not None:
                    actor_span = subject_of(parsed, verb_chunk)
                    chunk_words = parsed.lower[parsed.chunks[verb_chunk].start:parsed.chunks[verb_chunk].end]
                    if any(word.startswith("receiv") for word in chunk_words):
                        # "Ukraine received 20 tanks from Germany": the subject is who was given them
                        target_span, actor_span = actor_span, None
                        for prep, span in following_pps(parsed, chunk, limit=2):
                            if prep == "from":
                                actor_span = _np_chain_right(parsed, _chunk_index(parsed, span[0]))
                                break
            for prep, span in following_pps(parsed, chunk, limit=2):
                if prep == "by" and actor_span is None:
                    actor_span = _np_chain_right(parsed, _chunk_index(parsed, span[0]))
                elif target_span is None and category == "casualties":
                    if prep in _VICTIM_PREPOSITIONS:
                        target_span = _np_chain_right(parsed, _chunk_index(parsed, span[0]))
                elif target_span is None and prep in _TARGET_PREPOSITIONS["violent" if military else "aid"
                                                                           if category in ("military_aid", "humanitarian")
                                                                           else "other"] and not (
                        prep == "from" and category == "ground_movement"):     # "advance from X": where it set out
                    chain = _np_chain_right(parsed, _chunk_index(parsed, span[0]))
                    if military or category in ("military_aid", "humanitarian") or (prep != "at" and (
                            any(m.actor_type != "place" for m in _mentions_in(mentions, chain))
                            or parsed.lower[chain[1] - 1] in _PARTY_NOUNS)):
                        # talks, a summit, a statement are with a party: not "with the war in Ukraine
                        # top of the agenda", "to the crisis", nor the venue "at Schloss Elmau"
                        target_span = chain
        elif chunk >= 0 and parsed.chunks[chunk].kind == "VP" and not military and parsed.pos[head].startswith("VB"):
            # a lexicon word that is a verb ("and urged Kyiv's allies to speed up", "demanded"):
            # its subject did it, to its object (a passive's the other way round)
            if is_passive(parsed, head):
                actor_span, target_span = agent_of(parsed, chunk), subject_of(parsed, chunk)
            else:
                actor_span, target_span = subject_of(parsed, chunk), object_of(parsed, chunk)
            if target_span is not None and not _mentions_in(mentions, target_span) and \
                    parsed.lower[target_span[0]] not in _PERSONAL and parsed.lower[target_span[0]] not in _FIRST_PERSON:
                target_span = None    # "urged restraint", "demanded an explanation": no one named
        if category == "casualties" and target_span is None and parsed.pos[head].startswith("VB") and \
                chunk + 1 < len(parsed.chunks) and parsed.chunks[chunk + 1].kind == "NP":
            target_span = _np_chain_right(parsed, chunk + 1)    # "killing at least one", "wounding six others"
        if actor_span is not None and first <= actor_span[0] < end:
            first = actor_span[1]         # the phrase's actor ("prospect of [a Russian] invasion") is not the trigger
        code = refine_code(code, category, parsed.words)
        event = _event(parsed, text, mentions, context, category, code, (first, end), actor_span,
                       target_span, military, "phrase", before=first)          # a phrase always holds
        if category == "military_aid" and event.target is None and not _SOLDIER_NOUNS.isdisjoint(parsed.lower[first:end]):
            # "trained up 20,000 Ukrainian soldiers": the phrase names whose army is helped
            trained = next((m for m in mentions if first <= m.start and m.end <= end and m.actor_type == "state"
                            and m.country in armed_forces() and m.country != event.actor_country), None)
            if trained is not None:
                event.target, event.target_country = armed_forces()[trained.country], trained.country
                event.target_known = True
        if parsed.lower[head] in _STATE_ACTS and event.actor_country in states() and \
                event.actor == armed_forces().get(event.actor_country):
            event.actor = states()[event.actor_country]    # "a Russian invasion": the state's act, not its army's
        events.append(event)
    for event in events:
        if event.category in ("military_aid", "humanitarian") and event.how == "phrase" and event.actor is None:
            # aid that is what an appeal or a demand asks for ("urged Kyiv's allies to speed up arms
            # deliveries"): requested by its actor, of the one asked
            asked = [e for e in events if e.category in ("appeal", "demand") and e.actor_known
                     and e.trigger[1] <= event.trigger[0]]
            if asked:
                request = asked[-1]
                event.actor, event.actor_country, event.actor_known = request.actor, request.actor_country, True
                event.target, event.target_country, event.target_known = (request.target, request.target_country,
                                                                          request.target_known)
    return events


#: Heads of objects a verb of violence takes only in a figure of speech ("destroying the
#: credibility of the judiciary", "attacked his record", "hit hopes of a deal").
_FIGURATIVE_OBJECTS = frozenset(
    "credibility reputation reputations trust confidence hope hopes chance chances prospects image legacy career "
    "careers dreams dream record records morale unity consensus argument arguments case claims claim myth myths "
    "narrative rule independence democracy plans plan proposal proposals idea ideas policy policies economy "
    "markets market prices sales profits shares earnings".split())


#: Verbs of sending: troops sent are deployed ("sending some troops"), not given.
_SENDING_VERBS = frozenset("send dispatch transfer redeploy deploy move ship airlift".split())


def _object_head(parsed: Parsed, span: tuple[int, int]) -> str:
    """The head of an object phrase: the last word of its first noun phrase ("the credibility [of
    the Polish judiciary]" -> "credibility")."""
    chunk = _chunk_index(parsed, span[0])
    end = parsed.chunks[chunk].end if chunk >= 0 and parsed.chunks[chunk].kind == "NP" else span[1]
    return parsed.lower[min(end, span[1]) - 1]


#: Nouns of acts a state does as a state (its army does the fighting): "a Russian invasion".
_STATE_ACTS = frozenset("invasion invasions aggression war annexation occupation".split())


#: Verbs whose object (or passive subject) is the weapon used, not its target.
_LAUNCH_VERBS = frozenset("launch fire drop use shoot".split())


#: Plural nouns of settlements whose names a sentence may list after a dash or a colon.
_SETTLEMENTS = frozenset("villages towns settlements cities localities hamlets".split())
_LIST_OPENERS = frozenset({"\u2014", "\u2013", "--", ":", "-"})


def _listed_places(parsed: Parsed, span: tuple[int, int] | None, mentions: Sequence[Mention]) -> tuple[int, int] | None:
    """The token span of the places a target of settlements lists after a dash or a colon ("five
    villages in Ukraine's Kharkiv region near the Russian border -- Borysivka, Ohirtseve, Pletenivka,
    Pylna and Strilecha --"): at least two mentions (not of people), joined by commas and "and", within
    twelve tokens of the phrase; None otherwise."""
    if span is None or parsed.lower[span[1] - 1] not in _SETTLEMENTS:
        return None
    n = len(parsed.lower)
    opener = next((at for at in range(span[1], min(n, span[1] + 12)) if parsed.words[at] in _LIST_OPENERS), None)
    if opener is None:
        return None
    # names the tagger typed otherwise count too (a village taken for an organisation), not people
    places = {at: m for m in mentions if m.actor_type != "person" for at in range(m.start, m.end)}
    at, last, count = opener + 1, None, 0
    while at < n:
        if at in places:
            mention = places[at]
            at, last, count = mention.end, mention.end, count + 1
        elif parsed.lower[at] in (",", "and") and last is not None:
            at += 1
        else:
            break
    return (opener + 1, last) if count >= 2 else None


def _weapon_phrase(parsed: Parsed, span: tuple[int, int]) -> bool:
    """Whether a phrase's head (its last word) is a weapon ("some missiles", "Russian cruise missiles")."""
    return span[1] > span[0] and parsed.lower[span[1] - 1] in _WEAPON_NOUNS


def _governing_vp(parsed: Parsed, np_index: int) -> int | None:
    """The verb phrase whose object this noun phrase is ("launched [a surprise attack]", "carried
    out [strikes]", "conducted limited [ground attacks]" with "limited" read as a verb), if a verb of
    the phrase is a light verb."""
    index = np_index - 1
    while index >= 0 and parsed.chunks[index].kind in ("ADJP", "ADVP", "NP", "PRT") and index >= np_index - 2:
        index -= 1
    if index >= 0 and parsed.chunks[index].kind == "VP":
        chunk = parsed.chunks[index]
        if any(word.lower() in LIGHT_VERBS for word in parsed.words[chunk.start:chunk.end]):
            return index
    return None


def _pick_target(parsed: Parsed, category: str, code: str | None, span: tuple[int, int] | None,
                 pps: list[tuple[str, tuple[int, int]]], mentions: Sequence[Mention]) -> tuple[int, int] | None:
    kind = "violent" if _military(code, category) else "aid" if category in ("military_aid", "humanitarian",
                                                                            "appeal") else "other"
    if category == "casualties":      # who died, not where ("killed in Vovchansk"): the place is the row's own
        if span is not None:
            return span
        for prep, pp_span in pps:
            if prep in _VICTIM_PREPOSITIONS:
                return _np_chain_right(parsed, _chunk_index(parsed, pp_span[0]))
        return None
    if kind == "aid":                 # "delivered 20 tanks to Ukraine": the recipient, not the thing given
        for prep, pp_span in pps:
            if prep in ("to", "for") and _mentions_in(mentions, pp_span):
                return _np_chain_right(parsed, _chunk_index(parsed, pp_span[0]))
    if span is not None and _mentions_in(mentions, span):
        return span
    allowed = _TARGET_PREPOSITIONS[kind]
    if category == "ground_movement" and not (code or "").startswith("08"):
        # a move is to where it goes, not from where it set out ("advanced from Yehorivka to
        # Shevchenkove"); a retreat or withdrawal (CAMEO 08) is from the place it leaves
        for prep, pp_span in pps:
            if prep in _DESTINATION_PREPOSITIONS and _mentions_in(mentions, pp_span):
                return _np_chain_right(parsed, _chunk_index(parsed, pp_span[0]))
        allowed = tuple(prep for prep in allowed if prep != "from")
    for prep, pp_span in pps:
        if prep in allowed and _mentions_in(mentions, pp_span):
            return _np_chain_right(parsed, _chunk_index(parsed, pp_span[0]))
    if kind == "aid" and span is not None and category == "military_aid" and \
            parsed.lower[span[0]] not in _PERSONAL and parsed.lower[span[1] - 1] not in _PARTY_NOUNS:
        return None               # "supplied defensive weapons": what is given, not who gets it
    return span


#: Prepositions of where a move goes.
_DESTINATION_PREPOSITIONS = frozenset({"to", "toward", "towards", "into", "onto"})


def _event(parsed, text, mentions, context, category, code, trigger, actor_span, target_span, military, how,
           *, before) -> Event | None:
    if actor_span is not None and actor_span[0] < trigger[1] and trigger[0] < actor_span[1]:
        actor_span = None            # the trigger's own words ("A rocket blast hit ...") are not its actor
    if target_span is not None and target_span[0] < trigger[1] and trigger[0] < target_span[1]:
        target_span = None
    if category == "casualties" and actor_span is not None and not _mentions_in(mentions, actor_span) and not any(
            w.lower() in MILITARY_NOUNS for w in parsed.words[actor_span[0]:actor_span[1]]):
        if target_span is None or victims(parsed, target_span, mentions, text, context=context,
                                          before=before)[0] is None:
            target_span = actor_span         # "Two men aged 50 and 48 were killed", "one person died": who died
        actor_span = None
    actor, country, mention = resolve(parsed, actor_span, mentions, text, military=military, context=context,
                                      before=before)
    named = actor is not None and (mention is not None or country is not None)   # by the sentence itself
    inherited = actor is None and category in VIOLENT and how and context.last_violent
    if inherited:
        actor, country = context.last_violent, context.last_violent_country
        if actor_span is not None and country in armed_forces():
            actor = armed_forces()[country]      # "huge numbers of troops", "they" after Putin's threat: his army
    if category == "casualties":
        target, target_country, target_mention = victims(parsed, target_span, mentions, text, context=context,
                                                         before=before)
    else:
        target, target_country, target_mention = resolve(parsed, target_span, mentions, text, military=False,
                                                         context=context, role="target", before=before)
    if target is not None and actor is not None and target == actor:
        if inherited:           # "1,351 Russian servicemen have been killed" after a Russian strike: not by Russia
            actor = country = None
        else:
            target = target_country = target_mention = None
    event = Event(category, code, trigger, actor, target, country, how, named,
                  target is not None and (target_mention is not None or target_country is not None),
                  target_country if target is not None else None)
    struck = parsed.lower[target_span[0]:target_span[1]] if target_span is not None else ()
    if not holds(event, parsed.lower[_clause_start(parsed, trigger[0]):_clause_end(parsed, trigger[1])], struck):
        return None
    if mention is not None:
        context.last_subject = mention
    if category in ("military_strike", "ground_movement") and event.actor_known:
        context.last_violent, context.last_violent_country = actor, country
    return event


#: The target of casualties that names people by no party: unnamed people, as ACLED codes them
#: (:func:`analysis.developments.developments` adds the place: "civilians in Vovchansk").
CIVILIANS = "civilians"
#: Words of a victims' phrase that say how many, not who ("at least three", "more than 2,000").
_COUNT_WORDS = frozenset("at least more than about around some nearly almost over up to dozens hundreds thousands "
                         "tens of several many few another other one two three four five six seven eight nine ten "
                         "million millions and or".split())


#: Nouns of people a casualty phrase counts (those who suffer, and people by age, trade or kin).
PEOPLE_NOUNS = _VICTIM_NOUNS | frozenset(
    "girl girls boy boys baby babies teenager teenagers student students worker workers employee employees "
    "journalist journalists doctor doctors nurse nurses citizen citizens mother mothers father fathers son sons "
    "daughter daughters wife husband individuals adults minors".split())


#: Nouns of people under arms (beside :data:`MILITARY_NOUNS`): a count of casualties beside one
#: counts them, not civilians.
_SOLDIER_NOUNS = frozenset("troops soldiers soldier servicemen serviceman personnel forces fighters militants marines "
                           "paratroopers conscripts reservists defenders officers officer commanders commander "
                           "generals pows mobilized mobilised attackers peacekeepers guards".split())


#: Heads of an object that is one's own forces (deployed, withdrawn), not a target.
_OWN_FORCES = _SOLDIER_NOUNS | MILITARY_NOUNS


def victims(parsed: Parsed, span: tuple[int, int] | None, mentions: Sequence[Mention], text: str, *,
            context: Context, before: int) -> tuple[str | None, str | None, Mention | None]:
    """``(name, country, mention)`` of who the dead, wounded or captured of a casualty event were,
    read from its victims' phrase: a named party (soldiers of a state are its armed forces:
    "Russian soldiers", "Ukraine's servicemen"), unnamed people (:data:`CIVILIANS`: "two men aged
    50", "three people", "a seven-year-old girl", a bare count), or the phrase's words when they
    name soldiers of no one ("POWs", "two conscripts"). A phrase that names neither a party nor
    people ("last year", "custody", "a disaster": where a PP was read as the victims) is none."""
    if span is None:
        return None, None, None
    lowered = [w for w in parsed.lower[span[0]:span[1]] if _WORD_RE.search(w)]
    military_phrase = any(w in MILITARY_NOUNS or w in _SOLDIER_NOUNS for w in lowered)
    found = _mentions_in(mentions, span)
    if found:
        if military_phrase:
            name, country, mention = resolve(parsed, span, mentions, text, military=True, context=context,
                                             before=before)
            if name is not None:
                return name, country, mention
        best = _best(_heads(parsed, found, span))
        if best is not None and best.actor_type != "place":
            return best.actor, best.country, best
    head = lowered[-1] if lowered else ""
    if head in _PERSONAL or head in _FIRST_PERSON:
        return resolve(parsed, span, mentions, text, military=False, context=context, role="target", before=before)
    if military_phrase:
        return _words(parsed, span, text), None, None
    if any(w in PEOPLE_NOUNS for w in lowered):
        return CIVILIANS, None, None
    if lowered and all(w in _COUNT_WORDS or w in _DETERMINERS or w.replace(",", "").replace(".", "").isdigit()
                       for w in lowered) and _SOLDIER_NOUNS.isdisjoint(parsed.lower):
        return CIVILIANS, None, None      # "two were wounded"; not "1,351 servicemen killed and 3,825 wounded"
    return None, None, None


def holds(event: Event, clause: Sequence[str], target_words: Sequence[str] = ()) -> bool:
    """Whether a verb's event stands (a phrase of the lexicon always does). As PETRARCH codes only
    what a known actor does, a verb of talks, demands, aid or statements needs its actor to be a
    known actor (a name of the actors layer, a pronoun that resolves to one, the quote's speaker);
    a verb of violence needs a known actor or target named by the sentence, a word of arms or of
    victims in its clause ("killed three people"), or property as what it was done to ("an
    apartment block was destroyed"; not "to hammer the economy")."""
    if event.how != "verb":
        return True
    if event.category in VIOLENT:
        return (event.actor_known or event.target_known or not _ARMS_OR_VICTIMS.isdisjoint(clause)
                or not _PROPERTY_NOUNS.isdisjoint(target_words))
    return event.actor_known


# --------------------------------------------------------------------------------------------
# Many sentences: the developments ledger's entry point
# --------------------------------------------------------------------------------------------

#: The CAMEO code of a development the lexicon names by a noun or a phrase ("air strikes",
#: "sanctions", "refugees"), by its category; a weapon in the clause refines a strike (195, 194).
NOMINAL_CODES = {"military_strike": "190", "ground_movement": "190", "casualties": "190", "military_aid": "072",
                 "humanitarian": "073", "sanctions": "163", "diplomacy": "040", "demand": "100", "appeal": "020",
                 "military_restriction": "191", "statement": "010", "economy": "061", "other": None}

#: Sentences longer than this many tokens are not parsed (text whose line breaks were lost): their
#: lexicon rows keep no actor or target rather than a guess across a run-on page.
MAX_PARSE_TOKENS = 150


@dataclass
class Sentence:
    """One sentence to code: its text, its absolute offset, its lexicon triggers as character
    spans of the sentence, and its actor mentions (absolute offsets)."""

    text: str
    start: int
    nominal: list[tuple[str, int, int]]          # (category, char start, char end), relative
    mentions: list[dict]                         # start, end, actor, actor_id, actor_type, country, method
    speaker: tuple[str, str | None, str | None] | None = None   # (name, country, type) of the quote's speaker


def needs_parse(sentence: Sentence, lowered_words: set[str], *, war_article: bool = True) -> bool:
    """Whether a sentence may hold an event, before it is parsed: it has a lexicon trigger, or a
    verb of the dictionaries, a word of conflict (see :data:`CONFLICT_WORDS`; in an article about
    war (``war_article``), any verb the dictionaries code as violence counts as one), and what such
    a verb's event needs to stand (see :func:`holds`): a known actor named in it, a quote's
    speaker, words of arms or victims, or a verb of violence (which may take the article's last
    violent actor)."""
    if sentence.nominal:
        return True
    if lowered_words.isdisjoint(trigger_words()):
        return False
    if lowered_words.isdisjoint(_conflict_words()) and not (
            war_article and not lowered_words.isdisjoint(violent_trigger_words())):
        return False
    return (sentence.speaker is not None or any(m["actor_type"] != "place" for m in sentence.mentions)
            or not lowered_words.isdisjoint(_ARMS_OR_VICTIMS) or not lowered_words.isdisjoint(violent_trigger_words()))


#: Words of war and its politics; a sentence without one (and without a lexicon trigger) is not
#: read for verbs: the dictionary's verbs of talks, aid or blame outside such a sentence are
#: mostly business, sport and courts, which the ledger's lexicon covers where it matters.
CONFLICT_WORDS = frozenset(
    "war wars warfare invasion invade invaded invades invading attack attacks attacked attacking aggression "
    "aggressor aggressors conflict conflicts security threat threats threaten threatens threatened nato "
    "sanction sanctions sanctioned military militia militias militants rebels insurgents peace peacekeepers "
    "crisis escalation escalate escalated destruction weapon weapons arms ammunition army armies fight fights "
    "fighting fought defence defense sovereignty territory territorial ceasefire truce occupation occupied "
    "occupiers occupier border borders frontline front alliance allies ally regime regimes kremlin pentagon "
    "strike strikes struck bombing bombed shelling shelled killed wounded dead casualties hostages prisoners "
    "refugees evacuation evacuated humanitarian nuclear genocide terrorism terrorist terrorists".split())


@functools.lru_cache(maxsize=1)
def _conflict_words() -> frozenset[str]:
    """:data:`CONFLICT_WORDS`, words of arms and victims, and the one-word verbs of violence of
    ``event_verbs.tsv`` ("shelled", "killed", "invaded"). Not every verb the CAMEO dictionary codes
    as violence: most of those have other senses ("hit", "beat", "backed", "struggled"), and as a
    gate they let most business and sports news through."""
    verbs = {first for first, forms in extra_verbs().items()
             if any(len(form) == 1 and verb.category in VIOLENT for form, verb in forms)}
    return CONFLICT_WORDS | _ARMS_OR_VICTIMS | frozenset(verbs)


_WORDS_RE = re.compile(r"[a-z]+")
#: An article with at least this many sentences holding a word of :data:`CONFLICT_WORDS` is about
#: war: there, a verb with a sense of violence ("hit", "guarded") is read even in a sentence with
#: no such word ("If Russia was to hit in the coming days"); elsewhere ("shares were hit") it is not.
WAR_SENTENCES = 3


def code_sentences(article_sentences: Sequence[Sequence[Sentence]]) -> list[list[list[Event]]]:
    """The events of many sentences, article by article (the context of an article's sentences, its
    last act of violence, runs from one to the next). Sentences with a lexicon trigger or a verb of
    the dictionaries are tagged and chunked together (:func:`analysis.parse.parse`); the others
    give no event. Events' triggers are character spans of their sentence (``trigger``), not tokens.

    Raises:
        ResourceMissingError: the tagger or chunker model is not installed.
    """
    from analysis import parse as shallow
    from analysis.text import token_spans

    todo: list[tuple[int, int, list[tuple[int, int]]]] = []
    found_verbs: dict[tuple[int, int], list] = {}
    for a, sentences in enumerate(article_sentences):
        words_of = [set(_WORDS_RE.findall(sentence.text.lower())) for sentence in sentences]
        war_article = sum(not words.isdisjoint(CONFLICT_WORDS) for words in words_of) >= WAR_SENTENCES
        for s, sentence in enumerate(sentences):
            if not needs_parse(sentence, words_of[s], war_article=war_article):
                continue
            spans = token_spans(sentence.text)
            if not spans or len(spans) > MAX_PARSE_TOKENS or not any(_letters(sentence.text[b:e]) for b, e in spans):
                continue
            if not sentence.nominal:
                # a verb of the dictionaries must code something here, were every word a verb; the
                # parse then keeps those it tags as verbs
                words = [sentence.text[b:e] for b, e in spans]
                as_verbs = Parsed(words, spans, ["VB"] * len(words), [])
                candidates = [verb for verb in verb_triggers(as_verbs) if _may_hold(verb, as_verbs, sentence)]
                if not candidates:
                    continue
                found_verbs[(a, s)] = candidates
            todo.append((a, s, spans))
    parsed_by: dict[tuple[int, int], Parsed] = {}
    if todo:
        token_lists = [[article_sentences[a][s].text[b:e] for b, e in spans] for a, s, spans in todo]
        pos_lists = shallow.pos_tags(token_lists)
        # the verb triggers the tagger takes as verbs; chunked: sentences with one of them or a
        # lexicon trigger (without either a sentence codes no event, whatever its chunks)
        for (a, s, _spans), pos in zip(todo, pos_lists):
            if (a, s) in found_verbs:
                found_verbs[(a, s)] = [verb for verb in found_verbs[(a, s)] if pos[verb[0]].startswith("VB")]
        chunked = [k for k, (a, s, _spans) in enumerate(todo)
                   if article_sentences[a][s].nominal or found_verbs.get((a, s))]
        chunk_lists = shallow.chunk_tags([token_lists[k] for k in chunked], [pos_lists[k] for k in chunked])
        for k, chunk_tags in zip(chunked, chunk_lists):
            (a, s, spans), words, pos = todo[k], token_lists[k], pos_lists[k]
            chunks = [Chunk(kind, b, e) for kind, b, e in shallow.chunk_spans(chunk_tags)]
            parsed_by[(a, s)] = Parsed(words, spans, pos, chunks)
    out: list[list[list[Event]]] = []
    for a, sentences in enumerate(article_sentences):
        context = Context()
        coded: list[list[Event]] = []
        for s, sentence in enumerate(sentences):
            parsed = parsed_by.get((a, s))
            if parsed is None:
                coded.append([])
                continue
            if sentence.speaker is not None:
                context.speaker, context.speaker_country, context.speaker_type = sentence.speaker
            else:
                context.speaker = context.speaker_country = context.speaker_type = None
            mentions = _token_mentions(parsed, sentence)
            nominal = []
            for category, b, e in sentence.nominal:
                first, end = _token_range(parsed, b, e)
                if first < end:
                    nominal.append((category, NOMINAL_CODES.get(category), first, end))
            verbs = found_verbs.get((a, s))         # None: a sentence with lexicon triggers only
            events = code_sentence(parsed, sentence.text, mentions, nominal=nominal, context=context, verbs=verbs)
            for event in events:
                first, end = event.trigger
                event.trigger = (parsed.spans[first][0], parsed.spans[end - 1][1])
            coded.append(events)
        out.append(coded)
    return out


_PRONOUNS = frozenset(_PERSONAL) | _FIRST_PERSON | _SINGULAR_FIRST


def _may_hold(verb: tuple, parsed: Parsed, sentence: Sentence) -> bool:
    """Whether a verb trigger found before the parse (in ``parsed``, the sentence's words taken
    as verbs) can give an event that :func:`holds`, read from the words alone (a superset: a verb
    that fails here fails after the parse too). A verb of violence needs a mention in the
    sentence, a pronoun, or words of arms, victims or property in its clause; any other verb needs
    a known actor: a pronoun, or a mention of a non-place before the verb (its subject) or after a
    "by" that follows it (the agent of a passive)."""
    first, end, _code, category, lemma = verb
    lower = parsed.lower
    if not _PRONOUNS.isdisjoint(lower):
        return True
    if category in VIOLENT or lemma == "flee":            # "troops fled" is made a retreat after the parse
        if sentence.mentions:
            return True
        clause = lower[_clause_start(parsed, first):_clause_end(parsed, end)]
        return not (_ARMS_OR_VICTIMS.isdisjoint(clause) and _PROPERTY_NOUNS.isdisjoint(clause))
    verb_at = parsed.spans[first][0]
    by_at = next((parsed.spans[k][0] for k in range(end, len(lower)) if lower[k] == "by"), None)
    return any(m["actor_type"] != "place" and (
        m["start"] - sentence.start < verb_at or (by_at is not None and m["start"] - sentence.start > by_at))
        for m in sentence.mentions)


def _letters(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


def _token_range(parsed: Parsed, start: int, end: int) -> tuple[int, int]:
    """The tokens that overlap characters ``start:end`` of the sentence (tokens are in order and
    do not overlap)."""
    first = bisect.bisect_right(parsed.span_ends(), start)    # the first token ending after start
    last = first
    while last < len(parsed.spans) and parsed.spans[last][0] < end:
        last += 1
    return (first, last) if last > first else (0, 0)


def _token_mentions(parsed: Parsed, sentence: Sentence) -> list[Mention]:
    found = []
    for m in sentence.mentions:
        first, end = _token_range(parsed, m["start"] - sentence.start, m["end"] - sentence.start)
        if first < end:
            country = m.get("country")
            found.append(Mention(first, end, m["actor"], m["actor_id"], m["actor_type"],
                                 country if isinstance(country, str) and country else None,
                                 m.get("method") if isinstance(m.get("method"), str) else ""))
    return found
