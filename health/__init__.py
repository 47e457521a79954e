"""Relationship health, measured from what is recorded: closeness, equity and integrity.

Plain functions on the read side (no models): ``closeness`` counts contact
moments and engagements, ``equity`` weighs what each party puts in and gets
out, ``integrity`` compares mission texts word by word. Each figure can be
traced back to the records it came from.
"""
