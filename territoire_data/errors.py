"""Errors whose message is meant for the user (in French)."""


class TerritoireError(Exception):
    """An error the CLI reports as a plain French message with exit code 2."""


class UnknownTerritory(TerritoireError, LookupError):
    """A territory code that names nothing in the referential."""

    def __init__(self, message: str, suggestions: list | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []

    def __reduce__(self):
        return (UnknownTerritory, (str(self), self.suggestions))


class FileError(TerritoireError):
    """A raw file that cannot be parsed; names the file, and the line and column at fault."""

    def __init__(self, file: str, line: int | None = None, column: str | None = None, reason: str = ""):
        self.file, self.line, self.column, self.reason = file, line, column, reason
        place = f"fichier « {file} »"
        if line is not None:
            place += f", ligne {line}"
        if column is not None:
            place += f", colonne « {column} »"
        super().__init__(f"{place} : {reason}")

    def __reduce__(self):  # picklable across worker processes
        return (FileError, (self.file, self.line, self.column, self.reason))
