"""`completion bash|zsh|fish`: a static completion script, generated from the CLI's own parser.

Static on purpose: the script holds every subcommand, option, choice, topic, alias and plot
name as of the moment it was printed, so pressing TAB starts no Python (a lookup costs ~50 ms,
too slow for a keystroke). Topics come from the index, so a new card is in the next script.

What an argument completes to is read from the parser: an option's `choices`; a positional or
option named topic/topics: the card names; plot's NAME: the plot names; a PATH or FILE
metavar: file names; anything else (a seed, a question's words): nothing.
"""

import argparse

from .. import __version__
from ..cards import index

SHELLS = ("bash", "zsh", "fish")
FILES = "files"  # the values of an argument that names a file


class Argument:
    """One option (or the positionals) of a command: its strings, help and what its value is."""

    def __init__(self, strings, help_text, values):
        self.strings, self.help, self.values = strings, help_text, values

    @property
    def takes_value(self):
        return self.values is not None


def values_of(action, names):
    """What the action's value completes to: a list of words, FILES, [] for free text, or
    None for a flag that takes no value."""
    if action.nargs == 0:
        return None
    if action.choices:
        return list(action.choices)
    if action.dest in ("topic", "topics"):
        return names["topics"]
    if action.dest == "name" and action.metavar == "NAME":
        return names["plots"]
    if action.metavar in ("PATH", "FILE"):
        return FILES
    return []


def commands(parser, names):
    """[(command, help, [options as Argument], positional words)] read from the parser."""
    found = []
    for action in parser._actions:  # argparse exposes no public walk over its subcommands
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        for name, sub in action.choices.items():
            options, positional = [], []
            for argument in sub._actions:
                values = values_of(argument, names)
                if argument.option_strings:
                    options.append(Argument(argument.option_strings, argument.help or "",
                                            values))
                elif values not in (None, FILES):
                    positional += [word for word in values if word not in positional]
            found.append((name, helps.get(name, ""), options, positional))
    return found


def top_options(parser):
    return [action for action in parser._actions
            if action.option_strings and not isinstance(action, argparse._SubParsersAction)]


def names_now():
    from ..demos import plots  # its names only: plots imports matplotlib when it draws

    topics = []
    for card in index.CARDS:
        topics += [card.topic, *card.aliases]
    return {"topics": topics, "plots": list(plots.PLOTS)}


def script(shell, parser):
    """The completion script for `shell`, one of SHELLS, as text."""
    names = names_now()
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](parser, commands(parser, names))


HEADER = ("# {shell} completion for cheatsheet, printed by `cheatsheet completion {shell}` "
          f"(keras-cheatsheet {__version__}).\n"
          "# Static: no Python runs on TAB. Print it again after adding a card.\n")


# -- bash -----------------------------------------------------------------------------------------

def bash(parser, found):
    top = [string for action in top_options(parser) for string in action.option_strings]
    lines = [HEADER.format(shell="bash")
             + "# Load it: source <(cheatsheet completion bash), or save it in "
             "~/.local/share/bash-completion/completions/cheatsheet",
             "_cheatsheet() {",
             '    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
             '    local command="" options="" words="" i',
             "    for ((i = 1; i < COMP_CWORD; i++)); do",
             '        case ${COMP_WORDS[i]} in',
             "            -*) ;;",
             '            *) command=${COMP_WORDS[i]}; break ;;',
             "        esac",
             "    done",
             "    case $command in",
             f'        "") options="{" ".join(top)}" '
             f'words="{" ".join(name for name, *_ in found)}" ;;']
    for name, _, options, positional in found:
        lines.append(f"        {name})")
        valued = [option for option in options if option.takes_value]
        if valued:
            lines.append("            case $prev in")
            for option in valued:
                pattern = "|".join(option.strings)
                if option.values == FILES:
                    action = ('compopt -o filenames 2>/dev/null; '
                              'COMPREPLY=($(compgen -f -- "$cur"))')
                elif option.values:
                    action = f'COMPREPLY=($(compgen -W "{" ".join(option.values)}" -- "$cur"))'
                else:
                    action = "COMPREPLY=()"
                lines.append(f"                {pattern}) {action}; return ;;")
            lines.append("            esac")
        strings = [string for option in options for string in option.strings]
        lines.append(f'            options="{" ".join(strings)}" words="{" ".join(positional)}" ;;')
    lines += ["    esac",
              '    [[ $cur == -* ]] && words="$options $words"  # options once a dash is typed',
              '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
              "}",
              "complete -F _cheatsheet cheatsheet"]
    return "\n".join(lines) + "\n"


