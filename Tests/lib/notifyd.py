"""A stand-in desktop notification server for the tests: owns
org.freedesktop.Notifications on the session bus named by
DBUS_SESSION_BUS_ADDRESS and appends one line per Notify call to LOG:
"notify<TAB>APP<TAB>SUMMARY<TAB>BODY<TAB>urgency=N". Answers the other calls a client
makes (capabilities, server information) as a minimal server would.
Runs until killed, or 60 s at most.

usage: notifyd.py LOG
"""
import sys
import time

from jeepney import MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"


def main():
    log = sys.argv[1]
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(NAME, 4))  # 4: do not queue
    if reply.body != (1,):
        sys.exit("notifyd: could not own " + NAME)
    with open(log, "a") as f:
        f.write("ready\n")
    deadline = time.monotonic() + 60
    next_id = 1
    while time.monotonic() < deadline:
        try:
            msg = conn.receive(timeout=max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            break
        if msg.header.message_type != MessageType.method_call:
            continue
        member = msg.header.fields.get(3)  # HeaderFields.member
        if member == "Notify":
            app, _replaces, _icon, summary, body, _actions, hints = msg.body[:7]
            urgency = hints.get("urgency", ("y", 1))[1]
            with open(log, "a") as f:
                f.write("notify\t%s\t%s\t%s\turgency=%s\n" % (app, summary, body.replace("\n", " "), urgency))
            conn.send(new_method_return(msg, "u", (next_id,)))
            next_id += 1
        elif member == "GetCapabilities":
            conn.send(new_method_return(msg, "as", (["body"],)))
        elif member == "GetServerInformation":
            conn.send(new_method_return(msg, "ssss", ("nxtest", "netns-exec tests", "1", "1.2")))
        else:
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


main()
