//! What a statement means for the writer gate, read from its first keyword.

/// What a statement means for the writer gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// `BEGIN` or `SAVEPOINT`: may open a transaction; the gate is held
    /// until the connection is back in autocommit mode.
    Begin,
    /// `COMMIT`, `END`, `ROLLBACK`, `RELEASE`: takes nothing; ends the
    /// holding when it returns the connection to autocommit mode.
    End,
    /// Anything that may write: holds the gate for the statement (or for
    /// the transaction it runs in).
    Write,
    /// Reads: no gate.
    Read,
}

/// Classifies a statement by its first keyword after whitespace and
/// comments. Anything not known to be a read is a write.
pub fn classify(statement: &str) -> StatementKind {
    let mut words = Words::new(statement);
    let Some(first) = words.next() else {
        return StatementKind::Read;
    };
    let first = first.to_ascii_uppercase();
    match first.as_str() {
        "BEGIN" | "SAVEPOINT" => StatementKind::Begin,
        "COMMIT" | "END" | "ROLLBACK" | "RELEASE" => StatementKind::End,
        "SELECT" | "VALUES" | "EXPLAIN" => StatementKind::Read,
        // `PRAGMA name` reads; `PRAGMA name = v` and `PRAGMA name(v)` may
        // write (`journal_mode(WAL)`, `user_version = 3`, checkpoints).
        "PRAGMA" => {
            if words.saw_punctuation(&['=', '(']) {
                StatementKind::Write
            } else {
                StatementKind::Read
            }
        }
        // A common table expression ahead of the statement proper: a write
        // when a data-changing keyword appears anywhere outside literals
        // (`replace(...)` the function errs on the side of a write).
        "WITH" => {
            if words.any(|w| {
                ["INSERT", "UPDATE", "DELETE", "REPLACE"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k))
            }) {
                StatementKind::Write
            } else {
                StatementKind::Read
            }
        }
        _ => StatementKind::Write,
    }
}

/// The bare words of a statement, skipping whitespace, comments, string
/// literals, quoted identifiers and punctuation.
struct Words<'a> {
    rest: &'a str,
    punctuation: Vec<char>,
}

impl<'a> Words<'a> {
    fn new(sql: &'a str) -> Self {
        Self {
            rest: sql,
            punctuation: Vec::new(),
        }
    }

    /// Consumes the rest and tells whether any of `chars` occurs outside
    /// literals and comments.
    fn saw_punctuation(mut self, chars: &[char]) -> bool {
        while self.next().is_some() {}
        self.punctuation.iter().any(|c| chars.contains(c))
    }

    /// Skips a quoted run starting at the opening `close` char.
    fn skip_quoted(&mut self, close: char) {
        let mut chars = self.rest.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            if c == close {
                // A doubled quote is an escaped quote.
                if close != ']' && chars.peek().map(|(_, n)| *n) == Some(close) {
                    chars.next();
                    continue;
                }
                self.rest = &self.rest[i + c.len_utf8()..];
                return;
            }
        }
        self.rest = "";
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let trimmed = self.rest.trim_start();
            self.rest = trimmed;
            let c = trimmed.chars().next()?;
            if trimmed.starts_with("--") {
                self.rest = trimmed.find('\n').map_or("", |i| &trimmed[i + 1..]);
            } else if let Some(comment) = trimmed.strip_prefix("/*") {
                self.rest = comment.find("*/").map_or("", |i| &comment[i + 2..]);
            } else if c == '\'' || c == '"' || c == '`' {
                self.skip_quoted(c);
            } else if c == '[' {
                self.skip_quoted(']');
            } else if c.is_alphanumeric() || c == '_' {
                let end = trimmed
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(trimmed.len());
                self.rest = &trimmed[end..];
                return Some(&trimmed[..end]);
            } else {
                self.punctuation.push(c);
                self.rest = &trimmed[c.len_utf8()..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_classified_by_their_first_keyword() {
        use StatementKind::*;
        let cases = [
            ("BEGIN", Begin),
            ("begin immediate transaction", Begin),
            ("  /* c */ -- x\n  Begin Exclusive", Begin),
            ("SAVEPOINT a", Begin),
            ("COMMIT", End),
            ("end transaction", End),
            ("ROLLBACK", End),
            ("ROLLBACK TO a", End),
            ("RELEASE a", End),
            ("SELECT * FROM t", Read),
            ("\n\t select 1", Read),
            ("-- comment only", Read),
            ("", Read),
            ("VALUES (1)", Read),
            ("EXPLAIN QUERY PLAN SELECT 1", Read),
            ("PRAGMA journal_mode", Read),
            ("PRAGMA main.user_version", Read),
            ("PRAGMA user_version = 3", Write),
            ("PRAGMA journal_mode(WAL)", Write),
            ("PRAGMA wal_checkpoint(TRUNCATE)", Write),
            ("INSERT INTO t VALUES (1)", Write),
            ("insert or replace into t values (1)", Write),
            ("REPLACE INTO t VALUES (1)", Write),
            ("UPDATE t SET a = 1", Write),
            ("DELETE FROM t", Write),
            ("CREATE TABLE t (a)", Write),
            ("DROP TABLE t", Write),
            ("ALTER TABLE t ADD b", Write),
            ("VACUUM", Write),
            ("/* x */ UPSERT", Write),
            ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", Write),
            ("WITH x AS (SELECT 1) DELETE FROM t WHERE a IN x", Write),
            ("WITH x AS (SELECT 1 AS \"insert\") SELECT * FROM x", Read),
            ("WITH x AS (SELECT 'update' AS a) SELECT a FROM x", Read),
            ("WITH x AS (SELECT 1 AS [delete]) SELECT * FROM x", Read),
            (
                "WITH x AS (SELECT 1) SELECT 'it''s' FROM x -- delete\n",
                Read,
            ),
        ];
        for (sql, kind) in cases {
            assert_eq!(classify(sql), kind, "{sql:?}");
        }
    }
}
