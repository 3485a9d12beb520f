"""Bad inputs: each case of ``corpus.py`` as its own test, and the whole corpus in a child process.

What each case must give, and how "names the file and line and says what to
do" is checked, is described in ``corpus.py``; the code the cases compile is
in ``bad_code.py``.  The child-process run is the crash check: a segfault or
an abort inside compiled code or LLVM would kill pytest, so the corpus runs
again in a separate interpreter, which must finish every case and exit with
status 0 -- a case that fails its check there is reported by its own test
here, not twice.
"""
import os
import signal
import subprocess
import sys

import pytest

from .corpus import CASES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: seconds the child may take for the whole corpus (a hang fails the test, it does not stall it)
CHILD_TIMEOUT = 240


def test_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input(case):
    case.check()


CHILD_SCRIPT = """
import sys
from tests.robustness.corpus import CASES

for case in CASES:
    print("start", case.id, flush=True)
    try:
        case.check()
        print("ok", case.id, flush=True)
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # reported by the parent; only a crash may end the process
        print("failed", case.id, type(err).__name__, flush=True)
print("finished", len(CASES), flush=True)
"""


def test_whole_corpus_in_a_child_process_does_not_crash():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
    try:
        proc = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CHILD_SCRIPT], check=False, cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        started = [line.split()[1] for line in out.splitlines() if line.startswith("start ")]
        pytest.fail(f"the corpus did not finish within {CHILD_TIMEOUT} s; "
                    f"hanging case: {started[-1] if started else 'before the first case'}")
    lines = proc.stdout.splitlines()
    started = [line.split()[1] for line in lines if line.startswith("start ")]
    last = started[-1] if started else "before the first case"
    if proc.returncode < 0:
        pytest.fail(f"the child process was killed by {signal.Signals(-proc.returncode).name} "
                    f"in case {last}\nstderr:\n{proc.stderr[-4000:]}")
    assert proc.returncode == 0, f"exit status {proc.returncode} in case {last}\nstderr:\n{proc.stderr[-4000:]}"
    assert lines and lines[-1] == f"finished {len(CASES)}", f"the child stopped in case {last}: {proc.stdout[-2000:]}"
    ended = [line.split()[1] for line in lines if line.startswith(("ok ", "failed "))]
    assert ended == [case.id for case in CASES]
