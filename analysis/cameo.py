"""CAMEO event codes: the verb dictionary, the codebook's names, Goldstein values, QuadClass and ACLED types.

The event coder of :mod:`analysis.events` reads a verb ("shelled", "pulled back", "deployed") and
the words around it, and gives the CAMEO code of what was done (``194`` fight with artillery and
tanks, ``0874`` retreat, ``154`` mobilise armed forces). The verbs and the patterns that refine them
come from the PETRARCH2 CAMEO verb dictionary (``CAMEO.2.0.txt``, Open Event Data Alliance, MIT
licence): about 1,800 verbs and phrases in 400 synonym blocks, each with a default code, and 4,600
patterns of words before or after the verb that change the code ("send" + "&MILITARY" is ``154``,
"send" + "{HUMANITARIAN AID}" is ``073``). :func:`build_verb_dictionary` turns that file into
``resources/cameo_verbs.json``, which ships with the package; ``python -m analysis.train cameo``
rebuilds it. The codebook's names, the Goldstein scale and QuadClass are the table
``resources/cameo_codes.tsv``; the ACLED event types of violent codes are ``resources/acled_types.tsv``
(both with their sources in their header lines).

Nothing here reads a file until it is asked for, and a missing file is an error saying how to fix it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pandas as pd

from analysis import resources

VERBS_FILE = "cameo_verbs.json"
CODES_FILE = "cameo_codes.tsv"
ACLED_FILE = "acled_types.tsv"
QUAD_NAMES = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict"}
#: How many words before and after the verb a pattern's words may be looked for in.
PATTERN_REACH = 8

_BLOCK_RE = re.compile(r"^---\s+(?P<name>\S+)\s+\[(?P<code>[^\]]*)\]\s+---")
_CODE_RE = re.compile(r"\[(?P<code>[^\]]*)\]")
_FORMS_RE = re.compile(r"\{(?P<forms>[^}]*)\}")


# --------------------------------------------------------------------------------------------
# Building the shipped dictionary from PETRARCH's file
# --------------------------------------------------------------------------------------------

def _code(text: str | None) -> str | None:
    """A dictionary code as this package writes it: ``"193:193"`` -> ``"193"``, ``"---"`` -> None."""
    if text is None:
        return None
    code = text.strip().split(":")[0].strip()
    return code if re.fullmatch(r"\d{2,4}", code) else None


def _regular_forms(verb: str) -> list[str]:
    """Inflected forms of a regular English verb (lower case): "shell" -> shells, shelled,
    shelling; "retreat" -> retreats, retreated, retreating; a final consonant after one vowel is
    also doubled ("stop" -> stopped), since the dictionary lists few such forms itself."""
    forms = [verb]
    if re.search(r"(?:s|x|z|ch|sh)$", verb):
        forms.append(verb + "es")
    elif re.search(r"[^aeiou]y$", verb):
        forms.append(verb[:-1] + "ies")
    else:
        forms.append(verb + "s")
    if verb.endswith("e"):
        forms.append(verb + "d")
    elif re.search(r"[^aeiou]y$", verb):
        forms.append(verb[:-1] + "ied")
    else:
        forms.append(verb + "ed")
    if verb.endswith("ie"):
        forms.append(verb[:-2] + "ying")
    elif verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        forms.append(verb[:-1] + "ing")
    else:
        forms.append(verb + "ing")
    if re.search(r"(?:^|[^aeiou])[aeiou][bdgklmnprt]$", verb) and len(verb) <= 6:
        forms += [verb + verb[-1] + "ed", verb + verb[-1] + "ing"]
    return list(dict.fromkeys(forms))


def _phrase(word: str) -> list[str]:
    """``+SHOOT_DOWN`` -> ``["shoot", "down"]``; ``KILL`` -> ``["kill"]``."""
    return [w for w in word.lstrip("+").lower().split("_") if w]


def _slots(words: Sequence[str]) -> list[str]:
    """A pattern's words as slots: literal lower-case words and ``&SET`` references; PETRARCH's
    markers for actors and skipped words (``$ + % ^``) and its phrase brackets are not kept (the
    coder finds the actors itself)."""
    slots = []
    for word in words:
        word = word.strip("{}()")
        if not word or word in ("$", "+", "%", "^", "*") or word.startswith(("$", "%", "^")):
            continue
        if word.startswith("&"):
            slots.append(word.rstrip("_").upper())
        else:
            slots += [w for w in word.lower().replace("-", "_").split("_") if w and w not in ("+", "$")]
    return slots


def build_verb_dictionary(source: str | Path) -> dict:
    """Read PETRARCH2's CAMEO verb dictionary (``CAMEO.2.0.txt``) into plain data.

    Returns:
        ``{"source", "licence", "sets": {name: [[word, ...], ...]}, "blocks": {name: {"code",
        "patterns": [{"before", "after", "code", "origin"}]}}, "verbs": [{"words", "forms",
        "block", "code"}]}``: words in lower case, a pattern's ``before``/``after`` as slots (a word,
        or ``&NAME`` of a synonym set), ``code`` None where the dictionary says ``---`` (not an
        event), ``origin`` the verbs its comment says the pattern was first written for.

    Raises:
        ValueError: the file is not a PETRARCH verb dictionary (no ``VERB PATTERNS`` section).
    """
    lines = Path(source).read_text(encoding="utf-8", errors="replace").splitlines()
    try:
        patterns_at = next(i for i, line in enumerate(lines) if line.startswith("####### VERB PATTERNS"))
    except StopIteration:
        raise ValueError(f"{source}: not a PETRARCH verb dictionary (no '####### VERB PATTERNS' line)") from None
    sets: dict[str, list[list[str]]] = {}
    current = None
    for line in lines[:patterns_at]:
        text = line.split("#")[0].strip()
        if text.startswith("&"):
            current = text.rstrip("_").upper()
            sets[current] = []
        elif text.startswith("+") and current:
            words = _phrase(text.split()[0])
            if words:
                sets[current].append(words)
    blocks: dict[str, dict] = {}
    verbs: list[dict] = []
    block = None
    for line in lines[patterns_at + 1:]:
        header = _BLOCK_RE.match(line)
        if header:
            block = header.group("name")
            blocks.setdefault(block, {"code": _code(header.group("code")), "patterns": []})
            continue
        if block is None or not line.strip() or line.lstrip().startswith("#"):
            continue
        body, _, comment = line.partition("#")
        if line.startswith("-"):
            code = _CODE_RE.search(body)
            if not code:
                continue
            pattern = body[1:code.start()].split()
            if "*" not in pattern:
                continue
            star = pattern.index("*")
            origin = [w.strip().upper() for w in re.split(r"[,;]", comment) if w.strip()]
            origin = [re.split(r"\s|<", w)[0] for w in origin]
            blocks[block]["patterns"].append({"before": _slots(pattern[:star]), "after": _slots(pattern[star + 1:]),
                                              "code": _code(code.group("code")), "origin": origin})
            continue
        body = body.split(";")[0]
        word = body.split()[0] if body.split() else ""
        if not re.fullmatch(r"\+?[A-Za-z][A-Za-z_'-]*", word):
            continue
        code = _CODE_RE.search(body)
        listed = _FORMS_RE.search(body)
        words = _phrase(word)
        if listed is not None:
            forms = [" ".join(words)] + [" ".join(_phrase(f)) for f in listed.group("forms").split() if _phrase(f)]
        else:
            forms = [" ".join([first] + words[1:]) for first in _regular_forms(words[0])]
        verbs.append({"words": words, "forms": list(dict.fromkeys(forms)), "block": block,
                      "code": _code(code.group("code")) if code else blocks[block]["code"]})
    return {
        "source": "PETRARCH2 CAMEO verb dictionary CAMEO.2.0.txt (Open Event Data Alliance), "
                  "read by analysis.cameo.build_verb_dictionary",
        "licence": "MIT License, Copyright (c) 2015 Open Event Data Alliance",
        "sets": sets, "blocks": blocks, "verbs": verbs,
    }


def write_verb_dictionary(data: dict, path: str | Path) -> None:
    """Write :func:`build_verb_dictionary`'s data as sorted, compact JSON (same data, same bytes)."""
    Path(path).write_text(json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":")) + "\n",
                          encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The shipped dictionary
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VerbEntry:
    """One verb or phrase of the dictionary: its base ``words``, the ``block`` (synonym set) it is
    in, and its own ``code`` (None: only a pattern gives it one)."""

    words: tuple[str, ...]
    block: str
    code: str | None

    @property
    def lemma(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Pattern:
    before: tuple[str, ...]
    after: tuple[str, ...]
    code: str | None
    origin: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.before) + len(self.after)


