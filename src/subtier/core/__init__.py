"""The pure domain: model, normalization, screening, policy, wages, disclosure and review.

Nothing here does I/O or imports from outside ``subtier.core`` except ``subtier.errors``;
``tests/test_architecture.py`` holds every layer to its imports.
"""
