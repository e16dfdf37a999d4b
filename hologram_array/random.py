"""``hologram_array.random``: NumPy's random generators with Arrays (``numpy_compat/random.py``)."""
from .numpy_compat.random import *  # noqa: F401,F403
from .numpy_compat.random import __all__  # noqa: F401
