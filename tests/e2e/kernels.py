"""Plain-Python kernels for the end-to-end tests.

Every function here is ordinary module-level Python: the tests run each one
under CPython and compiled, on the same inputs, and compare.  Some are
realistic numeric kernels, others exercise one construct each.  Lines that
can raise keep the raising expression on one line, so the line in a
compiled error message can be checked against CPython's traceback.
"""
import math

# ---------------------------------------------------------------- globals (constants when compiled)
SCALE = 3
OFFSET = 0.5
COEFFS = (1.0, -2.0, 3.0, 0.5)
LIMIT = 100
MASK63 = (1 << 63) - 1
MASK32 = 0xFFFFFFFF
FNV32_OFFSET = 2166136261
FNV32_PRIME = 16777619
FNV64_OFFSET = 0xCBF29CE484222325
FNV64_PRIME = 0x100000001B3


# ================================================================ if / elif / else
def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    else:
        return 0


def grade(score):
    if score >= 90:
        g = 4
    elif score >= 80:
        g = 3
    elif score >= 70:
        g = 2
    elif score >= 60:
        g = 1
    else:
        g = 0
    return g


def clamp(x, lo, hi):
    if x < lo:
        x = lo
    if x > hi:
        x = hi
    return x


def nested_if(a, b):
    if a > 0:
        if b > 0:
            r = 1
        else:
            r = 2
    else:
        if b > 0:
            r = 3
        elif b == 0:
            r = 4
        else:
            r = 5
    return r


def if_without_else(x):
    y = x
    if x % 2 == 0:
        y = x // 2
    return y


# ================================================================ while
def countdown_sum(n):
    total = 0
    while n > 0:
        total += n
        n -= 1
    return total


def while_true_break(n):
    i = 0
    while True:
        i += 1
        if i * i > n:
            break
    return i


def while_else(n):
    i = 0
    while i < n:
        if i == 7:
            break
        i += 1
    else:
        return -i
    return i


def first_divisor(n):
    d = 2
    while d * d <= n:
        if n % d == 0:
            return d
        d += 1
    return n


# ================================================================ for over range
def range1_sum(n):
    s = 0
    for i in range(n):
        s += i
    return s


def range2_sum(a, b):
    s = 0
    for i in range(a, b):
        s += i * i
    return s


def range3_sum(a, b, step):
    s = 0
    count = 0
    for i in range(a, b, step):
        s += i
        count += 1
    return s * 1000 + count


def range_trip_count(a, b, step):
    count = 0
    for _ in range(a, b, step):
        count += 1
    return count


def range_negative_step(n):
    s = 0
    for i in range(n, -1, -3):
        s = s * 2 + i
    return s


def range_const_bounds(x):
    s = 0.0
    for k in range(1, 6):
        s += x / k
    return s


def range_empty(n):
    s = 100
    for i in range(n, n):
        s += i
    for i in range(n, 0, 1):
        s += 1
    return s


def loop_var_after_loop(n):
    for i in range(n):
        pass
    return i


def loop_var_after_break(n, limit):
    for i in range(n):
        if i * i >= limit:
            break
    return i


def loop_var_read_when_bound(n):
    for i in range(n):
        pass
    if n > 0:
        return i
    return -1


def range_step_break(a, b, step, limit):
    total = 0
    for i in range(a, b, step):
        if abs(total) > limit:
            break
        total += i
    else:
        return -total
    return total


def range_step_return(a, b, step):
    for i in range(a, b, step):
        if i % 7 == 3:
            return i
    return 1000


def for_else_search(n, target):
    for i in range(n):
        if i * i == target:
            break
    else:
        return -1
    return i


def for_else_no_break(n):
    total = 0
    for i in range(n):
        total += i
    else:
        total += 1000
    return total


def for_else_continue(n):
    total = 0
    for i in range(n):
        if i % 2:
            continue
        total += i
    else:
        total = -total
    return total


def loop_var_reassigned(n):
    s = 0
    for i in range(n):
        i *= 2
        s += i
    return s * 1000 + i


def loop_bound_changed(n):
    count = 0
    for i in range(n):
        n -= 1
        count += 1
    return count * 1000 + n


def widening_accumulator(n):
    s = 0
    for i in range(n):
        s += 0.5 * i
    return s


def nested_break_continue(n, m):
    count = 0
    for i in range(n):
        if i % 3 == 2:
            continue
        for j in range(m):
            if j == i:
                continue
            if i + j > 10:
                break
            count += i * j + 1
        if count > 200:
            break
    return count


