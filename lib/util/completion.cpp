#include "util/completion.hpp"

#include <fmt/format.h>

#include <functional>

namespace llmctl::completion {
namespace {

// Every command with its space-separated path below the root ("" for the root).
void visit(const CommandSpec& command, const std::string& path,
           const std::function<void(const CommandSpec&, const std::string&)>& fn) {
  fn(command, path);
  for (const auto& sub : command.subcommands)
    visit(sub, path.empty() ? sub.name : path + " " + sub.name, fn);
}

std::string join(const std::vector<std::string>& items, const char* sep = " ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// How a value completes, in the small vocabulary the shell functions share:
// "choice:a b c", "model", "path", "any".
std::string value_code(ValueKind kind, const std::vector<std::string>& choices) {
  switch (kind) {
    case ValueKind::choice: return "choice:" + join(choices);
    case ValueKind::model: return "model";
    case ValueKind::path: return "path";
    case ValueKind::any: return "any";
    case ValueKind::none: return "";
  }
  return "";
}

// Single quotes for shell words: 'it'\''s'.
std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> subcommand_names(const CommandSpec& command) {
  std::vector<std::string> names;
  for (const auto& sub : command.subcommands) names.push_back(sub.name);
  return names;
}

std::vector<std::string> option_names(const CommandSpec& command) {
  std::vector<std::string> names;
  for (const auto& opt : command.options) names.insert(names.end(), opt.names.begin(), opt.names.end());
  return names;
}

// The walk over the words typed so far, identical in bash and zsh: options are
// skipped with their value ("--opt value", "--opt=value", and "--opt = value" as
// bash splits it), a word naming a subcommand of the current command descends,
// other words count as positionals. Sets cmdpath, npos and pending (the value
// kind the word under the cursor must take, if the previous word asks for one).
constexpr const char* kWalk = R"SH(  local cmdpath="" npos=0 i w kind pending="" j
  for ((i = FIRST; i < LAST; i++)); do
    w="${WORDS[i]}"
    if [[ "$w" == -* ]]; then
      [[ "$w" == *=* ]] && continue
      kind="$(__llmctl_option_value "$cmdpath" "$w")"
      [[ -z "$kind" ]] && continue
      j=$((i + 1))
      [[ "${WORDS[j]}" == "=" ]] && j=$((j + 1))
      if ((j >= LAST)); then pending="$kind"; break; fi
      i=$j
      continue
    fi
    if ((npos == 0)) && [[ " $(__llmctl_subcommands "$cmdpath") " == *" $w "* ]]; then
      cmdpath="${cmdpath:+$cmdpath }$w"
    else
      npos=$((npos + 1))
    fi
  done
)SH";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// The case tables the bash and zsh scripts share (both shells read this syntax).
std::string shared_tables(const CommandSpec& root, const std::vector<std::string>& aliases) {
  std::string subs, opts, values, positionals;
  visit(root, "", [&](const CommandSpec& command, const std::string& path) {
    const auto names = subcommand_names(command);
    if (!names.empty()) subs += fmt::format("    {}) echo {} ;;\n", sh_quote(path), sh_quote(join(names)));
    opts += fmt::format("    {}) echo {} ;;\n", sh_quote(path), sh_quote(join(option_names(command))));
    for (const auto& opt : command.options) {
      if (opt.value == ValueKind::none) continue;
      for (const auto& name : opt.names)
        values += fmt::format("    {}) echo {} ;;\n", sh_quote(path + "|" + name),
                              sh_quote(value_code(opt.value, opt.choices)));
    }
    for (std::size_t i = 0; i < command.positionals.size(); ++i) {
      const auto& pos = command.positionals[i];
      positionals += fmt::format("    {}) echo {} ;;\n", sh_quote(path + "|" + std::to_string(i)),
                                 sh_quote(value_code(pos.value, pos.choices)));
    }
  });
  std::string out;
  out += "__llmctl_aliases=" + sh_quote(join(aliases)) + "\n\n";
  out += "# Subcommands of a command path.\n__llmctl_subcommands() {\n  case \"$1\" in\n" + subs + "  esac\n}\n\n";
  out += "# Options of a command path.\n__llmctl_options() {\n  case \"$1\" in\n" + opts + "  esac\n}\n\n";
  out += "# What the value of an option completes to (empty for flags).\n"
         "__llmctl_option_value() {\n  case \"$1|$2\" in\n" + values + "  esac\n}\n\n";
  out += "# What the N-th positional argument of a command completes to.\n"
         "__llmctl_positional() {\n  case \"$1|$2\" in\n" + positionals + "  esac\n}\n\n";
  return out;
}

}  // namespace

std::string bash_script(const CommandSpec& root, const std::vector<std::string>& aliases) {
  std::string out =
      "# bash completion for llmctl. Generated by `llmctl completion bash`; do not edit.\n"
      "# Use: source <(llmctl completion bash), or install as\n"
      "# /usr/share/bash-completion/completions/llmctl\n\n";
  out += shared_tables(root, aliases);
  out += R"SH(__llmctl_complete_value() {
  local kind="$1" cur="$2"
  case "$kind" in
    choice:*) COMPREPLY=($(compgen -W "${kind#choice:}" -- "$cur")) ;;
    model)
      COMPREPLY=($(compgen -W "$__llmctl_aliases" -- "$cur") $(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null ;;
    path)
      COMPREPLY=($(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null ;;
  esac
}

_llmctl() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  COMPREPLY=()
)SH";
  out += replace_all(replace_all(replace_all(kWalk, "FIRST", "1"), "LAST", "COMP_CWORD"), "WORDS", "COMP_WORDS");
  out += R"SH(  [[ "$cur" == "=" ]] && cur=""
  if [[ -n "$pending" ]]; then
    __llmctl_complete_value "$pending" "$cur"
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(__llmctl_options "$cmdpath")" -- "$cur"))
    return 0
  fi
  local subs
  subs="$(__llmctl_subcommands "$cmdpath")"
  if [[ -n "$subs" ]] && ((npos == 0)); then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    return 0
  fi
  kind="$(__llmctl_positional "$cmdpath" "$npos")"
  [[ -n "$kind" ]] && __llmctl_complete_value "$kind" "$cur"
  return 0
}

