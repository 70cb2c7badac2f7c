"""news-analysis: explore news coverage in Jupyter, fully offline.

The package is imported by the notebooks and by the ``news-analysis`` command. Importing it does
nothing but define names: lexicons and models load lazily, the first time they are needed.

>>> from analysis import load_articles, paragraphs, sentences, tokens
>>> arts = load_articles("seeds/")                     # doctest: +SKIP
>>> sents = sentences(arts)                            # doctest: +SKIP
"""

from analysis.load import load_articles, load_report
from analysis.text import paragraphs, sentences, tokens

__all__ = ["load_articles", "load_report", "paragraphs", "sentences", "tokens"]
__version__ = "0.1.0"
