"""Faults on PostgreSQL: the database connection killed in the middle of a save, and two
people saving the same leaf at once. Nothing accepted is lost, nothing is half-saved."""

import threading
import time
from decimal import Decimal

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from scoring import services
from scoring.enums import Phase, Stage
from scoring.models import LeafScore
from tests import factories as f

pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and killed backends: PostgreSQL only (CI runs it)")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _raw_connection():
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    return conn


def _dossier():
    group = f.make_group()
    period = f.make_period(2025, Phase.SELF_ASSESSMENT, groups=[group])
    nodes = f.make_small_tree(period, [group])
    unit = f.make_unit(group)
    assessment = f.make_assessment(period, unit)
    staff = f.make_user(f.RoleKind.AGENCY_STAFF, unit)
    return assessment, nodes["2.1"], staff


@pytest.mark.django_db(transaction=True)
def test_database_killed_during_a_leaf_save_answers_503_and_saves_nothing():
    assessment, leaf, staff = _dossier()
    services.self_score_set(
        actor=staff,
        assessment=assessment,
        criterion=leaf,
        inputs={"value": "0.5"},
        explanation="Bản đầu tiên",
    )
    before = LeafScore.objects.get(assessment=assessment, criterion=leaf, stage=Stage.SELF)

    # Another session holds the leaf's row: the save waits inside its transaction, after it
    # locked the dossier. A watcher then terminates the waiting backend (the database "goes
    # away" for that request) and the blocker lets go.
    blocker = _raw_connection()
    blocker.cursor().execute(
        "SELECT id FROM scoring_leafscore WHERE id = %s FOR UPDATE", [before.pk]
    )
    killed = []

    def watch():
        admin = _raw_connection()
        admin.autocommit = True
        deadline = time.monotonic() + 20
        with admin.cursor() as cursor:
            while time.monotonic() < deadline and not killed:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> %s",
                    [blocker.get_backend_pid()],
                )
                for (pid,) in cursor.fetchall():
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                    killed.append(pid)
                time.sleep(0.05)
        admin.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    response = client.post(
        f"/ho-so/{assessment.id}/tieu-chi/{leaf.id}/luu/",
        {"value": "1", "explanation": "Bản thứ hai, không được lưu", "version": "1"},
    )
    watcher.join()
    blocker.rollback()
    blocker.close()

    assert killed, "the save never waited on the lock"
    assert response.status_code == 503
    body = response.content.decode()
    assert "CHƯA được lưu" in body and response["Retry-After"] == "30"
    connection.close()  # this thread's connection may be the one that was killed
    after = LeafScore.objects.get(pk=before.pk)
    assert (after.value, after.explanation, after.version) == (Decimal("0.50"), "Bản đầu tiên", 1)
    # The portal works again at once: the same save now goes through.
    retry = client.post(
        f"/ho-so/{assessment.id}/tieu-chi/{leaf.id}/luu/",
        {"value": "1", "explanation": "Bản thứ hai", "version": "1"},
    )
    assert retry.status_code == 302
    after = LeafScore.objects.get(pk=before.pk)
    assert (after.value, after.explanation, after.version) == (Decimal("1.00"), "Bản thứ hai", 2)


def _race(assessment, leaf, users_and_values, expected_version):
    barrier = threading.Barrier(len(users_and_values))
    outcomes = {}

    def save(user, value):
        try:
            barrier.wait()
            services.self_score_set(
                actor=user,
                assessment=assessment,
                criterion=leaf,
                inputs={"value": value},
                explanation=f"Giá trị {value}",
                expected_version=expected_version,
            )
            outcomes[value] = "saved"
        except services.StaleVersionError:
            outcomes[value] = "stale"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=pair) for pair in users_and_values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing", [False, True], ids=["first-save", "update"])
def test_two_people_saving_the_same_leaf_at_once_one_wins_no_lost_update(existing):
    assessment, leaf, staff = _dossier()
    colleague = f.make_user(f.RoleKind.AGENCY_HEAD, assessment.unit)
    version = 0
    if existing:
        services.self_score_set(
            actor=staff,
            assessment=assessment,
            criterion=leaf,
            inputs={"value": "0.25"},
            explanation="Ban đầu",
        )
        version = 1
    for attempt in range(5):  # several rounds: the order of arrival varies
        outcomes = _race(assessment, leaf, [(staff, "0.5"), (colleague, "0.75")], version)
        assert sorted(outcomes.values()) == ["saved", "stale"], outcomes
        winner = next(v for v, o in outcomes.items() if o == "saved")
        stored = LeafScore.objects.get(assessment=assessment, criterion=leaf, stage=Stage.SELF)
        assert stored.value == Decimal(winner)
        assert stored.explanation == f"Giá trị {winner}"
        assert stored.version == version + 1
        version = stored.version
        # Reset to a third value so both racers differ from the stored one next round.
        services.self_score_set(
            actor=staff,
            assessment=assessment,
            criterion=leaf,
            inputs={"value": "0"},
            explanation=f"Vòng {attempt}",
            expected_version=version,
        )
        version += 1
