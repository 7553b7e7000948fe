"""The Windows and macOS files (they cannot be built here): well-formed and consistent."""

from __future__ import annotations

import plistlib
import re

import project

WINDOWS = project.INSTALLER / "windows" / "pmdesk.iss"
MACOS = project.INSTALLER / "macos" / "Info.plist"


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in WINDOWS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            sections[current] = []
        else:
            assert current is not None, f"{line!r} outside a section"
            sections[current].append(line)
    return sections


def _iss_entry(line: str) -> dict[str, str]:
    """One ``Name: value; Name: "value"`` line of an Inno Setup section."""
    pattern = r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)\s*(?:;|$)'
    entry = {}
    for key, value in re.findall(pattern, line):
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('""', '"')  # Inno Setup doubles a quote inside quotes
        entry[key] = value
    return entry


def test_inno_setup_script_installs_the_app_and_a_start_menu_entry():
    sections = _iss_sections()
    assert {"Setup", "Files", "Icons", "Registry", "Run"} <= set(sections)
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["AppVersion"] == "{#AppVersion}"  # passed from pyproject.toml by build.py
    assert setup["ChangesAssociations"] == "yes"
    assert setup["SetupIconFile"].endswith(r"resources\icons\app\pmdesk.ico")
    assert "#error" in WINDOWS.read_text()  # no silent default version
    files = [_iss_entry(line) for line in sections["Files"]]
    assert files[0]["Source"] == r"{#DistDir}\*" and "recursesubdirs" in files[0]["Flags"]
    icons = [_iss_entry(line) for line in sections["Icons"]]
    assert any(
        i["Name"].startswith("{group}") and i["Filename"] == r"{app}\{#AppExe}" for i in icons
    )


def test_inno_setup_script_associates_pmdesk_files():
    text = WINDOWS.read_text()
    defines = dict(re.findall(r'#define (\w+) "([^"]*)"', text))
    assert defines["AppExe"] == "pmdesk.exe"
    registry = [_iss_entry(line) for line in _iss_sections()["Registry"]]
    by_key = {(r["Subkey"], r["ValueName"]): r for r in registry}
    prog_id = defines["ProgId"]
    extension = by_key[(rf"Software\Classes\.{project.EXTENSION}", "")]
    assert extension["ValueData"] == "{#ProgId}" and "uninsdeletevalue" in extension["Flags"]
    assert (
        by_key[(rf"Software\Classes\.{project.EXTENSION}", "Content Type")]["ValueData"]
        == project.MIME_TYPE
    )
    command = by_key[(r"Software\Classes\{#ProgId}\shell\open\command", "")]
    assert command["ValueData"] == r'"{app}\{#AppExe}" "%1"'
    assert by_key[(r"Software\Classes\{#ProgId}\DefaultIcon", "")]["ValueData"] == (
        r"{app}\{#AppExe},0"
    )
    assert by_key[(r"Software\Classes\{#ProgId}", "")]["Flags"] == "uninsdeletekey"
    assert prog_id == "pmdesk.workspace" and all(r["Root"] == "HKA" for r in registry)


def test_info_plist_declares_the_document_type():
    info = plistlib.loads(MACOS.read_bytes())
    assert info["CFBundleIdentifier"] == project.BUNDLE_ID
    assert info["CFBundleExecutable"] == "pmdesk" and info["CFBundlePackageType"] == "APPL"
    assert info["CFBundleIconFile"] == "pmdesk.icns"
    assert (project.ICON_DIR / info["CFBundleIconFile"]).is_file()
    [document] = info["CFBundleDocumentTypes"]
    assert document["LSItemContentTypes"] == [project.UTI]
    assert document["CFBundleTypeRole"] == "Editor" and document["LSHandlerRank"] == "Owner"
    [uti] = info["UTExportedTypeDeclarations"]
    assert uti["UTTypeIdentifier"] == project.UTI
    assert "public.data" in uti["UTTypeConformsTo"]
    tags = uti["UTTypeTagSpecification"]
    assert tags["public.filename-extension"] == [project.EXTENSION]
    assert tags["public.mime-type"] == [project.MIME_TYPE]


def test_info_plist_leaves_the_version_to_the_spec():
    info = plistlib.loads(MACOS.read_bytes())
    assert "CFBundleShortVersionString" not in info  # pmdesk.spec sets it from pyproject.toml
    spec = (project.INSTALLER / "pmdesk.spec").read_text()
    assert 'info["CFBundleShortVersionString"] = PROJECT.version' in spec
