"""Every table at once: :func:`analyze` maps one batch function over article batches, caches the
results as Parquet and reduces them to corpus tables.

Per-article work is independent, so the pipeline is a map over batches of articles (a process pool
on one machine, Dask past it) plus cheap reductions (corpus term counts). Results are cached under
``data/interim/cache/<pipeline version>/`` keyed by a hash of each article's content and metadata,
so a re-run reads the tables back and a changed article recomputes only that article. The pipeline
version is a hash of the package's code and resources: any change to either starts a fresh cache.

>>> arts = load_articles("seeds/")                       # doctest: +SKIP
>>> tables = analyze(arts)                               # doctest: +SKIP
>>> tables.developments.head()                           # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis import config

__all__ = ["TABLES", "Tables", "analyze", "analyze_batch", "cache_summary", "open_tables", "pipeline_version",
           "prune_cache", "tables_for"]

#: The per-article tables a batch computes, in order (``article_terms`` are the 1-2 gram counts of
#: each article, reduced to the corpus ``terms``).
BATCH_TABLES = ("paragraphs", "sentences", "sentiment", "mentions", "quotes", "quantities", "dates",
                "developments", "article_terms")
#: Every table :func:`analyze` returns.
TABLES = ("articles", *BATCH_TABLES, "terms")
#: Fewer articles than this to compute are analysed in this process (a pool costs a second or two).
MIN_PARALLEL = 200
#: Tables whose function orders rows by article id rather than in the articles' order (kept so, so
#: that a table is the same whether it comes from one call on the corpus or from batches).
SORTED_BY_ARTICLE = ("quotes",)
_KEY = "_key"


# --------------------------------------------------------------------------------------------
# The batch function: the same on every engine
# --------------------------------------------------------------------------------------------

def analyze_batch(arts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every per-article table for a batch of articles (article ids unique within the batch).

    Returns a dict of :data:`BATCH_TABLES`, each a DataFrame as the module that owns it returns
    it: ``paragraphs`` and ``sentences`` (:mod:`analysis.text`), ``sentiment`` (every sentence's
    VADER scores, all roles), ``mentions`` (title and body), ``quotes``, ``quantities``, ``dates``,
    ``developments`` and ``article_terms`` (1-2 gram counts per article: ``article_id``, ``term``,
    ``n``, ``count``).
    """
    from analysis import actors, developments, sentiment, terms, text
    from analysis.dates import dates
    from analysis.quantities import quantities
    from analysis.quotes import quotes

    paras = text.paragraphs(arts, progress=False)
    sents = text.sentences(paras, progress=False)
    found = actors.mentions(sents, progress=False)
    counts = terms.article_term_counts(sents, ngram=(1, 2))
    said = quotes(sents, mentions=found)
    numbers = quantities(sents)
    when = dates(sents, arts=arts)
    return {
        "paragraphs": paras,
        "sentences": sents,
        "sentiment": sentiment.sentence_sentiment(sents, roles=None),
        "mentions": found,
        "quotes": said,
        "quantities": numbers,
        "dates": when,
        "developments": developments.developments(sents, arts=arts, mentions=found, found_quotes=said,
                                                  found_quantities=numbers, found_dates=when),
        "article_terms": counts,
    }


