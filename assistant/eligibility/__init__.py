"""Eligibility: which incentives, conditions and obligations of the corpus apply to an enterprise.

>>> from assistant.eligibility import EnterpriseProfile, match
>>> result = match(EnterpriseProfile(evaluation_class="D", plan_self_renovation=True))
>>> [item.rule_id for item in result.obligations]  # doctest: +SKIP
"""

from assistant.eligibility.matcher import (
    MatchItem,
    MatchResult,
    PolicyPeriod,
    match,
    policy_period,
)
from assistant.eligibility.profile import EnterpriseProfile, ProfileError, load_profile
from assistant.eligibility.rules import Rule, RulesError, load_rules

__all__ = [
    "EnterpriseProfile", "MatchItem", "MatchResult", "PolicyPeriod", "ProfileError", "Rule",
    "RulesError", "load_profile", "load_rules", "match", "policy_period",
]
