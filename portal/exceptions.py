class DomainError(Exception):
    """A business rule refused an operation. The message is already translated for the user; nothing was changed."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
