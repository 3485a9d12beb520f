"""Kernels with try/except/else/finally, compiled by ``test_try_except`` and compared with
CPython running them (a module of its own: pytest rewrites the asserts of test modules)."""
import numpy as np

from compiler import compile, py_call


class Bad(Exception):
    def __init__(self, x):
        super().__init__(f"bad {x}")
        self.x = x


class Plain(ValueError):
    pass


NUMBER_ERRORS = (ZeroDivisionError, OverflowError)


def divide_or_default(x, y):
    try:
        r = x // y
    except ZeroDivisionError:
        r = -1
    return r


def return_from_both(x, y):
    try:
        return x // y
    except ZeroDivisionError as e:
        print("caught", e)
        return 0


def sum_prefix(a, i):
    s = 0.0
    try:
        for k in range(i):
            s += a[k]
    except IndexError as e:
        print("oops", str(e))
        s = -1.0
    else:
        s += 100
    finally:
        print("finally", s)
    return s


def formatted_message(x):
    try:
        if x > 3:
            raise ValueError(f"big {x}")
        y = x
    except ValueError as e:
        print(repr(e), e.args, type(e).__name__)
        y = 0
    return y


def jumps_in_loop(a, n):
    out = 0.0
    for i in range(n):
        try:
            v = a[i] / a[i + 1]
            if v > 2:
                continue
            if v < 0:
                break
            out += v
        except IndexError:
            out -= 1
        finally:
            out *= 2
    return out


def nested(a, k):
    try:
        try:
            b = a * 2
            c = b[k]
        finally:
            print("inner finally", k)
    except IndexError as e:
        c = -1.0
        print("outer", e)
    return c


def assertion(x):
    try:
        assert x > 0, f"x={x}"
        r = 1
    except AssertionError as e:
        r = 2
        print("assert", e)
    return r


def reraise(x):
    try:
        y = 10 // x
    except (ValueError, ZeroDivisionError) as e:
        print(type(e).__name__)
        raise
    return y


def wrap(x):
    try:
        y = 10 // x
    except Exception:
        raise ValueError("wrapped")
    return y


def else_raises(x):
    r = 0
    try:
        r = 10 // x
    except ZeroDivisionError:
        pass
    else:
        r += 1
        if r > 5:
            raise KeyError(r)
    finally:
        print("fin", r)
    return r


def arrays_on_both_paths(a):
    try:
        t = np.empty(3)
        t[:] = a[:3]
        z = a[10]
        t[0] = z
        return t
    except IndexError:
        return a[:2] + 1


def user_class(x):
    try:
        if x:
            raise Bad(7)
    except Bad as e:
        print("caught", e, e.x)
        return e.x * 2
    return 0


def user_class_with_constant(x):
    if x > 3:
        raise Bad("y")
    return x


def first_matching_handler(x, y):
    try:
        r = x % y
    except ArithmeticError:
        r = 1
    except ZeroDivisionError:
        r = 2
    except Exception:
        r = 3
    return r


def bare_except(x):
    try:
        r = 1 // x
    except:  # noqa: E722 -- what CPython does with it is the point
        r = 5
    return r


def handler_classes_from_a_constant(x):
    try:
        r = 7 // x
    except NUMBER_ERRORS as e:
        r = len(str(e)) * 0 - 3
    return r


def name_unbound_after(x):
    try:
        r = 1 // x
    except ZeroDivisionError as e:
        r = 0
    return r + len(e.args)


def handler_raise_caught_outside(x):
    r = 0
    try:
        try:
            r = 1 // x
        except ZeroDivisionError:
            raise Plain("from the handler")
        finally:
            r += 10
    except ValueError as e:
        print("outer got", e, r)
        r = -r
    return r


def uncaught_passes_finally(a, i):
    total = 0.0
    try:
        total = a[i]
    except ZeroDivisionError:
        total = -1.0
    finally:
        print("cleanup", total)
    return total


def widening_loop(n, k):
    s = 0
    for i in range(n):
        try:
            s += 10 // (i - k)
        except ZeroDivisionError:
            s += 0.5
    return s


def in_while(n):
    i, hits = 0, 0
    while i < n:
        i += 1
        try:
            if i % 3 == 0:
                raise ValueError("three")
            hits += 1
        except ValueError:
            continue
    return hits


def returns_in_try_with_finally(x):
    try:
        if x > 0:
            return 1
        y = 2
    finally:
        print("finally runs", x)
    return y


def helper(x):
    if x > 100:
        raise Plain(f"too big {x}")
    return 10 // x


def calls_inside(x):
    try:
        return helper(x) + 1
    except ZeroDivisionError:
        return 0
    except ValueError as e:
        print("caught", e)
        return -1


def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)


def recursion_inside(n):
    try:
        return factorial(n)
    except Exception:
        return 0


def calls_inside_harmless(x):
    try:
        r = helper(x)
    except KeyError:
        r = 0
    return r


def python_inside(x):
    try:
        r = py_call(abs, int, x)
    except Exception:
        r = 0
    return r


def raising_in_finally_path(x):
    try:
        r = 1 // x
    finally:
        r = 5
    return r


COMPILED_HELPER = compile(helper)


def numpy_division_under_a_handler(a, k):
    try:
        r = 10 // a[k] + a[1] / a[k]
    except ZeroDivisionError:
        r = -1
    return r


def int_power_under_a_handler(n):
    try:
        r = 2 ** n
    except ValueError:
        r = 0
    return r


def numpy_overflow_under_a_handler(a):
    try:
        r = a[0] ** 1000.0
    except OverflowError:
        r = -1.0
    return r


def big_int_under_a_handler(x):
    try:
        r = int(x)
    except OverflowError:
        r = -1
    return r


def else_reads_the_body(x):
    try:
        i = 10 // x
    except ZeroDivisionError:
        return -1
    else:
        i += 1
    return i


def never_ends(p):
    try:
        p -= 1
        raise ValueError("always")
    finally:
        print("fin")
    return p + 1


def finally_of_a_function_called_in_try(p):
    try:
        if p > 0.0:
            i = 3 // 0
    finally:
        x = p * p
    return 3


def calls_a_function_with_finally(p):
    try:
        i = finally_of_a_function_called_in_try(p)
    except Exception:
        i = 0
    return i


def messages(p):
    try:
        assert p > 0
    except AssertionError as e:
        print(repr(e), e.args)
    try:
        raise KeyError("plain")
    except KeyError as e:
        print(e, repr(e), e.args)
    if p < -5:
        raise ValueError()
    if p < -3:
        raise KeyError(f"{p * 0.5:.3f}")
    return p


def returns_a_raising_expression(p):
    try:
        return 10 % p
    except ZeroDivisionError:
        pass
    return 7


def assertion_message_only_where_it_fails(x):
    try:
        assert x == 0, "%d" % (2 % x)
        r = 1
    except AssertionError:
        r = 2
    return r


def not_of_python_numbers(p):
    print(f"{(not (p >= p))!r}", repr(not (p > 2)))
    return 1


def divides_in_handler_of_an_inlined_raise(a, b, c):
    """From the fuzzer: int / int is CPython's correctly rounded quotient, a function inlined
    into the try body whose raise sites the bare except catches; the handler's own int / int
    is inlined again (it is the caller's code, not the inlined function's)."""
    try:
        try:
            x = a / b
        except:  # noqa: E722
            x = c / -1000
    finally:
        c = 0
    return x, c
