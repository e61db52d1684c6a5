
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'leindex' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'leindex'
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
        'leindex' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('index', 'index', [CompletionResultType]::ParameterValue, 'Build or update the index of a repository (incremental)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the index holds: languages, counts, size, last run')
            [CompletionResult]::new('symbols', 'symbols', [CompletionResultType]::ParameterValue, 'List indexed symbols, with filters')
            [CompletionResult]::new('outline', 'outline', [CompletionResultType]::ParameterValue, 'Show everything extracted from one file: symbols, calls, imports, inheritance')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find functions, methods and types by words or identifiers (lexical, BM25)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What is affected if a symbol changes: callers, files, tests, risk')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'The code needed to understand or change a symbol, within a token budget')
            [CompletionResult]::new('hotspots', 'hotspots', [CompletionResultType]::ParameterValue, 'Rank code that is complex, central, churning and untested')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Print the resolved graph (all symbols and edges) for other tools')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of leindex or of one of its commands')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leindex;index' {
            [CompletionResult]::new('--max-file-size', '--max-file-size', [CompletionResultType]::ParameterName, 'Skip files larger than this many bytes')
            [CompletionResult]::new('--rebuild', '--rebuild', [CompletionResultType]::ParameterName, 'Parse every file again, ignoring what the index holds')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (and the JSON summary with --json)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (and the JSON summary with --json)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the summary as JSON')
            [CompletionResult]::new('--no-embed', '--no-embed', [CompletionResultType]::ParameterName, 'Do not embed symbols for semantic search now (the first `leindex search` that needs them does)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;status' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;symbols' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Only symbols whose name or qualified name contains this text')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many symbols')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;outline' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;search' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'How to rank: BM25 and embeddings blended, embeddings alone, or BM25 alone')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show this many hits')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Print N lines of code of each hit (from the file as it is now)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;impact' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Analyse every symbol whose lines changed between REV and the working tree (git)')
            [CompletionResult]::new('--direction', '--direction', [CompletionResultType]::ParameterName, 'Which way to walk')
            [CompletionResult]::new('--depth', '--depth', [CompletionResultType]::ParameterName, 'Stop after N edges from a target [default: unlimited]')
            [CompletionResult]::new('--min-confidence', '--min-confidence', [CompletionResultType]::ParameterName, 'Ignore edges weaker than this')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit with code 8 when more than N symbols are affected (a CI gate)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format (--json is the same as --format json)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'When SYMBOL matches several symbols, analyse them all')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;context' {
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'Most tokens the output may take (at least 64)')
            [CompletionResult]::new('--tokenizer', '--tokenizer', [CompletionResultType]::ParameterName, 'Tokenizer that counts the budget')
            [CompletionResult]::new('--expand', '--expand', [CompletionResultType]::ParameterName, 'How to expand from the seeds')
            [CompletionResult]::new('--hits', '--hits', [CompletionResultType]::ParameterName, 'Search hits used as seeds per query')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--search', '--search', [CompletionResultType]::ParameterName, 'Treat every TARGET as a search query, even a symbol''s name')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'When a name matches several symbols, start from all of them')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;hotspots' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Rank symbols (functions and methods) or whole files')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Churn window: commits since this date, in any form git accepts')
            [CompletionResult]::new('--lang', '--lang', [CompletionResultType]::ParameterName, 'Only these languages (python, typescript, tsx, javascript, go, rust)')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only files matching this glob or, without glob characters, under this path prefix')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show this many (0: all)')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--no-git', '--no-git', [CompletionResultType]::ParameterName, 'Do not read git history (churn is left out of the score)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;graph' {
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (a stable, documented schema) instead of a table')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'leindex;help' {
            [CompletionResult]::new('index', 'index', [CompletionResultType]::ParameterValue, 'Build or update the index of a repository (incremental)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the index holds: languages, counts, size, last run')
            [CompletionResult]::new('symbols', 'symbols', [CompletionResultType]::ParameterValue, 'List indexed symbols, with filters')
            [CompletionResult]::new('outline', 'outline', [CompletionResultType]::ParameterValue, 'Show everything extracted from one file: symbols, calls, imports, inheritance')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Find functions, methods and types by words or identifiers (lexical, BM25)')
            [CompletionResult]::new('impact', 'impact', [CompletionResultType]::ParameterValue, 'What is affected if a symbol changes: callers, files, tests, risk')
            [CompletionResult]::new('context', 'context', [CompletionResultType]::ParameterValue, 'The code needed to understand or change a symbol, within a token budget')
            [CompletionResult]::new('hotspots', 'hotspots', [CompletionResultType]::ParameterValue, 'Rank code that is complex, central, churning and untested')
            [CompletionResult]::new('graph', 'graph', [CompletionResultType]::ParameterValue, 'Print the resolved graph (all symbols and edges) for other tools')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) of leindex or of one of its commands')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'leindex;help;index' {
            break
        }
        'leindex;help;status' {
            break
        }
        'leindex;help;symbols' {
            break
        }
        'leindex;help;outline' {
            break
        }
        'leindex;help;search' {
            break
        }
        'leindex;help;impact' {
            break
        }
        'leindex;help;context' {
            break
        }
        'leindex;help;hotspots' {
            break
        }
        'leindex;help;graph' {
            break
        }
        'leindex;help;completions' {
            break
        }
        'leindex;help;man' {
            break
        }
        'leindex;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
