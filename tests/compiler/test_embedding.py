"""Embedding the compiler: ``examples/embedding.py`` and :class:`compiler.Compiler` instances side by side."""
from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

import pytest

from compiler import Compiler
from compiler.passes import PASSES
from ir import parse_module

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "embedding.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("embedding_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_and_prints_its_results(example, capsys) -> None:
    example.main()
    out = capsys.readouterr().out
    assert "[count-ops] @sum_of_squares has 10 ops" in out
    assert "sum_of_squares(10) = 285" in out and "sum_of_squares(1000) = 332833500" in out
    assert "sum_of_squares(-1) raised ValueError: n must be >= 0, not -1\n" in out
    assert "another compiler does not know the pass: unknown pass 'count-ops'" in out


def test_the_example_steps(example) -> None:
    """Build the IR, run a pipeline with the tool's pass, lower, JIT and call."""
    compiler = example.make_compiler()
    module = example.build_sum_of_squares()
    manager = compiler.pipeline("count-ops,fold,count-ops")
    assert manager.registry is compiler.registry
    manager.run(module)
    assert [r.pass_name for r in manager.remarks] == ["count-ops", "count-ops"]
    assert compiler.optimize(module, "count-ops") is False
    lowered = compiler.lower(module)
    assert '@"pyjit_entry.sum_of_squares"' in lowered.llvm_ir and len(lowered.error_sites) == 1
    sum_of_squares = compiler.jit(example.build_sum_of_squares())
    assert [sum_of_squares([n]) for n in (0, 2, 10)] == [0, 1, 285]
    with pytest.raises(ValueError, match=r"^n must be >= 0, not -7$"):
        sum_of_squares([-7])


def test_two_instances_do_not_see_each_others_passes(example) -> None:
    first, second = Compiler(opt=3), Compiler(opt=0)
    first.register_pass(example.CountOps)
    assert "count-ops" in first.registry
    assert "count-ops" not in second.registry and "count-ops" not in PASSES
    assert "fold" in second.registry  # both start from the built-in passes
    for use in (lambda: second.pipeline("count-ops"), lambda: second.optimize(example.build_sum_of_squares(),
                                                                              "fold,count-ops")):
        with pytest.raises(ValueError, match="unknown pass 'count-ops'"):
            use()

    class Other:  # the same name, another class: no clash between instances
        name = "count-ops"

        def run(self, module) -> bool:
            return False

    second.register_pass(Other)
    assert first.registry["count-ops"] is example.CountOps and second.registry["count-ops"] is Other
    with pytest.raises(ValueError, match="already taken"):
        first.register_pass(Other)

    compiled = []
    for compiler in (first, second):
        module = example.build_sum_of_squares()
        compiler.optimize(module, "count-ops,fold")
        compiled.append(compiler.jit(module))
    assert [f([12]) for f in compiled] == [506, 506]
    for f in compiled:  # each module's statuses are its own: status 1 is its ValueError
        assert [site.exception for site in f.error_sites] == ["ValueError"]
        with pytest.raises(ValueError, match="not -1"):
            f([-1])


def test_options_belong_to_the_instance(example) -> None:
    compiler = Compiler(opt=1, fastmath=True)
    assert compiler.pipeline().names == ["fold", "dce", "lower-arrays"]
    module = example.build_sum_of_squares()
    compiler.optimize(module, ())
    assert module["sum_of_squares"].attributes["fastmath"] is True
    with pytest.raises(ValueError, match="opt must be"):
        Compiler(opt=7)


def test_jit_needs_an_entry_when_the_module_has_several_functions(example) -> None:
    text = str(example.build_sum_of_squares())
    module = parse_module(text + "\n" + text.replace("@sum_of_squares", "@again"))
    with pytest.raises(ValueError, match=r"2 functions \(sum_of_squares, again\): name the entry"):
        Compiler().jit(module)
    assert Compiler().jit(module, "again")([3]) == 5


def test_import_compiler_stays_cheap() -> None:
    """``import compiler`` (with ``Compiler``) loads neither llvmlite nor NumPy."""
    code = ("import sys, compiler; compiler.Compiler; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'llvmlite', 'numpy', 'networkx'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"



def test_the_instance_compiles_python_functions_with_its_own_passes(example, capsys) -> None:
    """``@tool.compile``: a Python function through a pipeline naming the tool's pattern pass;
    the plain ``@compile`` and another instance do not know that pass."""
    from compiler import compile

    tool = example.make_compiler()
    twice = tool.compile(example.twice_the_sum, passes="double-as-add,fold,dce")
    assert twice(100) == example.twice_the_sum(100) == 9900
    optimized = twice.inspect_ir(stage="optimized")
    assert "mul" not in optimized and "add %3, %3" in optimized
    plain = tool.compile(opt=3)(example.twice_the_sum)
    assert plain(100) == 9900 and "mul" in plain.inspect_ir(stage="optimized")
    with pytest.raises(ValueError, match="unknown pass 'double-as-add'"):
        compile(example.twice_the_sum, passes="double-as-add")
    with pytest.raises(ValueError, match="unknown pass 'double-as-add'"):
        Compiler().compile(example.twice_the_sum, passes="double-as-add")
