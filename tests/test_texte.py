from territoire_data import format as fmt
from territoire_data.texte import normaliser, trigrammes


def test_accents_casse_tirets_apostrophes():
    assert normaliser("L'Abergement-Clémenciat") == "abergement clemenciat"
    assert normaliser("l abergement clemenciat") == "abergement clemenciat"
    assert normaliser("SAINT-ÉTIENNE") == "saint etienne"


def test_abreviations_et_ligatures():
    assert normaliser("St-Étienne") == "saint etienne"
    assert normaliser("Ste Foy") == "sainte foy"
    assert normaliser("Cœuvres-et-Valsery") == "coeuvres et valsery"


def test_article_en_tete_seulement():
    assert normaliser("Les Sables-d'Olonne") == "sables d olonne"
    assert normaliser("Saint-Martin-de-la-Place") == "saint martin de la place"
    # A name made of an article alone keeps it.
    assert normaliser("Le") == "le"


def test_trigrammes_comptent_les_mots_courts():
    assert "  y" in trigrammes("y")
    assert trigrammes("bordeaux") >= {"  b", " bo", "bor", "aux", "ux "}


def test_nombres_a_la_francaise():
    assert fmt.nombre(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert fmt.nombre(None) == "n.d."
    assert fmt.nombre(float("nan"), absent="inconnue") == "inconnue"
