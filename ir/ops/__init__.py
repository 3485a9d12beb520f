"""All op classes, and the registry from op name to class (used by the parser)."""
from __future__ import annotations

from ..core import Operation
from . import (
    arith, array, complex, control, func, linalg, lists, local_lists, math, optional, parallel, pointer, runtime,
    tuple as tuple_ops, vector, wholearray,
)
from .arith import *  # noqa: F401,F403
from .array import *  # noqa: F401,F403
from .complex import *  # noqa: F401,F403
from .control import *  # noqa: F401,F403
from .func import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .lists import *  # noqa: F401,F403
from .local_lists import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .optional import *  # noqa: F401,F403
from .parallel import *  # noqa: F401,F403
from .pointer import *  # noqa: F401,F403
from .runtime import *  # noqa: F401,F403
from .tuple import *  # noqa: F401,F403
from .vector import *  # noqa: F401,F403
from .wholearray import *  # noqa: F401,F403

OP_REGISTRY: dict[str, type[Operation]] = {}


def register_op(cls: type[Operation]) -> type[Operation]:
    """Make an op class known to the parser (tools may add their own)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no op name")
    OP_REGISTRY[cls.name] = cls
    return cls


for _module in (arith, array, complex, control, func, linalg, lists, local_lists, math, optional, parallel, pointer,
                runtime, tuple_ops, vector, wholearray):
    for _cls in vars(_module).values():
        if isinstance(_cls, type) and issubclass(_cls, Operation) and _cls.name:
            register_op(_cls)
