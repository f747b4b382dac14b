"""The ledger takes the documents halls see every day, each with its own check and mask, and
phones from anywhere — or none for letters and online consultations (issue 9 item 7, §7.3)."""

from __future__ import annotations

import pytest
import sqlite_utils

from queue_server.core.documents import DOCUMENT_TYPES, mask_document, parse_document
from queue_server.core.errors import InvalidField
from queue_server.core.idnumber import mask_phone
from queue_server.core.ledger import normalise_phone
from queue_server.store import Store
from queue_server.store import ledger as ledger_store


def mod11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 in its recursive form: an oracle written apart from the code's
    weighted sum (GB 11643 and the 2023 foreign permanent residence card use it)."""
    p = 0
    for ch in body:
        p = (p + int(ch)) * 2 % 11
    r = (12 - p) % 11
    return "X" if r == 10 else str(r)


def test_the_oracle_agrees_with_the_standards_own_example():
    assert mod11_2("11010519491231002") == "X"  # GB 11643-1999 example number


FOREIGN_2023 = "911156198001010016"
RESIDENCE_HK = "810000199408230021"
RESIDENCE_TW = "830000198505120034"
assert FOREIGN_2023[-1] == mod11_2(FOREIGN_2023[:17]) and RESIDENCE_HK[-1] == mod11_2(
    RESIDENCE_HK[:17]
)


def wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


VALID = [
    ("resident_id", "11010519491231002x", "11010519491231002X", "110105********002X"),
    ("foreign_permanent_id", FOREIGN_2023, FOREIGN_2023, "911156********0016"),
    ("foreign_permanent_id", "usa 110090 012345", "USA110090012345", "***********2345"),
    ("hk_macao_permit", "H12345678", "H12345678", "H****5678"),
    ("hk_macao_permit", "M1234567890", "M1234567890", "M******7890"),
    ("taiwan_permit", "12345678", "12345678", "****5678"),
    ("taiwan_permit", "1234567890（B）", "1234567890(B)", "*********0(B)"),
    ("hmt_residence_permit", RESIDENCE_HK, RESIDENCE_HK, "810000********0021"),
    ("hmt_residence_permit", RESIDENCE_TW, RESIDENCE_TW, "830000********0034"),
    ("passport", "E 1234 5678", "E12345678", "*****5678"),
    ("passport", "ab123", "AB123", "***23"),
]


@pytest.mark.parametrize("doc_type, raw, stored, masked", VALID)
def test_each_document_type_accepts_its_numbers_and_masks_them(doc_type, raw, stored, masked):
    assert parse_document({"document_type": doc_type, "id_number": raw}) == (doc_type, stored, None)
    assert mask_document(stored, doc_type) == masked


BAD = [
    ("resident_id", "110105194912310021"),  # check digit
    ("resident_id", "1101051949123100"),  # format
    ("resident_id", RESIDENCE_HK),  # a residence permit: choose that type
    ("foreign_permanent_id", wrong_check(FOREIGN_2023)),  # check digit
    ("foreign_permanent_id", "811156198001010016"),  # 2023 cards start with 9
    ("foreign_permanent_id", "US1110090012345"),  # earlier cards: 3 letters
    ("hk_macao_permit", "H1234567"),
    ("hk_macao_permit", "K12345678"),
    ("taiwan_permit", "1234567"),
    ("taiwan_permit", "123456789"),
    ("hmt_residence_permit", wrong_check(RESIDENCE_HK)),  # check digit
    ("hmt_residence_permit", "840000199408230021"),  # no such prefix
    ("hmt_residence_permit", "810000199402300021"),  # 30 February
    ("passport", "E123"),
    ("passport", "E1234-5678"),
    ("passport", "E" * 21),
]


@pytest.mark.parametrize("doc_type, raw", BAD)
def test_each_document_type_refuses_wrong_numbers(doc_type, raw):
    with pytest.raises(InvalidField) as exc:
        parse_document({"document_type": doc_type, "id_number": raw})
    assert exc.value.field == "id_number"


def test_the_document_type_defaults_to_the_resident_id_card_and_must_be_known():
    assert parse_document({"id_number": "11010519491231002X"})[0] == "resident_id"
    with pytest.raises(InvalidField) as exc:
        parse_document({"document_type": "library_card", "id_number": "12345678"})
    assert exc.value.field == "document_type"


def test_a_passport_may_name_its_issuing_country_as_three_letters():
    assert parse_document(
        {"document_type": "passport", "id_number": "123456789", "document_country": "gbr"}
    ) == ("passport", "123456789", "GBR")
    with pytest.raises(InvalidField) as exc:
        parse_document(
            {"document_type": "passport", "id_number": "123456789", "document_country": "UK"}
        )
    assert exc.value.field == "document_country"
    # Other documents say their country in the number itself: a stray value is not kept.
    assert (
        parse_document(
            {
                "document_type": "hk_macao_permit",
                "id_number": "H12345678",
                "document_country": "HKG",
            }
        )[2]
        is None
    )


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected, masked",
    [
        ("+852 2345 6789", "+85223456789", "+852****6789"),
        ("00852-23456789", "+85223456789", "+852****6789"),
        ("+1 (415) 555-0100", "+14155550100", "+141****0100"),
        ("＋886 912 345 678", "+886912345678", "+886*****5678"),
        ("0086 138 1234 5678", "13812345678", "138****5678"),
        ("010-62345678转123", "010-62345678-123", "010-****5678"),
        ("0991-2345678", "0991-2345678", "0991-***5678"),
    ],
)
def test_overseas_numbers_and_extensions_are_accepted_and_masked(raw, expected, masked):
    assert normalise_phone(raw) == expected
    assert mask_phone(expected) == masked


@pytest.mark.parametrize("raw", ["+86 10 6234 5678", "+12345", "+0123456789", "++85223456789"])
def test_malformed_international_numbers_are_refused(raw):
    with pytest.raises(InvalidField) as exc:
        normalise_phone(raw)
    assert exc.value.field == "phone"


# --- over HTTP ----------------------------------------------------------------------------------


def record(**change) -> dict:
    return {
        "name": "John Smith",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "form": "window",
        "summary": "咨询外籍人员参加社会保险",
        "reply_class": "agreed",
    } | change


@pytest.mark.parametrize("doc_type, raw, stored, masked", VALID)
def test_every_document_type_is_recorded_and_listed_masked(
    window_client, hall, doc_type, raw, stored, masked
):
    r = window_client.post("/api/v1/ledger", json=record(document_type=doc_type, id_number=raw))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["document_type"], body["id_number_masked"]) == (doc_type, masked)
    assert stored not in str(body)
    row = hall.store.db["ledger"].get(body["id"])
    assert (row["document_type"], row["id_number"]) == (doc_type, stored)


@pytest.mark.parametrize("doc_type, raw", BAD)
def test_a_wrong_number_is_refused_in_chinese_naming_the_document(
    window_client, hall, doc_type, raw
):
    r = window_client.post("/api/v1/ledger", json=record(document_type=doc_type, id_number=raw))
    assert r.status_code == 422
    err = r.get_json()["error"]
    assert err["field"] == "id_number"
    names = {"resident_id": "身份证", "passport": "护照"}
    assert names.get(doc_type, DOCUMENT_TYPES[doc_type]) in err["message"], err["message"]
    assert hall.store.db["ledger"].count == 0


def test_an_unknown_document_type_is_refused_in_chinese(window_client):
    r = window_client.post("/api/v1/ledger", json=record(document_type="driving_licence"))
    assert r.status_code == 422
    assert r.get_json()["error"] == {
        "code": "validation_failed",
        "field": "document_type",
        "message": "请从列表中选择证件类型。",
    }


@pytest.mark.parametrize("form", ["letter", "online"])
def test_letters_and_online_consultations_need_no_phone(window_client, hall, form):
    r = window_client.post("/api/v1/ledger", json=record(form=form, phone=None))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["phone_masked"] is None
    assert hall.store.db["ledger"].get(r.get_json()["id"])["phone"] is None


@pytest.mark.parametrize("form", ["window", "phone", "media"])
def test_other_forms_need_a_phone_or_an_email(window_client, form):
    r = window_client.post("/api/v1/ledger", json=record(form=form, phone=""))
    assert r.status_code == 422
    assert r.get_json()["error"]["field"] == "phone"
    assert "联系电话" in r.get_json()["error"]["message"]
    r = window_client.post(
        "/api/v1/ledger", json=record(form=form, phone="", email="j.smith@example.org")
    )
    assert r.status_code == 201, r.get_json()


def test_an_overseas_phone_is_recorded_and_masked(window_client):
    r = window_client.post("/api/v1/ledger", json=record(phone="+852 2345 6789"))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["phone_masked"] == "+852****6789"


def test_the_export_names_the_document_and_masks_its_number(window_client, guide_client):
    window_client.post(
        "/api/v1/ledger",
        json=record(
            document_type="passport",
            id_number="E12345678",
            document_country="GBR",
            phone=None,
            form="letter",
        ),
    )
    text = guide_client.get("/api/v1/ledger/export.csv").data.decode("utf-8-sig")
    line = text.splitlines()[1]
    assert "护照（GBR） *****5678" in line and "E12345678" not in text


def test_an_admin_sees_the_full_number_and_the_view_is_audited(window_client, admin_client, hall):
    record_id = window_client.post(
        "/api/v1/ledger", json=record(document_type="hk_macao_permit", id_number="H12345678")
    ).get_json()["id"]
    full = admin_client.get(f"/api/v1/ledger/{record_id}").get_json()
    assert (full["id_number"], full["document_type"]) == ("H12345678", "hk_macao_permit")
    assert hall.store.db["audit_log"].count == 1


def test_the_migration_keeps_old_records_as_resident_id_numbers(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    ledger_store.migrations.apply(db, stop_before="m002_documents")
    db["ledger"].insert(
        {
            "name": "张三",
            "id_number": "11010519491231002X",
            "phone": "13812345678",
            "received_at": "2026-11-24T09:00:00+08:00",
            "form": "window",
            "summary": "旧记录",
            "reply_class": "agreed",
            "due_date": "2026-11-27",
            "status": "open",
            "created_at": "2026-11-24T09:00:00+08:00",
        }
    )
    db.close()
    store = Store(path)
    try:
        row = store.db["ledger"].get(1)
        assert (row["document_type"], row["document_country"], row["phone"]) == (
            "resident_id",
            None,
            "13812345678",
        )
        assert store.db["ledger"].columns_dict["phone"] is str
        assert not [c for c in store.db["ledger"].columns if c.name == "phone" and c.notnull]
        assert {tuple(i.columns) for i in store.db["ledger"].indexes} >= {
            ("status", "due_date"),
            ("received_day",),
        }
    finally:
        store.close()
