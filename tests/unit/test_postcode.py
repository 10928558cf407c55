import pytest

from bot.people.postcode import extract_district, written_district


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("SE25", "SE25"),
        ("se25", "SE25"),
        ("SE25 6XY", "SE25"),      # the inward part is never kept
        ("cr0 1aa", "CR0"),
        ("i live in M1", "M1"),
        ("W1A", "W1A"),
        ("B12 9QP", "B12"),
        ("it's EC1V", "EC1V"),
    ],
)
def test_keeps_only_the_district(text, district):
    assert extract_district(text) == district


@pytest.mark.parametrize("text", ["ZZ9", "hello", "", "12345", "QQ1 1AA", "near the park"])
def test_rejects_what_is_not_a_uk_district(text):
    assert extract_district(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("baby cafe near ZZ9", "ZZ9"), ("near se25 6xy", "SE25"), ("baby cafe near me", None),
     ("cafe in 3 weeks", None)],
)
def test_a_district_shaped_word_is_found_even_when_it_is_not_real(text, expected):
    assert written_district(text) == expected
