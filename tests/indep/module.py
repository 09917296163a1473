#!/usr/bin/env python3
# tests/indep/module.py -- an independent emulated OTA module for five vendors (Quectel
# QuecThing, SIMCom CAPFOTA/CSCFOTA, AirM2M AT+UPGRADE, Qualcomm QCC730, Fibocom L610
# GTOTA), written from the vendor documents alone (tests/indep/README.md says which
# documents and what was chosen where they are silent). It is a second witness for
# otacheck: it shares no code and no reading with otacheck's grammar or reference module.
#
# It reads AT command lines on stdin and answers on stdout, unbuffered, like a module on a
# serial line; planted defects (--defect NAME, --list-defects) each break one documented
# requirement. Standard library only.
#
#   python3 tests/indep/module.py --vendor quectel|simcom|airm2m|qualcomm|fibocom
#           [--defect NAME]... [--no-urcs] [--seed N] [--time-scale F]
#   python3 tests/indep/module.py --list-defects [--vendor V]
#
# Layout: line parsing (parse_args, split_commands), the Reply being built, the Module
# core (input, echo, V.250 basics, the event loop, flows, restarts, URCs), one class per
# vendor (its commands, its cloud, its flows), the table of defects, main().

import argparse
import hashlib
import heapq
import os
import random
import re
import select
import sys
import time
import zlib

CR, LF, BS = 0x0D, 0x0A, 0x08
MAX_LINE = 2048           # bytes of a command line kept; a longer line answers ERROR
RESTART_S = 0.08          # input is dropped for this long at a restart (a flow delay)
PARTIAL_HOLD_S = 0.3      # unsolicited output waits while a command line is being typed
DEFER_S = 0.005           # how long a held unsolicited line waits before trying again
DIGITS = frozenset('0123456789')
NAME_RE = re.compile(r'\+[A-Za-z][A-Za-z0-9!%\-./:_]*')

# 3GPP TS 27.007 result codes used under AT+CMEE=1 (number) and =2 (text)
CME_TEXT = {3: 'operation not allowed', 4: 'operation not supported',
            50: 'Incorrect parameters'}
E_NOT_ALLOWED, E_NOT_SUPPORTED, E_PARAM = 3, 4, 50


# ----------------------------------------------------------------------------------------
# Command line parsing
# ----------------------------------------------------------------------------------------

class CmdError(Exception):
    """A known command refuses: code is a +CME number; lines are printed before the error."""
    def __init__(self, code=E_PARAM, lines=()):
        super().__init__(code)
        self.code = code
        self.lines = list(lines)


class Unknown(Exception):
    """The module does not know the command."""


class Arg:
    """One parameter: kind 'omit' (nothing between the commas), 'str' (a quoted string,
    quotes removed, content taken literally: no escapes), 'tok' (anything unquoted)."""
    __slots__ = ('kind', 'text')

    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def is_int(self):
        return self.kind == 'tok' and self.text != '' and set(self.text) <= DIGITS


def parse_args(s):
    """Split the text after '=' into Args. Broken quoting raises CmdError."""
    args, i, n = [], 0, len(s)
    while True:
        if i < n and s[i] == '"':
            j = s.find('"', i + 1)
            if j < 0:
                raise CmdError(E_PARAM)            # unterminated string
            args.append(Arg('str', s[i + 1:j]))
            i = j + 1
            if i < n and s[i] != ',':
                raise CmdError(E_PARAM)            # text after the closing quote
        else:
            j = s.find(',', i)
            if j < 0:
                j = n
            tok = s[i:j]
            if '"' in tok:
                raise CmdError(E_PARAM)            # a quote inside a bare value
            args.append(Arg('omit' if tok == '' else 'tok', tok))
            i = j
        if i >= n:
            return args
        i += 1                                     # the comma
        if i == n:
            args.append(Arg('omit', ''))
            return args


def get_int(a, lo, hi, default=None):
    if a.kind == 'omit' and default is not None:
        return default
    if not a.is_int():
        raise CmdError(E_PARAM)
    v = int(a.text)
    if not lo <= v <= hi:
        raise CmdError(E_PARAM)
    return v


def get_str(a, maxlen, minlen=0, bare_ok=False):
    if a.kind == 'str' or (bare_ok and a.kind == 'tok'):
        if minlen <= len(a.text) <= maxlen:
            return a.text
    raise CmdError(E_PARAM)


def split_commands(body):
    """Drop spaces outside strings and split at ';' outside strings (V.250 5.2.1, 5.5)."""
    pieces, cur, inq = [], [], False
    for ch in body:
        if ch == '"':
            inq = not inq
            cur.append(ch)
        elif inq:
            cur.append(ch)
        elif ch == ' ':
            continue
        elif ch == ';':
            pieces.append(''.join(cur))
            cur = []
        else:
            cur.append(ch)
    pieces.append(''.join(cur))
    if len(pieces) > 1 and pieces[-1] == '':
        pieces.pop()                               # a trailing ';' is allowed
    return pieces


class Reply:
    """The information text of one command line, built up as it runs."""
    def __init__(self):
        self.buf = bytearray()
        self.in_block = False
        self.delay = 0.0

    def line(self, text):
        b = text.encode('latin-1')
        if self.in_block:
            self.buf += b + b'\r\n'
        else:
            self.buf += b'\r\n' + b + b'\r\n'
            self.in_block = True

    def raw(self, data):
        self.buf += data
        self.in_block = False


# ----------------------------------------------------------------------------------------
# The module: input, echo, V.250 basics, event loop, flows, restarts, URCs
# ----------------------------------------------------------------------------------------