class VerbDictionary:
    """The CAMEO verbs by inflected form, and the patterns of each block."""

    def __init__(self, data: dict):
        self.sets = {name: [tuple(words) for words in members] for name, members in data["sets"].items()}
        #: set name -> first word of a member -> [(the member's place in the set, the member)]: a
        #: set slot is matched by looking up the text word's forms, not by trying every member
        self._set_index: dict[str, dict[str, list[tuple[int, tuple[str, ...]]]]] = {}
        for name, members in self.sets.items():
            by_first: dict[str, list] = {}
            for order, member in enumerate(members):
                if member:
                    by_first.setdefault(member[0], []).append((order, member))
            self._set_index[name] = by_first
        self.patterns = {name: tuple(Pattern(tuple(p["before"]), tuple(p["after"]), codebook_code(p["code"]),
                                             tuple(p["origin"]))
                                     for p in block["patterns"])
                         for name, block in data["blocks"].items()}
        #: first word of a form -> [(the form's words, its entry)], longest forms first
        self.forms: dict[str, list[tuple[tuple[str, ...], VerbEntry]]] = {}
        for verb in data["verbs"]:
            entry = VerbEntry(tuple(verb["words"]), verb["block"], codebook_code(verb["code"]))
            for form in verb["forms"]:
                words = tuple(form.split())
                self.forms.setdefault(words[0], []).append((words, entry))
        for candidates in self.forms.values():
            candidates.sort(key=lambda pair: -len(pair[0]))
        #: block -> for each pattern, the words it cannot match without: its own words, and for
        #: each synonym set it names, the first words of the set's members (a quick test before
        #: the exact one; a pattern that fails it cannot match)
        self._needs = {name: tuple(self._needed(pattern) for pattern in patterns)
                       for name, patterns in self.patterns.items()}
        #: block -> word -> the patterns (by order) that one of whose needed words it is: each
        #: pattern is filed under its own first word, or under every first word of its first set
        self._keyed: dict[str, dict[str, list[int]]] = {}
        for name, needs in self._needs.items():
            keyed: dict[str, list[int]] = {}
            for order, (words, sets) in enumerate(needs):
                keys = [min(words)] if words else sorted(sets[0]) if sets else []
                for key in keys:
                    keyed.setdefault(key, []).append(order)
            self._keyed[name] = keyed

    def _needed(self, pattern: Pattern) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
        slots = pattern.before + pattern.after
        words = frozenset(slot for slot in slots if not slot.startswith("&"))
        sets = tuple(frozenset(member[0] for member in self.sets.get(slot, ()) if member)
                     for slot in slots if slot.startswith("&"))
        return words, sets

    def entries(self, words: Sequence[str], at: int) -> list[tuple[int, VerbEntry]]:
        """The dictionary's verbs whose form starts at ``words[at]`` (lower case), as ``(number of
        words the form takes, entry)``, longest forms first."""
        found = []
        for form, entry in self.forms.get(words[at], ()):
            if tuple(words[at:at + len(form)]) == form:
                found.append((len(form), entry))
        return found

    def code(self, entry: VerbEntry, before: Sequence[str], after: Sequence[str]) -> tuple[str | None, Pattern | None]:
        """The CAMEO code of ``entry`` used with these words before and after it (lower case, in
        text order, the clause's words only): the most specific matching pattern of its block
        wins (most words; then one written for this very verb; then file order); with none, the
        verb's own code. A pattern whose code is ``---`` in the dictionary ("killed in an
        accident") says the words report no event: the code is None and the pattern is returned."""
        best, best_rank = None, None
        verb = "_".join(entry.words).upper()
        before, after = before[-PATTERN_REACH:], after[:PATTERN_REACH]
        present = _stems(before) | _stems(after)
        needs = self._needs.get(entry.block, ())
        patterns = self.patterns.get(entry.block, ())
        keyed = self._keyed.get(entry.block, {})
        candidates = sorted({order for word in present for order in keyed.get(word, ())})
        for order in candidates:
            pattern = patterns[order]
            if not pattern.size:
                continue
            words, sets = needs[order]
            if not words <= present or not all(not first.isdisjoint(present) for first in sets):
                continue
            if not (_in_order(pattern.after, after[:PATTERN_REACH], self._set_index)
                    and _in_order(pattern.before, before[-PATTERN_REACH:], self._set_index)):
                continue
            rank = (-pattern.size, 0 if pattern.origin[:1] == (verb,) else 1 if verb in pattern.origin else 2, order)
            if best_rank is None or rank < best_rank:
                best, best_rank = pattern, rank
        if best is not None:
            return best.code, best
        return entry.code, None


