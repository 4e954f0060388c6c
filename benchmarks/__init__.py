"""Benchmarks of ruwaard-analysis. Run all with `make bench` (= `python -m benchmarks`)."""
