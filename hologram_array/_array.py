"""Array: a concrete buffer or a lazy expression, with NumPy's semantics.

An Array holds exactly one of

* ``_data`` -- a concrete buffer (a NumPy ndarray on the cpu/wasm devices), or
* ``_node`` -- an expression node (``expr.nodes.Op``) that records how to compute it.

``dtype``, ``shape`` and ``device`` are stored on the Array, so metadata never
computes anything. Element-wise operators and functions return new lazy
Arrays; everything that needs values calls ``_materialize()``, which runs the
compiler and keeps the buffer (the expression is dropped).

Value semantics: every lazy Array registers itself as a reader of the memory
its expression reads (``expr.aliasing``); any in-place write here first
protects those readers, so laziness is never observable.
"""
from __future__ import annotations

import operator
from typing import Any

import numpy as np

from . import _devices
from ._config import settings
from ._promotion import PY_SCALARS as _PY_SCALAR_TYPES
from ._promotion import check_int_fits, int_bounds, is_python_scalar, weak_token
from ._promotion import WEAK_FLOAT as _WEAK_FLOAT
from ._promotion import WEAK_INT as _WEAK_INT
from ._promotion import WEAK_SAME_LOOP
from .expr import aliasing
from .expr.infer import broadcast, resolve
from .expr.nodes import Const, Leaf, Node, Op
from .expr.ops import COMPARISONS, OPS
from .numpy_compat.array_methods import ArrayMethods

_DEFAULT_INT = np.dtype(np.int64)
_API_VERSIONS = ("2021.12", "2022.12", "2023.12", "2024.12", "2025.12")

try:  # NumPy's own error class for in-place casting failures
    from numpy._core._exceptions import _UFuncOutputCastingError as _OutputCastingError
except ImportError:  # pragma: no cover - older layouts
    _OutputCastingError = None


_reader, _flush, _pending = aliasing.reader, aliasing.flush, aliasing._pending