def _stems(tokens: Sequence[str]) -> set[str]:
    """Every dictionary word the tokens can match (see :func:`_word_matches`): each token as it is,
    and without its plural ending."""
    out = set(tokens)
    for token in tokens:
        if token.endswith("s"):
            out.add(token[:-1])
            if token.endswith("es"):
                out.add(token[:-2])
                if token.endswith("ies"):
                    out.add(token[:-3] + "y")
    return out


def _word_matches(token: str, word: str) -> bool:
    """A text word matches a dictionary word as written or as its plural ("troops", "villages")."""
    if token == word:
        return True
    if token.endswith("s"):
        return token[:-1] == word or (token.endswith("es") and token[:-2] == word) or (
            token.endswith("ies") and token[:-3] + "y" == word)
    return False


def _slot_length(tokens: Sequence[str], at: int, slot: str, sets: dict) -> int:
    """How many tokens from ``at`` the slot takes (0: it does not match there). A set slot
    (``&MILITARY``) takes the first member of the set, in the dictionary's order, that matches
    from ``at``; ``sets`` is the set index of :class:`VerbDictionary`."""
    if slot.startswith("&"):
        by_first = sets.get(slot)
        if not by_first:
            return 0
        best = None
        for form in _stems((tokens[at],)):
            for order, member in by_first.get(form, ()):
                if best is not None and order >= best[0]:
                    break
                if at + len(member) <= len(tokens) and all(
                        _word_matches(tokens[at + k], w) for k, w in enumerate(member)):
                    best = (order, len(member))
                    break
        return best[1] if best is not None else 0
    return 1 if _word_matches(tokens[at], slot) else 0