class Module:
    def __init__(self, vendor_cls, defects, urcs, seed, scale):
        self.scale = scale
        self.rng = random.Random('%s:%d:urc' % (vendor_cls.NAME, seed))
        self.heap, self.seq = [], 0
        self.echo = True
        self.linebuf = bytearray()
        self.line_rx = 0                 # bytes received in the current line (echo limit)
        self.overflow = False
        self.echobuf = bytearray()
        self.inq = bytearray()           # input held while a slow answer is pending
        self.busy = False
        self.deaf = False                # restarting: input is dropped
        self.last_rx = 0.0
        self.v = vendor_cls(self, set(defects), seed)
        self.cmee = self.v.CMEE_DEFAULT
        self.urcs_on = urcs and bool(self.v.URCS)
        self.finals = 0
        self.next_urc_after = self.rng.randint(3, 5)
        self.urc_gen = 0

    # -- output --
    def write(self, data):
        view = memoryview(bytes(data))
        while view:
            try:
                n = os.write(1, view)
            except (InterruptedError, BlockingIOError):
                select.select([], [1], [], 0.05)
                continue
            except OSError:
                raise SystemExit(0)                # no reader any more
            view = view[n:]

    def urc(self, *lines):
        self.write(b''.join(b'\r\n' + l.encode('latin-1') + b'\r\n' for l in lines))

    def flush_echo(self):
        if self.echobuf:
            self.write(self.echobuf)
            self.echobuf.clear()

    # -- timers --
    def at(self, when, fn, deferrable):
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, fn, deferrable))

    def blocked(self):
        """Unsolicited output waits while an answer is pending or a line is being typed."""
        return self.busy or (bool(self.linebuf) and
                             time.monotonic() - self.last_rx < PARTIAL_HOLD_S)

    def run_due(self):
        while self.heap and self.heap[0][0] <= time.monotonic():
            _, _, fn, deferrable = heapq.heappop(self.heap)
            if deferrable and self.blocked():
                self.at(time.monotonic() + DEFER_S, fn, True)
                continue
            fn()

    def flow(self, gen):
        """Run a flow: a generator that yields delays (seconds, scaled by --time-scale)
        and writes its events between them. Steps run one after the other, so a step held
        back (blocked) holds back the rest of its flow and the order is kept."""
        self.at(time.monotonic(), lambda: self._step(gen), True)

    def _step(self, gen):
        try:
            d = next(gen)
        except StopIteration:
            return
        self.at(time.monotonic() + d * self.scale, lambda: self._step(gen), True)

    # -- restarts --
    def begin_restart(self):
        """The module goes down: input is dropped, unsaved settings go back to defaults."""
        self.deaf = True
        self.linebuf.clear()
        self.line_rx = 0
        self.overflow = False
        self.inq.clear()
        self.echobuf.clear()
        self.echo = True
        self.cmee = self.v.CMEE_DEFAULT
        self.urc_gen += 1                          # pending standard URCs are lost
        self.v.reset_unsaved()

    def end_restart(self, boot_lines):
        self.deaf = False
        if boot_lines:
            self.urc(*boot_lines)

    def restart(self, boot_lines):
        """A whole restart, for use in a flow: yield from m.restart(lines)."""
        self.begin_restart()
        yield RESTART_S
        self.end_restart(boot_lines)

    # -- standard URCs --
    def after_final(self):
        if not self.urcs_on:
            return
        self.finals += 1
        if self.finals < self.next_urc_after:
            return
        self.finals = 0
        self.next_urc_after = self.rng.randint(3, 5)
        text = self.rng.choice(self.v.URCS)
        delay = self.rng.uniform(0.003, 0.008)
        gen = self.urc_gen

        def send():
            if gen == self.urc_gen and not self.deaf:
                self.urc(text)
        self.at(time.monotonic() + delay, send, True)

    # -- input --
    def feed(self, data):
        self.last_rx = time.monotonic()
        if self.deaf:
            return
        if self.busy:
            self.inq += data
            return
        for i, b in enumerate(data):
            if self.busy:
                self.inq += data[i:]
                break
            if self.deaf:
                break
            self.take(b)
        self.flush_echo()

    def take(self, b):
        if b == LF:
            return                                 # ignored, and not echoed
        if self.echo and (b == CR or self.v.echo_limit is None
                          or self.line_rx < self.v.echo_limit):
            self.echobuf.append(b)
        if b == CR:
            line, over = bytes(self.linebuf), self.overflow
            self.linebuf.clear()
            self.line_rx = 0
            self.overflow = False
            self.flush_echo()
            self.process(line, over)
            return
        self.line_rx += 1
        if b == BS:
            if self.linebuf:
                self.linebuf.pop()
            return
        if b < 0x20 or b == 0x7F:
            return                                 # other control characters: ignored
        if len(self.linebuf) >= MAX_LINE:
            self.overflow = True
            return
        self.linebuf.append(b)

    def process(self, line, over):
        s = line.decode('latin-1').strip(' ')
        if not s:
            return                                 # an empty line: no answer
        r = Reply()
        if over or s[:2].upper() != 'AT':
            final = 'ERROR'
        else:
            final = self.execute(s[2:], r)
        out = bytes(r.buf) + b'\r\n' + final.encode('latin-1') + b'\r\n'
        if r.delay > 0:
            self.busy = True
            self.at(time.monotonic() + r.delay, lambda: self.finish_delayed(out), False)
        else:
            self.write(out)
            self.after_final()

    def finish_delayed(self, out):
        self.write(out)
        self.busy = False
        self.after_final()
        held = bytes(self.inq)
        self.inq.clear()
        if held:
            self.feed(held)

    # -- execution --
    def error_final(self, code):
        if not self.v.HAS_CMEE or self.cmee == 0:
            return 'ERROR'
        if self.cmee == 1:
            return '+CME ERROR: %d' % code
        return '+CME ERROR: %s' % CME_TEXT.get(code, 'unknown')

    def execute(self, body, r):
        pieces = split_commands(body)
        for piece in pieces:
            if piece == '' and len(pieces) > 1:
                return 'ERROR'                     # an empty command between two ';'
            r.in_block = False                     # each command's text is its own block
            try:
                self.run_piece(piece, r)
            except Unknown:
                if self.v.unknown_ok:
                    continue
                return 'ERROR'
            except CmdError as e:
                for l in e.lines:
                    r.line(l)
                return self.error_final(e.code)
        return 'OK'

    def run_piece(self, p, r):
        i, n = 0, len(p)
        while i < n and p[i] != '+':               # basic commands (E, I, Z), then one +X
            c = p[i].upper()
            i += 1
            if c == '&' and i < n:
                c += p[i].upper()
                i += 1
            j = i
            while j < n and p[j] in DIGITS:
                j += 1
            self.basic(c, p[i:j], r)
            i = j
        if i >= n:
            return
        m = NAME_RE.match(p, i)
        if not m:
            raise Unknown()
        name = m.group(0).upper()
        handler = self.v.commands.get(name)
        if handler is None:
            raise Unknown()
        tail = p[m.end():]
        if tail == '':
            handler('exec', None, r)
        elif tail == '?':
            handler('read', None, r)
        elif tail == '=?':
            handler('test', None, r)
        elif tail.startswith('='):
            handler('write', parse_args(tail[1:]), r)
        else:
            raise CmdError(E_PARAM)

    def basic(self, c, num, r):
        if c == 'E':
            if num not in ('', '0', '1'):
                raise CmdError(E_PARAM)
            self.echo = (num == '1')
        elif c == 'I':
            if num not in ('', '0'):
                raise CmdError(E_PARAM)
            for l in self.v.ident():
                r.line(l)
        elif c == 'Z' and self.v.CELLULAR:
            if num not in ('', '0'):
                raise CmdError(E_PARAM)
            self.echo = True
            self.cmee = self.v.CMEE_DEFAULT
        else:
            raise Unknown()

    # -- the loop --
    def run(self):
        while True:
            timeout = None
            if self.heap:
                timeout = max(0.0, self.heap[0][0] - time.monotonic())
            try:
                ready, _, _ = select.select([0], [], [], timeout)
            except InterruptedError:
                continue
            if ready:
                try:
                    data = os.read(0, 4096)
                except OSError:
                    return                         # the pty's other side is gone
                if not data:
                    return                         # EOF
                self.feed(data)
            self.run_due()


