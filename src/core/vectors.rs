//! Symbol vectors for semantic search: built on first use after an index run, kept in
//! one blob (`blobs.vectors`), and searched by exact scan.
//!
//! A symbol is embedded from its name, qualified name, signature, doc comment and the
//! code of its body ([`symbol_text`]). A symbol whose body hash and model are those of
//! a vector already stored keeps that vector: only new and changed symbols are
//! embedded again; a different model id re-embeds everything.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::core::embed::Embedder;
use crate::core::error::Result;
use crate::core::store::{db_err, Store};

const MAGIC: &[u8; 4] = b"LXV2";
/// Bytes of a body hash (BLAKE3).
const HASH: usize = 32;
/// Bytes of a symbol's code embedded at most (the start of a long body says the most).
const BODY_MAX: usize = 6000;

/// The vectors of every symbol, int8 with a scale per row.
pub struct VectorIndex {
    pub model_id: String,
    pub dim: usize,
    ids: Vec<i64>,
    hashes: Vec<[u8; HASH]>,
    scales: Vec<f32>,
    data: Vec<i8>,
}

/// What one call of [`ensure_vectors`] did.
#[derive(Debug, Default, Clone, Copy)]
pub struct VectorStats {
    pub symbols: usize,
    /// Symbols embedded by this call (0 when the stored vectors were current).
    pub embedded: usize,
    /// Symbols whose stored vector was kept (same body hash, same model).
    pub reused: usize,
}

/// What [`ensure_vectors`] found and did.
#[derive(Debug, Default, Clone)]
pub struct VectorReport {
    pub stats: VectorStats,
    /// The model of the stored vectors, when another model made them (all re-embedded).
    pub replaced_model: Option<String>,
}

/// The text a symbol is embedded from.
pub fn symbol_text(
    name: &str,
    qualified_name: &str,
    signature: &str,
    doc: Option<&str>,
    body: &str,
) -> String {
    let mut body = body;
    if body.len() > BODY_MAX {
        let mut end = BODY_MAX;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body = &body[..end];
    }
    format!(
        "{name} {qualified_name} {signature} {} {body}",
        doc.unwrap_or("")
    )
}

