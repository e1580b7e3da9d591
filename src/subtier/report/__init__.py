"""Reports: terminal text and JSON."""
