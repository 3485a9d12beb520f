"""Test-suite settings: the IR is verified after every pass of every pipeline."""
from compiler.passes.manager import PassManager

PassManager.verify_each_default = True
