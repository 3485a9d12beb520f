"""Test-suite settings: the IR is verified after every pass of every pipeline; what collection
made is frozen out of the garbage collector's sight."""
import gc

from compiler.passes.manager import PassManager

PassManager.verify_each_default = True


def pytest_collection_finish(session):
    """The objects collection made (the test items, the test modules and what they hold) live
    to the end of the run: moved to the collector's permanent generation, they are no longer
    walked by each full collection -- the memory tests call ``gc.collect()`` in loops, and each
    walked the hundreds of thousands of objects of 12,000 collected tests."""
    gc.freeze()