class Array(ArrayMethods):
    """An n-dimensional array; see the module docstring (NumPy's methods: ``ArrayMethods``)."""

    # _fits: the ``settings.eager_below`` object (the int itself) that the buffer's size was
    # found within, else None -- the eager small-array paths test it by identity, which is
    # cheaper than ``size`` and stays right when config changes the setting.
    # _leaf: the cached Leaf node of a concrete buffer; the eager small-array paths leave it
    # unset (one store fewer per op at 1K elements) and ``_as_node`` reads it with a default.
    __slots__ = ("_data", "_node", "_leaf", "_dtype", "_shape", "_device", "_fits", "__weakref__")
    __hash__ = None  # type: ignore[assignment]  # mutable, like ndarray
    __array_priority__ = 100

    # ---- construction ------------------------------------------------------

    @classmethod
    def _wrap(cls, data: np.ndarray, device: _devices.Device | None = None) -> "Array":
        """A concrete Array over ``data`` (no copy). The Array's device is always the one its
        buffer lives on: a NumPy result wrapped for a GPU device is moved there (the namespace
        computed it on the host), a CuPy buffer keeps its GPU."""
        if device is None:
            device = _devices.default_device()
        if type(data) is not _ndarray and _devices.is_device_buffer(data):
            if device.host or device.index != data.device.id:
                device = _devices.device_of_buffer(data)
        elif not device.host:
            data = _devices.to_buffer(data, device)
        self = object.__new__(cls)
        self._data = data
        self._node = None
        self._leaf = None
        self._dtype = data.dtype
        self._shape = data.shape
        self._device = device
        self._fits = None
        return self

    @classmethod
    def _lazy(cls, node: Node, device: _devices.Device) -> "Array":
        """A lazy Array over ``node``; flushed at once if the chain has grown too long.

        Small results whose operands are all concrete are computed on the spot
        (``config(eager_below=...)``): NumPy's own call is cheaper than recording.
        """
        if node.count <= 4 and device.host and _eager_ok(node):
            return cls._wrap(_eager(node), device)
        self = object.__new__(cls)
        self._data = None
        self._node = node
        self._leaf = None
        self._dtype = node.dtype
        self._shape = node.shape
        self._device = device
        self._fits = None
        if node.depth > settings.max_depth or node.count > settings.max_nodes:
            self._materialize()
        else:
            roots = node.roots
            if roots:
                _reader(roots, self)
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("hologram_array.Array cannot be constructed directly; use hologram_array.asarray")

    # ---- metadata (never computes) ------------------------------------------

    @property
    def dtype(self) -> np.dtype:
        return self._dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self._shape:
            n *= d
        return n

    @property
    def device(self) -> _devices.Device:
        return self._device

    @property
    def is_lazy(self) -> bool:
        """True while the Array is an unevaluated expression."""
        return self._data is None

    @property
    def T(self) -> "Array":
        if self.ndim != 2:
            raise ValueError(f"x.T requires a 2-D array (got {self.ndim}-D); use permute_dims or mT")
        return self._permuted((1, 0))

    @property
    def mT(self) -> "Array":
        if self.ndim < 2:
            raise ValueError(f"x.mT requires at least 2 dimensions (got {self.ndim})")
        axes = tuple(range(self.ndim - 2)) + (self.ndim - 1, self.ndim - 2)
        return self._permuted(axes)

    def _permuted(self, axes: tuple[int, ...]) -> "Array":
        """Transpose; a lazy element-wise expression stays lazy (the permutation moves to its leaves)."""
        if self._node is None:
            return Array._wrap(self._data.transpose(axes), self._device)
        return Array._lazy(_permute_node(self._node, axes), self._device)

    # ---- materialization -----------------------------------------------------

    def _materialize(self) -> np.ndarray:
        node = self._node
        if node is None:
            return self._data
        if isinstance(node, Op) and node.memo is not None:
            data = node.memo
        else:
            (data,) = _compiler().evaluate([node], self._device.name)
        self._data = data
        self._fits = None
        self._node = None
        if _pending:  # settle the queued lazy Arrays (aliasing.reader): this one is concrete now
            _flush()
        return data

    def materialize(self) -> "Array":
        """Compute now (if lazy) and return self."""
        if self._node is not None:  # (a concrete Array returns at once: one call fewer)
            self._materialize()
        return self

    def _as_node(self) -> Node:
        if self._node is not None:
            return self._node
        leaf = getattr(self, "_leaf", None)  # the eager small-array results leave it unset
        if leaf is None or leaf.data is not self._data:
            leaf = self._leaf = Leaf(self._data)
        return leaf

    # ---- conversion to Python / NumPy ------------------------------------------

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is None and copy is None and self._node is None and self._device.host:
            return self._data  # the common np.asarray(x): a concrete host buffer, no tests more
        data = self._materialize()
        if not self._device.host:  # the user asked for NumPy values: one device-to-host copy
            if copy is False:
                raise ValueError("__array__: the array is on a GPU; a copy to the host is needed (copy=False given)")
            data = data.get()
            return data if dtype is None else data.astype(dtype, copy=False)
        if copy:
            return np.array(data, dtype=dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != data.dtype:
            if copy is False:
                raise ValueError("__array__: a copy is needed to change the dtype (copy=False given)")
            return data.astype(dtype)
        return data

    def __bool__(self) -> bool:
        return bool(self._materialize())

    def __int__(self) -> int:
        return int(self._materialize())

    def __float__(self) -> float:
        return float(self._materialize())

    def __complex__(self) -> complex:
        return complex(self._materialize())

    def __index__(self) -> int:
        return operator.index(self._materialize())

    def item(self, *args: Any) -> Any:
        return self._materialize().item(*args)

    def tolist(self) -> Any:
        return self._materialize().tolist()

    def __len__(self) -> int:
        if not self._shape:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d array")
        if len(self._shape) == 1 and self._device.host:
            # As NumPy: the elements of a 1-D array as NumPy scalars (hashable, ``float`` for
            # float64); the standard does not define iteration.
            return iter(self._materialize())
        return (self[i] for i in range(self._shape[0]))

    def __repr__(self) -> str:
        body = np.array2string(_devices.to_host(self._materialize()), separator=", ", prefix="Array(")
        dev = "" if self._device.host else f", device={self._device.name!r}"
        return f"Array({body}, dtype={self._dtype}{dev})"

    def __str__(self) -> str:
        return str(self._materialize())

    def __format__(self, spec: str) -> str:
        data = self._materialize()
        return format(data.item() if data.ndim == 0 else data, spec) if spec else str(data)

    def __dlpack__(self, *, stream: Any = None, max_version: Any = None, dl_device: Any = None,
                   copy: bool | None = None) -> Any:
        kwargs = {}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return self._materialize().__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        if self._device.host:
            return (1, 0)  # kDLCPU
        return (2, self._device.index)  # kDLCUDA

    def __array_namespace__(self, *, api_version: str | None = None) -> Any:
        if api_version is not None and api_version not in _API_VERSIONS:
            raise ValueError(f"unsupported Array API version {api_version!r}; supported: {_API_VERSIONS}")
        import hologram_array

        return hologram_array

    def to_device(self, device: Any, /, *, stream: Any = None) -> "Array":
        dev = _devices.as_device(device)
        if dev == self._device:
            return self
        with _devices.context(self._device):
            return Array._wrap(_devices.to_buffer(self._materialize(), dev), dev)

    # ---- indexing -----------------------------------------------------------------

    def __getitem__(self, key: Any) -> "Array":
        data = self._materialize()
        res = data[_index(key)]
        if not isinstance(res, np.ndarray) and not _devices.is_device_buffer(res):
            res = np.asarray(res)
        return Array._wrap(res, self._device)

    def __setitem__(self, key: Any, value: Any) -> None:
        data = self._materialize()
        idx = _index(key)
        if isinstance(value, Array):
            if value._device != self._device:
                raise ValueError(f"__setitem__: the value is on {value._device}, the array on {self._device}; "
                                 "move it with to_device first")
            value = value._materialize()
        elif not self._device.host and isinstance(value, np.ndarray) and value.ndim:
            raise ValueError(f"__setitem__: a NumPy array cannot be written into an array on {self._device}; "
                             "move it with asarray(value, device=...) first")
        aliasing.protect(data)
        data[idx] = value

    # ---- NumPy interoperability ------------------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """NumPy ufuncs on our arrays: element-wise calls record lazily; the rest runs in NumPy.

        So ``numpy.sin(x)`` and ``ndarray + x`` return lazy Arrays. Other methods
        (``reduce``, ``accumulate``, ``outer``, ``at``) and calls with keywords we
        do not record (``where=``, ``casting=``, ``dtype=``...) materialize the
        inputs and return NumPy's result wrapped as Arrays; ``out=`` Arrays are
        written in place (their lazy readers protected first).
        """
        name = _UFUNC_NAMES.get(ufunc)
        out = kwargs.pop("out", None)
        if out is not None and not isinstance(out, tuple):
            out = (out,)
        if method == "__call__" and name is not None and not kwargs and out is None:
            return apply(name, *inputs)
        device = _device_of(inputs)
        conv = [x._materialize() if isinstance(x, Array) else x for x in inputs]
        for k, v in kwargs.items():  # where=<Array>: NumPy would dispatch back here
            if isinstance(v, Array):
                kwargs[k] = v._materialize()
        if out is not None:
            outs = []
            for o in out:
                if isinstance(o, Array):
                    buf = o._materialize()
                    aliasing.protect(buf)
                    outs.append(buf)
                else:
                    outs.append(o)
            kwargs["out"] = tuple(outs)
        res = getattr(ufunc, method)(*conv, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        if isinstance(res, tuple):
            return tuple(_wrap_result(r, device) for r in res)
        return _wrap_result(res, device)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        """NumPy's functions on our arrays (NEP 18): ``numpy_compat/dispatch.py``."""
        from .numpy_compat.dispatch import array_function

        return array_function(func, types, args, kwargs)

    # ---- matrix product (not element-wise: materializes) -------------------------------

    def __matmul__(self, other: Any) -> Any:
        if not isinstance(other, (Array, np.ndarray)):
            return NotImplemented
        return Array._wrap(_devices.as_buffer(np.matmul(self._materialize(), _buffer(other))), self._device)

    def __rmatmul__(self, other: Any) -> Any:
        if not isinstance(other, (Array, np.ndarray)):
            return NotImplemented
        return Array._wrap(_devices.as_buffer(np.matmul(_buffer(other), self._materialize())), self._device)

    def __imatmul__(self, other: Any) -> "Array":
        res = np.matmul(self._materialize(), _buffer(other))
        if res.shape != self._shape:
            raise ValueError(f"matmul: in-place result shape {res.shape} differs from {self._shape}")
        self[...] = res
        return self

    # ---- in-place operators ----------------------------------------------------------

    def _inplace(self, name: str, other: Any) -> "Array":
        args = (self,) if OPS[name].arity == 1 else (self, other)
        _check_output_casting(name, args, self._dtype)
        node = _op_node(name, args, self._device)
        if node is NotImplemented:
            return NotImplemented
        if node.shape != self._shape:
            raise ValueError(
                f"non-broadcastable output operand with shape {self._shape} doesn't match "
                f"the broadcast shape {node.shape}"
            )
        if node.dtype != self._dtype:
            if not np.can_cast(node.dtype, self._dtype, "same_kind"):
                if _OutputCastingError is not None:
                    raise _OutputCastingError(OPS[name].ufunc, "same_kind", node.dtype, self._dtype, 0)
                raise TypeError(f"Cannot cast ufunc {name!r} output from {node.dtype} to {self._dtype}")
            node = Op("astype", (node,), self._dtype, self._shape)
        if self._node is not None:
            # Lazy: nobody can hold a view of memory that does not exist yet -- rebind.
            self._node = node
            roots = node.roots
            if roots:
                _reader(roots, self)
            if node.depth > settings.max_depth or node.count > settings.max_nodes:
                self._materialize()
            return self
        data = self._data
        aliasing.protect(data)  # readers of this memory see the old values
        from .compiler import materialize as _mat

        _mat.evaluate_into(node, data, self._device.name)
        return self


# ---- helpers used by the operators and the namespace ----------------------------------

_materialize_module = None


def _compiler() -> Any:
    """``compiler.materialize``, imported on first use (the compiler and its backends load
    with the first lazy array that needs values), then kept: an import statement in the
    materialization path cost ~0.3 us per call."""
    global _materialize_module
    if _materialize_module is None:
        from .compiler import materialize

        _materialize_module = materialize
    return _materialize_module



def _eager_ok(node: Node) -> bool:
    if type(node) is not Op:
        return False
    size = 1
    for d in node.shape:
        size *= d
    if size > settings.eager_below:
        return False
    for a in node.args:
        if type(a) is Op and a.memo is None:
            return False
    return True


def _eager(node: Op) -> np.ndarray:
    """Compute one op now, with its NumPy function (NumPy's exact semantics and warnings)."""
    vals = [a.data if type(a) is Leaf else a.value if type(a) is Const else a.memo for a in node.args]
    out = np.empty(node.shape, dtype=node.dtype)
    OPS[node.name].numpy(*vals, out=out)
    return out


def _check_output_casting(name: str, args: tuple, target: np.dtype) -> None:
    """NumPy checks an in-place op's output casting before any value-dependent error."""
    tokens = []
    for a in args:
        if isinstance(a, Array):
            tokens.append(a._dtype)
        elif is_python_scalar(a):
            tokens.append(weak_token(a))
        elif isinstance(a, (np.ndarray, np.generic)):
            tokens.append(a.dtype)
        else:
            return
    try:
        _, out = resolve(name, tuple(tokens))
    except TypeError:
        return  # _op_node raises NumPy's error
    if out != target and not np.can_cast(out, target, "same_kind"):
        if _OutputCastingError is not None:
            raise _OutputCastingError(OPS[name].ufunc, "same_kind", out, target, 0)
        raise TypeError(f"Cannot cast ufunc {name!r} output from {out} to {target}")


def _wrap_result(r: Any, device: _devices.Device) -> Any:
    if r is None:
        return None
    return Array._wrap(r if _devices.is_device_buffer(r) else np.asarray(r), device)


#: NumPy ufunc -> op-table name, for __array_ufunc__.
_UFUNC_NAMES = {spec.ufunc: name for name, spec in OPS.items() if spec.ufunc is not None}
_UFUNC_NAMES.update({np.absolute: "abs", np.power: "pow", np.divide: "divide"})


def _buffer(x: Any) -> Any:
    return x._materialize() if isinstance(x, Array) else x


def _index(key: Any) -> Any:
    """Convert an index expression: Arrays inside it become their buffers."""
    if isinstance(key, Array):
        return key._materialize()
    if isinstance(key, tuple):
        return tuple(k._materialize() if isinstance(k, Array) else k for k in key)
    return key


def _operand(x: Any, device: _devices.Device) -> Node | None:
    """The node for an operand; None if it is not something we combine with."""
    if isinstance(x, Array):
        if x._device is not device and x._device != device:
            raise ValueError(f"cannot combine arrays on devices {device} and {x._device}")
        return x._as_node()
    if is_python_scalar(x):
        return Const(x)
    if isinstance(x, (np.ndarray, np.generic)):
        if not device.host and np.ndim(x):
            raise ValueError(f"cannot combine a NumPy array with an array on {device} (no silent transfers); "
                             "move it with asarray(x, device=...) first")
        return Leaf(np.asarray(x))
    return None


def _device_of(args: tuple) -> _devices.Device:
    for a in args:
        if isinstance(a, Array):
            return a._device
    return _devices.default_device()


def _token(n: Node) -> Any:
    if type(n) is Const:
        return weak_token(n.value)
    return n.dtype


def _op_node(name: str, args: tuple, device: _devices.Device | None = None) -> Any:
    """Build (not register) the node for op ``name`` on ``args``; NotImplemented for foreign operands.

    This is the recording hot path: no generators, one cached dtype lookup.
    """
    if device is None:
        device = _device_of(args)
    nodes = []
    tokens = []
    n_const = 0
    shape: tuple = ()
    for a in args:
        n = _operand(a, device)
        if n is None:
            return NotImplemented
        nodes.append(n)
        if type(n) is Const:
            tokens.append(weak_token(n.value))
            n_const += 1
        else:
            tokens.append(n.dtype)
            s = n.shape
            if s != shape:
                shape = s if shape == () else broadcast(shape, s)
    if n_const == len(nodes):
        # Only Python scalars: nothing to record; NumPy computes (and types) it.
        return Leaf(np.asarray(OPS[name].numpy(*[n.value for n in nodes])))
    loop, out = resolve(name, tuple(tokens))
    if n_const:
        for n, dt in zip(nodes, loop):
            if type(n) is Const and type(n.value) is int:
                if dt.kind in "iu":
                    # NumPy 2 compares an out-of-range int with an *integer* array exactly.
                    if not (name in COMPARISONS and all(
                            type(m) is Const or m.dtype.kind in "iu" for m in nodes)):
                        check_int_fits(n.value, dt)
                elif dt.kind == "b":  # logical ops: NumPy goes through the default int first
                    check_int_fits(n.value, _DEFAULT_INT)
                elif dt.kind in "fc":
                    float(n.value)  # OverflowError for ints beyond float64, as NumPy
        if name == "pow" and type(nodes[1]) is Const and out.kind in "iub" and nodes[1].value < 0:
            raise ValueError("Integers to negative integer powers are not allowed.")
    return Op(name, tuple(nodes), out, shape)


def wrap_result(r: Any, device: _devices.Device) -> Array:
    """A concrete Array over a ufunc's result, built as cheaply as Python allows."""
    if type(r) is not _ndarray:
        r = _asarray(r)
    a = _new(Array)
    a._data = r
    a._node = a._leaf = a._fits = None
    a._dtype = r.dtype
    a._shape = r.shape
    a._device = device
    return a


# The eager small-array paths build their results with these (no attribute lookups).
_new = object.__new__
_ndarray = np.ndarray
_asarray = np.asarray
#: op-table name -> NumPy ufunc (None for rows without one), one dict lookup for ``apply``.
_UFUNC_OF = {name: spec.ufunc for name, spec in OPS.items()}


def apply(name: str, *args: Any) -> Array:
    """Record op ``name`` on ``args`` (Arrays, NumPy arrays or Python scalars) lazily."""
    ufunc = _UFUNC_OF[name]
    if ufunc is not None:
        # Eager shortcut for small concrete operands (see config eager_below): NumPy's own call
        # is cheaper than recording.
        x = args[0]
        if type(x) is Array:
            fits = settings.eager_below
            if _concrete_fits(x, fits):
                r = None
                if len(args) == 1:
                    r = ufunc(x._data)
                elif len(args) == 2:
                    y = args[1]
                    ty = type(y)
                    if ty is float or ty is int or ty is bool or ty is complex:
                        r = ufunc(x._data, y)
                    elif ty is Array and y._device is x._device and _concrete_fits(y, fits):
                        r = ufunc(x._data, y._data)
                if r is not None:
                    return _eager_result(r, x._device, fits, x._shape)
        if len(args) == 2:
            y = args[1]
            if _small(x) and _small(y):
                dx = x._device if type(x) is Array else None
                dy = y._device if type(y) is Array else None
                if dx is dy or dx is None or dy is None:
                    return Array._wrap(np.asarray(ufunc(_buffer(x), _buffer(y))), dx or dy)
    recorded = _apply_by_rule(name, args)
    if recorded is not None:
        return recorded
    device = _device_of(args)
    node = _op_node(name, args, device)
    if node is NotImplemented:
        raise TypeError(
            f"hologram_array.{name}: unsupported operand types "
            + ", ".join(type(a).__name__ for a in args)
        )
    if type(node) is Leaf:
        return Array._wrap(node.data, device)
    _learn_apply_rule(name, args, node)
    return Array._lazy(node, device)


#: (op name, operand tokens: an Array's dtype or float / int) -> (result dtype, per operand
#: the (lo, hi) a Python int must lie in, else None): what ``_op_node`` worked out for operands
#: that are same-device Arrays and Python floats and ints, so that ``apply`` records the next
#: such call directly (``clip(x, 0, 4)``: 1.9 instead of 4.5 us) -- the operators' lazy rules
#: (``_LAZY_RULES``) for any number of operands. An int outside its range takes ``_op_node``,
#: which raises as NumPy does.
_APPLY_RULES: dict[tuple, tuple] = {}


def _apply_by_rule(name: str, args: tuple) -> Array | None:
    """``apply``'s recording by a learned rule (``_APPLY_RULES``), or None."""
    key = [name]
    parts = []
    device = shape = None
    for a in args:
        t = type(a)
        if t is Array:
            if device is None:
                device = a._device
            elif a._device is not device:
                return None
            n = a._node
            if n is None:
                n = a._as_node()
            s = n.shape
            if shape is None:
                shape = s
            elif s is not shape and s != shape:
                shape = broadcast(shape, s)
            key.append(n.dtype)
            parts.append(n)
        elif t is float or t is int:
            key.append(t)
            parts.append(a)
        else:
            return None
    rule = _APPLY_RULES.get(tuple(key)) if device is not None else None
    if rule is None:
        return None
    out, bounds = rule
    for i, v in enumerate(parts):
        t = type(v)
        if t is int:
            lo, hi = bounds[i]
            if not lo <= v <= hi:
                return None
            parts[i] = Const(v)
        elif t is float:
            parts[i] = Const(v)
    return Array._lazy(Op(name, tuple(parts), out, shape), device)


def _learn_apply_rule(name: str, args: tuple, node: Op) -> None:
    """Keep ``_op_node``'s answer for ``args`` as a rule, where it is one (see
    ``_APPLY_RULES``): operands that are Arrays and Python floats and ints (``_op_node`` has
    checked their devices), each int checked by its range alone (not comparisons, which
    compare ints exactly, nor ``pow``, whose negative exponents are refused)."""
    if type(node) is not Op or name in _INT_CAREFUL or len(_APPLY_RULES) > 4096:
        return
    for a in args:
        t = type(a)
        if t is not Array and t is not float and t is not int:
            return
    tokens = [type(n.value) if type(n) is Const else n.dtype for n in node.args]
    loop = resolve(name, tuple(tokens))[0]
    bounds = []
    for tok, dt in zip(tokens, loop):
        if tok is not int:
            bounds.append(None)
        elif dt.kind in "iu":
            bounds.append(int_bounds(dt))
        elif dt.kind == "b":  # logical ops: NumPy goes through the default int first
            bounds.append(int_bounds(_DEFAULT_INT))
        elif dt.kind in "fc":
            bounds.append((-_FLOAT_INT_MAX, _FLOAT_INT_MAX))
        else:
            return
    _APPLY_RULES[(name, *tokens)] = (node.dtype, tuple(bounds))


def apply_node(node: Node, device: _devices.Device) -> Array:
    return Array._wrap(node.data, device) if type(node) is Leaf else Array._lazy(node, device)


def _permute_node(root: Node, axes: tuple[int, ...]) -> Node:
    """The same element-wise expression with every operand transposed by ``axes``.

    Element-wise ops commute with transposition, so the permutation moves to
    the leaves (as views, after padding each to the full ndim). Iterative.
    """
    ndim = len(axes)
    done: dict[int, Node] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if type(node) is Const:
            done[id(node)] = node
        elif type(node) is Leaf or node.memo is not None:
            data = node.data if type(node) is Leaf else node.memo
            full = data.reshape((1,) * (ndim - data.ndim) + data.shape)
            done[id(node)] = Leaf(full.transpose(axes))
        elif not expanded:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in done)
        else:
            padded = (1,) * (ndim - len(node.shape)) + node.shape
            shape = tuple(padded[a] for a in axes)
            done[id(node)] = Op(node.name, tuple(done[id(a)] for a in node.args), node.dtype, shape)
    return done[id(root)]


