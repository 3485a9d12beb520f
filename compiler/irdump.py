"""``irdump FILE.py:FUNC --sig "f64, i64" [--stage STAGE]``: print a stage of the compiler.

    irdump k.py:f --sig "f64[::1]" -O 3 --print-after-all      # the IR after each pass
    irdump k.py:f --sig "f64[::1]" --passes fold,bce --print-changed --diff
    irdump k.py:f --sig "f64[::1]" --time-passes --remarks --dot f.dot
    irdump k.py:f --sig "f64[:, ::1]" --parallel --remarks       # which loops run in parallel

Stages: ``source`` (the function as written), ``converted`` (after the
AutoGraph-style rewrite), ``ir`` (the traced IR), ``optimized`` (after our
passes), ``lowered`` (our LLVM IR), ``llvm`` (after LLVM's optimizer), ``asm``
(host assembly).  The pass
views (``--print-*``, ``--time-passes``, ``--remarks``, ``--dot``) trace the
function again and run the pipeline of ``-O``/``--passes`` with hooks
attached.  A wrong file, function, signature or pass name is a one-line error
and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Sequence

from .dispatcher import STAGES


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit status 2."""


def load_function(target: str):
    """``path/to/file.py:func`` -> the Python function (undecorated)."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise UsageError(f"expected FILE.py:FUNCTION, got {target!r}")
    if not os.path.isfile(path):
        raise UsageError(f"no such file: {path}")
    spec = importlib.util.spec_from_file_location(f"irdump_target_{abs(hash(path))}", path)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        raise UsageError(f"{path} failed to import: {type(err).__name__}: {err}") from None
    finally:
        sys.path.pop(0)
    func = getattr(module, name, None)
    if func is None:
        raise UsageError(f"{path} has no function {name!r}")
    func = getattr(func, "py_func", func)
    if not callable(func):
        raise UsageError(f"{path}:{name} is not a function")
    return func


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="irdump", description=__doc__.splitlines()[0])
    parser.add_argument("target", help="FILE.py:FUNCTION")
    parser.add_argument("--sig", help='argument types, e.g. "f64, i64" (not needed for source/converted)')
    parser.add_argument("--stage", choices=STAGES, default="ir")
    parser.add_argument("-O", dest="opt", type=int, choices=(0, 1, 2, 3), default=3,
                        help="optimisation level: our pass preset and LLVM's level (default 3)")
    parser.add_argument("--passes", help='our pass pipeline by name, e.g. "fold,dce,cse" (instead of -O)')
    parser.add_argument("--no-boundscheck", action="store_true", help="compile without array index checks")
    parser.add_argument("--fastmath", action="store_true",
                        help="let floating-point reductions be reordered (vectorized)")
    parser.add_argument("--parallel", action="store_true",
                        help="compile with parallel=True (prange loops and large array code on several threads)")
    parser.add_argument("--print-after-all", action="store_true", help="the IR after every pass")
    parser.add_argument("--print-after", action="append", default=[], metavar="PASS",
                        help="the IR after each run of PASS (repeatable)")
    parser.add_argument("--print-before", action="append", default=[], metavar="PASS",
                        help="the IR before each run of PASS (repeatable)")
    parser.add_argument("--print-changed", action="store_true", help="the IR after the passes that changed it")
    parser.add_argument("--diff", action="store_true", help="with --print-changed: a unified diff instead")
    parser.add_argument("--time-passes", action="store_true", help="a table of the time spent in each pass")
    parser.add_argument("--remarks", action="store_true", help="what the passes decided, with source lines")
    parser.add_argument("--dot", metavar="FILE", help="write the optimized function's structure as Graphviz DOT")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    args = parser.parse_args(argv)

    from ir import CompileError

    from .dispatcher import Dispatcher
    from .passes.manager import PassManager
    from .pipeline import CompileOptions
    from .signatures import SignatureError, parse_signature

    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    out: list[str] = []
    try:
        for name in (*args.print_after, *args.print_before):
            PassManager(name)   # an unknown pass is a usage error
        func = load_function(args.target)
        dispatcher = Dispatcher(func, (), CompileOptions(opt=args.opt, passes=args.passes,
                                                          boundscheck=not args.no_boundscheck,
                                                          fastmath=args.fastmath, parallel=args.parallel))
        if args.stage in ("source", "converted"):
            out.append(dispatcher.inspect_ir(stage=args.stage))
        else:
            if not args.sig:
                raise UsageError(f"--sig is needed for --stage {args.stage}")
            compiled = dispatcher.compile(parse_signature(args.sig))
            watching = (args.print_after_all or args.print_after or args.print_before or args.print_changed
                        or args.time_passes or args.remarks or args.dot)
            if watching:
                manager = PassManager(dispatcher.options.pipeline, True, dispatcher.options.registry)
                timings = _watch(manager, args, out, color)
                module = dispatcher.build_module(compiled, optimize=True, manager=manager)
                _run_parallel(module, manager)
                if args.time_passes:
                    out.append(_time_table(timings))
                if args.remarks:
                    out.append("\n".join(str(r) for r in manager.remarks) or "(no remarks)")
                if args.dot:
                    with open(args.dot, "w") as f:
                        f.write(to_dot(module))
            else:
                out.append(dispatcher.inspect_ir(compiled_signature(compiled), args.stage))
    except (UsageError, SignatureError, ValueError) as err:
        print(f"irdump: error: {err}", file=sys.stderr)
        return 2
    except (CompileError, TypeError) as err:
        first = str(err).splitlines()[0]
        print(f"irdump: error: {type(err).__name__}: {first}", file=sys.stderr)
        return 2
    text = "\n".join(part.rstrip("\n") for part in out if part)
    sys.stdout.write(text + "\n" if text else "")
    return 0


def _run_parallel(module, manager) -> None:
    """The ``parallel`` pass the compiler runs after the pipeline (after the last
    ``lower-arrays``), with its remarks collected with the pipeline's."""
    from .passes.lower_arrays import LowerArrays
    from .passes.parallel import ParallelPass

    LowerArrays().run(module)
    parallel = ParallelPass()
    parallel.remarks = manager.remarks
    parallel.run(module)


