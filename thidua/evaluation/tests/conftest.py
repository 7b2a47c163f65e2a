from thidua.evaluation.testing import ecast

__all__ = ["ecast"]