# -- zsh ------------------------------------------------------------------------------------------

def zsh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def zsh(parser, found):
    described = " ".join(zsh_quote(f"{name}:{help_text}") for name, help_text, *_ in found)
    top = " ".join(string for action in top_options(parser) for string in action.option_strings)
    lines = ["#compdef cheatsheet",
             HEADER.format(shell="zsh")
             + "# Load it: source <(cheatsheet completion zsh) after compinit, or save it as "
             "_cheatsheet in a directory of $fpath.",
             "_cheatsheet() {",
             f"  local -a commands=({described})",
             "  if (( CURRENT == 2 )); then",
             "    _describe -t commands 'cheatsheet command' commands",
             f"    compadd -- {top}",
             "    return",
             "  fi",
             "  local prev=${words[CURRENT-1]}",
             "  case ${words[2]} in"]
    for name, _, options, positional in found:
        lines.append(f"    {name})")
        valued = [option for option in options if option.takes_value]
        if valued:
            lines.append("      case $prev in")
            for option in valued:
                if option.values == FILES:
                    action = "_files"
                elif option.values:
                    action = f"compadd -- {' '.join(option.values)}"
                else:
                    action = ":"
                lines.append(f"        {'|'.join(option.strings)}) {action}; return ;;")
            lines.append("      esac")
        strings = [string for option in options for string in option.strings]
        lines.append(f"      if [[ $PREFIX == -* ]]; then compadd -- {' '.join(strings)}; fi")
        lines.append(f"      compadd -- {' '.join(positional)} ;;" if positional else "      ;;")
    lines += ["  esac",
              "}",
              'if [[ ${funcstack[1]} == _cheatsheet ]]; then',
              '  _cheatsheet "$@"',
              "else",
              "  compdef _cheatsheet cheatsheet",
              "fi"]
    return "\n".join(lines) + "\n"


# -- fish -----------------------------------------------------------------------------------------

def fish_quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_option(option):
    parts = []
    for string in option.strings:
        parts.append(f"-l {string[2:]}" if string.startswith("--") else f"-s {string[1:]}")
    if option.values == FILES:
        parts.append("-r -F")
    elif option.values:
        parts.append(f"-x -a {fish_quote(' '.join(option.values))}")
    elif option.takes_value:
        parts.append("-x")
    return " ".join(parts) + f" -d {fish_quote(option.help)}"


def fish(parser, found):
    lines = [HEADER.format(shell="fish")
             + "# Load it: cheatsheet completion fish > ~/.config/fish/completions/cheatsheet.fish",
             "complete -c cheatsheet -f"]
    for action in top_options(parser):
        option = Argument(action.option_strings, action.help or "", None)
        lines.append(f"complete -c cheatsheet -n __fish_use_subcommand {fish_option(option)}")
    for name, help_text, _, _ in found:
        lines.append(f"complete -c cheatsheet -n __fish_use_subcommand -a {name} "
                     f"-d {fish_quote(help_text)}")
    for name, _, options, positional in found:
        when = f"-n {fish_quote('__fish_seen_subcommand_from ' + name)}"
        if positional:
            lines.append(f"complete -c cheatsheet {when} -a {fish_quote(' '.join(positional))}")
        for option in options:
            lines.append(f"complete -c cheatsheet {when} {fish_option(option)}")
    return "\n".join(lines) + "\n"
