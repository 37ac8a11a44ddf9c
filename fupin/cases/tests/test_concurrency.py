"""Two people act on the same step at the same moment: one succeeds, the other is told
the case has moved on. Real threads and row locks need PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from fupin.cases import services
from fupin.cases.choices import Action
from fupin.cases.models import Case
from fupin.core.testing import VILLAGE_A, make_household

from .helpers import Team, open_id


@pytest.mark.django_db(transaction=True)
def test_two_cadres_submit_the_same_step_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads: run with DATABASE_URL=postgres://…")
    team = Team(VILLAGE_A)
    case = open_id(team, make_household(VILLAGE_A))
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(actor):
        try:
            barrier.wait(timeout=10)
            services.act(actor=actor, case=Case.objects.get(pk=case.pk), step="village_review",
                         action=Action.SUBMIT, version=version, comment=actor.username)
            result = "ok"
        except ValidationError as exc:
            result = "stale:" + " ".join(exc.messages)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit, args=(u,)) for u in (team.village, team.village2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o[:5] for o in outcomes) == ["ok", "stale"], outcomes
    assert any("已被他人办理" in o for o in outcomes)
    case.refresh_from_db()
    assert case.version == version + 1 and case.step == "home_visit"
    assert case.steps.filter(step="village_review", action=Action.SUBMIT).count() == 1
