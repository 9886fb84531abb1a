
use builtin;
use str;

set edit:completion:arg-completer[cc-bedrock] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'cc-bedrock'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'cc-bedrock'= {
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --refresh 'Check cached profiles against AWS before launching (recreates deleted ones)'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand report 'Spend by day, week, month, session or run, grouped by profile, repo, user, tag, ...'
            cand init 'Write a commented .cc-bedrock.toml at the repository root'
            cand status 'Show what a launch here would do, and whether it will work'
            cand profiles 'List, show, delete and prune the inference profiles cc-bedrock created'
            cand env 'Print the environment a launch would give claude (for `eval` or an IDE)'
            cand completions 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
            cand trust 'Allow this repository''s .cc-bedrock.toml to act (keyed on its path and content)'
        }
        &'cc-bedrock;report'= {
            cand --by 'Group rows by profile, repo, branch, model, user or tag:KEY (a profile tag). Repeat to combine: --by repo --by model'
            cand --since 'First day to include (YYYY-MM-DD or YYYYMMDD), in the report''s time zone'
            cand --until 'Last day to include (inclusive; YYYY-MM-DD or YYYYMMDD)'
            cand --tz 'Time zone for days, weeks and months (an IANA name such as Europe/Paris); default: the system''s'
            cand --repo 'Only usage in this repository (its directory name or full path)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --json 'Print JSON instead of a table'
            cand --csv 'Print CSV (one line per row, no totals line) instead of a table'
            cand --all-usage 'Scan every Claude Code transcript on this machine instead of reading the ledger (estimated costs, plus coverage: how much ran through cc-bedrock''s profiles)'
            cand --no-index 'With --all-usage: neither read nor update the scan index (a full, slower scan)'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cc-bedrock;init'= {
            cand --region 'AWS Region of the profiles (default: AWS_REGION, your AWS config, else us-east-1)'
            cand --opus 'Model of the opus tier: a system inference profile id, a model id or an ARN'
            cand --sonnet 'Model of the sonnet tier'
            cand --haiku 'Model of the haiku tier'
            cand --main 'Tier used as Claude Code''s main model'
            cand --tag 'A cost-allocation tag, KEY=VALUE (repeatable; values may use {user}, {repo}, {tier})'
            cand --aws-profile 'Named AWS profile (~/.aws/config) whose credentials to use'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand -y 'Ask nothing; what the flags don''t say takes its default'
            cand --yes 'Ask nothing; what the flags don''t say takes its default'
            cand --force 'Replace an existing .cc-bedrock.toml'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cc-bedrock;status'= {
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --json 'Print JSON instead of text'
            cand --offline 'Make no AWS call (profiles are reported from the local cache only)'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cc-bedrock;profiles'= {
            cand --region 'AWS Region to look in (default: the Region a launch here would use)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List the profiles cc-bedrock manages, with model, last local use and tags'
            cand show 'Show one profile: ARN, model, routing, tags, cache and local use'
            cand delete 'Delete one profile cc-bedrock manages, and forget it in the cache'
            cand prune 'Delete the managed profiles this machine has not used for a while (asks first)'
        }
        &'cc-bedrock;profiles;list'= {
            cand --region 'AWS Region to look in (default: the Region a launch here would use)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --json 'Print JSON instead of a table'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cc-bedrock;profiles;show'= {
            cand --region 'AWS Region to look in (default: the Region a launch here would use)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --json 'Print JSON'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cc-bedrock;profiles;delete'= {
            cand --region 'AWS Region to look in (default: the Region a launch here would use)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cc-bedrock;profiles;prune'= {
            cand --older-than 'Delete profiles whose last local run (or, if never run here, whose creation) is older than this many days'
            cand --region 'AWS Region to look in (default: the Region a launch here would use)'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand -y 'Do not ask for confirmation (needed when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (needed when stdin is not a terminal)'
            cand --dry-run 'Only list what would be deleted'
            cand --all 'Also consider managed profiles this machine has never used or cached (other people''s, other machines''): the local ledger knows nothing of their use'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'cc-bedrock;env'= {
            cand --shell 'Output format'
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cc-bedrock;completions'= {
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'cc-bedrock;trust'= {
            cand --config 'Use this config file instead of searching for .cc-bedrock.toml'
            cand --revoke 'Forget the file instead'
            cand --show 'Only show the file and its trust state'
            cand --quiet 'No spinner and no cost summary on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
    ]
    $completions[$command]
}
