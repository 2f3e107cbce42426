"""Revenue response curves: service level of a tier → revenue (contribution) per day.

Every model maps a service level ``s`` (a fraction in [0, 1], e.g. the tier's perfect-order
rate) to revenue in USD per day, so that it can be set against the tier's simulated
``cost_per_day_usd``.  "Revenue" here should be *contribution*: price minus the cost of the
goods, since only service cost is subtracted downstream
(:mod:`tierwise.optimization.economics.profit`).

:class:`ResponseModel` is the shared contract (vectorised ``revenue`` and
``marginal_revenue``, validated service levels); this module holds the two curve models

``logistic``  ``R(s) = Rmin + (Rmax − Rmin) / (1 + exp(−k (s − s0)))``
``adbudg``    ``R(s) = Rmin + (Rmax − Rmin) · s^c / (d + s^c)``

and :mod:`tierwise.optimization.economics.customers` the customer-base models
(``retention``, ``loyalty``).  All models are frozen pydantic models, validated at
construction (unknown keys rejected; errors name the field, the value and the allowed
range).
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.special import expit

__all__ = [
    "AdbudgResponse",
    "FloatOrArray",
    "LogisticResponse",
    "ResponseModel",
    "service_levels",
    "shaped_like",
]

FloatOrArray = float | np.ndarray


def service_levels(s: FloatOrArray) -> np.ndarray:
    """``s`` as a float array; raises :class:`ValueError` on a value outside [0, 1]."""
    arr = np.asarray(s, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any((arr < 0.0) | (arr > 1.0)):
        bad = float(arr[~np.isfinite(arr) | (arr < 0.0) | (arr > 1.0)].ravel()[0])
        raise ValueError(f"service level s={bad!r} is outside the allowed range [0, 1]")
    return arr


def shaped_like(s: FloatOrArray, values: np.ndarray) -> FloatOrArray:
    """``values`` as a float when ``s`` is a scalar, else as the array."""
    if np.ndim(s) == 0 and not isinstance(s, np.ndarray):
        return float(values)
    return values


class ResponseModel(BaseModel):
    """Shared behaviour: vectorised ``revenue`` and ``marginal_revenue`` on [0, 1]."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @overload
    def revenue(self, s: float) -> float: ...
    @overload
    def revenue(self, s: np.ndarray) -> np.ndarray: ...
    def revenue(self, s: FloatOrArray) -> FloatOrArray:
        """Revenue ``R(s)`` in USD per day.

        Parameters
        ----------
        s : float or numpy.ndarray
            Service level, fraction in [0, 1].

        Returns
        -------
        float or numpy.ndarray
            USD per day, same shape as ``s``.
        """
        return shaped_like(s, self._revenue(service_levels(s)))

    @overload
    def marginal_revenue(self, s: float) -> float: ...
    @overload
    def marginal_revenue(self, s: np.ndarray) -> np.ndarray: ...
    def marginal_revenue(self, s: FloatOrArray) -> FloatOrArray:
        """Marginal revenue ``dR/ds`` in USD per day per unit of service.

        One unit of service is the whole range 0 → 1; divide by 100 for USD per day per
        percentage point.

        Parameters
        ----------
        s : float or numpy.ndarray
            Service level, fraction in [0, 1].

        Returns
        -------
        float or numpy.ndarray
            USD per day per unit service, same shape as ``s``.
        """
        return shaped_like(s, self._marginal(service_levels(s)))

    def _revenue(self, s: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _marginal(self, s: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _check_min_max(r_min: float, r_max: float) -> None:
    if r_max < r_min:
        raise ValueError(
            f"r_max_usd_per_day={r_max!r} must be >= r_min_usd_per_day={r_min!r} "
            f"(allowed range [{r_min!r}, inf))"
        )


class LogisticResponse(ResponseModel):
    """Logistic S-curve ``R(s) = Rmin + (Rmax − Rmin) / (1 + exp(−k (s − s0)))``.

    ``dR/ds = (Rmax − Rmin) · k · σ · (1 − σ)`` with ``σ = 1/(1 + exp(−k (s − s0)))``.

    Attributes
    ----------
    r_min_usd_per_day : float
        Lower asymptote ``Rmin`` (USD/day), ``≥ 0``.
    r_max_usd_per_day : float
        Upper asymptote ``Rmax`` (USD/day), ``≥ Rmin``.
    steepness_k : float
        Steepness ``k > 0`` per unit service (``k = 30`` moves from 12 % to 88 % of the
        range within ±0.066 of ``s0``).
    midpoint_s0 : float
        Service level ``s0`` in [0, 1] where revenue is half-way between the asymptotes.
    """

    model: Literal["logistic"] = "logistic"
    r_min_usd_per_day: float = Field(ge=0.0)
    r_max_usd_per_day: float = Field(ge=0.0)
    steepness_k: float = Field(gt=0.0, le=1000.0)
    midpoint_s0: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> LogisticResponse:
        _check_min_max(self.r_min_usd_per_day, self.r_max_usd_per_day)
        return self

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sig = expit(self.steepness_k * (s - self.midpoint_s0))
        return np.asarray(self.r_min_usd_per_day + span * sig, dtype=float)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sig = expit(self.steepness_k * (s - self.midpoint_s0))
        return np.asarray(span * self.steepness_k * sig * (1.0 - sig), dtype=float)


class AdbudgResponse(ResponseModel):
    """ADBUDG response ``R(s) = Rmin + (Rmax − Rmin) · s^c / (d + s^c)``.

    ``dR/ds = (Rmax − Rmin) · c d s^(c−1) / (d + s^c)²``.  Half of the range is reached at
    ``s = d^(1/c)``; at ``s = 1`` revenue is ``Rmin + (Rmax − Rmin)/(1 + d)``.

    Attributes
    ----------
    r_min_usd_per_day : float
        Revenue at zero service (USD/day), ``≥ 0``.
    r_max_usd_per_day : float
        Asymptotic revenue (USD/day), ``≥ Rmin``.
    shape_c : float
        Shape ``c > 0``; ``c > 1`` gives an S-curve, ``c ≤ 1`` a concave one.
    scale_d : float
        Scale ``d > 0`` (half-saturation ``d = s_half^c``).
    """

    model: Literal["adbudg"] = "adbudg"
    r_min_usd_per_day: float = Field(ge=0.0)
    r_max_usd_per_day: float = Field(ge=0.0)
    shape_c: float = Field(gt=0.0, le=200.0)
    scale_d: float = Field(gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> AdbudgResponse:
        _check_min_max(self.r_min_usd_per_day, self.r_max_usd_per_day)
        return self

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sc = s**self.shape_c
        return np.asarray(self.r_min_usd_per_day + span * sc / (self.scale_d + sc), dtype=float)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        c, d = self.shape_c, self.scale_d
        with np.errstate(divide="ignore"):
            num = c * d * np.power(s, c - 1.0)
        return np.asarray(span * num / (d + s**c) ** 2, dtype=float)
