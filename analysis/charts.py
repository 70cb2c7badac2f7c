"""Matplotlib charts for the notebooks and reports.

Every function takes a table first and ``ax=None`` (a new figure when None), draws, and returns the
Axes. None of them calls ``plt.show()``; save the figure with ``ax.figure.savefig(...)`` together
with the table behind it.
"""

from __future__ import annotations

import functools
import html
import os
import re
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.text import ROLES


# --------------------------------------------------------------------------------------------
# The table behind each figure, saved next to a report page
# --------------------------------------------------------------------------------------------

_figures_drawn = [0]


def figures_folder() -> tuple[Path, str] | None:
    """Where charts save the table behind each figure, and the page's name: set by
    ``news-analysis report`` (``$NEWS_ANALYSIS_FIGURES`` = ``folder`` or ``folder::page``); None
    when charts are drawn interactively."""
    setting = os.environ.get(config.FIGURES_ENV)
    if not setting:
        return None
    folder, _, page = setting.partition("::")
    return Path(folder), page or "figure"


def _publishes(shown=None):
    """Decorate a chart so that, in a report, the table it draws is written as CSV next to the
    page and linked under the figure. ``shown(table, **kwargs)`` gives that table (default: the
    table the chart was given)."""
    def decorate(chart):
        import inspect

        signature = inspect.signature(chart)
        first = next(iter(signature.parameters))

        @functools.wraps(chart)
        def drawn(*args, **kwargs):
            ax = chart(*args, **kwargs)
            target = figures_folder()
            if target is not None:
                given = signature.bind(*args, **kwargs).arguments
                table = given[first]
                options = {k: v for k, v in given.items() if k != first}
                _publish(chart.__name__, shown(table, **options) if shown else table, *target)
            return ax
        return drawn
    return decorate


def _publish(name: str, table, folder: Path, page: str) -> Path:
    _figures_drawn[0] += 1
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{page}-figure-{_figures_drawn[0]:02d}-{name}")
    path = folder / f"{stem}.csv"
    frame = table.to_frame() if isinstance(table, pd.Series) else pd.DataFrame(table)
    frame.to_csv(path, index=isinstance(table, pd.Series) and not isinstance(table.index, pd.RangeIndex))
    try:
        from IPython.display import HTML, display

        href = html.escape(f"{folder.name}/{path.name}", quote=True)
        display(HTML(f'<p class="figure-data"><a href="{href}">Data behind figure {_figures_drawn[0]} '
                     f"({html.escape(name.replace('_', ' '))}, CSV)</a></p>"))
    except ImportError:  # pragma: no cover - IPython comes with jupyterlab
        pass
    return path


def _role_table(paras: pd.DataFrame, by: str) -> pd.DataFrame:
    if by == "words":
        counts = paras.assign(n=paras["text"].str.split().str.len()).groupby("role")["n"].sum()
    else:
        counts = paras["role"].value_counts()
    return counts.rename(by).rename_axis("role").reset_index()


