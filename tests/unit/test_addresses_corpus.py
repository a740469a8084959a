"""The hand-checked address corpus fixtures/address_pairs.csv (R-ADDR-3, R-ADDR-4): each pair
resolves to one row when marked ``same`` and to two rows when marked ``different``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bo_tui.core.addresses import resolve
from bo_tui.core.schemas import AddressIn
from bo_tui.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "address_pairs.csv"


def load_pairs() -> list[dict[str, str]]:
    with CORPUS.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def address_of(cell: str) -> AddressIn:
    """A corpus cell: ``json:{components}`` or a full street line, optionally with
    ", city, state zip" after it (usaddress reads those too)."""
    if cell.startswith("json:"):
        return AddressIn.model_validate(json.loads(cell[5:]))
    return AddressIn(fullStreetAddress=cell)


PAIRS = load_pairs()


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'bo-tui.db'}")
    yield s
    s.dispose()


def test_corpus_is_large_and_well_formed():
    assert len(PAIRS) >= 60
    assert {p["expected"] for p in PAIRS} == {"same", "different"}
    assert all(p["why"].strip() for p in PAIRS)


@pytest.mark.parametrize(
    "pair", PAIRS, ids=[f"{i + 2}-{p['why'][:40]}" for i, p in enumerate(PAIRS)]
)
def test_R_ADDR_4_corpus_pair(corpus_store, pair):
    session = corpus_store.session()
    try:
        with session.begin():
            first = resolve(session, address_of(pair["a"]), "a").id
            second = resolve(session, address_of(pair["b"]), "b").id
            again = resolve(session, address_of(pair["a"]), "a").id
            session.rollback()
    finally:
        session.close()
    assert again == first
    assert (first == second) == (pair["expected"] == "same"), pair["why"]