def compiled_signature(compiled):
    from .signatures import Signature

    return Signature(compiled.arg_types, compiled.result_type)


def _watch(manager, args, out: list[str], color: bool) -> dict[str, float]:
    """Attach the printing and timing hooks ``args`` ask for; returns the timing table."""
    import difflib
    import time

    timings: dict[str, float] = {}
    state: dict = {}

    def before(pass_, module) -> None:
        if pass_.name in args.print_before:
            out.append(_banner(f"IR before {pass_.name}", color) + "\n" + str(module))
        if args.print_changed:
            state["text"] = str(module)
        state["t0"] = time.perf_counter()

    def after(pass_, module, changed: bool) -> None:
        timings[pass_.name] = timings.get(pass_.name, 0.0) + time.perf_counter() - state["t0"]
        title = f"IR after {pass_.name}"
        if pass_.cleanup_for:
            title += f" (cleanup after {pass_.cleanup_for})"
        if args.print_after_all or pass_.name in args.print_after:
            out.append(_banner(title + ("" if changed else " (unchanged)"), color) + "\n" + str(module))
        elif args.print_changed and changed:
            summary = pass_.changes.summary()   # what the pass's rewriter reported
            title += f": {summary}" if summary else ""
            text = str(module)
            if args.diff:
                lines = difflib.unified_diff(state["text"].splitlines(), text.splitlines(),
                                             f"before {pass_.name}", title, lineterm="")
                out.append("\n".join(_paint_diff(line, color) for line in lines))
            else:
                out.append(_banner(title, color) + "\n" + text)

    manager.before.append(before)
    manager.after.append(after)
    return timings


def _time_table(timings: dict[str, float]) -> str:
    total = sum(timings.values()) or 1e-12
    rows = [f"{'pass':<10} {'time (ms)':>10} {'share':>7}"]
    rows += [f"{name:<10} {t * 1e3:>10.3f} {t / total:>7.1%}" for name, t in
             sorted(timings.items(), key=lambda item: -item[1])]
    rows.append(f"{'total':<10} {total * 1e3:>10.3f} {1:>7.1%}")
    return "\n".join(rows)


def _banner(text: str, color: bool) -> str:
    line = f"// ----- {text} -----"
    return f"\033[1;36m{line}\033[0m" if color else line


def _paint_diff(line: str, color: bool) -> str:
    if not color or line.startswith(("+++", "---")):
        return line
    code = {"+": "32", "-": "31", "@": "36"}.get(line[:1])
    return f"\033[{code}m{line}\033[0m" if code else line


def to_dot(module) -> str:
    """The module's functions as a Graphviz DOT graph: one node per op that has regions
    (``func``, ``if``, ``for``, ``while``) or calls, nesting and call edges between them."""
    lines = ["digraph ir {", "  node [shape=box, fontname=monospace];"]
    ids: dict[int, str] = {}

    def node(op) -> str:
        if id(op) not in ids:
            ids[id(op)] = f"n{len(ids)}"
            label = op.name if op.name != "func" else f"func @{op.sym_name}"
            if op.loc is not None:
                label += f"\\nline {op.loc.line}"
            if op.name == "call":
                label = f"call @{op.callee}" + (f"\\nline {op.loc.line}" if op.loc else "")
            lines.append(f'  {ids[id(op)]} [label="{label}"];')
        return ids[id(op)]

    def visit(op, parent) -> None:
        if parent is not None:
            lines.append(f"  {node(parent)} -> {node(op)};")
        for region in op.regions:
            for inner in region.block.ops:
                if inner.regions or inner.name == "call":
                    visit(inner, op)

    funcs = {f.sym_name: f for f in module}
    for func in funcs.values():
        visit(func, None)
    for op in module.walk():
        if op.name == "call" and op.callee in funcs:
            lines.append(f"  {node(op)} -> {node(funcs[op.callee])} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
