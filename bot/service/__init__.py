"""The service layer: commands in, view models out, each in one short database transaction."""
