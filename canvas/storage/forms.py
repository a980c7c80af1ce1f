"""Form values validated into the models' Create and Update classes before they are stored."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from canvas.domain.errors import describe_validation_error

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], **values: Any) -> M:
    """Validate form values into ``model``; a user mistake becomes ``InvalidInput``."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise describe_validation_error(error) from None
