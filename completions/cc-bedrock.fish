# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_cc_bedrock_global_optspecs
    string join \n config= refresh quiet h/help V/version
end

function __fish_cc_bedrock_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_cc_bedrock_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_cc_bedrock_using_subcommand
    set -l cmd (__fish_cc_bedrock_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -l refresh -d 'Check cached profiles against AWS before launching (recreates deleted ones)'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -s h -l help -d 'Print help'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -s V -l version -d 'Print version'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "report" -d 'Spend by day, week, month, session or run, grouped by profile, repo, user, tag, ...'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "init" -d 'Write a commented .cc-bedrock.toml at the repository root'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "status" -d 'Show what a launch here would do, and whether it will work'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "profiles" -d 'List, show, delete and prune the inference profiles cc-bedrock created'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "env" -d 'Print the environment a launch would give claude (for `eval` or an IDE)'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c cc-bedrock -n "__fish_cc_bedrock_needs_command" -f -a "trust" -d 'Allow this repository\'s .cc-bedrock.toml to act (keyed on its path and content)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l by -d 'Group rows by profile, repo, branch, model, user or tag:KEY (a profile tag). Repeat to combine: --by repo --by model' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l since -d 'First day to include (YYYY-MM-DD or YYYYMMDD), in the report\'s time zone' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l until -d 'Last day to include (inclusive; YYYY-MM-DD or YYYYMMDD)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l tz -d 'Time zone for days, weeks and months (an IANA name such as Europe/Paris); default: the system\'s' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l repo -d 'Only usage in this repository (its directory name or full path)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l json -d 'Print JSON instead of a table'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l csv -d 'Print CSV (one line per row, no totals line) instead of a table'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l all-usage -d 'Scan every Claude Code transcript on this machine instead of reading the ledger (estimated costs, plus coverage: how much ran through cc-bedrock\'s profiles)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l no-index -d 'With --all-usage: neither read nor update the scan index (a full, slower scan)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l region -d 'AWS Region of the profiles (default: AWS_REGION, your AWS config, else us-east-1)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l opus -d 'Model of the opus tier: a system inference profile id, a model id or an ARN' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l sonnet -d 'Model of the sonnet tier' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l haiku -d 'Model of the haiku tier' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l main -d 'Tier used as Claude Code\'s main model' -r -f -a "opus\t''
sonnet\t''
haiku\t''"
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l tag -d 'A cost-allocation tag, KEY=VALUE (repeatable; values may use {user}, {repo}, {tier})' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l aws-profile -d 'Named AWS profile (~/.aws/config) whose credentials to use' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -s y -l yes -d 'Ask nothing; what the flags don\'t say takes its default'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l force -d 'Replace an existing .cc-bedrock.toml'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand status" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand status" -l json -d 'Print JSON instead of text'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand status" -l offline -d 'Make no AWS call (profiles are reported from the local cache only)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand status" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -l region -d 'AWS Region to look in (default: the Region a launch here would use)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -f -a "list" -d 'List the profiles cc-bedrock manages, with model, last local use and tags'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -f -a "show" -d 'Show one profile: ARN, model, routing, tags, cache and local use'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -f -a "delete" -d 'Delete one profile cc-bedrock manages, and forget it in the cache'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and not __fish_seen_subcommand_from list show delete prune" -f -a "prune" -d 'Delete the managed profiles this machine has not used for a while (asks first)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from list" -l region -d 'AWS Region to look in (default: the Region a launch here would use)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from list" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of a table'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from list" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from show" -l region -d 'AWS Region to look in (default: the Region a launch here would use)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from show" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from show" -l json -d 'Print JSON'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from show" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from delete" -l region -d 'AWS Region to look in (default: the Region a launch here would use)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from delete" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from delete" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l older-than -d 'Delete profiles whose last local run (or, if never run here, whose creation) is older than this many days' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l region -d 'AWS Region to look in (default: the Region a launch here would use)' -r
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -s y -l yes -d 'Do not ask for confirmation (needed when stdin is not a terminal)'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l dry-run -d 'Only list what would be deleted'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l all -d 'Also consider managed profiles this machine has never used or cached (other people\'s, other machines\'): the local ledger knows nothing of their use'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand profiles; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand env" -l shell -d 'Output format' -r -f -a "sh\t'POSIX sh / bash / zsh: `export NAME=\'value\'`'
fish\t'fish: `set -gx NAME \'value\'`'
json\t'A JSON object of the variables to set (and `null` for the ones to remove)'"
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand env" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand env" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand completions" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand completions" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand trust" -l config -d 'Use this config file instead of searching for .cc-bedrock.toml' -r -F
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand trust" -l revoke -d 'Forget the file instead'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand trust" -l show -d 'Only show the file and its trust state'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand trust" -l quiet -d 'No spinner and no cost summary on stderr'
complete -c cc-bedrock -n "__fish_cc_bedrock_using_subcommand trust" -s h -l help -d 'Print help (see more with \'--help\')'
