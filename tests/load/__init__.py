"""The load smoke run: the load command of benchmarks/load.py, scaled down."""
