"""R-ADDR-5: the memo of usaddress's labels by number shape (``addresses.parse._crf_tag``) gives
exactly what usaddress gives, for house numbers, unit numbers and numbers beside punctuation."""

from __future__ import annotations

import pytest
import usaddress

from bo_tui.core import addresses
from bo_tui.core.addresses import parse

LINES = [
    "6640 CHURCH AVENUE",
    "1234 CHURCH AVENUE",
    "12552 VALLEY DR NE",
    "7512 S PRAIRIE WAY APT 141",
    "7512 S PRAIRIE WAY APT 141 APT 141",
    "100 LAKE DR # 12",
    "1000 LAKE DR 200",
    "0 LAKE DR",
    "12 LAKE DR 11, SPRINGFIELD",  # "11," ends a component as 11: no stand-ins
    "47 11 LAKE DR",
    "RR 2 BOX 5",
    "PO BOX 125",
    "1 2 3 4 5 6 7 8 9 10 11 LAKE DR",
    "HWY 61 AND COUNTY ROAD 42",
    "4321 W 109TH AVE NW",
]


@pytest.mark.parametrize("line", LINES)
def test_R_ADDR_5_memoized_labels_equal_usaddress(line):
    addresses.cache_clear()
    for _ in range(2):  # a miss, then a hit
        try:
            expected = usaddress.tag(line)
        except usaddress.RepeatedLabelError:
            with pytest.raises(usaddress.RepeatedLabelError):
                parse._crf_tag(line)
            continue
        assert parse._crf_tag(line) == expected


def test_R_ADDR_5_one_crf_run_per_number_shape():
    addresses.cache_clear()
    parse._crf_tag("6641 VALLEY DR NE")
    parse._crf_tag("1234 VALLEY DR NE")
    assert parse._crf_tag_cached.cache_info().misses == 1
