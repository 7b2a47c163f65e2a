"""The public side: publications, the public portal and the verifiable log of disclosures.

DESIGN §5: reads the other apps; read by none.
"""