def _axes(ax, figsize=(7, 3.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def save_with_table(ax, table: pd.DataFrame, stem) -> tuple:
    """Save a chart as ``<stem>.png`` and the table behind it as ``<stem>.csv``; return both paths."""
    from pathlib import Path

    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, csv = stem.with_suffix(".png"), stem.with_suffix(".csv")
    ax.figure.savefig(png, dpi=150, bbox_inches="tight")
    table.to_csv(csv, index=False)
    return png, csv


def _text(value) -> str:
    """Data drawn on a chart, as literal text: matplotlib reads text between two ``$`` as mathtext
    (and an article's "$\\pwned$" would stop the chart)."""
    return str(value).replace("$", r"\$")


def _label(value) -> str:
    """A group name for a legend: dates without a midnight time, everything else as text."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    return _text(value)


@_publishes(lambda paras, by="paragraphs", **_: _role_table(paras, by))
def role_counts(paras: pd.DataFrame, *, ax=None, by: str = "paragraphs"):
    """Horizontal bars: how many paragraphs (or words, ``by="words"``) have each role."""
    ax = _axes(ax)
    if by == "words":
        counts = paras.assign(n=paras["text"].str.split().str.len()).groupby("role")["n"].sum()
    else:
        counts = paras["role"].value_counts()
    counts = counts.reindex([r for r in ROLES if r in counts.index])
    ax.barh(counts.index[::-1], counts.to_numpy()[::-1], color="#4c72b0")
    for y, value in enumerate(counts.to_numpy()[::-1]):
        ax.annotate(f"{value:,}", (value, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel(by)
    ax.set_title(f"{by.capitalize()} by role")
    return ax


@_publishes()
def distribution(values: pd.Series, *, ax=None, bins: int = 30, title: str | None = None, xlabel: str | None = None):
    """Histogram of a numeric column (sentence lengths, words per article...), median marked."""
    ax = _axes(ax)
    values = pd.Series(values).dropna()
    ax.hist(values, bins=bins, color="#4c72b0", edgecolor="white")
    if len(values):
        median = float(values.median())
        ax.axvline(median, color="#c44e52", linestyle="--", linewidth=1)
        ax.annotate(f"median {median:g}", (median, ax.get_ylim()[1] * 0.9), xytext=(4, 0),
                    textcoords="offset points", color="#c44e52", fontsize=8)
    ax.set_xlabel(xlabel or values.name or "")
    ax.set_ylabel("count")
    if title:
        ax.set_title(title)
    return ax


def _day_axis(ax) -> None:
    """Date ticks in whole days or longer, with concise labels."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    locator.intervald[mdates.HOURLY] = []  # never tick hours: the data are whole days or longer
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


@_publishes(lambda arts, **_: arts[["article_id", "title", "source", "published"]] if "source" in arts else arts[["article_id", "title", "published"]])
def articles_over_time(arts: pd.DataFrame, *, ax=None, freq: str | None = None):
    """Bars: articles per day, week or month (``freq``: "D", "W", "M"; default by the time span)."""
    ax = _axes(ax)
    published = arts["published"].dropna()
    if published.empty:
        ax.text(0.5, 0.5, "no publication dates", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    span_days = (published.max() - published.min()).days
    freq = freq or ("D" if span_days <= 90 else "W" if span_days <= 730 else "M")
    from matplotlib.ticker import MaxNLocator

    counts = published.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq).value_counts().sort_index()
    days = {"D": 1, "W": 7, "M": 30}.get(freq, 1)
    when = counts.index.to_timestamp()
    ax.bar(when, counts.to_numpy(), width=0.8 * days, align="edge", color="#4c72b0")
    ax.set_xlim(when.min() - pd.Timedelta(days=days), when.max() + pd.Timedelta(days=2 * days))
    _day_axis(ax)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("articles")
    ax.set_title({"D": "Articles per day", "W": "Articles per week", "M": "Articles per month"}.get(freq, "Articles"))
    return ax


@_publishes(lambda tf, top=20, value="count", **_: tf.nlargest(top, value, keep="first"))
def term_bars(tf: pd.DataFrame, *, ax=None, top: int = 20, value: str = "count", title: str | None = None):
    """Horizontal bars of the ``top`` terms of a :func:`analysis.terms.term_frequency` table."""
    shown = tf.nlargest(top, value, keep="first").iloc[::-1]
    ax = _axes(ax, figsize=(7, max(2.5, 0.28 * len(shown) + 1)))
    ax.barh(shown["term"].map(_text), shown[value], color="#4c72b0")
    ax.set_xlabel(value)
    ax.set_title(title or f"Top {len(shown)} terms")
    ax.margins(y=0.01)
    return ax


def _cloud_font() -> str:
    """DejaVu Sans, which ships with matplotlib and covers Latin, Cyrillic and Greek."""
    from pathlib import Path

    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def word_cloud_image(tf: pd.DataFrame, *, max_words: int = 100, random_state: int = 0,
                     width: int = 900, height: int = 450, value: str = "count"):
    """Build a :class:`wordcloud.WordCloud` from term frequencies (phrases stay whole).

    The same table and ``random_state`` give the same image, pixel for pixel.
    """
    from wordcloud import WordCloud

    frequencies = dict(zip(tf["term"], tf[value].astype(float)))
    if not frequencies:
        raise ValueError("no terms to draw: the frequency table is empty")
    cloud = WordCloud(width=width, height=height, max_words=max_words, random_state=random_state,
                      background_color="white", font_path=_cloud_font(), colormap="viridis",
                      prefer_horizontal=0.9, collocations=False)
    return cloud.generate_from_frequencies(frequencies)


@_publishes(lambda tf, max_words=100, **_: tf.head(max_words))
def word_cloud(tf: pd.DataFrame, *, ax=None, max_words: int = 100, random_state: int = 0, title: str | None = None):
    """Draw a word cloud of a term-frequency table on ``ax``."""
    ax = _axes(ax, figsize=(9, 4.5))
    cloud = word_cloud_image(tf, max_words=max_words, random_state=random_state)
    ax.imshow(cloud.to_array(), interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


@_publishes()
def distinctive_bars(dist: pd.DataFrame, *, groups: tuple | None = None, ax=None, top: int = 12):
    """Two groups side by side: each group's most distinctive terms, one to the left, one to the right.

    Takes a :func:`analysis.terms.distinctive_terms` table; ``groups`` picks the two to compare
    (default: the two largest groups).
    """
    by = dist.columns[0]
    sizes = dist.drop_duplicates(by).set_index(by)["group_total"].sort_values(ascending=False, kind="stable")
    left_group, right_group = groups or tuple(sizes.index[:2])
    left = dist[dist[by] == left_group].nsmallest(top, "rank")
    right = dist[dist[by] == right_group].nsmallest(top, "rank")
    rows = max(len(left), len(right), 1)
    ax = _axes(ax, figsize=(9, 0.3 * rows + 1.2))
    y_left = list(range(len(left)))[::-1]
    y_right = list(range(len(right)))[::-1]
    ax.barh([y + rows - len(left) for y in y_left], -left["score"].clip(lower=0), color="#4c72b0",
            label=_label(left_group))
    ax.barh([y + rows - len(right) for y in y_right], right["score"].clip(lower=0), color="#dd8452",
            label=_label(right_group))
    for y, (term, score) in zip(y_left, zip(left["term"], left["score"])):
        ax.annotate(_text(term), (-max(score, 0), y + rows - len(left)), xytext=(-3, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=8)
    for y, (term, score) in zip(y_right, zip(right["term"], right["score"])):
        ax.annotate(_text(term), (max(score, 0), y + rows - len(right)), xytext=(3, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=8)
    limit = max([abs(v) for v in left["score"]] + [abs(v) for v in right["score"]] + [1.0]) * 1.6
    ax.set_xlim(-limit, limit)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks([])
    ax.set_xlabel("distinctiveness score")
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):g}")
    ax.set_title(f"{_label(left_group)}  \u2190  distinctive terms  \u2192  {_label(right_group)}")
    ax.legend(loc="lower right", fontsize=8)
    return ax


@_publishes()
def trend_lines(tr: pd.DataFrame, *, ax=None, value: str = "per_10k"):
    """One line per term over time, from a :func:`analysis.terms.trend` table."""
    ax = _axes(ax)
    for term, rows in tr.groupby("term", sort=False):
        ax.plot(rows["period"], rows[value], marker="o", markersize=3, label=_text(term))
    ax.set_ylabel("per 10,000 words" if value == "per_10k" else value)
    ax.set_title("Term use over time")
    ax.legend(fontsize=8, ncols=2)
    ax.figure.autofmt_xdate()
    return ax


_ROLE_MARKERS = {"title": "s", "caption": "^", "promo": "D", "related_link": "v", "boilerplate": "X", "credits": "P"}


@_publishes(lambda scores, article_id=None, **_: scores if article_id is None else scores[scores["article_id"] == article_id])
def sentiment_arc(scores: pd.DataFrame, *, article_id: str | None = None, window: int = 5, ax=None):
    """The sentiment arc through one article: compound per sentence, a rolling mean over body
    sentences, and non-body sentences (captions, promos...) marked apart.

    Takes a :func:`analysis.sentiment.sentence_sentiment` table scored with ``roles=None`` (so the
    non-body sentences are there to mark); ``article_id`` picks the article (default: the first).
    """
    article_id = article_id or scores["article_id"].iloc[0]
    rows = scores[scores["article_id"] == article_id].sort_values("sent_id")
    ax = _axes(ax, figsize=(9, 3.5))
    body = rows[rows["role"] == "body"]
    ax.axhspan(-0.05, 0.05, color="#eeeeee", zorder=0)
    ax.scatter(body["sent_id"], body["compound"], s=14, color="#4c72b0", label="body sentence", zorder=3)
    if len(body):
        rolling = body["compound"].rolling(window, min_periods=1, center=True).mean()
        ax.plot(body["sent_id"], rolling, color="#c44e52", linewidth=2, label=f"rolling mean ({window})", zorder=4)
    for role, marker in _ROLE_MARKERS.items():
        marked = rows[rows["role"] == role]
        if len(marked):
            ax.scatter(marked["sent_id"], marked["compound"], marker=marker, s=28, facecolor="none",
                       edgecolor="#8c8c8c", label=role, zorder=2)
            for sent_id in marked["sent_id"]:
                ax.axvline(sent_id, color="#dddddd", linewidth=0.8, zorder=1)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("sentence")
    ax.set_ylabel("VADER compound")
    ax.set_title(f"Sentiment arc of article {article_id}")
    ax.legend(fontsize=7, ncols=3, loc="lower left")
    return ax


@_publishes()
def sentiment_by_group(article_scores: pd.DataFrame, *, by: str, ax=None, value: str = "mean_compound"):
    """Box plots of article sentiment per group (per source, say), largest groups first."""
    order = article_scores[by].value_counts().index.tolist()
    data = [article_scores.loc[article_scores[by] == group, value].to_numpy() for group in order]
    ax = _axes(ax, figsize=(8, max(2.5, 0.35 * len(order) + 1)))
    ax.boxplot(data, orientation="horizontal", tick_labels=[f"{_label(g)} ({len(d)})" for g, d in zip(order, data)])
    ax.axvline(0, color="#8c8c8c", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{value.replace('_', ' ')} per article")
    ax.set_title(f"Sentiment by {by}")
    return ax


@_publishes()
def sentiment_over_time(table: pd.DataFrame, *, ax=None):
    """Mean sentence compound per period with a 95% band, from :func:`analysis.sentiment.over_time`."""
    ax = _axes(ax)
    ax.plot(table["period"], table["mean_compound"], marker="o", markersize=3, color="#4c72b0")
    ax.fill_between(table["period"], table["mean_compound"] - 1.96 * table["se"],
                    table["mean_compound"] + 1.96 * table["se"], color="#4c72b0", alpha=0.2)
    ax.axhline(0, color="#8c8c8c", linewidth=0.8)
    ax.set_ylabel("mean compound")
    ax.set_title("Sentiment over time")
    ax.figure.autofmt_xdate()
    return ax


_TYPE_COLOURS = {"person": "#4c72b0", "state": "#dd8452", "organization": "#55a868", "armed_group": "#c44e52",
                 "place": "#8172b3"}


@_publishes()
def actor_bars(summary: pd.DataFrame, *, top: int = 8, ax=None):
    """The most mentioned actors of each type, from :func:`analysis.actors.actors`, grouped by type."""
    shown = (summary.sort_values("mentions", ascending=False, kind="stable").groupby("actor_type", sort=False)
             .head(top))
    order = [t for t in _TYPE_COLOURS if t in set(shown["actor_type"])]
    shown = pd.concat([shown[shown["actor_type"] == t] for t in order]) if order else shown
    shown = shown.iloc[::-1]
    ax = _axes(ax, figsize=(8, max(2.5, 0.25 * len(shown) + 1)))
    ax.barh(range(len(shown)), shown["mentions"], color=[_TYPE_COLOURS.get(t, "#999999") for t in shown["actor_type"]])
    ax.set_yticks(range(len(shown)), shown["actor"].map(_text))
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=_TYPE_COLOURS[t], label=t) for t in order], fontsize=8, loc="lower right")
    ax.set_xlabel("mentions")
    ax.set_title("Most mentioned actors by type")
    return ax


@_publishes()
def cooccurrence_network(pairs: pd.DataFrame, summary: pd.DataFrame | None = None, *, top: int = 30,
                         random_state: int = 0, ax=None):
    """A network of actors mentioned together (networkx layout, drawn with matplotlib).

    Takes a :func:`analysis.actors.cooccurrence` table; ``summary`` (from
    :func:`analysis.actors.actors`) sizes and colours the nodes. The ``top`` heaviest pairs are drawn;
    the same ``random_state`` gives the same layout.
    """
    import networkx as nx

    ax = _axes(ax, figsize=(8, 6))
    edges = pairs.head(top)
    graph = nx.Graph()
    for row in edges.itertuples(index=False):
        graph.add_edge(row.name_a, row.name_b, weight=row.weight)
    if not graph.number_of_nodes():
        ax.text(0.5, 0.5, "no actors mentioned together", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    info = summary.drop_duplicates("actor").set_index("actor") if summary is not None else None
    layout = nx.spring_layout(graph, seed=random_state, weight="weight")
    widths = [0.5 + 3 * graph[a][b]["weight"] / edges["weight"].max() for a, b in graph.edges()]
    nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, edge_color="#bbbbbb")
    counts = {n: (info.loc[n, "mentions"] if info is not None and n in info.index else 1) for n in graph.nodes()}
    biggest = max(counts.values())
    sizes = [100 + 1400 * (counts[n] / biggest) ** 0.5 for n in graph.nodes()]
    colours = [_TYPE_COLOURS.get(info.loc[n, "actor_type"], "#999999") if info is not None and n in info.index
               else "#999999" for n in graph.nodes()]
    nx.draw_networkx_nodes(graph, layout, ax=ax, node_size=sizes, node_color=colours, alpha=0.9)
    nx.draw_networkx_labels(graph, layout, labels={n: _text(n) for n in graph.nodes()}, ax=ax, font_size=8)
    ax.set_title("Actors mentioned together")
    ax.set_axis_off()
    return ax


@_publishes()
def mentions_over_time(table: pd.DataFrame, *, ax=None):
    """Lines of mentions per period for a few actors: a table with ``period``, ``actor``, ``mentions``."""
    ax = _axes(ax)
    for actor, rows in table.groupby("actor", sort=False):
        ax.plot(rows["period"], rows["mentions"], marker="o", markersize=3, label=_text(actor))
    ax.set_ylabel("mentions")
    ax.set_title("Mentions over time")
    ax.legend(fontsize=8, ncols=2)
    ax.figure.autofmt_xdate()
    return ax


@_publishes()
def actor_sentiment_bars(table: pd.DataFrame, *, ax=None, top: int = 15):
    """Stacked bars: the shares of negative, neutral and positive mentions of each actor, from
    :func:`analysis.actors.actor_sentiment`, most mentioned at the top."""
    shown = table.head(top).iloc[::-1]
    ax = _axes(ax, figsize=(8, max(2.5, 0.3 * len(shown) + 1)))
    left = pd.Series(0.0, index=shown.index)
    for label, colour in (("negative", "#c44e52"), ("neutral", "#bbbbbb"), ("positive", "#55a868")):
        ax.barh(shown["actor"].map(_text), shown[label], left=left, color=colour, label=label)
        left = left + shown[label]
    for y, (mentions, score) in enumerate(zip(shown["mentions"], shown["mean_score"])):
        ax.annotate(f"{mentions} mentions, mean {score:+.2f}", (1.0, y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=7)
    ax.set_xlim(0, 1.45)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel("share of mentions")
    ax.set_title("Sentiment toward the top actors")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.35, -0.1 - 2.0 / max(len(shown), 1)), ncols=3)
    return ax