# ----------------------------------------------------------------------------------------
# Vendors
# ----------------------------------------------------------------------------------------

CELL_URCS = ['+CEREG: 1', '+CEREG: 0,1', '+CREG: 1', '+CGREG: 0,2', '+CGEV: ME PDN ACT 1',
             'SMS DONE', 'PB DONE', '+CTZV: +32,0', '+CTZE: +32,0,"2024/08/23,06:52:50"',
             '+NITZ: 2024/08/23,06:52:50+32,0', '+CSQ: 21,99', '+CMTI: "SM",3',
             '+CIEV: "SIGNAL",3']
CELL_BOOT = ['RDY', '+CFUN: 1', '+CPIN: READY', 'SMS DONE']


class Vendor:
    NAME = ''
    CELLULAR = True
    HAS_CMEE = False
    CMEE_DEFAULT = 0
    URCS = CELL_URCS
    BOOT = CELL_BOOT

    def __init__(self, m, defects, seed):
        self.m = m
        self.d = defects
        self.echo_limit = None
        self.unknown_ok = False
        self.commands = {}
        if self.CELLULAR:
            self.commands['+CGMR'] = self.c_cgmr
        if self.HAS_CMEE:
            self.commands['+CMEE'] = self.c_cmee

    def ident(self):
        return []

    def revision(self):
        return ''

    def cgmr_line(self):
        return self.revision()

    def reset_unsaved(self):
        pass

    def c_cgmr(self, form, args, r):
        if form == 'exec':
            r.line(self.cgmr_line())
        elif form != 'test':
            raise CmdError(E_NOT_SUPPORTED)

    def c_cmee(self, form, args, r):
        if form == 'test':
            r.line('+CMEE: (0-2)')
        elif form == 'read':
            r.line('+CMEE: %d' % self.m.cmee)
        elif form == 'exec':
            self.m.cmee = 0
        else:
            if len(args) != 1:
                raise CmdError(E_PARAM)
            self.m.cmee = get_int(args[0], 0, 2, default=0)


def sha_stream(seed, n):
    """A deterministic image of n bytes from the seed (SHA-256 in counter mode)."""
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(b'indep-image:%d:%d' % (seed, i)).digest()
        i += 1
    return bytes(out[:n])