def corpus_terms(article_terms: pd.DataFrame) -> pd.DataFrame:
    """Corpus term counts from per-article counts: the table :func:`analysis.terms.term_frequency`
    gives for the whole corpus with ``ngram=(1, 2)`` (``term``, ``n``, ``count``, ``doc_count``,
    ``share``; count descending, then term)."""
    if article_terms.empty:
        return pd.DataFrame({"term": pd.Series(dtype="object"), "n": pd.Series(dtype="int64"),
                             "count": pd.Series(dtype="int64"), "doc_count": pd.Series(dtype="int64"),
                             "share": pd.Series(dtype="float64")})
    grouped = article_terms.groupby(["term", "n"], sort=False)
    table = pd.DataFrame({"count": grouped["count"].sum(), "doc_count": grouped["article_id"].nunique()})
    table = table.reset_index()
    totals = table.groupby("n")["count"].transform("sum")
    table["share"] = table["count"] / totals
    table = table.astype({"n": "int64", "count": "int64", "doc_count": "int64", "share": "float64"})
    return table.sort_values(["count", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The tables
# --------------------------------------------------------------------------------------------

class Tables:
    """Every table of a corpus, by attribute (``tables.sentences``) or key (``tables["sentences"]``).

    ``articles`` is the articles table as loaded (with its load report in ``.attrs``); the others
    are listed in :data:`TABLES`.
    """

    def __init__(self, frames: dict):
        # a value may be a callable that reads the table when it is first asked for
        self._frames = dict(frames)

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("_frames", {})
        if name in frames:
            if callable(frames[name]):
                frames[name] = frames[name]()
            return frames[name]
        raise AttributeError(f"no table {name!r}; the tables are {', '.join(frames)}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def __iter__(self):
        return iter(self._frames)

    def __contains__(self, name: object) -> bool:
        return name in self._frames

    def items(self):
        return [(name, getattr(self, name)) for name in self._frames]

    def summary(self) -> pd.DataFrame:
        """Rows and columns of each table."""
        return pd.DataFrame([(name, len(frame), ", ".join(map(str, frame.columns)))
                             for name, frame in self.items()], columns=["table", "rows", "columns"])

    def __repr__(self) -> str:
        return "Tables(" + ", ".join(f"{name}={len(frame):,}" for name, frame in self.items()) + ")"

    def save(self, folder: str | Path) -> Path:
        """Write every table as ``<folder>/<table>.parquet`` (the load report too), for
        :func:`open_tables`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in self.items():
            _to_parquet(frame, folder / f"{name}.parquet")
        report = self.articles.attrs.get("load_report")
        if isinstance(report, pd.DataFrame):
            _to_parquet(report, folder / "load_report.parquet")
        return folder


def open_tables(folder: str | Path) -> Tables:
    """Read the tables :meth:`Tables.save` wrote (the load report goes back into
    ``articles.attrs["load_report"]``)."""
    folder = Path(folder)
    if not (folder / "articles.parquet").is_file():
        raise FileNotFoundError(f"no saved tables in {folder} (articles.parquet is missing)")
    frames = {name: _read_parquet(folder / f"{name}.parquet") for name in TABLES
              if (folder / f"{name}.parquet").is_file()}
    if (folder / "load_report.parquet").is_file():
        frames["articles"].attrs["load_report"] = _read_parquet(folder / "load_report.parquet")
    return Tables(frames)


def tables_for(corpus=None, tables: str | Path | None = None, *, progress: bool | None = None, **load) -> Tables:
    """What a notebook starts from: the saved tables in ``tables`` when given (the report writes
    them once for every notebook), else the corpus loaded with :func:`analysis.load_articles` and
    analysed with :func:`analyze` (cached)."""
    if tables:
        return open_tables(tables)
    from analysis.load import load_articles

    arts = load_articles(corpus, progress=progress, **load)
    return analyze(arts, progress=progress)


# --------------------------------------------------------------------------------------------
# analyze()
# --------------------------------------------------------------------------------------------

def analyze(
    arts: pd.DataFrame,
    *,
    engine: str = "local",
    workers: int | None = None,
    cache: bool | str | Path = True,
    progress: bool | None = True,
    batch_size: int | None = None,
    scheduler=None,
) -> Tables:
    """Every table of a corpus: paragraphs, sentences, sentence sentiment, mentions, quotes,
    quantities, dates, developments, per-article and corpus terms.

    Args:
        arts: the articles table from :func:`analysis.load_articles`.
        engine: ``"local"`` (a process pool on this machine) or ``"dask"`` (the same batch function
            on ``dask.dataframe`` partitions with ``dask.distributed``; needs the ``dask`` extra).
        workers: processes (local) or workers of a new ``LocalCluster`` (dask); default: the CPU count.
        cache: ``True`` caches under ``data/interim/cache/`` (or ``$NEWS_ANALYSIS_CACHE``); a path
            caches there; ``False`` does not.
        progress: show a progress bar; ``None`` only on an interactive terminal.
        batch_size: articles per batch (default: about eight batches per worker, 16 to 256).
        scheduler: for ``engine="dask"``: a ``distributed.Client``, or a scheduler address
            (``"tcp://host:8786"``); default: a ``LocalCluster`` started and stopped here.

    Returns:
        A :class:`Tables`; the same tables, row for row, whatever the engine, workers or cache.
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    if "article_id" not in arts or "text" not in arts:
        raise ValueError("analyze() needs the articles table from load_articles() (article_id and text columns)")
    workers = max(1, int(workers or os.cpu_count() or 1))
    keys = article_keys(arts)
    store = _Store(_cache_dir(cache)) if cache is not False else None
    found = store.find(keys) if store else {}
    todo = arts.assign(**{_KEY: keys})[[k not in found for k in keys]].drop_duplicates(_KEY)
    computed = _compute(todo, engine=engine, workers=workers, batch_size=batch_size, progress=progress,
                        scheduler=scheduler) if len(todo) else {}
    if store and computed:
        store.write(computed, list(todo[_KEY]))
    eager = [name for name in BATCH_TABLES if name != "article_terms"]
    frames: dict = _assemble(keys, found, computed, store, eager)
    # Per-article term counts are the biggest table and only feed the corpus terms: read them from
    # the cache only when asked for, or when the corpus terms are not cached yet.
    frames["article_terms"] = functools.partial(_assemble_one, keys, found, computed, store, "article_terms")
    frames["terms"] = (store.corpus_terms(keys, frames["article_terms"]) if store
                       else corpus_terms(frames["article_terms"]()))
    return Tables({"articles": arts, **{name: frames[name] for name in (*BATCH_TABLES, "terms")}})


def article_keys(arts: pd.DataFrame) -> list[str]:
    """The cache key of each article: a hash of its id (title and text) and the metadata the
    analyses read (publication time, source, language)."""
    n = len(arts)
    blank = [""] * n
    if "published" in arts:
        stamps = pd.to_datetime(arts["published"], utc=True, errors="coerce")
        published = [str(v) if v != _NAT else "" for v in stamps.array.asi8.tolist()]
    else:
        published = blank
    source = [str(v) if isinstance(v, str) else "" for v in arts["source"].tolist()] if "source" in arts else blank
    language = ([str(v) if isinstance(v, str) else "" for v in arts["language"].tolist()]
                if "language" in arts else blank)
    blake = hashlib.blake2b
    return [blake("\x1f".join(parts).encode("utf-8"), digest_size=12).hexdigest()
            for parts in zip(map(str, arts["article_id"].tolist()), published, source, language, strict=True)]


_NAT = pd.NaT.value if hasattr(pd.NaT, "value") else -9223372036854775808


@functools.lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A hash of the package's code and resources (models and lexicons included)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(__import__("analysis").__version__.encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt", ".tsv", ".csv", ".yaml", ".gz", ".crfsuite", ".json") \
                and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(config.PACKAGE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_summary(cache: str | Path | None = None) -> pd.DataFrame:
    """What the cache holds: one row per pipeline version, ``version``, ``current`` (this code's
    version), ``parts`` (batches of articles cached), ``articles`` and ``megabytes``.

    Args:
        cache: the cache folder (default ``data/interim/cache`` or ``$NEWS_ANALYSIS_CACHE``).
    """
    base = Path(cache).expanduser() if cache is not None else config.cache_dir()
    rows = []
    if base.is_dir():
        for folder in sorted(p for p in base.iterdir() if p.is_dir()):
            parts = ([p for p in (folder / "parts").iterdir() if p.is_dir() and not p.name.startswith(".")]
                     if (folder / "parts").is_dir() else [])         # ".<id>.<pid>.tmp": being written
            articles = 0
            for part in parts:
                try:
                    articles += len(json.loads((part / "keys.json").read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue                  # a part being written, or left half-written
            rows.append((folder.name, folder.name == pipeline_version(), len(parts), articles,
                         round(_folder_bytes(folder) / 2**20, 2)))
    return pd.DataFrame(rows, columns=["version", "current", "parts", "articles", "megabytes"])


def prune_cache(cache: str | Path | None = None, *, everything: bool = False) -> int:
    """Delete what the cache holds for other pipeline versions (older code or models), and parts
    left half-written by an interrupted run; with ``everything``, the current version's too.

    Returns:
        The bytes freed.
    """
    base = Path(cache).expanduser() if cache is not None else config.cache_dir()
    if not base.is_dir():
        return 0
    doomed = [p for p in base.iterdir() if p.is_dir() and (everything or p.name != pipeline_version())]
    current = base / pipeline_version()
    if not everything and (current / "parts").is_dir():
        # a staging folder whose run is gone ("parts/.<id>.<pid>.tmp"): never renamed into place
        doomed += [p for p in (current / "parts").iterdir()
                   if p.is_dir() and p.name.startswith(".") and p.name.endswith(".tmp") and not _running(p.name)]
    freed = 0
    for folder in doomed:
        freed += _folder_bytes(folder)
        shutil.rmtree(folder, ignore_errors=True)
    return freed


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _running(staging_name: str) -> bool:
    """Whether the process that named a staging folder ``.<id>.<pid>.tmp`` is still running."""
    try:
        pid = int(staging_name.rsplit(".", 2)[-2])
        os.kill(pid, 0)
    except (ValueError, IndexError, OverflowError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _cache_dir(cache) -> Path:
    base = config.cache_dir() if cache is True else Path(cache).expanduser()
    return base / pipeline_version()


# --------------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------------

def _batches(todo: pd.DataFrame, workers: int, batch_size: int | None) -> list[pd.DataFrame]:
    """Batches of articles to compute: article ids unique within each batch (an id met again
    with other metadata goes to a later batch), in input order."""
    todo = todo.copy()
    todo.attrs = {}                     # the load report stays with the caller, not in every batch
    rounds = todo.groupby("article_id", sort=False).cumcount()
    size = batch_size or min(256, max(16, math.ceil(len(todo) / (workers * 8))))
    batches = []
    for round_number in range(int(rounds.max()) + 1 if len(rounds) else 0):
        part = todo[rounds.to_numpy() == round_number]
        start = 0
        for length in _batch_lengths(len(part), workers, size, shrink=batch_size is None):
            batches.append(part.iloc[start:start + length])
            start += length
    return batches


def _batch_lengths(total: int, workers: int, size: int, *, shrink: bool) -> list[int]:
    """Batches of ``size`` articles; with ``shrink``, the last ones smaller and smaller (down to
    16), so that the workers finish at about the same time."""
    lengths, remaining = [], total
    while remaining > 0:
        length = size
        if shrink and remaining <= 2 * workers * size:
            length = max(16, min(size, math.ceil(remaining / (2 * workers))))
            if remaining - length < 16:
                length = remaining          # no crumb of a batch at the end
        lengths.append(min(length, remaining))
        remaining -= lengths[-1]
    return lengths


def _keyed(batch: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """:func:`analyze_batch` with each row marked with its article's cache key.

    The cyclic garbage collector is paused for the batch: a batch makes a great many small objects
    that live on (rows, memoised words), which it would walk again and again for no cycle to free
    (the batch runs about 5% faster); what cycles the batch leaves are freed once it is back on."""
    from analysis.text import collector_paused

    with collector_paused():
        result = analyze_batch(batch.drop(columns=[_KEY]))
    key_of = dict(zip(batch["article_id"], batch[_KEY], strict=True))
    return {name: frame.assign(**{_KEY: frame["article_id"].map(key_of).astype("object")})
            for name, frame in result.items()}


def _compute(todo, *, engine, workers, batch_size, progress, scheduler) -> dict[str, pd.DataFrame]:
    from tqdm.auto import tqdm

    batches = _batches(todo, workers, batch_size)
    bar = tqdm(total=len(todo), desc="Analysing", unit="article", disable=not config.progress_enabled(progress))
    try:
        if engine == "dask":
            results = _run_dask(todo, batches, workers, scheduler, bar)
        elif workers == 1 or len(todo) < MIN_PARALLEL:
            results = []
            for batch in batches:
                results.append(_keyed(batch))
                bar.update(len(batch))
        else:
            results = _run_pool(batches, workers, bar)
    finally:
        bar.close()
    return {name: _concat([r[name] for r in results]) for name in BATCH_TABLES}


def _run_pool(batches, workers, bar) -> list[dict]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers fork from a clean server that has imported the package once, not from a
    # process that may hold threads (a Jupyter kernel does); spawn where there is no forkserver.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # analysis._forkserver first: NLTK imported once in the server, without what batches never use
        context.set_forkserver_preload(["analysis._forkserver", "analysis.pipeline", "analysis.actors",
                                        "analysis.developments"])
    from analysis.worker import prepare

    results: list = [None] * len(batches)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=prepare) as pool:
        futures = {pool.submit(_keyed, batch): i for i, batch in enumerate(batches)}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            bar.update(len(batches[i]))
    return results


def _run_dask(todo, batches, workers, scheduler, bar) -> list[dict]:
    try:
        import dask
        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise ImportError("engine='dask' needs Dask: pip install 'news-analysis[dask]'") from exc

    own_cluster = None
    client = scheduler
    if client is None:
        own_cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        client = Client(own_cluster)
    elif isinstance(client, str):
        client = Client(client)
    try:
        # The partitions are the local engine's batches, so both engines run the same batches; the
        # text stays as Python strings (Dask would make Arrow strings of it, and other tables).
        with dask.config.set({"dataframe.convert-string": False}):
            frame = dd.concat([dd.from_pandas(batch, npartitions=1, sort=False) for batch in batches]) \
                if len(batches) > 1 else dd.from_pandas(batches[0], npartitions=1, sort=False)
            parts = frame.to_delayed()
        futures = client.compute([dask.delayed(_keyed)(part) for part in parts])
        index = {future.key: i for i, future in enumerate(futures)}
        results: list = [None] * len(futures)
        for future in as_completed(futures):
            i = index[future.key]
            results[i] = future.result()
            bar.update(len(batches[i]))
        return results
    finally:
        if own_cluster is not None:
            client.close()
            own_cluster.close()
        elif isinstance(scheduler, str):
            client.close()


# --------------------------------------------------------------------------------------------
# The Parquet cache and assembly
# --------------------------------------------------------------------------------------------

class _Store:
    """Cached batch results: ``parts/<id>/`` holds ``keys.json`` (the articles' cache keys, in
    order) and one Parquet file per table with a ``_key`` column; ``corpus/<id>.parquet`` holds
    corpus terms for a whole key list."""

    def __init__(self, root: Path):
        self.root = root
        self._keys: dict[str, list[str]] = {}

    def find(self, keys: Iterable[str]) -> dict[str, str]:
        """Which cached part holds each key found."""
        wanted = set(keys)
        found: dict[str, str] = {}
        parts = self.root / "parts"
        if not parts.is_dir():
            return found
        for part in sorted(parts.iterdir()):
            listing = part / "keys.json"
            if not listing.is_file():
                continue
            try:
                part_keys = json.loads(listing.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            self._keys[part.name] = part_keys
            for key in part_keys:
                if key in wanted and key not in found:
                    found[key] = part.name
        return found

    def write(self, frames: dict[str, pd.DataFrame], keys: list[str]) -> None:
        part_id = hashlib.blake2b("\n".join(keys).encode(), digest_size=10).hexdigest()
        final = self.root / "parts" / part_id
        if final.exists():
            return
        staging = self.root / "parts" / f".{part_id}.{os.getpid()}.tmp"
        staging.mkdir(parents=True, exist_ok=True)
        try:
            for name, frame in frames.items():
                _to_parquet(frame, staging / f"{name}.parquet")
            (staging / "keys.json").write_text(json.dumps(keys), encoding="utf-8")
            os.replace(staging, final)
            self._keys[part_id] = keys
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not final.exists():
                raise

    def read(self, part_id: str, name: str, *, keys: bool = True) -> pd.DataFrame:
        """A part's table; ``keys=False`` leaves out its ``_key`` column (a string per row)."""
        return _read_parquet(self.root / "parts" / part_id / f"{name}.parquet", without=() if keys else (_KEY,))

    def part_keys(self, part_id: str) -> list[str]:
        return self._keys[part_id]

    def corpus_terms(self, keys: list[str], article_terms) -> pd.DataFrame:
        path = self.root / "corpus" / (hashlib.blake2b("\n".join(keys).encode(), digest_size=10).hexdigest()
                                       + ".terms.parquet")
        if path.is_file():
            return _read_parquet(path)
        table = corpus_terms(article_terms())
        path.parent.mkdir(parents=True, exist_ok=True)
        _to_parquet(table, path)
        return table


def _assemble_one(keys, found, computed, store, name) -> pd.DataFrame:
    return _assemble(keys, found, computed, store, [name])[name]


def _assemble(keys: list[str], found: dict[str, str], computed: dict[str, pd.DataFrame],
              store: _Store | None, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Each table's rows in article order, from the cache parts and the newly computed rows."""
    parts = list(dict.fromkeys(found[k] for k in keys if k in found))
    # The common case of a re-run: the articles are exactly one cached part's, in its order.
    if not computed and len(parts) == 1 and store.part_keys(parts[0]) == keys:
        tables = _read_all(store, parts[0], names)
        return {name: _article_order(name, tables[name]) for name in names}
    # Everything newly computed, each article once: its rows are usually in article order already.
    position = pd.Index(keys) if not parts and computed and len(set(keys)) == len(keys) else None
    order = pd.DataFrame({_KEY: keys, "_position": range(len(keys))})
    frames = {}
    for name in names:
        if position is not None:
            at = position.get_indexer(computed[name][_KEY])
            if len(at) and at.min() >= 0 and (at[1:] >= at[:-1]).all():
                frames[name] = _article_order(name, computed[name].drop(columns=[_KEY]).reset_index(drop=True))
                continue
        pieces = [store.read(part, name) for part in parts] if store else []
        if name in computed:
            pieces.append(computed[name])
        table = _concat(pieces)
        table = order.merge(table, on=_KEY, how="inner", sort=False)
        table = table.sort_values("_position", kind="stable").drop(columns=[_KEY, "_position"])
        frames[name] = _article_order(name, table.reset_index(drop=True))
    return frames


def _read_all(store: _Store, part_id: str, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """A part's tables without their keys, one after the other (Arrow decodes each with its own
    threads; reading two at a time measured slower)."""
    return {name: store.read(part_id, name, keys=False) for name in names}


def _article_order(name: str, table: pd.DataFrame) -> pd.DataFrame:
    if name in SORTED_BY_ARTICLE and len(table) and not table["article_id"].is_monotonic_increasing:
        return table.sort_values("article_id", kind="stable").reset_index(drop=True)
    return table


def _concat(pieces: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tables keeping the dtypes of the non-empty ones (an empty batch result must
    not turn an integer column into objects)."""
    full = [p for p in pieces if len(p)]
    if not full:
        return pieces[0].iloc[:0] if pieces else pd.DataFrame()
    if len(full) == 1:
        return full[0].reset_index(drop=True)
    # pandas infers a column's dtype from its values: all-missing gives objects, some text gives
    # strings. One call on the whole corpus would have seen the text, so missing-only pieces take
    # the dtype of the others.
    kinds = [dict(p.dtypes.items()) for p in full]          # one call per piece, not per column
    for column in full[0].columns:
        dtypes = {str(kind[column]) for kind in kinds if column in kind}
        if len(dtypes) > 1 and "object" in dtypes:
            target = next(kind[column] for kind in kinds if column in kind and kind[column] != object)
            if len({str(kind[column]) for kind in kinds if column in kind and kind[column] != object}) == 1:
                full = [p.astype({column: target}) if column in kind and kind[column] == object
                        and p[column].isna().all() else p for p, kind in zip(full, kinds)]
    return pd.concat(full, ignore_index=True)


def _read_parquet(path: Path, without: Sequence[str] = ()) -> pd.DataFrame:
    """Read a table :func:`_to_parquet` wrote, with the dtypes it had: columns that were Python
    objects come back as objects with None for missing values (pandas would make them strings).
    The columns named in ``without`` are not read.

    The data is decoded into the system allocator: with Arrow's default one (mimalloc), the first
    two re-runs in a new process read BBC's tables in 51-173 ms (six of eight over 140), against 59-87 ms."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    pool = pa.system_memory_pool()
    source = ds.dataset(path, format="parquet")
    table = source.to_table(columns=[name for name in source.schema.names if name not in without], memory_pool=pool)
    frame = table.to_pandas(memory_pool=pool)
    for column in (table.schema.pandas_metadata or {}).get("columns", []):
        name = column["name"]
        if column.get("numpy_type") == "object" and name in frame:
            frame[name] = pd.Series(table.column(name).to_numpy(zero_copy_only=False), dtype=object,
                                    index=frame.index)
    return frame


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = frame.reset_index(drop=True)        # a new frame: the caller's keeps its index and attrs
    frame.attrs = {}                            # Arrow would keep them in the file's metadata
    # One thread: for tables of this size a pool of converting threads costs more than it saves
    # (BBC's tables 251 ms -> 178 ms). LZ4: reads about twice as fast as the default Snappy here,
    # for much the same size.
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False, nthreads=1), path, compression="lz4")
