"""Every CSV cell is safe to open in a spreadsheet (no formula injection from residents' text)."""

from __future__ import annotations

import csv
import io

import pytest

from uchast.core.exports import csv_download, csv_text, spreadsheet_safe


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_could_start_a_formula_is_quoted(start: str) -> None:
    assert (
        spreadsheet_safe(start + 'HYPERLINK("http://evil.example","x")')
        == "'" + start + 'HYPERLINK("http://evil.example","x")'
    )


def test_numbers_and_ordinary_text_are_unchanged() -> None:
    for value in (-5, 3.5, 0, "Сквер на Лесі Українки", "a=b", "1-2", "", None):
        assert spreadsheet_safe(value) == value


def test_csv_text_and_download() -> None:
    text = csv_text([["id", "title"], [1, "=1+1"], [-2, "@SUM(A1:A2)"]])
    assert list(csv.reader(io.StringIO(text))) == [["id", "title"], ["1", "'=1+1"], ["-2", "'@SUM(A1:A2)"]]
    response = csv_download(text, "x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content.decode("utf-8").startswith("\ufeffid,title")
