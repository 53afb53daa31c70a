import pytest
from django.db import DatabaseError, transaction

from core.audit import audit_history, audit_record
from core.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_states_and_data(division, make_user):
    admin = make_user("admin")
    record = audit_record(
        obj=division,
        action="renamed",
        by=admin,
        from_state="a",
        to_state="b",
        note="why",
        data={"old": "x"},
    )
    assert list(audit_history(division)) == [record]
    assert (record.actor, record.object_type, record.object_id) == (
        admin,
        "core.division",
        str(division.pk),
    )
    assert (record.from_state, record.to_state, record.note, record.data) == (
        "a",
        "b",
        "why",
        {"old": "x"},
    )


def test_audit_record_cannot_be_changed_or_deleted_through_the_orm(division):
    record = audit_record(obj=division, action="created")
    record.note = "tampered"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditRecord.objects.filter(pk=record.pk).update(note="tampered")
    with pytest.raises(PermissionError):
        AuditRecord.objects.all().delete()
    record.refresh_from_db()
    assert record.note == ""
    assert AuditRecord.objects.count() == 1


def test_database_refuses_raw_update_on_postgresql(division):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger guard exists on PostgreSQL only")
    record = audit_record(obj=division, action="created")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditrecord SET note = 'x' WHERE id = %s", [record.pk])
    record.refresh_from_db()
    assert record.note == ""


def test_admin_cannot_add_change_or_delete_audit_records(client, division, make_user):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    record = audit_record(obj=division, action="created")
    client.force_login(admin)
    assert client.get("/admin/core/auditrecord/").status_code == 200
    assert client.get("/admin/core/auditrecord/add/").status_code == 403
    response = client.post(f"/admin/core/auditrecord/{record.pk}/change/", {"note": "x"})
    assert response.status_code == 403
    response = client.post(f"/admin/core/auditrecord/{record.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.note == ""
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_admin_can_search_the_audit_log(client, division, make_user):
    admin = make_user("admin")
    audit_record(obj=division, action="renamed", note="new name from OA 2026-118")
    audit_record(obj=division, action="closed", note="other")
    client.force_login(admin)
    response = client.get("/audit/", {"q": "OA 2026-118"})
    assert response.status_code == 200
    assert [r.action for r in response.context["records"]] == ["renamed"]


def test_audit_page_is_for_admins_only(client, make_user):
    client.force_login(make_user("sales_rep"))
    assert client.get("/audit/").status_code == 403
