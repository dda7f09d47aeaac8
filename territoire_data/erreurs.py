"""Errors whose message is meant for the user (in French)."""


class TerritoireErreur(Exception):
    """An error the CLI reports as a plain French message with exit code 2."""


class TerritoireInconnu(TerritoireErreur, LookupError):
    """A territory code that names nothing in the referential."""

    def __init__(self, message: str, suggestions: list | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []

    def __reduce__(self):
        return (TerritoireInconnu, (str(self), self.suggestions))


class ErreurFichier(TerritoireErreur):
    """A raw file that cannot be parsed; names the file, and the line and column at fault."""

    def __init__(self, fichier: str, ligne: int | None, colonne: str | None, raison: str):
        self.fichier, self.ligne, self.colonne, self.raison = fichier, ligne, colonne, raison
        lieu = f"fichier « {fichier} »"
        if ligne is not None:
            lieu += f", ligne {ligne}"
        if colonne is not None:
            lieu += f", colonne « {colonne} »"
        super().__init__(f"{lieu} : {raison}")

    def __reduce__(self):  # picklable across worker processes
        return (ErreurFichier, (self.fichier, self.ligne, self.colonne, self.raison))
