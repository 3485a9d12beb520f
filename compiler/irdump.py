"""``irdump FILE.py:FUNC --sig "f64, i64" [--stage STAGE]``: print a stage of the compiler.

Stages: ``source`` (the function as written), ``converted`` (after the
AutoGraph-style rewrite), ``ir`` (the traced IR), ``optimized`` (after our
passes), ``lowered`` (our LLVM IR), ``llvm`` (after LLVM's optimizer), ``asm``
(host assembly).  A wrong
file, function or signature is a one-line error and exit status 2.
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
                        help="LLVM optimisation level (default 3)")
    args = parser.parse_args(argv)

    from ir import CompileError

    from .dispatcher import Dispatcher
    from .pipeline import CompileOptions
    from .signatures import SignatureError, parse_signature

    try:
        func = load_function(args.target)
        dispatcher = Dispatcher(func, (), CompileOptions(opt=args.opt))
        if args.stage in ("source", "converted"):
            text = dispatcher.inspect_ir(stage=args.stage)
        else:
            if not args.sig:
                raise UsageError(f"--sig is needed for --stage {args.stage}")
            text = dispatcher.inspect_ir(parse_signature(args.sig), args.stage)
    except (UsageError, SignatureError) as err:
        print(f"irdump: error: {err}", file=sys.stderr)
        return 2
    except (CompileError, TypeError) as err:
        first = str(err).splitlines()[0]
        print(f"irdump: error: {type(err).__name__}: {first}", file=sys.stderr)
        return 2
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