def materialize_many(arrays: list) -> None:
    """Materialize several lazy Arrays in one go (shared subexpressions computed once)."""
    from .compiler import materialize as _mat

    by_device: dict[Any, list[Array]] = {}
    for a in arrays:
        if isinstance(a, Array) and a._node is not None:
            by_device.setdefault(a._device, []).append(a)
    for dev, group in by_device.items():
        nodes = [a._node for a in group]
        bufs = _mat.evaluate(nodes, dev.name)
        for a, b in zip(group, bufs):
            if a._node is not None:
                a._data = b
                a._fits = None
                a._node = None
    aliasing.flush()  # (as in Array._materialize)


aliasing.materialize_hook = materialize_many


# ---- operators, generated from the op table ---------------------------------------------

def _small(x: Any) -> bool:
    """A concrete operand small enough for the eager shortcut (Python scalars count)."""
    if isinstance(x, Array):
        d = x._data
        return d is not None and d.size <= settings.eager_below and x._device.host
    return type(x) in _PY_SCALAR_TYPES


#: The operators' eager small-array path (see config eager_below), generated per operator
#: (forward or reflected; with or without the weak-scalar table) so that it runs no test it
#: does not need: at 1K elements the Python around a ufunc call costs as much as the call.
#:
#: Its one entry test is ``self._fits is settings.eager_below`` (see ``Array._fits``): a
#: concrete array of at least one dimension, known to fit -- so the ufunc returns an ndarray
#: (never a NumPy scalar) of the same shape for a scalar operand. Everything else (first use,
#: 0-d, lazy or large operands, NumPy operands) takes ``_binary_general``, which fills
#: ``_fits`` in for next time. A Python scalar goes to the ufunc as it is (NumPy applies NEP 50
#: itself) or, meeting a float array, as its cached exact conversion (``WeakTable``: the
#: same loop, bit-identical, faster).
_BINARY_TEMPLATE = """
def method(self, other):
    fits = settings.eager_below
    if self._fits is fits:
        to = type(other)
        if to is Array:
            if other._fits is fits and other._device is self._device:
                r = {call_array}
                a = _new(Array)
                a._data = r
                a._node = None
                a._dtype = r.dtype
                if other._shape is self._shape or other._shape == self._shape:
                    a._shape = self._shape
                    a._fits = fits
                else:  # broadcast: the shape (and size) may differ
                    a._shape = r.shape
                    a._fits = None
                a._device = self._device
                return a
        elif to is float or to is int:{weak}
            r = {call_scalar}
            a = _new(Array)
            a._data = r
            a._node = None
            a._dtype = r.dtype
            a._shape = self._shape
            a._fits = fits
            a._device = self._device
            return a
    else:
        sn = self._node
        if sn is not None:  # recording onto a lazy operand: the rule cached
            to = type(other)
            if to is Array:  # (keyed by the two dtypes)
                if other._device is self._device:
                    hit = lazy_rules.get((sn.dtype, other._dtype))
                    if hit is not None:
                        on = other._node
                        if on is None:
                            on = other._as_node()
                        shape = sn.shape
                        if on.shape is not shape and on.shape != shape:
                            shape = broadcast(shape, on.shape)
                        return _lazy(Op(name, {lazy_nodes}, hit[0], shape), self._device)
            else:  # a Python scalar (keyed by its type; an int checked against its range)
                hit = lazy_rules.get((sn.dtype, to))
                if hit is not None and (hit[1] is None or hit[1] <= other <= hit[2]):
                    return _lazy(Op(name, {lazy_args}, hit[0], sn.shape), self._device)
    return _binary_general(name, ufunc, reflected, weak_ok, self, other)
"""

