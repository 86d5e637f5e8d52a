"""Tables the Microsoft Teams door keeps (conversation references), on the shared metadata."""
