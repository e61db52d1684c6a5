
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
            cand --kind 'Only these kinds (function, method, class, struct, enum, trait, interface, type, module, constant)'
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
        &'leindex;help;completions'= {
        }
        &'leindex;help;man'= {
        }
        &'leindex;help;help'= {
        }
    ]
    $completions[$command]
}