complete -F _llmctl llmctl
)SH";
  return out;
}

std::string zsh_script(const CommandSpec& root, const std::vector<std::string>& aliases) {
  std::string out =
      "#compdef llmctl\n"
      "# zsh completion for llmctl. Generated by `llmctl completion zsh`; do not edit.\n"
      "# Use: source <(llmctl completion zsh), or install as _llmctl in a directory of $fpath\n\n";
  out += shared_tables(root, aliases);
  // Descriptions for subcommands and options, shown by _describe.
  std::string described;
  visit(root, "", [&](const CommandSpec& command, const std::string& path) {
    std::vector<std::string> items;
    for (const auto& sub : command.subcommands)
      items.push_back(sh_quote(sub.name + ":" + sub.description));
    for (const auto& opt : command.options)
      for (const auto& name : opt.names) items.push_back(sh_quote(name + ":" + opt.description));
    described += fmt::format("    {}) reply=({}) ;;\n", sh_quote(path), join(items));
  });
  out += "# name:description pairs of a command path's subcommands and options.\n"
         "__llmctl_described() {\n  reply=()\n  case \"$1\" in\n" + described + "  esac\n}\n\n";
  out += R"SH(__llmctl_complete_value() {
  case "$1" in
    choice:*) compadd -- ${=${1#choice:}} ;;
    model) compadd -- ${=__llmctl_aliases}; _files ;;
    path) _files ;;
  esac
}

