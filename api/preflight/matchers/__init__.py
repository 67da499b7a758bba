"""The closed vocabulary of matcher kinds; each kind is implemented once, in its own module."""
