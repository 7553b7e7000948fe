"""PDF exports, made headless with reportlab (from the CLI or a worker thread, never with Qt).

``export_pdf(workspace, kind, output, ...)`` writes one document; ``KINDS``
names them and ``SECTIONS`` lists the parts of each that a person can leave
out. The file appears only when it is complete: it is written beside the
target under a temporary name and renamed at the end, so a cancelled or
failed export leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.output import write_atomically
from pmdesk.store.models import Product
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

from . import business_case, canvas, commercial, launch, portfolio, roadmap, spec, stakeholders
from .fonts import register, track_missing
from .job import Job
from .options import ExportCancelled, PdfOptions, Progress, default_paper
from .template import build

_MODULES: dict[str, ModuleType] = {
    "spec": spec,
    "launch": launch,
    "roadmap": roadmap,
    "stakeholders": stakeholders,
    "canvas": canvas,
    "portfolio": portfolio,
    "business-case": business_case,
    "commercial": commercial,
}
KINDS: dict[str, str] = {kind: module.LABEL for kind, module in _MODULES.items()}
SECTIONS: dict[str, dict[str, str]] = {kind: dict(m.SECTIONS) for kind, m in _MODULES.items()}
NEEDS_PRODUCT = frozenset(KINDS) - {"portfolio"}

__all__ = [
    "KINDS",
    "NEEDS_PRODUCT",
    "SECTIONS",
    "ExportCancelled",
    "PdfOptions",
    "default_paper",
    "export_file",
    "export_pdf",
]


def export_pdf(
    workspace: Workspace,
    kind: str,
    output: Path | str,
    *,
    product_id: int | None = None,
    options: PdfOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write the ``kind`` document of a product (or of the portfolio) to ``output``.

    Raises ExportCancelled when ``cancelled()`` turns true, PmdeskError for a
    request that cannot be met (unknown kind, no such product); either way no
    file is left at ``output``.
    """
    module = _MODULES.get(kind)
    if module is None:
        raise PmdeskError(f"Unknown document {kind!r}; choose one of {', '.join(KINDS)}")
    output = Path(output)
    options = options or PdfOptions()
    tracker = Progress(progress, cancelled)
    tracker.expect(12)
    tracker.check()
    register()
    track_missing()  # the footer names the characters no font could print
    product = _product(workspace, kind, product_id)
    job = Job(workspace, options, tracker, product, options.page_size("", "portrait"))
    document = module.make(job)
    tracker.step()
    page = document.page or job.page

    def write(temp: Path) -> None:
        build(
            temp, document.story, page, job.info, tracker, cover=document.cover, bare=document.bare
        )
        tracker.check()

    write_atomically(output, write)
    tracker.finish()
    return output


def _product(workspace: Workspace, kind: str, product_id: int | None) -> Product | None:
    portfolio_service = workspace.service(PortfolioService)
    if product_id is not None:
        return portfolio_service.products.get(product_id)
    if kind not in NEEDS_PRODUCT:
        return None
    products = portfolio_service.list_products()
    if len(products) == 1:
        return products[0]
    if not products:
        raise PmdeskError("This workspace has no products yet; add one before exporting")
    names = ", ".join(p.name for p in products)
    raise PmdeskError(f"Choose the product to export ({names})")


def export_file(
    path: Path | str,
    kind: str,
    output: Path | str,
    *,
    product_name: str | None = None,
    options: PdfOptions | None = None,
) -> Path:
    """The command line's export: open ``path`` read-only, find the product by name, export.

    Every failure is a PmdeskError whose message is fit to print (an unknown
    product lists the known ones; an unreadable file says why).
    """
    workspace = Workspace.open(Path(path), read_only=True)
    try:
        product_id = None
        if product_name:
            product_id = workspace.service(PortfolioService).product_by_name(product_name).id
        return export_pdf(workspace, kind, output, product_id=product_id, options=options)
    finally:
        workspace.close()
