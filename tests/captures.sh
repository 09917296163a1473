#!/usr/bin/env bash
# tests/captures.sh — `otacheck parse` over module output it did not write.
#   1. Every capture in tests/captures/ (<vendor>-<name>.log: public captures of real
#      modules and vendor examples, and streams written for these tests) is classified line
#      by line exactly as its reviewed <name>.classes says; a *-bad-* capture has exactly
#      the problem its header names (exit 1), every other none (exit 0).
#   2. The kinds of deviation real modules show are handled as kinds, not as files: each
#      clean capture (not firmware strings) is rewritten with blanks before every line end, a blank line
#      after every line, a standard 27.007 URC after every line (not in a document, whose
#      rendered data must follow its line), bare LF line ends, and each rewrite must keep 0
#      problems and classify the module's lines as before.
#   3. When given a directory of more captures (../shared/real-world/ in the project's
#      checkout, or $OTACHECK_CAPTURES), every capture there parses without a problem.
# usage: captures.sh OTACHECK [MORE-CAPTURES-DIR]
set -u
ot=$1
here=$(cd "$(dirname "$0")" && pwd)
more=${2:-${OTACHECK_CAPTURES:-$here/../../shared/real-world}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

# the vendor a capture is for: its file name's first word
vendor_of() { local b; b=$(basename "$1"); echo "${b%%-*}"; }

# 1. reviewed classifications
for f in "$here"/captures/*.log; do
    name=$(basename "$f" .log)
    v=$(vendor_of "$f")
    "$ot" parse "$f" --vendor "$v" --classes >"$tmp/$name.got" 2>"$tmp/$name.err"
    rc=$?
    want_rc=0
    case $name in *-bad-*) want_rc=1 ;; esac
    if [ "$rc" -ne "$want_rc" ]; then
        fail "$name: exit $rc, expected $want_rc ($(head -c 300 "$tmp/$name.err"))"
    elif ! diff -u "$here/captures/$name.classes" "$tmp/$name.got" >"$tmp/$name.diff"; then
        fail "$name: classes differ from $name.classes"
        head -20 "$tmp/$name.diff"
    else
        pass "$name: $(wc -l <"$tmp/$name.got") lines as reviewed, exit $rc"
    fi
    case $name in
    *-bad-*)
        n=$(grep -c $'\tproblem:' "$tmp/$name.got")
        [ "$n" -eq 1 ] && pass "$name: exactly one problem" || fail "$name: $n problems, expected 1"
        ;;
    esac
done

# 2. the kinds of deviation, applied to every clean capture but firmware strings
rewrite() { # rewrite KIND IN OUT: the body rewritten, the header kept
    python3 - "$1" "$2" "$3" <<'EOF'
import sys
kind, src, dst = sys.argv[1:]
data = open(src, 'rb').read().decode('latin-1')
lines = data.split('\n')
head = []
while lines and lines[0].startswith('#'):
    head.append(lines.pop(0))
out = []
for l in lines:
    cr = l.endswith('\r')
    t = l[:-1] if cr else l
    end = '\r' if cr else ''
    if kind == 'trailing' and t:
        out.append(t + '  ' + end)
    elif kind == 'blank':
        out += [l, end]
    elif kind == 'standard':
        out += [l, '+CEREG: 1' + end]
    elif kind == 'lf':
        out.append(t)
    else:
        out.append(l)
open(dst, 'wb').write(('\n'.join(head + out)).encode('latin-1'))
EOF
}
# the module's lines, in order, without line numbers, blanks and inserted standard lines
module_lines() { cut -f2- "$1" | grep -v -e '^blank$' -e $'^standard\tcereg$'; }
for f in "$here"/captures/*.log; do
    name=$(basename "$f" .log)
    case $name in *-bad-*) continue ;; esac
    kinds="trailing blank standard lf"
    grep -q '^# kind: (b)' "$f" && kinds="trailing blank lf" # a document's data lines follow their line
    grep -q '^# kind: (c)' "$f" && continue                  # string literals: not a stream
    v=$(vendor_of "$f")
    module_lines "$here/captures/$name.classes" >"$tmp/$name.base"
    for kind in $kinds; do
        rewrite "$kind" "$f" "$tmp/$name.$kind.log"
        "$ot" parse "$tmp/$name.$kind.log" --vendor "$v" --classes >"$tmp/$name.$kind.got" 2>&1
        rc=$?
        module_lines "$tmp/$name.$kind.got" >"$tmp/$name.$kind.lines"
        if [ "$rc" -ne 0 ]; then
            fail "$name with $kind: exit $rc"
            grep problem: "$tmp/$name.$kind.got" | head -5
        elif ! diff -u "$tmp/$name.base" "$tmp/$name.$kind.lines" >"$tmp/$name.$kind.diff"; then
            fail "$name with $kind: the module's lines are classified otherwise"
            head -20 "$tmp/$name.$kind.diff"
        else
            pass "$name with $kind: no problem, the same classes"
        fi
    done
done

# 3. more captures, when there are
if [ -d "$more" ]; then
    n=0
    for f in "$more"/*.log; do
        [ -e "$f" ] || continue
        v=$(vendor_of "$f")
        n=$((n + 1))
        if "$ot" parse "$f" --vendor "$v" --quiet >"$tmp/more.out" 2>&1; then
            pass "$(basename "$f"): $(tail -1 "$tmp/more.out")"
        else
            fail "$(basename "$f"): $(tail -1 "$tmp/more.out")"
            head -20 "$tmp/more.out"
        fi
    done
    echo "$n more captures from $more"
else
    echo "no more captures ($more is not there)"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all passed"
