"""2-D kernels: nested loops over float64 matrices, grids and point sets.

Kernels that write into their arguments (an ``out`` matrix, the grids, the
edge lengths, the bodies) are marked ``mutates``.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernel import Kernel

#: the softening length squared of :func:`nbody_step` (no infinite forces)
SOFTENING = 1e-3
#: the sweeps of the grid relaxations
SWEEPS = 10


def matmul(a, b, out):
    """out = a @ b, one dot product per element."""
    n, p = a.shape
    m = b.shape[1]
    for i in range(n):
        for j in range(m):
            s = 0.0
            for k in range(p):
                s += a[i, k] * b[k, j]
            out[i, j] = s
    return out


def matmul_numpy(a, b, out):
    return np.matmul(a, b, out=out)


def jacobi(u, v, sweeps):
    """Jacobi relaxation of Laplace's equation on a grid: each sweep reads u, writes v, then swaps them."""
    n, m = u.shape
    for _ in range(sweeps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                v[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
        u, v = v, u
    return u


def jacobi_numpy(u, v, sweeps):
    for _ in range(sweeps):
        v[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u, v = v, u
    return u


def gauss_seidel(u, sweeps):
    """Gauss-Seidel relaxation of Laplace's equation in place: each update reads the ones before it."""
    n, m = u.shape
    for _ in range(sweeps):
        for i in range(1, n - 1):
            for j in range(1, m - 1):
                u[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return u


def floyd_warshall(d):
    """All-pairs shortest path lengths, in place, from the edge lengths d (inf: no edge)."""
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                via = d[i, k] + d[k, j]
                if via < d[i, j]:
                    d[i, j] = via
    return d


def floyd_warshall_numpy(d):
    for k in range(d.shape[0]):
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d


def pairwise_distances(x):
    """The Euclidean distances between the rows of x, as an n x n matrix."""
    n, dims = x.shape
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(dims):
                t = x[i, k] - x[j, k]
                s += t * t
            out[i, j] = math.sqrt(s)
    return out


def pairwise_distances_numpy(x):
    diff = x[:, None, :] - x[None, :, :]
    return np.sqrt((diff * diff).sum(axis=-1))


def nbody_step(pos, vel, mass, dt):
    """One semi-implicit Euler step of softened gravity: velocities from all pairwise forces, then positions."""
    n = pos.shape[0]
    for i in range(n):
        ax = 0.0
        ay = 0.0
        az = 0.0
        for j in range(n):
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            dz = pos[j, 2] - pos[i, 2]
            r2 = dx * dx + dy * dy + dz * dz + SOFTENING
            w = mass[j] / (r2 * math.sqrt(r2))
            ax += dx * w
            ay += dy * w
            az += dz * w
        vel[i, 0] += dt * ax
        vel[i, 1] += dt * ay
        vel[i, 2] += dt * az
    for i in range(n):
        for c in range(3):
            pos[i, c] += dt * vel[i, c]
    return pos, vel


def nbody_step_numpy(pos, vel, mass, dt):
    d = pos[None, :, :] - pos[:, None, :]
    r2 = (d * d).sum(axis=-1) + SOFTENING
    w = mass / (r2 * np.sqrt(r2))
    vel += dt * (d * w[:, :, None]).sum(axis=1)
    pos += dt * vel
    return pos, vel


def _two_grids(size, rng):
    u = rng.random((size, size))
    return u, u.copy(), SWEEPS


def _graph(size, rng):
    d = rng.random((size, size)) * 10.0
    d[rng.random((size, size)) < 0.5] = np.inf
    np.fill_diagonal(d, 0.0)
    return d


def _bodies(size, rng):
    return rng.standard_normal((size, 3)), rng.standard_normal((size, 3)) * 0.1, rng.random(size) + 0.5, 0.01


KERNELS = [
    Kernel("matmul", "2-D", matmul,
           lambda size, rng: (rng.random((size, size)), rng.random((size, size)), np.zeros((size, size))),
           {"full": 200, "quick": 100, "tiny": 12}, numpy=matmul_numpy, mutates=True, overhead_size=4),
    Kernel("jacobi", "2-D", jacobi, _two_grids,
           {"full": 600, "quick": 230, "tiny": 16}, numpy=jacobi_numpy, mutates=True),
    Kernel("gauss_seidel", "2-D", gauss_seidel, lambda size, rng: (rng.random((size, size)), SWEEPS),
           {"full": 500, "quick": 200, "tiny": 16}, mutates=True),
    Kernel("floyd_warshall", "2-D", floyd_warshall, lambda size, rng: (_graph(size, rng),),
           {"full": 200, "quick": 100, "tiny": 12}, numpy=floyd_warshall_numpy, mutates=True),
    Kernel("pairwise_distances", "2-D", pairwise_distances, lambda size, rng: (rng.random((size, 3)),),
           {"full": 1_200, "quick": 450, "tiny": 20}, numpy=pairwise_distances_numpy),
    Kernel("nbody_step", "2-D", nbody_step, _bodies,
           {"full": 1_000, "quick": 400, "tiny": 16}, numpy=nbody_step_numpy, mutates=True),
]
