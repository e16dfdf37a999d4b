"""Value semantics for lazy expressions: who reads which memory.

A lazy expression records references to buffers, not copies. If a buffer (or
any view of its memory) is written in place afterwards, every live expression
that reads it must first be *protected*, so that it still yields the value
NumPy's eager evaluation would have given.

Memory is identified by its *root*: the object at the end of an ndarray's
``.base`` chain (views of views all share it). For each root we keep weak
references to its *protectors*:

* lazy Arrays that read it -- protecting one materializes it (done in one
  batch through the hook the array layer installs, so shared work is shared);
* memoized Op nodes whose memo *is* that memory -- protecting one drops the
  memo, so later expressions recompute from the node's own (protected) inputs.

Keys are ``id(root)``; a stale key after the root dies can only cause an
early, harmless materialization, never a wrong value.
"""
from __future__ import annotations

import sys
import threading
import weakref
from collections import deque
from typing import Any, Callable, Collection

_registry: dict[int, list[weakref.ref]] = {}
_lock = threading.Lock()
_adds_since_sweep = 0
_SWEEP_EVERY = 4096

#: Installed by the array layer: materialize a batch of lazy Arrays together.
materialize_hook: Callable[[list[Any]], None] | None = None


def root_of(buf: Any) -> Any:
    """The object that owns ``buf``'s memory (end of the ``.base`` chain)."""
    base = getattr(buf, "base", None)
    while base is not None:
        buf = base
        base = getattr(buf, "base", None)
    return buf


def register(roots: Collection[int], protector: Any) -> None:
    """Record that ``protector`` reads memory under each root id in ``roots`` (every lazy
    Array calls this: it is on the recording path)."""
    global _adds_since_sweep
    ref = weakref.ref(protector)
    # ``with``, not acquire() + try: a signal handler's exception raised just after acquire()
    # returned would leave the lock held (the queue's drain calls this in a loop, see below)
    with _lock:
        for rid in roots:
            lst = _registry.get(rid)
            if lst is None:
                _registry[rid] = [ref]
            else:
                lst.append(ref)
        _adds_since_sweep += len(roots)
        if _adds_since_sweep > _SWEEP_EVERY:
            _sweep()


# ---- deferred registration of lazy Arrays ---------------------------------------------------
#
# Most lazy Arrays are the temporaries of a chain (``a * 1.5 + 0.25``: the product is dead once
# the sum holds its node), and registering each costs a weak reference and the lock (~0.45 us,
# a sixth of recording an op). So a new lazy Array is queued instead (``reader``), and the queue
# is drained (``flush``) before anything that needs the registry (every ``protect``,
# ``live_readers``), after every materialization (``Array._materialize``, ``materialize_many``),
# when a new buffer enters an expression (``Leaf``) and when it grows past ``_PENDING_MAX``.
# Draining registers the Arrays still alive and lazy, and drops the rest: an Array that only the
# queue references can never be read again, so no write can change what it would have shown.
# "Only the queue": CPython 3.11's reference count of the queued Array in ``_drain``
# (``_QUEUED_ONLY``); other versions count references on the
# interpreter's stack differently, so there every lazy Array registers at once (``reader`` is
# ``register``). The queue holds strong references: an Array dropped by the user lives until the
# next drain -- at most ``_PENDING_MAX`` of them, and none past a materialization.

_DEFER = sys.version_info[:2] == (3, 11)
#: ``getrefcount`` of a queued Array in ``_drain`` when nothing else references it: its queue
#: entry (the drain's local now), the drain's local name and ``getrefcount``'s argument (3.11).
_QUEUED_ONLY = 3
_PENDING_MAX = 1024
_pending: deque = deque()
_queue = _pending.append
_getrefcount = sys.getrefcount
#: Held while draining and while ``protect`` drains and pops, so that an Array taken from the
#: queue by one thread is registered before another thread's ``protect`` reads the registry.
#: Re-entrant: a finalizer run by the garbage collector inside a drain may write (``protect``).
_drain_lock = threading.RLock()


def reader(roots: Collection[int], array: Any) -> None:
    """``register(roots, array)`` for a new lazy Array: queued where that is safe (see above)."""
    _queue((array, roots))
    if len(_pending) > _PENDING_MAX:
        flush()


def flush() -> None:
    """Register the queued lazy Arrays that are still alive and lazy; drop the rest."""
    if _pending:
        with _drain_lock:
            dropped = _drain()
        del dropped  # (their finalizers, if any, run here: outside the lock)


def _drain() -> list:
    """Empty the queue (with ``_drain_lock`` held); returns the dropped Arrays, for the caller to
    let go of after the lock. An entry that an exception interrupts (a signal handler's, a
    KeyboardInterrupt) goes back to the front of the queue, so no registration is lost; a drain
    nested in this one (a finalizer run by the garbage collector that writes) settles the rest."""
    popleft = _pending.popleft
    dropped = []
    while True:
        try:
            entry = popleft()
        except IndexError:
            return dropped
        try:
            array = entry[0]
            if _getrefcount(array) > _QUEUED_ONLY and array._node is not None:
                register(entry[1], array)
            else:
                dropped.append(array)
        except BaseException:
            _pending.appendleft(entry)  # not settled: it stays queued
            raise


if not _DEFER:
    reader = register  # noqa: F811  (see above: registered at once)


def _sweep() -> None:
    """Drop dead weak references (called with the lock held)."""
    global _adds_since_sweep
    _adds_since_sweep = 0
    for rid in list(_registry):
        alive = [r for r in _registry[rid] if r() is not None]
        if alive:
            _registry[rid] = alive
        else:
            del _registry[rid]


def protect(buf: Any) -> None:
    """Call before writing into ``buf``: every live reader of its memory is protected first."""
    rid = id(root_of(buf))
    with _drain_lock:
        dropped = _drain() if _pending else None
        with _lock:
            refs = _registry.pop(rid, None)
    del dropped  # (outside the lock, as in ``flush``)
    if not refs:
        return
    arrays = []
    for r in refs:
        obj = r()
        if obj is None:
            continue
        if hasattr(obj, "memo"):  # a memoized node: forget the memo
            obj.memo = None
        else:
            arrays.append(obj)
    if arrays and materialize_hook is not None:
        materialize_hook(arrays)


def live_readers(buf: Any) -> int:
    """Number of live protectors registered on ``buf``'s memory (for tests and explain)."""
    flush()
    with _lock:
        refs = _registry.get(id(root_of(buf)), [])
        return sum(1 for r in refs if r() is not None)
