"""The typed-phrase check: exact words, exact spaces, a clear sentence for each refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.confirmation import PhraseCheck, check_phrase, phrase_problem

PHRASE = "destroy 1 acme-mocm-prod-redis"


def test_the_exact_phrase_matches() -> None:
    assert check_phrase(PHRASE, PHRASE) is PhraseCheck.MATCHES
    assert phrase_problem(PhraseCheck.MATCHES, PHRASE) == ""


@pytest.mark.parametrize("typed", ["", " ", "\t", "   \n"])
def test_nothing_typed_is_empty(typed: str) -> None:
    assert check_phrase(typed, PHRASE) is PhraseCheck.EMPTY
    assert phrase_problem(PhraseCheck.EMPTY, PHRASE) == f"Type the phrase first: {PHRASE}"


@pytest.mark.parametrize(
    "typed",
    [
        f"{PHRASE} ",  # a trailing space, as a paste often brings
        f" {PHRASE}",
        "destroy  1 acme-mocm-prod-redis",  # doubled
        "destroy\t1 acme-mocm-prod-redis",  # a tab
        "destroy\u00a01 acme-mocm-prod-redis",  # a no-break space from a chat or a wiki
        f"{PHRASE}\n",
    ],
)
def test_the_right_words_with_other_spaces_are_refused_and_said_so(typed: str) -> None:
    assert check_phrase(typed, PHRASE) is PhraseCheck.SPACING
    assert "check the spaces" in phrase_problem(PhraseCheck.SPACING, PHRASE)


@pytest.mark.parametrize(
    "typed",
    [
        "Destroy 1 acme-mocm-prod-redis",  # case matters
        "destroy 1",
        "destroy 2 acme-mocm-prod-redis",
        "destroy 1 acme-mocm-prod-valkey",
        "destroy1 acme-mocm-prod-redis",  # a missing space is another word
        "destroy 1 acme‐mocm‐prod‐redis",  # Unicode hyphens that look the same
        "yes",
    ],
)
def test_other_words_differ(typed: str) -> None:
    assert check_phrase(typed, PHRASE) is PhraseCheck.DIFFERS
    assert phrase_problem(PhraseCheck.DIFFERS, PHRASE) == (
        f"That is not the phrase. Type exactly: {PHRASE}"
    )


@pytest.mark.parametrize("phrase", ["", "  ", " destroy 1", "destroy  1", "destroy 1\n"])
def test_a_phrase_must_be_words_with_single_spaces(phrase: str) -> None:
    with pytest.raises(ValueError, match="confirmation phrase"):
        check_phrase("destroy 1", phrase)


@given(st.text(max_size=40))
def test_only_the_phrase_itself_matches(typed: str) -> None:
    assert (check_phrase(typed, PHRASE) is PhraseCheck.MATCHES) == (typed == PHRASE)
