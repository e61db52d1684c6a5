//! Churn from git history: which commits touched which lines of the files as they are
//! now.
//!
//! `git log -p --unified=0` gives each commit's changed lines in that commit's own
//! numbering. Walking the commits newest first, a per-file map from "line numbers at
//! this point of history" to "line numbers in the working tree" is kept up to date: the
//! uncommitted changes (`git diff HEAD`) start it, and each commit's hunks move it one
//! commit further back. A commit's added or changed lines, mapped through it, say which
//! lines of today's file it touched; a deletion touches the lines on either side of it.
//! Renames are not followed (`--no-renames`): a renamed file's history starts at the
//! rename.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::core::error::{Error, Result};

/// Lines past any real file's end: "to the end of the file".
const END: u32 = u32::MAX / 2;

/// The commits that touched each file and its current lines.
#[derive(Debug, Default)]
pub struct Churn {
    /// Commits examined (in the window).
    pub commits: usize,
    /// Per file (relative to the root): (first line, last line, commit number) of each
    /// touched range, in current line numbers.
    touched: HashMap<String, Vec<(u32, u32, u32)>>,
    /// Per file: commits that touched it (while it had its current identity).
    file_commits: HashMap<String, u32>,
}

impl Churn {
    /// Distinct commits that touched lines `start..=end` of `file`.
    pub fn lines(&self, file: &str, start: u32, end: u32) -> u32 {
        let Some(ranges) = self.touched.get(file) else {
            return 0;
        };
        let mut commits: Vec<u32> = ranges
            .iter()
            .filter(|r| r.0 <= end && start <= r.1)
            .map(|r| r.2)
            .collect();
        commits.sort_unstable();
        commits.dedup();
        commits.len() as u32
    }

    /// Commits that touched `file`.
    pub fn file(&self, file: &str) -> u32 {
        self.file_commits.get(file).copied().unwrap_or(0)
    }
}

/// A map from one version's line numbers to the current ones: sorted, disjoint
/// segments `[start, end)` that survive, each shifted by `delta`. Lines outside every
/// segment no longer exist.
#[derive(Debug, Clone)]
struct LineMap(Vec<(u32, u32, i64)>);

impl LineMap {
    fn identity() -> LineMap {
        LineMap(vec![(1, END, 0)])
    }

    /// Current ranges (inclusive) of lines `[a, b)` of this version.
    fn map(&self, a: u32, b: u32) -> Vec<(u32, u32)> {
        self.0
            .iter()
            .filter(|s| s.0 < b && a < s.1)
            .map(|s| {
                let (x, y) = (a.max(s.0), b.min(s.1));
                ((x as i64 + s.2) as u32, (y as i64 - 1 + s.2) as u32)
            })
            .collect()
    }

