"""The kinds of change a committed edit can announce: one member per table a person edits.

A member's value is its table name, so a kind compares equal to the name the store and
a team's change feed carry (``ChangeKind.ROADMAP_ITEM == "roadmap_item"``). Views name kinds
only through this enum: a misspelt member fails at import, where a misspelt string
would silently never match and the view would never refresh.
"""

from __future__ import annotations

from enum import StrEnum


class ChangeKind(StrEnum):
    WORKSPACE_INFO = "workspace_info"
    PRODUCT = "product"
    STAGE_PERIOD = "stage_period"
    GATE_REVIEW = "gate_review"
    ELIMINATION_REVIEW = "elimination_review"
    REMEDIAL_ACTION = "remedial_action"
    METRIC = "metric"
    METRIC_VALUE = "metric_value"
    CANVAS_BOARD = "canvas_board"
    CANVAS_NOTE = "canvas_note"
    NOTE_ITEM_LINK = "note_item_link"
    NOTE_REQUIREMENT_LINK = "note_requirement_link"
    STAKEHOLDER = "stakeholder"
    STAKEHOLDER_POSITION = "stakeholder_position"
    RACI_ASSIGNMENT = "raci_assignment"
    LANE = "lane"
    ROADMAP_ITEM = "roadmap_item"
    DEPENDENCY = "dependency"
    BASELINE = "baseline"
    BASELINE_ENTRY = "baseline_entry"
    WORK_CALENDAR = "work_calendar"
    CALENDAR_EXCEPTION = "calendar_exception"
    REQUIREMENT = "requirement"
    REQUIREMENT_CUSTOMER = "requirement_customer"
    REQUIREMENT_ITEM_LINK = "requirement_item_link"
    SPEC_REVISION = "spec_revision"
    VOTE_ROUND = "vote_round"
    VOTE = "vote"
    LAUNCH = "launch"
    LAUNCH_TASK = "launch_task"
    LAUNCH_MESSAGE = "launch_message"
    RISK = "risk"
    BUSINESS_CASE = "business_case"
    BUSINESS_DRIVER = "business_driver"
    BUSINESS_SCENARIO = "business_scenario"
    SCENARIO_OVERRIDE = "scenario_override"
    BUSINESS_CASE_VERSION = "business_case_version"
    COST_ITEM = "cost_item"
    PRICE_POINT = "price_point"
    COMPETITOR = "competitor"
    PRODUCT_COMPETITOR = "product_competitor"
    CAPABILITY = "capability"
    COMPARISON_CELL = "comparison_cell"
    WIN_LOSS = "win_loss"
    MARKET_SIGNAL = "market_signal"
    SIGNAL_PRODUCT = "signal_product"
    SIGNAL_COMPETITOR = "signal_competitor"
    SIGNAL_REQUIREMENT = "signal_requirement"
    FEEDBACK = "feedback"
    FEEDBACK_REQUIREMENT = "feedback_requirement"
    LIMITATION = "limitation"
    # The history: edits and their entries are written with every edit (its own notice
    # stands for them); a compaction announces them. Snapshots are edits of their own.
    CHANGE_EDIT = "change_edit"
    CHANGE_ENTRY = "change_entry"
    HISTORY_SNAPSHOT = "history_snapshot"
    # What-if scenarios: a branch of the plan kept as its changes (no change of the plan).
    WHAT_IF = "what_if"

    @classmethod
    def of_table(cls, table: str) -> ChangeKind | None:
        """The kind of a table's rows; None for a table no edit announces (see NOT_KINDS).

        An unknown name is an error (ValueError): a new table needs its member here.
        """
        return None if table in NOT_KINDS else cls(table)


# Tables of the schema that are no kind of change, and why.
NOT_KINDS: dict[str, str] = {
    "meta": "the file's own bookkeeping (format version, creator): written only when a "
    "workspace is created or upgraded, never by an edit, so no view follows it",
}
