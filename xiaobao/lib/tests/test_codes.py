from unittest import TestCase

from hypothesis import given
from hypothesis import strategies as st

from xiaobao.lib.codes import (
    ID_CHECK,
    USCC_CHARSET,
    id_check_char,
    is_valid_id_number,
    is_valid_uscc,
    luhn_ok,
    uscc_check_char,
)

uscc_bodies = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17)
id_bodies = st.text(alphabet="0123456789", min_size=17, max_size=17)
digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=30)


def luhn_digit(payload: str) -> str:
    """The digit that completes payload, computed from first principles rather than with luhn_ok."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str(-total % 10)


class UsccTests(TestCase):
    @given(uscc_bodies)
    def test_it_accepts_every_code_completed_with_its_check_char(self, body: str) -> None:
        self.assertTrue(is_valid_uscc(body + uscc_check_char(body)))

    @given(uscc_bodies, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=30))
    def test_it_rejects_any_single_changed_character(self, body: str, position: int, shift: int) -> None:
        code = body + uscc_check_char(body)
        replacement = USCC_CHARSET[(USCC_CHARSET.index(code[position]) + shift) % len(USCC_CHARSET)]
        changed = code[:position] + replacement + code[position + 1 :]

        self.assertFalse(is_valid_uscc(changed))

    @given(uscc_bodies)
    def test_it_accepts_lower_case_and_surrounding_spaces(self, body: str) -> None:
        self.assertTrue(is_valid_uscc(f"  {(body + uscc_check_char(body)).lower()} "))

    def test_it_rejects_characters_outside_the_standard_set_and_wrong_lengths(self) -> None:
        body = "91220100306873349"
        code = body + uscc_check_char(body)
        self.assertTrue(is_valid_uscc(code))
        for letter in "IOSVZ":  # left out of GB 32100 because they look like digits
            self.assertFalse(is_valid_uscc(code[:10] + letter + code[11:]))
        self.assertFalse(is_valid_uscc(code[:-1]))
        self.assertFalse(is_valid_uscc(code + "0"))
        self.assertFalse(is_valid_uscc(""))


class IdNumberTests(TestCase):
    def test_it_accepts_the_standards_examples(self) -> None:
        # GB 11643-1999 appendix examples.
        self.assertTrue(is_valid_id_number("11010519491231002X"))
        self.assertTrue(is_valid_id_number("440524188001010014"))
        self.assertTrue(is_valid_id_number("11010519491231002x"))

    @given(id_bodies)
    def test_it_accepts_every_number_completed_with_its_check_char(self, body: str) -> None:
        self.assertTrue(is_valid_id_number(body + id_check_char(body)))

    @given(id_bodies, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
    def test_it_rejects_any_single_changed_digit(self, body: str, position: int, shift: int) -> None:
        number = body + id_check_char(body)
        changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]

        self.assertFalse(is_valid_id_number(changed))

    @given(id_bodies, st.sampled_from(ID_CHECK))
    def test_it_rejects_a_wrong_check_char(self, body: str, check: str) -> None:
        if check != id_check_char(body):
            self.assertFalse(is_valid_id_number(body + check))

    def test_it_rejects_letters_in_the_body_and_wrong_lengths(self) -> None:
        self.assertFalse(is_valid_id_number("1101051949123100AX"))
        self.assertFalse(is_valid_id_number("11010519491231002"))
        self.assertFalse(is_valid_id_number(""))


class LuhnTests(TestCase):
    def test_it_accepts_well_known_test_card_numbers(self) -> None:
        for number in (
            "4111111111111111",  # Visa
            "5555555555554444",  # Mastercard
            "378282246310005",  # American Express
            "6011111111111117",  # Discover
            "3530111333300000",  # JCB
            "6200000000000005",  # UnionPay
        ):
            with self.subTest(number=number):
                self.assertTrue(luhn_ok(number))

    def test_it_rejects_a_mistyped_card_number_and_non_digits(self) -> None:
        self.assertFalse(luhn_ok("4111111111111112"))
        self.assertFalse(luhn_ok("4111 1111 1111 1111"))
        self.assertFalse(luhn_ok(""))

    @given(digit_strings)
    def test_it_accepts_any_payload_with_its_check_digit(self, payload: str) -> None:
        self.assertTrue(luhn_ok(payload + luhn_digit(payload)))

    @given(digit_strings, st.data())
    def test_it_rejects_any_single_changed_digit(self, payload: str, data: st.DataObject) -> None:
        number = payload + luhn_digit(payload)
        position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
        shift = data.draw(st.integers(min_value=1, max_value=9))
        changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]

        self.assertFalse(luhn_ok(changed))