    /// The map one commit further back, given the commit's hunks (old start, old
    /// count, new start, new count) in order.
    fn before(&self, hunks: &[Hunk]) -> LineMap {
        let mut out = Vec::new();
        // Unchanged stretches of the old file and how far they moved in the new one.
        let mut old_at = 1u32;
        let mut shift = 0i64;
        let keep = |from: u32, to: u32, shift: i64, out: &mut Vec<(u32, u32, i64)>| {
            if from >= to {
                return;
            }
            let (na, nb) = (
                (from as i64 + shift) as u32,
                (to as i64 + shift).min(END as i64) as u32,
            );
            for s in &self.0 {
                if s.0 < nb && na < s.1 {
                    let (x, y) = (na.max(s.0), nb.min(s.1));
                    out.push((
                        (x as i64 - shift) as u32,
                        (y as i64 - shift) as u32,
                        shift + s.2,
                    ));
                }
            }
        };
        for h in hunks {
            let (old_start, old_end) = h.old_range();
            keep(old_at, old_start, shift, &mut out);
            let (_, new_end) = h.new_range();
            old_at = old_end;
            shift = new_end as i64 - old_end as i64;
        }
        keep(old_at, END, shift, &mut out);
        LineMap(out)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Hunk {
    old_start: u32,
    old_count: u32,
    new_start: u32,
    new_count: u32,
}

impl Hunk {
    /// `@@ -a,b +c,d @@` (a missing count is 1).
    fn parse(line: &str) -> Option<Hunk> {
        let mut parts = line.strip_prefix("@@ ")?.split(' ');
        let range = |t: &str| -> Option<(u32, u32)> {
            let mut it = t[1..].split(',');
            let start = it.next()?.parse().ok()?;
            let count = it.next().map_or(Some(1), |c| c.parse().ok())?;
            Some((start, count))
        };
        let (old_start, old_count) = range(parts.next()?)?;
        let (new_start, new_count) = range(parts.next()?)?;
        Some(Hunk {
            old_start,
            old_count,
            new_start,
            new_count,
        })
    }

    /// Lines `[start, end)` removed from the old file; empty (at the line after which
    /// lines were added) for a pure addition.
    fn old_range(&self) -> (u32, u32) {
        if self.old_count == 0 {
            (self.old_start + 1, self.old_start + 1)
        } else {
            (self.old_start, self.old_start + self.old_count)
        }
    }

    fn new_range(&self) -> (u32, u32) {
        if self.new_count == 0 {
            (self.new_start + 1, self.new_start + 1)
        } else {
            (self.new_start, self.new_start + self.new_count)
        }
    }

    /// Lines `[start, end)` of the new file the change touched: the new lines, or for
    /// a deletion the lines on either side of it.
    pub(crate) fn touched(&self) -> (u32, u32) {
        if self.new_count == 0 {
            (self.new_start.max(1), self.new_start + 2)
        } else {
            (self.new_start, self.new_start + self.new_count)
        }
    }
}

/// One file's part of a diff: old path, new path (`None` for /dev/null), hunks.
pub(crate) struct FileDiff {
    pub old: Option<String>,
    pub new: Option<String>,
    pub hunks: Vec<Hunk>,
}

/// A path of a `---`/`+++` line: git ends one that has a space with a tab, and quotes
/// one with special characters C-style (`"b/caf\303\251.py"`, octal bytes).
fn diff_path(raw: &str, prefix: &str) -> Option<String> {
    let raw = raw.strip_suffix('\t').unwrap_or(raw);
    if raw == "/dev/null" {
        return None;
    }
    let path = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(quoted) => {
            let mut bytes: Vec<u8> = Vec::with_capacity(quoted.len());
            let mut it = quoted.bytes().peekable();
            while let Some(b) = it.next() {
                if b != b'\\' {
                    bytes.push(b);
                    continue;
                }
                match it.next() {
                    Some(d @ b'0'..=b'7') => {
                        let mut v = u32::from(d - b'0');
                        for _ in 0..2 {
                            if let Some(&n @ b'0'..=b'7') = it.peek() {
                                v = v * 8 + u32::from(n - b'0');
                                it.next();
                            }
                        }
                        bytes.push(v as u8);
                    }
                    Some(b't') => bytes.push(b'\t'),
                    Some(b'n') => bytes.push(b'\n'),
                    Some(b'r') => bytes.push(b'\r'),
                    Some(b'a') => bytes.push(7),
                    Some(b'b') => bytes.push(8),
                    Some(b'f') => bytes.push(12),
                    Some(b'v') => bytes.push(11),
                    Some(other) => bytes.push(other),
                    None => bytes.push(b'\\'),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        None => raw.to_string(),
    };
    Some(path.strip_prefix(prefix).unwrap_or(&path).to_string())
}

/// The file diffs of `git diff`/`git log -p` output, split by commit when the log
/// format puts `\0COMMIT` lines between commits.
pub(crate) fn parse_patches(text: &str) -> Vec<Vec<FileDiff>> {
    let mut commits: Vec<Vec<FileDiff>> = vec![Vec::new()];
    let path = diff_path;
    for line in text.lines() {
        if line.starts_with("\u{0}COMMIT") {
            commits.push(Vec::new());
        } else if line.starts_with("diff --git ") {
            commits.last_mut().expect("one commit").push(FileDiff {
                old: None,
                new: None,
                hunks: Vec::new(),
            });
        } else if let Some(f) = commits.last_mut().and_then(|c| c.last_mut()) {
            if let Some(p) = line.strip_prefix("--- ") {
                f.old = path(p, "a/");
            } else if let Some(p) = line.strip_prefix("+++ ") {
                f.new = path(p, "b/");
            } else if line.starts_with("@@ ") {
                if let Some(h) = Hunk::parse(line) {
                    f.hunks.push(h);
                }
            }
        }
    }
    commits.retain(|c| !c.is_empty());
    commits
}

/// Run git in `root`; its stdout, or its stderr as the error.
pub(crate) fn git(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::Git {
            root: root.to_path_buf(),
            detail: format!("cannot run git: {e}"),
        })?;
    if !out.status.success() {
        return Err(Error::Git {
            root: root.to_path_buf(),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Is `root` inside a git work tree with at least one commit?
pub fn has_history(root: &Path) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Churn of the commits since `since` (any date git understands: "1 year ago",
/// "2024-01-01"), merges excluded. `None` when `root` has no git history.
pub fn churn(root: &Path, since: &str) -> Result<Option<Churn>> {
    if !has_history(root) {
        return Ok(None);
    }
    let common = [
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        "--relative",
        "--unified=0",
    ];
    let mut args = vec!["diff"];
    args.extend(common);
    args.push("HEAD");
    let working = git(root, &args)?;
    let since_arg = format!("--since={since}");
    let mut args = vec!["log", "--no-merges", "--format=%x00COMMIT %H", "-p"];
    args.extend(common);
    args.push(&since_arg);
    let log = git(root, &args)?;

    let mut maps: HashMap<String, Option<LineMap>> = HashMap::new();
    // Uncommitted changes: HEAD's lines -> the working tree's.
    for f in parse_patches(&working).into_iter().flatten() {
        if let Some(p) = f.new.clone().or(f.old.clone()) {
            let m = if f.new.is_none() {
                None
            } else {
                Some(LineMap::identity().before(&f.hunks))
            };
            maps.insert(p, m);
        }
    }
    let mut churn = Churn::default();
    for (n, files) in parse_patches(&log).into_iter().enumerate() {
        churn.commits += 1;
        for f in files {
            // The file as it is after the commit, under its current identity.
            let Some(path) = f.new.clone() else {
                // Deleted here: an older file of that name is not today's file.
                if let Some(old) = f.old {
                    maps.insert(old, None);
                }
                continue;
            };
            let map = maps
                .entry(path.clone())
                .or_insert_with(|| Some(LineMap::identity()));
            let Some(m) = map.as_ref() else {
                continue; // deleted or re-created later
            };
            let mut any = false;
            for h in &f.hunks {
                let (a, b) = h.touched();
                for (x, y) in m.map(a, b) {
                    churn
                        .touched
                        .entry(path.clone())
                        .or_default()
                        .push((x, y, n as u32));
                    any = true;
                }
            }
            if any {
                *churn.file_commits.entry(path.clone()).or_default() += 1;
            }
            // Created here: nothing older is this file.
            *map = if f.old.is_none() {
                None
            } else {
                Some(m.before(&f.hunks))
            };
        }
    }
    Ok(Some(churn))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunk(s: &str) -> Hunk {
        Hunk::parse(s).unwrap()
    }

    #[test]
    fn line_maps_follow_insertions_and_deletions_back_in_history() {
        // A commit added 2 lines after old line 3 and deleted old lines 8-9.
        let m = LineMap::identity().before(&[hunk("@@ -3,0 +4,2 @@"), hunk("@@ -8,2 +9,0 @@")]);
        // Old 1-3 are new 1-3; old 4-7 are new 6-9; old 8-9 are gone; old 10 is new 10.
        assert_eq!(m.map(1, 4), vec![(1, 3)]);
        assert_eq!(m.map(4, 8), vec![(6, 9)]);
        assert!(m.map(8, 10).is_empty());
        assert_eq!(m.map(10, 11), vec![(10, 10)]);
        // Composed with a later commit that changed line 6 into 3 lines.
        let later = LineMap::identity().before(&[hunk("@@ -6 +6,3 @@")]);
        let both = later.before(&[hunk("@@ -3,0 +4,2 @@"), hunk("@@ -8,2 +9,0 @@")]);
        assert_eq!(both.map(4, 5), vec![]); // old 4 = mid 6, replaced later
        assert_eq!(both.map(5, 6), vec![(9, 9)]); // old 5 = mid 7 = now 9
        assert_eq!(both.map(2, 3), vec![(2, 2)]);
    }

    #[test]
    fn diff_paths_with_spaces_and_quotes() {
        assert_eq!(
            diff_path("b/app/my mod.py\t", "b/").as_deref(),
            Some("app/my mod.py")
        );
        assert_eq!(
            diff_path("\"b/app/caf\\303\\251.py\"", "b/").as_deref(),
            Some("app/café.py")
        );
        assert_eq!(
            diff_path("\"a/x\\\"y.py\"", "a/").as_deref(),
            Some("x\"y.py")
        );
        assert_eq!(diff_path("/dev/null", "b/"), None);
    }

    #[test]
    fn hunks_parse_with_and_without_counts() {
        let h = hunk("@@ -12 +12,3 @@ fn x()");
        assert_eq!(
            (h.old_start, h.old_count, h.new_start, h.new_count),
            (12, 1, 12, 3)
        );
        assert_eq!(h.touched(), (12, 15));
        let d = hunk("@@ -5,2 +4,0 @@");
        assert_eq!(d.touched(), (4, 6));
        assert_eq!(d.old_range(), (5, 7));
        assert_eq!(d.new_range(), (5, 5));
    }
}
