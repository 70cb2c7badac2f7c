"""What a worker process of :func:`analysis.pipeline.analyze` imports before its first batch.

NLTK imports SciPy and scikit-learn at start-up when they are installed (for Fisher's exact test
among its collocation measures, a few classifiers and one aligner); in a test environment that is
about 1.7 s of a 2 s import, paid again by every worker. Nothing a worker runs (Punkt, the Treebank
word patterns, VADER's lexicon path, the tables of :func:`analysis.pipeline.analyze_batch`) uses
those parts of NLTK, so a worker imports NLTK with the two hidden: NLTK then defines its stand-ins,
which raise ``NotImplementedError`` if ever called. SciPy and scikit-learn stay importable
afterwards, and a process that has already imported either is left alone. The user's own process
is never touched: :func:`prepare` runs in the pool's processes only, as each worker's initializer
and, under ``forkserver``, once in the server the workers fork from (it imports
:mod:`analysis._forkserver`, which calls it).
"""

from __future__ import annotations

import sys

#: Packages NLTK imports only when installed, none of whose NLTK features the batch function uses.
_HIDDEN = ("scipy", "sklearn")


def prepare() -> None:
    """Import NLTK without SciPy and scikit-learn (once; nothing when NLTK is imported already)."""
    if "nltk" in sys.modules:
        return
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None          # import machinery: "import scipy" raises ImportError
    try:
        import nltk  # noqa: F401
    except Exception:                     # NLTK broken or absent: the batch raises its own error later
        pass
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]

