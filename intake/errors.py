"""The one exception base of the intake package, translated once into a readable line by the CLI."""


class IntakeError(Exception):
    """A source could not be read or reached; the message is Vietnamese and names the source."""


class SheetsError(IntakeError):
    """The Google Sheets API failed or answered something the API does not document."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status Google answered, when it answered one
