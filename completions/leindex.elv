
use builtin;
use str;

set edit:completion:arg-completer[leindex] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'leindex'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'leindex'= {
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand index 'Build or update the index of a repository (incremental)'
            cand status 'Show what the index holds: languages, counts, size, last run'
            cand symbols 'List indexed symbols, with filters'
            cand outline 'Show everything extracted from one file: symbols, calls, imports, inheritance'
            cand search 'Find functions, methods and types by words or identifiers (lexical, BM25)'
            cand impact 'What is affected if a symbol changes: callers, files, tests, risk'
            cand context 'The code needed to understand or change a symbol, within a token budget'
            cand hotspots 'Rank code that is complex, central, churning and untested'
            cand graph 'Print the resolved graph (all symbols and edges) for other tools'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) of leindex or of one of its commands'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leindex;index'= {
            cand --max-file-size 'Skip files larger than this many bytes'
            cand --rebuild 'Parse every file again, ignoring what the index holds'
            cand -q 'Print nothing but errors (and the JSON summary with --json)'
            cand --quiet 'Print nothing but errors (and the JSON summary with --json)'
            cand --json 'Print the summary as JSON'
            cand --no-embed 'Do not embed symbols for semantic search now (the first `leindex search` that needs them does)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;status'= {
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;symbols'= {
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --kind 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)'
            cand --lang 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)'
            cand --path 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix'
            cand --name 'Only symbols whose name or qualified name contains this text'
            cand --limit 'Show at most this many symbols'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;outline'= {
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;search'= {
            cand --kind 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)'
            cand --lang 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)'
            cand --path 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix'
            cand --mode 'How to rank: BM25 and embeddings blended, embeddings alone, or BM25 alone'
            cand --limit 'Show this many hits'
            cand --context 'Print N lines of code of each hit (from the file as it is now)'
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;impact'= {
            cand --since 'Analyse every symbol whose lines changed between REV and the working tree (git)'
            cand --direction 'Which way to walk'
            cand --depth 'Stop after N edges from a target [default: unlimited]'
            cand --min-confidence 'Ignore edges weaker than this'
            cand --fail-above 'Exit with code 8 when more than N symbols are affected (a CI gate)'
            cand --format 'Output format (--json is the same as --format json)'
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --all 'When SYMBOL matches several symbols, analyse them all'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;context'= {
            cand --budget 'Most tokens the output may take (at least 64)'
            cand --tokenizer 'Tokenizer that counts the budget'
            cand --expand 'How to expand from the seeds'
            cand --hits 'Search hits used as seeds per query'
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --search 'Treat every TARGET as a search query, even a symbol''s name'
            cand --all 'When a name matches several symbols, start from all of them'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;hotspots'= {
            cand --by 'Rank symbols (functions and methods) or whole files'
            cand --since 'Churn window: commits since this date, in any form git accepts'
            cand --lang 'Only these languages (python, typescript, tsx, javascript, go, rust)'
            cand --path 'Only files matching this glob or, without glob characters, under this path prefix'
            cand --limit 'Show this many (0: all)'
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --no-git 'Do not read git history (churn is left out of the score)'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;graph'= {
            cand --root 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]'
            cand --json 'Print JSON (a stable, documented schema) instead of a table'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'leindex;help'= {
            cand index 'Build or update the index of a repository (incremental)'
            cand status 'Show what the index holds: languages, counts, size, last run'
            cand symbols 'List indexed symbols, with filters'
            cand outline 'Show everything extracted from one file: symbols, calls, imports, inheritance'
            cand search 'Find functions, methods and types by words or identifiers (lexical, BM25)'
            cand impact 'What is affected if a symbol changes: callers, files, tests, risk'
            cand context 'The code needed to understand or change a symbol, within a token budget'
            cand hotspots 'Rank code that is complex, central, churning and untested'
            cand graph 'Print the resolved graph (all symbols and edges) for other tools'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) of leindex or of one of its commands'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'leindex;help;index'= {
        }
        &'leindex;help;status'= {
        }
        &'leindex;help;symbols'= {
        }
        &'leindex;help;outline'= {
        }
        &'leindex;help;search'= {
        }
        &'leindex;help;impact'= {
        }
        &'leindex;help;context'= {
        }
        &'leindex;help;hotspots'= {
        }
        &'leindex;help;graph'= {
        }
        &'leindex;help;completions'= {
        }
        &'leindex;help;man'= {
        }
        &'leindex;help;help'= {
        }
    ]
    $completions[$command]
}
