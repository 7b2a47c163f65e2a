"""The packs app keeps no rows of its own: the install's body (root unit, pack, version and
wording) moved down to the org layer (thidua/org/body.py) so every app can read its wording;
migration 0002 copied the rows there."""