#: (op name, reflected) -> {(lazy operand's dtype, float | int): (result dtype, lo, hi)}: what
#: ``_binary_slow`` worked out for a Python scalar meeting a lazy operand, so the generated
#: operator records the next one directly (an int must lie in [lo, hi]: NumPy 2's range check;
#: None for a float, which has none).
_LAZY_RULES: dict[tuple[str, bool], dict] = {}
_WEAK_LOOKUP = """
            table = (_WEAK_FLOAT if to is float else _WEAK_INT).get(self._dtype)
            if table is not None:
                other = table[other]"""


def _binary_method(name: str, reflected: bool = False):
    weak_ok = name in WEAK_SAME_LOOP
    src = _BINARY_TEMPLATE.format(
        weak=_WEAK_LOOKUP if weak_ok else "",
        call_scalar="ufunc(other, self._data)" if reflected else "ufunc(self._data, other)",
        call_array="ufunc(other._data, self._data)" if reflected else "ufunc(self._data, other._data)",
        lazy_args="(Const(other), sn)" if reflected else "(sn, Const(other))",
        lazy_nodes="(on, sn)" if reflected else "(sn, on)",
    )
    env = {"ufunc": OPS[name].ufunc, "name": name, "reflected": reflected, "weak_ok": weak_ok,
           "lazy_rules": _LAZY_RULES.setdefault((name, reflected), {}), "Op": Op, "Const": Const,
           "_lazy": Array._lazy, "broadcast": broadcast,
           "settings": settings, "Array": Array, "_binary_general": _binary_general, "_new": _new,
           "_WEAK_FLOAT": _WEAK_FLOAT, "_WEAK_INT": _WEAK_INT}
    exec(compile(src, f"<hologram_array operator {name}{' reflected' if reflected else ''}>", "exec"), env)
    return env["method"]


