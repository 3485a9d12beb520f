"""NumPy's ufunc C API as ``runtime.ufunc_api`` reaches it: the table's indices checked against
the installed header, and ufuncs that own what they point at."""
import ctypes
import gc
import os

import numpy as np
import pytest

from runtime.ufunc_api import (
    TABLE_INDEX, UFuncAPIError, api_address, check_indices, header_indices, make_ufunc,
)


def _installed_header() -> str:
    with open(os.path.join(np.get_include(), "numpy", "__ufunc_api.h")) as f:
        return f.read()


def test_the_installed_header_has_the_indices_this_module_uses():
    indices = header_indices(_installed_header())
    assert {name: indices[name] for name in TABLE_INDEX} == TABLE_INDEX
    assert indices["PyUFunc_FromFuncAndData"] == 1          # the parser reads multi-line definitions
    check_indices(indices, np.__version__)


def test_a_changed_or_missing_index_is_a_clear_error():
    indices = dict(header_indices(_installed_header()))
    indices["PyUFunc_FromFuncAndDataAndSignatureAndIdentity"] = 43
    with pytest.raises(UFuncAPIError, match="changed its ufunc C API table: "
                                            "PyUFunc_FromFuncAndDataAndSignatureAndIdentity is at 43 "
                                            r"\(expected 42\)"):
        check_indices(indices, "9.9")
    del indices["PyUFunc_clearfperr"]
    with pytest.raises(UFuncAPIError, match="PyUFunc_clearfperr is missing"):
        check_indices(indices, "9.9")


def test_header_parsing_of_one_line_and_continued_definitions():
    text = ("#define PyUFunc_Type (*(PyTypeObject *)PyUFunc_API[0])\n"
            "#define PyUFunc_f_f \\\n        (*(void (*)(char **)) \\\n    PyUFunc_API[6])\n"
            "#define NPY_SOMETHING 3\n")
    assert header_indices(text) == {"PyUFunc_Type": 0, "PyUFunc_f_f": 6}


def test_the_table_starts_with_numpy_ufunc():
    assert api_address("PyUFunc_Type") == id(np.ufunc)


def _copy_loop():
    """A legacy inner loop from ctypes (copies float64 input 0 to output 1)."""
    @ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_ssize_t),
                      ctypes.POINTER(ctypes.c_ssize_t), ctypes.c_void_p)
    def loop(args, dimensions, steps, data):
        n, source, target = dimensions[0], args[0], args[1]
        for i in range(n):
            value = ctypes.c_double.from_address(source + i * steps[0]).value
            ctypes.c_double.from_address(target + i * steps[1]).value = value
    return loop


def test_make_ufunc_owns_its_buffers_and_keep_until_it_dies():
    import weakref

    class Keep:
        pass

    loop, keep = _copy_loop(), Keep()
    alive = weakref.ref(keep)
    ufunc = make_ufunc([ctypes.cast(loop, ctypes.c_void_p).value], [[np.dtype(np.float64).num] * 2], 1, 1,
                       "copy", "Copies.", None, keep=(loop, keep))
    del loop, keep
    gc.collect()
    assert alive() is not None and gc.is_tracked(ufunc)
    assert ufunc.__name__ == "copy" and ufunc.__doc__.endswith("Copies.") and ufunc.types == ["d->d"]
    np.testing.assert_array_equal(ufunc(np.arange(4.0)[::-1]), [3.0, 2.0, 1.0, 0.0])
    del ufunc
    gc.collect()
    assert alive() is None


def test_make_ufunc_refuses_other_identities():
    with pytest.raises(ValueError, match="identity"):
        make_ufunc([0], [[12, 12, 12]], 2, 1, "x", identity=2)
    with pytest.raises(ValueError, match="identity"):
        make_ufunc([0], [[12, 12, 12]], 2, 1, "x", identity=True)

