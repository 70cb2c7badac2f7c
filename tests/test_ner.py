"""analysis.ner: the CRF name tagger, its training and its evaluation on CoNLL-2003."""

from __future__ import annotations

import pytest

from analysis import ner
from analysis.evaluate import evaluate_ner, read_conll, span_scores

from conftest import SHARED, needs_shared

CONLL = SHARED / "eval" / "conll2003"


class TestSpans:
    @pytest.mark.parametrize("tags, expected", [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),
        (["I-ORG", "I-ORG", "B-ORG"], [("ORG", 0, 2), ("ORG", 2, 3)]),
        (["B-PER", "I-LOC", "O"], [("PER", 0, 1), ("LOC", 1, 2)]),
        ([], []),
    ])
    def test_iob2_spans(self, tags, expected):
        assert ner.spans(tags) == expected

    def test_scores(self):
        gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
        predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "O"]]
        table = span_scores(gold, predicted).set_index("type")
        assert table.loc["PER", "f1"] == 1.0
        assert (table.loc["LOC", "recall"], table.loc["LOC", "precision"]) == (0.0, 0.0)
        assert table.loc["ORG", "precision"] == 0.5 and table.loc["ORG", "recall"] == 1.0
        core = table.loc["PER+ORG+LOC"]
        assert (core["precision"], core["recall"], core["gold"]) == (2 / 3, 2 / 3, 3)


def test_read_conll_turns_iob1_into_iob2(tmp_path):
    path = tmp_path / "x.conll"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n\n"
                    "Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n", encoding="utf-8")
    assert read_conll(path) == [[("EU", "B-ORG"), ("rejects", "O"), ("German", "B-MISC")],
                                [("Peter", "B-PER"), ("Blackburn", "I-PER")]]


class TestTagger:
    def test_tags_fit_tokens(self):
        tags = ner.tag_entities([["Vladimir", "Putin", "met", "Emmanuel", "Macron", "in", "Moscow", "."], [],
                                 ["NATO", "said", "so", "."]])
        assert [len(t) for t in tags] == [8, 0, 4]
        assert tags[0][:2] == ["B-PER", "I-PER"] and tags[0][3:5] == ["B-PER", "I-PER"]
        assert tags[0][6] == "B-LOC"
        assert tags[2][0] == "B-ORG"

    def test_no_input(self):
        assert ner.tag_entities([]) == []

    def test_model_is_read_from_a_private_copy_on_the_nltk_path(self):
        import nltk

        ner.tagger.cache_clear()
        ner.tagger()
        copy = next(p for p in map(lambda d: __import__("pathlib").Path(d) / ner.NLTK_MODEL, nltk.data.path) if p.is_file())
        assert oct(copy.stat().st_mode & 0o777) == "0o600"

    def test_missing_model_names_the_fix(self, monkeypatch, tmp_path):
        from analysis import config
        from analysis.resources import ResourceMissingError

        ner.tagger.cache_clear()
        monkeypatch.setattr(config, "RESOURCES_DIR", tmp_path)
        try:
            with pytest.raises(ResourceMissingError, match="python -m analysis.train ner"):
                ner.tagger()
        finally:
            monkeypatch.undo()
            ner.tagger.cache_clear()


@needs_shared("eval", "conll2003", "valid.txt")
def test_span_f1_on_conll_valid():
    result = evaluate_ner(CONLL / "valid.txt")
    scores = result["scores"].set_index("type")
    assert result["tokens"] == 51362
    assert scores.loc["PER+ORG+LOC", "f1"] >= 0.85
    assert scores.loc["PER+ORG+LOC", "gold"] == 5020
    for kind in ("PER", "ORG", "LOC"):
        assert scores.loc[kind, "f1"] >= 0.8, kind


def test_training_is_reproducible(tmp_path):
    from analysis.train import train_ner

    lines = []
    people = ["Anna Smith", "John Brown", "Maria Lopez", "Ivan Petrov"]
    places = ["Kyiv", "Paris", "Warsaw", "Lima"]
    for i in range(40):
        first, last = people[i % 4].split()
        lines += [f"{first} NNP B-NP B-PER", f"{last} NNP I-NP I-PER", "visited VBD B-VP O",
                  f"{places[i % 4]} NNP B-NP B-LOC", ". . O O", ""]
    data = tmp_path / "tiny.conll"
    data.write_text("\n".join(lines), encoding="utf-8")
    options = {"c1": 0.1, "c2": 0.01, "max_iterations": 30}
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        info = train_ner(data, tmp_path / name / "model.crfsuite", options=options)
    assert info["sentences"] == 40
    assert (tmp_path / "one" / "model.crfsuite").read_bytes() == (tmp_path / "two" / "model.crfsuite").read_bytes()
    assert (tmp_path / "one" / "ner_gazetteer_words.tsv").is_file()


