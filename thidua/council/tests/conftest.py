from thidua.council.testing import world

__all__ = ["world"]
