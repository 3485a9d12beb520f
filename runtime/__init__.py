"""Run-time support: the JIT engine, argument passing, errors raised by compiled code."""
