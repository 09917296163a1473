# tests/consumers/tap_parser.pl — results.tap read by TAP::Parser, the library Debian 12's
# `prove` is built on (3.44): no parse error, one test point per case of results.json in
# order, ok/not ok and SKIP as the verdicts say, the description "SUITE: NAME", and every
# YAML block read back (YAMLish) to the values results.json holds. A "Bail out!" only for
# an interrupted run. Usage: perl tap_parser.pl results.tap results.json; exit 1 on a mismatch.
use strict;
use warnings;
use JSON::PP;
use TAP::Parser;

my ($tap, $json) = @ARGV;
my $doc = do { open my $f, '<', $json or die "$json: $!"; local $/; JSON::PP->new->decode(<$f>) };
my @cases = @{ $doc->{cases} };
my $p = TAP::Parser->new({ source => $tap });
my ($n, $bail, @bad) = (0, 0);
sub bad { push @bad, "@_" }
sub text { my $s = shift; $s =~ tr/\x00-\x1f\x7f/ /; $s }
while (my $r = $p->next) {
    if ($r->is_test) {
        my $c = $cases[$n++] or do { bad("point $n: no such case"); next };
        my $v = $c->{verdict};
        bad("point $n: ok is not right for $v") if $r->is_ok != ($v ne 'FAIL' && $v ne 'ERROR');
        bad("point $n: SKIP is not right for $v") if (($r->directive // '') eq 'SKIP') != ($v eq 'N/A');
        (my $d = $r->description) =~ s/^- //;
        $d =~ s/\\#/#/g;
        $d =~ s/\\\\(?=#)/\\/g;
        my $want = text(join ': ', grep { defined && length } $c->{suite}, $c->{name} // $c->{id});
        $want =~ s/^\s+|\s+$//g;
        bad("point $n: description [$d], case [$want]") if $d ne $want;
    } elsif ($r->is_yaml) {
        my ($y, $c) = ($r->data, $cases[$n - 1]);
        bad("point $n: the YAML block is not a mapping"), next unless ref $y eq 'HASH';
        for my $k (qw(verdict id rule reason expected seen source_kind source others transcript)) {
            my ($got, $exp) = ($y->{$k}, $c->{$k});
            bad("point $n: $k: YAML [" . ($got // '~') . "], JSON [" . ($exp // 'null') . "]")
                if defined $got != defined $exp || (defined $got && $got ne $exp);
        }
        for my $k (qw(latency_ms limit_ms)) {
            my ($got, $exp) = ($y->{$k}, $c->{$k});
            bad("point $n: $k: YAML [" . ($got // '~') . "], JSON [" . ($exp // 'null') . "]")
                if defined $got != defined $exp || (defined $got && $got != $exp);
        }
    } elsif ($r->is_bailout) {
        $bail = 1;
    } elsif ($r->is_unknown) {
        bad("a line TAP does not know: " . $r->as_string);
    }
}
bad("parse error: $_") for $p->parse_errors;
bad("version " . $p->version . ", not 13") if $p->version != 13;
bad("$n points, " . scalar(@cases) . " cases") if $n != @cases && !$bail;
bad("Bail out! is not right for interrupted=" . ($doc->{run}{interrupted} ? 'true' : 'false'))
    if $bail != ($doc->{run}{interrupted} ? 1 : 0);
print "$tap: $_\n" for @bad;
exit(@bad ? 1 : 0);
