"""kb.search.english: what everyday English says about a reader's words."""

from kb.search.english import is_english, specificity


def test_english_words_are_known_and_misspellings_are_not():
    assert is_english("booking") and is_english("hotline") and is_english("took")
    assert not is_english("sextorsion") and not is_english("trackng")


def test_an_everyday_word_says_less_than_a_rare_one():
    assert specificity("says") < specificity("passport") < specificity("stalkerware") == 1.0
    assert specificity("the") == specificity("and") == 0.05


def test_everyday_words_of_phones_and_the_internet_count_as_common():
    assert not is_english("app")
    assert specificity("app") < specificity("passport")
