"""Probe programs: small programs the tests run in a fresh interpreter (`python -m tests.probes.NAME`),
where what gets imported, or what a crash leaves behind, is the thing under test."""
