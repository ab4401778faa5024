"""The seed reader joins what the PDF extraction broke, and no more."""

from pipelines.catalogue.seed import name_appears, number_tokens, numbers_appear, strip_kazakh


def test_decimal_broken_after_comma_is_joined():
    assert number_tokens("82,6 83,\n\n5 84,\n\n6") == ["82,6", "83,5", "84,6"]


def test_decimal_broken_before_comma_is_joined():
    assert number_tokens("14\n\n,3") == ["14,3"]


def test_thousands_broken_over_lines_match_the_whole_number():
    assert numbers_appear([17454.0, 15000.0], "17\u00a0454 x 15 \n\n000")[0]


def test_numbers_on_one_line_are_not_glued():
    """"100 100 100" is three targets of 100, never 100100."""
    ok, missing = numbers_appear([100.0, 100100.0], "100 100 100")
    assert not ok and missing == 100100.0


def test_order_matters():
    assert numbers_appear([77.1, 81.0], "77,1 81")[0]
    assert not numbers_appear([81.0, 77.1], "77,1 81")[0]


def test_kazakh_letters_removed_as_the_extraction_did():
    assert strip_kazakh("Қазақстан") == "азастан"
    assert name_appears("Қазақстанның", "  аза станны  Қ қ ң")[0]


def test_name_words_must_come_in_order():
    assert not name_appears("мектепке дейінгі", "дейінгі мектепке")[0]


def test_plain_space_before_000_is_a_thousands_separator():
    """Plan line 12064: "25 000 35" is 25000 then the start of 35000."""
    assert numbers_appear([25000.0, 35000.0], "25 000 35\n000")[0]


def test_decimal_part_continued_on_the_next_line():
    """Seed 1234-1240, the child well-being index: "0,68 0,70 0,7\\n\\n1\\n\\n0,7\\n\\n2\\n\\n0,73"."""
    assert numbers_appear([0.68, 0.70, 0.71, 0.72, 0.73], "0,68 0,70 0,7\n\n1\n\n0,7\n\n2\n\n0,73")[0]
