"""Bulk operating-expenditure lines for tests, built field by field."""

from __future__ import annotations

from subtier.fec.bulk import COLUMNS

DEFAULTS = {
    "CMTE_ID": "C00000001", "AMNDT_IND": "N", "RPT_YR": "2020", "RPT_TP": "Q3",
    "IMAGE_NUM": "202010159000000001", "LINE_NUM": "17", "FORM_TP_CD": "F3",
    "SCHED_TP_CD": "SB", "NAME": "ACME PHONE SERVICES LLC", "CITY": "TAFT", "STATE": "OK",
    "ZIP_CODE": "74463", "TRANSACTION_DT": "09152020", "TRANSACTION_AMT": "1000.00",
    "TRANSACTION_PGI": "G2020", "PURPOSE": "PHONE BANK SERVICES", "CATEGORY": "",
    "CATEGORY_DESC": "", "MEMO_CD": "", "MEMO_TEXT": "", "ENTITY_TP": "ORG",
    "SUB_ID": "4101520201000001", "FILE_NUM": "1400001", "TRAN_ID": "SB17.1",
    "BACK_REF_TRAN_ID": "",
}  # fmt: skip


def line(**fields: str) -> str:
    """One line with a trailing pipe, as FEC writes it."""
    values = {**DEFAULTS, **fields}
    return "|".join(values[c] for c in COLUMNS) + "|\n"
