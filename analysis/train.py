"""Reproducible training of the models that ship inside the package.

    python -m analysis.train target-sentiment [--data ../shared/eval/newsmtsc/train.jsonl]
    python -m analysis.train ner [--data ../shared/eval/conll2003/train.txt]
    python -m analysis.train cameo [--data ../shared/eval/petrarch_dictionaries/CAMEO.2.0.txt]
    python -m analysis.train pos [--data ../shared/eval/conll2003/train.txt] [--out FILE]
    python -m analysis.train chunks [--data ../shared/eval/conll2003/train.txt] [--out FILE] [--folds 4]

``target-sentiment`` trains the model behind :func:`analysis.sentiment.target_sentiment` on
NewsMTSC's train.jsonl, leaving out the held-out slice (:func:`analysis.evaluate.is_heldout`) that
the reported figure is measured on. The regularisation strength is chosen by grouped 5-fold
cross-validation (whole articles per fold) on the training part only. The model is naive-Bayes
weighted logistic regression (NB-LR, Wang and Manning 2012), one binary classifier per label, over
:func:`analysis.sentiment.target_features`; it is written as plain weights (gzip'd JSON, no pickle)
to ``analysis/resources/models/target_sentiment.json.gz``. Same data, same file, byte for byte.

``ner`` trains the CRF name tagger of :mod:`analysis.ner` (NLTK's CRFTagger on python-crfsuite) on
CoNLL-2003's train.txt and writes ``analysis/resources/models/ner_conll2003.crfsuite``.

``pos`` and ``chunks`` train the part-of-speech tagger and the chunker of :mod:`analysis.parse`
(CRFs on python-crfsuite) on CoNLL-2003's train.txt and write
``analysis/resources/models/pos_conll2003.crfsuite`` and ``chunks_conll2003.crfsuite``; the
chunker learns from part-of-speech tags predicted by jackknifing (``--folds``; 0: CoNLL's own tags).

``cameo`` compiles PETRARCH2's CAMEO verb dictionary into ``analysis/resources/cameo_verbs.json``
(verb forms, phrase patterns and their CAMEO codes; see ``analysis/resources/cameo.md``).

Training the sentiment model needs scikit-learn: ``pip install 'news-analysis[train]'``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from analysis import config
from analysis.evaluate import HELDOUT_PERCENT, LABELS, macro_f1, newsmtsc_targets

DEFAULT_NEWSMTSC = (config.REPO_DIR or Path.cwd()).parent / "shared" / "eval" / "newsmtsc" / "train.jsonl"
DEFAULT_CAMEO = (config.REPO_DIR or Path.cwd()).parent / "shared" / "eval" / "petrarch_dictionaries" / "CAMEO.2.0.txt"
C_GRID = (0.03, 0.05, 0.1, 0.2, 0.3)


def _sklearn():
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold
    except ImportError:
        raise SystemExit("training needs scikit-learn: pip install 'news-analysis[train]'") from None
    return DictVectorizer, LogisticRegression, GroupKFold


class NBLogistic:
    """One-vs-rest logistic regression on features scaled by naive-Bayes log-count ratios."""

    def __init__(self, C: float, alpha: float = 1.0):
        self.C = C
        self.alpha = alpha

    def fit(self, matrix, labels: np.ndarray) -> "NBLogistic":
        _, LogisticRegression, _ = _sklearn()
        present = (matrix > 0).astype("float64")
        self.ratios, self.coef, self.intercept = [], [], []
        for label in LABELS:
            p = self.alpha + np.asarray(present[labels == label].sum(axis=0)).ravel()
            q = self.alpha + np.asarray(present[labels != label].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            clf = LogisticRegression(C=self.C, max_iter=5000)
            clf.fit(matrix.multiply(ratio).tocsr(), (labels == label).astype(int))
            self.ratios.append(ratio)
            self.coef.append(clf.coef_.ravel())
            self.intercept.append(float(clf.intercept_[0]))
        return self

    def weights(self) -> np.ndarray:
        """Classes x features: the NB ratio folded into each classifier's coefficients."""
        return np.vstack([coef * ratio for coef, ratio in zip(self.coef, self.ratios)])

    def predict(self, matrix) -> np.ndarray:
        decision = matrix @ self.weights().T + np.asarray(self.intercept)
        return np.asarray(LABELS)[np.asarray(decision).argmax(axis=1)]


