"""/admin/planner, the planner's page (issue 15 item 6), on the hand-worked small day."""


def test_the_planner_page_plans_from_history_or_typed_figures(small_day, supervisor_client):
    r = supervisor_client.get("/admin/planner?from=2026-11-24&to=2026-11-24&target=15")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "窗口配置测算" in page and 'id="plan-table"' in page
    assert 'name="a.consult.9" value="3.0"' in page  # A001, A002 and A003 came at 9:xx
    typed = supervisor_client.get(
        "/admin/planner?from=2026-11-24&to=2026-11-24&target=15&a.pension.10=12"
    )
    assert 'name="a.pension.10" value="12.0"' in typed.get_data(as_text=True)
    bad = supervisor_client.get("/admin/planner?target=0")
    assert bad.status_code == 422
