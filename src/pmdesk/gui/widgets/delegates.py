"""Editors for each column kind, shared by table cells and forms.

Enums and references edit in a combo box of labels; dates in a calendar date
edit (ISO format); numbers in spin boxes bounded by the domain's ranges; long
text in a multi-line editor (Ctrl+Enter or leaving it commits).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QEvent, QModelIndex, QObject, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QDoubleValidator,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QPixmap,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from .columns import NUMERIC, Column, Kind
from .entity_model import SHORT_ROLE

# The sticky-note colours offered for canvas notes (hex text is accepted too).
STICKY_COLOURS = (
    ("#FFE066", "Yellow"),
    ("#FFB3C7", "Pink"),
    ("#A8E6A1", "Green"),
    ("#9FD3FF", "Blue"),
    ("#FFC38A", "Orange"),
    ("#D7BDFF", "Lilac"),
)
_NO_DATE = QDate(1900, 1, 1)
_MANY = 30  # a combo with more choices than this gets type-to-search
_NUMBER_LIMIT = 1e12


class LongTextEdit(QPlainTextEdit):
    """Multi-line text; Ctrl+Enter commits like Enter does in a one-line field."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.clearFocus()  # focus-out commits in cells and forms alike
            return
        super().keyPressEvent(event)


_DATE_TEXT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})(\d{2})(\d{2})")
_DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")  # whole, if not a real date yet (12-35)
# Keys that edit the text as in any line edit (QDateEdit's own handling works per part).
_TEXT_KEYS = {
    Qt.Key.Key_Backspace,
    Qt.Key.Key_Delete,
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
}


def parse_date(text: str) -> dt.date | None:
    """A typed year-month-day (2027-6-5 as well as 2027-06-05), or None if it is no date."""
    found = _DATE_TEXT.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return dt.date(*(int(part) for part in found.groups() if part is not None))
    except ValueError:  # 2027-02-30
        return None


