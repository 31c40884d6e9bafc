"""Pure functions behind the general calculation mechanisms (Decimal in, Decimal out), one module per kind."""
