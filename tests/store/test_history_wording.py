"""What changed, worded for people once for the ``pmdesk changes`` report, the deck and the
PDF: kinds of entity in a reader's order, fields as people say them, vocabularies by their
labels, dates as days with the slip; ``--json`` keeps the stored values."""

from __future__ import annotations

import json

from pmdesk.cli import main
from pmdesk.core.history import EntryKind
from pmdesk.store.demo import create_demo
from pmdesk.store.history_wording import field_change, field_name, report, worded
from pmdesk.store.services.history import Change


def test_fields_and_values_as_people_say_them():
    assert field_name("end_date") == "end date"
    assert field_name("moscow") == "MoSCoW"
    assert field_name("lane_id") == "lane"
    assert field_change("requirement", "moscow", "could", "should") == (
        "MoSCoW Could have → Should have"
    )
    assert field_change("roadmap_item", "status", "in_progress", "done") == (
        "status In progress → Done"
    )
    assert field_change("roadmap_item", "end_date", "2027-02-05", "2027-02-26") == (
        "end date 5 Feb 2027 → 26 Feb 2027 (+21 days)"
    )
    assert field_change("launch", "launch_date", "2027-04-08", "2027-04-07") == (
        "launch date 8 Apr 2027 → 7 Apr 2027 (-1 day)"
    )
    assert field_change("roadmap_item", "notes", None, "<b>&</b>") == "notes — → <b>&</b>"
    # A value the vocabulary does not know is shown as stored, not refused.
    assert field_change("requirement", "moscow", "could", "someday") == (
        "MoSCoW Could have → someday"
    )


def test_groups_in_a_readers_order():
    changes = [
        Change(
            "stakeholder", 3, "Ann <A&B>", EntryKind.CHANGED, {"attitude": ["neutral", "critic"]}
        ),
        Change("roadmap_item", 1, "", EntryKind.ADDED, {"name": [None, ""]}),
        Change("roadmap_item", 2, "Beta", EntryKind.REMOVED, {"name": ["Beta", None]}),
    ]
    groups = worded(changes)
    assert [g.label for g in groups] == ["Roadmap items", "Stakeholders"]
    assert [(c.name, c.kind_label, c.what) for c in groups[0].changes] == [
        ("#1", "Added", ""),
        ("Beta", "Removed", ""),
    ]
    assert groups[1].changes[0].what == "attitude Neutral → Critic"
    assert report("Q3", []) == "No changes since Q3."


def test_the_cli_report_and_its_json(tmp_path, capsys):
    demo = create_demo(tmp_path / "demo.pmdesk")
    assert main(["changes", str(demo), "--since", "Q3 review"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(
        "Changes since Q3 review (2026-09-03 16:00 UTC): 9\n\n"
        "Headline: Pulse Cloud\n"
        "  Launch date          25 Mar 2027 → 8 Apr 2027 (+14 days)\n\n"
        "Roadmap items\n"
    )
    assert (
        "  changed  Monitoring apps: end date 5 Feb 2027 → 26 Feb 2027 (+21 days); "
        "status In progress → At risk\n" in text
    )
    assert "  changed  EU data residency: MoSCoW Could have → Should have\n" in text
    assert (
        "  changed  Tomasz Wójcik: power 5.5 → 7.0; interest 2.5 → 4.0; attitude Neutral → Critic"
        in text
    )
    assert main(["changes", str(demo), "--since", "Q3 review", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    moscow = next(c for c in document["changes"] if c["name"] == "EU data residency")
    assert moscow["fields"] == {"moscow": ["could", "should"]}
