"""Turning sources into chains and policies: chain files, policy files."""

from subtier.ingest.chainfile import load_chain, parse_chain
from subtier.ingest.policyfile import load_policy

__all__ = ["load_chain", "load_policy", "parse_chain"]
