"""The typed-phrase check: a dangerous action goes ahead only when the operator types a phrase.

One rule for every such confirmation (an unexpected destroy at the apply gate, the
Stage-4 teardown's cluster id, restoring an older state, ``tofu state push -force``):
the phrase must be typed exactly — same letters, same case, same single spaces, nothing
before or after. Words that only differ in spacing are refused with their own sentence,
so the operator knows what to fix.
"""

from __future__ import annotations

from enum import Enum


class PhraseCheck(Enum):
    """How a typed text compares with the phrase asked for."""

    MATCHES = "matches"
    EMPTY = "empty"  # nothing typed (spaces only count as nothing)
    SPACING = "spacing"  # the right words, but other spaces (leading, trailing, doubled, tabs)
    DIFFERS = "differs"


def check_phrase(typed: str, phrase: str) -> PhraseCheck:
    """Compare what the operator typed with ``phrase`` (ValueError for an empty phrase)."""
    if not phrase.strip() or phrase != " ".join(phrase.split()):
        raise ValueError(f"a confirmation phrase needs words and single spaces, not {phrase!r}")
    if typed == phrase:
        return PhraseCheck.MATCHES
    if not typed.strip():
        return PhraseCheck.EMPTY
    if " ".join(typed.split()) == phrase:
        return PhraseCheck.SPACING
    return PhraseCheck.DIFFERS


def phrase_problem(check: PhraseCheck, phrase: str) -> str:
    """The sentence the operator reads after submitting a text that is not the phrase."""
    if check is PhraseCheck.MATCHES:
        return ""
    if check is PhraseCheck.EMPTY:
        return f"Type the phrase first: {phrase}"
    if check is PhraseCheck.SPACING:
        return f"That is not the phrase: check the spaces. Type exactly: {phrase}"
    return f"That is not the phrase. Type exactly: {phrase}"
