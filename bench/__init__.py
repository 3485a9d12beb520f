"""Benchmarks: the kernels, the harness that times them and the quick measurements."""
