"""The CPython object layouts the lowering of ``list.len``/``list.get`` reads in place."""
import ctypes

import numpy as np

from compiler.codegen.runtime import FLOAT_VALUE, LIST_ITEMS, LIST_SIZE


def test_list_and_float_fields_are_where_the_lowering_reads_them():
    items = [1.5, "a", np.float64(2.5)]
    assert ctypes.c_ssize_t.from_address(id(items) + LIST_SIZE).value == len(items)
    item_pointers = ctypes.c_void_p.from_address(id(items) + LIST_ITEMS).value
    assert [ctypes.c_void_p.from_address(item_pointers + 8 * k).value for k in range(3)] == [id(v) for v in items]
    assert ctypes.c_double.from_address(id(items[0]) + FLOAT_VALUE).value == 1.5
    assert ctypes.c_double.from_address(id(items[2]) + FLOAT_VALUE).value == 2.5


def test_a_tuples_items_are_inline_where_a_lists_pointer_is():
    items = (1.5, "a", 7)
    assert ctypes.c_ssize_t.from_address(id(items) + LIST_SIZE).value == len(items)
    assert [ctypes.c_void_p.from_address(id(items) + LIST_ITEMS + 8 * k).value for k in range(3)] == \
        [id(v) for v in items]