class DateEdit(QDateEdit):
    """A date field typed like any text field, that says why when what was typed is no date.

    QDateEdit alone types per part: it drops keys it cannot place (a 30th of February,
    another format, a digit over the "no date" text) and, on leaving, quietly goes back
    to the last whole date, so the person's typing vanished. Here the text is edited
    freely and read when the field is left: a date (2027-6-5 too) is taken, anything
    else is kept in ``refused`` and ``problem`` says why, so the form can report it and
    show the saved date again. Up/Down and the calendar work as before.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refused: str | None = None
        # QDateEdit snaps the cursor to whole parts as it moves: typing would overwrite them.
        self.lineEdit().cursorPositionChanged.disconnect()

    def validate(self, text: str, pos: int) -> object:
        # QDateEdit's own check rewrites part-typed text; only a whole date is taken as it is.
        state, fixed, _pos = super().validate(text, pos)
        if state == QValidator.State.Acceptable and fixed == text:
            return state, text, pos
        if len(text) > 20:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Intermediate, text, pos  # read on leaving, or refused with why

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        typing = plain and (event.text().isprintable() and event.text() != "")
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.take_typed()
        if typing and self._showing_none():
            self.lineEdit().clear()
        if typing and self._type_over(event.text()):
            return
        if typing or (plain and event.key() in _TEXT_KEYS):
            QAbstractSpinBox.keyPressEvent(self, event)  # plain text editing, not per part
        else:
            super().keyPressEvent(event)

    def stepBy(self, steps: int) -> None:
        """Up/Down (and the wheel) step the part under the cursor: year, month or day."""
        self.take_typed()
        at = self.lineEdit().cursorPosition()
        date = QDate.currentDate() if self._showing_none() else self.date()
        date = (
            date.addYears(steps)
            if at <= 4
            else date.addMonths(steps)
            if at <= 7
            else date.addDays(steps)
        )
        self.setDate(min(max(date, self.minimumDate()), self.maximumDate()))
        self.lineEdit().setCursorPosition(at)

    def _type_over(self, key: str) -> bool:
        """Typing inside a whole date overwrites it digit by digit, as a date field did.

        Returns True when the key only stepped over a "-" that is already there.
        """
        edit = self.lineEdit()
        at, text = edit.cursorPosition(), edit.text()
        if edit.hasSelectedText() or at >= len(text) or not _DATE_SHAPE.fullmatch(text):
            return False
        if text[at] == "-" and key == "-":
            edit.setCursorPosition(at + 1)
            return True
        if text[at] == "-" and key.isdigit():
            at += 1
        if at < len(text) and text[at].isdigit() and key.isdigit():
            edit.setSelection(at, 1)  # the key replaces the digit under the cursor
        return False

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.lineEdit().selectAll()  # Tab in, then type: the new date replaces the old

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.take_typed()  # before Qt puts the last whole date back
        super().focusOutEvent(event)

    def _showing_none(self) -> bool:
        return bool(self.specialValueText()) and self.lineEdit().text() == self.specialValueText()

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab leaves the field (QDateEdit would step through its parts first).
        return QWidget.focusNextPrevChild(self, forward)

    def take_typed(self) -> None:
        """Make the typed text the value, or remember it as refused."""
        text = self.lineEdit().text().strip()
        if text == self.textFromDateTime(self.dateTime()).strip():
            return
        if self.specialValueText() and text in ("", self.specialValueText()):
            self.setDate(self.minimumDate())  # emptied: no date
            return
        found = parse_date(text)
        date = QDate(found.year, found.month, found.day) if found else QDate()
        if date.isValid() and self.minimumDate() <= date <= self.maximumDate():
            self.refused = None
            self.setDate(date)
        else:
            self.refused = text

    def forget(self) -> None:
        self.refused = None

    def problem(self) -> str | None:
        """Why the typed text was not taken, or None when it was (or nothing was typed)."""
        if self.refused is None:
            return None
        example = QDate.currentDate().toString("yyyy-MM-dd")
        return f"“{self.refused}” is not a date: type year-month-day, for example {example}"


def swatch(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class ChoiceCombo(QComboBox):
    """A combo box that remembers the stored value behind each label."""

    def __init__(self, parent: QWidget, options: list[tuple[Any, str]]) -> None:
        super().__init__(parent)
        self.values = [value for value, _label in options]
        self.addItems([label for _value, label in options])


def _combo(parent: QWidget, options: list[tuple[Any, str]], *, editable: bool = False) -> QComboBox:
    combo = ChoiceCombo(parent, options)
    if editable or len(options) > _MANY:
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setMaxVisibleItems(20)
    return combo


def options_of(column: Column) -> list[tuple[Any, str]]:
    if column.kind is Kind.ENUM and column.enum is not None:
        options = [(member, member.label) for member in column.enum]
    elif column.choices is not None:
        options = [(value, str(label)) for value, label in column.choices.items()]
    else:
        options = []
    if column.nullable:
        options.insert(0, (None, column.none_label or "—"))
    return options


def make_editor(column: Column, parent: QWidget) -> QWidget:
    """The editor widget for one value of this column."""
    kind = column.kind
    if kind in (Kind.ENUM, Kind.CHOICE):
        return _combo(parent, options_of(column))
    if kind is Kind.COLOUR:
        combo = _combo(parent, list(STICKY_COLOURS), editable=True)
        for number, (hex_code, _name) in enumerate(STICKY_COLOURS):
            combo.setItemIcon(number, swatch(hex_code))
        return combo
    if kind is Kind.DATE:
        return _date_editor(column, parent)
    if kind in (Kind.INT, Kind.FLOAT, Kind.PERCENT):
        return _number_editor(column, parent)
    if kind is Kind.LONG_TEXT:
        editor = LongTextEdit(parent)
        editor.setTabChangesFocus(True)
        return editor
    if column.suggestions:
        return _combo(parent, [(s, s) for s in column.suggestions], editable=True)
    return QLineEdit(parent)


def _date_editor(column: Column, parent: QWidget) -> QDateEdit:
    editor = DateEdit(parent)
    editor.setCalendarPopup(True)
    editor.setDisplayFormat("yyyy-MM-dd")
    if column.nullable:
        editor.setMinimumDate(_NO_DATE)
        editor.setSpecialValueText(column.none_label or "—")
    return editor


def _number_editor(column: Column, parent: QWidget) -> QWidget:
    low = column.minimum if column.minimum is not None else -_NUMBER_LIMIT
    high = column.maximum if column.maximum is not None else _NUMBER_LIMIT
    if column.nullable:  # a blank field means "no value": a line edit can be blank, a spin box not
        editor = QLineEdit(parent)
        validator = QDoubleValidator(low, high, column.decimals, editor)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        editor.setValidator(validator)
        editor.setPlaceholderText(column.none_label or "none")
        return editor
    if column.kind is Kind.INT or (column.kind is Kind.PERCENT and column.decimals == 0):
        spin: QAbstractSpinBox = QSpinBox(parent)
        spin.setRange(int(max(low, -(2**31))), int(min(high, 2**31 - 1)))
    else:
        spin = QDoubleSpinBox(parent)
        spin.setDecimals(column.decimals)
        spin.setRange(low, high)
    if column.kind is Kind.PERCENT:
        spin.setSuffix("%")
    spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
    spin.setAccelerated(True)
    return spin


def set_editor_value(editor: QWidget, column: Column, value: Any) -> None:
    if isinstance(editor, QComboBox):
        values = getattr(editor, "values", [])
        if value in values:
            editor.setCurrentIndex(values.index(value))
        elif editor.isEditable():
            editor.setEditText("" if value is None else str(value))
    elif isinstance(editor, QDateEdit):
        if isinstance(editor, DateEdit):
            editor.forget()
        if value is None:
            editor.setDate(_NO_DATE if column.nullable else QDate.currentDate())
        else:
            editor.setDate(QDate(value.year, value.month, value.day))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value or 0))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value or 0))
    elif isinstance(editor, QPlainTextEdit):
        editor.setPlainText("" if value is None else str(value))
    elif isinstance(editor, QLineEdit):
        numeric = column.kind in NUMERIC
        editor.setText("" if value is None else f"{value:g}" if numeric else str(value))
        editor.setCursorPosition(0)  # show the start of a long text, not its end


def editor_value(editor: QWidget, column: Column) -> Any:
    """What the person chose, as the value the column stores (None for "no value")."""
    if isinstance(editor, QComboBox):
        values = getattr(editor, "values", [])
        text = editor.currentText()
        if editor.isEditable():
            labels = [editor.itemText(n) for n in range(editor.count())]
            if text in labels:
                return values[labels.index(text)]
            return text if column.kind in (Kind.TEXT, Kind.COLOUR) else _unknown(column, text)
        index = editor.currentIndex()
        return values[index] if 0 <= index < len(values) else None
    if isinstance(editor, QDateEdit):
        if column.nullable and editor.date() == editor.minimumDate():
            return None
        return editor.date().toPython()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QLineEdit):
        numeric = column.kind in NUMERIC
        text = editor.text().strip() if numeric else editor.text()
        if not numeric:
            return text
        if not text:
            return None
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return text  # half-typed ("-", "1e"): the store refuses it with a message
    return None


def _unknown(column: Column, text: str) -> Any:
    """Typed text that matches no choice: let the store refuse it with a clear message."""
    return text if text.strip() else None


class EntityDelegate(QStyledItemDelegate):
    """Creates the column's editor for a cell of an EntityTableModel."""

    def _column(self, index: QModelIndex) -> Column:
        return index.model().column(index.column())

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        """A cell too narrow for its whole text shows the column's short one, if it has one."""
        super().initStyleOption(option, index)
        if option.rect.width() <= 0 or self._column(index).short is None:  # most cells
            return
        short = index.data(SHORT_ROLE)
        if not short or short == option.text:
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        margin = (
            style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) if style else 0
        )
        room = option.rect.width() - 2 * (margin + 1)  # the text's margins in a view's cell
        if option.fontMetrics.horizontalAdvance(option.text) > room:
            option.text = short

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        editor = make_editor(self._column(index), parent)
        editor.setAutoFillBackground(True)
        # In a team workspace the cell's edit is checked against the row as it is now,
        # even if a colleague's change to it arrives while the editor is open.
        model = index.model()
        workspace, kind, entity_id = model.ctx.workspace, model.repo.kind, model.id_at(index.row())
        workspace.versions.hold_version(kind, entity_id)
        # Released when the editor closes, even if its row has gone by then.
        editor.destroyed.connect(lambda *_: workspace.versions.release_version(kind, entity_id))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if editor.property("pmdesk_filled") and editor.hasFocus():
            return  # being typed into: a colleague's change must not replace the typing
        editor.setProperty("pmdesk_filled", True)
        set_editor_value(editor, self._column(index), index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex) -> None:
        if isinstance(editor, DateEdit):
            editor.take_typed()  # Enter reaches the delegate before the field reads its text
        problem = editor.problem() if isinstance(editor, DateEdit) else None
        if problem:  # the cell keeps its value; the person learns why
            model.ctx.errorRaised.emit(problem)
            return
        model.setData(index, editor_value(editor, self._column(index)), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> None:
        rect = QRect(option.rect)
        if isinstance(editor, QPlainTextEdit):  # room for a paragraph, over the rows below
            rect.setWidth(max(rect.width(), 360))
            rect.setHeight(max(rect.height() * 5, 120))
        elif isinstance(editor, QComboBox | QDateEdit):
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        # Enter in a multi-line editor is a new line (Qt's default); Ctrl+Enter commits.
        if (
            isinstance(editor, QPlainTextEdit)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor)
            return True
        return super().eventFilter(editor, event)