def _in_order(slots: Sequence[str], tokens: Sequence[str], sets: dict) -> bool:
    """Whether the slots match tokens in this order, other words allowed between them."""
    at = 0
    for slot in slots:
        while at < len(tokens):
            taken = _slot_length(tokens, at, slot, sets)
            at += taken or 1
            if taken:
                break
        else:
            return False
    return True


@functools.lru_cache(maxsize=1)
def verb_dictionary() -> VerbDictionary:
    """The shipped CAMEO verb dictionary (loaded once).

    Raises:
        ResourceMissingError: ``resources/cameo_verbs.json`` is missing; the message names the fix.
    """
    path = resources.resource_path(VERBS_FILE)
    return VerbDictionary(json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------------------------
# Codes: names, Goldstein scale, QuadClass, ACLED
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def code_table() -> pd.DataFrame:
    """The CAMEO codebook's codes: ``code``, ``root``, ``name``, ``goldstein``, ``quad_class``
    (1-4), ``quad_name`` (``resources/cameo_codes.tsv``)."""
    path = resources.resource_path(CODES_FILE)
    return pd.read_csv(path, sep="\t", comment="#", dtype={"code": str, "root": str})


@functools.lru_cache(maxsize=1)
def _codes() -> dict[str, tuple[str, float, int]]:
    table = code_table()
    return {c: (n, float(g), int(q)) for c, n, g, q in
            zip(table["code"], table["name"], table["goldstein"], table["quad_class"])}


def codebook_code(code: str | None) -> str | None:
    """``code`` when the CAMEO codebook has it, else its nearest code there: PETRARCH's dictionary
    uses a few codes the codebook does not list (176, "attack cybernetically", is coded 170;
    1213 is coded 121)."""
    if code is None or code in _codes():
        return code
    for parent in (code[:3], code[:2] + "0", code[:2]):
        if parent in _codes():
            return parent
    return None


def is_code(code) -> bool:
    """Whether ``code`` is a code of the CAMEO codebook."""
    return isinstance(code, str) and code in _codes()


def describe(code: str | None) -> str | None:
    """The codebook's name of a code ("195" -> "Employ aerial weapons"); None for None."""
    return _codes()[code][0] if code is not None else None


def goldstein(code: str | None) -> float:
    """The Goldstein scale value of a code (-10 conflict to +10 cooperation); NaN for None."""
    return _codes()[code][1] if code is not None else float("nan")


def quad_class(code: str | None) -> int | None:
    """GDELT's QuadClass of a code: 1 verbal cooperation, 2 material cooperation, 3 verbal
    conflict, 4 material conflict; None for None."""
    return _codes()[code][2] if code is not None else None


@functools.lru_cache(maxsize=1)
def _acled_rules() -> tuple[tuple[str, re.Pattern | None, str, str], ...]:
    rules = []
    path = resources.resource_path(ACLED_FILE)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        code, words, event_type, subtype = line.split("\t")
        rules.append((code, re.compile(words, re.IGNORECASE) if words else None, event_type, subtype))
    return tuple(rules)


def acled_type(code: str | None, text: str = "") -> tuple[str | None, str | None]:
    """ACLED's event type and sub-event type of a violent CAMEO code, the first rule of
    ``resources/acled_types.tsv`` whose code is the code or a prefix of it and whose words (if
    any) occur in ``text`` (the words of the event: "drone", "shelling"...); ``(None, None)`` for a
    code that is not violent."""
    if code is None:
        return None, None
    for prefix, words, event_type, subtype in _acled_rules():
        if code.startswith(prefix) and (words is None or words.search(text)):
            return event_type, subtype
    return None, None
