"""The pure core: no I/O, no HTTP, no database; it imports only ``subtier.core`` and
``subtier.errors``."""
