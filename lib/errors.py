"""Domain errors: raised by services, turned into field errors or HTTP 400 by the faces."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DomainError(ValidationError):
    """A business rule refused the operation. Messages are translatable."""


class ConflictError(DomainError):
    """Someone else changed the record since the form was opened."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="conflict",
        )
