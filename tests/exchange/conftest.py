"""Workspaces for the PDF tests: the demo portfolio, and one full of text that breaks things.

The tricky portfolio is made through the services (so it holds only what a
person could type) with markup-like text, accents, Greek, Cyrillic, CJK and
emoji in every kind of field the documents print.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest

from pmdesk.core.enums import (
    Attitude,
    CanvasTemplate,
    DependencyType,
    ItemKind,
    LaunchFunction,
    MoSCoW,
    RaciActivity,
    RaciRole,
    TaskStatus,
)

TODAY = dt.date(2026, 3, 16)

# Each must print exactly as typed and never act as markup.
INJECTION = [
    "<b>not bold</b>",
    "R&D",
    "&amp; stays &amp;",
    '<img src="/etc/passwd"/>',
    '<a href="http://example.com/x">link</a>',
    "<font color=red>red</font>",
    "<para unclosed",
    "]]> end of CDATA",
    "\"double\" and 'single' quotes",
    "&lt;already escaped&gt;",
    "&#65;&#x42; numeric",
    '<onDraw name="drawTOCEntryEnd" label="1"/>',
    "<br/> break",
    "a < b > c",
]

# Each must read back exactly from the PDF text.
WORLD = [
    "Ünïcödé façade — Größe naïve",
    "Ωμέγα: ελληνικά γράμματα",
    "Привет, мир: кириллица",
    "中文需求说明",
    "日本語の仕様書",
    "한국어 요구사항",
]

EMOJI = "Ship it 🚀 now 👍🏽 ❤️"
PRODUCT = 'Aurora "Nordlicht" <Pro> & Co — 北极光'
LONG_URL = "https://example.com/" + "/".join(f"segment{i}" for i in range(40))


def tricky_texts() -> list[str]:
    return INJECTION + WORLD


def build_tricky(ws) -> int:
    """A product whose every printed field carries awkward text; returns its id."""
    from pmdesk.store.services import (
        CanvasService,
        LaunchService,
        LifecycleService,
        PortfolioService,
        RequirementService,
        RoadmapService,
        StakeholderService,
    )

    portfolio = ws.service(PortfolioService)
    portfolio.info.update(1, organisation="Nordic <Labs> & Søn AB")
    product = portfolio.create_product(
        name=PRODUCT,
        tagline="Greek Ωμέγα, Cyrillic Привет, CJK 中文 & <tags>",
        vision=f"Vision with <i>markup</i> & {EMOJI}\nsecond line: {WORLD[0]}",
        goals="\n".join(["Goal one & <b>two</b>", WORLD[1], WORLD[3]]),
        owner="Zoë O'Brien-Łukasz",
        version_label="2.0 <beta>",
        spec_status="Draft & review",
        confidentiality="Confidential <internal> & restricted",
        segment="Labs & clinics",
    )
    pid = product.id
    for version, day, summary in (
        ("0.1", "2025-06-01", INJECTION[0]),
        ("1.0", "2025-11-20", WORLD[2]),
    ):
        portfolio.revisions.create(
            product_id=pid, version=version, revised_on=day, author="Ана Петрова", summary=summary
        )
    texts = tricky_texts()
    reqs = ws.service(RequirementService)
    moscow = list(MoSCoW)
    for index, text in enumerate(texts):
        req = reqs.requirements.create(
            product_id=pid,
            ref=f"REQ-{index + 1}",
            title=text,
            moscow=moscow[index % 4],
            story_role="lab manager & <admin>",
            story_goal=f"to see {WORLD[4]}",
            story_benefit="nothing is lost",
            description=f"Details: {text} {EMOJI}",
            acceptance_criteria=[f"Given {text}, then it prints", "Second criterion"],
            reach=100 * (index + 1),
            impact=[0.5, 1, 2, 3][index % 4],
            confidence=80,
            effort=1 + index % 5,
        )
        if index == 0:
            reqs.customers.create(
                requirement_id=req.id, customer="Müller & Söhne <GmbH>", revenue=120000
            )
    reqs.requirements.create(
        product_id=pid,
        ref="REQ-URL",
        title="Long link",
        description=f"See {LONG_URL} for details",
        effort=2,
        reach=10,
    )
    canvas = ws.service(CanvasService)
    board = canvas.boards.create(
        product_id=pid, name="Canvas <main> & 中文", template=CanvasTemplate.PRODUCT_CANVAS
    )
    blocks = ["target_customers", "problems", "value_proposition", "key_features", "price"]
    for index, text in enumerate(texts + [EMOJI]):
        canvas.notes.create(
            board_id=board.id,
            block=blocks[index % len(blocks)],
            text=text,
            colour="#FFE066" if index % 2 else "#9FD8FF",
            votes=index % 4,
            position=index,
        )
    canvas.notes.create(board_id=board.id, block="to_sort", text="Unsorted <note>", position=0)
    roadmap = ws.service(RoadmapService)
    lanes = [
        roadmap.lanes.create(product_id=pid, name=name, sort_order=i)
        for i, name in enumerate(["Platform <core> & API", "Клиенты 客户"])
    ]
    items = []
    start = dt.date(2026, 1, 5)
    for index in range(8):
        kind = ItemKind.MILESTONE if index % 4 == 3 else ItemKind.FEATURE
        begin = start + dt.timedelta(days=21 * index)
        end = begin if kind is ItemKind.MILESTONE else begin + dt.timedelta(days=30)
        items.append(
            roadmap.items.create(
                product_id=pid,
                lane_id=lanes[index % 2].id,
                name=f"Item {index} & <{index}>",
                kind=kind,
                start_date=begin,
                end_date=end,
                progress=10 * index,
            )
        )
    for a, b in pairwise(items):
        roadmap.dependencies.create(
            predecessor_id=a.id, successor_id=b.id, type=DependencyType.FINISH_TO_START
        )
    roadmap.set_baseline(pid, "Plan <v1>")
    people = ws.service(StakeholderService)
    folks = []
    for index, (name, attitude) in enumerate(
        (
            ("Zoë <CEO> & co", Attitude.CHAMPION),
            ("Дмитрий Иванов", Attitude.CRITIC),
            ("山田太郎", Attitude.NEUTRAL),
            ('O\'Neil "Ops"', Attitude.BLOCKER),
        )
    ):
        folks.append(
            people.stakeholders.create(
                product_id=pid,
                name=name,
                role="Role & <title>",
                attitude=attitude,
                power=2 + index * 2.5,
                interest=9 - index * 2,
                desired_power=9,
                desired_interest=9,
                comm_channel="Email & call",
                next_contact=TODAY + dt.timedelta(days=index * 5 - 7),
            )
        )
    people.raci.create(
        product_id=pid,
        stakeholder_id=folks[0].id,
        activity=RaciActivity.SPEC_SIGNOFF,
        role=RaciRole.ACCOUNTABLE,
    )
    people.raci.create(
        product_id=pid,
        stakeholder_id=folks[2].id,
        activity=RaciActivity.SPEC_SIGNOFF,
        role=RaciRole.CONSULTED,
    )
    launches = ws.service(LaunchService)
    launch = launches.launches.create(
        product_id=pid,
        name="Launch <one> & 发布",
        launch_date=TODAY + dt.timedelta(days=60),
        tier=1,
        pos_target="labs & <clinics>",
        pos_need="proof",
        pos_category="service",
        pos_benefit="alerts",
        pos_alternative="paper",
        pos_differentiator="is fast",
        segments="Labs & clinics\nБиобанки",
        price="€49 <per> sensor",
        channels="Direct\n直销",
        success_metrics="NPS ≥ 40 & growing\n120 sites",
    )
    launches.messages.create(launch_id=launch.id, audience="IT & <security>", message=INJECTION[3])
    for index, function in enumerate(LaunchFunction):
        launches.tasks.create(
            launch_id=launch.id,
            function=function,
            title=f"Task {index}: {texts[index]}",
            owner_id=folks[0].id,
            due_offset_days=-10 * index,
            due_date=launch.launch_date - dt.timedelta(days=10 * index),
            status=TaskStatus.DONE if index % 2 else TaskStatus.TODO,
        )
    portfolio.risks.create(
        product_id=pid,
        title="Risk & <fail>",
        description=WORLD[5],
        likelihood=4,
        impact=5,
        mitigation='Plan "B"',
        owner="Ана",
    )
    lifecycle = ws.service(LifecycleService)
    metric = lifecycle.metrics.create(
        product_id=pid, name="Revenue <EUR>", kind="revenue", unit="€", target=1000
    )
    for month in range(1, 9):
        lifecycle.values.create(
            metric_id=metric.id, period=dt.date(2025, month, 1), value=800 + month * 30
        )
    return pid


@pytest.fixture(scope="session")
def _tricky_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tricky portfolio, made once per session through the services."""
    from pmdesk.store.workspace import Workspace

    path = tmp_path_factory.mktemp("tricky") / "tricky.pmdesk"
    ws = Workspace.create(path, name="Tricky <portfolio> & Co")
    build_tricky(ws)
    ws.close()  # folds the write-ahead log back: the file alone is the whole portfolio
    return path


