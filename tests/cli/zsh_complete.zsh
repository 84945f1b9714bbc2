#!/usr/bin/env zsh
# zsh_complete.zsh DIR LINE: starts an interactive zsh in a pseudo-terminal
# with DIR first on its fpath (DIR holds the _refreshctl under test), types
# LINE and <Tab>, and prints each word zsh's completion offers, one a line.
# Run it with `zsh -f` under a timeout: a broken script could leave it waiting.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i || exit 2
# compinit's dump goes to DIR: the first call scans every function (seconds),
# later calls read the dump.
zpty -w z "PROMPT=''; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -d ${(q)1}/.zcompdump; echo READY-\$((6*7))"
zpty -r z out '*READY-42*' || exit 2
# Each compadd that adds words (not one that only filters into an array)
# first writes the words that match the line, marked, to the terminal.
zpty -w z 'compadd() { if (( ! ${@[(I)-[OAD]]} )); then local -a m; builtin compadd -O m "$@"; print -rl -- "<match>"${^m} >/dev/tty; fi; builtin compadd "$@"; }'
# <Tab> completes, then marks that it is done: nothing more is typed before
# (keys typed ahead while completion runs can cut it short).
zpty -w z 'complete-marked() { zle complete-word; print -r -- "<comp""leted>" >/dev/tty; }'
zpty -w z "zle -N complete-marked; bindkey '^I' complete-marked; echo READY-\$((6*8))"
zpty -r z out '*READY-48*' || exit 2
zpty -w -n z "$2"$'\t'
zpty -r z out '*<completed>*' || exit 2
matches=$out
# Clear the line and run a command whose output marks the end.
zpty -w z $'\C-u'"echo DONE-\$((6*9))"
zpty -r z out '*DONE-54*' || exit 2
print -r -- "$matches" | tr -d '\r' | sed -n 's/.*<match>//p'
zpty -d z
