"""The non-element-wise namespace (part 1): signatures, data type functions, inspection,
creation, manipulation, indexing and searching functions -- compared against NumPy.

Part 2 (sets, sorting, statistics, utilities) is tests/test_namespace_reductions.py;
part 3 (linear algebra, linalg, fft) is tests/test_namespace_linalg_fft.py.
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import hologram_array as hx
from _namespace_helpers import arr, lazy, rng_array, same

# ---- signatures: the 2025.12 standard's (parameter kinds, names, defaults) ---------------

#: From data-apis/array-api src/array_api_stubs/_2025_12 (annotations dropped).
SIGNATURES = {
    "arange": "(start, /, stop=None, step=1, *, dtype=None, device=None)",
    "asarray": "(obj, /, *, dtype=None, device=None, copy=None)",
    "empty": "(shape, *, dtype=None, device=None)",
    "empty_like": "(x, /, *, dtype=None, device=None)",
    "eye": "(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None)",
    "from_dlpack": "(x, /, *, device=None, copy=None)",
    "full": "(shape, fill_value, *, dtype=None, device=None)",
    "full_like": "(x, /, fill_value, *, dtype=None, device=None)",
    "linspace": "(start, stop, /, num, *, dtype=None, device=None, endpoint=True)",
    "meshgrid": "(*arrays, indexing='xy')",
    "ones": "(shape, *, dtype=None, device=None)",
    "ones_like": "(x, /, *, dtype=None, device=None)",
    "tril": "(x, /, *, k=0)",
    "triu": "(x, /, *, k=0)",
    "zeros": "(shape, *, dtype=None, device=None)",
    "zeros_like": "(x, /, *, dtype=None, device=None)",
    "astype": "(x, dtype, /, *, copy=True, device=None)",
    "can_cast": "(from_, to, /)",
    "finfo": "(type, /)",
    "iinfo": "(type, /)",
    "isdtype": "(dtype, kind)",
    "result_type": "(*arrays_and_dtypes)",
    "fft.fft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.ifft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.fftn": "(x, /, *, s=None, axes=None, norm='backward')",
    "fft.ifftn": "(x, /, *, s=None, axes=None, norm='backward')",
    "fft.rfft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.irfft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.rfftn": "(x, /, *, s=None, axes=None, norm='backward')",
    "fft.irfftn": "(x, /, *, s=None, axes=None, norm='backward')",
    "fft.hfft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.ihfft": "(x, /, *, n=None, axis=-1, norm='backward')",
    "fft.fftfreq": "(n, /, *, d=1.0, dtype=None, device=None)",
    "fft.rfftfreq": "(n, /, *, d=1.0, dtype=None, device=None)",
    "fft.fftshift": "(x, /, *, axes=None)",
    "fft.ifftshift": "(x, /, *, axes=None)",
    "take": "(x, indices, /, *, axis=None)",
    "take_along_axis": "(x, indices, /, *, axis=-1)",
    "info.__array_namespace_info__": "()",
    "info.capabilities": "()",
    "info.default_device": "()",
    "info.default_dtypes": "(*, device=None)",
    "info.dtypes": "(*, device=None, kind=None)",
    "info.devices": "()",
    "linalg.cholesky": "(x, /, *, upper=False)",
    "linalg.cross": "(x1, x2, /, *, axis=-1)",
    "linalg.det": "(x, /)",
    "linalg.diagonal": "(x, /, *, offset=0)",
    "linalg.eig": "(x, /)",
    "linalg.eigh": "(x, /)",
    "linalg.eigvalsh": "(x, /)",
    "linalg.eigvals": "(x, /)",
    "linalg.inv": "(x, /)",
    "linalg.matmul": "(x1, x2, /)",
    "linalg.matrix_norm": "(x, /, *, keepdims=False, ord='fro')",
    "linalg.matrix_power": "(x, n, /)",
    "linalg.matrix_rank": "(x, /, *, rtol=None)",
    "linalg.matrix_transpose": "(x, /)",
    "linalg.outer": "(x1, x2, /)",
    "linalg.pinv": "(x, /, *, rtol=None)",
    "linalg.qr": "(x, /, *, mode='reduced')",
    "linalg.slogdet": "(x, /)",
    "linalg.solve": "(x1, x2, /)",
    "linalg.svd": "(x, /, *, full_matrices=True)",
    "linalg.svdvals": "(x, /)",
    "linalg.tensordot": "(x1, x2, /, *, axes=2)",
    "linalg.trace": "(x, /, *, offset=0, dtype=None)",
    "linalg.vecdot": "(x1, x2, /, *, axis=-1)",
    "linalg.vector_norm": "(x, /, *, axis=None, keepdims=False, ord=2)",
    "matmul": "(x1, x2, /)",
    "matrix_transpose": "(x, /)",
    "tensordot": "(x1, x2, /, *, axes=2)",
    "vecdot": "(x1, x2, /, *, axis=-1)",
    "broadcast_arrays": "(*arrays)",
    "broadcast_shapes": "(*shapes)",
    "broadcast_to": "(x, /, shape)",
    "concat": "(arrays, /, *, axis=0)",
    "expand_dims": "(x, /, axis)",
    "flip": "(x, /, *, axis=None)",
    "moveaxis": "(x, source, destination, /)",
    "permute_dims": "(x, /, axes)",
    "repeat": "(x, repeats, /, *, axis=None)",
    "reshape": "(x, /, shape, *, copy=None)",
    "roll": "(x, /, shift, *, axis=None)",
    "squeeze": "(x, /, axis)",
    "stack": "(arrays, /, *, axis=0)",
    "tile": "(x, repetitions, /)",
    "unstack": "(x, /, *, axis=0)",
    "argmax": "(x, /, *, axis=None, keepdims=False)",
    "argmin": "(x, /, *, axis=None, keepdims=False)",
    "count_nonzero": "(x, /, *, axis=None, keepdims=False)",
    "nonzero": "(x, /)",
    "searchsorted": "(x1, x2, /, *, side='left', sorter=None)",
    "where": "(condition, x1, x2, /)",
    "isin": "(x1, x2, /, *, invert=False)",
    "unique_all": "(x, /)",
    "unique_counts": "(x, /)",
    "unique_inverse": "(x, /)",
    "unique_values": "(x, /)",
    "argsort": "(x, /, *, axis=-1, descending=False, stable=True)",
    "sort": "(x, /, *, axis=-1, descending=False, stable=True)",
    "cumulative_prod": "(x, /, *, axis=None, dtype=None, include_initial=False)",
    "cumulative_sum": "(x, /, *, axis=None, dtype=None, include_initial=False)",
    "max": "(x, /, *, axis=None, keepdims=False)",
    "mean": "(x, /, *, axis=None, keepdims=False)",
    "min": "(x, /, *, axis=None, keepdims=False)",
    "prod": "(x, /, *, axis=None, dtype=None, keepdims=False)",
    "std": "(x, /, *, axis=None, correction=0.0, keepdims=False)",
    "sum": "(x, /, *, axis=None, dtype=None, keepdims=False)",
    "var": "(x, /, *, axis=None, correction=0.0, keepdims=False)",
    "all": "(x, /, *, axis=None, keepdims=False)",
    "any": "(x, /, *, axis=None, keepdims=False)",
    "diff": "(x, /, *, axis=-1, n=1, prepend=None, append=None)",
}


def _resolve(name):
    if name.startswith("info."):
        attr = name[len("info."):]
        if attr == "__array_namespace_info__":
            return hx.__array_namespace_info__
        return getattr(hx.__array_namespace_info__(), attr)
    obj = hx
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _bare(func) -> str:
    sig = inspect.signature(func)
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_matches_standard(name):
    assert _bare(_resolve(name)) == SIGNATURES[name]


def test_linalg_reexports_main_namespace_functions():
    for name in ("matmul", "matrix_transpose", "tensordot", "vecdot"):
        assert getattr(hx.linalg, name) is getattr(hx, name)


# ---- data type functions ------------------------------------------------------------------


@pytest.mark.parametrize("frm,to", [(hx.int8, hx.int16), (hx.uint8, hx.int16), (hx.int64, hx.uint64),
                                    (hx.float32, hx.float64), (hx.float64, hx.float32), (hx.bool, hx.int8),
                                    (hx.int8, hx.bool), (hx.complex64, hx.float32), (hx.float32, hx.complex64)])
def test_can_cast_matches_numpy(frm, to):
    assert hx.can_cast(frm, to) is bool(np.can_cast(frm, to))
    assert hx.can_cast(arr([1], frm), to) is bool(np.can_cast(frm, to))


def test_can_cast_rejects_python_scalars():
    with pytest.raises(TypeError):
        hx.can_cast(1, hx.int8)


@pytest.mark.parametrize("dt", [hx.float32, hx.float64, hx.complex64, hx.complex128])
def test_finfo(dt):
    fi, ref = hx.finfo(dt), np.finfo(dt)
    for attr in ("eps", "max", "min", "smallest_normal"):
        assert type(getattr(fi, attr)) is float
        assert getattr(fi, attr) == float(getattr(ref, attr))
    assert type(fi.bits) is int and fi.bits == ref.bits
    assert fi.dtype == ref.dtype and fi.dtype.kind == "f"
    assert hx.finfo(arr([1], dt)) == fi


@pytest.mark.parametrize("dt", [hx.int8, hx.uint8, hx.int32, hx.uint64, hx.int64])
def test_iinfo(dt):
    ii, ref = hx.iinfo(dt), np.iinfo(dt)
    assert (ii.bits, ii.min, ii.max) == (ref.bits, int(ref.min), int(ref.max))
    assert type(ii.max) is int and ii.dtype == dt
    assert hx.iinfo(arr([1], dt)) == ii


def test_info_errors():
    with pytest.raises(ValueError):
        hx.finfo(hx.int32)
    with pytest.raises(ValueError):
        hx.iinfo(hx.float32)


def test_result_type_and_isdtype():
    assert hx.result_type(hx.int8, hx.uint8) == np.int16
    assert hx.result_type(arr([1], np.float32), 1.0) == np.float32
    assert hx.result_type(arr([1], np.uint8), 1) == np.uint8
    assert hx.isdtype(hx.float32, "real floating") and not hx.isdtype(hx.int8, ("bool", "real floating"))


# ---- inspection -----------------------------------------------------------------------------


def test_namespace_info():
    info = hx.__array_namespace_info__()
    assert info.capabilities() == {"boolean indexing": True, "data-dependent shapes": True,
                                   "max dimensions": 64}
    assert info.default_device() == hx.asarray([1]).device
    assert isinstance(info.devices(), tuple) and info.default_device() in info.devices()
    assert info.default_dtypes() == {"real floating": hx.float64, "complex floating": hx.complex128,
                                     "integral": hx.int64, "indexing": hx.int64}
    assert info.default_dtypes(device=info.default_device()) == info.default_dtypes()
    all_dt = info.dtypes()
    assert list(all_dt) == ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                            "uint64", "float32", "float64", "complex64", "complex128"]
    assert all(getattr(hx, k) is v for k, v in all_dt.items())
    assert set(info.dtypes(kind="integral")) == {"int8", "int16", "int32", "int64", "uint8", "uint16",
                                                 "uint32", "uint64"}
    assert set(info.dtypes(kind=("bool", "complex floating"))) == {"bool", "complex64", "complex128"}
    assert set(info.dtypes(kind="numeric")) == set(all_dt) - {"bool"}
    with pytest.raises(ValueError):
        info.dtypes(kind="nope")
    with pytest.raises(ValueError):
        info.dtypes(device="tpu")


# ---- creation -------------------------------------------------------------------------------


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    a, b, c = np.arange(3.0), np.arange(4.0), np.arange(2.0)
    res = hx.meshgrid(arr(a), lazy(b), arr(c), indexing=indexing)
    assert isinstance(res, tuple) and len(res) == 3
    for r, e in zip(res, np.meshgrid(a, b, c, indexing=indexing)):
        same(r, e)
    assert hx.meshgrid() == ()
    with pytest.raises(ValueError):
        hx.meshgrid(arr(a), indexing="xx")


@pytest.mark.parametrize("k", [-1, 0, 2])
@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 3)])
def test_tril_triu(k, shape):
    x = rng_array(shape, np.int32)
    same(hx.tril(arr(x), k=k), np.tril(x, k))
    same(hx.triu(lazy(x), k=k), np.triu(x, k))


def test_from_dlpack():
    x = np.arange(6.0).reshape(2, 3)
    y = hx.from_dlpack(x)
    same(y, x)
    assert np.shares_memory(y._materialize(), x)
    a = arr(x)
    b = hx.from_dlpack(a)
    assert np.shares_memory(b._materialize(), a._materialize())
    c = hx.from_dlpack(a, copy=True)
    assert not np.shares_memory(c._materialize(), a._materialize())
    same(c, x)
    d = hx.from_dlpack(x, device=hx.__array_namespace_info__().default_device(), copy=True)
    assert not d.device == "cpu" or not np.shares_memory(d._materialize(), x)  # a GPU: a copy anyway
    same(hx.from_dlpack(lazy(x)), x)
    with pytest.raises(ValueError):
        hx.from_dlpack(x, device="tpu")
    with pytest.raises(AttributeError):
        hx.from_dlpack([1, 2])


# ---- manipulation ----------------------------------------------------------------------------


def test_broadcast_arrays_and_shapes():
    a, b = rng_array((3, 1), np.float32), rng_array((4,), np.int16)
    res = hx.broadcast_arrays(arr(a), lazy(b))
    assert isinstance(res, tuple)
    for r, e in zip(res, np.broadcast_arrays(a, b)):
        same(r, e)
    assert hx.broadcast_shapes((3, 1), (1, 4), (4,)) == (3, 4)
    assert hx.broadcast_shapes() == ()
    assert hx.broadcast_shapes((2, 0), (1, 1)) == (2, 0)
    with pytest.raises(ValueError):
        hx.broadcast_shapes((3,), (4,))


def test_broadcast_to():
    x = rng_array((3, 1), np.int8)
    same(hx.broadcast_to(lazy(x), (2, 3, 4)), np.broadcast_to(x, (2, 3, 4)))
    with pytest.raises(ValueError):
        hx.broadcast_to(arr(x), (2, 4))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_concat(axis):
    a, b = rng_array((2, 3), np.float32), rng_array((2, 3), np.float64, seed=1)
    same(hx.concat([arr(a), lazy(b)], axis=axis), np.concat([a, b], axis=axis))
    same(hx.concat((arr(a),), axis=axis), np.concat((a,), axis=axis))


def test_concat_promotes_and_checks():
    same(hx.concat([arr([1], np.int8), arr([2], np.uint8)]), np.array([1, 2], np.int16))
    with pytest.raises(ValueError):
        hx.concat([arr(np.ones((2, 3))), arr(np.ones((3, 2)))], axis=0)
    with pytest.raises(TypeError):
        hx.concat(arr([1]))


@pytest.mark.parametrize("axis", [0, -1, 2, (0, 1), (0, -1), (-1, 1)])
def test_expand_dims(axis):
    x = rng_array((2, 3), np.int64)
    same(hx.expand_dims(arr(x), axis=axis), np.expand_dims(x, axis))


def test_expand_dims_errors():
    x = arr(np.ones((2, 3)))
    with pytest.raises(IndexError):
        hx.expand_dims(x, axis=3)
    with pytest.raises(IndexError):
        hx.expand_dims(x, axis=(0, 4))
    with pytest.raises(ValueError):
        hx.expand_dims(x, axis=(1, 1))


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)])
def test_flip(axis):
    x = rng_array((2, 3, 4), np.float32)
    same(hx.flip(lazy(x), axis=axis), np.flip(x, axis=axis))


@pytest.mark.parametrize("src,dst", [(0, -1), (-1, 0), ((0, 1), (2, 0)), (1, 1)])
def test_moveaxis(src, dst):
    x = rng_array((2, 3, 4), np.int16)
    same(hx.moveaxis(arr(x), src, dst), np.moveaxis(x, src, dst))
    res = hx.moveaxis(lazy(x), src, dst)
    same(res, np.moveaxis(x, src, dst))


def test_moveaxis_errors():
    x = arr(np.ones((2, 3)))
    with pytest.raises(ValueError):
        hx.moveaxis(x, (0, 1), (0,))
    with pytest.raises(ValueError):
        hx.moveaxis(x, 2, 0)
    with pytest.raises(ValueError):
        hx.moveaxis(x, (0, 0), (0, 1))


@pytest.mark.parametrize("axes", [(2, 0, 1), (-1, -3, -2), (0, 1, 2), (1, -1, 0)])
def test_permute_dims(axes):
    x = rng_array((2, 3, 4), np.float64)
    same(hx.permute_dims(arr(x), axes), np.permute_dims(x, axes))
    lz = lazy(x)
    res = hx.permute_dims(lz + 1.0, axes)
    assert res.is_lazy  # an element-wise expression stays lazy
    same(res, np.permute_dims(x + 1.0, axes))


def test_permute_dims_errors():
    x = arr(np.ones((2, 3)))
    with pytest.raises(ValueError):
        hx.permute_dims(x, (0,))
    with pytest.raises(ValueError):
        hx.permute_dims(x, (0, 0))
    with pytest.raises(ValueError):
        hx.permute_dims(x, (0, 2))
    with pytest.raises(ValueError):
        hx.permute_dims(x, (0, -2))


@pytest.mark.parametrize("repeats,axis", [(2, None), (3, 0), (0, 1), ([1, 2, 0], 1), ([2], None)])
def test_repeat(repeats, axis):
    x = rng_array((2, 3), np.uint16)
    r = repeats if isinstance(repeats, int) else arr(repeats)
    same(hx.repeat(lazy(x), r, axis=axis), np.repeat(x, repeats, axis=axis))


def test_repeat_errors():
    with pytest.raises(TypeError):
        hx.repeat(arr([1, 2]), arr([1.0, 2.0]))
    with pytest.raises(ValueError):
        hx.repeat(arr([1, 2]), arr([1, 2, 3]))


def test_reshape():
    x = rng_array((2, 3, 4), np.complex64)
    for shape in [(6, 4), (-1,), (4, -1, 2), (24,)]:
        same(hx.reshape(arr(x), shape), np.reshape(x, shape))
        same(hx.reshape(lazy(x), shape), np.reshape(x, shape))
    a = arr(x)
    v = hx.reshape(a, (24,), copy=False)
    assert np.shares_memory(v._materialize(), a._materialize())
    c = hx.reshape(a, (24,), copy=True)
    assert not np.shares_memory(c._materialize(), a._materialize())
    t = hx.permute_dims(a, (2, 1, 0))
    with pytest.raises(ValueError):
        hx.reshape(t, (24,), copy=False)
    same(hx.reshape(t, (24,)), np.reshape(np.permute_dims(x, (2, 1, 0)), (24,)))
    with pytest.raises(ValueError):
        hx.reshape(a, (5, 5))


def test_reshape_view_write_keeps_lazy_readers_correct():
    a = arr(np.arange(6.0))
    reader = a * 2.0  # lazy, reads a's memory
    assert reader.is_lazy
    v = hx.reshape(a, (2, 3))
    v[0, 0] = 100.0
    same(reader, np.arange(6.0) * 2.0)
    same(a, np.array([100.0, 1, 2, 3, 4, 5]))


@pytest.mark.parametrize("shift,axis", [(1, None), (-2, 0), (5, -1), ((1, 2), (0, 1)), (1, (0, 1))])
def test_roll(shift, axis):
    x = rng_array((3, 4), np.int32)
    same(hx.roll(lazy(x), shift, axis=axis), np.roll(x, shift, axis=axis))


@pytest.mark.parametrize("axis", [0, -1, (0, 2)])
def test_squeeze(axis):
    x = rng_array((1, 3, 1), np.float32)
    same(hx.squeeze(arr(x), axis), np.squeeze(x, axis))


def test_squeeze_errors():
    with pytest.raises(ValueError):
        hx.squeeze(arr(np.ones((1, 3))), 1)
    with pytest.raises(IndexError):
        hx.squeeze(arr(np.ones((1, 3))), 2)


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_stack(axis):
    a, b = rng_array((2, 3), np.int8), rng_array((2, 3), np.int8, seed=2)
    same(hx.stack([arr(a), lazy(b)], axis=axis), np.stack([a, b], axis=axis))
    with pytest.raises(ValueError):
        hx.stack([arr(a), arr(np.ones((3, 2)))])


@pytest.mark.parametrize("reps", [(2,), (2, 3), (1, 2, 2), ()])
def test_tile(reps):
    x = rng_array((2, 3), np.bool_)
    same(hx.tile(lazy(x), reps), np.tile(x, reps))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack(axis):
    x = rng_array((2, 3, 2), np.float64)
    res = hx.unstack(arr(x), axis=axis)
    assert isinstance(res, tuple)
    exp = np.unstack(x, axis=axis)
    assert len(res) == len(exp)
    for r, e in zip(res, exp):
        same(r, e)
    with pytest.raises(ValueError):
        hx.unstack(arr(np.float64(1.0)))


# ---- indexing ------------------------------------------------------------------------------


def test_take():
    x = rng_array((3, 4), np.float32)
    idx = np.array([0, 2, -1, 1])
    same(hx.take(arr(x), arr(idx), axis=1), np.take(x, idx, axis=1))
    same(hx.take(lazy(x), arr(idx[:2]), axis=0), np.take(x, idx[:2], axis=0))
    same(hx.take(arr(x[0]), arr(idx)), np.take(x[0], idx))
    with pytest.raises(ValueError):
        hx.take(arr(x), arr(idx))  # axis required for ndim > 1 (the standard)
    with pytest.raises(IndexError):
        hx.take(arr(x), arr([5]), axis=1)
    with pytest.raises(TypeError):
        hx.take(arr(x), arr([0.0]), axis=1)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_along_axis(axis):
    x = rng_array((3, 4), np.int64)
    idx = np.argsort(x, axis=axis)
    same(hx.take_along_axis(lazy(x), arr(idx), axis=axis), np.take_along_axis(x, idx, axis=axis))
    bidx = np.zeros((1, 1), dtype=np.int64)
    same(hx.take_along_axis(arr(x), arr(bidx), axis=axis), np.take_along_axis(x, bidx, axis=axis))


# ---- searching -----------------------------------------------------------------------------


@pytest.mark.parametrize("func", ["argmax", "argmin"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), (0, False), (-1, True)])
def test_argmax_argmin(func, axis, keepdims):
    x = rng_array((3, 5), np.int8)
    x[1, 2] = x.max() if func == "argmax" else x.min()  # ties: the first occurrence wins
    res = getattr(hx, func)(lazy(x), axis=axis, keepdims=keepdims)
    same(res, np.asarray(getattr(np, func)(x, axis=axis, keepdims=keepdims)))
    assert res.dtype == np.int64


def test_argmax_errors_and_nan():
    with pytest.raises(ValueError):
        hx.argmax(arr(np.zeros((0,))))
    same(hx.argmin(arr([1.0, np.nan, 0.0])), np.asarray(np.int64(1)))


@pytest.mark.parametrize("dt", [np.bool_, np.int32, np.float64, np.complex64])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), ((0, 2), True), (None, True)])
def test_count_nonzero(dt, axis, keepdims):
    x = rng_array((2, 3, 4), dt)
    if dt is np.complex64:
        x[0, 0, :2] = [0, 1j]
    res = hx.count_nonzero(arr(x), axis=axis, keepdims=keepdims)
    same(res, np.asarray(np.count_nonzero(x, axis=axis, keepdims=keepdims), dtype=np.int64))


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 2, 3)])
def test_nonzero(shape):
    x = rng_array(shape, np.int16) % 3
    res = hx.nonzero(lazy(x))
    assert isinstance(res, tuple) and len(res) == len(shape)
    for r, e in zip(res, np.nonzero(x)):
        same(r, e)
    with pytest.raises(ValueError):
        hx.nonzero(arr(np.int16(1)))


@pytest.mark.parametrize("side", ["left", "right"])
def test_searchsorted(side):
    x1 = np.array([0.0, 1.0, 1.0, 2.5, 4.0])
    x2 = np.array([[-1.0, 1.0], [2.5, 9.0]])
    same(hx.searchsorted(arr(x1), arr(x2), side=side), np.searchsorted(x1, x2, side=side))
    perm = np.array([3, 0, 4, 1, 2])
    unsorted = x1[np.argsort(perm)]
    sorter = np.argsort(unsorted, stable=True)
    same(hx.searchsorted(arr(unsorted), lazy(x2), side=side, sorter=arr(sorter)),
         np.searchsorted(unsorted, x2, side=side, sorter=sorter))
    same(hx.searchsorted(arr(x1), 1.0, side=side), np.asarray(np.searchsorted(x1, 1.0, side=side)))


def test_searchsorted_scalar_is_weak():
    x1 = np.array([0.1, 0.2], dtype=np.float32)
    # float32(0.1) == x1[0]: with side="right" it goes after it (NumPy alone would compare in float64).
    same(hx.searchsorted(arr(x1), 0.1, side="right"), np.asarray(1, dtype=np.int64))
    same(hx.searchsorted(arr(np.array([1, 5], np.uint8)), 300), np.asarray(2, dtype=np.int64))
    same(hx.searchsorted(arr(np.array([1, 5], np.int32)), 3), np.asarray(1, dtype=np.int64))


def test_searchsorted_errors():
    with pytest.raises(ValueError):
        hx.searchsorted(arr(np.ones((2, 2))), arr([1.0]))
    with pytest.raises(ValueError):
        hx.searchsorted(arr([1.0]), arr([1.0]), side="middle")


def test_non_array_inputs_raise_type_error():
    # The standard's implementations take arrays only ...
    from hologram_array import _manipulation_functions, _set_functions, _sorting_functions
    from hologram_array import _statistical_functions
    for f in (_sorting_functions.sort, _statistical_functions.sum, _manipulation_functions.flip,
              _set_functions.unique_values):
        with pytest.raises(TypeError):
            f([1.0, 2.0])
    # ... the namespace's functions take array-likes as NumPy does (the drop-in, docs/numpy_compat.md).
    for f, g in ((hx.sort, np.sort), (hx.sum, np.sum), (hx.flip, np.flip), (hx.unique_values, np.unique_values),
                 (hx.fft.fft, np.fft.fft)):
        same(f([1.0, 2.0]), np.asarray(g([1.0, 2.0])))
    same(hx.linalg.det([[1.0, 2.0], [3.0, 4.0]]), np.asarray(np.linalg.det([[1.0, 2.0], [3.0, 4.0]])))


def test_mixed_devices_raise_value_error():
    a = arr([1.0, 2.0])
    b = a.to_device("wasm")
    assert hx.flip(b).device == b.device and hx.linalg.outer(b, b).device == b.device
    for f in (lambda: hx.concat([a, b]), lambda: hx.matmul(a, b), lambda: hx.isin(a, b)):
        with pytest.raises(ValueError):
            f()


def test_results_keep_device_and_are_arrays():
    x = arr(np.arange(6.0).reshape(2, 3))
    for res in (hx.sum(x), hx.argmax(x), hx.sort(x), hx.linalg.det(x[:, :2]), hx.max(x)):
        assert isinstance(res, hx.Array) and res.device == x.device
    assert hx.sum(x).shape == ()
