//! `webhook`: a realistic plugin task. A git push event arrives as JSON (the shape code hosts
//! send to webhooks), the plugin summarises it (branch, commits per author, distinct files
//! touched, one line per commit) and answers with JSON. Input size is the number of commits.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::KernelError;

#[derive(Deserialize)]
struct PushEvent<'a> {
    #[serde(rename = "ref", borrow)]
    git_ref: &'a str,
    #[serde(borrow)]
    repository: Repository<'a>,
    #[serde(borrow)]
    pusher: Person<'a>,
    commits: Vec<Commit>,
}

#[derive(Deserialize)]
struct Repository<'a> {
    full_name: &'a str,
}

#[derive(Deserialize)]
struct Person<'a> {
    name: &'a str,
}

// Owned strings: commit messages and paths may contain JSON escapes.
#[derive(Deserialize)]
struct Commit {
    id: String,
    message: String,
    author: Author,
    #[serde(default)]
    added: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
    #[serde(default)]
    modified: Vec<String>,
}

#[derive(Deserialize)]
struct Author {
    name: String,
}

#[derive(Serialize)]
struct Summary<'a> {
    repository: &'a str,
    branch: &'a str,
    pusher: &'a str,
    commits: usize,
    authors: Vec<AuthorCount<'a>>,
    files_changed: usize,
    lines: Vec<String>,
}

#[derive(Serialize)]
struct AuthorCount<'a> {
    name: &'a str,
    commits: usize,
}

/// Longest first line kept per commit, in characters (git's customary subject limit).
const SUBJECT_CHARS: usize = 72;

pub fn webhook(input: &[u8], out: &mut Vec<u8>) -> Result<(), KernelError> {
    let event: PushEvent = serde_json::from_slice(input)
        .map_err(|e| KernelError(format!("input is not a push event: {e}")))?;
    let mut per_author: BTreeMap<&str, usize> = BTreeMap::new();
    let mut files: BTreeSet<&str> = BTreeSet::new();
    let mut lines = Vec::with_capacity(event.commits.len());
    for commit in &event.commits {
        *per_author.entry(commit.author.name.as_str()).or_default() += 1;
        for path in commit
            .added
            .iter()
            .chain(&commit.removed)
            .chain(&commit.modified)
        {
            files.insert(path.as_str());
        }
        let subject = commit.message.lines().next().unwrap_or("");
        let short_id = commit.id.get(..7).unwrap_or(&commit.id);
        let subject: String = subject.chars().take(SUBJECT_CHARS).collect();
        lines.push(format!("{short_id} {subject}"));
    }
    let mut authors: Vec<AuthorCount> = per_author
        .into_iter()
        .map(|(name, commits)| AuthorCount { name, commits })
        .collect();
    // Most active first; ties by name so the output is deterministic.
    authors.sort_by(|a, b| b.commits.cmp(&a.commits).then(a.name.cmp(b.name)));
    let summary = Summary {
        repository: event.repository.full_name,
        branch: event
            .git_ref
            .strip_prefix("refs/heads/")
            .unwrap_or(event.git_ref),
        pusher: event.pusher.name,
        commits: event.commits.len(),
        authors,
        files_changed: files.len(),
        lines,
    };
    serde_json::to_writer(out, &summary).map_err(|e| KernelError(format!("serialize output: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarises_a_push() {
        let input = br#"{"ref":"refs/heads/main","repository":{"full_name":"acme/site","private":false},
            "pusher":{"name":"ana"},
            "commits":[
              {"id":"0123456789abcdef","message":"Fix the \"login\" page\n\nlong body","author":{"name":"bo"},
               "added":["a.rs"],"removed":[],"modified":["b.rs"]},
              {"id":"fedcba9876543210","message":"Add tests","author":{"name":"ana"},
               "added":[],"removed":["a.rs"],"modified":[]},
              {"id":"abc","message":"Docs","author":{"name":"bo"}}]}"#;
        let mut out = Vec::new();
        webhook(input, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"repository":"acme/site","branch":"main","pusher":"ana","commits":3,"authors":[{"name":"bo","commits":2},{"name":"ana","commits":1}],"files_changed":2,"lines":["0123456 Fix the \"login\" page","fedcba9 Add tests","abc Docs"]}"#
        );
    }

    #[test]
    fn a_payload_that_is_not_a_push_is_an_error() {
        let err = webhook(br#"{"ref":1}"#, &mut Vec::new()).unwrap_err();
        assert!(err.0.contains("not a push event"), "{err}");
    }
}
