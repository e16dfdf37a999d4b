"""Register and parameter naming shared by the code generators (``cpu_numba``, ``gpu_cupy``).

Both generators number registers as the circuit does (inputs, then parameters, then
instruction results) and pass each scalar parameter once per loop dtype it is used in. A
generator using this mixin sets ``c`` (the circuit), ``ni`` (inputs), ``first`` (first
instruction register), ``uses`` (dict) and ``use_list`` (list) in its ``__init__``.
"""
from __future__ import annotations

import numpy as np


class CircuitNames:
    def reg(self, r: int) -> str:
        """The generated variable holding register ``r``'s value."""
        return f"x{r}" if r < self.ni else f"r{r}"

    def label(self, r: int) -> str:
        """Register ``r`` as the circuit listing names it (``in0``, ``p1``, ``r7``)."""
        if r < self.ni:
            return f"in{r}"
        if r < self.first:
            return f"p{r - self.ni}"
        return f"r{r}"

    def is_scalar(self, r: int) -> bool:
        """A parameter, or an input broadcast along every output axis (stride 0 throughout)."""
        if self.ni <= r < self.first:
            return True
        return r < self.ni and len(self.c.inputs[r].stretched) > 0 and all(self.c.inputs[r].stretched)

    def param_arg(self, r: int, dt: np.dtype, flagged: bool = False) -> str:
        """The kernel argument holding parameter register ``r`` converted to loop dtype ``dt``
        (``flagged``: the range flag of a Python int compared with an integer dtype)."""
        k = r - self.ni
        key = (k, dt.str, flagged)
        name = self.uses.get(key)
        if name is None:
            name = f"p{k}_{dt.name}" + ("_cmp" if flagged else "")
            self.uses[key] = name
            self.use_list.append((k, dt, flagged))
        return name