def train_target_sentiment(data: Path, *, folds: int = 5, grid=C_GRID, progress: bool | None = None) -> dict:
    """Train the target-sentiment model and return its JSON-ready description (see module doc)."""
    from tqdm import tqdm

    from analysis.sentiment import target_features

    DictVectorizer, _, GroupKFold = _sklearn()
    targets = newsmtsc_targets(data)
    train = targets[~targets["heldout"]].reset_index(drop=True)
    show = config.progress_enabled(progress)
    features = [target_features(t, s, e) for t, s, e in tqdm(
        zip(train["text"], train["start"], train["end"]), total=len(train), desc="Features", disable=not show)]
    labels = train["label"].to_numpy()
    groups = train["article"].to_numpy()
    cv_scores = {}
    for C in grid:
        scores = []
        for fit_rows, test_rows in GroupKFold(n_splits=folds).split(features, labels, groups):
            vectorizer = DictVectorizer()
            fit_matrix = vectorizer.fit_transform([features[i] for i in fit_rows])
            test_matrix = vectorizer.transform([features[i] for i in test_rows])
            model = NBLogistic(C).fit(fit_matrix, labels[fit_rows])
            scores.append(macro_f1(labels[test_rows], model.predict(test_matrix)))
        cv_scores[C] = float(np.mean(scores))
    best = max(grid, key=lambda c: (round(cv_scores[c], 6), -c))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = NBLogistic(best).fit(matrix, labels)
    weights = model.weights()
    names = vectorizer.get_feature_names_out()
    keep = np.flatnonzero(np.abs(weights).max(axis=0) > 1e-6)
    return {
        "format": 1,
        "model": "naive-Bayes weighted logistic regression, one-vs-rest (NB-LR)",
        "classes": list(LABELS),
        "features": [str(names[i]) for i in keep],
        "weights": [[float(f"{w:.6g}") for w in row] for row in weights[:, keep]],
        "bias": [float(f"{b:.6g}") for b in model.intercept],
        "training": {
            "data": "NewsMTSC train.jsonl (Hamborg and Donnay, EACL 2021)",
            "data_sha256": hashlib.sha256(Path(data).read_bytes()).hexdigest(),
            "heldout": f"articles whose sha256(article key) % 100 < {HELDOUT_PERCENT}, never used",
            "targets": int(len(train)),
            "heldout_targets": int(targets["heldout"].sum()),
            "C": best,
            "cv_folds": folds,
            "cv_macro_f1": {str(c): round(v, 4) for c, v in cv_scores.items()},
        },
    }


