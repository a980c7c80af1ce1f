"""The kinds of customer data, their fields, and which column of a file holds which field.

``guess_mapping`` proposes a column for each field, by header name (English and the common
European languages) and then by content; ``check_mapping`` checks a mapping the user confirmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from canvas.customer_data.cells import parse_dates, parse_numbers
from canvas.customer_data.errors import IngestError
from canvas.customer_data.files import RawTable


@dataclass(frozen=True)
class Field:
    """One field of a kind of data: its name in the canonical frame, its label on screen, and the
    normalised header names (lower case, letters and digits only) that mean it, best first."""

    name: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


_CUSTOMER = ("customerid", "customer", "customerno", "customernumber", "clientid", "client", "kunde",
             "kundennummer", "kundenid", "kundennr", "cliente", "idcliente", "klant", "klantnummer",
             "codcliente", "numeroclient", "email", "customeremail", "mail", "emailaddress", "userid", "buyer")
_DATE = ("date", "orderdate", "createdat", "created", "createdutc", "datum", "bestelldatum", "fecha",
         "data", "datacommande", "datecommande", "purchasedate", "transactiondate", "invoicedate", "paidat",
         "timestamp", "time", "rechnungsdatum", "fechapedido", "dataordine", "orderdatum", "responsedate",
         "surveydate", "submittedat")
_AMOUNT = ("amount", "total", "revenue", "value", "price", "sales", "betrag", "umsatz", "summe", "montant",
           "importe", "importo", "bedrag", "valor", "totale", "gesamt", "gesamtbetrag", "totalprice",
           "amountpaid", "net", "netamount", "grandtotal", "subtotal", "spend", "cost", "kosten", "cout")
_ORDER = ("orderid", "order", "ordernumber", "orderno", "name", "invoice", "invoiceid", "invoicenumber",
          "bestellnummer", "bestellung", "rechnung", "rechnungsnummer", "commande", "numerocommande",
          "pedido", "numeropedido", "ordine", "bestelling", "transactionid", "chargeid", "id")
_SEGMENT = ("segment", "customersegment", "segmento", "kundensegment", "group", "customergroup", "tier",
            "type", "customertype", "kundengruppe", "categorie", "categoria")

KINDS: dict[str, tuple[Field, ...]] = {
    "transactions": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("date", "Order date", True, _DATE),
        Field("amount", "Amount", True, _AMOUNT),
        Field("order_id", "Order id", False, _ORDER),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "surveys": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("date", "Response date", True, _DATE),
        Field("nps", "NPS score (0-10)", False, ("nps", "npsscore", "score", "recommend", "likelihood",
                                               "promoterscore", "empfehlung")),
        Field("csat", "CSAT score (1-5)", False, ("csat", "csatscore", "satisfaction", "rating",
                                                 "zufriedenheit", "satisfaction1to5")),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "spend": (
        Field("period", "Period (month)", True, ("period", "month", "periode", "monat", "mois", "mes",
                                                 "mese", "maand") + _DATE),
        Field("amount", "Spend", True, ("spend", "acquisitionspend", "marketingspend", "adspend", "budget")
              + _AMOUNT),
        Field("segment", "Segment", False, _SEGMENT),
    ),
    "customers": (
        Field("customer_id", "Customer id", True, _CUSTOMER),
        Field("segment", "Segment", True, _SEGMENT),
    ),
}



def _normalise(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(raw: RawTable, kind: str) -> dict[str, str | None]:
    """Which column holds which field: by header name (English and the common European
    languages), then, for required fields still open, by content (dates, numbers)."""
    fields = fields_of(kind)
    normalised = {column: _normalise(column) for column in raw.columns}
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for f in fields:
        choice = None
        for synonym in f.synonyms:  # earlier synonyms are better matches
            exact = [c for c, n in normalised.items() if n == synonym and c not in used]
            if exact:
                choice = exact[0]
                break
        if choice is None:
            for synonym in f.synonyms[:3]:
                partial = [c for c, n in normalised.items() if synonym in n and c not in used]
                if partial:
                    choice = partial[0]
                    break
        mapping[f.name] = choice
        if choice:
            used.add(choice)
    sample = raw.frame.head(200)
    for f in fields:
        if mapping[f.name] or not f.required:
            continue
        for column in raw.columns:
            if column in used:
                continue
            values = sample[column]
            if f.name in ("date", "period") and parse_dates(values, european=raw.european)[0].notna().mean() > 0.8:
                mapping[f.name] = column
            elif f.name == "amount" and parse_numbers(values)[0].notna().mean() > 0.8:
                mapping[f.name] = column
            if mapping[f.name]:
                used.add(column)
                break
    return mapping


def fields_of(kind: str) -> tuple[Field, ...]:
    """The fields of ``kind``; ``IngestError`` for a kind we do not know."""
    if kind not in KINDS:
        raise IngestError(f"Unknown kind of data {kind!r}; use one of {', '.join(KINDS)}.")
    return KINDS[kind]


def check_mapping(raw: RawTable, kind: str, fields: tuple[Field, ...],
                  mapping: Mapping[str, str | None]) -> dict[str, str | None]:
    """The mapping with every field of ``kind`` (None where unmapped); ``IngestError`` for an
    unknown field, a column the file does not have, or a required field left unmapped."""
    known = {f.name for f in fields}
    unknown_fields = [k for k in mapping if k not in known]
    if unknown_fields:
        raise IngestError(f"{unknown_fields[0]!r} is not a field of {kind}; the fields are {', '.join(known)}.")
    columns = raw.columns
    for column in mapping.values():
        if column is not None and column not in columns:
            raise IngestError(f"The file has no column {column!r}. Its columns are: {', '.join(columns)}.",
                              column=column)
    checked = {f.name: mapping.get(f.name) for f in fields}
    for f in fields:
        if f.required and not checked[f.name]:
            raise IngestError(f"No column is mapped to {f.label.lower()}, which is required. The file's columns "
                              f"are: {', '.join(columns)}.", column=f.name)
    return checked