class Quectel(Vendor):
    """QuecThing OTA, MCU (SOTA) flow only: AT+QIOTMCUVER registers the MCU, AT+QIOTOTAREQ
    asks for a plan, AT+QIOTUPDATE confirms and reports, AT+QIOTOTARD reads the image."""
    NAME = 'quectel'
    URCS = CELL_URCS + ['+QIND: SMS DONE', '+QUSIM: 1']
    REV = 'EC200UCNAAR03A01M08'
    # the cloud: one MCU plan
    COMP, SRC, DST, BATTERY, SIGNAL = 'INDEPMCU', '1.0.0', '1.1.0', 20, -110
    MAX_READ = 1024
    MAX_MCUS = 20

    def __init__(self, m, defects, seed):
        super().__init__(m, defects, seed)
        self.image = sha_stream(seed, 4000 + seed % 2048)
        self.mcus = {}
        self.info = 0
        self.state = 'idle'          # idle, plan, confirmed, downloaded, updating
        self.plan_sha = False
        self.u4_sent = False         # 10704 written (the result waits for it)
        self.result_ver = None
        self.commands.update({'+QIOTOTAREQ': self.c_otareq, '+QIOTUPDATE': self.c_update,
                              '+QIOTOTARD': self.c_otard, '+QIOTMCUVER': self.c_mcuver})

    def ident(self):
        return ['Quectel', 'EC200U', 'Revision: ' + self.REV]

    def revision(self):
        return self.REV

    def reset_unsaved(self):
        self.mcus.clear()
        self.state = 'idle'

    def evt(self, text):
        self.m.urc('+QIOTEVT: 7,' + text)

    # AT+QIOTOTAREQ[=<info>]
    def c_otareq(self, form, args, r):
        if form == 'test':
            r.line('+QIOTOTAREQ: (0,1)')
            if 'slow-otareq-test' in self.d:
                r.delay = 0.45
            return
        if form == 'read':
            raise CmdError(E_NOT_SUPPORTED)
        if form == 'write':
            if len(args) != 1:
                raise CmdError(E_PARAM)
            self.info = get_int(args[0], 0, 1)
        if self.state not in ('idle', 'plan'):
            raise CmdError(E_NOT_ALLOWED)          # an upgrade is under way
        if self.mcus.get(self.COMP) == self.SRC:
            self.m.flow(self._offer(self.info == 1))
        # otherwise the cloud has no plan: OK and nothing follows

    def _offer(self, sha):
        yield 0.02
        if self.state not in ('idle', 'plan'):
            return
        self.state = 'plan'
        self.plan_sha = sha
        self.evt('10700,"%s","%s","%s",%d,%d,%d' % (self.COMP, self.SRC, self.DST,
                                                   self.BATTERY, self.SIGNAL, len(self.image)))

    # AT+QIOTUPDATE=<update_action>
    def c_update(self, form, args, r):
        if form == 'test':
            r.line('+QIOTUPDATE: (0-3)')
            return
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        if len(args) != 1:
            raise CmdError(E_PARAM)
        if 'update-action-7' in self.d and args[0].is_int() and 4 <= int(args[0].text) <= 9:
            return
        a = get_int(args[0], 0, 3)
        st = self.state
        if a == 0:
            if st != 'plan':
                raise CmdError(E_NOT_ALLOWED)
            self.state = 'idle'
        elif a == 1:
            if st == 'confirmed':
                return                             # already confirmed: nothing new
            if st != 'plan':
                raise CmdError(E_NOT_ALLOWED)
            self.state = 'confirmed'
            self.m.flow(self._download())
        elif a == 2:
            raise CmdError(E_NOT_ALLOWED)          # the plan is one package: none follows
        else:
            if st != 'downloaded':
                raise CmdError(E_NOT_ALLOWED)
            self.state = 'updating'
            self.u4_sent = False
            self.result_ver = None
            self.m.flow(self._updating())

    def _download(self):
        img = self.image
        n = len(img)
        yield 0.02
        line = '10701,"%s",%d,"%s",%d' % (self.COMP, n, hashlib.md5(img).hexdigest(),
                                          zlib.crc32(img) & 0xFFFFFFFF)
        if self.plan_sha:
            line += ',"%s"' % hashlib.sha256(img).hexdigest()
        self.evt(line)
        yield 0.02
        self.evt('10702')
        yield 0.03
        self.state = 'downloaded'
        self.evt('10703,"%s",%d,0,%d' % (self.COMP, n, n))

    def _updating(self):
        yield 0.02
        self.evt('10704')
        self.u4_sent = True
        if self.result_ver is not None:
            yield from self._result()

    def _result(self):
        yield 0.02
        if self.state != 'updating':
            return
        self.state = 'idle'
        self.evt('10705' if self.result_ver == self.DST else '10706')

    # AT+QIOTOTARD=<start>,<length>
    def c_otard(self, form, args, r):
        if form == 'test':
            r.line('+QIOTOTARD: 0,(1-%d)' % self.MAX_READ)
            return
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        if len(args) != 2:
            raise CmdError(E_PARAM)
        start = get_int(args[0], 0, 2 ** 31 - 1)
        ln = get_int(args[1], 1, self.MAX_READ)
        if self.state != 'downloaded' or start >= len(self.image):
            raise CmdError(E_NOT_ALLOWED)
        data = self.image[start:start + ln]
        r.line('+QIOTOTARD: %d,%d' % (start, len(data)))
        r.raw(data)

    # AT+QIOTMCUVER=<MCU_number>[,<MCU_version>]
    def c_mcuver(self, form, args, r):
        if form == 'test':
            r.line('+QIOTMCUVER: <MCU_number>,<MCU_version>')
            return
        if form == 'read':
            tail = ',' if 'mcuver-read-comma' in self.d else ''
            for comp, ver in self.mcus.items():
                r.line('+QIOTMCUVER: "%s","%s"%s' % (comp, ver, tail))
            return
        if form == 'exec' or len(args) not in (1, 2):
            raise CmdError(E_PARAM)
        comp = get_str(args[0], 32, 1)
        if len(args) == 1:
            if comp not in self.mcus:
                raise CmdError(E_NOT_ALLOWED)
            r.line('+QIOTMCUVER: "%s","%s"' % (comp, self.mcus[comp]))
            return
        ver = get_str(args[1], 64, 1)
        if comp not in self.mcus and len(self.mcus) >= self.MAX_MCUS:
            raise CmdError(E_NOT_ALLOWED)
        self.mcus[comp] = ver
        if self.state == 'updating' and comp == self.COMP and self.result_ver is None:
            self.result_ver = ver
            if self.u4_sent:
                self.m.flow(self._result())