@pytest.fixture
def tricky(_tricky_file: Path, tmp_path: Path):
    """(workspace, product id) of a fresh copy of the tricky portfolio, open for editing."""
    import shutil

    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    path = tmp_path / "tricky.pmdesk"
    shutil.copyfile(_tricky_file, path)
    ws = Workspace.open(path)
    pid = ws.service(PortfolioService).product_by_name(PRODUCT).id
    yield ws, pid
    ws.close()


@pytest.fixture
def demo(tmp_path: Path):
    """The demo portfolio (pmdesk.store.demo), else the tricky one, read-only."""
    from pmdesk.store.workspace import Workspace

    path = tmp_path / "demo.pmdesk"
    if importlib.util.find_spec("pmdesk.store.demo") is not None:
        from pmdesk.store.demo import create_demo

        create_demo(path, today=TODAY)
    else:
        ws = Workspace.create(path, name="Demo")
        build_tricky(ws)
        ws.close()
    ws = Workspace.open(path, read_only=True)
    yield ws
    ws.close()


@pytest.fixture
def texts() -> SimpleNamespace:
    """The awkward strings (tests cannot import a conftest, so they come as a fixture)."""
    return SimpleNamespace(
        injection=INJECTION,
        world=WORLD,
        emoji=EMOJI,
        product=PRODUCT,
        long_url=LONG_URL,
        today=TODAY,
    )


