#!/usr/bin/python3
"""tests/labgrid/lab.py: a one-module lab on loopback, for tests/labgrid.sh. Starts
`otacheck sim` on a pseudo-terminal (the module), a real ser2net exporting the pty's other
end on a free port (`tcp` accepter for raw, `telnet(rfc2217),tcp` for RFC 2217), writes a
labgrid environment file from examples/labgrid/env.yaml with that port and protocol, runs
Debian's pytest with labgrid's plugin on examples/labgrid/test_otacheck.py, and stops it all.

Usage: lab.py OTACHECK WORKDIR PROTOCOL VENDOR [SIM-FAULT|-] [--dead]
  --dead: the environment names a port nothing listens on.
Exit: pytest's exit status; pytest's output in WORKDIR/pytest.out, its JUnit XML in
WORKDIR/junit.xml, the reports in WORKDIR/report."""
import os
import pty
import socket
import subprocess
import sys
import termios
import time
import tty

import yaml

here = os.path.dirname(os.path.abspath(__file__))
src = os.path.dirname(os.path.dirname(here))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port, deadline):
    while time.monotonic() < deadline:
        with open("/proc/net/tcp") as f:  # not connecting: a connection makes ser2net open the pty
            for line in f.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                if local == "0100007F:%04X" % port and state == "0A":
                    return True
        time.sleep(0.05)
    return False


def main(argv):
    ot, work, protocol, vendor = argv[1:5]
    ot = os.path.abspath(ot)
    fault = argv[5] if len(argv) > 5 and argv[5] != "-" else None
    dead = "--dead" in argv
    os.makedirs(work, exist_ok=True)
    master, slave = pty.openpty()
    tty.setraw(slave)
    attrs = termios.tcgetattr(slave)
    attrs[2] |= termios.CLOCAL | termios.CREAD
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    sim = [ot, "sim", "--vendor", vendor] + (["--fault", fault] if fault else [])
    module = subprocess.Popen(sim, stdin=master, stdout=master, stderr=subprocess.DEVNULL)
    os.close(master)
    port = free_port()
    accepter = "telnet(rfc2217),tcp,127.0.0.1,%d" % port if protocol == "rfc2217" else "tcp,127.0.0.1,%d" % port
    with open(os.path.join(work, "ser2net.yaml"), "w") as f:
        f.write("%%YAML 1.1\n---\nconnection: &module\n    accepter: %s\n"
                "    connector: serialdev,%s,115200n81,local\n    options:\n      kickolduser: true\n"
                % (accepter, os.ttyname(slave)))
    ser2net = None
    if not dead:
        ser2net = subprocess.Popen(["ser2net", "-n", "-d", "-c", os.path.join(work, "ser2net.yaml")],
                                   stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "ser2net.out"), "w"))
        if not listening(port, time.monotonic() + 10):
            print("ser2net did not listen on %d" % port, file=sys.stderr)
            return 99
    with open(os.path.join(src, "examples", "labgrid", "env.yaml")) as f:
        env = yaml.safe_load(f)
    main_target = env["targets"]["main"]
    main_target["resources"]["NetworkSerialPort"].update({"port": port, "protocol": protocol})
    main_target["options"]["otacheck_vendor"] = vendor
    env_path = os.path.join(work, "env.yaml")
    with open(env_path, "w") as f:
        yaml.safe_dump(env, f)
    run_env = dict(os.environ, OTACHECK=ot, OTACHECK_REPORT_DIR=os.path.join(work, "report"))
    with open(os.path.join(work, "pytest.out"), "w") as out:
        rc = subprocess.call(["/usr/bin/python3", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-s",
                              "--lg-env", env_path, "--junitxml", os.path.join(work, "junit.xml"),
                              os.path.join(src, "examples", "labgrid", "test_otacheck.py")],
                             stdout=out, stderr=subprocess.STDOUT, env=run_env, cwd=work)
    for p in (ser2net, module):
        if p:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    os.close(slave)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