class Simcom(Vendor):
    """SIMCom FOTA: AT+CAPFOTA switches the service on, AT+CSCFOTA checks and downloads."""
    NAME = 'simcom'
    HAS_CMEE = True
    REV = 'SIM7600M21_V2.0.1'
    # the cloud
    OEM, MODEL, PID = 'INDEPOEM', 'IX7600M21', '3141592653'
    SECRET = '9c2e5d07b1a84f6e8d3c0a1b2f4e6d88'
    TARGET = 'IX7600M21_LE11_240601_V2.01'
    MAX_STR = 128

    def __init__(self, m, defects, seed):
        super().__init__(m, defects, seed)
        self.capfota = 0
        self.running = False
        self.cancel = False
        if 'echo-truncated' in defects:
            self.echo_limit = 100
        self.commands.update({'+CAPFOTA': self.c_capfota, '+CSCFOTA': self.c_cscfota})

    def ident(self):
        return ['Manufacturer: SIMCOM INCORPORATED', 'Model: SIMCOM_SIM7600M21',
                'Revision: ' + self.REV, 'IMEI: 861234050123457']

    def revision(self):
        return self.REV

    def cgmr_line(self):
        return '+CGMR: ' + self.REV

    def reset_unsaved(self):
        self.capfota = 0

    def c_capfota(self, form, args, r):
        if form == 'test':
            r.line('+CAPFOTA: (0-1)')
        elif form == 'read':
            r.line('+CAPFOTA: %d' % self.capfota)
        elif form == 'exec':
            raise CmdError(E_NOT_SUPPORTED)
        else:
            if len(args) != 1:
                raise CmdError(E_PARAM)
            if 'capfota-2' in self.d and args[0].kind == 'tok' and args[0].text == '2':
                return                             # OK, and nothing changes
            v = get_int(args[0], 0, 1)
            if v == 0 and self.running:
                self.cancel = True
            self.capfota = v

    def c_cscfota(self, form, args, r):
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        counts = (4, 5) if 'cscfota-4-params' in self.d else (5,)
        if len(args) not in counts:
            raise CmdError(E_PARAM)
        vals = [get_str(a, self.MAX_STR) for a in args] + ['']
        if not self.capfota or self.running:
            raise CmdError(E_NOT_ALLOWED)
        self.running = True
        self.cancel = False
        self.m.flow(self._fota(*vals[:5]))

    def _fota(self, oem, model, pid, secret, target):
        try:
            yield 0.03
            if self.cancel:
                self.m.urc('+CSCFOTA: 307')
                return
            if not (oem and model and pid and secret):
                code = 403                         # missing device information
            elif (oem, model, pid, secret) != (self.OEM, self.MODEL, self.PID, self.SECRET):
                code = 401                         # invalid device information
            elif not target:
                code = 404                         # version number is not configured
            elif target != self.TARGET:
                code = 5                           # no matched version
            else:
                code = None
            if code is not None:
                self.m.urc('+CSCFOTA: %d' % code)
                return
            self.m.urc('+CSCFOTA: 2')
            yield 0.06
            if self.cancel:
                self.m.urc('+CSCFOTA: 307')
                return
            self.m.urc('+CSCFOTA: 3')
            yield 0.02
            self.m.urc('+CSCFOTA: 0')
        finally:
            self.running = False


