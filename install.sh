#!/bin/sh
# install.sh: build cc-bedrock from this checkout and install it, with its bash, zsh and fish
# completions, for the current user.
#
#   ./install.sh                   build and install into ~/.local/bin
#   ./install.sh --to DIR          install the binary into DIR instead
#   ./install.sh --uninstall       remove the binary and completions installed here
#   ./install.sh --debug           a debug build (quicker to build; used by the tests)
#
# Needs cargo (https://rustup.rs). Running it again replaces what it installed. It writes:
#   DIR/cc-bedrock
#   ${XDG_DATA_HOME:-~/.local/share}/bash-completion/completions/cc-bedrock
#   ~/.zfunc/_cc-bedrock                          (zsh: ~/.zfunc must be on fpath)
#   ${XDG_CONFIG_HOME:-~/.config}/fish/completions/cc-bedrock.fish

set -eu

BIN=cc-bedrock

# Removed on any exit, so a failed or interrupted run leaves nothing half-done behind.
tmp_dir=""
partial=""

cleanup() {
    if [ -n "$partial" ]; then rm -f "$partial"; fi
    if [ -n "$tmp_dir" ]; then rm -rf "$tmp_dir"; fi
}

say() { printf '%s\n' "$*"; }
die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<EOF
Usage: ./install.sh [--to DIR] [--debug] [--uninstall]

Builds cc-bedrock from this checkout (cargo install --locked --path .) and installs it with
shell completions for bash, zsh and fish.

  --to DIR      where the binary goes (default: ~/.local/bin)
  --debug       build without optimisations (quicker)
  --uninstall   remove the binary from DIR and the completion scripts
  -h, --help    this help
EOF
}

# Moves FILE into place as DEST: a temp file in DEST's directory, then a rename, so DEST is
# always either the old file or the complete new one.
put() {
    file=$1
    dest=$2
    dir=$(dirname "$dest")
    mkdir -p "$dir" || die "cannot create $dir"
    partial="$dir/.$(basename "$dest").tmp.$$"
    cp "$file" "$partial"
    chmod "${3:-644}" "$partial"
    mv -f "$partial" "$dest"
    partial=""
}

completion_paths() {
    data_home=${XDG_DATA_HOME:-$HOME/.local/share}
    config_home=${XDG_CONFIG_HOME:-$HOME/.config}
    bash_file="$data_home/bash-completion/completions/$BIN"
    zsh_dir="$HOME/.zfunc"
    zsh_file="$zsh_dir/_$BIN"
    fish_file="$config_home/fish/completions/$BIN.fish"
}

uninstall() {
    to=$1
    removed=0
    for f in "$to/$BIN" "$bash_file" "$zsh_file" "$fish_file"; do
        if [ -e "$f" ]; then
            rm -f "$f"
            say "Removed $f"
            removed=1
        fi
    done
    if [ "$removed" = 0 ]; then
        say "Nothing to remove: cc-bedrock is not installed in $to."
    fi
    say "Your config, profile cache and ledger are kept (\`cc-bedrock status\` showed where)."
}

build() {
    src=$1
    profile=$2
    if ! command -v cargo >/dev/null 2>&1; then
        die "cargo was not found on PATH. Install Rust with rustup:
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh
then open a new shell (or run: . \"\$HOME/.cargo/env\") and run ./install.sh again."
    fi
    tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/cc-bedrock-install.XXXXXX")
    say "Building cc-bedrock with cargo (the first build takes a few minutes)..."
    # A temporary --root keeps cargo's install bookkeeping out of the user's directories; only
    # the binary is copied from it. CARGO_TARGET_DIR, when set, lets the build reuse artifacts.
    # The root's bin is put on cargo's PATH only to silence its "add it to your PATH" advice.
    flag=""
    if [ "$profile" = debug ]; then flag=--debug; fi
    # shellcheck disable=SC2086 # $flag is empty or one word
    PATH="$tmp_dir/bin:$PATH" cargo install --locked $flag --path "$src" --root "$tmp_dir" ||
        die "the build failed (cargo's messages are above)"
    built="$tmp_dir/bin/$BIN"
    [ -x "$built" ] || die "cargo install did not produce $built"
}

install_completions() {
    exe=$1
    for shell in bash zsh fish; do
        "$exe" completions "$shell" >"$tmp_dir/completions.$shell" ||
            die "$exe could not generate the $shell completions"
    done
    put "$tmp_dir/completions.bash" "$bash_file"
    put "$tmp_dir/completions.zsh" "$zsh_file"
    put "$tmp_dir/completions.fish" "$fish_file"
    say "Installed completions:"
    say "  bash  $bash_file"
    say "  zsh   $zsh_file"
    say "  fish  $fish_file"
    if [ ! -f /usr/share/bash-completion/bash_completion ] && [ ! -f /etc/bash_completion ]; then
        say "  bash loads it through the bash-completion package; without that package add"
        say "  \`. $bash_file\` to ~/.bashrc."
    fi
    if ! grep -qs 'zfunc' "$HOME/.zshrc"; then
        say "  zsh finds it once ~/.zfunc is on fpath: add to ~/.zshrc, before compinit runs:"
        say "    fpath=(~/.zfunc \$fpath)"
        say "    autoload -Uz compinit && compinit"
    fi
}

path_advice() {
    to=$1
    case ":${PATH:-}:" in
        *":$to:"*) return 0 ;;
    esac
    say ""
    say "$to is not on your PATH. Add it:"
    say "  sh, bash, zsh:  echo 'export PATH=\"$to:\$PATH\"' >> ~/.profile   (then log in again)"
    say "  fish:           fish_add_path $to"
}

main() {
    to="${HOME:?HOME is not set}/.local/bin"
    profile=release
    mode=install
    while [ $# -gt 0 ]; do
        case $1 in
            --to)
                [ $# -ge 2 ] || die "--to needs a directory"
                to=$2
                shift 2
                ;;
            --to=*)
                to=${1#--to=}
                shift
                ;;
            --debug)
                profile=debug
                shift
                ;;
            --uninstall)
                mode=uninstall
                shift
                ;;
            -h | --help)
                usage
                return 0
                ;;
            *)
                usage >&2
                die "unknown option: $1"
                ;;
        esac
    done
    [ -n "$to" ] || die "--to needs a directory"
    case $to in
        /*) ;;
        *) to="$(pwd)/$to" ;;
    esac

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    completion_paths

    if [ "$mode" = uninstall ]; then
        uninstall "$to"
        return 0
    fi

    src=$(cd "$(dirname "$0")" && pwd)
    grep -qs '^name = "cc-bedrock"' "$src/Cargo.toml" ||
        die "run install.sh from a cc-bedrock checkout ($src has no cc-bedrock Cargo.toml)"
    build "$src" "$profile"

    mkdir -p "$to" || die "cannot create $to"
    # Copy and rename: a cc-bedrock running right now keeps its old file.
    put "$built" "$to/$BIN" 755
    version=$("$to/$BIN" --version) || die "the installed $to/$BIN does not run"
    say "Installed $to/$BIN ($version)"

    # From the installed binary, so the completions always match it.
    install_completions "$to/$BIN"
    path_advice "$to"
    say ""
    say "Next, in a repository: cc-bedrock init, then cc-bedrock."
}

main "$@"
