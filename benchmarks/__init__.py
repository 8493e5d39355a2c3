"""Size sweeps of Truce's load path and pages: ``python -m benchmarks.run``."""
