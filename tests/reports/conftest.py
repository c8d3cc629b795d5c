import pytest

from demo.fleet import generate_fleet


@pytest.fixture
def generated_fleet(db):
    """A synthetic fleet with a history (statuses, repairs, redeployments) to fill every page."""
    return generate_fleet(devices=400, seed=11, events_per_device=8)
