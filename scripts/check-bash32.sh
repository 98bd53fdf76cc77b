#!/usr/bin/env bash
# make lint: the scripts must run under bash 3.2, macOS's /bin/bash. Fails
# on the bash 4 and 5 constructs that 3.2 lacks, in every script given
# (default: scripts/*.sh and .ci/run), naming file, line and construct.
set -u
cd "$(dirname "$0")/.." || exit 2
if [ $# -eq 0 ]; then
  for f in scripts/*.sh .ci/run; do
    [ "$f" = scripts/check-bash32.sh ] || set -- "$@" "$f" # its patterns would match themselves
  done
fi
# construct<TAB>extended regular expression (matched outside comments);
# literal characters in brackets, so that BSD and GNU grep agree
# shellcheck disable=SC2016 # regular expressions, not expansions
checks='the map-file or read-array builtin	(^|[^[:alnum:]_-])(map[f]ile|read[a]rray)([^[:alnum:]_-]|$)
associative array (declare with -A)	(declare|typeset|local)[[:space:]]+-[[:alpha:]]*A
nameref (declare -n)	(declare|typeset|local)[[:space:]]+-[[:alpha:]]*n[[:alpha:]]*[[:space:]]
case conversion (the ,, and ^^ expansions)	[$][{][^}]*[,^][}]
parameter transformation (${x@Q})	[$][{][^}]*@[QEPAaKkULu][}]
&>> or pipe-and (|&) redirection	&>>|[|]&
case fall-through (;& ;;&)	;;&|[^;];&
coproc	(^|[[:space:];])coproc[[:space:]]
wait -n	wait[[:space:]]+-n
negative array index	[$][{][[:alnum:]_]+[[]-[0-9]+[]][}]
shopt globstar, lastpipe or direxpand	shopt[[:space:]]+-s[[:space:]]+(globstar|lastpipe|direxpand|checkjobs|autocd)
test -v (bash 4.2)	[[][[]?[[:space:]]+-v[[:space:]]
read -i or read -N	(^|[[:space:];])read[[:space:]]+-[[:alpha:]]*[iN]
printf %()T (bash 4.2)	%[(][^)]*[)]T
$BASHPID or $EPOCHSECONDS	[$][{]?(BASHPID|EPOCHSECONDS|EPOCHREALTIME)
brace range with a step ({1..9..2})	[{]-?[0-9]+[.][.]-?[0-9]+[.][.]-?[0-9]+[}]
GNU date %N (macOS date prints N)	date[[:space:]].*[+][^[:space:]]*%N'
bad=0
tab=$(printf '\t')
for f in "$@"; do
  while IFS="$tab" read -r what re; do
    # drop comment lines and trailing comments before matching
    hits=$(sed -e 's/^[[:space:]]*#.*$//' -e 's/[[:space:]]#[^"'\'']*$//' "$f" | grep -nE -- "$re") || continue
    printf '%s\n' "$hits" | while IFS= read -r h; do echo "$f:${h%%:*}: $what: ${h#*:}"; done
    bad=1
  done <<EOC
$checks
EOC
done
[ "$bad" = 0 ] && echo "bash 3.2: ${*}: none of the constructs it lacks"
exit $bad
