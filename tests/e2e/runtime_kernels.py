"""Kernels that draw random numbers, print, read the clock or call back into Python.

They live in a module of their own (not a ``test_*`` file, whose source pytest
rewrites) so that the compiler can read their source."""
import math
import os
import random
import sys
import time

import numpy as np


# ------------------------------------------------------------- np.random, drawn natively
def monte_carlo_pi(n):
    inside = 0
    for _ in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            inside += 1
    return 4.0 * inside / n


def random_walk(n):
    out = np.empty(n)
    s = 0.0
    for i in range(n):
        s += np.random.normal(0.0, 1.0)
        out[i] = s
    return out


def two_draws():
    return np.random.random(), np.random.random()


def seeded_inside(seed):
    np.random.seed(seed)
    return np.random.random()


def random_arrays(n):
    return np.random.random(n), np.random.random_sample((2, n)), np.random.rand(n), np.random.rand(2, 3)


def normal_arrays(n):
    return np.random.randn(n), np.random.randn(2, 3), np.random.standard_normal(n), np.random.normal(2.0, 3.0, n)


def scalar_draws(n):
    """Every native scalar draw, interleaved, so the shared gauss cache and stream order matter."""
    total = 0.0
    for i in range(n):
        total += np.random.randn() + np.random.standard_normal() * np.random.random_sample()
        total += np.random.rand() + np.random.normal(-1.0, 0.5) + np.random.uniform(2, 5)
        total += np.random.exponential(1.5) + np.random.exponential() + np.random.randint(1, 7)
        total += np.random.randint(10) + np.random.randint(-2 ** 40, 2 ** 62)
    return total


def uniform_exponential_randint(n):
    return np.random.uniform(-1.0, 3.0, n), np.random.exponential(2.0, (2, n)), np.random.randint(0, 10, n), \
        np.random.randint(-3, 4, size=(3, 2)), np.random.randint(2 ** 33, 2 ** 34, n)


def choices(a, n):
    return np.random.choice(a), np.random.choice(a, n), np.random.choice(a, (2, 2)), \
        np.random.choice(len(a)), np.random.choice(7, n), np.random.choice(a, 3, replace=False), \
        np.random.choice(9, replace=False)


def shuffled(a):
    np.random.shuffle(a)
    return a


def permutations(n, a):
    return np.random.permutation(n), np.random.permutation(a)


def counts(lam, n, p, k):
    """Poisson (NumPy's compiled random_poisson) and binomial (inversion and BTPE) draws."""
    total = 0
    for _ in range(k):
        total += np.random.poisson(lam) + np.random.binomial(n, p)
    return total, np.random.poisson(lam, k), np.random.binomial(n, p, (2, k)), np.random.poisson(), \
        np.random.binomial(3 * n, 1.0 - p, k)


def poisson_of(lam):
    return np.random.poisson(lam)


def binomial_of(n, p):
    return np.random.binomial(n, p)


def called_back(lam, n, p):
    """NumPy's other distributions are called back into NumPy at run time."""
    return np.random.poisson(lam) + np.random.binomial(n, p) + np.random.gamma(2.0) + np.random.beta(1.0, 2.0)


def normal_with_scale(scale):
    return np.random.normal(0.0, scale)


def exponential_with_scale(scale):
    return np.random.exponential(scale)


def uniform_range(low, high):
    return np.random.uniform(low, high)


def randint_range(low, high):
    return np.random.randint(low, high)


def choice_of(a, size):
    return np.random.choice(a, size)


def choice_without(a, size):
    return np.random.choice(a, size, replace=False)


def choice_of_int(a):
    return np.random.choice(a)


def gamma_array(n):
    return np.random.gamma(2.0, 1.0, n)


KINDS = ("random", "uniform", "randn", "normal", "exponential", "randint", "poisson", "binomial")


def draw_many(kind, n):
    """``n`` scalar draws of the distribution ``KINDS[kind]``."""
    out = np.empty(n)
    for i in range(n):
        if kind == 0:
            out[i] = np.random.random()
        elif kind == 1:
            out[i] = np.random.uniform(2.0, 5.0)
        elif kind == 2:
            out[i] = np.random.randn()
        elif kind == 3:
            out[i] = np.random.normal(1.0, 2.0)
        elif kind == 4:
            out[i] = np.random.exponential(2.0)
        elif kind == 5:
            out[i] = np.random.randint(0, 10)
        elif kind == 6:
            out[i] = np.random.poisson(30.0)
        else:
            out[i] = np.random.binomial(200, 0.3)
    return out


def random_array(n):
    return np.random.random(n)


def uniform_array(n):
    return np.random.uniform(2.0, 5.0, n)


def randn_array(n):
    return np.random.randn(n)


def normal_array(n):
    return np.random.normal(1.0, 2.0, n)


def exponential_array(n):
    return np.random.exponential(2.0, n)


def randint_array(n):
    return np.random.randint(0, 10, n)


def poisson_array(n):
    return np.random.poisson(30.0, n)


def binomial_array(n):
    return np.random.binomial(200, 0.3, n)


