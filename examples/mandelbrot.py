"""Mandelbrot escape counts over a grid, in plain scalar Python."""


def escape_count(cr, ci, max_iter):
    """Iterations until z = z*z + c leaves the radius-2 disc (max_iter if never)."""
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


def mandelbrot_total(width, height, max_iter):
    """Sum of the escape counts over a width x height grid of [-2, 1] x [-1.5, 1.5]."""
    total = 0
    for y in range(height):
        ci = -1.5 + 3.0 * y / height
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            total += escape_count(cr, ci, max_iter)
    return total