class TestDecoder:
    """The numpy decoder gives python-crfsuite's tags, to the last one."""

    SENTENCES = [
        ["Vladimir", "Putin", "met", "Emmanuel", "Macron", "in", "Moscow", "."],
        ["Kyiv"],                                                          # one token: BOS and EOS together
        [],
        ["NATO", "AND", "THE", "EU", "WARN", "RUSSIA", "OVER", "UKRAINE"],  # a sentence in capitals
        ["the", "U.N.", "Security", "Council", "'s", "vote", "on", "Feb.", "25", ",", "2022", "--", "failed"],
        ("Ukrainian President Volodymyr Zelenskiy said on Monday that talks with Russia in Belarus had "
         "produced no result , while the European Union and the United States tightened sanctions on "
         "the Central Bank of Russia and Gazprom , Rosneft and Sberbank .").split(),
        ["the", "|", "European", "Union|the", "European|", "Union", "|the", "European", "Commission"],  # "|" in words
    ]

    def test_same_tags_as_crfsuite(self):
        from analysis import load_articles, sentences
        from analysis.text import token_spans

        from conftest import FIXTURES, SEEDS

        texts = sentences(load_articles([SEEDS, FIXTURES / "hostile", FIXTURES / "formats"]))["text"].tolist()
        lists = self.SENTENCES + [[text[s:e] for s, e in token_spans(text)] for text in texts]
        assert ner.decoder(ner.tagger()) is not None
        fast = ner.tag_entities(lists)
        assert fast == ner.tag_entities(lists, engine="crfsuite")
        assert [len(tags) for tags in fast] == [len(tokens) for tokens in lists]
        assert len(fast[1]) == 1 and fast[2] == [] and "B-PER" in fast[5] and "B-ORG" in fast[5]

    def test_sentences_decode_alike_alone_and_together(self):
        together = ner.tag_entities(self.SENTENCES)
        assert [ner.tag_entities([s])[0] for s in self.SENTENCES] == together

    def test_scores_are_crfsuites_sums(self):
        """A token's label scores: the weights of its attributes, added from 0 in order."""
        decoder = ner.decoder(ner.tagger())
        ids = [decoder.ids["title"], decoder.ids["upper"]]
        row = decoder.own_row(ids)
        decoder.decode([row], [[decoder.padding]], [1])
        expected = [0.0 + a + b for a, b in zip(decoder.weights[ids[0]], decoder.weights[ids[1]])]
        assert decoder._table[row].tolist() == expected

    def test_attribute_matrix_holds_each_tokens_attributes_in_crfsuites_order(self):
        """Own attributes (summed in their row), then the matrix's column of the token, without
        padding: the attributes python-crfsuite is given, in its order."""
        crf = ner.tagger()
        decoder, features = ner.decoder(crf), crf._feature_func
        lists = [s for s in self.SENTENCES if s] + [["Kyiv", "Kyiv"], ["the", "the", "the"]]
        rows, matrix, lengths = features.tagging_matrix(lists, decoder)
        assert lengths.tolist() == [len(s) for s in lists] and matrix.shape[1] == len(rows) == sum(lengths)
        own_of = {row: key for key, row in decoder._row_of.items()}
        names = {i: name for name, i in decoder.ids.items()}
        tokens = [t for s in lists for t in s]
        given = [[names[i] for i in own_of[row] + tuple(a for a in column if a != decoder.padding)]
                 for row, column in zip(rows.tolist(), matrix.T.tolist())]
        expected = [[item.decode() for item in items] for s in lists
                    for items in features.tagging_items(s, ner.model_attributes(crf))]
        assert given == expected and len(given) == len(tokens)
        assert "BOS" in given[0] and "EOS" in given[len(lists[0]) - 1] and "caps_sentence" in given[
            len(lists[0]) + 1]   # the first token of the sentence in capitals

    def test_a_model_that_is_not_crfsuites_is_refused(self):
        labels = ["O", "B-PER"]
        with pytest.raises(ValueError, match="first-order CRFsuite model"):
            ner.Decoder(b"not a model at all, just some bytes long enough" * 2, ["w=a"], labels)
        model = (ner.config.RESOURCES_DIR / ner.MODEL_FILE).read_bytes()
        with pytest.raises(ValueError, match="first-order CRFsuite model"):
            ner.Decoder(model, ["w=a"], labels)                           # other attributes and labels

    def test_unknown_engine(self):
        with pytest.raises(ValueError, match="engine"):
            ner.tag_entities([["Kyiv"]], engine="spacy")


