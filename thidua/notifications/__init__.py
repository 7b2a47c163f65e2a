"""The inbox and "tell this person": in-app notifications, e-mail and preferences.

DESIGN §5: a low app that knows no workflow app; actions call it.
"""
