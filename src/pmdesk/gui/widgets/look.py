"""Switching a view to its projector look and back, exactly.

Presenting changes a handful of widget settings (hidden, read-only, row height,
current tab); each change records how to undo itself, so that leaving the
presentation puts every widget back as the user left it rather than to some
default. Shared by the launch, lifecycle, portfolio and requirements views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTabWidget, QWidget

ROW_LINES = 1.9  # row height in lines of the large type: room to breathe at a distance


def row_height(theme: Any) -> int:
    """Table row height that matches the projector's body type."""
    return round(getattr(theme, "body_px", 28) * ROW_LINES)


class Look:
    """The changes a view made for the projector, undone in reverse order by ``restore``."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    @property
    def active(self) -> bool:
        return bool(self._undo)

    def hide(self, *widgets: QWidget) -> None:
        for widget in widgets:
            hidden = widget.isHidden()
            self._undo.append(lambda w=widget, h=hidden: w.setHidden(h))
            widget.hide()

    def read_only(self, view: QAbstractItemView) -> None:
        triggers = view.editTriggers()
        self._undo.append(lambda: view.setEditTriggers(triggers))
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    def rows(self, view: QAbstractItemView, height: int) -> None:
        """Taller rows (never shorter than they were) that follow the large type."""
        header: QHeaderView = view.verticalHeader()
        size, minimum = header.defaultSectionSize(), header.minimumSectionSize()
        sections = [header.sectionSize(i) for i in range(header.count())]

        def undo() -> None:
            header.setMinimumSectionSize(minimum)
            header.setDefaultSectionSize(size)
            for index in range(header.count()):  # rows may have come and gone meanwhile
                header.resizeSection(index, sections[index] if index < len(sections) else size)

        self._undo.append(undo)
        taller = max(size, height)
        header.setMinimumSectionSize(min(minimum, taller))
        header.setDefaultSectionSize(taller)
        for index in range(header.count()):
            header.resizeSection(index, max(header.sectionSize(index), taller))

    def tab(
        self,
        tabs: QTabWidget,
        page: QWidget | None = None,
        *,
        bar: bool = True,
        hide: tuple[QWidget, ...] = (),
    ) -> None:
        """Show ``page`` (or keep the current one), hide the tab bar or some tabs."""
        before = tabs.currentIndex()
        shown = [(i, tabs.isTabVisible(i)) for i in range(tabs.count())]
        bar_hidden = tabs.tabBar().isHidden()

        def undo() -> None:
            for index, visible in shown:
                tabs.setTabVisible(index, visible)
            tabs.setCurrentIndex(before)
            tabs.tabBar().setHidden(bar_hidden)

        self._undo.append(undo)
        if page is not None:
            tabs.setCurrentWidget(page)
        for hidden_page in hide:
            index = tabs.indexOf(hidden_page)
            if index == tabs.currentIndex():
                tabs.setCurrentIndex(0 if index else 1)
            tabs.setTabVisible(index, False)
        if not bar:
            tabs.tabBar().hide()

    def table(self, table: Any, height: int, *, keep_title: bool = True) -> None:
        """An ``EntityTable`` to look at: read-only, taller rows, no add/delete/filter bar."""
        self.read_only(table.view)
        self.rows(table.view, height)
        bar = table.toolbar
        widgets = [bar.itemAt(i).widget() for i in range(bar.count())]
        self.hide(
            *(
                w
                for w in widgets
                if w is not None
                and not w.isHidden()
                and not (keep_title and w is table.title_label)
            )
        )

    def call(self, setter: Callable[[Any], None], before: Any, now: Any) -> None:
        """Any other setting: ``setter(now)`` now, ``setter(before)`` on restore."""
        self._undo.append(lambda: setter(before))
        setter(now)

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()
