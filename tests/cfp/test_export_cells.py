"""One export cell: formula injection neutralised (the pure function, exhaustively), empty
and numeric values."""

import unicodedata

import pytest

from cfp import exports

pytestmark = pytest.mark.django_db


TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("trigger", TRIGGERS)
@pytest.mark.parametrize(
    "rest", ["", "1+1", 'HYPERLINK("http://evil","x")', "cmd|' /C calc'!A0", "5", " text"]
)
def test_neutralise_prefixes_a_quote_to_text_that_starts_with_a_trigger(trigger, rest):
    assert exports.neutralise(trigger + rest) == "'" + trigger + rest


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_neutralise_leaves_a_trigger_after_the_first_character_alone(trigger):
    for value in (f"a{trigger}b", f"3{trigger}4", f"x{trigger}"):
        assert exports.neutralise(value) == value


# What spreadsheets also read as = + - @: full-width (an IME's), small, super- and
# subscript forms, and the minus sign.
LOOK_ALIKES = {
    "\uff1d": "FULLWIDTH EQUALS SIGN",
    "\uff0b": "FULLWIDTH PLUS SIGN",
    "\uff0d": "FULLWIDTH HYPHEN-MINUS",
    "\uff20": "FULLWIDTH COMMERCIAL AT",
    "\ufe66": "SMALL EQUALS SIGN",
    "\ufe62": "SMALL PLUS SIGN",
    "\ufe63": "SMALL HYPHEN-MINUS",
    "\ufe6b": "SMALL COMMERCIAL AT",
    "\u207c": "SUPERSCRIPT EQUALS SIGN",
    "\u207a": "SUPERSCRIPT PLUS SIGN",
    "\u207b": "SUPERSCRIPT MINUS",
    "\u208c": "SUBSCRIPT EQUALS SIGN",
    "\u208a": "SUBSCRIPT PLUS SIGN",
    "\u208b": "SUBSCRIPT MINUS",
    "\u2212": "MINUS SIGN",
    "\u2a75": "TWO CONSECUTIVE EQUALS SIGNS",
    "\u2a76": "THREE CONSECUTIVE EQUALS SIGNS",
    "\ufb29": "HEBREW LETTER ALTERNATIVE PLUS SIGN",
}


# White space and invisible marks an importer may trim before it looks.
LEADING = [" ", "  ", "\n", "\u00a0", "\u3000", "\u2003", "\u200b", "\ufeff", " \n\u200b "]


def test_look_alikes_are_the_characters_their_unicode_names_say():
    assert {char: unicodedata.name(char) for char in LOOK_ALIKES} == LOOK_ALIKES


@pytest.mark.parametrize("char", list(LOOK_ALIKES), ids=list(LOOK_ALIKES.values()))
@pytest.mark.parametrize("rest", ["", "1+1", 'HYPERLINK("http://evil","x")', "SUM(A1:A9)"])
def test_neutralise_quotes_text_that_starts_with_a_look_alike(char, rest):
    assert exports.neutralise(char + rest) == "'" + char + rest


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", *LOOK_ALIKES])
@pytest.mark.parametrize("space", LEADING, ids=[repr(space) for space in LEADING])
def test_neutralise_quotes_a_trigger_after_leading_white_space(trigger, space):
    value = f"{space}{trigger}1+1"

    assert exports.neutralise(value) == "'" + value


def test_neutralise_changes_exactly_the_triggers_and_their_look_alikes():
    # Every character of the Basic Multilingual Plane, in front of a harmless rest.
    changed = {
        chr(code)
        for code in range(0x10000)
        if not 0xD800 <= code <= 0xDFFF and exports.neutralise(chr(code) + "x") != chr(code) + "x"
    }

    assert changed == set(TRIGGERS) | set(LOOK_ALIKES)


@pytest.mark.parametrize(
    "value",
    ["", " ", "3-4", "a=b", "Talk @ FOSDEM", "'=already quoted", " 3-4", "日本語", "🎤", "עברית"],
)
def test_neutralise_leaves_harmless_text_untouched(value):
    assert exports.neutralise(value) == value


def test_neutralise_quotes_a_negative_looking_text():
    assert exports.neutralise("-1") == "'-1"
    assert exports.neutralise("-3 reasons to upgrade") == "'-3 reasons to upgrade"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("=1+1", "'=1+1"),
        (40, 40),
        (-2, -2),  # our own numbers (a score on a -2..2 scale) stay numbers
        (-0.5, -0.5),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_cell_writes_nothing_as_empty_and_numbers_as_numbers(value, expected):
    assert exports.cell(value) == expected
