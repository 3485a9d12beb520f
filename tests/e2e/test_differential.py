"""Differential tests: every kernel compiled at -O0 and -O3 against CPython.

For each kernel and input tuple the compiled function must give what
CPython gives: the same value of the same type (floats equal or both NaN,
zeros with the same sign), or the same exception type -- and for the
exceptions compiled code reports by status code, CPython's message, raised
from a frame of the line CPython raised on (``kernels.py:LINE``).

Inputs keep CPython's results inside int64.  The documented differences
from CPython (int wrap-around, ``int ** negative`` run-time exponent,
int/float unification, mixed ``min``/``max``, float powers with a complex
result, floats beyond int64) have explicit tests at the end instead.
"""
import math
import traceback

import pytest

from . import kernels as K
from .support import (
    I64MAX, I64MIN, OPT_LEVELS, CompiledCache, assert_matches_cpython, assert_same_value, line_of,
)

NAN, INF = math.nan, math.inf
compiled = CompiledCache()

CASES = {
    # ---------------------------------------------------------- if / elif / else
    K.sign: [(5,), (-3,), (0,), (I64MAX,), (I64MIN,), (2.5,), (0.0,), (-0.0,), (NAN,), (INF,), (-INF,), (True,)],
    K.grade: [(95,), (90,), (85,), (75,), (65,), (10,), (-5,), (89.99,), (NAN,), (INF,)],
    K.clamp: [(5, 0, 10), (-5, 0, 10), (15, 0, 10), (0, 0, 0), (I64MIN, -1, 1), (2.5, 0.0, 1.0),
              (NAN, 0.0, 1.0), (-0.0, 0.0, 1.0), (-INF, -1.0, 1.0)],
    K.nested_if: [(1, 1), (1, -1), (-1, 1), (-1, 0), (-1, -1), (0, 0), (0.5, -0.0), (NAN, NAN)],
    K.if_without_else: [(10,), (7,), (0,), (-6,), (-7,), (I64MAX,), (I64MIN,)],
    # ---------------------------------------------------------- while
    K.countdown_sum: [(0,), (1,), (100,), (-5,), (10000,)],
    K.while_true_break: [(0,), (1,), (99,), (100,), (10**10,), (2.5,), (-1,)],
    K.while_else: [(0,), (5,), (7,), (8,), (100,), (-3,)],
    K.first_divisor: [(2,), (15,), (49,), (97,), (1,), (0,), (-4,), (1000003,), (2**31 - 1,)],
    # ---------------------------------------------------------- for over range
    K.range1_sum: [(0,), (1,), (10,), (-5,), (100000,), (2.5,)],
    K.range2_sum: [(0, 10), (-5, 5), (10, 0), (3, 3), (-100, -90), (2**30, 2**30 + 3)],
    K.range3_sum: [(0, 10, 1), (0, 10, 3), (10, 0, -3), (0, 10, -1), (5, 5, 1), (0, 10, 0), (-10, 10, 7),
                   (10, -10, -7), (0, 10, 100), (0, 1, I64MAX), (3, -3, I64MIN)],
    K.range_trip_count: [(0, I64MAX, 2**62), (I64MAX - 10, I64MAX, 7), (I64MIN, I64MIN + 5, 2),
                         (I64MAX, I64MIN, -2**62), (5, I64MIN, I64MIN), (I64MIN, I64MAX, I64MAX),
                         (0, 10, 0), (10, 0, 1)],
    K.range_negative_step: [(10,), (0,), (-1,), (1,), (100,)],
    K.range_const_bounds: [(1.0,), (0.0,), (-0.0,), (NAN,), (INF,), (3,)],
    K.range_empty: [(0,), (5,), (-5,)],
    K.loop_var_after_loop: [(0,), (1,), (10,), (-3,)],
    K.loop_var_after_break: [(10, 20), (10, 1000), (0, 5), (5, 0)],
    K.loop_var_read_when_bound: [(0,), (1,), (10,), (-4,)],
    K.range_step_break: [(0, 100, 7, 50), (100, 0, -7, 50), (0, 10, 3, 1000), (10, 0, -3, 1000), (0, 10, -1, 5),
                         (0, 10, 0, 5), (I64MAX - 20, I64MAX, 9, 10**18)],
    K.range_step_return: [(0, 100, 5), (100, 0, -5), (4, 100, 7), (0, 3, 1), (0, 10, 0), (I64MAX - 3, I64MAX, 2)],
    K.for_else_search: [(10, 49), (10, 50), (0, 0), (5, 16), (5, 25)],
    K.for_else_no_break: [(0,), (5,), (-1,)],
    K.for_else_continue: [(0,), (5,), (10,)],
    K.loop_var_reassigned: [(0,), (1,), (5,)],
    K.loop_bound_changed: [(0,), (5,), (-2,)],
    K.widening_accumulator: [(1,), (10,), (1000,)],
    K.nested_break_continue: [(0, 0), (5, 5), (10, 10), (20, 3), (3, 20)],
    K.triple_nested: [(0,), (4,), (9,)],
    K.deep_return: [(0, 0), (6, 8), (6, 100), (10, 0)],
    K.python_while_long: [(1.0,), (-0.5,), (3,), (NAN,)],
    K.tuple_state_loop: [(0,), (1,), (20,)],
    K.while_nested_continue: [(0,), (1,), (10,), (25,)],
    K.find_pair: [(10, 12), (10, 81), (10, 97), (1, 1), (20, 0)],
    K.return_in_if_in_while: [(1,), (14,), (100,), (1000,), (-5,), (2**40,)],
    K.early_return_guard: [(1.0, 2.0), (1.0, 0.0), (-1.0, 2.0), (3, 4), (3, 0), (-3, 4), (NAN, 1.0),
                           (1.0, -0.0)],
    # ---------------------------------------------------------- for over Python tuples
    K.tuple_loop: [(2,), (-3,), (0.5,), (NAN,)],
    K.tuple_loop_floats: [(2.0,), (0,), (-1.5,), (INF,)],
    K.global_tuple_poly: [(2.0,), (-1,), (0.0,), (NAN,)],
    K.enumerate_zip_tuples: [(2.0,), (0.0,), (-1.5,), (3,)],
    K.tuple_of_pairs: [(0,), (7,), (-2,), (1.5,)],
    K.tuple_loop_break: [(0,), (1,), (2.5,), (10,), (NAN,)],
    K.tuple_indexing: [(2, 3), (1.5, -0.5)],
    K.tuple_indexed_by_loop: [(2.0,), (0.0,), (-1,)],
    K.in_tuple: [(1,), (3,), (4,), (0,), (2.0,), (NAN,)],
    # ---------------------------------------------------------- ternaries, and/or, comparisons
    K.ternary_abs: [(3,), (-3,), (0,), (-0.0,), (NAN,), (-INF,), (I64MAX,)],
    K.nested_ternary: [(11,), (10,), (0,), (-10,), (-11,), (NAN,)],
    K.ternary_guards_division: [(1, 2), (1, 0), (1.0, 0.0), (-7, 2), (1.0, -0.0)],
    K.and_value: [(3, 5), (0, 5), (3, 0), (0, 0), (-1, 7), (True, False), (False, True), (2.5, 0.0),
                  (0.0, 2.5), (NAN, 1.0)],
    K.or_value: [(3, 5), (0, 5), (3, 0), (0, 0), (-1, 7), (True, False), (False, False), (2.5, 0.0),
                 (0.0, 2.5), (-0.0, 0.0)],
    K.and_or_chain: [(1, 2, 3), (0, 2, 3), (1, 0, 3), (0, 0, 0), (1.0, 0.0, -0.0)],
    K.short_circuit_guard: [(10, 5), (10, 3), (10, 0), (0, 0), (-9, 3)],
    K.short_circuit_value: [(10, 3), (10, 0), (-7, 2), (0, -5)],
    K.not_operator: [(0, 0), (1, 0), (0, 1), (3, 4), (0.0, NAN), (True, False)],
    K.chained_compare: [(1, 2, 3), (1, 3, 2), (3, 2, 1), (1, 1, 2), (1.0, 2, 3.5), (NAN, 1.0, 2.0),
                        (-INF, 0.0, INF)],
    K.chained_compare_mixed: [(5, 0, 10), (10, 0, 10), (3, 3, 3), (0, 1, 2), (2.0, 2.0, 2.0), (NAN, 0.0, 1.0)],
    K.chained_compare_float: [(0.5,), (0.0,), (-0.0,), (1.0,), (1.5,), (NAN,), (INF,)],
    # ---------------------------------------------------------- assignments
    K.aug_assign_int: [(5, 3), (-7, 2), (100, -3), (0, 1), (1, 0), (2**40, 7), (-2**40, -9)],
    K.aug_assign_float: [(1.5, 2.0), (-3.0, 0.5), (0.0, 1.0), (1.0, 0.0), (NAN, 1.0), (INF, 2.0), (2, 3)],
    K.swap: [(1, 2), (-5, 5), (1.5, -2.5), (0, 0)],
    K.rotate3: [(1, 2, 3), (0, -1, 9)],
    K.tuple_pack_unpack: [(3, 4), (-2, 5), (1.5, 0.5), (0, 0)],
    K.multi_target_assign: [(1,), (-4,), (0.5,)],
    K.div_mod_pair: [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (5, 0), (I64MAX, 2), (I64MIN, 3),
                     (7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-0.0, 1.0), (0.0, -1.0), (INF, 1.0),
                     (1.0, INF), (-1.0, INF), (NAN, 1.0), (1.0, 0.0)],
    K.min_max_of_three: [(1, 2, 3), (3, 2, 1), (2, 3, 1), (5, 5, 5), (1.5, -2.5, 0.0), (NAN, 1.0, 2.0),
                         (1.0, NAN, 2.0)],
    K.nested_tuple_return: [(2, 3), (1.5, -0.5)],
    K.bound_on_one_path: [(5,), (0,), (-3,), (2.5,)],
    K.maybe_unbound: [(5,), (0,), (-1,), (0.5,)],
    K.maybe_unbound_loop: [(0,), (3,), (-1,)],
    # ---------------------------------------------------------- int arithmetic
    K.int_true_div: [(7, 2), (-7, 2), (1, 3), (0, 5), (5, 0), (I64MAX, 1), (I64MIN, -1),
                     (9007199254740993, 3), (True, 2), (0, I64MAX), (0, I64MIN), (1, -2**60)],
    K.int_floordiv: [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (3, 0), (I64MAX, -1), (I64MIN, 1),
                     (I64MIN, 2), (I64MIN, I64MIN), (1, I64MIN), (-1, I64MAX), (True, True)],
    K.int_mod: [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 3), (3, 0), (I64MIN, -1), (I64MIN, 7),
                (I64MAX, -10), (1, I64MIN), (-1, I64MAX)],
    K.int_power: [(2, 10), (2, 62), (-2, 63), (3, 39), (0, 0), (0, 5), (-1, 10**18), (1, I64MAX), (7, 1),
                  (-3, 3), (10, 18)],
    K.int_const_negative_power: [(2,), (-3,), (1,), (0,), (True,)],
    K.int_shifts: [(1, 62), (-1, 63), (0, 100), (5, 0), (-5, 3), (12345, 10), (3, -1)],
    K.int_rshift: [(12345, 64), (-12345, 100), (2**62, 62), (I64MIN, 63), (I64MIN, 64), (I64MAX, 1000),
                   (1, -1), (-1, I64MAX)],
    K.int_bitwise: [(12, 10), (-1, 0), (I64MIN, I64MAX), (-12, 10), (0, 0), (True, 6)],
    K.int_unary: [(5,), (0,), (-7,), (I64MAX,), (True,), (False,)],
    K.invert_a_helpers_bool: [(1, 2), (2, 1), (1.5, 1.5), (NAN, 0.0)],
    K.int_mixed_expr: [(10, 3), (-10, 7), (0, 0), (2**40, -2**40)],
    # ---------------------------------------------------------- float arithmetic
    K.float_ops: [(1.5, 2.0), (1.0, 3.0), (-0.0, 0.0), (0.0, -0.0), (1e308, 10.0), (NAN, 1.0), (INF, INF),
                  (INF, -INF), (-INF, 2.0), (1.0, 0.0), (0.1, 0.2), (5e-324, 0.5)],
    K.float_floordiv_mod: [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-0.0, 1.0), (0.0, -1.0), (INF, 1.0),
                           (1.0, INF), (-1.0, INF), (1.0, -INF), (NAN, 2.0), (5.0, 0.0), (-1e-300, 1e300),
                           (1e300, 1e-300)],
    K.float_constant_powers: [(-0.8843031552730771,), (2.817595433862767,), (-0.39232638741312,), (0.0,), (NAN,),
                              (1e-3,), (7.25,)],
    K.float_power: [(2.0, 0.5), (-2.0, 3.0), (0.0, 0.0), (NAN, 0.0), (1.0, NAN), (INF, -1.0), (-INF, 3.0),
                    (0.0, -1.0), (10.0, 400.0), (-0.0, -1.0), (2, 0.5), (4.0, 2), (1e-300, 30.0),
                    (-8.0, -1.0), (0.5, INF), (-1.0, INF), (-0.0, 3.0)],
    K.float_unary: [(1.5,), (-0.0,), (0.0,), (NAN,), (-INF,)],
    K.float_compare: [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0), (0.0, -0.0), (NAN, 1.0), (NAN, NAN), (-INF, INF),
                      (1, 1.0)],
    K.nan_inf_arith: [(1.0,), (0.0,), (-0.0,), (INF,), (-INF,), (NAN,), (5,)],
    # ---------------------------------------------------------- complex
    K.complex_ops: [(1 + 2j, 3 - 1j), (0j, 1j), (-1.5 + 0.5j, 2 + 0j), (1 + 1j, 0j), (1 + 2j, 2.0),
                    (3 - 4j, 1e-3 + 2e3j),
                    (1e300 + 1e300j, 1e300 + 1e300j), (1 + 1j, 1e-310 + 0j),
                    (complex(INF, 0.0), 1 + 1j), (1 + 1j, complex(INF, INF)), (complex(NAN, 1.0), 2 + 0j)],
    K.complex_compare: [(1 + 2j, 1 + 2j), (1 + 2j, 1 - 2j), (0j, -0j), (1 + 2j, 1.0), (1 + 0j, 1)],
    K.complex_int_power: [(1 + 2j,), (0j,), (-1.5 + 0.5j,), (3j,), (0.1 + 0.7j,)],
    K.complex_pow: [(1 + 2j, 0.5 + 1j), (2 + 0j, 0.5 + 0j), (1 + 2j, 2 + 0j), (0j, 0j), (0j, -1 + 0j),
                    (0j, 1j), (1j, 2), (1 + 1j, 3), (1.5 - 0.5j, 1.5),
                    (1.1 + 0.3j, 57)],
    K.complex_mixed: [(1 + 2j, 0.5, 3), (0j, -1.0, 0), (-1 - 1j, 2.0, -4)],
    # ---------------------------------------------------------- promotion
    K.mixed_promotion: [(3, 0.5), (-2, 1.5), (0, 2.0), (5, 0.0), (0, 0.0), (True, 2.5), (2**53 + 1, 1.0)],
    K.bool_arith: [(True, True), (True, False), (False, False), (False, True)],
    K.int_float_compare: [(1, 1.0), (1, 1.5), (2, 1.5), (-1, -0.0), (0, -0.0), (0, NAN), (3, INF), (-3, -INF),
                          (2**53, 2.0**53)],
    K.int_to_float_accumulate: [(0,), (10,), (-2,), (1000,)],
    # ---------------------------------------------------------- math
    K.math_basic: [(0.0,), (1.0,), (2,), (0.5,), (-1.0,), (INF,), (NAN,), (-0.0,), (1e-310,)],
    K.math_trig: [(0.0,), (1.0,), (-2.5,), (INF,), (NAN,), (3,), (-0.0,)],
    K.math_rounding: [(2.5,), (-2.5,), (-0.0,), (3,), (NAN,), (INF,), (1e18,), (-1e18,), (0.9999999999999999,),
                      (-9.223372036854775808e18,)],
    K.math_misc: [(3.0, -2.0), (-0.0, 1.0), (5.5, 2.0), (1.0, 0.0), (INF, 1.0), (NAN, 1.0), (1e200, 1.0),
                  (2, 3), (-7.0, INF)],
    K.math_constants: [(0.0,), (1.0,), (-2,), (INF,), (NAN,)],
    K.math_logs: [(1.0,), (0.5,), (8,), (0.0,), (-1.0,), (INF,), (1000.0,), (1e-20,)],
    K.math_hyperbolic: [(0.0,), (1.0,), (-2.0,), (1000.0,), (INF,), (-0.0,), (NAN,)],
    K.math_special: [(0.5,), (1.0,), (5,), (-0.5,), (0.0,), (-1.0,), (200.0,), (INF,), (-INF,), (NAN,),
                     (1e-300,)],
    K.math_sqrt: [(4.0,), (2,), (-1.0,), (-0.0,), (INF,), (-INF,), (NAN,)],
    K.math_log: [(1.0,), (0.0,), (0,), (-1,), (INF,), (NAN,), (1e-320,)],
    K.math_log_base: [(8.0, 2.0), (8, 1), (0.0, 2.0), (8.0, 0.0), (8.0, -2.0), (1.0, 10.0), (100, 10), (INF, 2.0),
                      (2.0, 0.5)],
    K.math_signed_zeros: [(-1.0, -0.0), (-1.0, 0.0), (0.0, -0.0), (-0.0, -0.0), (INF, NAN), (NAN, INF), (-5.5, 2.0),
                          (-0.0, 0.0)],
    K.float_int_power: [(2.0, 10), (2.0, -2), (0.0, -1), (-2.0, 3), (-2.0, -3), (10.0, 400), (-1.0, I64MAX),
                        (0.0, 0), (NAN, 0), (INF, -1)],
    K.math_int_functions: [(12, 18), (0, 5), (-12, 7), (100, -3)],
    K.math_more_float: [(27.0,), (-8.0,), (0.0,), (2.5,), (INF,), (NAN,)],
    K.math_exp: [(0.0,), (1,), (709.0,), (710.0,), (1000,), (-1000.0,), (INF,), (-INF,), (NAN,)],
    K.math_of_int: [(0,), (9,), (100,), (-4,)],
    # ---------------------------------------------------------- builtins
    K.builtin_abs: [(-5, -2.5), (5, 2.5), (0, -0.0), (I64MAX, -INF), (-I64MAX, NAN), (True, -1e-300)],
    K.builtin_min_max: [(1, 2, 3), (3, 1, 2), (-1, -1, 0), (2.5, -1.0, 0.0), (0.0, -0.0, 0.0), (-0.0, 0.0, -0.0),
                        (NAN, 1.0, 2.0), (1.0, NAN, 2.0), (1.0, 2.0, NAN), (True, False, True), (-INF, INF, 0.0)],
    K.builtin_min_max_mixed: [(1, 2.5), (3, 2.5), (-1, -0.5), (0, NAN), (0, -0.0), (5, INF)],
    K.builtin_int_float_bool: [(2.7,), (-2.7,), (-0.0,), (0.0,), (NAN,), (INF,), (-INF,), (1e18,), (-9.2e18,),
                               (-9.223372036854775808e18,), (9.223372036854775e18,), (5,), (True,)],
    K.builtin_conversions_int: [(5, True), (0, False), (-3, True), (I64MAX, False)],
    K.builtin_round: [(2.5,), (3.5,), (-2.5,), (-0.5,), (0.49999999999999994,), (1e15 + 0.5,), (7,), (-0.0,),
                      (NAN,), (INF,), (4503599627370497.0,)],
    K.builtin_divmod: [(7, 2), (-7, 2), (7, -2), (0, 1), (7, 0), (7.5, 2.0), (-7.5, 2.0), (7.5, 0.0),
                       (INF, 1.0), (1.0, INF), (-1.0, INF), (-0.0, 1.0), (7, 2.5)],
    K.builtin_pow: [(2, 10), (2.0, 0.5), (3, 0), (-2, 3), (0.0, -1.0), (10.0, 400.0), (2, 0.5)],
    K.builtin_len_tuple: [(1,), (0,), (-5,), (2.5,)],
    # ---------------------------------------------------------- calls
    K.square: [(3,), (-4,), (1.5,), (3037000499,)],
    K.sum_of_squares: [(3, 4), (-1, 1.5)],
    K.chain_depth3: [(2,), (-3,), (0.5,)],
    K.call_with_keywords: [(1, 2), (2.5, 3), (-1, 0), (0.0, -1)],
    K.call_helper_tuple: [(3.0, 4.0), (-1.0, 0.0), (0.0, -0.0), (0, 1)],
    K.call_in_loop: [(0,), (10,), (100,)],
    K.error_in_helper: [(7, 2), (7, 0), (-7, 2)],
    K.call_with_tuple_argument: [(3.0, 4.0), (0, 0), (-1.5, 2)],
    K.call_keyword_only: [(1,), (2.5,), (-3,)],
    K.returns_nothing: [(1,), (2.5,)],
    K.bare_return: [(-1,), (1,)],
    # ---------------------------------------------------------- recursion
    K.fib: [(0,), (1,), (2,), (10,), (20,), (-1,)],
    K.factorial: [(0,), (1,), (5,), (20,), (-3,)],
    K.gcd_rec: [(12, 18), (17, 5), (0, 5), (5, 0), (-12, 18), (12, -18), (2**40, 3 * 2**20)],
    K.ackermann: [(0, 0), (1, 2), (2, 3), (3, 3)],
    K.is_even: [(0,), (1,), (10,), (37,)],
    K.is_odd: [(0,), (7,), (12,)],
    K.fib_pair: [(0,), (1,), (10,), (50,)],
    K.power_rec: [(2.0, 10), (1.5, 0), (-2.0, 7), (0.5, 100)],
    # ---------------------------------------------------------- globals
    K.use_globals: [(1,), (2.0,), (-3,), (NAN,)],
    K.global_limit_loop: [(0,), (5,), (20,), (1000,)],
    # ---------------------------------------------------------- realistic kernels
    K.collatz_length: [(1,), (2,), (27,), (97,), (871,), (2**40,), (837799,)],
    K.is_prime: [(0,), (1,), (2,), (3,), (4,), (97,), (100,), (7919,), (1000003,), (999999937,), (-7,),
                 (2**31 - 1,)],
    K.sum_primes_below: [(0,), (2,), (10,), (100,), (2000,)],
    K.gcd_iter: [(12, 18), (0, 0), (-12, 18), (17, -5), (I64MAX, 2**31 - 1)],
    K.lcm: [(4, 6), (0, 5), (-4, 6), (21, 6), (2**20, 3**10)],
    K.isqrt_newton: [(0,), (1,), (2,), (15,), (16,), (17,), (10**18,), (2**62,), (-5,)],
    K.digit_sum: [(0,), (12345,), (-987,), (I64MAX,), (-I64MAX,)],
    K.bit_count: [(0,), (1,), (255,), (I64MAX,), (2**62,)],
    K.power_mod: [(2, 10, 1000), (3, 200, 1000000007), (7, 0, 13), (0, 5, 7), (-3, 7, 11), (5, 3, 0),
                  (2**31 - 2, 2**40, 2**31 - 1), (10, 5, -7), (123456789, 987654321, 2**31 - 1)],
    K.escape_count: [(0.0, 0.0, 100), (1.0, 1.0, 100), (-0.75, 0.1, 1000), (0.25, 0.5, 50), (NAN, 0.0, 20),
                     (INF, 0.0, 20), (0.0, 0.0, 0), (0.0, 0.0, -5), (-2, 0, 50)],
    K.escape_count_complex: [(0j, 100), (1 + 1j, 100), (-0.75 + 0.1j, 1000), (0.25 + 0.5j, 50)],
    K.escape_count_abs: [(0j, 50), (1 + 1j, 50), (-0.75 + 0.1j, 500)],
    K.newton_sqrt: [(0.0,), (1.0,), (2.0,), (1e-10,), (1e300,), (0.25,), (NAN,), (INF,), (-4.0,), (9,), (0,)],
    K.midpoint_integrate: [(0.0, 1.0, 10), (0.0, 5.0, 1000), (1.0, 0.0, 7), (0.0, 1.0, 0), (0, 2, 4),
                           (0.0, 1.0, -3)],
    K.horner: [(0.0,), (1.0,), (-2.0,), (3,), (NAN,), (1e100,)],
    K.xorshift63: [(1, 1), (1, 10), (123456789, 100), (-1, 5), (0, 10), (I64MAX, 3), (I64MIN, 3)],
    K.fnv1a32: [(0,), (1,), (255,), (123456789,), (I64MAX,), (-5,)],
    K.binomial: [(5, 2), (10, 0), (10, 10), (10, 11), (10, -1), (60, 30), (50, 25), (0, 0)],
    K.fib_iter: [(0,), (1,), (10,), (50,), (92,), (-3,)],
    K.harmonic: [(0,), (1,), (10,), (100000,)],
    K.leibniz_pi: [(0,), (1,), (1000,), (100000,)],
    K.count_triangles: [(5,), (30,)],
    K.reverse_digits: [(0,), (123,), (-4560,), (10**17 + 3,), (I64MAX,)],
    K.kahan_sum_series: [(0,), (10,), (10000,)],
    K.bisect_root: [(2.0, 3.0), (0.0, 10.0), (-10.0, 10.0), (NAN, 1.0)],
    # ---------------------------------------------------------- run-time errors
    K.checked_sqrt: [(4.0,), (-1.0,), (0,), (NAN,), (-0.0,)],
    K.raise_else_binds: [(4.0,), (-1.0,), (0,), (-INF,)],
    K.error_on_untaken_path: [(1,), (0.5,), (-1,)],
    K.assert_positive: [(1,), (0,), (-5,)],
    K.assert_no_message: [(2.0,), (0.0,), (-0.0,), (NAN,)],
    K.float_div: [(1.0, 0.0), (0.0, 0.0), (NAN, 0.0), (1, 0.0), (1.0, -0.0), (3.0, 2.0)],
    K.float_floordiv: [(1.0, 0.0), (7.0, 2.0), (-7.0, 0.0)],
    K.float_mod: [(1.0, 0.0), (7.0, -2.0), (NAN, 0.0)],
}

