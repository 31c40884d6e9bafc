"""Documents as wholes: metadata read from the text, validity, versions and the clock."""
