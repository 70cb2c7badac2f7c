"""analysis.parse: the CRF part-of-speech tagger and chunker, their training and their evaluation."""

from __future__ import annotations

import pytest

from analysis import parse, resources

from conftest import SHARED, needs_shared

CONLL = SHARED / "eval" / "conll2003"

SENTENCES = [
    ["Russian", "troops", "entered", "the", "town", "of", "Kupiansk", "on", "Monday", "."],
    ["Ukraine", "\u2019s", "military", "said", "it", "had", "shot", "down", "12", "drones", "."],
    ["The", "Kremlin\u2019s", "spokesman", "declined", "to", "comment", "."],
    ["RUSSIA", "LAUNCHES", "MASSIVE", "MISSILE", "ATTACK", "ON", "KYIV"],
]


class TestChunkSpans:
    @pytest.mark.parametrize("tags, expected", [
        (["B-NP", "I-NP", "B-VP", "B-NP", "I-NP", "O"], [("NP", 0, 2), ("VP", 2, 3), ("NP", 3, 5)]),
        (["I-NP", "I-NP", "B-NP", "I-VP"], [("NP", 0, 2), ("NP", 2, 3), ("VP", 3, 4)]),      # IOB1
        (["B-PP", "I-NP", "O", "I-NP"], [("PP", 0, 1), ("NP", 1, 2), ("NP", 3, 4)]),
        ([], []),
    ])
    def test_spans(self, tags, expected):
        assert parse.chunk_spans(tags) == expected

    def test_scores(self):
        gold = [["B-NP", "I-NP", "B-VP", "B-NP"], ["B-PP", "B-NP"]]
        predicted = [["B-NP", "I-NP", "B-VP", "B-PP"], ["B-PP", "B-NP"]]
        scores = parse.chunk_scores(gold, predicted)
        assert scores["overall"]["precision"] == pytest.approx(4 / 5)
        assert scores["overall"]["recall"] == pytest.approx(4 / 5)
        assert scores["types"]["NP"] == pytest.approx(
            {"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "gold": 3, "predicted": 2})
        assert scores["types"]["PP"]["precision"] == 0.5 and scores["types"]["PP"]["gold"] == 1
        assert list(scores["types"]) == ["NP", "VP", "PP"]


class TestNormal:
    @pytest.mark.parametrize("word, expected", [
        ("\u201c", '"'), ("``", '"'), ("''", '"'), ("\u2014", "--"), ("Kremlin\u2019s", "Kremlin's"),
        ("\u2019s", "'s"), ("troops", "troops"),
    ])
    def test_as_conll_spells_it(self, word, expected):
        assert parse.normal(word) == expected


class TestTagger:
    def test_tags_of_a_plain_sentence(self):
        tags = parse.pos_tags(SENTENCES[:1])[0]
        assert tags == ["JJ", "NNS", "VBD", "DT", "NN", "IN", "NNP", "IN", "NNP", "."]

    def test_possessive_and_verbs(self):
        tags = parse.pos_tags(SENTENCES[1:2])[0]
        assert tags[1] == "POS" and tags[3] == "VBD" and tags[6] == "VBN" and tags[8] == "CD"
        assert tags[9] == "NNS"

    def test_one_list_per_sentence_and_empty_sentences(self):
        tagged = parse.pos_tags([SENTENCES[0], [], SENTENCES[2]])
        assert [len(t) for t in tagged] == [10, 0, 7]
        assert parse.pos_tags([]) == []

    def test_numpy_tags_are_crfsuites(self):
        assert parse.pos_tags(SENTENCES) == parse.pos_tags(SENTENCES, engine="crfsuite")

    def test_word_pairs_stay_within_their_sentence(self):
        # one-word sentences and a pair of words met again, across a sentence's end and inside one:
        # the bigram features of a word come from its own sentence only, as CRFsuite is given them
        batch = [["Strikes"], ["from", "the"], ["the"], ["He", "had", "earlier", "come", "from", "the", "town", "."],
                 ["had"], ["earlier", "from"], ["the", "end"]]
        assert parse.pos_tags(batch) == parse.pos_tags(batch, engine="crfsuite")
        alone = [parse.pos_tags([sentence])[0] for sentence in batch]
        assert parse.pos_tags(batch) == alone
        # and the features themselves: the batch's matrix is its sentences' matrices side by side
        import numpy as np

        fast = parse.model("pos")._fast
        rows, matrix, _lengths = fast.matrix(batch)
        pieces = [fast.matrix([sentence]) for sentence in batch]
        assert np.array_equal(matrix, np.hstack([piece[1] for piece in pieces]))
        assert np.array_equal(rows, np.concatenate([piece[0] for piece in pieces]))
        assert (matrix[-2:] != parse.model("pos").decoder.padding).any()      # some pairs are features

    def test_unknown_engine(self):
        with pytest.raises(ValueError, match="engine"):
            parse.pos_tags(SENTENCES, engine="fast")


class TestChunker:
    def test_chunks_of_a_plain_sentence(self):
        tags = parse.chunk_tags(SENTENCES[:1])[0]
        assert parse.chunk_spans(tags) == [("NP", 0, 2), ("VP", 2, 3), ("NP", 3, 5), ("PP", 5, 6), ("NP", 6, 7),
                                           ("PP", 7, 8), ("NP", 8, 9)]
        assert tags[-1] == "O"

    def test_verb_group_and_particle(self):
        spans = parse.chunk_spans(parse.chunk_tags(SENTENCES[1:2])[0])
        kinds = {start: kind for kind, start, _end in spans}
        assert kinds[5] == "VP" and ("VP", 5, 7) in spans          # "had shot"
        assert kinds[7] in ("PRT", "ADVP")                        # "down" (CoNLL has both)
        assert ("NP", 8, 10) in spans                             # "12 drones"

    def test_given_tags_are_used(self):
        words = [["Strikes", "hit", "Kyiv"]]
        as_nouns = parse.chunk_spans(parse.chunk_tags(words, [["NNS", "NN", "NNP"]])[0])
        assert all(kind != "VP" for kind, _s, _e in as_nouns)          # the tags given, not predicted ones
        assert parse.chunk_spans(parse.chunk_tags(words, [["NNS", "VBD", "NNP"]])[0]) == [
            ("NP", 0, 1), ("VP", 1, 2), ("NP", 2, 3)]

    def test_tags_must_fit(self):
        with pytest.raises(ValueError, match="one tag per token"):
            parse.chunk_tags([["a", "b"]], [["DT"]])
        with pytest.raises(ValueError, match="one tag per token"):
            parse.chunk_tags([["a"], ["b"]], [["DT"]])

    def test_parse_gives_triples(self):
        rows = parse.parse(SENTENCES[:1])[0]
        assert rows[0] == ("Russian", "JJ", "B-NP") and rows[2] == ("entered", "VBD", "B-VP")
        assert parse.parse([]) == []

    def test_numpy_chunks_are_crfsuites(self):
        assert parse.chunk_tags(SENTENCES) == parse.chunk_tags(SENTENCES, engine="crfsuite")


class TestBadInput:
    def test_odd_tokens_do_not_crash(self):
        odd = [["\x00", "\ufffd", "\U0001F600", "---", "12,000.5", "https://example.org/a?b=c"],
               ["\u0412\u0456\u0439\u043d\u0430", "\u0442\u0440\u0438\u0432\u0430\u0454"], ["." ] * 300,
               ["word"] * 2000]
        tagged = parse.parse(odd)
        assert [len(t) for t in tagged] == [6, 2, 300, 2000]


class TestModels:
    def test_missing_model_says_how_to_fix_it(self, monkeypatch, tmp_path):
        parse.model.cache_clear()
        monkeypatch.setattr(parse, "_model_path", lambda kind: tmp_path / "absent.crfsuite")
        try:
            with pytest.raises(resources.ResourceMissingError, match="python -m analysis.train pos"):
                parse.pos_tags([["a"]])
        finally:
            monkeypatch.undo()
            parse.model.cache_clear()

    def test_shipped_models_are_small(self):
        for name in (parse.POS_MODEL_FILE, parse.CHUNK_MODEL_FILE):
            size = (parse.config.RESOURCES_DIR / name).stat().st_size
            assert 0 < size < 15e6


def _tiny_conll(path):
    path.write_text("-DOCSTART- -X- -X- O\n\n"
                    "Russian JJ I-NP I-MISC\ntroops NNS I-NP O\nentered VBD I-VP O\nthe DT I-NP O\n"
                    "town NN I-NP O\n. . O O\n\n"
                    "Ukraine NNP I-NP I-LOC\nsaid VBD I-VP O\nit PRP I-NP O\nwould MD I-VP O\nfight VB I-VP O\n"
                    "on IN I-PP O\n. . O O\n\n"
                    "The DT I-NP O\nKremlin NNP I-NP I-ORG\ndenied VBD I-VP O\nit PRP I-NP O\n. . O O\n",
                    encoding="utf-8")
    return path


class TestTraining:
    def test_read_columns_makes_iob2(self, tmp_path):
        sentences = parse.read_columns(_tiny_conll(tmp_path / "t.txt"))
        assert len(sentences) == 3
        assert sentences[0][0] == ("Russian", "JJ", "B-NP", "B-MISC")
        assert [r[2] for r in sentences[1]] == ["B-NP", "B-VP", "B-NP", "B-VP", "I-VP", "B-PP", "O"]

    def test_read_columns_names_a_bad_line(self, tmp_path):
        path = tmp_path / "bad.txt"
        path.write_text("Russian JJ I-NP I-MISC\ntroops NNS\n", encoding="utf-8")
        with pytest.raises(ValueError, match=r"bad.txt:2"):
            parse.read_columns(path)

    def test_training_is_reproducible(self, tmp_path):
        data = _tiny_conll(tmp_path / "t.txt")
        options = {"c1": 0.0, "c2": 0.01, "max_iterations": 30, "feature.possible_transitions": True}
        info = parse.train_pos(data, tmp_path / "a.crfsuite", options=options)
        parse.train_pos(data, tmp_path / "b.crfsuite", options=options)
        assert (tmp_path / "a.crfsuite").read_bytes() == (tmp_path / "b.crfsuite").read_bytes()
        assert info["sentences"] == 3 and info["tokens"] == 18
        tagger = parse.Model(tmp_path / "a.crfsuite", "pos")
        assert tagger.tag([["Russian", "troops", "entered", "the", "town", "."]]) == [
            ["JJ", "NNS", "VBD", "DT", "NN", "."]]

    def test_chunker_trains_on_jackknifed_tags(self, tmp_path):
        data = _tiny_conll(tmp_path / "t.txt")
        options = {"c1": 0.0, "c2": 0.01, "max_iterations": 30, "feature.possible_transitions": True}
        info = parse.train_chunks(data, tmp_path / "c.crfsuite", options=options, folds=3, pos_options=options)
        assert info["folds"] == 3 and 0 <= info["training_tag_accuracy"] < 1
        gold = parse.train_chunks(data, tmp_path / "g.crfsuite", options=options, folds=0)
        assert gold["folds"] == 0 and gold["training_tag_accuracy"] == 1.0
        chunker = parse.Model(tmp_path / "g.crfsuite", "chunks")
        assert chunker.tag([list(zip(["The", "town"], ["DT", "NN"]))]) == [["B-NP", "I-NP"]]


@needs_shared("eval", "conll2003", "valid.txt")
class TestOnConll:
    def test_pos_accuracy_on_valid(self):
        result = parse.evaluate_pos(CONLL / "valid.txt")
        assert result["tokens"] == 51_362
        assert result["accuracy"] >= 0.95
        assert result["unknown_tokens"] > 0 and result["unknown_accuracy"] >= 0.8

    def test_chunk_f1_on_valid(self):
        result = parse.evaluate_chunks(CONLL / "valid.txt")
        assert result["f1"] >= 0.90
        assert result["types"]["NP"]["f1"] >= 0.90 and result["types"]["VP"]["f1"] >= 0.90
        assert result["pos_accuracy"] >= 0.95