def while_nested_continue(n):
    i = 0
    total = 0
    while i < n:
        i += 1
        j = 0
        while j < i:
            j += 1
            if (i + j) % 2 == 0:
                continue
            total += j
        if i % 5 == 0:
            continue
        total += 1
    return total


def triple_nested(n):
    total = 0
    for i in range(n):
        for j in range(i):
            if j == 3:
                break
            for k in range(j, n):
                if (i + j + k) % 3 == 0:
                    continue
                if k > i + 2:
                    break
                total += i * 100 + j * 10 + k
    return total


def deep_return(n, target):
    if n > 0:
        for i in range(n):
            j = 0
            while j < i:
                if i * j == target:
                    return i - j
                j += 1
    return -1


def python_while_long(x):
    i = 0
    s = 0.0
    while i < 100:
        s += x * i
        i += 1
    return s


def tuple_state_loop(n):
    t = (0, 1)
    for _ in range(n):
        t = (t[1], t[0] + 2 * t[1])
    return t


def find_pair(n, target):
    for i in range(1, n):
        for j in range(i, n):
            if i * j == target:
                return i * 100 + j
    return -1


def return_in_if_in_while(n):
    x = n
    steps = 0
    while x > 1:
        if x % 7 == 0:
            return steps * 10 + 7
        x = x // 2
        steps += 1
    return steps


def early_return_guard(x, y):
    if y == 0:
        return 0.0
    if x < 0:
        return -1.0
    return x / y


# ================================================================ for over Python tuples
def tuple_loop(x):
    s = 0
    for w in (1, 2, 3):
        s += w * x
    return s


def tuple_loop_floats(x):
    acc = 0.0
    for c in (0.5, -1.25, 2.0):
        acc = acc * x + c
    return acc


def global_tuple_poly(x):
    acc = 0.0
    for c in COEFFS:
        acc = acc * x + c
    return acc


def enumerate_zip_tuples(x):
    s = 0.0
    for i, c in enumerate(COEFFS):
        s += c * x ** i
    for a, b in zip((1, 2, 3), (4.0, 5.0, 6.0)):
        s += a * b
    return s


def tuple_of_pairs(x):
    s = 0
    for a, b in ((1, 2), (3, 4), (5, 6)):
        s += a * x - b
    return s


# ================================================================ ternaries, and/or, comparisons
def tuple_indexing(x, y):
    t = (x, y, x + y)
    return t[0] * t[-1] - t[1], len(t[1:])


def tuple_indexed_by_loop(x):
    acc = 0.0
    for i in range(len(COEFFS)):
        acc += COEFFS[i] * x ** i
    return acc


def in_tuple(x):
    return x in (1, 2, 3), x not in (4, 5)


def tuple_loop_break(x):
    n = 0
    for c in (1, 2, 3, 4):
        if x < c:
            break
        n += c
    return n


def ternary_abs(x):
    return x if x >= 0 else -x


def nested_ternary(x):
    return 1 if x > 10 else (0 if x > -10 else -1)


def ternary_guards_division(a, b):
    return a / b if b != 0 else 0.0


def and_value(a, b):
    return a and b


def or_value(a, b):
    return a or b


def and_or_chain(a, b, c):
    return a and b or c


def short_circuit_guard(a, b):
    return b != 0 and a % b == 0


def short_circuit_value(a, b):
    return b and a // b


def not_operator(a, b):
    return (not a) + 2 * (not b) + 4 * (not (a and b))


def chained_compare(a, b, c):
    return a < b < c


def chained_compare_mixed(x, lo, hi):
    if lo <= x < hi != x:
        return 1
    if x == lo == hi:
        return 2
    return 0


def chained_compare_float(x):
    return 0.0 <= x <= 1.0


# ================================================================ assignments
def aug_assign_int(a, b):
    x = a
    x += b
    x -= 3
    x *= 2
    x //= b
    x %= 97
    x **= 2
    x <<= 3
    x >>= 1
    x &= 0xFFFF
    x |= 0x10000
    x ^= a
    return x


def aug_assign_float(x, y):
    r = x
    r += y
    r -= 0.25
    r *= 1.5
    r /= y
    r //= 0.5
    r %= 7.0
    r **= 2
    return r


def swap(a, b):
    a, b = b, a
    return a - 2 * b


def rotate3(a, b, c):
    a, b, c = b, c, a
    return a * 100 + b * 10 + c


def tuple_pack_unpack(x, y):
    t = (x + y, x - y, x * y)
    p, q, r = t
    (u, v), w = (p, q), r
    return u * 2 + v * 3 + w