def draw_and_print(n):
    s = 0.0
    for _ in range(n):
        s += np.random.random()
    print(s)
    return s


def draw_many_uniform(n):
    s = 0.0
    for _ in range(n):
        s += np.random.random()
    return s


# ------------------------------------------------------------- np.random.Generator arguments
def generator_draws(rng, n):
    s = 0.0
    for _ in range(n):
        s += rng.random() + rng.standard_normal() + rng.normal(1.0, 2.0) + rng.uniform(-1, 1)
        s += rng.integers(0, 10) + rng.integers(5, endpoint=True) + rng.integers(-2 ** 40, 2 ** 62)
    return s, rng.random(3), rng.standard_normal((2, 2)), rng.normal(0.0, 1.0, 4), rng.uniform(0, 5, 3), \
        rng.integers(0, 100, 5), rng.integers(7), rng.integers(1, 3, (2, 3), endpoint=True)


def generator_normal(rng, scale):
    return rng.normal(0.0, scale)


def generator_uniform(rng, low, high):
    return rng.uniform(low, high)


def generator_integers(rng, low, high):
    return rng.integers(low, high)


def generator_samples(rng, n):
    """Scalar draws of three of a Generator's distributions, and the same as size= arrays."""
    normal, uniform, integers = np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        normal[i] = rng.normal(1.0, 2.0)
        uniform[i] = rng.uniform(2.0, 5.0)
        integers[i] = rng.integers(0, 10)
    return normal, uniform, integers, rng.standard_normal(n), rng.random(n), rng.integers(0, 10, n)


GLOBAL_RNG = np.random.default_rng(2024)


def global_generator(n):
    s = 0.0
    for _ in range(n):
        s += GLOBAL_RNG.normal(0.0, 1.0) + GLOBAL_RNG.integers(0, 5)
    return s, GLOBAL_RNG.random(3)


def global_generator_gamma():
    return GLOBAL_RNG.gamma(2.0)


def choice_of_list():
    return np.random.choice([1, 2, 3])


def generator_float32(rng):
    return rng.random(3, np.float32)


# ------------------------------------------------------------- the random module, called back
def python_random(n):
    total = 0.0
    for _ in range(n):
        total += random.random() + random.uniform(1.0, 2.0) + random.gauss(0.0, 1.0) + random.randint(1, 6)
    return total


def python_seeded(seed):
    random.seed(seed)
    return random.random()


def bad_randint():
    return random.randint(5, 1)


# ------------------------------------------------------------- clocks
def clock_pair():
    a = time.perf_counter()
    b = time.perf_counter_ns()
    return a, b


# ------------------------------------------------------------- print
def tick(n):
    for _ in range(n):
        print("tick")


def print_values(x, n, flag, a):
    print(x, n, flag, None, "text", 1.0 / 3.0, 10 ** 17, -0.0, float("inf"))
    print(a[0], a[1] > 0.0, (x, n), (a[0], 2), sep=" | ", end=" <end>\n")
    print()
    print(a)
    print(x, file=sys.stderr)
    print("flushed", n, flush=True)
    print(1e16, 1e-5, 123456789.123, 2.5e-310, complex(x, 1.0), np.float32(x))


def print_in_branches(a):
    total = 0
    for i in range(len(a)):
        if a[i] % 3 == 0:
            print("fizz", i, a[i])
        elif a[i] % 5 == 0:
            print("buzz", i, sep="", end="!\n")
            total += 1
        else:
            total += a[i]
    print("total", total)
    return total


def print_elements(a):
    for x in a:
        print(x, (x, x + 1))


def print_array_results(n):
    b = np.arange(n)
    print(b)
    print(np.zeros((2, 3)), np.ones(n, np.int8))


def print_then_fail(n):
    print("before", n)
    x = 10 // (n - n)
    print("after", x)


# ------------------------------------------------------------- refused
def reads_input():
    return input()


def opens_file():
    return open("x")


def urandom():
    return os.urandom(4)


def getpid():
    return os.getpid() + 0


class Counter:
    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1
        return self.n


COUNTER = Counter()


def method_of_object():
    return COUNTER.bump()


CALLS = [0]
TABLE = {}
FIXED = np.zeros(3)


def count_calls():
    CALLS[0] += 1
    return CALLS[0]


def calls_counter():
    return count_calls()


def appends_to_global():
    CALLS.append(1)
    return len(CALLS)


def memoizes(n):
    TABLE[n] = n * 2
    return TABLE[n]


def writes_global_array(x):
    FIXED[0] = x
    return x


def changes_default(x, seen=[]):  # noqa: B006 -- the point of the test
    seen.append(x)
    return len(seen)


def calls_with_default(x):
    return changes_default(x)


def local_containers(n):
    """Python containers made by the function itself may change at its top level."""
    parts = [1, 2]
    parts.append(n)
    parts[0] = 5
    table = {"a": 1}
    table["b"] = 2
    return parts[0] + parts[2] + table["b"] + len(parts)


def library_scaling(x):
    return x * SCALE(3.0)


def SCALE(v):
    return math.sqrt(v)


def pure_constant():
    return x_from_library(2.0) + 1.0


x_from_library = math.hypot.__call__