class Airm2m(Vendor):
    """AirM2M (Luat) AT+UPGRADE: tags KEY/AUTO/PERIOD/URL, the state read, the manual
    trigger, and the documented two-restart upgrade (+UPGRADEIND, +UPGRADEDL, +UPGRADEVER)."""
    NAME = 'airm2m'
    URCS = CELL_URCS + ['^MODE: 17,17']
    REV_OLD = 'AirM2M_780E_V2001_LTE_AT'
    REV_NEW = 'AirM2M_780E_V2002_LTE_AT'
    # the cloud: its own HTTP server (a full image, always served) and a Luat product key
    URL = 'http://fota.indep.test/air780e/AirM2M_780E_V2002_LTE_AT.bin'
    KEY = 'IxAirKey2718Q'
    TAGS = ('KEY', 'AUTO', 'PERIOD', 'URL')
    DEFAULTS = {'KEY': '', 'AUTO': 1, 'PERIOD': 86400, 'URL': ''}

    def __init__(self, m, defects, seed):
        super().__init__(m, defects, seed)
        self.nv = dict(self.DEFAULTS)
        self.cur = dict(self.DEFAULTS)
        self.rev = self.REV_OLD
        self.state, self.percent, self.err = 0, 0, None
        self.running = False
        self.commands['+UPGRADE'] = self.c_upgrade

    def ident(self):
        return ['Manufacturer: AirM2M', 'Model: Air780E', 'Revision: ' + self.rev]

    def revision(self):
        return self.rev

    def reset_unsaved(self):
        self.cur = dict(self.nv)
        self.state, self.percent, self.err = 0, 0, None

    @staticmethod
    def fmt(v):
        return '"%s"' % v if isinstance(v, str) else str(v)

    def c_upgrade(self, form, args, r):
        if form == 'test':
            raise CmdError(E_NOT_SUPPORTED)
        if form == 'read':
            if self.state == 1:
                r.line('+UPGRADE: 1,%d' % self.percent)
            elif self.state == 2 and self.err:
                r.line('+UPGRADE: 2,%d,%d,%d' % self.err)
            else:
                r.line('+UPGRADE: %d' % self.state)
            return
        if form == 'exec':
            if self.running:
                raise CmdError(E_NOT_ALLOWED)
            self.running = True
            self.m.flow(self._upgrade())
            return
        if not 1 <= len(args) <= 3:
            raise CmdError(E_PARAM)
        tag = get_str(args[0], 8)
        if tag not in self.TAGS:
            raise CmdError(E_PARAM)
        if len(args) == 1:
            r.line('+UPGRADE:"%s",%s' % (tag, self.fmt(self.cur[tag])))
            return
        a = args[1]
        skip = False
        if tag == 'KEY':
            v = get_str(a, 64)
        elif tag == 'URL':
            v = get_str(a, 255)
        elif tag == 'AUTO':
            v = get_int(a, 0, 1)
        else:
            if 'period-59' in self.d and a.kind == 'tok' and a.text == '59':
                v, skip = 59, True                 # OK, and nothing is stored
            else:
                v = get_int(a, 60, 2 ** 32)
        save = 0
        if len(args) == 3:
            save = get_int(args[2], 0, 2 if 'savenv-2' in self.d else 1, default=0)
        if skip:
            return
        self.cur[tag] = v
        if save != 1:
            self.nv[tag] = v

    def _fail(self, err):
        self.state, self.err = 2, err
        self.running = False
        self.m.urc('+UPGRADEIND: %d' % err[0])

    def _upgrade(self):
        yield 0.02
        url, key = self.cur['URL'], self.cur['KEY']
        if url:                                    # own server: the file is fetched as is
            if not url.lower().startswith('http://'):
                return self._fail((-1000, 0, 0))
            if url != self.URL:
                return self._fail((-1004, 404, 0))
        else:                                      # the Luat server compares versions
            if not key:
                return self._fail((-1004, 200, 3))
            if key != self.KEY:
                return self._fail((-1004, 200, 25))
            if self.rev == self.REV_NEW:
                return self._fail((-1004, 200, 27))
        steps = list(range(10, 101, 10))
        if 'ind-over-100' in self.d:
            steps.insert(steps.index(50) + 1, 110)
        for p in steps:
            if p <= 100:
                self.state, self.percent, self.err = 1, p, None
            self.m.urc('+UPGRADEIND: %d' % p)
            yield 0.015
        yield 0.015
        self.m.begin_restart()                     # restart 1: into the updater
        yield RESTART_S
        for p in (0, 25, 50, 75, 100):             # the updater: input still dropped
            self.m.urc('+UPGRADEDL: %d' % p)
            yield 0.015
        self.m.begin_restart()                     # restart 2: the new firmware
        self.rev = self.REV_NEW
        yield RESTART_S
        self.m.end_restart(self.BOOT)
        yield 0.03
        self.m.urc('+UPGRADEVER: "%s"' % self.rev)
        yield 0.01
        self.m.urc('+UPGRADEVER: 1')
        self.running = False


