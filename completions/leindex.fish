# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_leindex_global_optspecs
    string join \n h/help V/version
end

function __fish_leindex_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_leindex_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_leindex_using_subcommand
    set -l cmd (__fish_leindex_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c leindex -n "__fish_leindex_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leindex -n "__fish_leindex_needs_command" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "index" -d 'Build or update the index of a repository (incremental)'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "status" -d 'Show what the index holds: languages, counts, size, last run'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "symbols" -d 'List indexed symbols, with filters'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "outline" -d 'Show everything extracted from one file: symbols, calls, imports, inheritance'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "search" -d 'Find functions, methods and types by words or identifiers (lexical, BM25)'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "impact" -d 'What is affected if a symbol changes: callers, files, tests, risk'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "context" -d 'The code needed to understand or change a symbol, within a token budget'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "hotspots" -d 'Rank code that is complex, central, churning and untested'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "graph" -d 'Print the resolved graph (all symbols and edges) for other tools'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "man" -d 'Print the man page (roff) of leindex or of one of its commands'
complete -c leindex -n "__fish_leindex_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c leindex -n "__fish_leindex_using_subcommand index" -l max-file-size -d 'Skip files larger than this many bytes' -r
complete -c leindex -n "__fish_leindex_using_subcommand index" -l rebuild -d 'Parse every file again, ignoring what the index holds'
complete -c leindex -n "__fish_leindex_using_subcommand index" -s q -l quiet -d 'Print nothing but errors (and the JSON summary with --json)'
complete -c leindex -n "__fish_leindex_using_subcommand index" -l json -d 'Print the summary as JSON'
complete -c leindex -n "__fish_leindex_using_subcommand index" -l no-embed -d 'Do not embed symbols for semantic search now (the first `leindex search` that needs them does)'
complete -c leindex -n "__fish_leindex_using_subcommand index" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand index" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand status" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand status" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand status" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand status" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l kind -d 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)' -r
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l lang -d 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)' -r
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l path -d 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix' -r
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l name -d 'Only symbols whose name or qualified name contains this text' -r
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l limit -d 'Show at most this many symbols' -r
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand symbols" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand outline" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand outline" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand outline" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand outline" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand search" -l kind -d 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant, macro)' -r
complete -c leindex -n "__fish_leindex_using_subcommand search" -l lang -d 'Only these languages (python, typescript, tsx, javascript, go, rust; typescript includes tsx)' -r
complete -c leindex -n "__fish_leindex_using_subcommand search" -l path -d 'Only files matching this glob (`src/**/*.py`) or, without glob characters, under this path prefix' -r
complete -c leindex -n "__fish_leindex_using_subcommand search" -l mode -d 'How to rank: BM25 and embeddings blended, embeddings alone, or BM25 alone' -r -f -a "hybrid\t''
semantic\t''
lexical\t''"
complete -c leindex -n "__fish_leindex_using_subcommand search" -l limit -d 'Show this many hits' -r
complete -c leindex -n "__fish_leindex_using_subcommand search" -l context -d 'Print N lines of code of each hit (from the file as it is now)' -r
complete -c leindex -n "__fish_leindex_using_subcommand search" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand search" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand search" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand search" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l since -d 'Analyse every symbol whose lines changed between REV and the working tree (git)' -r
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l direction -d 'Which way to walk' -r -f -a "up\t'Callers, subclasses and implementors: who may break if the target changes'
down\t'Callees and bases: what the target depends on'
both\t'Both'"
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l depth -d 'Stop after N edges from a target [default: unlimited]' -r
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l min-confidence -d 'Ignore edges weaker than this' -r -f -a "exact\t'Only edges the code states directly (same file/package, self/this)'
import\t'... and edges found through imports'
dynamic\t'... and interface/trait/override dispatch'
name\t'... and name-only matches (receiver of unknown type)'
unresolved\t'... and edges to unresolved placeholders'"
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l fail-above -d 'Exit with code 8 when more than N symbols are affected (a CI gate)' -r
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l format -d 'Output format (--json is the same as --format json)' -r -f -a "table\t''
json\t''
dot\t'Graphviz DOT of the impacted subgraph'"
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l all -d 'When SYMBOL matches several symbols, analyse them all'
complete -c leindex -n "__fish_leindex_using_subcommand impact" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand impact" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leindex -n "__fish_leindex_using_subcommand impact" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand context" -l budget -d 'Most tokens the output may take (at least 64)' -r
complete -c leindex -n "__fish_leindex_using_subcommand context" -l tokenizer -d 'Tokenizer that counts the budget' -r -f -a "cl100k\t'cl100k_base (GPT-4, GPT-3.5)'
o200k\t'o200k_base (GPT-4o and later)'"
complete -c leindex -n "__fish_leindex_using_subcommand context" -l expand -d 'How to expand from the seeds' -r -f -a "gravity\t'Strongest pull first: relation, distance, centrality and size (see the README)'
bfs\t'Plain breadth-first order, every symbol whole (a baseline, for comparison)'"
complete -c leindex -n "__fish_leindex_using_subcommand context" -l hits -d 'Search hits used as seeds per query' -r
complete -c leindex -n "__fish_leindex_using_subcommand context" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand context" -l search -d 'Treat every TARGET as a search query, even a symbol\'s name'
complete -c leindex -n "__fish_leindex_using_subcommand context" -l all -d 'When a name matches several symbols, start from all of them'
complete -c leindex -n "__fish_leindex_using_subcommand context" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand context" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c leindex -n "__fish_leindex_using_subcommand context" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l by -d 'Rank symbols (functions and methods) or whole files' -r -f -a "symbol\t''
file\t''"
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l since -d 'Churn window: commits since this date, in any form git accepts' -r
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l lang -d 'Only these languages (python, typescript, tsx, javascript, go, rust)' -r
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l path -d 'Only files matching this glob or, without glob characters, under this path prefix' -r
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l limit -d 'Show this many (0: all)' -r
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l no-git -d 'Do not read git history (churn is left out of the score)'
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand hotspots" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand graph" -l root -d 'Repository root holding `.leindex/` [default: the nearest folder at or above the current one that has an index]' -r -F
complete -c leindex -n "__fish_leindex_using_subcommand graph" -l json -d 'Print JSON (a stable, documented schema) instead of a table'
complete -c leindex -n "__fish_leindex_using_subcommand graph" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand graph" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand completions" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand completions" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand man" -s h -l help -d 'Print help'
complete -c leindex -n "__fish_leindex_using_subcommand man" -s V -l version -d 'Print version'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "index" -d 'Build or update the index of a repository (incremental)'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "status" -d 'Show what the index holds: languages, counts, size, last run'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "symbols" -d 'List indexed symbols, with filters'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "outline" -d 'Show everything extracted from one file: symbols, calls, imports, inheritance'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "search" -d 'Find functions, methods and types by words or identifiers (lexical, BM25)'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "impact" -d 'What is affected if a symbol changes: callers, files, tests, risk'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "context" -d 'The code needed to understand or change a symbol, within a token budget'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "hotspots" -d 'Rank code that is complex, central, churning and untested'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "graph" -d 'Print the resolved graph (all symbols and edges) for other tools'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "man" -d 'Print the man page (roff) of leindex or of one of its commands'
complete -c leindex -n "__fish_leindex_using_subcommand help; and not __fish_seen_subcommand_from index status symbols outline search impact context hotspots graph completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
