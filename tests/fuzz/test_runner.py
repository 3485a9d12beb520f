"""The fuzz runner's driver: its summary and its time limit."""
from . import runner


def test_a_run_counts_its_programs_in_the_summary(capsys):
    assert runner.main(["--seed", "smoke", "--count", "2", "--batch", "1", "--jobs", "1", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("programs 2, mismatches 0, crashes 0, time ")


def test_the_time_limit_starts_no_batch_after_it_and_says_so(capsys):
    assert runner.main(["--seed", "smoke", "--count", "50", "--max-time", "0", "--quiet"]) == 0
    summary = capsys.readouterr().out
    assert summary.startswith("programs 0, mismatches 0, crashes 0, time ")
    assert summary.rstrip().endswith("time limit reached, 50 programs not run")