def _concrete_fits(x: Array, fits: int) -> bool:
    """Whether ``x`` is concrete and small enough for the eager path; notes it in ``x._fits``
    (at least one dimension only: the fast paths rely on an ndarray result)."""
    if x._fits is fits:
        return True
    d = x._data
    if d is None or d.size > fits or not x._device.host:
        return False
    if x._shape:
        x._fits = fits
    return True


def _eager_result(r: Any, device: _devices.Device, fits: int, shape: tuple | None = None) -> Array:
    """A concrete Array over an eager ufunc result (``fits``: the setting it was computed under;
    ``shape``: the operand's shape tuple when the result has that shape, kept for the identity
    tests of the fast paths)."""
    if type(r) is not _ndarray:
        r = _asarray(r)
    a = _new(Array)
    a._data = r
    a._node = None
    a._dtype = r.dtype
    if shape is None or r.shape != shape:
        shape = r.shape
    a._shape = shape
    a._fits = fits if shape and r.size <= fits else None
    a._device = device
    return a


def _binary_general(name: str, ufunc: Any, reflected: bool, weak_ok: bool, self: Array, other: Any) -> Any:
    """An operator beyond the generated fast path: eager if its operands are small and concrete
    (any rank), else recorded (or NotImplemented for foreign operands)."""
    fits = settings.eager_below
    if _concrete_fits(self, fits):
        to = type(other)
        r = None
        if to is Array:
            if other._device is self._device and _concrete_fits(other, fits):
                r = ufunc(other._data, self._data) if reflected else ufunc(self._data, other._data)
        elif to is float or to is int or to is bool or to is complex:
            if weak_ok and (to is float or to is int):
                table = (_WEAK_FLOAT if to is float else _WEAK_INT).get(self._dtype)
                if table is not None:
                    other = table[other]
            r = ufunc(other, self._data) if reflected else ufunc(self._data, other)
        if r is not None:
            return _eager_result(r, self._device, fits, self._shape)
    return _binary_slow(name, reflected, self, other)


