"""The benchmark chains, written once for any namespace ``xp`` (numpy or hologram_array).

They are the chains whose NumPy/numexpr/Numba/JAX figures set the targets
(../shared/reference/perfbase.py).
"""
from __future__ import annotations


def arith10(xp, a):
    """clip(abs(a*1.5+0.25)*a-0.5, 0, 4)*0.75 + a - 1"""
    return xp.clip(xp.abs(a * 1.5 + 0.25) * a - 0.5, 0, 4) * 0.75 + a - 1


# numexpr: a Python float constant (and minimum/maximum) computes in float64 in numexpr 2.14,
# so the chains are written with float32 scalar variables (NUMEXPR_CONSTANTS) and where().
_T = "(abs(a*c1+c2)*a-c3)"
arith10.numexpr = f"where({_T} < z, z, where({_T} > c4, c4, {_T}))*c5 + a - one"


def transc12(xp, a):
    """tanh(maximum(a*1.5+0.25,0))*exp(-a*a)+sqrt(abs(a))-0.5"""
    return xp.tanh(xp.maximum(a * 1.5 + 0.25, 0)) * xp.exp(-a * a) + xp.sqrt(xp.abs(a)) - 0.5


transc12.numexpr = "where(a*c1+c2 > z, tanh(a*c1+c2), z)*exp(-a*a)+sqrt(abs(a))-c3"

#: The float32 scalars the numexpr expressions name (c1=1.5, c2=0.25, c3=0.5, c4=4, c5=0.75).
NUMEXPR_CONSTANTS = {"c1": 1.5, "c2": 0.25, "c3": 0.5, "c4": 4.0, "c5": 0.75, "z": 0.0, "one": 1.0}


def poly20(xp, x):
    """20 ops: nested polynomial with a few casts-free transcendental-free steps"""
    y = x
    for k in range(10):
        y = y * 0.5 + (k + 1)
    return y


def u8chain(xp, x, length):
    """``length`` cheap uint8 ops (wrapping arithmetic, shifts, xor)"""
    steps = [lambda v: v * 3, lambda v: v + 7, lambda v: v ^ 0x5A, lambda v: v >> 1]
    y = x
    for k in range(length):
        y = steps[k % len(steps)](y)
    return y


def image_gamma(xp, img):
    """uint8 image -> [0, 1] -> gamma 2.2 -> contrast -> clip -> uint8, as users write it"""
    x = img / 255.0                      # float64 (NumPy's promotion of uint8 with a Python float)
    x = x ** 2.2
    x = (x - 0.5) * 1.2 + 0.5
    x = xp.clip(x, 0.0, 1.0)
    return xp.astype(x * 255.0 + 0.5, xp.uint8)


def image_normalize(xp, img):
    """uint8 image -> float32 (x / 255 - mean) / std, a network's input normalization"""
    return (img / xp.float32(255) - xp.float32(0.485)) / xp.float32(0.229)


def image_normalize_affine(xp, img):
    """uint8 image -> float32 normalization, then an affine map and a floor (6 ops: a class map
    with a float32 table, looked up as four byte planes where the CPU has AVX-512 VBMI)"""
    y = (img / xp.float32(255) - xp.float32(0.485)) / xp.float32(0.229)
    return xp.maximum(y * xp.float32(1.5) + xp.float32(0.1), xp.float32(-1.0))


def sci11(xp, a):
    """sin(a) * cos(a/2) + log1p(a*a) - atan(a) + expm1(-|a|) / 4 (11 ops: float64 functions a
    fused loop used to call the C library for, one element at a time)"""
    return xp.sin(a) * xp.cos(a * 0.5) + xp.log1p(a * a) - xp.atan(a) + xp.expm1(-xp.abs(a)) * 0.25


CHAINS = {"sci11": sci11, "arith10": arith10, "transc12": transc12, "poly20": poly20, "u8chain": u8chain,
          "image_gamma": image_gamma, "image_normalize": image_normalize,
          "image_normalize_affine": image_normalize_affine}
