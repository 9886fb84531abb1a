
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'cc-bedrock' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'cc-bedrock'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'cc-bedrock' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Check cached profiles against AWS before launching (recreates deleted ones)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'Spend by day, week, month, session or run, grouped by profile, repo, user, tag, ...')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented .cc-bedrock.toml at the repository root')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what a launch here would do, and whether it will work')
            [CompletionResult]::new('profiles', 'profiles', [CompletionResultType]::ParameterValue, 'List, show, delete and prune the inference profiles cc-bedrock created')
            [CompletionResult]::new('env', 'env', [CompletionResultType]::ParameterValue, 'Print the environment a launch would give claude (for `eval` or an IDE)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Allow this repository''s .cc-bedrock.toml to act (keyed on its path and content)')
            break
        }
        'cc-bedrock;report' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group rows by profile, repo, branch, model, user or tag:KEY (a profile tag). Repeat to combine: --by repo --by model')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'First day to include (YYYY-MM-DD or YYYYMMDD), in the report''s time zone')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Last day to include (inclusive; YYYY-MM-DD or YYYYMMDD)')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'Time zone for days, weeks and months (an IANA name such as Europe/Paris); default: the system''s')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Only usage in this repository (its directory name or full path)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--csv', '--csv', [CompletionResultType]::ParameterName, 'Print CSV (one line per row, no totals line) instead of a table')
            [CompletionResult]::new('--all-usage', '--all-usage', [CompletionResultType]::ParameterName, 'Scan every Claude Code transcript on this machine instead of reading the ledger (estimated costs, plus coverage: how much ran through cc-bedrock''s profiles)')
            [CompletionResult]::new('--no-index', '--no-index', [CompletionResultType]::ParameterName, 'With --all-usage: neither read nor update the scan index (a full, slower scan)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cc-bedrock;init' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region of the profiles (default: AWS_REGION, your AWS config, else us-east-1)')
            [CompletionResult]::new('--opus', '--opus', [CompletionResultType]::ParameterName, 'Model of the opus tier: a system inference profile id, a model id or an ARN')
            [CompletionResult]::new('--sonnet', '--sonnet', [CompletionResultType]::ParameterName, 'Model of the sonnet tier')
            [CompletionResult]::new('--haiku', '--haiku', [CompletionResultType]::ParameterName, 'Model of the haiku tier')
            [CompletionResult]::new('--main', '--main', [CompletionResultType]::ParameterName, 'Tier used as Claude Code''s main model')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A cost-allocation tag, KEY=VALUE (repeatable; values may use {user}, {repo}, {tier})')
            [CompletionResult]::new('--aws-profile', '--aws-profile', [CompletionResultType]::ParameterName, 'Named AWS profile (~/.aws/config) whose credentials to use')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Ask nothing; what the flags don''t say takes its default')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Ask nothing; what the flags don''t say takes its default')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing .cc-bedrock.toml')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cc-bedrock;status' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of text')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Make no AWS call (profiles are reported from the local cache only)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cc-bedrock;profiles' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region to look in (default: the Region a launch here would use)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles cc-bedrock manages, with model, last local use and tags')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile: ARN, model, routing, tags, cache and local use')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete one profile cc-bedrock manages, and forget it in the cache')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete the managed profiles this machine has not used for a while (asks first)')
            break
        }
        'cc-bedrock;profiles;list' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region to look in (default: the Region a launch here would use)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of a table')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cc-bedrock;profiles;show' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region to look in (default: the Region a launch here would use)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cc-bedrock;profiles;delete' {
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region to look in (default: the Region a launch here would use)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cc-bedrock;profiles;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Delete profiles whose last local run (or, if never run here, whose creation) is older than this many days')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'AWS Region to look in (default: the Region a launch here would use)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be deleted')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also consider managed profiles this machine has never used or cached (other people''s, other machines''): the local ledger knows nothing of their use')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'cc-bedrock;env' {
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cc-bedrock;completions' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'cc-bedrock;trust' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Use this config file instead of searching for .cc-bedrock.toml')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Forget the file instead')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Only show the file and its trust state')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No spinner and no cost summary on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
