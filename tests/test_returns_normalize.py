"""Numbers and settlement words as officers type them; identifiers that must never enter the system."""

import pytest

from pipelines.returns.normalize import NumberStatus, normalize_settlement, parse_number
from pipelines.returns.pii import IdentifierKind, classify, identifiers_in, is_name_column_label


@pytest.mark.parametrize(
    ("cell", "fmt", "expected"),
    [
        ("94,7", None, 94.7),
        ("94.7", None, 94.7),
        ("1 234,5", None, 1234.5),
        ("1\u00a0234", None, 1234.0),
        ("12 345 678", None, 12345678.0),
        ("1.234,5", None, 1234.5),
        ("1,234.5", None, 1234.5),
        (" 85,3 % ", None, 85.3),
        (0.853, "0.0%", 85.3),
        (0.853, "0%", 85.3),
        (42, None, 42.0),
        ("42", None, 42.0),
    ],
)
def test_numbers_people_type(cell, fmt, expected):
    parsed = parse_number(cell, fmt)
    assert parsed.status is NumberStatus.OK
    assert parsed.value == pytest.approx(expected)


def test_percent_sign_and_percent_format_are_remembered():
    assert parse_number("85,3%").percent_sign
    assert parse_number(0.853, "0.0%").percent_format
    assert parse_number(0.853, "0.0%").decimals_typed == 1


@pytest.mark.parametrize("cell", ["-", "—", "н/д", "n/a", "Жоқ", "x"])
def test_dashes_mean_not_available(cell):
    assert parse_number(cell).status is NumberStatus.NOT_AVAILABLE


@pytest.mark.parametrize("cell", [None, "", "   "])
def test_blank(cell):
    assert parse_number(cell).status is NumberStatus.BLANK


@pytest.mark.parametrize("cell", ["много", "12a", "1,2,3", "1.2.3", "94,7 п.п.", True, float("nan")])
def test_text_in_a_number_cell_is_invalid(cell):
    assert parse_number(cell).status is NumberStatus.INVALID


def test_decimals_typed_for_the_cross_check():
    assert parse_number("85,30").decimals_typed == 2
    assert parse_number(85.3).decimals_typed == 1
    assert parse_number(85).decimals_typed == 0


@pytest.mark.parametrize(
    ("word", "token"),
    [
        ("total", "total"), ("Барлығы", "total"), ("БАРЛЫҒЫ ", "total"), ("Всего", "total"), ("Итого", "total"),
        ("Қала", "urban"), ("Кала", "urban"), ("Город", "urban"), ("  город  ", "urban"),
        ("Ауыл", "rural"), ("Село", "rural"), ("Cело", "rural"),  # Latin C typed in a Cyrillic word
        ("Барлыгы", "total"), ("Urban", "urban"),
    ],
)
def test_settlement_words(word, token):
    assert normalize_settlement(word) == token


@pytest.mark.parametrize("word", ["", None, "region", "Астана"])
def test_unknown_settlement(word):
    assert normalize_settlement(word) is None


# 900101300126: born 1990-01-01 (century digit 3). Check digit: 9*1 + 0*2 + 0*3 + 1*4 + 0*5 + 1*6 + 3*7 + 0*8
# + 0*9 + 1*10 + 2*11 = 72; 72 mod 11 = 6.
IIN = "900101300126"
# 050240000124: registered 2005-02, legal entity (4), head unit (0). Check: 5*2 + 2*4 + 4*5 + 1*10 + 2*11 = 70;
# 70 mod 11 = 4.
BIN = "050240000124"


def test_iin_and_bin_are_told_apart():
    assert classify(IIN) is IdentifierKind.IIN
    assert classify(BIN) is IdentifierKind.BIN
    assert classify("900101300125") is None  # wrong check digit
    assert classify("901301300120") is None  # month 13


def test_identifiers_found_in_numbers_and_text():
    assert identifiers_in(float(IIN)) == [IdentifierKind.IIN]
    assert identifiers_in(f"ИИН {IIN[:6]} {IIN[6:]}") == [IdentifierKind.IIN]
    assert identifiers_in(f"БСН: {BIN}") == [IdentifierKind.BIN]
    assert identifiers_in(1234.5) == [] and identifiers_in("123456789012") == []


@pytest.mark.parametrize("label", ["ФИО ученика", "Аты-жөні", "Full name", "ИИН", "Дата рождения"])
def test_name_column_labels(label):
    assert is_name_column_label(label)


@pytest.mark.parametrize("label", ["indicator_code", "comment", "Атауы", "Наименование показателя"])
def test_ordinary_labels(label):
    assert not is_name_column_label(label)