@pytest.fixture
def read_pdf() -> SimpleNamespace:
    """Ways to read a PDF back: all text, text per page, and poppler's reading."""
    return SimpleNamespace(text=pdf_text, pages=page_texts, poppler=poppler_text)


@pytest.fixture
def many_requirements():
    return add_requirements


def add_requirements(ws, product_id: int, count: int) -> None:
    """``count`` realistic requirements in one transaction (the service would commit each)."""
    from pmdesk.store.models import Requirement

    moscow = list(MoSCoW)
    with ws.transaction() as uow:
        uow.session.add_all(
            Requirement(
                product_id=product_id,
                ref=f"R-{n}",
                title=f"Requirement {n}: export & <report>",
                story_role="analyst",
                story_goal=f"report {n} in one click",
                story_benefit="saves time",
                description="The system shall produce the report with every field the lab needs, "
                "including the audit trail, signatures and timestamps. " * 2,
                acceptance_criteria=[
                    f"Given data set {n}, when exported, then all rows appear",
                    "The export finishes within five seconds",
                ],
                moscow=moscow[n % 4],
                reach=50 + n,
                impact=[0.5, 1.0, 2.0, 3.0][n % 4],
                confidence=80.0,
                effort=1.0 + n % 7,
                sort_order=n,
            )
            for n in range(count)
        )


# -- reading PDFs back ---------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    """All text of a PDF (pypdf), whitespace made single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return squash(" ".join(page.extract_text() or "" for page in reader.pages))


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [squash(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def poppler_text(path: Path) -> str:
    """pdftotext's reading of the file (a second, independent reader), or "" without poppler."""
    try:
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return squash(done.stdout.decode("utf-8"))
