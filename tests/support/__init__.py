"""Loopback stand-ins for a chat platform, shared by the multi-replica test and the benchmarks."""
