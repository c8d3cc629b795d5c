"""The scheduled review, "extend rather than replace" (DESIGN.md §4, docs/review.md).

Public interface::

    run_review(today=None, rules=None)      # every rule, set-based, idempotent
    register_rule(rule, replace=False)      # other apps add or replace rules from ready()
    accept_flags(flags=…, actor=…)          # apply the recommendations
    dismiss_flags(flags=…, actor=…, reason=…)
"""

from . import rules  # noqa: F401  (importing it registers the built-in rules, in order)
from .base import Finding, ReviewContext, Rule, get_rule, register_rule, registered_rules, rule_choices
from .run import ReviewResult, RuleOutcome, run_review
from .services import ACCEPT_LIMIT, AcceptReport, accept_flags, dismiss_flags, update_review_settings

__all__ = [
    "ACCEPT_LIMIT", "AcceptReport", "Finding", "ReviewContext", "ReviewResult", "Rule",
    "RuleOutcome", "accept_flags", "dismiss_flags", "get_rule", "register_rule", "registered_rules",
    "rule_choices", "run_review", "update_review_settings",
]