def multi_target_assign(x):
    a = b = x * 2
    c: int = 3
    a += 1
    return a * 100 + b * 10 + c


def div_mod_pair(a, b):
    return a // b, a % b


def min_max_of_three(a, b, c):
    lo = a
    hi = a
    if b < lo:
        lo = b
    if b > hi:
        hi = b
    if c < lo:
        lo = c
    if c > hi:
        hi = c
    return lo, hi


def nested_tuple_return(x, y):
    return (x + y, x * y), x - y


def bound_on_one_path(x):
    if x > 0:
        y = x * 2
    if x > 0:
        return y
    return -1


def maybe_unbound(x):
    if x > 0:
        y = x * 2
    return y


def maybe_unbound_loop(n):
    for i in range(n):
        last = i * i
    return last


# ================================================================ int arithmetic
def int_true_div(a, b):
    return a / b


def int_floordiv(a, b):
    return a // b


def int_mod(a, b):
    return a % b


def int_power(a, b):
    return a ** b


def int_const_negative_power(a):
    return a ** -2


def int_shifts(a, b):
    return a << b, a >> b


def int_rshift(a, b):
    return a >> b


def int_bitwise(a, b):
    return a & b, a | b, a ^ b, ~a


def int_unary(a):
    return -a, +a, ~a, not a


def int_mixed_expr(a, b):
    return (a * 3 + b) // 4 - (a % 5) * (b - 2) + (a ^ b) % 7


# ================================================================ float arithmetic
def float_ops(x, y):
    return x + y, x - y, x * y, x / y


def float_floordiv_mod(x, y):
    return x // y, x % y


def float_power(x, y):
    return x ** y


def float_constant_powers(x):
    """Powers with constant exponents: the C pow, as CPython calls it (not x*x,
    which LLVM would make of pow(x, 2.0) and which differs in the last bit)."""
    return x ** 2, x ** 2.0, math.pow(x, 2), x ** -1.0, x ** 3.0, 2.0 ** x, math.exp(x), math.sin(x)


def float_unary(x):
    return -x, +x, not x


def float_compare(x, y):
    return x < y, x <= y, x == y, x != y, x > y, x >= y


def nan_inf_arith(x):
    y = x * 0.0
    z = x - x
    return y, z, x + math.inf, x * -math.inf


# ================================================================ complex
def complex_ops(z, w):
    return z + w, z - w, z * w, z / w


def complex_compare(z, w):
    return z == w, z != w


def complex_int_power(z):
    return z ** 2, z ** 3


def complex_pow(z, w):
    return z ** w


def complex_mixed(z, x, n):
    return z * x + n, (z - n) * 2.5, z.real + z.imag * x


# ================================================================ promotion
def mixed_promotion(n, x):
    return n + x, n * x, n - x, x / n


def bool_arith(a, b):
    return a + b, a * 3, a - b, -a, a & b, a | b, a ^ b


def int_float_compare(n, x):
    return n < x, n == x, n >= x


def int_to_float_accumulate(n):
    s = 0.0
    for i in range(n):
        s += i
    return s


# ================================================================ math
def math_basic(x):
    return math.sqrt(x), math.exp(-x), math.log(x + 1.0), math.log(x + 1.0, 2.0)


def math_trig(x):
    return math.sin(x), math.cos(x), math.tan(x), math.atan(x), math.atan2(x, 2.0), math.hypot(x, 3.0)


def math_rounding(x):
    return math.floor(x), math.ceil(x), math.trunc(x), math.fabs(x)


def math_misc(x, y):
    return math.copysign(x, y), math.fmod(x, y), math.pow(x, 2.0), math.isnan(x), math.isinf(y), math.isfinite(x)


def math_constants(x):
    return x * math.pi + math.e, math.tau - x, math.inf > x, math.degrees(x), math.radians(x)


def math_logs(x):
    return math.log2(x), math.log10(x), math.log1p(x), math.expm1(x)


def math_hyperbolic(x):
    return math.sinh(x), math.cosh(x), math.tanh(x), math.asinh(x)


def math_special(x):
    return math.erf(x), math.erfc(x), math.gamma(x), math.lgamma(x)


def math_log_base(x, b):
    return math.log(x, b)


def math_signed_zeros(x, y):
    return math.atan2(y, x), math.hypot(x, y), math.copysign(1.0, x), math.fmod(x, 1.0)


def float_int_power(x, n):
    return x ** n


