"""The rules in force: the shipped defaults merged with admins' overrides from the database.

Compiled rule sets are cached per process and rebuilt when an override changes, so every
web process and worker screens with the same rules within one query's delay.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from forum.db import utcnow
from forum.extensions import db
from forum.moderation import classifier
from forum.moderation.models import RuleOverride
from forum.moderation.screening import (
    Rule,
    RuleSet,
    default_rules,
    merge_rules,
    rules_from_json,
    rules_to_json,
)

_cache: dict[str, Any] = {"stamp": None, "count": None, "model": None, "ruleset": None}


def _overrides() -> list[Rule]:
    rows = db.session.scalars(select(RuleOverride).order_by(RuleOverride.key))
    return rules_from_json([json.loads(row.data) for row in rows])


def effective_rules() -> list[Rule]:
    """Every rule in force: defaults, replaced or extended by the admins' overrides."""
    return merge_rules(default_rules(), _overrides())


def current_ruleset() -> RuleSet:
    """The compiled rule set with its model, rebuilt only when the overrides or model changed.

    The model is the shipped one unless FORUM_SCREENING_MODEL names a file written by
    `flask forum moderation train`, or "off" for the rules alone.
    """
    stamp: datetime | None
    stamp, count = db.session.execute(
        select(func.max(RuleOverride.updated_at), func.count(RuleOverride.key))
    ).one()
    model = current_app.config.get("FORUM_SCREENING_MODEL") or None
    if _cache["ruleset"] is None or (_cache["stamp"], _cache["count"], _cache["model"]) != (
        stamp,
        count,
        model,
    ):
        ruleset = RuleSet(effective_rules(), screening_model(model))
        _cache.update(stamp=stamp, count=count, model=model, ruleset=ruleset)
    return _cache["ruleset"]


def screening_model(setting: str | None) -> classifier.Classifier | None:
    """The model a FORUM_SCREENING_MODEL setting names: shipped (unset), a file, or "off"."""
    if setting is None:
        return classifier.default_classifier()
    return None if setting == "off" else classifier.load(setting)


def export_rules() -> list[dict[str, Any]]:
    """The rules in force as JSON-ready dicts (for `flask forum moderation rules export`)."""
    return rules_to_json(effective_rules())


def import_rules(data: list[dict[str, Any]]) -> int:
    """Store rules as overrides: same key replaces a default, a new key adds a rule.

    Raises RuleError (from the screening module) before anything is stored if any rule
    is invalid. Returns how many rules were stored.
    """
    rules = rules_from_json(data)
    now = utcnow()
    for rule in rules:
        row = db.session.get(RuleOverride, rule.key) or RuleOverride(key=rule.key)
        row.data = json.dumps(rules_to_json([rule])[0], sort_keys=True)
        row.updated_at = now
        db.session.add(row)
    db.session.flush()
    return len(rules)


def keys_changed_by(data: list[dict[str, Any]]) -> list[str]:
    """The keys of rules in force that importing `data` would change (not the new ones).

    Raises RuleError, like `import_rules`, if any rule is invalid.
    """
    in_force = {rule["key"]: rule for rule in export_rules()}
    incoming = rules_to_json(rules_from_json(data))
    return [rule["key"] for rule in incoming if in_force.get(rule["key"], rule) != rule]


def reset_rules() -> int:
    """Drop every override, going back to the shipped defaults."""
    count = db.session.query(RuleOverride).delete()
    db.session.flush()
    return count
