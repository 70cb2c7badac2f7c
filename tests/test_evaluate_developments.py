"""The developments scorer (analysis.evaluate_developments) on a hand-made gold and ledger."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import evaluate
from analysis.evaluate_developments import (
    default_corpora, evaluate_developments, format_result, locate, normalise_name, overlaps, read_gold, same_name,
    score_developments,
)

HERE = Path(__file__).resolve().parent / "fixtures" / "developments_gold"
GOLD = HERE / "eval" / "developments" / "gold.yaml"
CORPORA = HERE / "corpora"
ONE, TWO = "fixture/article_one.txt", "fixture/article_two.txt"


@pytest.fixture(scope="module")
def texts():
    # the loader strips the file's text; every ledger offset points into that
    return {key: (CORPORA / key).read_text(encoding="utf-8").strip() for key in (ONE, TWO)}


def _span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


@pytest.fixture(scope="module")
def ledger(texts):
    """Known rows: r1 right (after r1b, its duplicate with no names), r2 right, r3 wrong category, r4 a sentence with
    no gold, r5 right, r6 right with a shifted span that still overlaps enough, r7 a span that
    overlaps too little, r8 an article not in the gold."""
    one, two = texts[ONE], texts[TWO]
    s1 = _span(one, "Russian forces shelled Kharkiv")[0], _span(one, "Synyehubov said.")[1]
    s2 = _span(one, "Ukraine's foreign minister Dmytro Kuleba urged Western allies to send more air defence systems.")
    s3 = _span(one, "Kharkiv is Ukraine's second-largest city.")
    s4 = _span(one, "The European Union agreed new sanctions on Russian banks.")
    t1 = _span(two, "Talks between Russia and Ukraine resumed in Istanbul on Tuesday.")
    t2 = _span(two, "Thousands of residents fled the city of Mariupol, the United Nations said.")
    length = t2[1] - t2[0]
    rows = [
        # article, sent_id, category, (start, end), actor, target, claimant
        (ONE, 0, "military_strike", s1, None, None, None),                                              # r1b
        (ONE, 0, "military_strike", s1, "Russian military", "Kharkiv region", "Oleh Synyehubov"),       # r1
        (ONE, 0, "casualties", s1, None, "civilians", "Synyehubov"),                                    # r2
        (ONE, 1, "statement", s2, "Dmytro Kuleba", None, "Dmytro Kuleba"),                              # r3
        (ONE, 2, "economy", s3, None, None, None),                                                      # r4
        (ONE, 3, "sanctions", s4, "European Union;Russia", "Russia", "European Union"),                # r5
        (TWO, 0, "diplomacy", (t1[0] + 5, t1[1] + 20), "Kremlin", "Ukraine's delegation", float("nan")),  # r6
        (TWO, 1, "humanitarian", (t2[0] + int(length * 0.6), t2[1] + 40), None, None, "United Nations"),  # r7
        ("fixture/not_in_gold.txt", 0, "economy", (0, 50), None, None, None),                           # r8
    ]
    return pd.DataFrame(
        [(a, i, c, s, e, x, y, z, f"sentence {i}") for a, i, c, (s, e), x, y, z in rows],
        columns=["article_id", "sent_id", "category", "start", "end", "actor", "target", "claimant", "text"])


@pytest.fixture(scope="module")
def result(ledger, texts):
    return score_developments(GOLD, ledger, texts)


def test_precision_recall_f1_and_counts(result):
    assert result["rows"] == 7              # r8 ignored, r1b deduplicated
    assert result["ledger_rows"] == 8
    assert result["correct_rows"] == 4      # r1, r2, r5, r6
    assert result["precision"] == pytest.approx(4 / 7)
    assert result["recalled"] == 4          # strike, casualties, sanctions, diplomacy
    assert result["gold_developments"] == 7
    assert result["recall"] == pytest.approx(4 / 7)
    assert result["f1"] == pytest.approx(4 / 7)
    assert result["gold_sentences"] == 6
    assert result["located_sentences"] == 5


def test_false_rows_and_misses(result):
    assert sorted(r["category"] for r in result["false_rows"]) == ["economy", "humanitarian", "statement"]
    missed = {m["what"]: m for m in result["misses"]}
    assert set(missed) == {"Kuleba urges allies to send air defence", "thousands fled Mariupol",
                           "an entry whose sentence is missing from the text"}
    assert missed["an entry whose sentence is missing from the text"]["located"] is False
    assert missed["an entry whose sentence is missing from the text"]["start"] is None


def test_unlocatable_gold_sentence_is_reported(result):
    assert len(result["unlocated"]) == 1
    assert result["unlocated"][0]["article"] == ONE
    assert result["unlocated"][0]["sentence"].startswith("This sentence is not in the article")
    assert result["unlocated"][0]["reason"] == "not found in the text"


def test_agreement_lenient_and_strict(result):
    agreement = result["agreement"]
    assert {f: agreement[f]["n"] for f in agreement} == {"actor": 4, "target": 4, "claimant": 4}
    # lenient: actor via gazetteer (Russian military, Kremlin), a ;-list, name vs null disagrees
    assert agreement["actor"]["lenient"] == pytest.approx(3 / 4)
    # target: Kharkiv region and civilians agree; Russia vs Russian banks, Ukraine's delegation do not
    assert agreement["target"]["lenient"] == pytest.approx(2 / 4)
    # claimant: full name, surname, null-null (NaN) agree; null vs a name disagrees
    assert agreement["claimant"]["lenient"] == pytest.approx(3 / 4)
    assert agreement["actor"]["strict"] == pytest.approx(1 / 4)
    assert agreement["target"]["strict"] == pytest.approx(1 / 4)
    assert agreement["claimant"]["strict"] == pytest.approx(2 / 4)
    assert agreement["claimant"]["value"] == agreement["claimant"]["lenient"]


def test_strict_mode_headline_figures(ledger, texts):
    strict = score_developments(GOLD, ledger, texts, strict=True)
    assert strict["strict"] is True
    assert strict["agreement"]["actor"]["value"] == pytest.approx(1 / 4)
    assert strict["agreement"]["actor"]["lenient"] == pytest.approx(3 / 4)
    assert strict["precision"] == pytest.approx(4 / 7)


def test_best_agreeing_row_is_chosen(result):
    # r1b (all null) matches the strike too; r1 agrees on all three, so no disagreement is listed
    listed = {d["what"]: d["fields"] for d in result["disagreements"]}
    assert "Russian forces shelled Kharkiv" not in listed
    assert listed["three civilians killed"] == {"actor": {"gold": "Russian Armed Forces", "predicted": None}}
    assert set(listed["EU agrees sanctions on Russian banks"]) == {"target", "claimant"}
    assert listed["Russia-Ukraine talks resumed in Istanbul"] == {
        "target": {"gold": "Ukraine", "predicted": "Ukraine's delegation"}}


def test_per_category(result):
    table = {c["category"]: c for c in result["per_category"]}
    assert table["military_strike"]["gold"] == 1 and table["military_strike"]["recall"] == 1.0
    assert table["military_strike"]["rows"] == 1 and table["military_strike"]["precision"] == 1.0
    assert table["military_strike"]["agreement"] == {"actor": 1.0, "target": 1.0, "claimant": 1.0}
    assert table["casualties"]["agreement"] == {"actor": 0.0, "target": 1.0, "claimant": 1.0}
    assert table["appeal"]["gold"] == 1 and table["appeal"]["recall"] == 0.0 and table["appeal"]["rows"] == 0
    assert table["statement"]["gold"] == 0 and table["statement"]["recall"] is None
    assert table["statement"]["rows"] == 1 and table["statement"]["precision"] == 0.0
    assert table["economy"]["rows"] == 1 and table["economy"]["precision"] == 0.0   # r8 ignored
    assert table["humanitarian"]["recall"] == 0.0 and table["humanitarian"]["precision"] == 0.0
    assert table["sanctions"]["agreement"] == {"actor": 1.0, "target": 0.0, "claimant": 0.0}
    assert table["other"]["gold"] == 1 and table["other"]["recall"] == 0.0
    assert sum(c["gold"] for c in result["per_category"]) == 7
    assert sum(c["rows"] for c in result["per_category"]) == 7


def test_dedupe_per_sentence_and_category(ledger, texts):
    doubled = pd.concat([ledger, ledger], ignore_index=True)
    again = score_developments(GOLD, doubled, texts)
    assert again["rows"] == 7 and again["correct_rows"] == 4
    # a second category on the same sentence is a row of its own (here: a wrong one)
    extra = pd.concat([ledger, ledger.iloc[[0]].assign(category="economy")], ignore_index=True)
    assert score_developments(GOLD, extra, texts)["rows"] == 8
    assert score_developments(GOLD, extra, texts)["correct_rows"] == 4


def test_overlap_rule():
    assert overlaps((0, 100), (50, 150))            # 50 shared of 100: half
    assert not overlaps((0, 100), (51, 151))        # 49 < 50
    assert overlaps((0, 100), (10, 30))             # the shorter lies inside
    assert not overlaps((0, 10), (10, 20))
    assert overlaps((0, 10), (0, 10))


def test_locate_exact_repeated_and_whitespace():
    text = "A said so.\n\nThe army  advanced\nfast. The army advanced fast."
    assert locate("The army advanced fast.", text) == [(text.rindex("The army"), len(text))]
    assert locate("A said so.", text) == [(0, 10)]
    assert locate("Nowhere here.", text) == []
    repeated = "X struck Y. X struck Y."
    assert locate("X struck Y.", repeated) == [(0, 11), (12, 23)]
    folded = "The army advanced\nfast."
    assert locate("The army advanced fast.", "Then. " + folded) == [(6, 6 + len(folded))]


def test_same_name_null_handling():
    assert same_name(None, None)
    assert same_name(None, "")
    assert same_name(None, float("nan"))
    assert same_name(None, "  ")
    assert not same_name(None, "Russia")
    assert not same_name("Russia", None)
    assert not same_name("Russia", float("nan"))


@pytest.mark.parametrize("gold, predicted", [
    ("Zelensky", "Volodymyr Zelensky"),
    ("Volodymyr Zelensky", "Zelensky"),
    ("Kharkiv", "Kharkiv region"),
    ("the Kremlin", "Kremlin"),
    ("Paweł Zalewski", "pawel zalewski"),
    ("Russia", "Kremlin"),                                  # gazetteer metonym
    ("Russia", "Moscow"),
    ("Ukrainian Armed Forces", "Armed Forces of Ukraine"),  # gazetteer alias
    ("Russian Armed Forces", "Russian military"),
    ("Russian Defence Ministry", "Russia's Defence Ministry"),
    ("Ukraine", "Russia;Ukraine"),                          # one part of a list
    ("Ukraine's allies", "Ukraine's allies"),
])
def test_same_name_lenient_positive(gold, predicted):
    assert same_name(gold, predicted)


@pytest.mark.parametrize("gold, predicted", [
    ("Ukraine", "Ukraine's allies"),          # the contained word is possessive in the other
    ("Ukraine's allies", "Ukraine"),
    ("Russia", "Russia's Defence Ministry"),
    ("Russia", "Ukraine"),
    ("Russia", "Russian Armed Forces"),       # not a whole word, and a different gazetteer actor
    ("Kharkiv", "Kharkivska oblast"),
    ("Ukraine", "Russia;Belarus"),
    ("Russian Armed Forces", "Russian forces"),  # the gazetteer lists no such alias
])
def test_same_name_lenient_negative(gold, predicted):
    assert not same_name(gold, predicted)


def test_same_name_strict():
    assert same_name("The Kremlin", "kremlin", strict=True)
    assert same_name("Paweł Zalewski", "Pawel Zalewski.", strict=True)
    assert same_name("Ukraine", "Russia; Ukraine", strict=True)
    assert not same_name("Zelensky", "Volodymyr Zelensky", strict=True)
    assert not same_name("Russia", "Kremlin", strict=True)
    assert not same_name("Kharkiv", "Kharkiv region", strict=True)
    assert normalise_name("The Kremlin\u2019s") == "kremlin"


def test_missing_actor_and_target_columns(ledger, texts):
    partial = score_developments(GOLD, ledger.drop(columns=["actor", "target"]), texts)
    assert partial["agreement"]["actor"]["available"] is False
    assert partial["agreement"]["actor"]["value"] is None
    assert partial["agreement"]["target"]["value"] is None
    assert partial["agreement"]["claimant"]["value"] == pytest.approx(3 / 4)
    assert partial["precision"] == pytest.approx(4 / 7)
    text = format_result(partial, disagreements=True)
    assert "actor n/a (no actor column)" in text
    assert "claimant 0.750 (3/4" in text
    bare = score_developments(GOLD, ledger[["article_id", "category", "start", "end"]], texts)
    assert all(not bare["agreement"][f]["available"] for f in ("actor", "target", "claimant"))
    assert bare["rows"] == 7 and bare["recalled"] == 4


def test_article_text_missing_and_empty_ledger(texts):
    empty = pd.DataFrame(columns=["article_id", "sent_id", "category", "start", "end"])
    scored = score_developments(read_gold(GOLD), empty, {ONE: texts[ONE]})
    assert scored["rows"] == 0 and scored["precision"] is None and scored["recall"] == 0.0 and scored["f1"] is None
    assert sum(u["reason"] == "article text missing" for u in scored["unlocated"]) == 2
    assert math.isclose(scored["located_sentences"], 3)


def test_default_corpora_is_gold_folder_up_two():
    assert default_corpora(GOLD) == CORPORA.resolve()


def test_cli_end_to_end_with_the_real_pipeline(capsys):
    assert evaluate.main(["developments", str(GOLD), "--misses", "--disagreements"]) == 0
    out = capsys.readouterr().out
    assert "gold: 2 articles, 7 developments in 6 sentences (5 located, 1 not found)" in out
    assert "precision " in out and "recall " in out and "F1 " in out
    assert "actor n/a (no actor column)" in out or "actor 0." in out or "actor 1." in out
    assert "military_strike" in out
    assert "an entry whose sentence is missing from the text" in out   # --misses lists it
    assert "false rows (" in out


def test_cli_json(capsys):
    assert evaluate.main(["developments", str(GOLD), "--corpora", str(CORPORA), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gold_developments"] == 7 and data["gold_sentences"] == 6 and len(data["unlocated"]) == 1
    assert 0 <= data["precision"] <= 1 and 0 < data["recall"] <= 6 / 7
    assert data["recalled"] >= 1                       # "shelled" is a strike, whatever else changes
    assert set(data["agreement"]["claimant"]) >= {"lenient", "strict", "n", "available"}
    assert {c["category"] for c in data["per_category"]} >= {"military_strike", "other"}


def test_cli_missing_file_is_a_note_not_a_crash(capsys, tmp_path):
    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD.read_text(encoding="utf-8").replace("fixture/article_two.txt", "fixture/absent.txt"),
                    encoding="utf-8")
    result = evaluate_developments(gold, corpora=CORPORA)
    assert any("fixture/absent.txt: no such file" in note for note in result["notes"])
    assert sum(u["reason"] == "article text missing" for u in result["unlocated"]) == 2
    assert result["gold_developments"] == 7
    assert evaluate.main(["developments", str(tmp_path / "nothing.yaml")]) == 2
