"""The side-by-side bench runner's pure parts: sizes, databases per size, tables merged."""

from bench.side_by_side import (
    database_url_for,
    merge_rows,
    merge_runs,
    merge_texts,
    normalise_title,
    parse_sizes,
    size_label,
)


def test_no_size_is_the_default_hundred_thousand():
    assert parse_sizes("") == [100_000]
    assert parse_sizes(None) == [100_000]


def test_a_size_up_to_the_reference_runs_alone():
    assert parse_sizes("100000") == [100_000]
    assert parse_sizes("5000") == [5_000]


def test_a_single_large_size_gets_the_reference_beside_it():
    assert parse_sizes("1000000") == [100_000, 1_000_000]


def test_no_reference_keeps_a_large_size_alone():
    assert parse_sizes("1000000", reference=0) == [1_000_000]


def test_a_comma_list_is_sorted_without_duplicates():
    assert parse_sizes("1000000, 100000,100000,") == [100_000, 1_000_000]


def test_size_labels():
    assert [size_label(n) for n in (300, 1_500, 100_000, 1_000_000, 2_500_000)] == ["300", "1500", "100k", "1M",
                                                                                  "2500k"]


def test_postgresql_database_name_is_suffixed_with_the_size():
    url = database_url_for(1_000_000, "postgres://postgres:pw@127.0.0.1:5432/prolonge_bench?sslmode=disable", {})
    assert url == "postgres://postgres:pw@127.0.0.1:5432/prolonge_bench_1000000?sslmode=disable"


def test_one_size_can_name_its_own_database():
    environ = {"BENCH_DATABASE_URL_1000000": "postgres://postgres@127.0.0.1:5432/prolonge_bench1m"}
    assert database_url_for(1_000_000, "postgres://x/prolonge_bench", environ) == environ["BENCH_DATABASE_URL_1000000"]
    assert database_url_for(100_000, "postgres://x/prolonge_bench", environ) == "postgres://x/prolonge_bench_100000"


def test_sqlite_file_name_is_suffixed_with_the_size():
    assert database_url_for(100_000, "sqlite:////work/var/bench.sqlite3", {}) == \
        "sqlite:////work/var/bench_100000.sqlite3"


def test_titles_match_whatever_the_counts():
    small = "review over 100,000 devices on postgresql (12,345 open flags)"
    large = "review over 1,000,000 devices on postgresql (123,456 open flags)"
    assert normalise_title(small) == normalise_title(large) == "review over # devices on postgresql (# open flags)"


def test_texts_that_differ_by_their_numbers_merge_in_place():
    assert merge_texts(["over 100,000 devices on sqlite", "over 1,000,000 devices on sqlite"]) == \
        "over 100,000 / 1,000,000 devices on sqlite"
    assert merge_texts(["yes", "yes"]) == "yes"
    assert merge_texts(["yes", "no"]) == "yes / no"


def test_two_sizes_merge_into_one_table():
    small = [{"case": "unfiltered", "page": "first", "count": "~100,000", "page_ms": 10.0, "queries": 5},
             {"case": "unfiltered", "page": "last", "count": "~100,000", "page_ms": 20.0, "queries": 5}]
    large = [{"case": "unfiltered", "page": "first", "count": "~1,000,000", "page_ms": 15.0, "queries": 5},
             {"case": "unfiltered", "page": "last", "count": "~1,000,000", "page_ms": 40.0, "queries": 6}]
    merged = merge_rows([("100k", small), ("1M", large)])
    assert list(merged[0]) == ["case", "page", "count", "page_ms@100k", "page_ms@1M", "1M/100k", "queries@100k",
                               "queries@1M"]
    assert merged[1] == {"case": "unfiltered", "page": "last", "count": "~100,000 / 1,000,000",
                         "page_ms@100k": 20.0, "page_ms@1M": 40.0, "1M/100k": 2.0, "queries@100k": 5,
                         "queries@1M": 6}


def test_runs_are_matched_by_normalised_title():
    runs = [
        (100_000, [{"title": "labels: 1,000 labels", "rows": [{"method": "vector", "seconds": 1.0}]},
                   {"title": "export — 100,000 devices", "rows": [{"case": "ours", "seconds": 2.0}]}]),
        (1_000_000, [{"title": "export — 1,000,000 devices", "rows": [{"case": "ours", "seconds": 20.0}]},
                     {"title": "labels: 1,000 labels", "rows": [{"method": "vector", "seconds": 1.5}]}]),
    ]
    merged = merge_runs(runs)
    assert [table["title"] for table in merged] == ["labels: 1,000 labels", "export — 100,000 / 1,000,000 devices"]
    assert merged[1]["rows"] == [{"case": "ours", "seconds@100k": 2.0, "seconds@1M": 20.0, "1M/100k": 10.0}]
    assert merged[0]["sizes"] == ["100k", "1M"]


def test_notes_come_after_the_figures():
    small = [{"case": "naive", "note": "from 100,000 rows", "seconds": 1.0}]
    large = [{"case": "naive", "note": "from 100,000 rows ×10.0 extrapolated", "seconds": 10.0}]
    merged = merge_rows([("100k", small), ("1M", large)])
    assert list(merged[0]) == ["case", "seconds@100k", "seconds@1M", "1M/100k", "note"]
    assert merged[0]["note"] == "from 100,000 rows / from 100,000 rows ×10.0 extrapolated"
