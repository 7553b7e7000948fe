"""Everything Qt: the application, main window, undo commands, theme and views."""
