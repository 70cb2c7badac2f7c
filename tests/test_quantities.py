"""analysis.quantities: every quantity form, the exclusions, and the seed's 15 gold quantities."""

from __future__ import annotations

import math

import pytest

from analysis.quantities import parse_quantities, quantities

from conftest import SEED_GOLD, needs_shared

#: The seed's quantities as its gold file gives them: paragraph, value or (low, high), unit.
SEED = [(4, 5, None, "day"), (5, 5, None, "hour"), (13, 25, None, "km"), (13, None, (200, 999), "vehicle"),
        (13, 25, None, "km"), (15, None, (200_000_000, 999_999_999), "USD"), (18, None, (4500, None), "person"),
        (22, 56, None, "strike"), (22, 113, None, "missile"), (22, 5, None, "day"), (23, None, (24, 99), "person"),
        (24, None, (24, 99), "person"), (24, None, (200, 999), "person"), (28, 630_000_000_000, None, "USD"),
        (30, 20, None, "percent")]


def same(a, b) -> bool:
    return (b is None and (a is None or (isinstance(a, float) and math.isnan(a)))) or a == b


def one(text: str) -> dict:
    found = parse_quantities(text)
    assert len(found) == 1, found
    return found[0]


class TestSeed:
    def test_all_15_gold_quantities(self, seed_sentences):
        table = quantities(seed_sentences).merge(seed_sentences[["sent_id", "para_id"]], on="sent_id")
        assert len(table) == 15
        for row, (para, value, bounds, unit) in zip(table.itertuples(), SEED):
            assert row.para_id == para and row.unit == unit, row
            if value is not None:
                assert row.value == value, row
            if bounds is not None:
                assert same(row.low, bounds[0]) and same(row.high, bounds[1]), row

    def test_offsets_and_objects(self, seed_articles, seed_sentences):
        table = quantities(seed_sentences)
        text = seed_articles["text"].iloc[0]
        assert all(text[s:e] == t for s, e, t in zip(table["start"], table["end"], table["text"]))
        objects = dict(zip(table["text"], table["object"]))
        assert objects["more than 4,500 Russian soldiers"] == "Russian soldiers"
        assert objects["113 cruise missiles"] == "cruise missiles"
        assert objects["25-kilometer"] == "convoy"
        assert table.set_index("text").loc["more than 4,500 Russian soldiers", "qualifier"] == "more than"
        assert table.set_index("text").loc["nearly five hours", "qualifier"] == "approximate"

    @needs_shared("seeds", "seed_gold.yaml")
    def test_gold_file_agrees(self, seed_sentences):
        import yaml

        gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))["quantities"]
        table = quantities(seed_sentences).merge(seed_sentences[["sent_id", "para_id"]], on="sent_id")
        assert len(gold) == len(table) == 15
        for expected, row in zip(gold, table.itertuples()):
            assert row.para_id == expected["paragraph"] and row.unit == expected["unit"]
            for key in ("value", "low", "high"):
                if key in expected:
                    assert getattr(row, key) == expected[key], (expected, row)


class TestForms:
    @pytest.mark.parametrize("text, value, low, high, unit", [
        ("Officials said 4,500 soldiers died.", 4500, 4500, 4500, "person"),
        ("The fund holds $630 billion in reserves.", 630e9, 630e9, 630e9, "USD"),
        ("The EU pledged \u20ac1.2bn in aid.", 1.2e9, 1.2e9, 1.2e9, "EUR"),
        ("Profits fell to \u00a3600m last year.", 600e6, 600e6, 600e6, "GBP"),
        ("Inflation hit 20% in March.", 20, 20, 20, "percent"),
        ("Rates rose 9.5 per cent overnight.", 9.5, 9.5, 9.5, "percent"),
        ("A 40-mile convoy stalled.", 40, 40, 40, "mile"),
        ("Between 10 and 15 drones were downed.", None, 10, 15, "drone"),
        ("Some 10 to 15 drones were downed.", None, 10, 15, "drone"),
        ("They fired twenty-one shells at dawn.", 21, 21, 21, "shell"),
        ("Thousands of people fled.", None, 2000, 9999, "person"),
        ("Tens of thousands of refugees crossed.", None, 20_000, 99_999, "person"),
        ("At least 12 civilians were killed.", 12, 12, None, "person"),
        ("Up to 300 troops took part.", 300, None, 300, "person"),
        ("The talks lasted about three hours.", 3, None, None, "hour"),
        ("They sent hundreds of millions of dollars worth of weapons.", None, 2e8, 999_999_999, "USD"),
        ("Fewer than 50 tanks remain.", 50, None, 50, "tank"),
    ])
    def test_values_and_units(self, text, value, low, high, unit):
        found = one(text)
        assert same(found["value"], value) and same(found["low"], low) and same(found["high"], high), found
        assert found["unit"] == unit
        assert text[found["start"]:found["end"]] == found["text"]

    def test_worth_of_gives_the_object(self):
        assert one("They sent hundreds of millions of dollars worth of military aid.")["object"] == "military aid"


class TestExclusions:
    @pytest.mark.parametrize("text", [
        "Talks resumed on February 28 in Belarus.",
        "Talks resumed on 28 February in Belarus.",
        "The war began in 2014 and escalated in 2022.",
        "The convoy arrived at 10:30 on Monday.",
        "They met at 5 p.m. on Tuesday.",
        "The 28th Brigade held the line.",
        "Su-25 jets and F-16 fighters were seen.",
        "Traffic on Route 66 was closed.",
        "Resolution No. 2623 passed.",
        "The two sides agreed to meet again.",
        "One of the officials resigned.",
        "It was the second-largest city.",
        "Russian forces advanced near Kharkiv.[12] They shelled the town.[13]",
        "Gas stopped flowing through the Nord Stream 2 pipeline.",
        "One key question remains, and one place where it matters.",
    ])
    def test_not_quantities(self, text):
        assert parse_quantities(text) == []


def test_empty_and_roles(seed_sentences):
    assert quantities(seed_sentences.iloc[:0]).columns.tolist()[:3] == ["article_id", "sent_id", "text"]
    with_captions = quantities(seed_sentences, roles=None)
    assert len(with_captions) >= 15