impl VectorIndex {
    fn empty(model_id: &str, dim: usize) -> VectorIndex {
        VectorIndex {
            model_id: model_id.to_string(),
            dim,
            ids: Vec::new(),
            hashes: Vec::new(),
            scales: Vec::new(),
            data: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Add a symbol's vector; `None` (no token the model knows) is kept as a row of
    /// scale 0, so that the symbol is not embedded again, and never matches.
    fn push(&mut self, id: i64, hash: [u8; HASH], v: Option<&[f32]>) {
        let zero = vec![0f32; self.dim];
        let v = v.unwrap_or(&zero);
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 0.0 };
        self.ids.push(id);
        self.hashes.push(hash);
        self.scales.push(scale);
        self.data.extend(
            v.iter()
                .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
        );
    }

    fn row(&self, i: usize) -> &[i8] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// The `k` symbols nearest to `q` (a unit vector) by cosine, best first.
    pub fn nearest(&self, q: &[f32], k: usize) -> Vec<(i64, f32)> {
        let mut scored: Vec<(i64, f32)> = (0..self.ids.len())
            .filter(|&i| self.scales[i] > 0.0)
            .map(|i| (self.ids[i], self.cosine(i, q)))
            .collect();
        let k = k.min(scored.len());
        if k == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
        scored.truncate(k);
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }

    /// The cosine of `q` with the vector of symbol `id`, if it has one.
    pub fn score_of(&self, id: i64, q: &[f32]) -> Option<f32> {
        let i = self.ids.binary_search(&id).ok()?;
        (self.scales[i] > 0.0).then(|| self.cosine(i, q))
    }

    /// The cosine of row `i` with the unit vector `q`.
    fn cosine(&self, i: usize, q: &[f32]) -> f32 {
        let dot: f32 = self
            .row(i)
            .iter()
            .zip(q)
            .map(|(&a, b)| f32::from(a) * b)
            .sum();
        dot * self.scales[i]
    }

    /// `LXV2`, u32 length + model id, u32 dimension, u32 count n, then column by
    /// column: n ids (i64), n scales (f32), n x dim int8 values, n body hashes.
    fn encode(&self) -> Vec<u8> {
        let n = self.ids.len();
        let mut out = Vec::with_capacity(16 + self.model_id.len() + n * (8 + 4 + self.dim + HASH));
        out.extend_from_slice(MAGIC);
        out.extend((self.model_id.len() as u32).to_le_bytes());
        out.extend_from_slice(self.model_id.as_bytes());
        out.extend((self.dim as u32).to_le_bytes());
        out.extend((n as u32).to_le_bytes());
        out.extend(self.ids.iter().flat_map(|i| i.to_le_bytes()));
        out.extend(self.scales.iter().flat_map(|s| s.to_le_bytes()));
        out.extend(self.data.iter().map(|&x| x as u8));
        out.extend(self.hashes.iter().flatten());
        out
    }

    fn decode(data: &[u8]) -> Option<VectorIndex> {
        let mut d = data.strip_prefix(MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (a, b) = (d.get(..n)?, d.get(n..)?);
            d = b;
            Some(a)
        };
        let u32_ = |b: &[u8]| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize;
        let len = u32_(take(4)?);
        let model_id = String::from_utf8(take(len)?.to_vec()).ok()?;
        let dim = u32_(take(4)?);
        let n = u32_(take(4)?);
        let ids = take(n.checked_mul(8)?)?
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        let scales = take(n.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let data = take(n.checked_mul(dim)?)?
            .iter()
            .map(|&b| b as i8)
            .collect();
        let hashes = take(n.checked_mul(HASH)?)?
            .chunks_exact(HASH)
            .map(|c| c.try_into().expect("HASH bytes"))
            .collect();
        if !d.is_empty() {
            return None;
        }
        Some(VectorIndex {
            model_id,
            dim,
            ids,
            hashes,
            scales,
            data,
        })
    }
}

/// Meta key: "1" when an index run changed files since the vectors were built.
pub const VECTORS_STALE: &str = "vectors_stale";

/// The vectors of every symbol for `model`, building (only what changed) first when an
/// index run left them stale or they were made by another model.
pub fn ensure_vectors(
    store: &mut Store,
    root: &Path,
    model: &dyn Embedder,
) -> Result<(VectorIndex, VectorReport)> {
    let path = store.db_file().to_path_buf();
    let e = db_err(&path);
    let stored = crate::core::graph_store::read_blob(store.conn(), &path, "vectors")?
        .and_then(|d| VectorIndex::decode(&d));
    let stale = store.meta()?.get(VECTORS_STALE).is_none_or(|v| v != "0");
    let same_model = |v: &VectorIndex| v.model_id == model.model_id() && v.dim == model.dim();
    match stored {
        Some(v) if !stale && same_model(&v) => {
            let stats = VectorStats {
                symbols: v.len(),
                ..Default::default()
            };
            let report = VectorReport {
                stats,
                replaced_model: None,
            };
            return Ok((v, report));
        }
        _ => {}
    }
    let replaced_model = stored
        .as_ref()
        .filter(|v| !same_model(v))
        .map(|v| v.model_id.clone());
    // Previous vectors of this model, by body hash.
    let mut previous: HashMap<[u8; HASH], Option<Vec<f32>>> = HashMap::new();
    if let Some(v) = stored.filter(|v| same_model(v)) {
        for i in 0..v.len() {
            let s = v.scales[i];
            let row = (s > 0.0).then(|| v.row(i).iter().map(|&x| f32::from(x) * s).collect());
            previous.insert(v.hashes[i], row);
        }
    }
    struct Row {
        id: i64,
        file: String,
        start: usize,
        end: usize,
        name: String,
        qname: String,
        signature: String,
        doc: Option<String>,
        hash: [u8; HASH],
    }
    let mut rows: Vec<Row> = Vec::new();
    {
        let conn = store.conn();
        let mut st = conn
            .prepare(
                "SELECT n.id, f.path, n.start_byte, n.end_byte, n.name, n.qualified_name,
                        n.signature, n.doc, n.body_hash
                 FROM nodes n JOIN files f ON f.id = n.file_id ORDER BY f.path, n.id",
            )
            .map_err(&e)?;
        let mut q = st.query([]).map_err(&e)?;
        while let Some(r) = q.next().map_err(&e)? {
            let hash: Vec<u8> = r.get(8).map_err(&e)?;
            let mut h = [0u8; HASH];
            let n = hash.len().min(HASH);
            h[..n].copy_from_slice(&hash[..n]);
            rows.push(Row {
                id: r.get(0).map_err(&e)?,
                file: r.get(1).map_err(&e)?,
                start: r.get::<_, i64>(2).map_err(&e)?.max(0) as usize,
                end: r.get::<_, i64>(3).map_err(&e)?.max(0) as usize,
                name: r.get(4).map_err(&e)?,
                qname: r.get(5).map_err(&e)?,
                signature: r.get(6).map_err(&e)?,
                doc: r.get(7).map_err(&e)?,
                hash: h,
            });
        }
    }
    let mut out = VectorIndex::empty(model.model_id(), model.dim());
    let mut stats = VectorStats {
        symbols: rows.len(),
        ..Default::default()
    };
    // Kept vectors first; the rest is embedded file by file on every core.
    let mut embedded: Vec<(i64, [u8; HASH], Option<Vec<f32>>)> = Vec::with_capacity(rows.len());
    let mut todo: Vec<&Row> = Vec::new();
    for r in &rows {
        match previous.get(&r.hash) {
            Some(v) => {
                embedded.push((r.id, r.hash, v.clone()));
                stats.reused += 1;
            }
            None => todo.push(r),
        }
    }
    stats.embedded = todo.len();
    let by_file: Vec<&[&Row]> = todo.chunk_by(|a, b| a.file == b.file).collect();
    let fresh: Vec<(i64, [u8; HASH], Option<Vec<f32>>)> = by_file
        .par_iter()
        .flat_map_iter(|rows| {
            // A file that cannot be read now: its symbols are embedded without a body.
            let text = std::fs::read(root.join(&rows[0].file))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            rows.iter()
                .map(|r| {
                    let body = text
                        .get(r.start.min(text.len())..r.end.min(text.len()))
                        .unwrap_or("");
                    let t = symbol_text(&r.name, &r.qname, &r.signature, r.doc.as_deref(), body);
                    (r.id, r.hash, model.embed_batch(&[&t]).pop().flatten())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    embedded.extend(fresh);
    embedded.sort_by_key(|e| e.0);
    for (id, hash, v) in &embedded {
        out.push(*id, *hash, v.as_deref());
    }
    let writer = store.writer()?;
    crate::core::graph_store::write_blob(writer.conn(), writer.path(), "vectors", &out.encode())?;
    writer.set_meta(VECTORS_STALE, "0")?;
    writer.set_meta("model_id", model.model_id())?;
    writer.commit()?;
    Ok((
        out,
        VectorReport {
            stats,
            replaced_model,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_nearest_is_by_cosine() {
        let mut v = VectorIndex::empty("m", 2);
        v.push(1, [1; HASH], Some(&[1.0, 0.0]));
        v.push(2, [2; HASH], Some(&[0.6, 0.8]));
        v.push(3, [3; HASH], Some(&[0.0, 1.0]));
        v.push(4, [4; HASH], None);
        let back = VectorIndex::decode(&v.encode()).unwrap();
        assert_eq!(back.model_id, "m");
        assert_eq!(back.ids, [1, 2, 3, 4]);
        // A symbol without a vector never matches.
        assert_eq!(back.nearest(&[0.0, 1.0], 10).len(), 3);
        assert_eq!(back.score_of(4, &[1.0, 0.0]), None);
        let near = back.nearest(&[0.0, 1.0], 2);
        assert_eq!(near.iter().map(|n| n.0).collect::<Vec<_>>(), [3, 2]);
        assert!((near[1].1 - 0.8).abs() < 0.01, "{near:?}");
        assert!((back.score_of(1, &[1.0, 0.0]).unwrap() - 1.0).abs() < 0.01);
        assert!(VectorIndex::decode(&v.encode()[..10]).is_none());
    }

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let body = "é".repeat(BODY_MAX);
        let t = symbol_text("f", "m::f", "fn f()", None, &body);
        assert!(t.len() < BODY_MAX + 20);
    }
}
