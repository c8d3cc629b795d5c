"""The export bench measures a complete file, and its baseline writes the same bytes."""

import pytest

from bench.bench_export import check_file, export_fleet, naive_export, same_start
from config.exports import MACHINE, SPREADSHEET
from tests.factories import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet():
    devices = DeviceFactory.create_batch(4)
    devices[0].notes = "=SUM(A1)\nsecond line"
    devices[0].save()
    return devices


@pytest.mark.parametrize("dialect", [MACHINE, SPREADSHEET])
def test_the_shipped_export_is_complete(tmp_path, fleet, dialect):
    path = tmp_path / "ours.csv"
    assert export_fleet(path, dialect) == path.stat().st_size > 0
    assert check_file(path, dialect) == (4, 4)


@pytest.mark.parametrize("dialect", [MACHINE, SPREADSHEET])
def test_the_naive_baseline_writes_the_same_rows(tmp_path, fleet, dialect):
    export_fleet(tmp_path / "ours.csv", dialect)
    naive_export(tmp_path / "naive.csv", dialect)
    assert same_start(tmp_path / "naive.csv", tmp_path / "ours.csv")
    assert check_file(tmp_path / "naive.csv", dialect) == (4, None)  # no trailer: it cannot tell a cut file


def test_a_sample_is_the_start_of_the_whole_file(tmp_path, fleet):
    export_fleet(tmp_path / "ours.csv", SPREADSHEET)
    naive_export(tmp_path / "naive.csv", SPREADSHEET, limit=2)
    assert check_file(tmp_path / "naive.csv", SPREADSHEET) == (2, None)
    assert same_start(tmp_path / "naive.csv", tmp_path / "ours.csv")


def test_a_cut_file_is_not_complete(tmp_path, fleet):
    path = tmp_path / "ours.csv"
    export_fleet(path, MACHINE)
    path.write_bytes(path.read_bytes()[:-40])
    assert check_file(path, MACHINE)[1] is None  # the last row may survive half cut: the trailer decides