PARAMS = [pytest.param(kernel, args, opt, id=f"{kernel.__name__}{args!r}-O{opt}")
          for kernel, inputs in CASES.items() for args in inputs for opt in OPT_LEVELS]


# ------------------------------------------------------------------ the differential test
@pytest.mark.parametrize("kernel, args, opt", PARAMS)
def test_matches_cpython(kernel, args, opt):
    assert_matches_cpython(kernel, compiled(kernel, opt), args, K)


def test_every_kernel_is_covered():
    kernels = {f for f in vars(K).values() if callable(f) and getattr(f, "__module__", None) == K.__name__}
    explicit = {K.fnv1a64_wrapping, K.int_or_float, K.max_mixed, K.helper_divides, K.scaled, K.polar, K.norm2,
                K.keyword_only_helper, K.less}
    assert kernels - explicit - set(CASES) == set()
    assert len(CASES) >= 90


# ------------------------------------------------------------------ documented differences
def wrap64(value):
    """``value`` wrapped to a signed 64-bit int."""
    return (value + 2**63) % 2**64 - 2**63


def fnv1a64_reference(n):
    h = K.FNV64_OFFSET
    for _ in range(8):
        h ^= n & 0xFF
        h = (h * K.FNV64_PRIME) & (2**64 - 1)
        n >>= 8
    return wrap64(h)


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("kernel, args, expected", [
    (K.factorial, (25,), wrap64(math.factorial(25))),
    (K.square, (2**32,), 0),
    (K.square, (3037000500,), wrap64(3037000500**2)),
    (K.int_power, (3, 41), wrap64(3**41)),
    (K.int_shifts, (1, 63), (I64MIN, 0)),
    (K.int_floordiv, (I64MIN, -1), I64MIN),
    (K.int_unary, (I64MIN,), (I64MIN, I64MIN, I64MAX, False)),
    (K.builtin_divmod, (I64MIN, -1), (I64MIN, 0)),
    (K.bit_count, (-1,), 64),
    (K.fnv1a64_wrapping, (0,), fnv1a64_reference(0)),
    (K.fnv1a64_wrapping, (123456789,), fnv1a64_reference(123456789)),
    (K.fnv1a64_wrapping, (I64MAX,), fnv1a64_reference(I64MAX)),
], ids=lambda v: getattr(v, "__name__", None))
def test_ints_wrap_on_overflow(kernel, args, expected, opt):
    assert_same_value(compiled(kernel, opt)(*args), expected)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_int_power_with_negative_traced_exponent_raises(opt):
    assert K.int_power(2, -1) == 0.5  # CPython gives a float
    with pytest.raises(ValueError, match=r"negative exponent") as info:
        compiled(K.int_power, opt)(2, -1)
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno) == (K.__file__, line_of(K.int_power, "return a ** b"))


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_int_and_float_unify_to_float_at_a_merge(opt):
    f = compiled(K.int_or_float, opt)
    assert_same_value(f(1), 1.0)
    assert_same_value(f(-1), 2.5)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_min_max_of_int_and_float_give_float(opt):
    assert_same_value(compiled(K.max_mixed, opt)(3, 2.5), 3.0)
    assert_same_value(compiled(K.max_mixed, opt)(2, 2.5), 2.5)


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_float_power_with_complex_result_raises(opt):
    assert isinstance(K.float_power(-8.0, 1 / 3), complex)  # CPython gives a complex
    with pytest.raises(ValueError, match=r"^negative number cannot be raised to a fractional power"):
        compiled(K.float_power, opt)(-8.0, 1 / 3)


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("x", [1e300, 2.0 ** 63, -(2.0 ** 63) * (1 + 2.0 ** -52), -1e300])
@pytest.mark.parametrize("kernel", [K.builtin_round, K.builtin_int_float_bool])
def test_float_to_int_outside_int64_raises_overflow(kernel, x, opt):
    assert abs(int(x)) >= 2 ** 63  # CPython makes a big int
    with pytest.raises(OverflowError, match=r"64-bit"):
        compiled(kernel, opt)(x)


def test_float_to_int_tests_once_on_the_common_path():
    """``round(x)`` (as ``int(x)``) checks ``abs(x) < 2**63`` first; the NaN, infinity and range
    checks that name the error sit inside the branch where that test fails."""
    f = compiled(K.builtin_round, 3)
    assert f(2.5) == K.builtin_round(2.5)
    body = f.inspect_ir("f64", stage="optimized").splitlines()
    checks = [line for line in body if "raise_if" in line]
    assert len(checks) == 3 and all(line.startswith("    raise_if") for line in checks)
    assert sum(line.startswith("  if ") for line in body) == 1
    twice = compiled(K.builtin_int_float_bool, 3)   # int(x) twice: cse keeps one group of checks
    assert twice(2.5) == K.builtin_int_float_bool(2.5)
    assert twice.inspect_ir("f64", stage="optimized").count("raise_if") == 3

