"""The benchmark kernels, one module per group: ``scalar``, ``vector`` (1-D) and ``matrix`` (2-D)."""
