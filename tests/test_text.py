from territoire_data.rendering import formatting as fmt
from territoire_data.text.places import normalise, trigrams


def test_accents_case_hyphens_apostrophes():
    assert normalise("L'Abergement-Clémenciat") == "abergement clemenciat"
    assert normalise("l abergement clemenciat") == "abergement clemenciat"
    assert normalise("SAINT-ÉTIENNE") == "saint etienne"


def test_abbreviations_and_ligatures():
    assert normalise("St-Étienne") == "saint etienne"
    assert normalise("Ste Foy") == "sainte foy"
    assert normalise("Cœuvres-et-Valsery") == "coeuvres et valsery"


def test_article_at_start_only():
    assert normalise("Les Sables-d'Olonne") == "sables d olonne"
    assert normalise("Saint-Martin-de-la-Place") == "saint martin de la place"
    # A name made of an article alone keeps it.
    assert normalise("Le") == "le"


def test_trigrams_count_short_words():
    assert "  y" in trigrams("y")
    assert trigrams("bordeaux") >= {"  b", " bo", "bor", "aux", "ux "}


def test_french_numbers():
    assert fmt.number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert fmt.number(None) == "n.d."
    assert fmt.number(float("nan"), absent="inconnue") == "inconnue"
