"""FEC campaign-finance filings as a screened tier-1 chain and a vetting worklist.

Electronic filings (``.fec``, through FastFEC) and bulk operating-expenditure files are read
into :class:`Disbursement` rows; amendments and duplicates are reconciled so each dollar counts
once; vendor lines become tier-1 engagements and memo sub-itemizations tier 2; purposes are
classified into service categories; the chain is screened and judged like any chain.
"""

from subtier.fec.classify import Category, classify, classify_batch, default_rules
from subtier.fec.records import Disbursement
from subtier.fec.run import FecResult, run_fec

__all__ = [
    "Category",
    "Disbursement",
    "FecResult",
    "classify",
    "classify_batch",
    "default_rules",
    "run_fec",
]
