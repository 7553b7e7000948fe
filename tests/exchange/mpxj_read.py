"""Read MS Project files with MPXJ (an independent reader, on Java) and print what they hold.

    python tests/exchange/mpxj_read.py FILE [FILE...]

prints one JSON object per file: its tasks (with their links and lags), and its
default calendar (working weekdays, exceptions, minutes per day). It runs in a
process of its own: the Java runtime installs signal handlers of its own, which
must not meet the test process's fault handler or Qt.
"""

from __future__ import annotations

import json
import sys


def _duration(value) -> list | None:
    if value is None:
        return None
    return [float(value.getDuration()), str(value.getUnits())]


def _text(value) -> str | None:
    return None if value is None else str(value)


def read(path: str) -> dict:
    from java.time import DayOfWeek
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(path)
    tasks = []
    for task in project.getTasks():
        if task.getUniqueID() is None or int(task.getUniqueID()) == 0 and task.getName() is None:
            continue
        tasks.append(
            {
                "uid": int(task.getUniqueID()),
                "name": _text(task.getName()),
                "start": _text(task.getStart()),
                "finish": _text(task.getFinish()),
                "milestone": bool(task.getMilestone()),
                "summary": bool(task.getSummary()),
                "percent": None
                if task.getPercentageComplete() is None
                else float(task.getPercentageComplete()),
                "calendar": _text(task.getCalendar().getName()) if task.getCalendar() else None,
                "links": [
                    {
                        "pred": int(r.getPredecessorTask().getUniqueID()),
                        "type": str(r.getType()),
                        "lag": _duration(r.getLag()),
                    }
                    for r in task.getPredecessors()
                ],
            }
        )
    calendar = project.getDefaultCalendar()
    return {
        "tasks": tasks,
        "calendar": {
            "name": _text(calendar.getName()),
            "working": [bool(calendar.isWorkingDay(day)) for day in DayOfWeek.values()],
            "minutes_per_day": int(calendar.getMinutesPerDay()),
            "exceptions": [
                [_text(e.getFromDate()), _text(e.getToDate()), bool(e.getWorking())]
                for e in calendar.getCalendarExceptions()
            ],
        },
    }


def main(paths: list[str]) -> int:
    import jpype
    import mpxj  # noqa: F401 - puts MPXJ's jars on the class path

    jpype.startJVM()
    for path in paths:
        print(json.dumps(read(path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
