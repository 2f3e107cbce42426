"""The bottom layer, imported by every other: the atomic file writer and number formatting.

It imports nothing from Tierwise; ``simulation``, ``optimization`` (``milp`` included) and the
application layer may all import it.
"""

__all__: list[str] = []
