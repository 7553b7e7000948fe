"""Running an export: progress, cancel, failures that leave no file, clear refusals."""

from __future__ import annotations

import pytest

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange import pdf
from pmdesk.exchange.pdf import ExportCancelled, PdfOptions, export_file, export_pdf


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_progress_rises_to_the_end(tricky, tmp_path, texts):
    ws, pid = tricky
    seen: list[tuple[int, int]] = []
    export_pdf(
        ws,
        "spec",
        tmp_path / "spec.pdf",
        product_id=pid,
        options=PdfOptions(today=texts.today),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(seen) > 10
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)  # never goes back
    assert all(0 <= d <= t for d, t in seen)
    assert seen[-1][0] == seen[-1][1]  # ends complete
    assert all(d < t for d, t in seen[:-1])  # and only the end says so


@pytest.mark.parametrize("after", [0, 3, 40])
def test_cancel_stops_and_leaves_no_file(tricky, tmp_path, texts, after):
    ws, pid = tricky
    folder = tmp_path / "exports"
    folder.mkdir()
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > after

    with pytest.raises(ExportCancelled) as caught:
        export_pdf(
            ws,
            "spec",
            folder / "spec.pdf",
            product_id=pid,
            options=PdfOptions(today=texts.today),
            cancelled=cancelled,
        )
    assert isinstance(caught.value, PmdeskError)
    assert "cancelled" in str(caught.value)
    assert _leftovers(folder) == []


def test_a_failure_midway_leaves_no_file_and_keeps_an_old_one(tricky, tmp_path, texts, monkeypatch):
    ws, pid = tricky
    target = tmp_path / "spec.pdf"
    target.write_bytes(b"%PDF- the previous export")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf.template.PmDocTemplate, "afterFlowable", broken)
    with pytest.raises(RuntimeError):
        export_pdf(ws, "spec", target, product_id=pid, options=PdfOptions(today=texts.today))
    assert target.read_bytes() == b"%PDF- the previous export"
    assert not [name for name in _leftovers(tmp_path) if name.endswith(".part")]


def test_refusals_are_clear(tricky, tmp_path, texts):
    ws, pid = tricky
    with pytest.raises(PmdeskError, match="Unknown document"):
        export_pdf(ws, "brochure", tmp_path / "x.pdf", product_id=pid)
    with pytest.raises(PmdeskError, match="does not exist"):
        export_pdf(ws, "spec", tmp_path / "missing" / "x.pdf", product_id=pid)
    (tmp_path / "folder.pdf").mkdir()
    with pytest.raises(PmdeskError, match="Cannot write"):  # a folder where the file should go
        export_pdf(ws, "canvas", tmp_path / "folder.pdf", product_id=pid)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    with pytest.raises(PmdeskError, match="paper"):
        export_pdf(ws, "spec", tmp_path / "x.pdf", product_id=pid, options=PdfOptions(paper="B5"))
    with pytest.raises(PmdeskError):  # no such product
        export_pdf(ws, "spec", tmp_path / "x.pdf", product_id=9999)
    from pmdesk.store.services import PortfolioService

    ws.service(PortfolioService).create_product(name="Second")
    with pytest.raises(PmdeskError, match="Choose the product"):
        export_pdf(ws, "launch", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_launch_plan_needs_a_launch(tricky, tmp_path, texts):
    ws, _pid = tricky
    from pmdesk.store.services import PortfolioService

    other = ws.service(PortfolioService).create_product(name="No launch yet")
    with pytest.raises(PmdeskError, match="no launch plan"):
        export_pdf(ws, "launch", tmp_path / "l.pdf", product_id=other.id)
    for kind in ("spec", "roadmap", "stakeholders", "canvas"):  # empty products still print
        assert export_pdf(ws, kind, tmp_path / f"{kind}.pdf", product_id=other.id).exists()


def test_export_file_is_the_command_lines_way_in(_tricky_file, tmp_path, texts, read_pdf):
    out = export_file(
        _tricky_file, "stakeholders", tmp_path / "map.pdf", product_name=texts.product.upper()
    )  # names match case-insensitively
    assert "Дмитрий Иванов" in read_pdf.text(out)
    with pytest.raises(PmdeskError, match="no product named 'Nope'") as caught:
        export_file(_tricky_file, "spec", tmp_path / "x.pdf", product_name="Nope")
    assert texts.product in str(caught.value)  # the message lists the products there are
    junk = tmp_path / "notes.pmdesk"
    junk.write_text("not a database")
    with pytest.raises(PmdeskError, match="not a pmdesk workspace"):
        export_file(junk, "spec", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_launch_plan_prints_the_readiness_the_launch_view_shows(demo, tmp_path, read_pdf):
    """One rule for readiness and relative due dates: core.launch, on screen and on paper."""
    from pmdesk.core.launch import relative_label
    from pmdesk.core.wording import plural
    from pmdesk.store.services import LaunchService, PortfolioService

    launches = demo.service(LaunchService)
    product = next(
        p for p in demo.service(PortfolioService).list_products() if launches.launches_of(p.id)
    )
    launch = launches.launches_of(product.id)[0]
    shown = launches.readiness_of(launch.id)
    out = export_pdf(demo, "launch", tmp_path / "launch.pdf", product_id=product.id)
    text = read_pdf.text(out)
    assert f"{shown.overall.percent:.0f}%" in text
    assert f"{shown.overall.done} of {plural(shown.overall.counted, 'task')} done" in text
    for function, part in shown.per_function.items():
        assert f"{function.label}" in text and f"{part.done}/{part.counted} done" in text
    offsets = {t.due_offset_days for t in launches.tasks_of(launch.id)} - {None}
    assert offsets and all(relative_label(o) in text for o in offsets)


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_the_pdf_is_as_readable_as_the_users_umask_says(tricky, tmp_path, texts, umask, mode):
    import os
    import stat

    ws, pid = tricky
    before = os.umask(umask)
    try:
        written = export_pdf(
            ws,
            "stakeholders",
            tmp_path / "map.pdf",
            product_id=pid,
            options=PdfOptions(today=texts.today),
        )
    finally:
        os.umask(before)
    assert stat.S_IMODE(written.stat().st_mode) == mode
