"""Imported by the forkserver of :func:`analysis.pipeline.analyze`'s pool, never by a user's process:
NLTK imported once there (:func:`analysis.worker.prepare`), so that every worker forks with it."""

from analysis.worker import prepare

prepare()
