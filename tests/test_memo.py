"""newscrawl._memo.BoundedMemo: a dict that empties itself when a new key finds it full."""

from __future__ import annotations

import pytest

from newscrawl._memo import BoundedMemo


def test_put_stores_and_returns_the_value():
    memo: BoundedMemo[str, int] = BoundedMemo(3)
    assert memo.put("a", 1) == 1
    assert memo.get("a") == 1
    assert memo.get("b") is None
    assert dict(memo) == {"a": 1}


def test_a_new_key_on_a_full_memo_empties_it_first():
    memo: BoundedMemo[str, int] = BoundedMemo(3)
    for n, key in enumerate("abc"):
        memo.put(key, n)
    assert dict(memo) == {"a": 0, "b": 1, "c": 2}
    assert memo.put("d", 3) == 3
    assert dict(memo) == {"d": 3}


def test_a_known_key_on_a_full_memo_is_replaced_without_emptying_it():
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 10)
    assert dict(memo) == {"a": 10, "b": 2}


def test_it_never_holds_more_than_maxsize():
    memo: BoundedMemo[int, int] = BoundedMemo(5)
    sizes = set()
    for n in range(23):
        memo.put(n, n * n)
        sizes.add(len(memo))
    assert sizes == {1, 2, 3, 4, 5}
    assert dict(memo) == {20: 400, 21: 441, 22: 484}


def test_it_is_a_dict_and_says_its_bound():
    memo: BoundedMemo[str, int] = BoundedMemo(4)
    memo.put("x", 1)
    assert isinstance(memo, dict)
    assert "x" in memo and memo["x"] == 1
    assert repr(memo) == "BoundedMemo(maxsize=4, 1 entries)"
    memo.clear()
    assert len(memo) == 0 and memo.maxsize == 4


@pytest.mark.parametrize("size", [0, -1])
def test_maxsize_below_one_is_refused(size):
    with pytest.raises(ValueError, match=f"maxsize must be >= 1, not {size}"):
        BoundedMemo(size)
