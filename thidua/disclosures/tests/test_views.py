"""The portal (anonymous, cached), the publishing page (secretary or administrator) and the
public API (no token; malformed proofs are a 400)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from thidua.disclosures import actions, log, merkle, sources
from thidua.disclosures.models import Publication
from thidua.evaluation.testing import regional_year
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db


def published(ecast: ReportingCast) -> Publication:
    regional_year(ecast, 2026, quarters=2)
    draft = sources.figures(ecast.cast.regional, 2026)
    assert draft is not None
    return actions.publish(draft, by=ecast.cast.secretary)


def test_the_portal_shows_published_figures_to_anyone(ecast: ReportingCast) -> None:
    publication = published(ecast)
    client = Client()
    for url in ("/public/", "/public/figures/", f"/public/items/{publication.leaf_id}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        assert not response.cookies
        assert publication.title in response.content.decode()
    page = client.get(f"/public/items/{publication.leaf_id}/").content.decode()
    assert publication.content_hash in page
    assert "2.000" in page  # 2 quarters × 1.000 estimated, in Vietnamese grouping
    english = client.get(f"/public/items/{publication.leaf_id}/?lang=en")
    assert english["Content-Language"] == "en" and "Published on" in english.content.decode()
    assert client.post("/public/").status_code == 405


def test_a_withdrawn_item_says_so_with_its_reason(ecast: ReportingCast) -> None:
    publication = actions.withdraw(published(ecast), by=ecast.cast.secretary, reason="Nhầm số")
    page = Client().get(f"/public/items/{publication.leaf_id}/?x=1").content.decode()
    assert "Nhầm số" in page


def test_unknown_items_are_404(ecast: ReportingCast) -> None:
    published(ecast)
    client = Client()
    assert client.get("/public/items/999/").status_code == 404
    assert client.get("/public/items/1/").status_code == 404  # the anchor is no publication
    assert client.get("/public/items/0.pdf").status_code == 404  # figures have no .pdf
    assert client.get("/public/verify/999/").status_code == 404


def test_only_a_publisher_sees_the_publishing_page(ecast: ReportingCast) -> None:
    client = Client()
    assert client.get("/public/manage/").status_code == 302  # to the login page
    client.force_login(ecast.cast.reporter)
    assert client.get("/public/manage/").status_code == 404
    assert (
        client.post("/public/manage/publish/", {"kind": "ranking", "year": 2026}).status_code == 404
    )
    client.force_login(ecast.cast.secretary)
    page = client.get("/public/manage/")
    assert page.status_code == 200 and b"nav-publishing" in page.content


def test_the_secretary_publishes_and_withdraws_from_the_page(ecast: ReportingCast) -> None:
    regional_year(ecast, 2026, quarters=1)
    client = Client()
    client.force_login(ecast.cast.secretary)
    form = {"kind": "figures", "unit": ecast.cast.regional.pk, "year": 2026}
    response = client.post("/public/manage/publish/", form, follow=True)
    assert Publication.objects.count() == 1
    client.post("/public/manage/publish/", form)
    assert Publication.objects.count() == 1  # idempotent
    nothing = client.post(
        "/public/manage/publish/", {**form, "unit": ecast.cast.pc.pk}, follow=True
    )
    assert Publication.objects.count() == 1
    assert "Chưa có" in nothing.content.decode() or "Nothing" in nothing.content.decode()
    bad = client.post("/public/manage/publish/", {"kind": "nonsense"}, follow=True)
    assert bad.status_code == 200 and Publication.objects.count() == 1
    index = Publication.objects.get().leaf_id
    client.post(f"/public/manage/{index}/withdraw/", {"reason": ""})
    assert Publication.objects.get().withdrawn_at is None
    client.post(f"/public/manage/{index}/withdraw/", {"reason": "Sai số liệu"})
    assert Publication.objects.get().withdrawal_reason == "Sai số liệu"
    assert response.status_code == 200


def test_the_api_serves_items_heads_and_proofs_without_a_token(ecast: ReportingCast) -> None:
    publication = published(ecast)
    client = Client()
    items = client.get("/api/v1/public/items").json()
    assert [i["content_sha256"] for i in items] == [publication.content_hash]
    index = items[0]["index"]
    entry = client.get(f"/api/v1/public/entries/{index}").json()
    leaf = merkle.leaf_hash(entry["content"].encode())
    assert leaf.hex() == entry["leaf_hash"]
    head = client.get("/api/v1/public/heads/latest").json()
    proof = client.get(
        f"/api/v1/public/proofs/inclusion?index={index}&tree_size={head['tree_size']}"
    ).json()
    path = [bytes.fromhex(p) for p in proof["inclusion_path"]]
    root = bytes.fromhex(head["root_hash"])
    assert merkle.verify_inclusion(leaf, index, head["tree_size"], path, root)
    key = client.get("/api/v1/public/key").json()["public_key"]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(
        bytes.fromhex(head["signature"]),
        log.head_message(head["tree_size"], root, head["timestamp"]),
    )
    first = client.get("/api/v1/public/heads?covering=1").json()
    assert first["tree_size"] <= head["tree_size"]
    assert "/public/proofs/inclusion" in json.dumps(client.get("/api/v1/openapi.json").json())


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/public/proofs/inclusion?index=abc&tree_size=2",
        "/api/v1/public/proofs/inclusion?index=5&tree_size=2",
        "/api/v1/public/proofs/inclusion?index=0&tree_size=99999",
        "/api/v1/public/proofs/inclusion",
        "/api/v1/public/proofs/consistency?first=0&second=2",
        "/api/v1/public/proofs/consistency?first=2&second=1",
        "/api/v1/public/proofs/consistency?first=-1&second=x",
        "/api/v1/public/heads?size=1&covering=1",
        "/api/v1/public/entries/%C3%A9",
        "/api/v1/public/items?kind=secret",
    ],
)
def test_a_malformed_request_is_a_400_with_a_message(ecast: ReportingCast, url: str) -> None:
    published(ecast)
    response = Client().get(url)
    assert response.status_code == 400
    assert "/" in response.json()["detail"]


def test_a_secretary_elsewhere_cannot_withdraw_a_unit_outside_the_scope(
    ecast: ReportingCast,
) -> None:
    from thidua.accounts.models import Role, RoleAssignment
    from thidua.testing import START

    publication = published(ecast)
    outsider = ecast.cast.outsider
    RoleAssignment.objects.create(
        user=outsider, role=Role.COUNCIL_SECRETARY, unit=ecast.cast.pc, valid_from=START
    )
    client = Client()
    client.force_login(outsider)
    response = client.post(f"/public/manage/{publication.leaf_id}/withdraw/", {"reason": "x"})
    assert response.status_code == 404
    assert Publication.objects.get().withdrawn_at is None