_CATEGORY_ORDER = ("diplomacy", "demand", "appeal", "statement", "military_strike", "ground_movement", "casualties",
                   "military_aid", "sanctions", "economy", "humanitarian", "military_restriction", "other")


@_publishes()
def development_timeline(ledger: pd.DataFrame, *, ax=None, historical: bool = False):
    """Timeline of the ledger: date across, category down; a marker per development, larger when it
    reports a bigger number (log scale), hollow when the text says it is unverified. Recalled history
    (``historical`` rows: the war of 1945 in a 2024 article) is left out unless ``historical``."""
    import numpy as np

    from analysis.developments import current

    dated = current(ledger, historical).dropna(subset=["date"])
    categories = [c for c in _CATEGORY_ORDER if c in set(dated["category"])]
    ax = _axes(ax, figsize=(9, max(2.5, 0.35 * len(categories) + 1.2)))
    if dated.empty:
        ax.text(0.5, 0.5, "no dated developments", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    rows = {c: i for i, c in enumerate(categories)}
    amount = dated["value"].fillna(dated["low"]).fillna(dated["high"])
    sizes = 25 + 25 * np.log10(amount.fillna(1).clip(lower=1))
    jitter = dated.groupby(["date", "category"]).cumcount() * 0.12
    y = dated["category"].map(rows) + jitter
    solid = ~dated["hedged"]
    ax.scatter(dated.loc[solid, "date"], y[solid], s=sizes[solid], color="#4c72b0", alpha=0.7, label="reported")
    ax.scatter(dated.loc[~solid, "date"], y[~solid], s=sizes[~solid], facecolor="none", edgecolor="#c44e52",
               label="unverified")
    ax.set_yticks(range(len(categories)), [c.replace("_", " ") for c in categories])
    ax.invert_yaxis()
    ax.set_title("Reported developments (marker size: the number reported)")
    ax.legend(fontsize=8, loc="lower right")
    first, last = dated["date"].min(), dated["date"].max()
    ax.set_xlim(first - pd.Timedelta(days=1), last + pd.Timedelta(days=1))
    _day_axis(ax)
    return ax


@_publishes()
def reported_numbers_chart(numbers: pd.DataFrame, *, ax=None, top: int = 20):
    """The numbers reported, as points or ranges, labelled with who claims them; contested figures
    (same category and unit, different claimants) stand side by side. Takes
    :func:`analysis.developments.reported_numbers`."""
    shown = numbers.head(top).iloc[::-1].reset_index(drop=True)
    ax = _axes(ax, figsize=(9, max(2.5, 0.35 * len(shown) + 1)))
    for i, row in shown.iterrows():
        low = row["low"] if pd.notna(row["low"]) else row["value"]
        high = row["high"] if pd.notna(row["high"]) else (row["value"] if pd.notna(row["value"]) else low)
        colour = "#c44e52" if row["contested"] else "#4c72b0"
        if pd.notna(low) and pd.notna(high) and high != low:
            ax.plot([low, high], [i, i], color=colour, linewidth=3)
        elif pd.notna(low):
            ax.plot([low], [i], marker="o", color=colour)
            if pd.isna(row["high"]) and pd.isna(row["value"]):
                ax.annotate("+", (low, i), xytext=(4, -3), textcoords="offset points", color=colour)
    labels = [f"{r.category.replace('_', ' ')} ({_text(r.unit)}) \u2014 {_text(r.claimant)}" for r in shown.itertuples()]
    ax.set_yticks(range(len(shown)), labels, fontsize=7)
    ax.set_xscale("symlog")
    ax.set_xlabel("number reported (ranges as bars; red: claimants disagree)")
    ax.set_title("Reported numbers and who claims them")
    return ax


@_publishes()
def developments_per_day(ledger: pd.DataFrame, *, ax=None, freq: str = "D", historical: bool = False):
    """Stacked bars of developments per day (or week, month) and category (recalled history left
    out unless ``historical``)."""
    from analysis.developments import current

    dated = current(ledger, historical).dropna(subset=["date"])
    ax = _axes(ax)
    if dated.empty:
        ax.text(0.5, 0.5, "no dated developments", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    table = (dated.assign(period=pd.to_datetime(dated["date"]).dt.to_period(freq).dt.start_time)
             .pivot_table(index="period", columns="category", values="text", aggfunc="size", fill_value=0))
    table = table[[c for c in _CATEGORY_ORDER if c in table.columns]]
    bottom = None
    width = {"D": 0.8, "W": 5, "M": 25}.get(freq, 0.8)
    for category in table.columns:
        ax.bar(table.index, table[category], bottom=bottom, width=width, label=category.replace("_", " "))
        bottom = table[category] if bottom is None else bottom + table[category]
    ax.set_ylabel("developments")
    ax.set_title({"D": "Developments per day", "W": "Developments per week", "M": "Developments per month"}.get(freq, ""))
    ax.legend(fontsize=7, ncols=2)
    ax.set_xlim(table.index.min() - pd.Timedelta(days=1), table.index.max() + pd.Timedelta(days=2))
    _day_axis(ax)
    return ax


_QUAD_COLOURS = {"verbal cooperation": "#55a868", "material cooperation": "#2d7f4f",
                 "verbal conflict": "#dd8452", "material conflict": "#c44e52"}


@_publishes()
def interaction_bars(table: pd.DataFrame, *, ax=None, top: int = 15):
    """Who acts on whom: the ``top`` most frequent actor → target pairs of
    :func:`analysis.developments.interactions`, one bar per pair, stacked by category or QuadClass."""
    by = "quad_class" if "quad_class" in table.columns else "category"
    ax = _axes(ax, figsize=(8, 3.5))
    if table.empty:
        ax.text(0.5, 0.5, "no development with both an actor and a target", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    pairs = (table.groupby(["actor", "target"], sort=False)["developments"].sum()
             .sort_values(ascending=False, kind="stable").head(top))
    shown = table.set_index(["actor", "target"]).loc[pairs.index].reset_index()
    wide = shown.pivot_table(index=["actor", "target"], columns=by, values="developments", aggfunc="sum",
                             fill_value=0).reindex(pairs.index[::-1])
    order = list(_QUAD_COLOURS) if by == "quad_class" else list(_CATEGORY_ORDER)
    wide = wide[[c for c in order if c in wide.columns]]
    ax.figure.set_size_inches(8, max(2.5, 0.32 * len(wide) + 1))
    left = None
    positions = range(len(wide))
    for column in wide.columns:
        ax.barh(positions, wide[column], left=left, label=str(column).replace("_", " "),
                color=_QUAD_COLOURS.get(column) if by == "quad_class" else None)
        left = wide[column] if left is None else left + wide[column]
    ax.set_yticks(list(positions), [f"{_text(a)} → {_text(t)}" for a, t in wide.index], fontsize=7)
    ax.set_xlabel("developments")
    ax.set_title("Who acts on whom")
    ax.legend(fontsize=7, ncols=2)
    return ax


@_publishes()
def goldstein_balance(table: pd.DataFrame, *, ax=None):
    """The Goldstein balance over time (:func:`analysis.developments.goldstein_over_time`): bars of
    cooperation above zero and of conflict below, per period, and the balance as a line."""
    ax = _axes(ax)
    if table.empty:
        ax.text(0.5, 0.5, "no dated development with a CAMEO code", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    periods = pd.to_datetime(table["period"])
    step = periods.diff().median() if len(periods) > 1 else pd.Timedelta(days=1)
    width = max(step / pd.Timedelta(days=1) * 0.8, 0.5)          # in days, as matplotlib's dates count
    ax.bar(periods, table["cooperation"], width=width, color="#55a868", label="cooperation")
    ax.bar(periods, table["conflict"], width=width, color="#c44e52", label="conflict")
    ax.plot(periods, table["balance"], color="black", marker="o", markersize=3, linewidth=1, label="balance")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_ylabel("sum of Goldstein values")
    ax.set_title("Cooperation and conflict reported (Goldstein scale)")
    ax.legend(fontsize=7)
    ax.set_xlim(periods.min() - pd.Timedelta(days=1), periods.max() + step + pd.Timedelta(days=1))
    _day_axis(ax)
    return ax


@_publishes()
def places_scatter(places: pd.DataFrame, *, ax=None):
    """Places of the ledger at their coordinates (GeoNames, offline), sized by developments.

    No map outlines ship offline, so this is a labelled scatter of longitude and latitude, not a map.
    """
    located = places.dropna(subset=["latitude", "longitude"])
    ax = _axes(ax, figsize=(8, 5))
    if located.empty:
        ax.text(0.5, 0.5, "no places with known coordinates", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    ax.scatter(located["longitude"], located["latitude"], s=40 + 30 * located["developments"], color="#c44e52",
               alpha=0.6)
    for row in located.itertuples():
        ax.annotate(_text(row.place), (row.longitude, row.latitude), xytext=(5, 3), textcoords="offset points", fontsize=8)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1.4)
    missing = len(places) - len(located)
    note = f"; {missing} place(s) without coordinates" if missing else ""
    ax.set_title(f"Where developments were reported (positions only, no map outlines offline{note})", fontsize=9)
    ax.grid(color="#eeeeee")
    return ax