class Qualcomm(Vendor):
    """QCC730 OTA (Wi-Fi, hostless): AT+OTAFWUP downloads over HTTP, AT+OTATRIAL accepts
    or rejects the trial image. No CME errors, no cellular URCs, silent restarts."""
    NAME = 'qualcomm'
    CELLULAR = False
    URCS = []
    BOOT = []
    REV_OLD = 'QCC730.WIN.1.0-00042'
    REV_NEW = 'QCC730.WIN.1.0.1-00051'
    # the cloud: one HTTP server and one image
    URL = 'http://ota.indep.test:8080/qcc730'
    FILE = 'ixq730_v101.bin'
    SIZE = 311296
    USAGE_FWUP = 'AT+OTAFWUP=<protocol(only http now)>,<url>,<fw filename>,[flag],[timeout(in ms)]'
    USAGE_TRIAL = 'AT+OTATRIAL=<1|0(accept|deny)>,<reboot_flag>'
    BAD_FWUP = 'AT+OTAFWUP: Invalid parameter'
    BAD_FLAG = 'AT+OTAFWUP: Flag bit0: auto reboot, bit1: dup fs'
    BAD_SIZE = 'AT+OTAFWUP: Invalid size parameter'

    def __init__(self, m, defects, seed):
        super().__init__(m, defects, seed)
        self.unknown_ok = 'unknown-ok' in defects
        self.running = False
        self.rev = self.REV_OLD      # the image that runs
        self.trial = False           # it runs on trial
        self.fallback = None         # what a rejected trial goes back to
        self.revert = False          # rejected: the fallback runs after the next restart
        self.staged = None           # downloaded, runs (on trial) after the next restart
        self.commands.update({'+OTAFWUP': self.c_otafwup, '+OTATRIAL': self.c_otatrial})

    def ident(self):
        return ['Manufacturer: Qualcomm', 'Model: QCC730', 'Revision: ' + self.rev]

    def revision(self):
        return self.rev

    def boot(self):
        if self.revert:
            self.rev, self.trial, self.revert, self.fallback = self.fallback, False, False, None
        elif self.staged:
            self.fallback, self.rev, self.trial, self.staged = self.rev, self.staged, True, None

    def reboot(self):
        self.m.begin_restart()
        yield RESTART_S
        self.boot()
        self.m.end_restart(self.BOOT)

    def c_otafwup(self, form, args, r):
        if form == 'exec':
            r.line('AT+OTAFWUP: get usage of command')
            r.line(self.USAGE_FWUP)
            return
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        n = len(args)
        if n > 6:
            raise CmdError(E_PARAM, [self.USAGE_FWUP])
        if n < 3 or any(a.kind == 'omit' for a in args):
            raise CmdError(E_PARAM, [self.BAD_FWUP])
        try:
            proto = get_str(args[0], 8, 1, bare_ok=True)
            url = get_str(args[1], 256, 1, bare_ok=True)
            fname = get_str(args[2], 128, 1, bare_ok=True)
        except CmdError:
            raise CmdError(E_PARAM, [self.BAD_FWUP])
        if proto.lower() != 'http':
            raise CmdError(E_PARAM, [self.BAD_FWUP])
        flag, timeout, size = 1, 20000, None
        if n >= 4:
            try:
                flag = get_int(args[3], 0, 15 if 'flag-8' in self.d else 7)
            except CmdError:
                raise CmdError(E_PARAM, [self.BAD_FLAG])
        if n >= 5:
            try:
                timeout = get_int(args[4], 1, 3600000)
            except CmdError:
                raise CmdError(E_PARAM, [self.BAD_FWUP])
        if n == 6:
            try:
                size = get_int(args[5], 1, 2 ** 31 - 1)
            except CmdError:
                raise CmdError(E_PARAM, [self.BAD_SIZE])
        if flag & 4 and size is None:
            raise CmdError(E_PARAM, [self.BAD_SIZE])
        if self.running:
            raise CmdError(E_NOT_ALLOWED, ['AT+OTAFWUP: fw upgrade is ongoing'])
        self.running = True
        self.m.flow(self._download(url, fname, flag, size))

    def _download(self, url, fname, flag, size):
        fail = 'Firmware Upgrade Image Download Failed ERR:%d'
        try:
            yield 0.01
            self.m.urc('+EVT:OTAFWUP_START: OTA started, please wait')
            if self.trial:
                yield 0.02
                self.m.urc('+EVT:OTAFWUP_ERROR: Trial Partition is running, '
                           'need reboot to do Firmware Upgrade.')
                return
            if url.rstrip('/') != self.URL:
                yield 0.05
                self.m.urc('+EVT:OTAFWUP_ERROR: ' + fail % -110105)   # connection failed
                return
            if fname != self.FILE:
                yield 0.03
                self.m.urc('+EVT:OTAFWUP_ERROR: ' + fail % -110027)   # image not found
                return
            if flag & 4 and size != self.SIZE:
                yield 0.05
                self.m.urc('+EVT:OTAFWUP_ERROR: ' + fail % -110104)   # HTTP GET failed
                return
            yield 0.15
            self.m.urc('+EVT:OTAFWUP_FIN: Firmware Upgrade Image Download Completed successfully')
            self.staged = self.REV_NEW
            self.revert = False
        finally:
            self.running = False
        if flag & 1:                               # auto reboot: the new image on trial
            yield 0.05
            yield from self.reboot()

    def c_otatrial(self, form, args, r):
        if form == 'exec':
            r.line('AT+OTATRIAL: get usage of command')
            r.line(self.USAGE_TRIAL)
            return
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        if len(args) != 2 or not all(a.kind == 'tok' for a in args):
            raise CmdError(E_PARAM, [self.USAGE_TRIAL])
        if 'trial-2' in self.d and args[0].text == '2' and args[1].text in ('0', '1'):
            return                                 # OK, and nothing happens
        try:
            accept = get_int(args[0], 0, 1)
            reboot = get_int(args[1], 0, 1)
        except CmdError:
            raise CmdError(E_PARAM, ['AT+OTATRIAL:Invalid parameter'])
        what = 'Accept' if accept else 'Reject'
        if not self.trial:
            raise CmdError(E_NOT_ALLOWED, ['AT+OTATRIAL:Fail to %s Trial FWD' % what])
        r.line('AT+OTATRIAL:Success to %s Trial FWD' % what)
        self.trial = False
        if accept:
            self.fallback = None
        else:
            self.revert = True
        if reboot:
            self.m.flow(self._later_reboot())

    def _later_reboot(self):
        yield 0.03
        yield from self.reboot()


class Fibocom(Vendor):
    """Fibocom L610 AT+GTOTA: a download over HTTP (type 0) or FTP (type 1), reported by
    GTOTA DOWNLOAD START / DOWNLOADING: <percent>% / COMPLETE or FAILED."""
    NAME = 'fibocom'
    HAS_CMEE = True
    CMEE_DEFAULT = 1                 # the document gives +CME ERROR as GTOTA's error result
    REV = '16000.1000.00.01.01.07'
    # the cloud
    HTTP_URL = 'http://fota.indep.test/l610/IX610_V2_delta.pack'
    FTP_HOST, FTP_FILE, FTP_USER, FTP_PASS = ('ftp.indep.test', 'l610/IX610_V2_delta.pack',
                                              'ixfota', 'Ix-Ftp-2718')
    MAX_STR = 255

    def __init__(self, m, defects, seed):
        super().__init__(m, defects, seed)
        self.running = False
        self.commands['+GTOTA'] = self.c_gtota

    def ident(self):
        return ['Manufacturer: Fibocom', 'Model: L610', 'Revision: ' + self.REV]

    def revision(self):
        return self.REV

    def c_gtota(self, form, args, r):
        if form == 'test':
            r.line('+GTOTA: (0-1),<"url">[,<"filename">,<"username">,<"password">]')
            if 'slow-gtota-test' in self.d:
                r.delay = 1.3
            return
        if form != 'write':
            raise CmdError(E_NOT_SUPPORTED)
        n = len(args)
        if n not in (2, 5):
            raise CmdError(E_PARAM)
        typ = get_int(args[0], 0, 1, default=0)
        url = get_str(args[1], self.MAX_STR + (1 if 'url-256' in self.d else 0), 1)
        fn = user = pw = None
        if typ == 0 and n == 5 and 'type0-ftp-fields' not in self.d:
            raise CmdError(E_PARAM)                # "can't be used" with HTTP
        if typ == 1 and n != 5:
            raise CmdError(E_PARAM)                # "must be given" with FTP
        if n == 5:
            fn = get_str(args[2], self.MAX_STR, 1)
            user = get_str(args[3], self.MAX_STR)
            pw = get_str(args[4], self.MAX_STR)
        if self.running:
            raise CmdError(E_NOT_ALLOWED)
        self.running = True
        self.m.flow(self._ota(typ, url, fn, user, pw))

    def _ota(self, typ, url, fn, user, pw):
        try:
            yield 0.02
            self.m.urc('GTOTA DOWNLOAD START')
            if typ == 0:
                ok = url == self.HTTP_URL
            else:
                ok = (url, fn, user, pw) == (self.FTP_HOST, self.FTP_FILE,
                                             self.FTP_USER, self.FTP_PASS)
            if not ok:
                yield 0.05
                self.m.urc('GTOTA DOWNLOAD FAILED')
                return
            for p in range(10, 101, 10):
                yield 0.015
                self.m.urc('GTOTA DOWNLOADING: %d%%' % p)
            yield 0.02
            self.m.urc('GTOTA DOWNLOAD COMPLETE')
        finally:
            self.running = False


