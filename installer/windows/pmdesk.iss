; Inno Setup 6 script: the pmdesk installer for Windows (64-bit).
;
; Build the app first on Windows (python installer\build.py makes dist\pmdesk\ with
; pmdesk.exe, which opens no console, and pmdesk-cli.exe for the command line), then:
;
;   iscc /DAppVersion=0.2.0 installer\windows\pmdesk.iss
;
; build.py does this itself when iscc.exe is on the PATH, passing the version from
; pyproject.toml. The result is dist\pmdesk-<version>-windows-x64-setup.exe.
;
; It installs per user without administrator rights (or for all users when run as
; administrator: HKA and {autopf} follow that choice), adds a Start-menu entry, an
; optional desktop shortcut, and associates .pmdesk files with pmdesk (icon, "Open",
; "Open with"); the uninstaller removes the association again.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=<version> pmdesk.iss
#endif
#define AppName "pmdesk"
#define AppExe "pmdesk.exe"
#define ProgId "pmdesk.workspace"
#define DistDir "..\..\dist\pmdesk"

[Setup]
AppId={{3F6B2C1E-8D4A-4E7B-9A51-6C0D2E8F4B7A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The pmdesk developers
AppComments=A desktop workbench for product managers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\app\pmdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "A desktop workbench for product managers"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The .pmdesk file association: extension -> ProgID -> icon and open command.
Root: HKA; Subkey: "Software\Classes\.pmdesk"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.pmdesk"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-pmdesk"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.pmdesk\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "pmdesk workspace"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pmdesk"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
