"""Dates: the seed's gold dates, every supported form, the exclusions and the missing-year rule."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_articles, sentences
from analysis.dates import COLUMNS, dates

from conftest import SEED_GOLD, SEEDS, needs_shared

PUBLISHED = "2022-03-02"            # a Wednesday
DAY = pd.Timestamp


def _table(*texts: str, published=None) -> pd.DataFrame:
    frame = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "sent_id": 0,
                          "text": list(texts), "start": 0, "end": [len(t) for t in texts]})
    if published is not None:
        frame["published"] = published
    return frame


def _found(text: str, published=PUBLISHED) -> pd.DataFrame:
    return dates(_table(text), published=published)


def _one(text: str, expression: str, published=PUBLISHED) -> pd.Series:
    found = _found(text, published)
    rows = found[found.text == expression]
    assert len(rows) == 1, f"{expression!r} not found once in {text!r}: {found.text.tolist()}"
    return rows.iloc[0]


# --------------------------------------------------------------------------------------------
# The seed (RFE/RL, published 2022-02-28)
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed():
    arts = load_articles(SEEDS)
    sents = sentences(arts)
    found = dates(sents, arts=arts).merge(sents[["article_id", "sent_id", "para_id"]],
                                           on=["article_id", "sent_id"])
    return arts, found


def test_seed_february_28(seed):
    _, found = seed
    rows = found[found.text == "February 28"]
    assert sorted(rows.para_id) == [3, 17, 23, 27, 30, 32]
    assert (rows.date == DAY("2022-02-28")).all() and rows.resolved.all()
    assert (rows.kind == "explicit").all()


def test_seed_february_27_and_last_week(seed):
    _, found = seed
    feb27 = found[found.text == "February 27"]
    assert feb27.para_id.tolist() == [19] and feb27.date.tolist() == [DAY("2022-02-27")]
    week = found[found.text == "last week"]
    assert week.para_id.tolist() == [2]
    assert week.date_from.tolist() == [DAY("2022-02-21")] and week.date_to.tolist() == [DAY("2022-02-27")]
    assert week.kind.tolist() == ["period"] and week.date.isna().all()


def test_seed_offsets_and_nothing_else(seed):
    arts, found = seed
    text = arts.set_index("article_id").text
    for row in found.itertuples():
        assert text[row.article_id][row.start:row.end] == row.text
    # "Five days into Russia's invasion" (para 4) and "in the past five days" (para 22) are durations.
    assert sorted(found.text) == ["February 27"] + ["February 28"] * 6 + ["last week"]


def test_seed_roles_none_reads_captions_and_promos():
    arts = load_articles(SEEDS)
    found = dates(sentences(arts), arts=arts, roles=None)
    assert (found.text == "February 28").sum() == 8        # + the caption and the promo


@needs_shared("seeds", "seed_gold.yaml")
def test_seed_matches_gold(seed):
    import yaml

    gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))["dates"]
    _, found = seed
    for item in gold:
        rows = found[found.text == item["text"]]
        assert sorted(rows.para_id) == sorted(item["paragraphs"])
        if "date" in item:
            assert (rows.date == DAY(str(item["date"]))).all()
        else:
            assert (rows.date_from == DAY(str(item["date_from"]))).all()
            assert (rows.date_to == DAY(str(item["date_to"]))).all()


# --------------------------------------------------------------------------------------------
# The forms
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expression, day", [
    ("Shelling resumed on February 28.", "February 28", "2022-02-28"),
    ("Shelling resumed on 28 February.", "28 February", "2022-02-28"),
    ("Shelling resumed on Feb. 28.", "Feb. 28", "2022-02-28"),
    ("Shelling resumed on Feb 28.", "Feb 28", "2022-02-28"),
    ("Shelling resumed on 28 Feb.", "28 Feb", "2022-02-28"),
    ("Shelling resumed on Sept. 3.", "Sept. 3", "2021-09-03"),
    ("Shelling resumed on February 28th.", "February 28th", "2022-02-28"),
    ("Shelling resumed on the 28th of February.", "28th of February", "2022-02-28"),
    ("Shelling resumed on Feb. 28, 2022.", "Feb. 28, 2022", "2022-02-28"),
    ("Shelling resumed on February 28, 2022.", "February 28, 2022", "2022-02-28"),
    ("Shelling resumed on 28 February 2022.", "28 February 2022", "2022-02-28"),
    ("Shelling resumed on 2022-02-28.", "2022-02-28", "2022-02-28"),
    ("Crimea was annexed on March 18, 2014.", "March 18, 2014", "2014-03-18"),
    ("Victory Day parades are held on May 9.", "May 9", "2022-05-09"),
])
def test_explicit(text, expression, day):
    row = _one(text, expression)
    assert row.kind == "explicit" and row.resolved and row.reason is None
    assert row.date == row.date_from == row.date_to == DAY(day)


def test_year_boundary_takes_the_nearest_year():
    assert _one("Fighting flared on December 30.", "December 30", "2023-01-02").date == DAY("2022-12-30")
    assert _one("Talks are set for January 3.", "January 3", "2022-12-29").date == DAY("2023-01-03")
    found = _one("Strikes began in December.", "December", "2023-01-02")
    assert (found.date_from, found.date_to) == (DAY("2022-12-01"), DAY("2022-12-31"))


@pytest.mark.parametrize("text, expression, day", [
    ("Talks were held on Monday.", "Monday", "2022-02-28"),
    ("Talks are held Wednesday.", "Wednesday", "2022-03-02"),           # the publication day
    ("Talks were held last Monday.", "last Monday", "2022-02-28"),
    ("Talks were held last Wednesday.", "last Wednesday", "2022-02-23"),  # strictly before
    ("Talks resume next Monday.", "next Monday", "2022-03-07"),
    ("Strikes hit on Tuesday night.", "Tuesday night", "2022-03-01"),
    ("Talks end this Friday.", "this Friday", "2022-03-04"),
    ("Monday's strikes killed 10.", "Monday", "2022-02-28"),
])
def test_weekdays(text, expression, day):
    row = _one(text, expression)
    assert row.kind == "weekday" and row.resolved and row.date == DAY(day)


@pytest.mark.parametrize("text, expression, day", [
    ("Strikes hit Kyiv today.", "today", "2022-03-02"),
    ("Strikes will hit Kyiv tonight.", "tonight", "2022-03-02"),
    ("Strikes hit Kyiv this morning.", "this morning", "2022-03-02"),
    ("Strikes hit Kyiv overnight.", "overnight", "2022-03-02"),
    ("Strikes hit Kyiv yesterday.", "yesterday", "2022-03-01"),
    ("Yesterday strikes hit Kyiv.", "Yesterday", "2022-03-01"),
    ("Strikes hit Kyiv last night.", "last night", "2022-03-01"),
    ("Talks resume tomorrow.", "tomorrow", "2022-03-03"),
    ("Strikes hit the day before yesterday.", "the day before yesterday", "2022-02-28"),
    ("Strikes began three days ago.", "three days ago", "2022-02-27"),
    ("Strikes began 5 days ago.", "5 days ago", "2022-02-25"),
    ("Strikes began two weeks ago.", "two weeks ago", "2022-02-16"),
    ("Strikes began a month ago.", "a month ago", "2022-02-02"),
    ("Strikes began a year ago.", "a year ago", "2021-03-02"),
])
def test_relative_days(text, expression, day):
    row = _one(text, expression)
    assert row.kind == "relative" and row.resolved and row.date == row.date_from == row.date_to == DAY(day)


@pytest.mark.parametrize("text, expression, first, last", [
    ("Russia invaded last week.", "last week", "2022-02-21", "2022-02-27"),
    ("Talks continue this week.", "this week", "2022-02-28", "2022-03-06"),
    ("Talks continue next week.", "next week", "2022-03-07", "2022-03-13"),
    ("Troops massed last month.", "last month", "2022-02-01", "2022-02-28"),
    ("Talks continue this month.", "this month", "2022-03-01", "2022-03-31"),
    ("Troops massed last year.", "last year", "2021-01-01", "2021-12-31"),
    ("Troops massed last weekend.", "last weekend", "2022-02-26", "2022-02-27"),
    ("Talks are planned in March.", "March", "2022-03-01", "2022-03-31"),
    ("Talks are planned for early March.", "early March", "2022-03-01", "2022-03-10"),
    ("Talks are planned for mid-March.", "mid-March", "2022-03-11", "2022-03-20"),
    ("Talks are planned for late March.", "late March", "2022-03-21", "2022-03-31"),
    ("Talks are planned for March 2022.", "March 2022", "2022-03-01", "2022-03-31"),
    ("Troops massed in November.", "November", "2021-11-01", "2021-11-30"),
    ("Crimea was annexed in 2014.", "2014", "2014-01-01", "2014-12-31"),
    ("Fighting has gone on since 2014.", "2014", "2014-01-01", "2014-12-31"),
    ("Victory parades were held in May.", "May", "2022-05-01", "2022-05-31"),
])
def test_periods(text, expression, first, last):
    row = _one(text, expression)
    assert row.kind == "period" and row.resolved and pd.isna(row.date)
    assert (row.date_from, row.date_to) == (DAY(first), DAY(last))


def test_longest_expression_wins():
    found = _found("Crimea was annexed on 18 March 2014, a year ago in mid-March 2022.")
    assert found.text.tolist() == ["18 March 2014", "a year ago", "mid-March 2022"]


# --------------------------------------------------------------------------------------------
# Not dates
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Prices may rise, and May could see talks.",           # "may" and a bare "May"
    "Thousands joined a protest march in Moscow.",
    "Troops March toward Kyiv, officials said.",            # capitalised, yet no day, year or "in"
    "The meeting began at 10:30 and ended at 11:45.",
    "Five days into the invasion, troops stalled.",
    "Fighting went on over the last week and in the past five days.",
    "The 28th Brigade held Route 66.",
    "Theresa May and April Smith spoke at the Mar-a-Lago club.",
    "Peace will not happen overnight.",
    "USA Today reported it, as did Black Friday shoppers.",
    "Fighting continued by 1900 GMT.",
    "Shelling resumed on February 45.",
])
def test_not_dates(text):
    assert _found(text).empty


# --------------------------------------------------------------------------------------------
# No publication date
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expression", [
    ("Shelling resumed on February 28.", "February 28"),
    ("Shelling resumed on 28 Feb.", "28 Feb"),
    ("Talks were held on Monday.", "Monday"),
    ("Strikes hit Kyiv yesterday.", "yesterday"),
    ("Russia invaded last week.", "last week"),
    ("Talks are planned in March.", "March"),
])
def test_nothing_is_guessed_without_a_publication_date(text, expression):
    row = _one(text, expression, published=None)
    assert not row.resolved and pd.isna(row.date) and pd.isna(row.date_from) and pd.isna(row.date_to)
    assert "publication date" in row.reason


@pytest.mark.parametrize("text, expression, first", [
    ("Talks on February 28, 2022.", "February 28, 2022", "2022-02-28"),
    ("Talks on 28 Feb 2022.", "28 Feb 2022", "2022-02-28"),
    ("Talks on 2022-02-28.", "2022-02-28", "2022-02-28"),
    ("Talks in March 2022.", "March 2022", "2022-03-01"),
    ("Crimea was annexed in 2014.", "2014", "2014-01-01"),
])
def test_explicit_year_needs_no_publication_date(text, expression, first):
    row = _one(text, expression, published=None)
    assert row.resolved and row.reason is None and row.date_from == DAY(first)


def test_seed_without_publication_dates_resolves_nothing_yearless():
    arts = load_articles(SEEDS).assign(published=pd.NaT)
    found = dates(sentences(arts), arts=arts)
    assert len(found) == 8 and not found.resolved.any()
    assert found.reason.str.contains("publication date").all()


def test_impossible_day_is_unresolved():
    row = _one("Talks on February 30.", "February 30")
    assert not row.resolved and row.reason == "not a calendar date"


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------

def test_columns_types_and_offsets():
    sents = _table("Strikes hit on February 28.", "Talks were held yesterday.")
    sents["start"] = [100, 200]
    found = dates(sents, published=pd.Timestamp("2022-03-02 23:30", tz="UTC"))
    assert list(found.columns) == COLUMNS
    assert str(found.date.dtype) == "datetime64[ns]" and found.resolved.dtype == bool
    assert found.start.tolist() == [115, 216] and found.end.tolist() == [126, 225]
    assert found.date.tolist() == [DAY("2022-02-28"), DAY("2022-03-01")]
    empty = dates(_table("No dates here."), published=PUBLISHED)
    assert list(empty.columns) == COLUMNS and empty.empty


def test_publication_date_sources():
    sents = _table("Strikes hit Kyiv yesterday.", "Strikes hit Kyiv yesterday.")
    arts = pd.DataFrame({"article_id": ["a0", "a1"],
                         "published": pd.to_datetime(["2022-03-02", None], utc=True)})
    by_arts = dates(sents, arts=arts, published="2000-01-01")
    assert by_arts.date.iloc[0] == DAY("2022-03-01") and pd.isna(by_arts.date.iloc[1])
    own = dates(sents.assign(published=pd.Timestamp("2022-02-25", tz="UTC")), arts=arts)
    assert (own.date == DAY("2022-02-24")).all()
    assert (dates(sents, published="2022-02-25").date == DAY("2022-02-24")).all()


def test_roles_filter():
    sents = _table("Strikes on February 28.", "Strikes on February 27.").assign(role=["body", "caption"])
    assert dates(sents, published=PUBLISHED).text.tolist() == ["February 28"]
    assert len(dates(sents, published=PUBLISHED, roles=None)) == 2


def test_dates_pandas_cannot_hold_stay_unresolved():
    sents = pd.DataFrame({"article_id": ["a"], "sent_id": [0], "para_id": [0], "role": ["body"], "start": [0],
                          "text": ["Shares rose to 1.50 dlrs from 478 years ago and from 1.20 dlrs a week ago."],
                          "published": [pd.Timestamp("1987-03-04", tz="UTC")]})
    sents["end"] = sents["text"].str.len()
    found = dates(sents).set_index("text")
    assert not found.loc["478 years ago", "resolved"] and pd.isna(found.loc["478 years ago", "date_from"])
    assert "1677-2262" in found.loc["478 years ago", "reason"]
    assert found.loc["a week ago", "resolved"]


def test_letters_regex_reads_as_ascii_do_not_stop_dates_or_quantities():
    from analysis.quantities import quantities

    text = "It happened laſt week, when ſix ſoldiers and \u212aarl died in \u0130zmir on Tueſday."
    sents = pd.DataFrame({"article_id": ["a"], "sent_id": [0], "para_id": [0], "role": ["body"], "start": [0],
                          "end": [len(text)], "text": [text], "published": [pd.Timestamp("2022-03-02", tz="UTC")]})
    found = dates(sents)
    assert found["text"].tolist() == ["laſt week", "Tueſday"] and found["resolved"].all()
    numbers = quantities(sents)
    assert numbers["text"].tolist() == ["ſix ſoldiers"] and numbers["value"].tolist() == [6]
