"""The fusion compiler: linearize, canonicalize, circuits, class maps, cache, driver."""
