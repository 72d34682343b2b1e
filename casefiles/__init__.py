"""Printed documents of a claim: the case file and the owner's receipt (DESIGN §7)."""
