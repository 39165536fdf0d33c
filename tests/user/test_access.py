"""Access rules (F-ACC-1): one function, one failing rule at a time, in the order to fix them."""

from __future__ import annotations

import itertools

from pnplive.user.access import MESSAGES, AccessRule, PerformerFacts, UserFacts, booking_denial

OK_USER = UserFacts(True, True, True, False, False)
OK_PERFORMER = PerformerFacts(True, True)


def test_allowed() -> None:
    assert booking_denial(OK_USER, OK_PERFORMER, False) is None


def test_each_rule_fails_on_its_own() -> None:
    cases = [
        (UserFacts(False, True, True, False, False), OK_PERFORMER, AccessRule.AGE_NOT_VERIFIED),
        (UserFacts(True, False, True, False, False), OK_PERFORMER, AccessRule.TERMS_NOT_ACCEPTED),
        (UserFacts(True, True, True, False, True), OK_PERFORMER, AccessRule.PERFORMERS_CANNOT_BOOK),
        (UserFacts(True, True, True, True, False), OK_PERFORMER, AccessRule.USER_RESTRICTED),
        (UserFacts(True, True, False, False, False), OK_PERFORMER, AccessRule.PRIME_REQUIRED),
        (OK_USER, PerformerFacts(False, True), AccessRule.PERFORMER_UNAVAILABLE),
        (OK_USER, PerformerFacts(True, False), AccessRule.NO_AVAILABILITY),
    ]
    for user, performer, rule in cases:
        assert booking_denial(user, performer, False) is rule


def test_pay_per_call_lets_free_members_book() -> None:
    free = UserFacts(True, True, False, False, False)
    assert booking_denial(free, OK_PERFORMER, True) is None


def test_every_rule_has_a_message_and_a_distinct_code() -> None:
    assert set(MESSAGES) == set(AccessRule)
    assert len({r.value for r in AccessRule}) == len(AccessRule)


def test_first_failing_rule_wins_for_every_combination() -> None:
    order = [
        AccessRule.AGE_NOT_VERIFIED,
        AccessRule.TERMS_NOT_ACCEPTED,
        AccessRule.PERFORMERS_CANNOT_BOOK,
        AccessRule.USER_RESTRICTED,
        AccessRule.PRIME_REQUIRED,
        AccessRule.PERFORMER_UNAVAILABLE,
        AccessRule.NO_AVAILABILITY,
    ]
    for bits in itertools.product([True, False], repeat=7):
        age, terms, prime, restricted, performer_acct, bookable, has_av = bits
        got = booking_denial(
            UserFacts(age, terms, prime, restricted, performer_acct),
            PerformerFacts(bookable, has_av),
            False,
        )
        failing = [
            r
            for r, bad in zip(
                order,
                [
                    not age,
                    not terms,
                    performer_acct,
                    restricted,
                    not prime,
                    not bookable,
                    not has_av,
                ],
                strict=True,
            )
            if bad
        ]
        assert got == (failing[0] if failing else None)