VENDORS = {c.NAME: c for c in (Quectel, Simcom, Airm2m, Qualcomm, Fibocom)}

# ----------------------------------------------------------------------------------------
# Planted defects: vendor -> (name, rule it breaks, what it does)
# ----------------------------------------------------------------------------------------

DEFECTS = {
    'quectel': [
        ('update-action-7', 'rejects-invalid',
         'AT+QIOTUPDATE=4..9 (e.g. =7) answers OK in every state; the document lists actions 0-3'),
        ('slow-otareq-test', 'response-time',
         'AT+QIOTOTAREQ=? answers after 450 ms; the document\'s maximum response time is 300 ms'),
        ('mcuver-read-comma', 'response-syntax',
         'AT+QIOTMCUVER? ends each +QIOTMCUVER: "<id>","<ver>" line with a stray comma'),
    ],
    'simcom': [
        ('capfota-2', 'rejects-invalid',
         'AT+CAPFOTA=2 answers OK (nothing changes); the document allows 0/1'),
        ('echo-truncated', 'echo',
         'the echo of a command line longer than 100 characters stops after 100 characters '
         '(the CR is still echoed; the answer is normal)'),
        ('cscfota-4-params', 'rejects-invalid',
         'AT+CSCFOTA with four strings (no <target version>) answers OK, then +CSCFOTA: 404'),
    ],
    'airm2m': [
        ('period-59', 'rejects-invalid',
         'AT+UPGRADE="PERIOD",59 answers OK (nothing stored); the document gives 60..2^32'),
        ('ind-over-100', 'response-syntax',
         'during the download +UPGRADEIND goes 10..50, 110 (over 100), then 60..100'),
        ('savenv-2', 'rejects-invalid',
         'AT+UPGRADE=<tag>,<value>,2 answers OK (saved); <savetoNV> is documented 0/1'),
    ],
    'qualcomm': [
        ('trial-2', 'rejects-invalid',
         'AT+OTATRIAL=2,0 (or 2,1) answers OK; the document allows 1|0'),
        ('unknown-ok', 'rejects-invalid',
         'any command the module does not know answers OK instead of ERROR (V.250)'),
        ('flag-8', 'rejects-invalid',
         'AT+OTAFWUP=http,<url>,<file>,8 (flag bits 3..) answers OK; the flag has bits 0-2'),
    ],
    'fibocom': [
        ('type0-ftp-fields', 'rejects-invalid',
         'AT+GTOTA=0,"<url>","f","u","p" answers OK; with type 0 those fields "can\'t be used"'),
        ('slow-gtota-test', 'response-time',
         'AT+GTOTA=? answers after 1300 ms; the document\'s time of duration is < 1 s'),
        ('url-256', 'rejects-invalid',
         'AT+GTOTA accepts a <"url"> of 256 bytes; the document\'s maximum is 255'),
    ],
}


def main(argv=None):
    ap = argparse.ArgumentParser(description='An independent emulated OTA module.')
    ap.add_argument('--vendor', choices=sorted(VENDORS))
    ap.add_argument('--defect', action='append', default=[], metavar='NAME')
    ap.add_argument('--no-urcs', action='store_true', help='no standard unsolicited lines')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--time-scale', type=float, default=1.0, metavar='F')
    ap.add_argument('--list-defects', action='store_true')
    a = ap.parse_args(argv)
    if a.list_defects:
        for v in sorted(DEFECTS):
            if a.vendor in (None, v):
                for name, rule, what in DEFECTS[v]:
                    sys.stdout.write('%s\t%s\t%s\t%s\n' % (v, name, rule, what))
        return 0
    if not a.vendor:
        ap.error('--vendor is needed')
    if not a.time_scale > 0:
        ap.error('--time-scale must be above 0')
    known = {d[0] for d in DEFECTS[a.vendor]}
    for d in a.defect:
        if d not in known:
            ap.error('%s has no defect %r (--list-defects --vendor %s)' % (a.vendor, d, a.vendor))
    m = Module(VENDORS[a.vendor], a.defect, not a.no_urcs, a.seed, a.time_scale)
    try:
        m.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main())
