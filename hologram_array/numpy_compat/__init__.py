"""The NumPy surface beyond the Array API standard (ufunc objects, fallbacks, random ...)."""
