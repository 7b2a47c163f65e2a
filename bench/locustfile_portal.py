"""Locust readers for bench/bench_portal.py: anonymous visitors of the public portal.

Not meant to be run alone: bench_portal publishes the items and passes their entry numbers in
BENCH_PORTAL_ITEMS. Each reader browses the home page, the lists and the items, and now and
then verifies one (the verify page and the API calls its script makes).
"""

from __future__ import annotations

import os
import random

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

ITEMS = [int(n) for n in os.environ.get("BENCH_PORTAL_ITEMS", "0").split(",")]


class Reader(FastHttpUser):
    wait_time = between(1, 3)

    @task(3)
    def home(self) -> None:
        self.client.get("/public/", name="/public/")

    @task(2)
    def lists(self) -> None:
        url = random.choice(
            [
                "/public/figures/",
                "/public/decisions/",
                "/public/rankings/",
                "/public/consultations/",
            ]
        )
        self.client.get(url, name="/public/<list>/")

    @task(5)
    def item(self) -> None:
        self.client.get(f"/public/items/{random.choice(ITEMS)}/", name="/public/items/<n>/")

    @task(1)
    def verify(self) -> None:
        n = random.choice(ITEMS)
        self.client.get(f"/public/verify/{n}/", name="/public/verify/<n>/")
        self.client.get(f"/api/v1/public/entries/{n}", name="api entries")
        head = self.client.get("/api/v1/public/heads/latest", name="api heads/latest").json()
        size = head["tree_size"]
        self.client.get(
            f"/api/v1/public/proofs/inclusion?index={n}&tree_size={size}", name="api inclusion"
        )
        first = self.client.get(f"/api/v1/public/heads?covering={n + 1}", name="api heads").json()
        self.client.get(
            f"/api/v1/public/proofs/consistency?first={first['tree_size']}&second={size}",
            name="api consistency",
        )
