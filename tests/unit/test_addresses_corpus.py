"""The address corpora (R-ADDR-3, R-ADDR-4, R-ADDR-7): the hand-checked address_pairs.csv pair
by pair, and the written-out address_corpus.csv as a whole (recall printed, no false merge)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bo_tui.core.addresses import resolve
from bo_tui.core.errors import RuleViolation
from bo_tui.core.schemas import AddressIn
from bo_tui.store import Store

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CORPUS = FIXTURES / "address_pairs.csv"
# Written by fixtures/address_corpus.py from Pub 28's tables, district-like addresses and the
# forms of R-ADDR-7; regenerate it with that script.
FORMS_CORPUS = FIXTURES / "address_corpus.csv"


def load_pairs(path: Path = CORPUS) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
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


def _joined(session, pair: dict[str, str]) -> bool | None:
    """Whether the pair resolves to one row in both orders (None: one side was refused),
    leaving the store as it was."""
    joined = []
    for first, second in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
        savepoint = session.begin_nested()
        try:
            one = resolve(session, address_of(first), "a").id
            two = resolve(session, address_of(second), "b").id
        except RuleViolation:
            return None
        finally:
            savepoint.rollback()
        joined.append(one == two)
    return all(joined) if joined[0] == joined[1] else None


def test_R_ADDR_7_forms_corpus_joins_98_percent_and_never_merges(corpus_store):
    pairs = load_pairs(FORMS_CORPUS)
    same = [p for p in pairs if p["expected"] == "same"]
    different = [p for p in pairs if p["expected"] == "different"]
    assert len(pairs) >= 2000 and len(different) >= 1000
    session = corpus_store.session()
    try:
        with session.begin():
            joined = [p for p in same if _joined(session, p)]
            merged = [p for p in different if _joined(session, p) is not False]
            session.rollback()
    finally:
        session.close()
    recall = len(joined) / len(same)
    print(f"R-ADDR-7 corpus: {len(joined)}/{len(same)} same-address pairs joined ({recall:.2%})")
    print(f"R-ADDR-7 corpus: {len(merged)}/{len(different)} different pairs merged or refused")
    assert [(p["a"], p["b"]) for p in merged] == []
    assert recall >= 0.98, [(p["a"], p["b"]) for p in same if p not in joined][:20]
