//! Token counting with the byte-pair encodings of OpenAI's models (tiktoken-rs ships
//! the tables inside the crate: nothing is downloaded). `context` spends its budget in
//! these tokens.

use std::fmt;

use tiktoken_rs::CoreBPE;

use crate::core::error::{Error, Result};

/// Which encoding counts tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenizerKind {
    /// `cl100k_base`: GPT-4, GPT-3.5 and many embedding models. Loads in about 0.14 s.
    #[default]
    Cl100k,
    /// `o200k_base`: GPT-4o and later. Loads in about 0.33 s.
    O200k,
}

impl TokenizerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenizerKind::Cl100k => "cl100k_base",
            TokenizerKind::O200k => "o200k_base",
        }
    }
}

impl fmt::Display for TokenizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct Tokenizer {
    kind: TokenizerKind,
    bpe: CoreBPE,
}

impl Tokenizer {
    pub fn load(kind: TokenizerKind) -> Result<Tokenizer> {
        let bpe = match kind {
            TokenizerKind::Cl100k => tiktoken_rs::cl100k_base(),
            TokenizerKind::O200k => tiktoken_rs::o200k_base(),
        }
        .map_err(|e| Error::Internal(format!("cannot load the {kind} tokenizer: {e}")))?;
        Ok(Tokenizer { kind, bpe })
    }

    pub fn kind(&self) -> TokenizerKind {
        self.kind
    }

    /// Tokens in `text` (special tokens count as ordinary text).
    pub fn count(&self, text: &str) -> usize {
        self.bpe.encode_ordinary(text).len()
    }

    /// The longest prefix of `text` of at most `max` tokens, cut where the tokens decode
    /// to whole characters.
    pub fn truncate(&self, text: &str, max: usize) -> String {
        let tokens = self.bpe.encode_ordinary(text);
        if tokens.len() <= max {
            return text.to_string();
        }
        let mut n = max;
        while n > 0 {
            if let Ok(s) = self.bpe.decode(&tokens[..n]) {
                return s;
            }
            n -= 1;
        }
        String::new()
    }
}
