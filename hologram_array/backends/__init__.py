"""Backends: turn a circuit into work on buffers. They know nothing of Arrays or the namespace."""
