"""Errors whose message is meant for the user (in French)."""


class TerritoireErreur(Exception):
    """An error the CLI reports as a plain French message with exit code 2."""


class TerritoireInconnu(TerritoireErreur, LookupError):
    """A territory code that names nothing in the referential."""

    def __init__(self, message: str, suggestions: list | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []
