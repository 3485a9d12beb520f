"""The benchmark kernels, one module per group: ``scalar``, ``vector`` (1-D), ``matrix`` (2-D)
and ``arrays`` (array-style: whole-array NumPy code); ``parallel`` holds the kernels of
``bench.parallel`` (sequential against ``parallel=True``)."""
