"""Kernels of tests/e2e/test_strings.py: strings as run-time values (``frontend.strings``).
Plain Python, run under CPython and compiled."""
from compiler import py_call


def ident(s):
    return s


def concat(a, b):
    return a + "-" + b + "!"


def repeat(s, n):
    return s * n, n * s, 2 * s + s * 0


def length(s):
    return len(s)


def comparisons(a, b):
    return a == b, a != b, a < b, a <= b, a > b, a >= b


def with_constant(s):
    return s == "fast", s != "fast", "fast" < s, s in ("a", "fast", "slow"), s not in ("x", "y")


def substring(s, t):
    return t in s, "ab" in s, t not in s, s in "abcdef"


def index(s, i):
    return s[i], s[-1], s[0]


def slices(s, i, j, k):
    return s[i:j], s[i:], s[:j], s[::k], s[i:j:k], s[::-1]


def methods(s):
    return (s.upper(), s.lower(), s.strip(), s.replace("a", "A"), s.find("b"), s.count("a"),
            s.startswith("ab"), s.endswith(("z", "c")), s.zfill(8), s.isdigit(), s.strip().title(),
            s.center(9, "*"), s.rfind("a", 1))


def joined(a, b, n):
    return "-".join([a, b, str(n)]), ", ".join((a, f"{n:03d}"))


def text_as_value(x, n):
    t = f"{x:.3f}"
    u = str(n)
    return t, len(t), t == "1.500", u + "!", u * 2, t[0], t[-2:], t.startswith("1")


def iterate(s):
    out = ""
    vowels = 0
    for ch in s:
        if ch in "aeiou":
            out += ch.upper()
            vowels += 1
        else:
            out += ch
    return out, vowels


def enumerated(s):
    total = 0
    for i, ch in enumerate(s):
        if ch == "x":
            total += i
    return total


def truth(s):
    if s:
        return "non-empty"
    return "empty"


def merged(x):
    if x > 0:
        s = "positive"
    elif x < 0:
        s = "negative"
    else:
        s = "zero"
    return s, len(s)


def ternary(x):
    return "big" if x > 10 else "small"


def built(n):
    s = ""
    i = 0
    while i < n:
        s = s + str(i) + ","
        i += 1
    return s


def helper(s, n):
    return s * n + "."


def calls_a_helper(s, n):
    a = helper(s, n)
    b = helper("k", n)
    c = helper(f"{n}", 2)
    return a + b + c


def label(x):
    return "neg" if x < 0 else "pos"


def calls_a_labeller(x):
    return label(x) + label(-x)


def printed(s, n):
    print(s, n, s * 2, sep="|")
    t = s.upper()
    print(f"[{t}] [{s!r}] [{s:>8}]")


def raises(s):
    if len(s) > 3:
        raise ValueError(s)
    if s == "bad":
        raise KeyError("the " + s + " key")
    return s


def out_of_range(s, i):
    return s[i]


def not_found(s):
    return s.index("z")


def ordered_with_a_number(s, n):
    return s < n


def maybe(s):
    if s.startswith("x"):
        return None
    return s.upper()


def shout(s):
    return s.upper() + "!"


def via_py_call(s):
    return py_call(shout, str, s)


def py_call_wrong_type(s):
    return py_call(len, str, s)


def mode_picker(x, mode):
    if mode == "double":
        return x * 2
    return x + 1


def a_tuple_of_strings(s, n):
    return (s, n, (s + s, "const")), "also"


def make_and_raise(s, n):
    t = s + "x"
    u = t * 3
    if n > 0:
        raise ValueError(u)
    return u


def percent(s, n):
    return ("%s=%d" % (s, n)), s % (n,) if "%" in s else s


def formatted(s, n):
    t = "{}: {}".format(s, n)
    return t.upper(), f"{s}/{t}", format(s, "^9")


def loop_count(s, n):
    total = 0
    for i in range(n):
        total += len(s + str(i))
    return total


def split(s):
    return s.split()


def encode(s):
    return s.encode()


def hashed(s):
    return hash(s)


def add_number(s):
    return s + 1


def index_by_float(s):
    return s[1.5]


def numbers(s, t, n):
    return int(s) + 1, float(t) * 2, ord(s[0]), chr(n + 65), ord("a"), chr(66)


def bad_number(s):
    return int(s)


def day_name(i, s):
    names = ("mon", "tue", s)
    return names[i] + "!"


def words_counted(text):
    """``split`` makes a run-time list of strings; run-time strings key a dict."""
    counts = {}
    for w in text.split():
        counts[w] = counts.get(w, 0) + 1
    return counts, sorted(set(text.split()))


def fields(line):
    key, sep, value = line.partition("=")
    return key, sep, value, line.split(",", 1), line.rsplit(" ", 1), line.splitlines(), line.split(maxsplit=1)
