"""Exports of bookings, payments, earnings and payouts as CSV and Excel (F-ADM-4).

Rows come from the database in batches through a server-side cursor (``yield_per``) and go
straight out: CSV line by line, Excel through openpyxl's write-only workbook (rows go to a
temporary file, not memory). So a year of data never sits in the process. Cells are typed:
times are dates (UTC, the header says so), money is a number in major units beside its currency.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select

from pnplive.analytics.service import Scope
from pnplive.booking.models import Booking
from pnplive.earning.models import Payout
from pnplive.kit.db import Database
from pnplive.kit.money import CURRENCY_EXPONENT
from pnplive.payment.models import LedgerEntry, Payment
from pnplive.performer.models import Performer

BATCH = 1000


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    TIME = "time"
    MONEY = "money"  # minor units; the row's currency is in the column named "currency"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    columns: Sequence[Column]
    query: Callable[[Scope], Select[Any]]


def _bookings(scope: Scope) -> Select[Any]:
    q = (
        select(
            Booking.public_id,
            Booking.status,
            Performer.username,
            Booking.user_id,
            Booking.start_at,
            Booking.end_at,
            Booking.duration_minutes,
            Booking.call_type,
            Booking.amount,
            Booking.commission_amount,
            Booking.performer_amount,
            Booking.currency,
            Booking.paid_at,
            Booking.created_at,
        )
        .join(Performer, Performer.id == Booking.performer_id)
        .where(Booking.start_at >= scope.start, Booking.start_at < scope.end)
        .order_by(Booking.start_at, Booking.id)
    )
    return q if scope.performer_id is None else q.where(Booking.performer_id == scope.performer_id)


def _payments(scope: Scope) -> Select[Any]:
    q = (
        select(
            Payment.public_id,
            Booking.public_id,
            Payment.provider,
            Payment.status,
            Payment.amount,
            Payment.currency,
            Payment.transaction_id,
            Payment.created_at,
            Payment.paid_at,
        )
        .join(Booking, Booking.id == Payment.booking_id)
        .where(Payment.created_at >= scope.start, Payment.created_at < scope.end)
        .order_by(Payment.created_at, Payment.id)
    )
    return q if scope.performer_id is None else q.where(Booking.performer_id == scope.performer_id)


def _earnings(scope: Scope) -> Select[Any]:
    q = (
        select(
            LedgerEntry.created_at,
            LedgerEntry.kind,
            Booking.public_id,
            Performer.username,
            LedgerEntry.provider,
            LedgerEntry.amount,
            LedgerEntry.commission,
            LedgerEntry.performer_amount,
            LedgerEntry.currency,
            LedgerEntry.source,
        )
        .outerjoin(Booking, Booking.id == LedgerEntry.booking_id)
        .outerjoin(Performer, Performer.id == LedgerEntry.performer_id)
        .where(LedgerEntry.created_at >= scope.start, LedgerEntry.created_at < scope.end)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    if scope.performer_id is not None:
        q = q.where(LedgerEntry.performer_id == scope.performer_id)
    return q


def _payouts(scope: Scope) -> Select[Any]:
    q = (
        select(
            Payout.public_id,
            Performer.username,
            Payout.amount,
            Payout.currency,
            Payout.method,
            Payout.reference,
            Payout.created_at,
        )
        .join(Performer, Performer.id == Payout.performer_id)
        .where(Payout.created_at >= scope.start, Payout.created_at < scope.end)
        .order_by(Payout.created_at, Payout.id)
    )
    return q if scope.performer_id is None else q.where(Payout.performer_id == scope.performer_id)


EXPORTS: dict[str, Export] = {
    e.name: e
    for e in (
        Export(
            "bookings",
            [
                Column("booking"),
                Column("status"),
                Column("performer"),
                Column("member id", Kind.INT),
                Column("start (UTC)", Kind.TIME),
                Column("end (UTC)", Kind.TIME),
                Column("minutes", Kind.INT),
                Column("call type"),
                Column("amount", Kind.MONEY),
                Column("commission", Kind.MONEY),
                Column("performer earnings", Kind.MONEY),
                Column("currency"),
                Column("paid at (UTC)", Kind.TIME),
                Column("created at (UTC)", Kind.TIME),
            ],
            _bookings,
        ),
        Export(
            "payments",
            [
                Column("payment"),
                Column("booking"),
                Column("provider"),
                Column("status"),
                Column("amount", Kind.MONEY),
                Column("currency"),
                Column("provider transaction"),
                Column("created at (UTC)", Kind.TIME),
                Column("paid at (UTC)", Kind.TIME),
            ],
            _payments,
        ),
        Export(
            "earnings",
            [
                Column("at (UTC)", Kind.TIME),
                Column("kind"),
                Column("booking"),
                Column("performer"),
                Column("provider"),
                Column("amount", Kind.MONEY),
                Column("commission", Kind.MONEY),
                Column("performer earnings", Kind.MONEY),
                Column("currency"),
                Column("source"),
            ],
            _earnings,
        ),
        Export(
            "payouts",
            [
                Column("payout"),
                Column("performer"),
                Column("amount", Kind.MONEY),
                Column("currency"),
                Column("method"),
                Column("reference"),
                Column("created at (UTC)", Kind.TIME),
            ],
            _payouts,
        ),
    )
}


def major(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-CURRENCY_EXPONENT.get(currency.upper(), 2))


def _typed(export: Export, row: Sequence[Any]) -> list[Any]:
    """The row's values as the cells show them (money in major units, times naive UTC)."""
    currency = ""
    for col, value in zip(export.columns, row, strict=True):
        if col.header == "currency":
            currency = str(value or "")
    out: list[Any] = []
    for col, value in zip(export.columns, row, strict=True):
        if value is None:
            out.append(None)
        elif col.kind is Kind.MONEY:
            out.append(major(int(value), currency))
        elif col.kind is Kind.TIME:
            out.append(value.replace(tzinfo=None) if isinstance(value, datetime) else value)
        else:
            out.append(value)
    return out


