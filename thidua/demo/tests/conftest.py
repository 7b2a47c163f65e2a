from thidua.council.testing import world
from thidua.evaluation.testing import ecast

__all__ = ["ecast", "world"]
