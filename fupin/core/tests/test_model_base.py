"""Every Fupin model keeps the shape core.base_models gives: one way to link a row to its
area (foreign key `area` to areas.Area), one scoped manager with a resolvable `scope_field`,
and change history, except where an allow-list below says why not."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from simple_history.models import HistoricalChanges

from fupin.core.base_models import TEXT_AREA_FIELDS, ScopedManager
from fupin.core.scope import ScopedQuerySet

# Foreign keys to areas.Area that are not a row's home area, or keep a domain name.
OTHER_AREA_LINKS = {
    "areas.Area.parent": "the tree of areas itself",
    "areas.AreaPopulation.area": "areas app: population of an area (below core's scoped layer)",
    "accounts.AreaScope.area": "a user's scope, not a row inside an area",
    "assistance.UnitPairing.village": "结对村: the village a unit is paired with (column area_code)",
}

# Rows nobody sees through `visible_to`: configuration, staging, logs and the areas themselves.
UNSCOPED = {
    "accounts.User": "users are scoped by their AreaScope rows",
    "accounts.AreaScope": "a user's scope",
    "areas.Area": "the areas themselves",
    "areas.AreaPopulation": "public statistics, readable by everyone",
    "core.AccessLog": "log, read by administrators",
    "credit.Policy": "a provincial policy applies everywhere",
    "dci.ChangeEvent": "outbox of registry changes, read by the notify job",
    "ledgers.LedgerLock": "staging: per-county import lock",
    "ledgers.StagedRow": "staging: raw rows of an import batch, read through the batch",
    "monitoring.Hit": "staging: sweep hits, emptied every sweep",
    "monitoring.Rule": "rules apply everywhere (their reach is area_code); edits are checked",
    "monitoring.RuleVersion": "versions of a rule",
    "monitoring.RosterRow": "staging: rows of a roster, read through the roster",
    "monitoring.SettingKey": "names of settings, no area",
    "registry.MemberEvent": "read through its member",
    "reports.AreaFigure": "snapshot, read through reports' own scope checks",
    "reports.AreaFigureRun": "snapshot bookkeeping",
    "reports.ScorecardItem": "read through its scorecard",
}

# Models without django-simple-history, and why (the rest record who changed what, when).
NO_HISTORY = {
    # staging and queues: rows that live for one run
    "ledgers.StagedRow": "staging", "ledgers.LedgerLock": "staging", "monitoring.Hit": "staging",
    "monitoring.RosterRow": "staging: rows of an uploaded roster",
    "field.SyncItem": "receipt of a synced item; the item's own rows keep history",
    "dci.ChangeEvent": "outbox", "dci.Delivery": "outbox: callbacks and retries",
    # logs and run records: each row is itself the record of who did what, when
    "core.Job": "run record", "core.AccessLog": "log", "dci.Transaction": "message log",
    "monitoring.Sweep": "run record",
    "ledgers.ImportBatch": "run record of one import (the registry rows it writes keep history)", "rectification.ProblemEvent": "the problem's event log",
    "projects.ProjectEvent": "the project's event log",
    "monitoring.RuleVersion": "immutable versions: the history of a rule",
    "monitoring.Roster": "one upload, never edited (uploaded_by/at on the row)",
    "assistance.VisitPhoto": "one upload, never edited (part of a visit, which has history)",
    "credit.BankRow": "rows of an uploaded bank file, never edited",
    # derived rows, rebuilt by set-based runs (the run has history)
    "monitoring.Warning": "written by sweeps in bulk SQL; human actions are on the row "
                          "(dismissed_by/at, decided_case) and in the cases app",
    "credit.Subsidy": "computed by the monthly run (SubsidyRun has history)",
    "registry.IncomeFlow": "payments copied from other programmes, unique by (source, ref)",
    "projects.Payout": "written with its benefit link's payment run",
    "reports.AreaFigure": "snapshot", "reports.AreaFigureRun": "snapshot bookkeeping",
    # configuration without a domain owner yet
    "monitoring.SettingKey": "names of settings, shipped with the code",
    "dci.Subscription": "partner subscription, written by the DCI protocol",
    "accounts.User": "accounts keep last_login/date_joined; role changes are audited by admin log",
    "accounts.AreaScope": "edited with the user in admin (admin log)",
    "areas.Area": "loaded from the bundled NBS divisions",
}


def fupin_models() -> list[type[models.Model]]:
    return sorted((m for m in apps.get_models()
                   if m.__module__.startswith("fupin.") and not issubclass(m, HistoricalChanges)),
                  key=lambda m: m._meta.label)


def label(model: type[models.Model], field: Any) -> str:
    return f"{model._meta.label}.{field.name}"


def test_allow_lists_name_real_models_and_fields() -> None:
    labels = {m._meta.label for m in fupin_models()}
    for key in [*TEXT_AREA_FIELDS, *OTHER_AREA_LINKS]:
        app_model, field = key.rsplit(".", 1)
        assert app_model in labels, key
        apps.get_model(app_model)._meta.get_field(field)
    for key in [*UNSCOPED, *NO_HISTORY]:
        assert key in labels, key


def test_a_row_links_to_its_area_by_foreign_key_area() -> None:
    stray = []
    for model in fupin_models():
        for field in model._meta.concrete_fields:
            name = label(model, field)
            if field.is_relation and field.related_model is not None \
                    and field.related_model._meta.label == "areas.Area":
                if field.name != "area" and name not in OTHER_AREA_LINKS:
                    stray.append(f"{name}: foreign key to Area not named area")
            elif not field.is_relation and name not in TEXT_AREA_FIELDS and (
                    field.name == "area_code" or field.name.endswith(("county_code", "village_code"))):
                stray.append(f"{name}: area code kept as text")
    assert stray == [], "link rows to their area with ForeignKey area (core.base_models), " \
                        "or list a reach in TEXT_AREA_FIELDS with its reason:\n" + "\n".join(stray)


def test_the_area_key_is_the_code_column() -> None:
    """`area_id` is the NBS code, so a prefix is a scope with no join."""
    for model in fupin_models():
        try:
            field = model._meta.get_field("area")
        except FieldDoesNotExist:  # models without an area
            continue
        related: Any = field.related_model
        if field.is_relation and related is not None and related._meta.label == "areas.Area":
            assert related._meta.pk.name == "code", model
            query = str(model._default_manager.filter(area__code__startswith="50").query)
            assert 'JOIN "areas_area"' not in query, f"{model._meta.label}: scope joins areas_area"


def test_every_scoped_model_has_the_shared_manager_with_a_resolvable_scope() -> None:
    problems = []
    for model in fupin_models():
        lab = model._meta.label
        manager = model._default_manager
        if lab in UNSCOPED:
            assert not hasattr(manager, "visible_to"), f"{lab} is scoped; take it off UNSCOPED"
            continue
        qs = manager.all()
        if not isinstance(qs, ScopedQuerySet):
            problems.append(f"{lab}: default manager is not a ScopedQuerySet")
            continue
        try:
            str(qs.filter(**{f"{qs.scope_field}__startswith": "50"}).query)
        except Exception as exc:  # report every model at once
            problems.append(f"{lab}: scope_field {qs.scope_field!r} does not resolve: {exc}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lab", ["registry.Income", "monitoring.RiskEvent", "cases.Step",
                                 "assistance.AssistingUnit", "reports.AssessmentTarget"])
def test_older_apps_use_the_shared_manager_and_scope_field(lab: str) -> None:
    model = apps.get_model(lab)
    assert isinstance(model._default_manager, ScopedManager)
    assert model._default_manager.all().scope_field == model.scope_field  # type: ignore[attr-defined]


def test_every_domain_model_keeps_history() -> None:
    missing = [m._meta.label for m in fupin_models()
               if not hasattr(m._meta, "simple_history_manager_attribute")
               and m._meta.label not in NO_HISTORY]
    assert missing == [], "add history (core.base_models.HistoryModel or HistoricalRecords) " \
                          "or say why in NO_HISTORY: " + ", ".join(missing)
    stale = [lab for lab in NO_HISTORY
             if hasattr(apps.get_model(lab)._meta, "simple_history_manager_attribute")]
    assert stale == [], f"these have history now; take them off NO_HISTORY: {stale}"


@pytest.mark.django_db
def test_area_id_follows_scope_field(household: Any) -> None:
    from fupin.monitoring.testing import make_warning
    from fupin.registry.models import HouseholdStatus, Member

    warning = make_warning(household)
    assert warning.area_id == warning.area_code == household.area_id
    status = HouseholdStatus.objects.filter(household=household).first()
    assert status is not None and status.area_id == household.area_id
    member = Member.objects.filter(household=household).first()
    assert member is not None and member.area_id == household.area_id
    # the helper-role restriction still finds the household behind the scope path
    from fupin.assistance.visibility import household_path
    assert household_path(Member) == "household"
    assert household_path(type(warning)) == "household"
