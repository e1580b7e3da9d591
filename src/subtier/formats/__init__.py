"""Turning sources into chains and policies: chain files, policy files."""

from subtier.formats.chainfile import load_chain, parse_chain
from subtier.formats.policyfile import load_policy

__all__ = ["load_chain", "load_policy", "parse_chain"]