def math_int_functions(a, b):
    return math.gcd(a, b), math.isqrt(abs(a)), math.factorial(abs(b) % 15)


def math_more_float(x):
    return math.cbrt(x), math.exp2(x), math.remainder(x, 3.0)


def math_sqrt(x):
    return math.sqrt(x)


def math_log(x):
    return math.log(x)


def math_exp(x):
    return math.exp(x)


def math_of_int(n):
    return math.sqrt(n) + math.floor(n / 3) + math.exp(n % 5)


# ================================================================ builtins
def builtin_abs(a, x):
    return abs(a), abs(x)


def builtin_min_max(a, b, c):
    return min(a, b), max(a, b), min(a, b, c), max(c, b, a)


def builtin_min_max_mixed(n, x):
    return float(max(n, x, 0.5)), float(min(n, x))


def builtin_int_float_bool(x):
    return int(x), float(int(x)), bool(x)


def builtin_conversions_int(n, flag):
    return float(n), bool(n), int(flag), float(flag), int(n)


def builtin_round(x):
    return round(x)


def builtin_divmod(a, b):
    return divmod(a, b)


def builtin_pow(a, b):
    return pow(a, b)


def builtin_len_tuple(x):
    t = (x, x + 1, x + 2)
    return len(t) * x + len(COEFFS)


# ================================================================ calls
def square(x):
    return x * x


def scaled(x, factor=2, offset=0):
    return x * factor + offset


def polar(x, y):
    return math.hypot(x, y), math.atan2(y, x)


def sum_of_squares(a, b):
    return square(a) + square(b)


def chain_depth3(x):
    return sum_of_squares(x, x + 1) - square(x)


def call_with_keywords(x, n):
    return scaled(x) + scaled(x, 3) + scaled(x, offset=1) + scaled(factor=n, x=x)


def call_helper_tuple(x, y):
    r, theta = polar(x, y)
    return r * math.cos(theta), r * math.sin(theta)


def call_in_loop(n):
    s = 0
    for i in range(n):
        s += square(i) - scaled(i, offset=SCALE)
    return s


# ================================================================ recursion
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)


def gcd_rec(a, b):
    if b == 0:
        return a
    return gcd_rec(b, a % b)


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)


def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)


# ================================================================ globals
def use_globals(x):
    return x * SCALE + OFFSET


def global_limit_loop(n):
    s = 0
    for i in range(n):
        if s > LIMIT:
            break
        s += i * SCALE
    return s


# ================================================================ realistic kernels
def fib_pair(n):
    if n == 0:
        return 0, 1
    a, b = fib_pair(n - 1)
    return b, a + b


