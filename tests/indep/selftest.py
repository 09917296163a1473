#!/usr/bin/env python3
# tests/indep/selftest.py -- a quick self-check of tests/indep/module.py: starts the module
# on a pseudo-terminal in raw mode (as a host does), sends commands of each vendor and
# asserts the bytes that come back: echo, OK/ERROR, one OTA flow end to end per vendor
# (the Quectel image checked against its announced MD5/CRC-32/SHA-256), the standard URCs
# (only between answers, the same for the same seed) and every planted defect. It judges
# by its own small expectations, not with otacheck. Runs in a few seconds:
#
#   python3 tests/indep/selftest.py            (exit 0: all passed)

import hashlib
import os
import re
import select
import subprocess
import sys
import time
import tty
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.join(HERE, 'module.py')
FINAL = re.compile(rb'\r\n(OK|ERROR|\+CME ERROR: [^\r\n]*)\r\n')
SCALE = '0.5'


class Failed(Exception):
    pass


def check(cond, what, data=b''):
    if not cond:
        raise Failed('%s\n    got: %r' % (what, bytes(data)[-600:]))


class Conn:
    """The module on a pty. self.log holds everything it wrote; self.pos is how far the
    checks have read."""

    def __init__(self, vendor, *extra, urcs=False):
        master, slave = os.openpty()
        tty.setraw(slave)
        argv = [sys.executable, MODULE, '--vendor', vendor, '--time-scale', SCALE]
        if not urcs:
            argv.append('--no-urcs')
        self.p = subprocess.Popen(argv + list(extra), stdin=slave, stdout=slave,
                                  stderr=subprocess.PIPE, close_fds=True)
        os.close(slave)
        self.fd = master
        self.log = bytearray()
        self.pos = 0

    def _fill(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not r:
            return False
        try:
            d = os.read(self.fd, 65536)
        except OSError:
            return False
        self.log += d
        return bool(d)

    def quiet(self, seconds):
        """Everything that comes in the next `seconds` (not consumed)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self._fill(end - time.monotonic())
        return bytes(self.log[self.pos:])

    def expect(self, pattern, timeout=2.0):
        """Wait for a regex after pos; consume up to its end."""
        rx = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.log, self.pos)
            if m:
                self.pos = m.end()
                return m
            if time.monotonic() >= end:
                raise Failed('no %r within %.1f s\n    got: %r'
                             % (rx.pattern, timeout, bytes(self.log[self.pos:])[-600:]))
            self._fill(end - time.monotonic())

    def send(self, data):
        os.write(self.fd, data)

    def cmd(self, line, timeout=2.0):
        """Send a line; return (everything up to the final, the final's text)."""
        start = self.pos
        self.send(line.encode('latin-1') + b'\r')
        m = self.expect(FINAL, timeout)
        return bytes(self.log[start:m.end()]), m.group(1).decode('latin-1')

    def ok(self, line, **kw):
        out, final = self.cmd(line, **kw)
        check(final == 'OK', '%s: OK expected' % line, out)
        return out

    def err(self, line, final='ERROR'):
        out, got = self.cmd(line)
        check(got == final, '%s: %s expected' % (line, final), out)
        return out

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass
        try:
            self.p.wait(3)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise Failed('the module did not end when its pty closed')
        errs = self.p.stderr.read()
        check(not errs, 'the module wrote on stderr', errs)


# ---------------------------------------------------------------------------------------

def t_basics(vendor):
    c = Conn(vendor)
    try:
        check(c.quiet(0.15) == b'', 'nothing before the first command', c.log)
        out, f = c.cmd('AT')
        check(out == b'AT\r\r\nOK\r\n', 'AT: echo then OK', out)
        out = c.ok('ATI')
        check(out.startswith(b'ATI\r\r\n') and out.count(b'\r\n') >= 4, 'ATI lines', out)
        c.ok('at')
        out = c.ok('ATQ\x08\x08T')                # backspaces edit the line: "AT"
        c.err('AT+NOSUCHCMD')
        c.err('hello')
        out = c.ok('ATE0')
        check(out == b'ATE0\r\r\nOK\r\n', 'ATE0 itself is echoed', out)
        out, _ = c.cmd('AT')
        check(out == b'\r\nOK\r\n', 'no echo after ATE0', out)
        c.ok('ATE1')
        out = c.ok('AT')
        check(out.startswith(b'AT\r'), 'echo again after ATE1', out)
        start = c.pos
        c.send(b'AT\r\nAT\r')                    # LF ignored, not echoed
        c.expect(FINAL)
        c.expect(FINAL)
        out = bytes(c.log[start:c.pos])
        check(out == b'AT\r\r\nOK\r\nAT\r\r\nOK\r\n', 'LF ignored, not echoed', out)
        if vendor != 'qualcomm':
            c.ok('AT+CGMR')
        if vendor in ('simcom', 'fibocom'):
            c.ok('AT+CMEE=1')
            c.ok('AT+CMEE?')
            out, f = c.cmd('AT+CMEE=3')
            check(f == '+CME ERROR: 50', 'CMEE=3 refused as +CME 50', out)
            c.ok('AT+CMEE=0')
        else:
            c.err('AT+CMEE=1')
    finally:
        c.close()


def read_block(c, start, length):
    t0 = c.pos
    c.send(b'AT+QIOTOTARD=%d,%d\r' % (start, length))
    m = c.expect(rb'\r\n\+QIOTOTARD: (\d+),(\d+)\r\n')
    check(int(m.group(1)) == start, 'QIOTOTARD start', c.log[t0:])
    n = int(m.group(2))
    while len(c.log) < c.pos + n + 6:
        if not c._fill(2.0):
            raise Failed('payload cut short')
    data = bytes(c.log[c.pos:c.pos + n])
    check(c.log[c.pos + n:c.pos + n + 6] == b'\r\nOK\r\n', 'OK right after the payload',
          c.log[c.pos:])
    c.pos += n + 6
    return data


def quectel_flow(c, target='1.1.0', info=1):
    c.ok('AT+QIOTMCUVER="INDEPMCU","1.0.0"')
    c.ok('AT+QIOTOTAREQ=%d' % info)
    m = c.expect(rb'\+QIOTEVT: 7,10700,"INDEPMCU","1\.0\.0","1\.1\.0",(\d+),(-?\d+),(\d+)\r\n')
    size = int(m.group(3))
    c.ok('AT+QIOTUPDATE=1')
    m = c.expect(rb'\+QIOTEVT: 7,10701,"INDEPMCU",(\d+),"([0-9a-f]{32})",(\d+)(?:,"([0-9a-f]{64})")?\r\n')
    check(int(m.group(1)) == size, '10701 length = 10700 size')
    check((m.group(4) is not None) == (info == 1), 'SHA-256 only with info=1')
    md5, crc, sha = m.group(2).decode(), int(m.group(3)), m.group(4)
    c.expect(rb'\+QIOTEVT: 7,10702\r\n')
    m = c.expect(rb'\+QIOTEVT: 7,10703,"INDEPMCU",(\d+),(\d+),(\d+)\r\n')
    check(int(m.group(2)) == 0 and int(m.group(3)) == size, 'one piece from 0')
    img = b''
    while len(img) < size:
        img += read_block(c, len(img), 1024)
    check(len(img) == size, 'image size')
    check(hashlib.md5(img).hexdigest() == md5, 'MD5 of the bytes read')
    check(zlib.crc32(img) == crc, 'CRC-32 of the bytes read')
    if sha:
        check(hashlib.sha256(img).hexdigest() == sha.decode(), 'SHA-256 of the bytes read')
    c.err('AT+QIOTOTARD=%d,16' % size)            # past the end
    c.ok('AT+QIOTUPDATE=3')
    c.expect(rb'\+QIOTEVT: 7,10704\r\n')
    c.ok('AT+QIOTMCUVER="INDEPMCU","%s"' % target)
    c.expect(rb'\+QIOTEVT: 7,%s\r\n' % (b'10705' if target == '1.1.0' else b'10706'))
    return img


def t_quectel():
    c = Conn('quectel')
    try:
        for line, want in (('AT+QIOTOTAREQ=?', b'+QIOTOTAREQ: (0,1)'),
                           ('AT+QIOTUPDATE=?', b'+QIOTUPDATE: (0-3)'),
                           ('AT+QIOTOTARD=?', b'+QIOTOTARD: 0,(1-1024)')):
            check(want in c.ok(line), line + ' test form', c.log)
        c.err('AT+QIOTOTAREQ=2')
        c.err('AT+QIOTUPDATE=4')
        c.err('AT+QIOTUPDATE=7')
        c.err('AT+QIOTUPDATE=1')                   # no plan
        c.err('AT+QIOTOTARD=0,1024')               # nothing downloaded
        c.err('AT+QIOTOTARD=0,1025')
        c.err('AT+QIOTCFG="productinfo","a","b"')
        c.err('AT+QIOTREG=1')
        c.ok('AT+QIOTMCUVER="INDEPMCU","0.9.0"')
        c.ok('AT+QIOTOTAREQ')
        check(b'10700' not in c.quiet(0.15), 'no plan for another MCU version', c.log)
        quectel_flow(c)
        check(b'"INDEPMCU","1.1.0"' in c.ok('AT+QIOTMCUVER?'), 'MCU version read back')
        quectel_flow(c, target='9.9.9', info=0)   # a wrong version reported: 10706
        c.ok('AT+QIOTMCUVER="INDEPMCU","1.0.0"')
        c.ok('AT+QIOTOTAREQ=0')
        c.expect(rb'10700')
        c.ok('AT+QIOTUPDATE=0')                    # refused: back to no plan
        c.err('AT+QIOTUPDATE=1')
    finally:
        c.close()


SIMCOM_GOOD = ('AT+CSCFOTA="INDEPOEM","IX7600M21","3141592653",'
               '"9c2e5d07b1a84f6e8d3c0a1b2f4e6d88","IX7600M21_LE11_240601_V2.01"')


def t_simcom():
    c = Conn('simcom')
    try:
        check(b'+CAPFOTA: (0-1)' in c.ok('AT+CAPFOTA=?'), 'CAPFOTA test')
        check(b'+CAPFOTA: 0' in c.ok('AT+CAPFOTA?'), 'CAPFOTA default 0')
        c.err(SIMCOM_GOOD)                         # CAPFOTA is 0
        c.err('AT+CAPFOTA=2')
        c.ok('AT+CAPFOTA=1')
        check(b'+CAPFOTA: 1' in c.ok('AT+CAPFOTA?'), 'CAPFOTA read back')
        out = c.ok(SIMCOM_GOOD)
        check(out.startswith(SIMCOM_GOOD.encode() + b'\r'), 'long line echoed whole', out)
        c.expect(rb'\r\n\+CSCFOTA: 2\r\n')
        c.expect(rb'\r\n\+CSCFOTA: 3\r\n')
        c.expect(rb'\r\n\+CSCFOTA: 0\r\n')
        c.ok(SIMCOM_GOOD.replace('9c2e', '0000'))
        c.expect(rb'\r\n\+CSCFOTA: 401\r\n')
        c.ok(SIMCOM_GOOD.replace('V2.01', 'V9.99'))
        c.expect(rb'\r\n\+CSCFOTA: 5\r\n')
        c.err(SIMCOM_GOOD.rsplit(',', 1)[0])       # four strings
        c.ok('AT+CMEE=2')
        c.err('AT+CAPFOTA=2', '+CME ERROR: Incorrect parameters')
    finally:
        c.close()


AIR_URL = 'http://fota.indep.test/air780e/AirM2M_780E_V2002_LTE_AT.bin'


def t_airm2m():
    c = Conn('airm2m')
    try:
        check(b'+UPGRADE: 0\r\n' in c.ok('AT+UPGRADE?'), 'state 0')
        c.err('AT+UPGRADE="PERIOD",59')
        c.ok('AT+UPGRADE="PERIOD",60')
        c.ok('AT+UPGRADE="PERIOD",4294967296')
        c.err('AT+UPGRADE="PERIOD",4294967297')
        c.err('AT+UPGRADE="AUTO",2')
        c.err('AT+UPGRADE="AUTO",1,2')
        c.err('AT+UPGRADE="NOPE",1')
        c.ok('AT+UPGRADE="KEY","wrong-key"')
        c.ok('AT+UPGRADE')
        c.expect(rb'\r\n\+UPGRADEIND: -1004\r\n')
        check(b'+UPGRADE: 2,-1004,200,25' in c.ok('AT+UPGRADE?'), 'state 2 with errors')
        c.ok('AT+UPGRADE="URL","%s"' % AIR_URL)
        check(('+UPGRADE:"URL","%s"' % AIR_URL).encode() in c.ok('AT+UPGRADE="URL"'), 'URL')
        c.ok('AT+UPGRADE="AUTO",0,1')              # not saved: back to 1 after a restart
        c.ok('AT+UPGRADE')
        c.expect(rb'\+UPGRADEIND: 30\r\n')
        check(re.search(rb'\+UPGRADE: 1,(\d+)', c.ok('AT+UPGRADE?')), 'state 1,<percent>')
        c.expect(rb'\+UPGRADEIND: 100\r\n')
        c.expect(rb'\+UPGRADEDL: 0\r\n')
        c.send(b'AT\r')                            # the updater: dropped
        c.expect(rb'\+UPGRADEDL: 100\r\n')
        c.expect(rb'\r\nRDY\r\n')
        m = c.expect(rb'\+UPGRADEVER: "([^"]+)"\r\n')
        check(m.group(1) == b'AirM2M_780E_V2002_LTE_AT', 'new version')
        c.expect(rb'\+UPGRADEVER: 1\r\n')
        check(b'AT\r' not in c.log[:c.pos], 'input dropped during the restarts', c.log)
        check(b'+UPGRADE:"AUTO",1' in c.ok('AT+UPGRADE="AUTO"'), 'unsaved value reset')
        check(b'V2002' in c.ok('ATI'), 'ATI shows the new revision')
    finally:
        c.close()


QC_URL, QC_FILE = 'http://ota.indep.test:8080/qcc730', 'ixq730_v101.bin'


def t_qualcomm():
    c = Conn('qualcomm')
    try:
        c.err('AT+OTAFWUP=?')
        c.ok('AT+OTAFWUP')                         # usage
        c.err('AT+OTAFWUP=http,"%s"' % QC_URL)
        c.err('AT+OTAFWUP=http,"%s","%s",8' % (QC_URL, QC_FILE))
        c.err('AT+OTAFWUP=http,"%s","%s",5,20000' % (QC_URL, QC_FILE))
        c.err('AT+OTATRIAL=2,0')
        out = c.err('AT+OTATRIAL=1,0')
        check(b'AT+OTATRIAL:Fail to Accept Trial FWD' in out, 'fail text without trial', out)
        c.err('AT+HTTPGETSIZE="%s/%s"' % (QC_URL, QC_FILE))
        c.ok('AT+OTAFWUP=http,"%s","nothere.bin"' % QC_URL)
        c.expect(rb'\+EVT:OTAFWUP_START')
        c.expect(rb'\+EVT:OTAFWUP_ERROR: [^\r]*ERR:-110027\r\n')
        c.ok('AT+OTAFWUP=http,"%s","%s",1' % (QC_URL, QC_FILE))
        c.expect(rb'\r\n\+EVT:OTAFWUP_START[^\r]*\r\n')
        c.expect(rb'\r\n\+EVT:OTAFWUP_FIN[^\r]*\r\n')
        check(c.quiet(0.3) == b'', 'the QCC730 restarts silently', c.log[c.pos:])
        out = c.ok('AT+OTATRIAL=1,0')
        check(b'AT+OTATRIAL:Success to Accept Trial FWD' in out, 'trial accepted', out)
        check(b'1.0.1-00051' in c.ok('ATI'), 'new image runs')
        c.err('AT+OTATRIAL=1,0')
        c.quiet(0.1)
        check(not re.search(rb'\+C|SMS|PB DONE|RDY', c.log), 'no cellular lines', c.log)
    finally:
        c.close()


FIB_FTP = 'AT+GTOTA=1,"ftp.indep.test","l610/IX610_V2_delta.pack","ixfota","Ix-Ftp-2718"'


def t_fibocom():
    c = Conn('fibocom')
    try:
        check(b'+GTOTA: (0-1)' in c.ok('AT+GTOTA=?'), 'GTOTA test')
        c.err('AT+GTOTA=0,"http://x/f.pack","f","u","p"', '+CME ERROR: 50')
        c.err('AT+GTOTA=1,"ftp.indep.test"', '+CME ERROR: 50')
        c.err('AT+GTOTA=2,"http://x/f.pack"', '+CME ERROR: 50')
        c.err('AT+GTOTA=0,"%s"' % ('h' * 256), '+CME ERROR: 50')
        c.err('AT+GTSET="CALLBREAK",1')
        c.err('AT+MIPCALL=1,"apn"')
        c.ok(FIB_FTP)
        c.expect(rb'\r\nGTOTA DOWNLOAD START\r\n')
        last = -1
        while True:
            m = c.expect(rb'\r\nGTOTA (DOWNLOADING: (\d+)%|DOWNLOAD COMPLETE|DOWNLOAD FAILED)\r\n')
            if m.group(2) is None:
                check(m.group(1) == b'DOWNLOAD COMPLETE', 'FTP download completes')
                break
            check(int(m.group(2)) > last, 'progress rises')
            last = int(m.group(2))
        check(last == 100, 'progress reaches 100%')
        c.ok('AT+GTOTA=0,"http://fota.indep.test/l610/other.pack"')
        c.expect(rb'GTOTA DOWNLOAD START\r\n')
        c.expect(rb'GTOTA DOWNLOAD FAILED\r\n')
        c.ok('AT+GTOTA=0,"http://fota.indep.test/l610/IX610_V2_delta.pack"')
        c.expect(rb'GTOTA DOWNLOAD COMPLETE\r\n')
        c.ok('AT+CMEE=0')
        c.err('AT+GTOTA=2,"x"')
    finally:
        c.close()


def t_urcs():
    seqs = []
    for _ in range(2):
        c = Conn('simcom', '--seed', '5', urcs=True)
        try:
            urcs = []
            for i in range(15):
                out, _ = c.cmd('AT')
                # the answer itself is exactly echo + OK: a URC never lands inside it
                check(out.endswith(b'AT\r\r\nOK\r\n'), 'URC inside an answer', out)
                rest = c.quiet(0.03)                # a host's pause between commands
                c.pos = len(c.log)
                urcs += [(i, u) for u in re.findall(rb'\r\n([^\r\n]+)\r\n', rest)]
            seqs.append(urcs)
        finally:
            c.close()
    check(len(seqs[0]) >= 3, 'standard URCs between answers: %r' % seqs[0])
    gaps = [b[0] - a[0] for a, b in zip(seqs[0], seqs[0][1:])]
    check(all(3 <= g <= 5 for g in gaps), 'one URC after every 3rd to 5th final: %r' % seqs[0])
    check(seqs[0] == seqs[1], 'the same seed gives the same URCs: %r / %r' % tuple(seqs))
    c = Conn('qualcomm', urcs=True)
    try:
        for _ in range(12):
            out, _ = c.cmd('AT')
        c.quiet(0.05)
        check(bytes(c.log) == b'AT\r\r\nOK\r\n' * 12, 'qualcomm sends no URCs', c.log)
    finally:
        c.close()


def timed(c, line):
    t0 = time.monotonic()
    out, f = c.cmd(line, timeout=3)
    return out, f, time.monotonic() - t0


def t_defects():
    # the list
    out = subprocess.run([sys.executable, MODULE, '--list-defects'], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    rows = [l.split('\t') for l in out]
    check(all(len(r) == 4 for r in rows), 'list-defects: four tab-separated fields')
    for v in ('quectel', 'simcom', 'airm2m', 'qualcomm', 'fibocom'):
        check(sum(r[0] == v for r in rows) >= 2, 'two defects or more for ' + v)
    bad = subprocess.run([sys.executable, MODULE, '--vendor', 'simcom', '--defect', 'nope'],
                         capture_output=True, stdin=subprocess.DEVNULL)
    check(bad.returncode == 2 and not bad.stdout, 'an unknown defect is a usage error')

    c = Conn('quectel', '--defect', 'update-action-7')
    try:
        c.ok('AT+QIOTUPDATE=7')
        c.ok('AT+QIOTUPDATE=4')
        c.err('AT+QIOTUPDATE=10')
    finally:
        c.close()
    c = Conn('quectel', '--defect', 'slow-otareq-test')
    try:
        out, f, dt = timed(c, 'AT+QIOTOTAREQ=?')
        check(f == 'OK' and dt >= 0.4, 'QIOTOTAREQ=? slow (%.3f s)' % dt, out)
        out, f, dt = timed(c, 'AT+QIOTUPDATE=?')
        check(dt < 0.1, 'other commands fast (%.3f s)' % dt, out)
    finally:
        c.close()
    c = Conn('quectel', '--defect', 'mcuver-read-comma')
    try:
        c.ok('AT+QIOTMCUVER="INDEPMCU","1.0.0"')
        out = c.ok('AT+QIOTMCUVER?')
        check(b'"1.0.0",\r\n' in out, 'MCU version lines end with a comma', out)
    finally:
        c.close()

    c = Conn('simcom', '--defect', 'capfota-2')
    try:
        c.ok('AT+CAPFOTA=2')
        check(b'+CAPFOTA: 0' in c.ok('AT+CAPFOTA?'), 'value unchanged')
    finally:
        c.close()
    c = Conn('simcom', '--defect', 'echo-truncated')
    try:
        c.ok('AT+CAPFOTA=1')
        out = c.ok(SIMCOM_GOOD)
        check(out.startswith(SIMCOM_GOOD[:100].encode() + b'\r\r\nOK\r\n'), 'echo cut at 100', out)
        c.expect(rb'\+CSCFOTA: 0\r\n')
        out = c.ok('AT+CAPFOTA?')
        check(out.startswith(b'AT+CAPFOTA?\r'), 'short lines echoed whole', out)
    finally:
        c.close()
    c = Conn('simcom', '--defect', 'cscfota-4-params')
    try:
        c.ok('AT+CAPFOTA=1')
        c.ok(SIMCOM_GOOD.rsplit(',', 1)[0])
        c.expect(rb'\+CSCFOTA: 404\r\n')
    finally:
        c.close()

    c = Conn('airm2m', '--defect', 'period-59')
    try:
        c.ok('AT+UPGRADE="PERIOD",59')
        c.err('AT+UPGRADE="PERIOD",58')
    finally:
        c.close()
    c = Conn('airm2m', '--defect', 'ind-over-100')
    try:
        c.ok('AT+UPGRADE="URL","%s"' % AIR_URL)
        c.ok('AT+UPGRADE')
        c.expect(rb'\+UPGRADEIND: 50\r\n\r\n\+UPGRADEIND: 110\r\n')
        c.expect(rb'\+UPGRADEVER: 1\r\n')
    finally:
        c.close()
    c = Conn('airm2m', '--defect', 'savenv-2')
    try:
        c.ok('AT+UPGRADE="AUTO",0,2')
        c.err('AT+UPGRADE="AUTO",0,3')
    finally:
        c.close()

    c = Conn('qualcomm', '--defect', 'trial-2')
    try:
        c.ok('AT+OTATRIAL=2,0')
        c.err('AT+OTATRIAL=3,0')
    finally:
        c.close()
    c = Conn('qualcomm', '--defect', 'unknown-ok')
    try:
        c.ok('AT+NOSUCHCMD')
        c.ok('AT+CGMR')
    finally:
        c.close()
    c = Conn('qualcomm', '--defect', 'flag-8')
    try:
        c.ok('AT+OTAFWUP=http,"%s","%s",8' % (QC_URL, QC_FILE))
        c.expect(rb'\+EVT:OTAFWUP_FIN')
    finally:
        c.close()

    c = Conn('fibocom', '--defect', 'type0-ftp-fields')
    try:
        c.ok('AT+GTOTA=0,"http://fota.indep.test/l610/IX610_V2_delta.pack","f","u","p"')
        c.expect(rb'GTOTA DOWNLOAD COMPLETE')
    finally:
        c.close()
    c = Conn('fibocom', '--defect', 'slow-gtota-test')
    try:
        out, f, dt = timed(c, 'AT+GTOTA=?')
        check(f == 'OK' and dt >= 1.2, 'GTOTA=? slow (%.3f s)' % dt, out)
    finally:
        c.close()
    c = Conn('fibocom', '--defect', 'url-256')
    try:
        c.ok('AT+GTOTA=0,"%s"' % ('h' * 256))
        c.expect(rb'GTOTA DOWNLOAD FAILED')
        c.err('AT+GTOTA=0,"%s"' % ('h' * 257), '+CME ERROR: 50')
    finally:
        c.close()


TESTS = [('basics ' + v, (lambda v=v: t_basics(v)))
         for v in ('quectel', 'simcom', 'airm2m', 'qualcomm', 'fibocom')]
TESTS += [('quectel sota flow', t_quectel), ('simcom cscfota flow', t_simcom),
          ('airm2m upgrade flow', t_airm2m), ('qualcomm otafwup flow', t_qualcomm),
          ('fibocom gtota flow', t_fibocom), ('standard URCs', t_urcs),
          ('defects', t_defects)]


def main():
    t0 = time.monotonic()
    failed = 0
    for name, fn in TESTS:
        t = time.monotonic()
        try:
            fn()
            print('ok    %-24s %.2f s' % (name, time.monotonic() - t))
        except Failed as e:
            failed += 1
            print('FAIL  %-24s %s' % (name, e))
    print('%d of %d failed, %.1f s' % (failed, len(TESTS), time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