def write_model(spec: dict, path: Path) -> None:
    """Write gzip'd JSON with a fixed header time, so the same model gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as fh:
        fh.write(payload)


DEFAULT_CONLL = (config.REPO_DIR or Path.cwd()).parent / "shared" / "eval" / "conll2003" / "train.txt"
#: L-BFGS with elastic-net regularisation; c1 and c2 were compared on CoNLL's valid.txt.
NER_OPTIONS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def train_ner(data: Path, out: Path, *, options: dict | None = None, gazetteer: Path | None = None) -> dict:
    """Train the CRF name tagger on a CoNLL-format file and write the model to ``out``.

    The gazetteer words its features use (from ``gazetteer``, default the shipped
    ``resources/gazetteer.csv``) are frozen beside the model. NLTK's CRFTagger writes only inside
    ``nltk.data.path``, so it trains into the project's NLTK data directory and the model is
    copied from there.
    """
    from analysis import resources
    from analysis.evaluate import read_conll
    from analysis.ner import GAZETTEER_WORDS_FILE, build_gazetteer_words, new_tagger, write_gazetteer_words

    sentences = read_conll(data)
    gazetteer = gazetteer or config.RESOURCES_DIR / "gazetteer.csv"
    words = build_gazetteer_words(gazetteer) if gazetteer.is_file() else {}
    out.parent.mkdir(parents=True, exist_ok=True)
    write_gazetteer_words(words, out.parent / Path(GAZETTEER_WORDS_FILE).name)
    staging = resources.nltk_data_dir() / "taggers" / "training-ner.crfsuite"
    staging.parent.mkdir(parents=True, exist_ok=True)
    settings = dict(NER_OPTIONS if options is None else options)
    new_tagger(words, settings).train(sentences, str(staging))
    out.write_bytes(staging.read_bytes())
    staging.unlink()
    return {"sentences": len(sentences), "tokens": sum(len(s) for s in sentences), "options": settings,
            "gazetteer_words": len(words),
            "data_sha256": hashlib.sha256(Path(data).read_bytes()).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    from analysis.sentiment import MODEL_FILE

    parser = argparse.ArgumentParser(prog="python -m analysis.train", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="task", required=True)
    target = commands.add_parser("target-sentiment", help="train the target-sentiment model on NewsMTSC")
    target.add_argument("--data", type=Path, default=DEFAULT_NEWSMTSC)
    target.add_argument("--out", type=Path, default=config.RESOURCES_DIR / MODEL_FILE)
    target.add_argument("--folds", type=int, default=5)
    ner = commands.add_parser("ner", help="train the CRF name tagger on CoNLL-2003 train.txt")
    ner.add_argument("--data", type=Path, default=DEFAULT_CONLL)
    ner.add_argument("--out", type=Path, default=None)
    cameo = commands.add_parser("cameo", help="compile PETRARCH2's CAMEO verb dictionary into package data")
    cameo.add_argument("--data", type=Path, default=DEFAULT_CAMEO)
    cameo.add_argument("--out", type=Path, default=None)
    for task, what in (("pos", "the CRF part-of-speech tagger"), ("chunks", "the CRF chunker")):
        shallow = commands.add_parser(task, help=f"train {what} on CoNLL-2003 train.txt")
        shallow.add_argument("--data", type=Path, default=DEFAULT_CONLL)
        shallow.add_argument("--out", type=Path, default=None)
        if task == "chunks":
            shallow.add_argument("--folds", type=int, default=None,
                                 help="jackknife folds for the training tags (default 4; 0: CoNLL's tags)")
    args = parser.parse_args(argv)
    if args.task in ("pos", "chunks"):
        from analysis import parse

        if not args.data.is_file():
            print(f"train: {args.data} not found (CoNLL-2003 lives in ../shared/eval/conll2003)", file=sys.stderr)
            return 2
        out = args.out or config.RESOURCES_DIR / (parse.POS_MODEL_FILE if args.task == "pos" else parse.CHUNK_MODEL_FILE)
        if args.task == "pos":
            info = parse.train_pos(args.data, out)
        else:
            folds = parse.JACKKNIFE_FOLDS if args.folds is None else args.folds
            info = parse.train_chunks(args.data, out, folds=folds)
        extra = f", training tags jackknifed in {info['folds']} folds" if info.get("folds") else ""
        print(f"trained on {info['sentences']:,} sentences ({info['tokens']:,} tokens){extra}, {info['options']} "
              f"in {info['seconds']:.0f} s -> {out} ({out.stat().st_size / 1e6:.1f} MB)")
        return 0
    if args.task == "cameo":
        from analysis.cameo import VERBS_FILE, build_verb_dictionary, write_verb_dictionary

        if not args.data.is_file():
            print(f"train: {args.data} not found (PETRARCH's dictionaries live in ../shared/eval/petrarch_dictionaries)",
                  file=sys.stderr)
            return 2
        out = args.out or config.RESOURCES_DIR / VERBS_FILE
        data = build_verb_dictionary(args.data)
        write_verb_dictionary(data, out)
        forms = sum(len(verb["forms"]) for verb in data["verbs"])
        print(f"compiled {len(data['verbs']):,} verbs ({forms:,} forms) in {len(data['blocks']):,} blocks -> {out}")
        return 0
    if args.task == "ner":
        from analysis.ner import MODEL_FILE as NER_MODEL

        if not args.data.is_file():
            print(f"train: {args.data} not found (CoNLL-2003 lives in ../shared/eval/conll2003)", file=sys.stderr)
            return 2
        out = args.out or config.RESOURCES_DIR / NER_MODEL
        info = train_ner(args.data, out)
        print(f"trained on {info['sentences']:,} sentences ({info['tokens']:,} tokens), {info['options']} -> {out}")
        return 0
    if not args.data.is_file():
        print(f"train: {args.data} not found (NewsMTSC's train.jsonl lives in ../shared/eval/newsmtsc)", file=sys.stderr)
        return 2
    spec = train_target_sentiment(args.data, folds=args.folds)
    write_model(spec, args.out)
    info = spec["training"]
    print(f"trained on {info['targets']:,} targets (held out: {info['heldout_targets']:,}); C={info['C']} "
          f"(cross-validated macro-F1 {info['cv_macro_f1'][str(info['C'])]:.3f}); "
          f"{len(spec['features']):,} features -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
