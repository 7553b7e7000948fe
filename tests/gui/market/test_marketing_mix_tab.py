"""The Marketing mix tab of the Market view, in the real window, the way a product manager
uses it: the four Ps read from the canvas, the launch plan and the business case; an entry
edited in place (F2, type, Enter) or added from its panel changes the row that holds it, one
undo step; an edit made in the Canvas shows in the tab; each panel's button opens the view
that holds the rest — on the demo and on a new empty workspace."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from tests.gui.test_house_rules import demo_copy, open_window, show
from tests.gui.windows import active, shown_for

from pmdesk.core.enums import CanvasTemplate
from pmdesk.gui.commands import UpdateCommand
from pmdesk.store.services import CanvasService, LaunchService, PortfolioService
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

KEY = "market"


def mix_tab(qtbot, window, product: str):
    view = shown_for(qtbot, window, KEY, product)
    view.tabs.setCurrentWidget(view.mix_tab)
    QApplication.processEvents()
    assert view.mix_tab.isVisible()
    return view, view.mix_tab


def file_mix(window, product_id: int):
    """The mix as the file holds it now, read afresh."""
    with Workspace.open(window.ctx.workspace.path, read_only=True) as ws:
        return ws.service(MarketService).marketing_mix(product_id)


def edit_in_place(qtbot, panel, text_before: str, typed: str) -> None:
    """Click the entry, press F2, replace its text, press Enter."""
    item = panel.item_of(text_before)
    assert item is not None, text_before
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.list.currentItem() is item
    qtbot.keyClick(panel.list, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and panel.list.isAncestorOf(editor), editor
    assert editor.text() == text_before  # the entry's own text, not its shown form
    editor.selectAll()
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def add_typed(qtbot, panel, typed: str) -> None:
    panel.text.setFocus()
    qtbot.keyClicks(panel.text, typed)
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)


# -- the demo -----------------------------------------------------------------------------------


def test_the_demo_shows_the_four_ps_from_where_they_are_kept(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    mix = tab.mix
    assert mix is not None and mix.product_id == view.product_id
    texts = {  # each entry's own text; headings have none
        key: [t for i in p.items() if (t := i.data(Qt.ItemDataRole.UserRole + 2)) is not None]
        for key, p in tab.panels.items()
    }
    assert "Faster setup < 5 min 🚀" in texts["product"]
    assert mix.notes("value")[0].text in texts["product"]
    assert "2400" in texts["price"]  # the business case's list prices, edited as numbers
    assert any("€2,400" in i.text() for i in tab.panels["price"].items())
    assert texts["place"][: len(mix.launch_channels)] == list(mix.launch_channels)
    assert mix.messages[0].message in texts["promotion"]
    assert "Case study: Müller & Söhne GmbH" in texts["promotion"]
    for panel in tab.panels.values():
        assert not panel.hint.isVisible() and panel.list.isVisible()
    tab.grab().save("/tmp/m20_mix_demo_1366.png")


def test_editing_a_launch_message_in_place_is_one_undo_step(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    message = tab.mix.messages[0]
    steps = demo_window.ctx.undo_stack.count()
    edit_in_place(qtbot, tab.panels["promotion"], message.message, "Know in a minute <b> & more")
    qtbot.waitUntil(lambda: demo_window.ctx.undo_stack.count() == steps + 1)
    stored = file_mix(demo_window, view.product_id)
    assert stored.messages[0].message == "Know in a minute <b> & more"
    assert tab.panels["promotion"].item_of("Know in a minute <b> & more") is not None

    qtbot.keyClick(tab.panels["promotion"].list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert file_mix(demo_window, view.product_id).messages[0].message == message.message
    assert tab.panels["promotion"].item_of(message.message) is not None
    assert not demo_window.dialogs.errors


def test_a_channel_added_goes_to_the_launch_plan_that_lists_them(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    before = file_mix(demo_window, view.product_id).launch_channels
    add_typed(qtbot, tab.panels["place"], "Trade fairs & webinars")
    stored = file_mix(demo_window, view.product_id)
    assert stored.launch_channels == (*before, "Trade fairs & webinars")
    assert tab.panels["place"].item_of("Trade fairs & webinars") is not None
    assert tab.panels["place"].text.text() == ""
    demo_window.menu_actions.undo.trigger()
    assert file_mix(demo_window, view.product_id).launch_channels == before


def test_a_list_price_is_edited_in_place_and_a_bad_one_refused(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    edit_in_place(qtbot, tab.panels["price"], "2400", "2,500")
    qtbot.waitUntil(lambda: any("€2,500" in i.text() for i in tab.panels["price"].items()))
    assert file_mix(demo_window, view.product_id).price_points[0].list_price == Decimal(2500)
    steps = demo_window.ctx.undo_stack.count()
    edit_in_place(qtbot, tab.panels["price"], "2500", "lots")
    qtbot.waitUntil(lambda: bool(demo_window.dialogs.errors))
    assert demo_window.ctx.undo_stack.count() == steps
    assert file_mix(demo_window, view.product_id).price_points[0].list_price == Decimal(2500)


def test_an_edit_in_the_canvas_shows_in_the_tab(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    note = tab.mix.notes("features")[0]
    canvas = show(demo_window, "canvas")
    assert canvas.edit_note(note.id, "Alerts by SMS, push, call and pager")
    show(demo_window, KEY)
    assert view.tabs.currentWidget() is tab
    assert tab.panels["product"].item_of("Alerts by SMS, push, call and pager") is not None
    assert tab.panels["product"].item_of(note.text) is None
    # and an edit made while the tab is in front
    demo_window.ctx.run(
        UpdateCommand(
            demo_window.ctx.service(CanvasService).notes, note.id, {"text": "Pager alerts"}, "Edit"
        )
    )
    assert tab.panels["product"].item_of("Pager alerts") is not None


def test_each_panel_opens_the_view_that_holds_it(qtbot, demo_window):
    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    for key, wanted in (
        ("product", "canvas"),
        ("price", "business_case"),
        ("place", "launch"),
        ("promotion", "launch"),
    ):
        show(demo_window, KEY)
        view.tabs.setCurrentWidget(tab)
        qtbot.mouseClick(tab.panels[key].open_button, Qt.MouseButton.LeftButton)
        assert demo_window.view_host.current_key == wanted, key


# -- a new empty workspace ------------------------------------------------------------------------


def test_an_empty_product_says_where_to_fill_each_p(qtbot, new_window):
    view, tab = mix_tab(qtbot, new_window, "Atlas")
    for key, panel in tab.panels.items():
        assert panel.hint.isVisible() and not panel.list.isVisible(), key
        assert panel.open_button.isVisible() and panel.open_button.isEnabled(), key
    assert "Business case" in tab.panels["price"].hint.text()
    assert "Launch" in tab.panels["promotion"].hint.text()
    tab.grab().save("/tmp/m20_mix_empty_1366.png")
    qtbot.mouseClick(tab.panels["price"].open_button, Qt.MouseButton.LeftButton)
    assert new_window.view_host.current_key == "business_case"


def test_a_key_feature_added_to_an_empty_product_starts_its_canvas(qtbot, new_window):
    view, tab = mix_tab(qtbot, new_window, "Atlas")
    steps = new_window.ctx.undo_stack.count()
    add_typed(qtbot, tab.panels["product"], "Offline mode <fast> & safe")
    assert new_window.ctx.undo_stack.count() == steps + 1
    with Workspace.open(new_window.ctx.workspace.path, read_only=True) as ws:
        canvas = ws.service(CanvasService)
        (board,) = canvas.boards_of(view.product_id)
        assert board.template is CanvasTemplate.PRODUCT_CANVAS
        assert [(n.block, n.text) for n in canvas.notes_of_board(board.id)] == [
            ("key_features", "Offline mode <fast> & safe")
        ]
    panel = tab.panels["product"]
    assert panel.list.isVisible() and not panel.hint.isVisible()
    assert panel.item_of("Offline mode <fast> & safe") is not None
    # a channel goes to the canvas too (there is no launch plan)
    add_typed(qtbot, tab.panels["place"], "Web shop")
    assert file_mix(new_window, view.product_id).texts("channels") == ["Web shop"]
    # a key message needs a launch: said, nothing written
    steps = new_window.ctx.undo_stack.count()
    add_typed(qtbot, tab.panels["promotion"], "Works without a network")
    assert new_window.dialogs.errors and "Launch view" in new_window.dialogs.errors[-1][1]
    assert new_window.ctx.undo_stack.count() == steps
    tab.panels["promotion"].kind.setCurrentIndex(1)  # a campaign on the canvas instead
    qtbot.mouseClick(tab.panels["promotion"].add_button, Qt.MouseButton.LeftButton)
    assert file_mix(new_window, view.product_id).texts("promotion") == ["Works without a network"]

    new_window.menu_actions.undo.trigger()
    new_window.menu_actions.undo.trigger()
    new_window.menu_actions.undo.trigger()
    assert file_mix(new_window, view.product_id).board_id is None  # the canvas went with it
    assert tab.panels["product"].hint.isVisible()


def test_a_message_added_with_a_launch_reaches_the_launch_plan(qtbot, new_window):
    view, tab = mix_tab(qtbot, new_window, "Atlas")
    launches = new_window.ctx.service(LaunchService)
    launch = launches.create_launch(view.product_id, "Atlas launch", "2031-01-01")
    tab.refresh()
    panel = tab.panels["promotion"]
    assert panel.audience.isVisible()
    qtbot.keyClicks(panel.audience, "Lab managers")
    add_typed(qtbot, panel, "Set up in five minutes")
    (message,) = launches.messages_of(launch.id)
    assert (message.audience, message.message) == ("Lab managers", "Set up in five minutes")
    assert panel.item_of("Set up in five minutes") is not None


def test_workshop_mode_reads_the_mix_large_without_editing(qtbot, demo_window):
    from pmdesk.gui.workshop.theme import PresentationTheme

    view, tab = mix_tab(qtbot, demo_window, "Pulse Cloud")
    view.set_presentation(PresentationTheme(body_px=32))
    for panel in tab.panels.values():
        assert not panel.add_row.isVisible() and not panel.open_button.isVisible()
        assert not panel.source.isVisible() and panel.list.isVisible()
        assert panel.list.editTriggers() == panel.list.EditTrigger.NoEditTriggers
    view.grab().save("/tmp/m20_mix_workshop.png")
    view.set_presentation(None)
    assert tab.panels["place"].add_row.isVisible() and not tab.panels["price"].add_row.isVisible()
    assert tab.panels["place"].source.isVisible()


# -- house rules on the tab (test_house_rules checks each view's first tab) ---------------------


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("source", ["demo", "new"])
def test_the_tab_fits_is_named_and_reads_whole(qtbot, demo_template, tmp_path, size, source):
    from tests.gui.test_house_rules import cut_labels, empty_file, overlaps, unnamed

    path = demo_copy(demo_template, tmp_path) if source == "demo" else empty_file(tmp_path, 1)
    window = active(qtbot, open_window(qtbot, path, size))
    view = show(window, KEY)
    view.tabs.setCurrentWidget(view.mix_tab)
    QApplication.processEvents()
    found = overlaps(view.mix_tab) + cut_labels(view.mix_tab) + unnamed(view.mix_tab)
    assert not found, "\n".join(found)
    view.grab().save(f"/tmp/m20_mix_{source}_{size[0]}.png")


def test_a_read_only_file_shows_the_mix_and_offers_no_edits(qtbot, demo_template, tmp_path):
    import shutil

    from pmdesk.gui.context import AppContext
    from pmdesk.gui.market.view import MarketView

    copy = tmp_path / "ro.pmdesk"
    shutil.copyfile(demo_template, copy)
    workspace = Workspace.open(copy, read_only=True)
    context = AppContext(workspace)
    try:
        view = MarketView(context)
        qtbot.addWidget(view)
        view.resize(1366, 768)
        view.show()
        pulse = workspace.service(PortfolioService).product_by_name("Pulse Cloud")
        view.set_product(pulse.id)
        view.tabs.setCurrentWidget(view.mix_tab)
        QApplication.processEvents()
        tab = view.mix_tab
        assert tab.panels["place"].list.count() > 1
        for panel in tab.panels.values():
            assert panel.list.editTriggers() == panel.list.EditTrigger.NoEditTriggers
            assert not panel.add_button.isEnabled() and not panel.text.isEnabled()
            assert panel.open_button.isEnabled()  # the other views still show the rest
    finally:
        context.close()
        workspace.close()
