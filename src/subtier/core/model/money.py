"""Amounts of money with the unit of work they pay for."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Per(StrEnum):
    """What one amount pays for."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    CALL = "call"
    TOTAL = "total"


class Money(BaseModel):
    """An amount per unit, e.g. 7.25 USD per hour."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: float = Field(ge=0, description="The amount, in `currency`, per `per`.")
    per: Per = Field(
        description="What the amount pays for: hour, day, week, month, year, call or total."
    )
    currency: str = Field(
        default="USD",
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217 currency code, upper case. Defaults to USD.",
    )

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    def __str__(self) -> str:
        symbol = "$" if self.currency == "USD" else ""
        suffix = "" if symbol else f" {self.currency}"
        return f"{symbol}{self.amount:,.2f}{suffix}/{self.per.value}"
