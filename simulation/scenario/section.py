"""The base of every scenario section: frozen, unknown keys rejected, no inf or nan."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Section"]


class Section(BaseModel):
    """A validated, frozen part of a scenario (unknown keys and non-finite numbers rejected)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