@pytest.mark.shared
@needs_shared("eval", "conll2003", "valid.txt")
def test_decoder_equals_crfsuite_on_conll_valid():
    lists = [[token for token, _ in sentence] for sentence in read_conll(CONLL / "valid.txt")]
    assert ner.tag_entities(lists) == ner.tag_entities(lists, engine="crfsuite")


def test_sentences_are_decoded_a_chunk_at_a_time(monkeypatch):
    """A big corpus is decoded a few sentences at a time, with the same tags and order."""
    lists = TestDecoder.SENTENCES * 3
    whole = ner.tag_entities(lists)
    monkeypatch.setattr(ner, "_SENTENCES_AT_ONCE", 4)
    monkeypatch.setattr(ner, "_PAIRS_KEPT", 3)          # the memo of word pairs starts again, often
    assert ner.tag_entities(lists) == whole == ner.tag_entities(lists, engine="crfsuite")
    assert len(ner.tagger()._feature_func._id_pairs) <= 3


def test_tagging_from_several_threads_gives_the_same_tags():
    """The word memos and the decoder's rows grow while tagging: threads tagging at once (a Dask
    worker with threads) must not mix them up."""
    from concurrent.futures import ThreadPoolExecutor

    from analysis import load_articles, sentences
    from analysis.text import token_spans

    from conftest import FIXTURES, SEEDS

    texts = sentences(load_articles([SEEDS, FIXTURES / "hostile", FIXTURES / "formats"]))["text"].tolist()
    lists = [[text[s:e] for s, e in token_spans(text)] for text in texts] + TestDecoder.SENTENCES
    parts = [lists[k::4] for k in range(4)]
    ner.tagger.cache_clear()
    alone = [ner.tag_entities(part, engine="crfsuite") for part in parts]
    ner.tagger.cache_clear()                                 # fresh memos, filled by four threads at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(ner.tag_entities, parts * 3))
    assert together == alone * 3


def _dumped_attributes(crf) -> list[str]:
    """The attribute names as CRFsuite's own dump of the model prints them, by id."""
    import re
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.dump"
        crf._tagger.dump(str(path))
        text = path.read_text(encoding="utf-8")
    body = text[text.index("\nATTRIBUTES = {\n") + len("\nATTRIBUTES = {\n"):]
    body = body[:body.index("\n}\n")]
    lines = [line.partition(": ") for line in body.split("\n")]
    assert [int(number) for number, _, _ in lines] == list(range(len(lines)))
    assert len(lines) == int(re.search(r"\n  num_attrs: (\d+)\n", text).group(1))
    return [name for _, _, name in lines]


def test_attribute_names_read_from_the_model_file_are_the_dumps():
    from pathlib import Path

    from analysis import parse

    crf = ner.tagger()
    for loaded in (crf, parse.model("pos"), parse.model("chunks")):
        names = ner.attribute_names(Path(loaded._model_file).read_bytes())
        assert names == _dumped_attributes(loaded)
        assert loaded._news_analysis_attribute_list == names


@pytest.mark.parametrize("damage", ["truncated", "magic", "record id", "not a model"])
def test_attribute_names_refuse_a_damaged_model(damage):
    import struct
    from pathlib import Path

    data = bytearray(Path(ner.tagger()._model_file).read_bytes())
    if damage == "truncated":
        data = data[:len(data) // 2]
    elif damage == "magic":
        data[:4] = b"XCRF"
    elif damage == "record id":
        off_attrs = struct.unpack_from("<I", data, 36)[0]
        backward = struct.unpack_from("<I", data, off_attrs + 20)[0]
        first = struct.unpack_from("<I", data, off_attrs + backward)[0]
        struct.pack_into("<I", data, off_attrs + first, 7)          # record 0 says it is record 7
    else:
        data = bytearray(b"plain text, no model here")
    with pytest.raises(ValueError):
        ner.attribute_names(bytes(data))