def power_rec(x, n):
    if n == 0:
        return 1.0
    half = power_rec(x, n // 2)
    if n % 2 == 0:
        return half * half
    return half * half * x


def norm2(v):
    return math.sqrt(v[0] * v[0] + v[1] * v[1])


def call_with_tuple_argument(x, y):
    return norm2((x, y)) + norm2((y, 1.0))


def keyword_only_helper(x, *, shift=1, scale=2):
    return (x + shift) * scale


def call_keyword_only(x):
    return keyword_only_helper(x) + keyword_only_helper(x, scale=3) + keyword_only_helper(x, shift=0, scale=1)


def returns_nothing(x):
    y = x + 1


def bare_return(x):
    if x < 0:
        return
    y = x * 2


def collatz_length(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def is_prime(n):
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def sum_primes_below(n):
    total = 0
    for k in range(2, n):
        prime = True
        for d in range(2, k):
            if d * d > k:
                break
            if k % d == 0:
                prime = False
                break
        if prime:
            total += k
    return total


def gcd_iter(a, b):
    while b:
        a, b = b, a % b
    return abs(a)


def lcm(a, b):
    if a == 0 or b == 0:
        return 0
    return abs(a * b) // gcd_iter(a, b)


def isqrt_newton(n):
    if n < 2:
        return n
    x = n
    y = (x + 1) // 2
    while y < x:
        x = y
        y = (x + n // x) // 2
    return x


def digit_sum(n):
    n = abs(n)
    s = 0
    while n > 0:
        s += n % 10
        n //= 10
    return s


def bit_count(n):
    count = 0
    while n:
        n &= n - 1
        count += 1
    return count


def power_mod(base, exp, mod):
    result = 1
    base %= mod
    while exp > 0:
        if exp & 1:
            result = result * base % mod
        base = base * base % mod
        exp >>= 1
    return result


def escape_count(cr, ci, max_iter):
    zr = 0.0
    zi = 0.0
    for n in range(max_iter):
        zr2 = zr * zr
        zi2 = zi * zi
        if zr2 + zi2 > 4.0:
            return n
        zi = 2.0 * zr * zi + ci
        zr = zr2 - zi2 + cr
    return max_iter


def escape_count_complex(c, max_iter):
    z = 0j
    n = 0
    while n < max_iter and z.real * z.real + z.imag * z.imag <= 4.0:
        z = z * z + c
        n += 1
    return n


def escape_count_abs(c, max_iter):
    z = 0j
    for n in range(max_iter):
        if abs(z) > 2.0:
            return n
        z = z * z + c
    return max_iter


def newton_sqrt(x):
    if x == 0.0:
        return 0.0
    guess = x if x > 1.0 else 1.0
    for _ in range(100):
        nxt = 0.5 * (guess + x / guess)
        if abs(nxt - guess) <= 1e-15 * guess:
            return nxt
        guess = nxt
    return guess


def midpoint_integrate(a, b, n):
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        x = a + (i + 0.5) * h
        total += x * x * math.exp(-x)
    return total * h


def horner(x):
    coeffs = (2.0, -6.0, 2.0, -1.0, 0.5)
    acc = 0.0
    for c in coeffs:
        acc = acc * x + c
    return acc


def xorshift63(seed, rounds):
    x = seed & MASK63
    for _ in range(rounds):
        x ^= (x << 13) & MASK63
        x ^= x >> 7
        x ^= (x << 17) & MASK63
    return x


def fnv1a32(n):
    h = FNV32_OFFSET
    while n > 0:
        h ^= n & 0xFF
        h = (h * FNV32_PRIME) & MASK32
        n >>= 8
    return h


def fnv1a64_wrapping(n):
    h = FNV64_OFFSET - (1 << 64)
    for _ in range(8):
        h ^= n & 0xFF
        h = h * FNV64_PRIME
        n >>= 8
    return h


def binomial(n, k):
    if k < 0 or k > n:
        return 0
    k = min(k, n - k)
    result = 1
    for i in range(1, k + 1):
        result = result * (n - k + i) // i
    return result


def fib_iter(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def harmonic(n):
    s = 0.0
    for k in range(1, n + 1):
        s += 1.0 / k
    return s


def leibniz_pi(n):
    s = 0.0
    sign_ = 1.0
    for k in range(n):
        s += sign_ / (2 * k + 1)
        sign_ = -sign_
    return 4.0 * s


def count_triangles(n):
    count = 0
    for a in range(1, n):
        for b in range(a, n):
            c2 = a * a + b * b
            c = isqrt_newton(c2)
            if c * c == c2 and c < n:
                count += 1
    return count


def reverse_digits(n):
    neg = n < 0
    n = abs(n)
    r = 0
    while n > 0:
        r = r * 10 + n % 10
        n //= 10
    return -r if neg else r


def kahan_sum_series(n):
    s = 0.0
    c = 0.0
    for k in range(1, n + 1):
        y = 1.0 / (k * k) - c
        t = s + y
        c = (t - s) - y
        s = t
    return s


def bisect_root(lo, hi):
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid * mid * mid - 2.0 * mid - 5.0 > 0.0:
            hi = mid
        else:
            lo = mid
        if hi - lo < 1e-12:
            break
    return 0.5 * (lo + hi)


# ================================================================ run-time errors
def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative input")
    return math.sqrt(x)


def raise_else_binds(x):
    if x < 0:
        raise ValueError("x must not be negative")
    else:
        y = math.sqrt(x)
    return y


def error_on_untaken_path(x):
    if x < 0:
        return math.sqrt(-1.0)
    return x * 2.0


def assert_positive(n):
    assert n > 0, "n must be positive"
    return n * 2


def assert_no_message(x):
    assert x != 0.0
    return 1.0 / x


def float_div(x, y):
    return x / y


def float_floordiv(x, y):
    return x // y


def float_mod(x, y):
    return x % y


def helper_divides(a, b):
    return a // b


def error_in_helper(a, b):
    return helper_divides(a, b) + 1


def less(a, b):
    return a < b


def invert_a_helpers_bool(a, b):
    """A comparison of Python numbers is a Python bool, also returned by a helper:
    ``~`` of it is CPython's ``~True == -2``."""
    return ~less(a, b), -less(b, a), ~(a == b)


# ================================================================ documented differences (explicit tests only)
def int_or_float(x):
    if x > 0:
        return 1
    return 2.5


def max_mixed(n, x):
    return max(n, x)
