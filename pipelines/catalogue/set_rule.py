"""One check between indicators of one set return, and when it is broken.

Kept apart from ``pipelines.catalogue.sets`` (which loads and validates the catalogue with Pandera) so that the
validate path (``pipelines.returns.set_rules``, reading the rules from the home's catalogue cache) evaluates the
rules with this very code without importing the loader.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetRule:
    """One check between indicators of one return: ``sum(lhs) op sum(rhs)`` (op ``le`` or ``eq``).

    ``origin`` is ``relation`` for a rule implied by indicators.csv's parent relations (a category never exceeds its
    distinct total; the parts of one breakdown sum to at most their total) or ``rules.csv`` for an explicit one.
    ``messages`` holds the message in ``kk``, ``ru`` and ``en``."""

    rule_id: str
    lhs: tuple[str, ...]
    op: str
    rhs: tuple[str, ...]
    severity: str
    origin: str
    messages: dict[str, str]

    def broken(self, values: dict[str, float | None]) -> bool:
        """Whether one return's values (by indicator code, for one unit, period and settlement) break the rule.

        Skipped when any of its indicators is not reported: a missing value is "not reported", never 0."""
        if any(values.get(code) is None for code in self.lhs + self.rhs):
            return False
        left = sum(values[c] for c in self.lhs)
        right = sum(values[c] for c in self.rhs)
        return (self.op == "le" and left > right) or (self.op == "eq" and left != right)