#: Python ints a float loop takes without a conversion error (``float(v)`` raises beyond).
_FLOAT_INT_MAX = 2 ** 1023
#: Ops whose Python-int operand needs more than the range check (``_op_node`` handles them).
_INT_CAREFUL = frozenset(COMPARISONS) | {"pow"}


def _binary_slow(name: str, reflected: bool, self: Array, other: Any) -> Any:
    """An operator that does not run eagerly: record it (or NotImplemented for foreign operands)."""
    # Recording fast path: a float scalar or a same-device Array operand (the common cases;
    # everything else -- ints with their range checks, NumPy operands -- takes _op_node).
    to = type(other)
    if (to is float or (to is Array and other._device is self._device)
            or (to is int and self._dtype.kind in "iuf" and name not in _INT_CAREFUL)):
        sn = self._node
        if sn is None:
            sn = self._as_node()
        if to is int:  # an int array with a Python int: NumPy 2's range check, then the op
            on = Const(other)
            shape = sn.shape
            tokens = (int, sn.dtype) if reflected else (sn.dtype, int)
            loop, out = resolve(name, tokens)
            dt = loop[0 if reflected else 1]
            if dt.kind in "iu":
                check_int_fits(other, dt)
                _LAZY_RULES[(name, reflected)][(sn.dtype, int)] = (out, *int_bounds(dt))
            elif dt.kind in "fc":  # a float loop (a float array; true division)
                float(other)  # OverflowError beyond float64, as NumPy's
                _LAZY_RULES[(name, reflected)][(sn.dtype, int)] = (out, -_FLOAT_INT_MAX, _FLOAT_INT_MAX)
            else:  # anything else: the general path's rules
                node = _op_node(name, (other, self) if reflected else (self, other), self._device)
                return NotImplemented if node is NotImplemented else apply_node(node, self._device)
            return Array._lazy(Op(name, (on, sn) if reflected else (sn, on), out, shape), self._device)
        if to is float:
            on = Const(other)
            shape = sn.shape
            tokens = (float, sn.dtype) if reflected else (sn.dtype, float)
        else:
            on = other._node
            if on is None:
                on = other._as_node()
            shape = sn.shape
            if on.shape != shape:
                shape = broadcast(shape, on.shape)
            tokens = (on.dtype, sn.dtype) if reflected else (sn.dtype, on.dtype)
        out = resolve(name, tokens)[1]
        if to is float:
            _LAZY_RULES[(name, reflected)][(sn.dtype, float)] = (out, None, None)
        elif self._node is not None:  # the operators' rule for a lazy operand and an Array
            _LAZY_RULES[(name, reflected)][(sn.dtype, on.dtype)] = (out, None, None)
        return Array._lazy(Op(name, (on, sn) if reflected else (sn, on), out, shape), self._device)
    node = _op_node(name, (other, self) if reflected else (self, other), self._device)
    return NotImplemented if node is NotImplemented else apply_node(node, self._device)


