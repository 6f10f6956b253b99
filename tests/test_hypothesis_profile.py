"""No property test depends on the machine's speed: the profile ``tests/conftest.py`` loads has
no deadline and no timing health check, and every ``@given`` test runs under it (the three that
kept hypothesis' 200 ms default failed 3 runs of 3 beside four busy loops on 2 cores)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests import test_app, test_cells


def test_the_profile_sets_no_deadline_and_no_speed_check() -> None:
    assert settings.default.deadline is None
    assert HealthCheck.too_slow in settings.default.suppress_health_check


def test_the_tests_that_had_the_default_deadline_have_none() -> None:
    for test in (
        test_app.test_query_round_trip,
        test_app.test_view_filters_are_the_cli_filters,
        test_cells.test_unprotect_inverts_protect,
    ):
        used = test._hypothesis_internal_use_settings  # type: ignore[attr-defined]
        assert used.deadline is None, test.__name__
        assert HealthCheck.too_slow in used.suppress_health_check, test.__name__
