"""Money is an integer amount in minor units plus an ISO currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass

# Minor-unit exponents of the currencies the product handles. XTR is Telegram Stars (whole stars).
CURRENCY_EXPONENT: dict[str, int] = {"USD": 2, "EUR": 2, "COP": 2, "MXN": 2, "USDC": 2, "XTR": 0}


def check_currency(code: str) -> str:
    code = code.upper()
    if code not in CURRENCY_EXPONENT:
        raise ValueError(f"unsupported currency {code!r}")
    return code


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int):
            raise TypeError("Money.amount must be an int in minor units")
        object.__setattr__(self, "currency", check_currency(self.currency))

    def format(self, language: str | None = None) -> str:
        """As a reader of ``language`` writes it, with the currency (Babel's locale data)."""
        from pnplive.kit.i18n import format_money  # the catalogues sit above money

        return format_money(self.amount, self.currency, language)


def parse_amount(text: str, currency: str) -> int:
    """Minor units of ``currency`` from what a person types ("3.50", "3,50", "12"); ValueError
    for anything else, for a negative amount or for more decimals than the currency has."""
    from decimal import Decimal, InvalidOperation

    code = check_currency(currency)
    cleaned = text.strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"not an amount: {text!r}")
    minor = value.scaleb(CURRENCY_EXPONENT[code])
    if minor != minor.to_integral_value():
        raise ValueError(f"too many decimals for {code}")
    return int(minor)
