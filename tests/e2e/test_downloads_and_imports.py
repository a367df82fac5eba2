"""In the browser: a customer downloads the usage days from the dashboard; an admin uploads a Zendesk export."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect


def test_customer_downloads_usage_as_csv_and_excel(page, live_server, sign_in, tmp_path):
    """The dashboard's CSV and Excel links download the period's usage days with the contract's columns."""
    sign_in(page, live_server.cast["customer"].email)
    page.goto("/accounts/ALPHA/")
    downloads = page.get_by_test_id("downloads")
    with page.expect_download() as caught:
        downloads.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(Path(caught.value.path()).read_text())))
    assert rows[0] == ["date", "active_users", "logins", "events"] and len(rows) == 31
    assert caught.value.suggested_filename.startswith("ALPHA-usage-") and caught.value.suggested_filename.endswith(".csv")
    with page.expect_download() as caught:
        downloads.get_by_role("link", name="Excel").first.click()
    sheet = load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes())).active
    assert [cell.value for cell in sheet[1]] == ["date", "active_users", "logins", "events"] and sheet.max_row == 31


def test_admin_uploads_a_zendesk_export_twice(page, live_server, sign_in, tmp_path):
    """The first upload creates the article, the second changes nothing; the article is readable."""
    export = tmp_path / "articles.json"
    export.write_text(json.dumps({"articles": [{"id": 9001, "title": "Schedule a report", "draft": False,
                                                "body": "<h2>Steps</h2><p>Open <b>Reports</b>.</p><script>x()</script>",
                                                "label_names": ["reports"], "section_id": 1}],
                                  "sections": [{"id": 1, "name": "Reporting"}]}))
    sign_in(page, live_server.cast["admin"].email)
    page.goto("/admin/imports/")
    page.get_by_label("What the file holds").select_option("zendesk")
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("1 created, 0 updated, 0 unchanged")).to_be_visible()
    page.get_by_label("What the file holds").select_option("zendesk")
    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("0 created, 0 updated, 1 unchanged")).to_be_visible()
    page.goto("/kb/schedule-a-report")
    expect(page.get_by_role("heading", name="Steps")).to_be_visible()