async def stream_rows(db: Database, export: Export, scope: Scope) -> AsyncIterator[list[Any]]:
    async with db.reading() as session:
        result = await session.stream(
            export.query(scope).execution_options(yield_per=BATCH, stream_results=True)
        )
        async for partition in result.partitions(BATCH):
            for row in partition:
                yield _typed(export, row)


async def csv_chunks(db: Database, export: Export, scope: Scope) -> AsyncIterator[bytes]:
    """The export as CSV (UTF-8 with a byte order mark, so spreadsheets read accents)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.header for c in export.columns])
    yield ("\ufeff" + buf.getvalue()).encode()
    async for row in stream_rows(db, export, scope):
        buf.seek(0)
        buf.truncate()
        writer.writerow(
            [v.isoformat() if isinstance(v, datetime) else ("" if v is None else v) for v in row]
        )
        yield buf.getvalue().encode()


async def xlsx_file(db: Database, export: Export, scope: Scope) -> Path:
    """The export as an .xlsx file in a temporary location (the caller removes it)."""
    # Imported here: openpyxl (and the numpy it loads) is ~30 MB that every API process would
    # otherwise carry for a file few requests ask for.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(export.name)
    bold = Font(bold=True)
    header = []
    for c in export.columns:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    formats = {Kind.MONEY: "#,##0.00", Kind.TIME: "yyyy-mm-dd hh:mm", Kind.INT: "0"}
    async for row in stream_rows(db, export, scope):
        cells = []
        for col, value in zip(export.columns, row, strict=True):
            cell = WriteOnlyCell(ws, value=value)
            if col.kind in formats and value is not None:
                cell.number_format = formats[col.kind]
            cells.append(cell)
        ws.append(cells)
    fd, name = tempfile.mkstemp(prefix=f"pnplive-{export.name}-", suffix=".xlsx")
    os.close(fd)
    path = Path(name)
    wb.save(path)
    return path
