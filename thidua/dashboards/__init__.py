"""The personal page ("Việc của tôi") and the movement's dashboards.

DESIGN §5: views over the other apps' public functions.
"""
