"""Matplotlib charts for the notebooks and reports.

Every function takes a table first and ``ax=None`` (a new figure when None), draws, and returns the
Axes. None of them calls ``plt.show()``; save the figure with ``ax.figure.savefig(...)`` together
with the table behind it.
"""

from __future__ import annotations

import pandas as pd

from analysis.text import ROLES


def _axes(ax, figsize=(7, 3.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


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
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    counts = published.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq).value_counts().sort_index()
    days = {"D": 1, "W": 7, "M": 30}.get(freq, 1)
    when = counts.index.to_timestamp()
    ax.bar(when, counts.to_numpy(), width=0.8 * days, align="edge", color="#4c72b0")
    ax.set_xlim(when.min() - pd.Timedelta(days=days), when.max() + pd.Timedelta(days=2 * days))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    locator.intervald[mdates.HOURLY] = []  # never tick hours: bars are whole days or longer
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("articles")
    ax.set_title({"D": "Articles per day", "W": "Articles per week", "M": "Articles per month"}.get(freq, "Articles"))
    return ax
