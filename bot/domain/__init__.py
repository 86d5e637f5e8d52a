"""Pure domain types and rules of the study core; standard library only."""
