"""``pmdesk --self-test``: passes on the demo, touches no user folder, and fails loudly."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.gui.windows import exposed

from pmdesk.gui import selftest


def _views():
    from pmdesk.gui.views import VIEWS

    return VIEWS


def test_self_test_from_the_command_line(tmp_path: Path):
    """A real process without QT_QPA_PLATFORM: the self-test makes itself offscreen."""
    config, data = tmp_path / "config", tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(PMDESK_CONFIG_DIR=str(config), PMDESK_DATA_DIR=str(data))
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    for spec in _views():
        match = re.search(rf"^\s+{re.escape(spec.title)}\s+(\d+)\s+\(", result.stdout, re.M)
        assert match, f"{spec.title} missing from:\n{result.stdout}"
        assert int(match.group(1)) > 0
    assert re.search(
        r"^\s+Technical specification of .+: [\d,]+ bytes, a PDF$", result.stdout, re.M
    )
    assert "self-test passed" in result.stdout
    # The person's own settings and data folders were never touched, nor the current folder.
    assert not config.exists() and not data.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_view_that_draws_nothing_fails_the_self_test(monkeypatch, qapp, capsys):
    from pmdesk.gui.views import VIEWS, BaseView, ViewSpec

    class BlankView(BaseView):
        def load(self, product_id):
            pass

    blank = ViewSpec("blank", "Blank & <empty> 🚀", lambda ctx, parent=None: BlankView(ctx, parent))
    monkeypatch.setattr("pmdesk.gui.views.VIEWS", [VIEWS[0], blank])
    out = io.StringIO()
    assert selftest.run(out) == selftest.EXIT_FAILED
    assert "Portfolio" in out.getvalue()
    assert "FAILED: the Blank & <empty> 🚀 view drew nothing" in capsys.readouterr().err


def test_a_view_that_cannot_be_built_fails_the_self_test(monkeypatch, qapp, capsys):
    from pmdesk.gui.views import ViewSpec

    def broken(ctx, parent=None):
        raise RuntimeError("missing module in the bundle")

    monkeypatch.setattr("pmdesk.gui.views.VIEWS", [ViewSpec("broken", "Broken", broken)])
    assert selftest.run(io.StringIO()) == selftest.EXIT_FAILED
    err = capsys.readouterr().err
    assert "FAILED: the Broken view could not be built" in err
    assert "missing module in the bundle" in err  # the window's traceback is shown too


def test_a_broken_pdf_export_fails_the_self_test(monkeypatch, qapp, capsys):
    def no_pdf(workspace, kind, output, **kwargs):
        Path(output).write_bytes(b"<html>not a pdf</html>")
        return Path(output)

    monkeypatch.setattr("pmdesk.exchange.pdf.export_pdf", no_pdf)
    assert selftest.run(io.StringIO()) == selftest.EXIT_FAILED
    assert "starts with b'<html'" in capsys.readouterr().err


def test_count_drawn_counts_only_what_is_visible(qtbot):
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QTableView, QVBoxLayout, QWidget

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    scene = QGraphicsScene(host)
    for x in range(3):
        scene.addRect(x * 10, 0, 8, 8)
    scene.addRect(0, 20, 8, 8).setVisible(False)
    first, second = QGraphicsView(scene), QGraphicsView(scene)  # one scene, counted once
    model = QStandardItemModel(5, 2, host)
    table, hidden_table = QTableView(), QTableView()
    table.setModel(model)
    hidden_table.setModel(model)
    for widget in (first, second, table, hidden_table):
        layout.addWidget(widget)
    hidden_table.hide()
    host.show()
    exposed(qtbot, host)
    drawn = selftest.count_drawn(host)
    assert drawn == selftest.Drawn(graphics_items=3, scenes=1, rows=5, item_views=1)
    assert drawn.total == 8
    assert drawn.describe() == "3 graphics items in 1 scene, 5 rows in 1 item view"
    assert selftest.inked_share(host.grab()) > 0


def test_inked_share_of_a_blank_and_a_painted_image(qapp):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPainter, QPixmap

    pixmap = QPixmap(100, 50)
    pixmap.fill(Qt.GlobalColor.white)
    assert selftest.inked_share(pixmap) == 0
    painter = QPainter(pixmap)
    painter.fillRect(0, 0, 25, 50, Qt.GlobalColor.black)
    painter.end()
    assert selftest.inked_share(pixmap) == pytest.approx(0.25)


@pytest.mark.qt_no_exception_capture  # the self-test's own hook must see it, not pytest-qt's
def test_an_error_inside_a_qt_callback_fails_the_self_test(monkeypatch, qapp, capsys):
    """Qt only prints exceptions raised in slots and events; the self-test still sees them."""
    from PySide6.QtCore import QTimer

    from pmdesk.gui.views import VIEWS, ViewSpec

    def explode():
        raise KeyError("lost template")

    def factory(ctx, parent=None):
        QTimer.singleShot(0, explode)
        return VIEWS[1].factory(ctx, parent)

    monkeypatch.setattr("pmdesk.gui.views.VIEWS", [ViewSpec("canvas", "Canvas", factory)])
    assert selftest.run(io.StringIO()) == selftest.EXIT_FAILED
    assert "FAILED: an error inside Qt: KeyError: 'lost template'" in capsys.readouterr().err
