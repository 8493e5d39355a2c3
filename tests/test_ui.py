"""The one escape helper every data-bearing string goes through before Markdown."""

from __future__ import annotations

import re

import pytest

from ui.text import md

SPECIAL = set("\\`*_{}[]()#+-.!|$~<>:")


@pytest.mark.parametrize(
    "text",
    [
        "**bold** _it_ ~~gone~~",
        "[click](https://evil.example)",
        ":red[alarm] :material/home:",
        "<script>alert(1)</script>",
        "# Heading | table | $x^2$ `code` 1. + - !",
        "back\\slash",
    ],
)
def test_every_markdown_character_is_escaped(text: str) -> None:
    escaped = md(text)
    # Every special character is preceded by a backslash, and removing those (and the word
    # joiners that break autolinks) gives the text.
    assert re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "") == text
    unescaped = re.sub(r"\\.", "", escaped)
    assert not SPECIAL & set(unescaped), unescaped


def test_plain_words_stay_as_they_are() -> None:
    assert md("Paid Search 2026") == "Paid Search 2026"
    assert md(":red[x]") == r"\:red\[x\]"
    assert md("line\nbreak") == "line break"  # a newline cannot start a Markdown block


@pytest.mark.parametrize(
    "text", ["see http://evil.example/x", "www.evil.example", "mail ann@evil.example now"]
)
def test_autolinks_are_broken(text: str) -> None:
    """GitHub autolinks are found after escapes are undone: a word joiner must break them."""
    shown = re.sub(r"\\(.)", r"\1", md(text))
    assert shown.replace("\u2060", "") == text
    assert "://" not in shown and "www." not in shown and "@" not in shown.replace("\u2060@", "")
