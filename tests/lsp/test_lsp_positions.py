"""Columns: ERSL counts characters, LSP clients count UTF-16 units (or UTF-8 bytes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from ersl.lsp import positions
from ersl.lsp.positions import (
    client_column,
    code_point_column,
    from_position,
    set_encoding,
    to_range,
)
from ersl.span import Span


@pytest.fixture
def utf8():
    set_encoding(types.PositionEncodingKind.Utf8)
    yield
    set_encoding(types.PositionEncodingKind.Utf16)


def test_utf16_counts_a_character_outside_the_bmp_twice():
    line = 'param x = "😀" + å'
    # `😀` is character 11 (0-based) and two UTF-16 units, so `"` after it is unit 13
    assert client_column(line, 12) == 13
    assert code_point_column(line, 13) == 12
    # å is one unit: it stands at character 17, unit 18
    assert client_column(line, 17) == 18


def test_utf8_counts_bytes(utf8):
    # å is two bytes, 😀 four
    assert client_column("å😀x", 2) == 6
    assert code_point_column("å😀x", 6) == 2


@given(st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=30), st.data())
def test_columns_round_trip(line, data):
    column = data.draw(st.integers(0, len(line)))
    assert code_point_column(line, client_column(line, column)) == column


def test_a_span_becomes_a_range_and_back():
    text = "param 😀x = 1 kr\nparam y = 😀x\n"
    span = Span("f", 2, 11, 2, 13)  # `😀x` on line 2, characters 11..12 (1-based)
    lines = text.split("\n")
    where = to_range(span, lambda file, n: lines[n - 1])
    assert (where.start.line, where.start.character, where.end.character) == (1, 10, 13)
    assert from_position(text, where.start) == (2, 11)
    assert from_position(text, types.Position(9, 0)) == (3, 1)  # past the end: the end


def test_a_file_level_span_is_the_start():
    where = to_range(Span("f", 0, 0, 0, 0), lambda file, n: None)
    assert (where.start.line, where.start.character, where.end.character) == (0, 0, 0)


def test_the_encoding_is_utf16_unless_agreed_otherwise():
    assert positions._units("😀") == 2
