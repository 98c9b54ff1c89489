"""Running the kiosk all day: log files, the crash supervisor, start on boot, health facts.

Nothing here imports Qt: the supervisor is a small parent process that must stay up when the
UI child crashes, the autostart writer and the health collector are used by the command line
and by the technician screen alike.
"""
