"""A drop's life: planned from a schedule or started by hand, posted, closed, revealed and scored,
then summed up in the weekly digest; its states and their transitions are in states.py."""
