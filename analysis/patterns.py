"""Anchors of regular expressions: words without one of which a pattern cannot match.

A rule table of case-insensitive patterns (the development lexicon, the paragraph roles) is tried
on every sentence or paragraph; most patterns cannot match most texts. ``trigger_anchors`` reads, from
a pattern's text, the literal words each of its top-level alternatives starts with; a text whose
:func:`analysis.text.fold` holds none of them cannot match, so the pattern is not tried on it. A
pattern whose alternatives do not all start with literal letters has no anchors (None): it is
always tried. Skipping a pattern that cannot match changes no result, only the time taken.
"""

from __future__ import annotations

import re


def _top_level_branches(pattern: str) -> list[str] | None:
    """A pattern's top-level ``|`` alternatives (None when it cannot be split safely)."""
    branches, depth, current, i = [], 0, [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            current.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "[":                        # a character class: copy it whole
            end = i + 1
            if end < len(pattern) and pattern[end] == "^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1
            while end < len(pattern) and pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            current.append(pattern[i:end + 1])
            i = end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "|" and depth == 0:
            branches.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    branches.append("".join(current))
    return branches if depth == 0 else None


#: Zero-width assertions a branch may start with: word boundary, start of text, lookbehind.
_LEADING_ASSERTION = re.compile(r"^(?:\\b|\^|\\A|\(\?<[!=](?:[^()\\]|\\.)*\))*")


def trigger_anchors(pattern: str) -> frozenset[str] | None:
    """Lower-case words, one of which any text the pattern matches must contain: the literal letters
    each top-level alternative starts with (after word boundaries and lookbehinds; a leading group
    of alternatives gives one word per alternative). None when an alternative starts otherwise (a
    class, an optional group): then the pattern is always tried."""
    branches = _top_level_branches(pattern)
    if not branches:
        return None
    anchors: set[str] = set()
    for branch in branches:
        found = _branch_anchors(branch)
        if found is None:
            return None
        anchors |= found
    return frozenset(anchors)


def _branch_anchors(branch: str) -> set[str] | None:
    rest = branch[_LEADING_ASSERTION.match(branch).end():]
    # a group of alternatives, or a group with its own flags ("(?-i:...)": the words are still there)
    opening = re.match(r"\(\?(?:-?i)?:", rest)
    if opening:
        depth, end = 0, None
        for i, char in enumerate(rest):
            if char == "\\":
                continue
            if char == "(" and (i == 0 or rest[i - 1] != "\\"):
                depth += 1
            elif char == ")" and rest[i - 1] != "\\":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end is None or rest[end + 1:end + 2] in ("?", "*", "{"):
            return None
        inner = trigger_anchors(rest[opening.end():end])
        return set(inner) if inner is not None else None
    # the literal letters (and spaces and hyphens between them) the branch starts with
    letters = re.match(r"[A-Za-z]+(?:[ -][A-Za-z]+)*", rest)
    if not letters:
        return None
    word = letters.group()
    # a quantifier right after the last letter makes that letter optional
    if rest[len(word):len(word) + 1] in ("?", "*", "{"):
        word = word[:-1]
    return {word.lower()} if len(word) >= 3 else None
