"""kb.search.everyday: what everyday language says about a reader's words."""

from kb.search.everyday import is_english, is_word, specificity


def test_english_words_are_known_and_misspellings_are_not():
    assert is_english("booking") and is_english("hotline") and is_english("took")
    assert not is_english("sextorsion") and not is_english("trackng")


def test_an_everyday_word_says_less_than_a_rare_one():
    assert specificity("says") < specificity("passport") < specificity("stalkerware") == 1.0
    assert specificity("the") == specificity("and") == 0.05


def test_everyday_words_of_phones_and_the_internet_count_as_common():
    assert not is_english("app")
    assert specificity("app") < specificity("passport")


def test_each_language_knows_its_own_words_folded():
    assert is_word("celular", "es") and is_word("estafa", "es") and is_word("extorsion", "es")
    assert not is_word("extorcion", "es")
    assert is_word("arnaque", "fr") and is_word("cryptee", "fr")  # "cryptée"
    assert not is_word("chifrement", "fr")
    assert is_word("ابتزاز", "ar") and not is_word("الابتزار", "ar")


def test_english_words_count_as_the_readers_own_in_every_language():
    assert is_word("booking", "es") and is_word("hotline", "ar")


def test_everyday_words_weigh_little_in_each_language():
    assert specificity("de", "es") == specificity("la", "es") == 0.05
    assert specificity("dice", "es") < specificity("pasaporte", "es") < 1.0
    assert specificity("aplicacion", "es") < specificity("pasaporte", "es")
    assert specificity("sextorsion", "es") == 1.0  # no everyday word


def test_a_language_without_a_word_list_is_read_with_englishs():
    assert is_word("booking", "xx") and not is_word("lantern-ish", "xx")
    assert specificity("zzqxv", "xx") == 1.0
