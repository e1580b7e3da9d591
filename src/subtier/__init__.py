"""subtier: who really does our work, where, and for what pay?"""

__version__ = "0.1.0"
__all__ = ["__version__"]
