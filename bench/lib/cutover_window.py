#!/usr/bin/env python3
"""Usage: cutover_window.py LEAD_S

Prints "HH:MM-HH:MM RFC3339": a 30-minute cutover window (npd's porting.cutover_window format,
Asia/Shanghai local time, may wrap midnight) starting at the first whole minute at least LEAD_S
seconds from now, and that start instant. Standard library only; China has had no DST since
1991, so UTC+8 stands in when the system has no tz database."""
import datetime as dt
import sys

try:
    from zoneinfo import ZoneInfo
    tz = ZoneInfo("Asia/Shanghai")
except Exception:  # no tzdata: fixed offset is exact for Asia/Shanghai today
    tz = dt.timezone(dt.timedelta(hours=8))

lead = float(sys.argv[1])
t = dt.datetime.now(tz) + dt.timedelta(seconds=lead)
if t.second or t.microsecond:
    t = t.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
end = t + dt.timedelta(minutes=30)
print(f"{t:%H:%M}-{end:%H:%M} {t.isoformat()}")