_llmctl() {
  local -a reply items
)SH";
  out += replace_all(replace_all(replace_all(kWalk, "FIRST", "2"), "LAST", "CURRENT"), "WORDS", "words");
  out += R"SH(  local cur="${words[CURRENT]}"
  if [[ -n "$pending" ]]; then
    __llmctl_complete_value "$pending"
    return
  fi
  __llmctl_described "$cmdpath"
  if [[ "$cur" == -* ]]; then
    items=(${(M)reply:#-*})
    _describe -t options option items
    return
  fi
  if [[ -n "$(__llmctl_subcommands "$cmdpath")" ]] && ((npos == 0)); then
    items=(${reply:#-*})
    _describe -t commands command items
    return
  fi
  kind="$(__llmctl_positional "$cmdpath" "$npos")"
  [[ -n "$kind" ]] && __llmctl_complete_value "$kind"
}

if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _llmctl "$@"
else
  compdef _llmctl llmctl
fi
)SH";
  return out;
}

namespace {

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string fish_value_args(ValueKind kind, const std::vector<std::string>& choices,
                            const std::string& aliases) {
  switch (kind) {
    case ValueKind::choice: return " -x -a " + fish_quote(join(choices));
    case ValueKind::model: return " -r -F -a " + fish_quote(aliases);
    case ValueKind::path: return " -r -F";
    case ValueKind::any: return " -x";
    case ValueKind::none: return "";
  }
  return "";
}

}  // namespace

std::string fish_script(const CommandSpec& root, const std::vector<std::string>& aliases) {
  const std::string alias_list = join(aliases);
  std::string sub_keys, value_opts, lines;
  visit(root, "", [&](const CommandSpec& command, const std::string& path) {
    const std::string at = fish_quote("__llmctl_at " + fish_quote(path));
    for (const auto& sub : command.subcommands) {
      sub_keys += " " + fish_quote(path + "|" + sub.name);
      lines += fmt::format("complete -c llmctl -n {} -a {} -d {}\n",
                           fish_quote("__llmctl_at " + fish_quote(path) + "; and __llmctl_no_positional"),
                           fish_quote(sub.name), fish_quote(sub.description));
    }
    for (const auto& opt : command.options) {
      std::string flags;
      for (const auto& name : opt.names) {
        const bool is_long = name.rfind("--", 0) == 0;
        flags += fmt::format(" {} {}", is_long ? "-l" : "-s", fish_quote(name.substr(is_long ? 2 : 1)));
        if (opt.value != ValueKind::none) value_opts += fmt::format(" {}", fish_quote(fmt::format("{}|{}", path, name)));
      }
      lines += fmt::format("complete -c llmctl -n {}{} -d {}{}\n", at, flags, fish_quote(opt.description),
                           fish_value_args(opt.value, opt.choices, alias_list));
    }
    for (std::size_t i = 0; i < command.positionals.size(); ++i) {
      const auto& pos = command.positionals[i];
      if (pos.value == ValueKind::any || pos.value == ValueKind::none) continue;
      std::string args;
      if (pos.value == ValueKind::choice) args = " -a " + fish_quote(join(pos.choices));
      else if (pos.value == ValueKind::model) args = " -F -a " + fish_quote(alias_list);
      else args = " -F";
      lines += fmt::format("complete -c llmctl -n {}{}\n",
                           fish_quote("__llmctl_at " + fish_quote(path) + "; and __llmctl_npos " +
                                      std::to_string(i)),
                           args);
    }
  });

  std::string out = "# fish completion for llmctl. Generated by `llmctl completion fish`; do not edit.\n"
                    "# Use: llmctl completion fish | source, or install as\n"
                    "# ~/.config/fish/completions/llmctl.fish\n\n";
  out += "set -g __llmctl_subcommand_keys" + sub_keys + "\n";
  out += "set -g __llmctl_value_options" + value_opts + "\n\n";
  out += R"SH(# Prints the command path and the number of positionals typed after it.
function __llmctl_state
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmdpath ''
    set -l npos 0
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $t
            if not string match -q -- '*=*' $t; and contains -- "$cmdpath|$t" $__llmctl_value_options
                set skip 1
            end
            continue
        end
        if test $npos -eq 0; and contains -- "$cmdpath|$t" $__llmctl_subcommand_keys
            set cmdpath (string trim -- "$cmdpath $t")
        else
            set npos (math $npos + 1)
        end
    end
    echo $cmdpath
    echo $npos
end

function __llmctl_at
    set -l state (__llmctl_state)
    test "$state[1]" = "$argv[1]"
end

function __llmctl_npos
    set -l state (__llmctl_state)
    test "$state[2]" = "$argv[1]"
end

function __llmctl_no_positional
    __llmctl_npos 0
end

complete -c llmctl -f
)SH";
  out += lines;
  return out;
}

}  // namespace llmctl::completion
