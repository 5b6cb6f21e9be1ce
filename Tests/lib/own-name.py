"""Owns NAME on the session bus named by DBUS_SESSION_BUS_ADDRESS, writes
"owned" to READY once it does, and stays connected for SECONDS (at most
120), so that another client can look for the name
(Tests/Integration/60-jail-state.sh: two launches share the jail's bus;
a name owned outside is not seen inside).

usage: /usr/bin/python3 own-name.py NAME READY SECONDS
"""
import sys
import time

from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


def main():
    name, ready, seconds = sys.argv[1], sys.argv[2], min(float(sys.argv[3]), 120.0)
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(name, 4))  # 4: do not queue
    if reply.body != (1,):
        sys.exit("own-name: could not own " + name)
    with open(ready, "w") as f:
        f.write("owned\n")
    time.sleep(seconds)


main()