def _unary_method(name: str):
    ufunc = OPS[name].ufunc

    def method(self: Array) -> Array:
        fits = settings.eager_below
        if self._fits is fits:  # see _BINARY_TEMPLATE
            r = ufunc(self._data)
            a = _new(Array)
            a._data = r
            a._node = None
            a._dtype = r.dtype
            a._shape = self._shape  # a unary ufunc keeps the shape
            a._fits = fits
            a._device = self._device
            return a
        if _concrete_fits(self, fits):
            return _eager_result(ufunc(self._data), self._device, fits, self._shape)
        sn = self._node
        if sn is not None:  # recording onto a lazy operand: no operand walk
            return Array._lazy(Op(name, (sn,), resolve(name, (sn.dtype,))[1], sn.shape), self._device)
        return apply_node(_op_node(name, (self,), self._device), self._device)
    return method


def _inplace_method(name: str):
    def method(self: Array, other: Any) -> Any:
        return self._inplace(name, other)
    return method


#: Python operator -> op-table name. One row per operator.
BINARY_OPERATORS = {
    "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
    "floordiv": "floor_divide", "mod": "remainder", "pow": "pow", "and": "bitwise_and",
    "or": "bitwise_or", "xor": "bitwise_xor", "lshift": "bitwise_left_shift",
    "rshift": "bitwise_right_shift",
}
COMPARISON_OPERATORS = {"eq": "equal", "ne": "not_equal", "lt": "less", "le": "less_equal",
                        "gt": "greater", "ge": "greater_equal"}
