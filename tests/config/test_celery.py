import pytest

pytestmark = pytest.mark.celery_worker


def test_a_real_worker_runs_a_task_and_returns_its_result(celery_worker):
    assert celery_worker.send("config.ping").get(timeout=60) == "pong"


def test_a_worker_task_sees_rows_committed_by_the_test(celery_worker):
    from tests.factories import DeviceFactory

    DeviceFactory(asset_tag="GAM-777777")
    result = celery_worker.send("config.count_devices")
    assert result.get(timeout=60) == 1
