"""The tables of worked-out values: bounded, and emptied when a setting changes."""

from django.test import override_settings

from governance.memo import Memo, memoized


def test_a_full_table_is_emptied_before_the_next_value():
    memo = Memo(2)
    memo.keep("a", 1)
    assert memo.keep("b", 2) == 2
    memo.keep("c", 3)
    assert memo.table == {"c": 3}


def test_a_changed_setting_empties_tables_and_memoized_functions():
    calls = []

    @memoized(maxsize=4)
    def double(n):
        calls.append(n)
        return 2 * n

    memo = Memo(4)
    memo.keep("a", 1)
    assert double(2) == double(2) == 4
    assert calls == [2]
    with override_settings(LANGUAGE_CODE="sv"):
        assert memo.table == {}
        assert double(2) == 4
    assert calls == [2, 2]