UNARY_OPERATORS = {"neg": "negative", "pos": "positive", "abs": "abs", "invert": "bitwise_invert"}

for _py, _op in BINARY_OPERATORS.items():
    setattr(Array, f"__{_py}__", _binary_method(_op))
    setattr(Array, f"__r{_py}__", _binary_method(_op, reflected=True))
    setattr(Array, f"__i{_py}__", _inplace_method(_op))
for _py, _op in COMPARISON_OPERATORS.items():
    setattr(Array, f"__{_py}__", _binary_method(_op))
for _py, _op in UNARY_OPERATORS.items():
    setattr(Array, f"__{_py}__", _unary_method(_op))

#: ``ndarray.__pow__`` short-cuts these Python-scalar exponents to other ufuncs
#: (float/complex arrays; integer and bool arrays only ``** 2``). Their results can
#: differ from ``power``'s (complex ``x ** -1``, ``bool ** 2`` is int8), so we follow.
_FAST_POWERS = {2: "square", 0.5: "sqrt", -1: "reciprocal", 1: "positive"}


def _power_op(x: Array, e: Any) -> str:
    if type(e) is int or type(e) is float:
        if x._dtype.kind == "c" and e == -1 and type(e) is float:
            return "pow"  # measured: complex ** -1.0 is power's, complex ** -1 reciprocal's
        if x._dtype.kind in "fc":
            return _FAST_POWERS.get(e, "pow")
        if type(e) is int and e == 2:
            return "square"
    return "pow"


_generic_pow, _generic_ipow = Array.__pow__, Array.__ipow__


def _pow(self: Array, other: Any) -> Any:
    name = _power_op(self, other)
    return _generic_pow(self, other) if name == "pow" else apply(name, self)


def _ipow(self: Array, other: Any) -> Any:
    name = _power_op(self, other)
    return _generic_ipow(self, other) if name == "pow" else self._inplace(name, other)


Array.__pow__, Array.__ipow__ = _pow, _ipow
