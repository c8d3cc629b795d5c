"""The renewal plan, a room of the register: verbs in ``services``, the plan read in ``queries``.

Its pages keep their URL names in the ``review`` namespace (``review:renewal``), where they were
first published.
"""

from .queries import plan_price_expression, renewal_plan
from .services import MAX_YEARS_AHEAD, PLANNABLE, check_budget_year, plan_renewal, unplan_renewal

__all__ = [
    "MAX_YEARS_AHEAD", "PLANNABLE", "check_budget_year", "plan_price_expression", "plan_renewal", "renewal_plan",
    "unplan_renewal",
]
