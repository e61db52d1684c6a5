//! Symbol vectors for semantic search: built at the end of `leindex index` (or by the
//! first search after `leindex index --no-embed`), kept in `.leindex/vectors.bin`
//! beside the database, memory-mapped when read, and searched by exact scan, or from
//! [`ivf::ANN_MIN`] symbols on through a partition stored in the same file.
//!
//! A symbol is embedded from its name, qualified name, signature, doc comment and the
//! code of its body ([`symbol_text`]). A symbol whose hash (source span, qualified name
//! and doc comment) and model are those of a vector already stored keeps that vector:
//! only new and changed symbols are embedded again; a different model id re-embeds
//! everything.
//!
//! The file is replaced whole (written beside, synced, renamed), and the database
//! records the stamp of the file it belongs to (meta `vectors_stamp`): a file that is
//! missing, damaged, of another stamp or another model is rebuilt, never trusted. A
//! small change is written to a delta (`vectors.delta`) beside the file instead of rewriting it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::core::embed::Embedder;
use crate::core::error::{Error, Result};
use crate::core::ivf::{self, Centroids};
use crate::core::store::{db_err, Store};

const MAGIC: &[u8; 4] = b"LXV4";
/// Bytes of a body hash (BLAKE3).
const HASH: usize = 32;
/// Bytes of a symbol's code embedded at most (the start of a long body says the most).
const BODY_MAX: usize = 6000;
/// The file of the vectors, in `.leindex/`.
pub const FILE: &str = "vectors.bin";
/// The changes since `FILE` was written, beside it (a delta: dead and added rows).
pub const DELTA_FILE: &str = "vectors.delta";
const DELTA_MAGIC: &[u8; 4] = b"LXD1";
/// Meta key: "1" when an index run changed files since the vectors were built.
pub const VECTORS_STALE: &str = "vectors_stale";
/// Meta key: the stamp (hex) of the vectors file that matches the database.
pub const VECTORS_STAMP: &str = "vectors_stamp";
/// Rows scored per parallel task.
const BLOCK: usize = 8192;

/// What one call of [`ensure_vectors`] did.
#[derive(Debug, Default, Clone, Copy)]
pub struct VectorStats {
    pub symbols: usize,
    /// Symbols embedded by this call (0 when the stored vectors were current).
    pub embedded: usize,
    /// Symbols whose stored vector was kept (same body hash, same model; all of them
    /// when the stored vectors were current).
    pub reused: usize,
}

/// What [`ensure_vectors`] found and did.
#[derive(Debug, Default, Clone)]
pub struct VectorReport {
    pub stats: VectorStats,
    /// The model of the stored vectors, when another model made them (all re-embedded).
    pub replaced_model: Option<String>,
    /// The vectors file could not be read as one (it was rebuilt).
    pub damaged: bool,
    /// The file was written again (vectors stale, missing, damaged or of another model).
    pub rebuilt: bool,
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

/// The bytes of a vectors file: mapped from disk, or built in memory.
enum Bytes {
    Mapped(memmap2::Mmap),
    /// Files made in memory by the tests.
    #[cfg(test)]
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            #[cfg(test)]
            Bytes::Owned(v) => v,
        }
    }
}

/// The vectors of every symbol, int8 with a scale per row.
///
/// File layout (little-endian): `LXV4`, u32 header length H (a multiple of 64), u32
/// dimension d, u32 count n, 32-byte stamp, u32 cluster count c (0: no partition),
/// u32 length + model id, zero padding to H; then n ids (i64), n scales (f32), n x d
/// int8 values, n body hashes (32 bytes). Without a partition rows are in id order.
/// With one ([`ivf`], from [`ivf::ANN_MIN`] rows) rows are grouped by cluster, and
/// follow: n u32 row numbers in id order, c centroid scales (f32), c x d int8
/// centroids, c + 1 u32 offsets (cluster j is rows `offsets[j]..offsets[j + 1]`).
pub struct VectorIndex {
    pub model_id: String,
    pub dim: usize,
    stamp: [u8; 32],
    n: usize,
    bytes: Bytes,
    ids_at: usize,
    scales_at: usize,
    data_at: usize,
    hashes_at: usize,
    ivf: Option<IvfAt>,
    /// Changes since the file was written: rows gone or replaced, rows added.
    delta: Option<Delta>,
}

/// What changed since a vectors file was written, kept beside it (`vectors.delta`) so
/// that a small edit does not rewrite a large file: the file's rows that are gone (or
/// changed) and the rows added since (scanned exactly, in id order). Written whole
/// like the file; tied to it by the file's stamp, and to the database by its own.
///
/// Layout (little-endian): `LXD1`, u32 dimension, u32 rows of the file, u32 dead, u32
/// added, the file's stamp (32 bytes), this stamp (32 bytes); then the dead rows of the
/// file (u32, ascending), and the added rows' ids (i64, ascending), scales (f32), int8
/// values and body hashes.
struct Delta {
    stamp: [u8; 32],
    /// One bit per row of the file: set when the row is gone.
    dead: Vec<u64>,
    dead_rows: Vec<u32>,
    ids: Vec<i64>,
    scales: Vec<f32>,
    data: Vec<i8>,
    hashes: Vec<[u8; HASH]>,
}

impl Delta {
    fn is_dead(&self, i: usize) -> bool {
        self.dead
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    fn row(&self, j: usize, dim: usize) -> &[i8] {
        &self.data[j * dim..(j + 1) * dim]
    }

    fn encode(&self, dim: usize, n_base: usize, base_stamp: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(DELTA_MAGIC);
        for x in [dim, n_base, self.dead_rows.len(), self.ids.len()] {
            out.extend((x as u32).to_le_bytes());
        }
        out.extend_from_slice(base_stamp);
        out.extend_from_slice(&self.stamp);
        out.extend(self.dead_rows.iter().flat_map(|r| r.to_le_bytes()));
        out.extend(self.ids.iter().flat_map(|i| i.to_le_bytes()));
        out.extend(self.scales.iter().flat_map(|s| s.to_le_bytes()));
        out.extend_from_slice(bytes_of_i8(&self.data));
        out.extend(self.hashes.iter().flatten());
        out
    }

    /// The delta in `b`, if it belongs to `base` (same stamp, rows and dimension).
    fn decode(b: &[u8], base: &VectorIndex) -> Option<Delta> {
        let mut d = b.strip_prefix(DELTA_MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (a, rest) = (d.get(..n)?, d.get(n..)?);
            d = rest;
            Some(a)
        };
        let mut u32s = [0usize; 4];
        for x in &mut u32s {
            *x = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        }
        let [dim, n_base, n_dead, n_added] = u32s;
        let base_stamp: [u8; 32] = take(32)?.try_into().ok()?;
        let stamp: [u8; 32] = take(32)?.try_into().ok()?;
        if dim != base.dim || n_base != base.n || base_stamp != base.stamp {
            return None;
        }
        let dead_rows: Vec<u32> = take(n_dead.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let ids: Vec<i64> = take(n_added.checked_mul(8)?)?
            .chunks_exact(8)
            .map(|c| i64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        let scales = take(n_added.checked_mul(4)?)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
            .collect();
        let data = bytemuck_i8(take(n_added.checked_mul(dim)?)?).to_vec();
        let hashes = take(n_added.checked_mul(HASH)?)?
            .chunks_exact(HASH)
            .map(|c| c.try_into().expect("HASH bytes"))
            .collect();
        if !d.is_empty()
            || dead_rows.iter().any(|&r| r as usize >= n_base)
            || ids.windows(2).any(|w| w[0] >= w[1])
        {
            return None;
        }
        let mut dead = vec![0u64; n_base.div_ceil(64)];
        for &r in &dead_rows {
            dead[r as usize / 64] |= 1 << (r % 64);
        }
        Some(Delta {
            stamp,
            dead,
            dead_rows,
            ids,
            scales,
            data,
            hashes,
        })
    }
}

/// Where the partition's parts are in the file.
struct IvfAt {
    c: usize,
    by_id_at: usize,
    cent_scales_at: usize,
    cents_at: usize,
    offsets_at: usize,
}

/// How a file's rows are partitioned: the centroids, the source row (in id order) at
/// each position, and where each cluster starts.
struct Plan {
    cents: Centroids,
    order: Vec<u32>,
    offsets: Vec<u32>,
}

impl Plan {
    /// Whether a cluster holds more than [`ivf::UNEVEN`] times the mean.
    fn is_uneven(&self) -> bool {
        let c = self.cents.len().max(1);
        let n = self.order.len();
        self.offsets
            .windows(2)
            .any(|w| (w[1] - w[0]) as usize > ivf::UNEVEN * n.div_ceil(c))
    }
}

/// Rows being gathered for a new file (tests).
#[cfg(test)]
struct Builder {
    dim: usize,
    ids: Vec<i64>,
    hashes: Vec<[u8; HASH]>,
    scales: Vec<f32>,
    data: Vec<i8>,
}

#[cfg(test)]
impl Builder {
    fn new(dim: usize) -> Builder {
        Builder {
            dim,
            ids: Vec::new(),
            hashes: Vec::new(),
            scales: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Add a symbol's vector as int8 with its scale; `None` (no token the model knows)
    /// is kept as a row of scale 0, so that the symbol is not embedded again, and
    /// never matches.
    fn push(&mut self, id: i64, hash: [u8; HASH], v: Option<&[f32]>) {
        let (scale, row) = quantize(v, self.dim);
        self.push_row(id, hash, scale, &row);
    }

    fn push_row(&mut self, id: i64, hash: [u8; HASH], scale: f32, row: &[i8]) {
        self.ids.push(id);
        self.hashes.push(hash);
        self.scales.push(scale);
        self.data.extend_from_slice(row);
    }

    fn encode(&self, model_id: &str, stamp: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::new();
        let dim = self.dim;
        let row = |k: usize| {
            let r: &[i8] = &self.data[k * dim..(k + 1) * dim];
            (self.ids[k], self.scales[k], r, self.hashes[k])
        };
        write_vectors(&mut out, model_id, stamp, dim, self.ids.len(), &row, None)
            .expect("writing to memory");
        out
    }
}

/// Row `k` of a file being written: id, scale, int8 values, body hash.
type RowAt<'a> = dyn Fn(usize) -> (i64, f32, &'a [i8], [u8; HASH]) + 'a;

/// Write a vectors file of `n` rows (see [`VectorIndex`] for the layout); `row(k)` is
/// the k-th row in id order; `plan` partitions them.
fn write_vectors<W: Write>(
    w: &mut W,
    model_id: &str,
    stamp: &[u8; 32],
    dim: usize,
    n: usize,
    row: &RowAt,
    plan: Option<&Plan>,
) -> std::io::Result<()> {
    let head = 4 + 4 + 4 + 4 + 32 + 4 + 4 + model_id.len();
    let h = head.div_ceil(64) * 64;
    let c = plan.map_or(0, |p| p.cents.len());
    w.write_all(MAGIC)?;
    w.write_all(&(h as u32).to_le_bytes())?;
    w.write_all(&(dim as u32).to_le_bytes())?;
    w.write_all(&(n as u32).to_le_bytes())?;
    w.write_all(stamp)?;
    w.write_all(&(c as u32).to_le_bytes())?;
    w.write_all(&(model_id.len() as u32).to_le_bytes())?;
    w.write_all(model_id.as_bytes())?;
    w.write_all(&vec![0; h - head])?;
    let src = |p: usize| plan.map_or(p, |pl| pl.order[p] as usize);
    for p in 0..n {
        w.write_all(&row(src(p)).0.to_le_bytes())?;
    }
    for p in 0..n {
        w.write_all(&row(src(p)).1.to_le_bytes())?;
    }
    let mut bytes = vec![0u8; dim];
    for p in 0..n {
        let r = row(src(p)).2;
        debug_assert_eq!(r.len(), dim);
        for (b, &x) in bytes.iter_mut().zip(r) {
            *b = x as u8;
        }
        w.write_all(&bytes)?;
    }
    for p in 0..n {
        w.write_all(&row(src(p)).3)?;
    }
    if let Some(pl) = plan {
        // Row number of each id, in id order: the inverse of `order`.
        let mut by_id = vec![0u32; n];
        for (p, &k) in pl.order.iter().enumerate() {
            by_id[k as usize] = p as u32;
        }
        for p in by_id {
            w.write_all(&p.to_le_bytes())?;
        }
        for s in &pl.cents.scales {
            w.write_all(&s.to_le_bytes())?;
        }
        w.write_all(bytes_of_i8(&pl.cents.rows))?;
        for o in &pl.offsets {
            w.write_all(&o.to_le_bytes())?;
        }
    }
    Ok(())
}

/// The cluster a row (in id order) had in the previous file, if it was kept.
type ClusterOf<'a> = dyn Fn(usize) -> Option<u32> + 'a;

/// Partition `n` rows (`row(k)` in id order) into clusters: `reuse` gives centroids to
/// keep and, per row, the cluster it had (kept rows); other rows are assigned, and
/// without `reuse` the centroids are trained on a strided sample.
fn make_plan(
    n: usize,
    dim: usize,
    row: &RowAt,
    c: usize,
    reuse: Option<(&Centroids, &ClusterOf)>,
) -> Plan {
    let cents = match reuse {
        Some((cents, _)) => cents.clone(),
        None => {
            let step = (n / (c * 32)).max(1);
            let sample: Vec<(&[i8], f32)> = (0..n)
                .step_by(step)
                .map(|k| {
                    let r = row(k);
                    (r.2, r.1)
                })
                .collect();
            ivf::train(dim, c, &sample)
        }
    };
    let mut cluster: Vec<u32> = vec![u32::MAX; n];
    if let Some((_, old)) = reuse {
        for (k, c) in cluster.iter_mut().enumerate() {
            if let Some(j) = old(k) {
                *c = j;
            }
        }
    }
    let todo: Vec<usize> = (0..n).filter(|&k| cluster[k] == u32::MAX).collect();
    let rows: Vec<&[i8]> = todo.iter().map(|&k| row(k).2).collect();
    for (k, j) in todo.iter().zip(ivf::assign(&cents, &rows)) {
        cluster[*k] = j;
    }
    // Counting sort by cluster, id order within one.
    let mut offsets = vec![0u32; cents.len() + 1];
    for &j in &cluster {
        offsets[j as usize + 1] += 1;
    }
    for j in 0..cents.len() {
        offsets[j + 1] += offsets[j];
    }
    let mut next = offsets.clone();
    let mut order = vec![0u32; n];
    for (k, &j) in cluster.iter().enumerate() {
        order[next[j as usize] as usize] = k as u32;
        next[j as usize] += 1;
    }
    Plan {
        cents,
        order,
        offsets,
    }
}

/// A unit vector as int8 values and the scale that gives them back (0 for none).
pub(crate) fn quantize(v: Option<&[f32]>, dim: usize) -> (f32, Vec<i8>) {
    let Some(v) = v else {
        return (0.0, vec![0; dim]);
    };
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max == 0.0 {
        return (0.0, vec![0; dim]);
    }
    let scale = max / 127.0;
    let row = v
        .iter()
        .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    (scale, row)
}

/// Bytes as the int8 values they store.
#[inline(always)]
fn bytemuck_i8(b: &[u8]) -> &[i8] {
    // SAFETY: u8 and i8 have the same size and alignment, and every bit pattern is
    // valid for both.
    unsafe { std::slice::from_raw_parts(b.as_ptr().cast::<i8>(), b.len()) }
}

/// int8 values as the bytes that store them.
fn bytes_of_i8(b: &[i8]) -> &[u8] {
    // SAFETY: as in `bytemuck_i8`.
    unsafe { std::slice::from_raw_parts(b.as_ptr().cast::<u8>(), b.len()) }
}

/// The integer dot product of an int8 row (as stored bytes) and an int8 query.
#[inline(always)]
fn dot(row: &[u8], q: &[i8]) -> i32 {
    ivf::dot8(bytemuck_i8(row), q)
}

/// The best `k` of rows `lo..hi` against `q`: (row, cosine), rows with a vector only,
/// unordered. A small buffer, cut back to `k` whenever it fills (no large allocation).
#[inline(always)]
fn score_rows(v: &VectorIndex, q: &Query, lo: usize, hi: usize, k: usize) -> Vec<(usize, f32)> {
    let cap = (2 * k).max(64).min(hi - lo);
    let mut out = Vec::with_capacity(cap);
    let dead = v.delta.as_ref();
    for i in lo..hi {
        let sc = v.scale(i);
        if let Some(d) = dead {
            if d.is_dead(i) {
                continue;
            }
        }
        if sc > 0.0 {
            if out.len() == cap {
                top(&mut out, k);
            }
            out.push((i, dot(v.row(i), &q.row) as f32 * sc * q.scale));
        }
    }
    top(&mut out, k);
    out
}

/// [`score_rows`] compiled for AVX2 (about 3x the baseline x86-64 speed here).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn score_rows_avx2(
    v: &VectorIndex,
    q: &Query,
    lo: usize,
    hi: usize,
    k: usize,
) -> Vec<(usize, f32)> {
    score_rows(v, q, lo, hi, k)
}

/// [`score_rows`] with the widest instructions this CPU has.
fn score_block(v: &VectorIndex, q: &Query, lo: usize, hi: usize, k: usize) -> Vec<(usize, f32)> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: AVX2 is available, checked just above.
        return unsafe { score_rows_avx2(v, q, lo, hi, k) };
    }
    score_rows(v, q, lo, hi, k)
}

/// A query vector, quantised like the rows so that a score is one integer dot product.
pub struct Query {
    row: Vec<i8>,
    scale: f32,
}

impl Query {
    /// `q` is a unit vector of the model's dimension.
    pub fn new(q: &[f32]) -> Query {
        let (scale, row) = quantize(Some(q), q.len());
        Query { row, scale }
    }
}

impl VectorIndex {
    fn parse(bytes: Bytes) -> Option<VectorIndex> {
        let b: &[u8] = &bytes;
        if b.get(..4)? != MAGIC {
            return None;
        }
        let u32_at = |i: usize| -> Option<usize> {
            Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize)
        };
        let h = u32_at(4)?;
        let dim = u32_at(8)?;
        let n = u32_at(12)?;
        let stamp: [u8; 32] = b.get(16..48)?.try_into().ok()?;
        let c = u32_at(48)?;
        let len = u32_at(52)?;
        let model_id = String::from_utf8(b.get(56..56usize.checked_add(len)?)?.to_vec()).ok()?;
        if h % 64 != 0 || 56 + len > h || dim == 0 {
            return None;
        }
        let ids_at = h;
        let scales_at = ids_at.checked_add(n.checked_mul(8)?)?;
        let data_at = scales_at.checked_add(n.checked_mul(4)?)?;
        let hashes_at = data_at.checked_add(n.checked_mul(dim)?)?;
        let mut end = hashes_at.checked_add(n.checked_mul(HASH)?)?;
        let ivf = if c > 0 {
            let by_id_at = end;
            let cent_scales_at = by_id_at.checked_add(n.checked_mul(4)?)?;
            let cents_at = cent_scales_at.checked_add(c.checked_mul(4)?)?;
            let offsets_at = cents_at.checked_add(c.checked_mul(dim)?)?;
            end = offsets_at.checked_add((c + 1).checked_mul(4)?)?;
            Some(IvfAt {
                c,
                by_id_at,
                cent_scales_at,
                cents_at,
                offsets_at,
            })
        } else {
            None
        };
        if end != b.len() {
            return None;
        }
        let v = VectorIndex {
            model_id,
            dim,
            stamp,
            n,
            bytes,
            ids_at,
            scales_at,
            data_at,
            hashes_at,
            ivf,
            delta: None,
        };
        // Ids must be sorted (through the id order, when partitioned) for lookups, and
        // the partition must cover the rows. A partitioned file is large: its id order
        // is checked on a sample (its size and stamp are checked whole), and a row
        // number out of range is clamped where it is read, never trusted.
        let step = match &v.ivf {
            None => 1,
            Some(iv) => {
                let off: Vec<u32> = (0..=iv.c).map(|j| v.offset(j)).collect();
                if off[0] != 0 || off[iv.c] as usize != n || off.windows(2).any(|w| w[0] > w[1]) {
                    return None;
                }
                if (0..n).step_by(61).any(|k| v.by_id_raw(k) >= n) {
                    return None;
                }
                61
            }
        };
        (step..n)
            .step_by(step)
            .all(|k| v.id(v.row_of(k - step)) < v.id(v.row_of(k)))
            .then_some(v)
    }

    #[cfg(test)]
    fn from_builder(b: &Builder, model_id: &str, stamp: [u8; 32]) -> VectorIndex {
        VectorIndex::parse(Bytes::Owned(b.encode(model_id, &stamp)))
            .expect("a built vectors file parses")
    }

    /// Maps `path`: `None` when there is no file, `Some(None)` when it is not a
    /// vectors file (damaged or foreign), `Some(Some(v))` otherwise.
    fn map(path: &Path) -> Result<Option<Option<VectorIndex>>> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        };
        // SAFETY: leindex never writes into an existing vectors file: a new one is
        // written beside it and renamed over it, so the mapped bytes do not change
        // while they are mapped (a foreign writer could change them; the reads are
        // then garbage, bounds-checked, never undefined behaviour in safe code).
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::Io {
            path: path.to_path_buf(),
            source: e,
        })?;
        Ok(Some(VectorIndex::parse(Bytes::Mapped(map))))
    }

    /// Symbols with a row (the file's live rows and the delta's).
    pub fn len(&self) -> usize {
        match &self.delta {
            None => self.n,
            Some(d) => self.n - d.dead_rows.len() + d.ids.len(),
        }
    }

    /// Rows of the file itself (dead ones included).
    fn base_rows(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    fn id(&self, i: usize) -> i64 {
        let at = self.ids_at + i * 8;
        i64::from_le_bytes(self.bytes[at..at + 8].try_into().expect("8 bytes"))
    }

    fn scale(&self, i: usize) -> f32 {
        let at = self.scales_at + i * 4;
        f32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes"))
    }

    fn row(&self, i: usize) -> &[u8] {
        let at = self.data_at + i * self.dim;
        &self.bytes[at..at + self.dim]
    }

    fn hash(&self, i: usize) -> [u8; HASH] {
        let at = self.hashes_at + i * HASH;
        self.bytes[at..at + HASH].try_into().expect("HASH bytes")
    }

    /// The stamp the database records for this state: the delta's, else the file's.
    fn stamp_hex(&self) -> String {
        let stamp = self.delta.as_ref().map_or(&self.stamp, |d| &d.stamp);
        stamp.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The best `k` of the file's hits `base` (rows) and the delta's rows, by id.
    fn with_delta(&self, base: Vec<(usize, f32)>, q: &Query, k: usize) -> Vec<(i64, f32)> {
        let mut all: Vec<(i64, f32)> = base.into_iter().map(|(i, c)| (self.id(i), c)).collect();
        if let Some(d) = &self.delta {
            for j in 0..d.ids.len() {
                if d.scales[j] > 0.0 {
                    let c =
                        dot(bytes_of_i8(d.row(j, self.dim)), &q.row) as f32 * d.scales[j] * q.scale;
                    all.push((d.ids[j], c));
                }
            }
        }
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }

    /// The row of the k-th symbol in id order.
    fn row_of(&self, k: usize) -> usize {
        if self.ivf.is_some() {
            self.by_id(k)
        } else {
            k
        }
    }

    fn by_id_raw(&self, k: usize) -> usize {
        let at = self.ivf.as_ref().expect("partitioned").by_id_at + k * 4;
        u32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes")) as usize
    }

    fn by_id(&self, k: usize) -> usize {
        self.by_id_raw(k).min(self.n.saturating_sub(1))
    }

    fn offset(&self, j: usize) -> u32 {
        let at = self.ivf.as_ref().expect("partitioned").offsets_at + j * 4;
        u32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes"))
    }

    /// The partition's centroids, when there is one.
    fn centroids(&self) -> Option<Centroids> {
        let iv = self.ivf.as_ref()?;
        let scales = (0..iv.c)
            .map(|j| {
                let at = iv.cent_scales_at + j * 4;
                f32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes"))
            })
            .collect();
        let rows = bytemuck_i8(&self.bytes[iv.cents_at..iv.cents_at + iv.c * self.dim]).to_vec();
        Some(Centroids {
            dim: self.dim,
            rows,
            scales,
        })
    }

    /// The cluster of row `i` (partitioned files).
    fn cluster_of(&self, i: usize) -> u32 {
        let c = self.ivf.as_ref().expect("partitioned").c;
        // The last cluster whose offset is <= i.
        let (mut lo, mut hi) = (0, c);
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if self.offset(mid) as usize <= i {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo as u32
    }

    /// The row of symbol `id`.
    fn find(&self, id: i64) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let row = self.row_of(mid);
            match self.id(row).cmp(&id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(row),
            }
        }
        None
    }

    /// The cosine of row `i` with the query.
    fn cosine(&self, i: usize, q: &Query) -> f32 {
        dot(self.row(i), &q.row) as f32 * self.scale(i) * q.scale
    }

    /// The `k` symbols nearest to `q` by cosine, best first (ties by id): an exact scan
    /// over every row in parallel blocks, or in a partitioned file the rows of the
    /// [`ivf::probes`] clusters whose centroids are nearest to `q`.
    pub fn nearest(&self, q: &Query, k: usize) -> Vec<(i64, f32)> {
        if k == 0 || q.row.len() != self.dim {
            return Vec::new();
        }
        let ranges: Vec<(usize, usize)> = match &self.ivf {
            None => (0..self.n.div_ceil(BLOCK))
                .map(|b| (b * BLOCK, ((b + 1) * BLOCK).min(self.n)))
                .collect(),
            Some(iv) => {
                let cents = &self.bytes[iv.cents_at..iv.cents_at + iv.c * self.dim];
                let mut by_centroid: Vec<(usize, f32)> = (0..iv.c)
                    .map(|j| {
                        let at = iv.cent_scales_at + j * 4;
                        let s =
                            f32::from_le_bytes(self.bytes[at..at + 4].try_into().expect("4 bytes"));
                        let row = &cents[j * self.dim..(j + 1) * self.dim];
                        (j, dot(row, &q.row) as f32 * s)
                    })
                    .collect();
                top(&mut by_centroid, ivf::probes(iv.c));
                by_centroid
                    .iter()
                    .map(|&(j, _)| (self.offset(j) as usize, self.offset(j + 1) as usize))
                    .filter(|(lo, hi)| lo < hi)
                    .collect()
            }
        };
        let mut best: Vec<(usize, f32)> = ranges
            .into_par_iter()
            .flat_map_iter(|(lo, hi)| score_block(self, q, lo, hi, k))
            .collect();
        top(&mut best, k);
        self.with_delta(best, q, k)
    }

    /// The `k` nearest by an exact scan of every row, partitioned or not (what
    /// [`VectorIndex::nearest`] approximates in a partitioned file; benches/ann.rs).
    pub fn nearest_exact(&self, q: &Query, k: usize) -> Vec<(i64, f32)> {
        if k == 0 || q.row.len() != self.dim {
            return Vec::new();
        }
        let mut best: Vec<(usize, f32)> = (0..self.n.div_ceil(BLOCK))
            .into_par_iter()
            .flat_map_iter(|b| score_block(self, q, b * BLOCK, ((b + 1) * BLOCK).min(self.n), k))
            .collect();
        top(&mut best, k);
        self.with_delta(best, q, k)
    }

    /// Open the vectors (file and delta) of the index at `db` as they are (no check
    /// against the database; benches).
    #[doc(hidden)]
    pub fn open_file(db: &Path) -> Result<Option<VectorIndex>> {
        Ok(load(db)?.flatten())
    }

    /// Row `i` as a unit vector (f32) and its symbol id (benches).
    #[doc(hidden)]
    pub fn vector(&self, i: usize) -> (i64, Vec<f32>) {
        let s = self.scale(i);
        (
            self.id(i),
            bytemuck_i8(self.row(i))
                .iter()
                .map(|&x| f32::from(x) * s)
                .collect(),
        )
    }

    /// Whether searches of this file are approximate (partitioned).
    pub fn is_partitioned(&self) -> bool {
        self.ivf.is_some()
    }

    /// The cosine of `q` with the vector of symbol `id`, if it has one.
    pub fn score_of(&self, id: i64, q: &Query) -> Option<f32> {
        if let Some(d) = &self.delta {
            if let Ok(j) = d.ids.binary_search(&id) {
                let c = dot(bytes_of_i8(d.row(j, self.dim)), &q.row) as f32 * d.scales[j] * q.scale;
                return (d.scales[j] > 0.0).then_some(c);
            }
        }
        let i = self.find(id)?;
        if self.delta.as_ref().is_some_and(|d| d.is_dead(i)) {
            return None;
        }
        (self.scale(i) > 0.0).then(|| self.cosine(i, q))
    }
}

/// Keep the `k` best (highest score, then lowest index) of `s`, unordered.
fn top(s: &mut Vec<(usize, f32)>, k: usize) {
    if s.len() > k {
        s.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        s.truncate(k);
    }
}

/// What the stored vectors are, for `leindex status`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VectorSummary {
    pub model: String,
    /// Symbols with a vector (file and delta).
    pub symbols: usize,
    /// Clusters of the partition (0: searched exactly).
    pub clusters: usize,
    /// Rows in `vectors.delta` (added) and rows of the file it retires.
    pub delta_added: usize,
    pub delta_dead: usize,
    /// Whether they match the index (else the next search or index run rebuilds them).
    pub current: bool,
}

/// The stored vectors of `store`'s index, if there is a readable vectors file.
pub fn describe(store: &Store) -> Result<Option<VectorSummary>> {
    let db = store.db_file();
    let Some(v) = load(db)?.flatten() else {
        return Ok(None);
    };
    let meta = store.meta()?;
    let current = meta.get(VECTORS_STALE).is_some_and(|x| x == "0")
        && meta.get(VECTORS_STAMP).map(String::as_str) == Some(v.stamp_hex().as_str());
    Ok(Some(VectorSummary {
        model: v.model_id.clone(),
        symbols: v.len(),
        clusters: v.ivf.as_ref().map_or(0, |i| i.c),
        delta_added: v.delta.as_ref().map_or(0, |d| d.ids.len()),
        delta_dead: v.delta.as_ref().map_or(0, |d| d.dead_rows.len()),
        current,
    }))
}

/// The vectors file of the index at `db` with its delta, if it has one that belongs to
/// it (a delta of another file, left by an interrupted run, is not used): `None`
/// without a file, `Some(None)` for a file that is not a vectors file.
fn load(db: &Path) -> Result<Option<Option<VectorIndex>>> {
    let mapped = VectorIndex::map(&vectors_path(db))?;
    Ok(mapped.map(|file| {
        file.map(|mut v| {
            v.delta = std::fs::read(db.with_file_name(DELTA_FILE))
                .ok()
                .and_then(|b| Delta::decode(&b, &v));
            v
        })
    }))
}

/// A body hash column as stored (shorter blobs are zero-padded).
fn hash_column(r: &rusqlite::Row, i: usize) -> rusqlite::Result<[u8; HASH]> {
    let blob = r.get_ref(i)?.as_blob().unwrap_or(&[]);
    let mut h = [0u8; HASH];
    let n = blob.len().min(HASH);
    h[..n].copy_from_slice(&blob[..n]);
    Ok(h)
}

/// The path of the vectors file of the index at `db`.
pub fn vectors_path(db: &Path) -> PathBuf {
    db.with_file_name(FILE)
}

/// Write `path` whole with `write`: beside it first, synced, then renamed over it.
fn replace_file(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = (|| {
        let f = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &f);
        write(&mut w)?;
        w.flush()?;
        drop(w);
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })
}

/// A stamp no other vectors file has.
fn new_stamp(n: usize) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.update(&now.to_le_bytes());
    h.update(&std::process::id().to_le_bytes());
    h.update(&(n as u64).to_le_bytes());
    *h.finalize().as_bytes()
}

/// The vectors of every symbol for `model`, building (only what changed) first when an
/// index run left them stale, the file is missing or damaged, or another model made
/// them.
pub fn ensure_vectors(
    store: &mut Store,
    root: &Path,
    model: &dyn Embedder,
) -> Result<(VectorIndex, VectorReport)> {
    ensure_vectors_with(store, root, model, ivf::ANN_MIN, DELTA_MIN)
}

/// Rows a delta may always hold (beyond that, 1/16 of the file's rows).
const DELTA_MIN: usize = 4096;

/// [`ensure_vectors`], partitioning from `ann_min` symbols on and writing a delta up to
/// `delta_min` rows or 1/16 of the file (tests use small values).
#[doc(hidden)]
pub fn ensure_vectors_with(
    store: &mut Store,
    root: &Path,
    model: &dyn Embedder,
    ann_min: usize,
    delta_min: usize,
) -> Result<(VectorIndex, VectorReport)> {
    let path = store.db_file().to_path_buf();
    let e = db_err(&path);
    let vpath = vectors_path(&path);
    let dpath = path.with_file_name(DELTA_FILE);
    let loaded = load(&path)?;
    let damaged = matches!(loaded, Some(None));
    let stored = loaded.flatten();
    let meta = store.meta()?;
    let stale = meta.get(VECTORS_STALE).is_none_or(|v| v != "0");
    let same_model = |v: &VectorIndex| v.model_id == model.model_id() && v.dim == model.dim();
    if let Some(v) = stored.as_ref() {
        let current = !stale
            && same_model(v)
            && meta.get(VECTORS_STAMP).map(String::as_str) == Some(v.stamp_hex().as_str());
        if current {
            let stats = VectorStats {
                symbols: v.len(),
                embedded: 0,
                reused: v.len(),
            };
            let report = VectorReport {
                stats,
                ..Default::default()
            };
            return Ok((stored.expect("checked above"), report));
        }
    }
    let replaced_model = stored
        .as_ref()
        .filter(|v| !same_model(v))
        .map(|v| v.model_id.clone());
    // The stored vectors of this model, file and delta (whatever their stamp: a
    // vector depends on the symbol's text, not on the run that made it).
    let previous = stored.filter(|v| same_model(v));
    #[derive(Clone, Copy)]
    enum Src {
        /// A row of the file.
        Kept(usize),
        /// A row of the delta.
        Delta(usize),
        /// A row embedded now: chunk, index.
        Fresh(usize, usize),
    }
    // Pass 1: ids and body hashes only. A row whose id and body are in the stored file
    // keeps its vector; the others are looked up by body hash, then embedded.
    let mut kept: Vec<(i64, [u8; HASH], Src)> = Vec::new();
    let mut unmatched: Vec<(i64, [u8; HASH])> = Vec::new();
    // Rows of the file that are still the same symbol (same id, same body).
    let mut same_in_file = 0usize;
    {
        let conn = store.conn();
        let mut st = conn
            .prepare("SELECT id, body_hash FROM nodes ORDER BY id")
            .map_err(&e)?;
        let mut q = st.query([]).map_err(&e)?;
        while let Some(r) = q.next().map_err(&e)? {
            let id: i64 = r.get(0).map_err(&e)?;
            let h = hash_column(r, 1).map_err(&e)?;
            if let Some(v) = &previous {
                if let Some(i) = v.find(id) {
                    let live = !v.delta.as_ref().is_some_and(|d| d.is_dead(i));
                    if live && v.hash(i) == h {
                        kept.push((id, h, Src::Kept(i)));
                        same_in_file += 1;
                        continue;
                    }
                }
            }
            unmatched.push((id, h));
        }
    }
    let mut by_hash: HashMap<[u8; HASH], Src> = HashMap::new();
    if let (Some(v), false) = (&previous, unmatched.is_empty()) {
        by_hash.reserve(v.len());
        for i in 0..v.base_rows() {
            if !v.delta.as_ref().is_some_and(|d| d.is_dead(i)) {
                by_hash.insert(v.hash(i), Src::Kept(i));
            }
        }
        if let Some(d) = &v.delta {
            for (j, h) in d.hashes.iter().enumerate() {
                by_hash.insert(*h, Src::Delta(j));
            }
        }
    }
    let mut todo: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (id, h) in unmatched {
        match by_hash.get(&h) {
            Some(&src) => kept.push((id, h, src)),
            None => {
                todo.insert(id);
            }
        }
    }
    drop(by_hash);
    // Pass 2: what the rows to embed are made of, file by file, embedded in batches
    // (the rows' text of a whole large repository would not fit in little memory).
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
    struct Chunk {
        rows: Vec<(i64, [u8; HASH], f32)>,
        data: Vec<i8>,
    }
    let dim = model.dim();
    // Embed `rows` (sorted by file) file by file on every core, straight to int8.
    let embed_rows = |rows: &[Row]| -> Vec<Chunk> {
        let by_file: Vec<&[Row]> = rows.chunk_by(|a, b| a.file == b.file).collect();
        by_file
            .par_iter()
            .map(|rows| {
                // A file that cannot be read now: its symbols are embedded without a body.
                let text = std::fs::read(root.join(&rows[0].file))
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                let texts: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let body = text
                            .get(r.start.min(text.len())..r.end.min(text.len()))
                            .unwrap_or("");
                        symbol_text(&r.name, &r.qname, &r.signature, r.doc.as_deref(), body)
                    })
                    .collect();
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                let vectors = model.embed_batch(&texts);
                let mut chunk = Chunk {
                    rows: Vec::with_capacity(rows.len()),
                    data: Vec::with_capacity(rows.len() * dim),
                };
                for (r, v) in rows.iter().zip(vectors) {
                    let (scale, row) = quantize(v.as_deref(), dim);
                    chunk.rows.push((r.id, r.hash, scale));
                    chunk.data.extend_from_slice(&row);
                }
                chunk
            })
            .collect()
    };
    /// Rows embedded together (flushed at a file boundary).
    const BATCH: usize = 20_000;
    let mut fresh: Vec<Chunk> = Vec::new();
    let mut embedded = 0usize;
    if !todo.is_empty() {
        const COLUMNS: &str = "SELECT n.id, n.body_hash, f.path, n.start_byte, n.end_byte,
            n.name, n.qualified_name, n.signature, n.doc FROM nodes n JOIN files f ON f.id = n.file_id";
        // Few rows: by id. Many: one pass over the table, in file order.
        let few = todo.len() < 10_000;
        let conn = store.conn();
        let sql = if few {
            format!("{COLUMNS} WHERE n.id = ?1")
        } else {
            format!("{COLUMNS} ORDER BY f.path, n.id")
        };
        let mut st = conn.prepare(&sql).map_err(&e)?;
        let ids: Vec<i64> = if few {
            let mut v: Vec<i64> = todo.iter().copied().collect();
            v.sort_unstable();
            v
        } else {
            vec![0]
        };
        let mut batch: Vec<Row> = Vec::new();
        for one in ids {
            let mut q = if few {
                st.query([one]).map_err(&e)?
            } else {
                st.query([]).map_err(&e)?
            };
            while let Some(r) = q.next().map_err(&e)? {
                let id: i64 = r.get(0).map_err(&e)?;
                if !todo.contains(&id) {
                    continue;
                }
                let h = hash_column(r, 1).map_err(&e)?;
                let file: String = r.get(2).map_err(&e)?;
                if !few && batch.len() >= BATCH && batch.last().is_some_and(|l| l.file != file) {
                    embedded += batch.len();
                    fresh.extend(embed_rows(&batch));
                    batch.clear();
                }
                batch.push(Row {
                    id,
                    hash: h,
                    file,
                    start: r.get::<_, i64>(3).map_err(&e)?.max(0) as usize,
                    end: r.get::<_, i64>(4).map_err(&e)?.max(0) as usize,
                    name: r.get(5).map_err(&e)?,
                    qname: r.get(6).map_err(&e)?,
                    signature: r.get(7).map_err(&e)?,
                    doc: r.get(8).map_err(&e)?,
                });
            }
        }
        // Rows read by id: file by file for embedding.
        batch.sort_by(|a, b| a.file.cmp(&b.file).then(a.id.cmp(&b.id)));
        embedded += batch.len();
        fresh.extend(embed_rows(&batch));
    }
    drop(todo);
    let stats = VectorStats {
        symbols: embedded + kept.len(),
        embedded,
        reused: kept.len(),
    };
    // Every row, in id order, with where its vector comes from.
    let mut order: Vec<(i64, [u8; HASH], Src)> = kept;
    order.extend(fresh.iter().enumerate().flat_map(|(c, chunk)| {
        chunk
            .rows
            .iter()
            .enumerate()
            .map(move |(j, r)| (r.0, r.1, Src::Fresh(c, j)))
    }));
    order.sort_unstable_by_key(|o| o.0);
    let vector_of = |src: Src| -> (f32, &[i8]) {
        match src {
            Src::Kept(i) => {
                let v = previous
                    .as_ref()
                    .expect("kept rows come from a stored file");
                (v.scale(i), bytemuck_i8(v.row(i)))
            }
            Src::Delta(j) => {
                let v = previous
                    .as_ref()
                    .expect("delta rows come from a stored file");
                let d = v.delta.as_ref().expect("a delta");
                (d.scales[j], d.row(j, dim))
            }
            Src::Fresh(c, j) => (fresh[c].rows[j].2, &fresh[c].data[j * dim..(j + 1) * dim]),
        }
    };
    let n = order.len();
    let stamp = new_stamp(n);
    // A small change to a stored file of this model goes to a delta beside it.
    let delta_fits = previous.as_ref().is_some_and(|v| {
        let dead = v.base_rows() - same_in_file;
        let added = n - same_in_file;
        dead + added <= (v.base_rows() / 16).max(delta_min)
    });
    let v = if delta_fits {
        let base = previous.as_ref().expect("checked above");
        let mut alive = vec![false; base.base_rows()];
        let mut delta = Delta {
            stamp,
            dead: Vec::new(),
            dead_rows: Vec::new(),
            ids: Vec::new(),
            scales: Vec::new(),
            data: Vec::new(),
            hashes: Vec::new(),
        };
        for &(id, hash, src) in &order {
            if let Src::Kept(i) = src {
                if base.id(i) == id {
                    alive[i] = true;
                    continue;
                }
            }
            let (scale, row) = vector_of(src);
            delta.ids.push(id);
            delta.scales.push(scale);
            delta.data.extend_from_slice(row);
            delta.hashes.push(hash);
        }
        delta.dead_rows = (0..base.base_rows())
            .filter(|&i| !alive[i])
            .map(|i| i as u32)
            .collect();
        let mut v = previous.expect("checked above");
        let bytes = delta.encode(dim, v.base_rows(), &v.stamp);
        replace_file(&dpath, |w| w.write_all(&bytes))?;
        v.delta = Some(Delta::decode(&bytes, &v).expect("a written delta decodes"));
        v
    } else {
        let row = |k: usize| -> (i64, f32, &[i8], [u8; HASH]) {
            let (id, hash, src) = order[k];
            let (scale, r) = vector_of(src);
            (id, scale, r, hash)
        };
        let plan = (n >= ann_min).then(|| {
            let c = ivf::clusters_for(n);
            // Keep the centroids of a partitioned file of this model with as many
            // clusters: its kept rows keep their clusters.
            let old = previous
                .as_ref()
                .filter(|v| ivf::clusters_for(v.base_rows()) == c)
                .and_then(|v| v.centroids());
            match &old {
                Some(cents) => {
                    let prev = previous.as_ref().expect("centroids come from a file");
                    let was = |k: usize| match order[k].2 {
                        Src::Kept(i) => Some(prev.cluster_of(i)),
                        Src::Delta(..) | Src::Fresh(..) => None,
                    };
                    let kept = make_plan(n, dim, &row, c, Some((cents, &was)));
                    // Centroids of a repository that changed much can leave clusters
                    // uneven (a search then scans more or misses more): train anew.
                    if kept.is_uneven() {
                        make_plan(n, dim, &row, c, None)
                    } else {
                        kept
                    }
                }
                None => make_plan(n, dim, &row, c, None),
            }
        });
        replace_file(&vpath, |w| {
            write_vectors(w, model.model_id(), &stamp, dim, n, &row, plan.as_ref())
        })?;
        drop(previous);
        // The old delta belonged to the old file (its stamp says so if this fails).
        if let Err(err) = std::fs::remove_file(&dpath) {
            if err.kind() != std::io::ErrorKind::NotFound {
                return Err(Error::Io {
                    path: dpath,
                    source: err,
                });
            }
        }
        match VectorIndex::map(&vpath)? {
            Some(Some(v)) if v.stamp == stamp => v,
            _ => {
                return Err(Error::Internal(format!(
                    "{} changed while it was written (another leindex at work?)",
                    vpath.display()
                )))
            }
        }
    };
    let writer = store.writer()?;
    // Vectors of leindex before 0.1 lived in the database.
    writer
        .conn()
        .execute("DELETE FROM blobs WHERE key = 'vectors'", [])
        .map_err(db_err(writer.path()))?;
    writer.set_meta(VECTORS_STAMP, &v.stamp_hex())?;
    writer.set_meta(VECTORS_STALE, "0")?;
    writer.set_meta("model_id", model.model_id())?;
    writer.commit()?;
    Ok((
        v,
        VectorReport {
            stats,
            replaced_model,
            damaged,
            rebuilt: true,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_nearest_is_by_cosine() {
        let mut b = Builder::new(2);
        b.push(1, [1; HASH], Some(&[1.0, 0.0]));
        b.push(2, [2; HASH], Some(&[0.6, 0.8]));
        b.push(3, [3; HASH], Some(&[0.0, 1.0]));
        b.push(4, [4; HASH], None);
        let back = VectorIndex::from_builder(&b, "m", [7; 32]);
        assert_eq!(back.model_id, "m");
        assert_eq!((0..4).map(|i| back.id(i)).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(back.hash(2), [3; HASH]);
        let up = Query::new(&[0.0, 1.0]);
        let right = Query::new(&[1.0, 0.0]);
        // A symbol without a vector never matches.
        assert_eq!(back.nearest(&up, 10).len(), 3);
        assert_eq!(back.score_of(4, &right), None);
        assert_eq!(back.score_of(9, &right), None);
        let near = back.nearest(&up, 2);
        assert_eq!(near.iter().map(|n| n.0).collect::<Vec<_>>(), [3, 2]);
        assert!((near[1].1 - 0.8).abs() < 0.01, "{near:?}");
        assert!((back.score_of(1, &right).unwrap() - 1.0).abs() < 0.01);
        let bytes = b.encode("m", &[7; 32]);
        assert!(VectorIndex::parse(Bytes::Owned(bytes[..bytes.len() - 1].to_vec())).is_none());
        assert!(VectorIndex::parse(Bytes::Owned(bytes[..10].to_vec())).is_none());
    }

    #[test]
    fn nearest_over_many_blocks_equals_a_full_sort() {
        let dim = 8;
        let mut b = Builder::new(dim);
        let mut rows = Vec::new();
        for id in 0..(3 * BLOCK as i64 + 17) {
            let v: Vec<f32> = (0..dim)
                .map(|j| (((id * 31 + j as i64 * 7) % 13) as f32 - 6.0) / 6.0)
                .collect();
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            let v: Vec<f32> = v.iter().map(|x| x / n).collect();
            b.push(id, [0; HASH], Some(&v));
            rows.push(v);
        }
        let idx = VectorIndex::from_builder(&b, "m", [0; 32]);
        let q = Query::new(&rows[5]);
        let mut all: Vec<(i64, f32)> = (0..idx.len())
            .map(|i| (idx.id(i), idx.cosine(i, &q)))
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(25);
        assert_eq!(idx.nearest(&q, 25), all);
        assert!(all[0].1 > 0.98, "{:?}", all[0]);
    }

    /// A partitioned file of `n` rows around 12 directions, and the rows as f32.
    fn partitioned(n: usize, dim: usize) -> (VectorIndex, Vec<Vec<f32>>) {
        let mut b = Builder::new(dim);
        let mut rows = Vec::new();
        for k in 0..n {
            let kind = k % 12;
            let v: Vec<f32> = (0..dim)
                .map(|j| {
                    let base = if j % 12 == kind { 1.0 } else { 0.0 };
                    base + (((k * 7919 + j * 104_729) % 1000) as f32 / 1000.0 - 0.5) * 0.6
                })
                .collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            let v: Vec<f32> = v.iter().map(|x| x / norm).collect();
            // Ids not in row order's shape: spread, and one row with no vector.
            b.push(
                10 + 3 * k as i64,
                [k as u8; HASH],
                (k != 5).then_some(v.as_slice()),
            );
            rows.push(v);
        }
        let row = |k: usize| {
            let r: &[i8] = &b.data[k * dim..(k + 1) * dim];
            (b.ids[k], b.scales[k], r, b.hashes[k])
        };
        let plan = make_plan(n, dim, &row, 16, None);
        let mut bytes = Vec::new();
        write_vectors(&mut bytes, "m", &[1; 32], dim, n, &row, Some(&plan)).unwrap();
        (VectorIndex::parse(Bytes::Owned(bytes)).unwrap(), rows)
    }

    #[test]
    fn a_partitioned_file_finds_every_id_and_most_true_neighbours() {
        let (n, dim) = (3000, 32);
        let (v, rows) = partitioned(n, dim);
        assert!(v.is_partitioned());
        assert_eq!(v.len(), n);
        // Every id resolves to its own row (rows are in cluster order now).
        for k in [0usize, 1, 5, 777, n - 1] {
            let id = 10 + 3 * k as i64;
            let row = v.find(id).unwrap();
            assert_eq!(v.id(row), id);
            assert_eq!(v.hash(row), [k as u8; HASH]);
        }
        assert_eq!(v.find(11), None);
        let q = Query::new(&rows[42]);
        assert_eq!(v.score_of(10 + 3 * 5, &q), None, "the row without a vector");
        assert!((v.score_of(10 + 3 * 42, &q).unwrap() - 1.0).abs() < 0.02);
        // Against an exact ranking: most of the true 10 nearest are found.
        let mut found = 0;
        for qi in (0..n).step_by(97) {
            let q = Query::new(&rows[qi]);
            let mut exact: Vec<(i64, f32)> = (0..n)
                .filter(|&k| k != 5)
                .map(|k| {
                    (
                        10 + 3 * k as i64,
                        v.score_of(10 + 3 * k as i64, &q).unwrap(),
                    )
                })
                .collect();
            exact.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let got: Vec<i64> = v.nearest(&q, 10).iter().map(|h| h.0).collect();
            found += exact[..10].iter().filter(|e| got.contains(&e.0)).count();
        }
        let total = n.div_ceil(97) * 10;
        assert!(found as f64 >= 0.9 * total as f64, "recall {found}/{total}");
        // Damage to the partition is caught when the file is read.
        let (mut bytes, _) = (Vec::new(), ());
        bytes.extend_from_slice(&v.bytes);
        let last = bytes.len() - 4;
        bytes[last..].copy_from_slice(&(n as u32 + 1).to_le_bytes());
        assert!(VectorIndex::parse(Bytes::Owned(bytes)).is_none());
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dst = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &dst);
            } else {
                std::fs::copy(e.path(), dst).unwrap();
            }
        }
    }

    /// A copy of tests/fixtures/python, indexed (the folder lives while the guard does).
    fn indexed_python_fixture() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/python"),
            &root,
        );
        let opts = crate::core::index::IndexOptions::default();
        crate::core::index::run(&root, &opts, &crate::core::index::NoProgress).unwrap();
        (dir, root)
    }

    #[test]
    fn partitioned_vectors_keep_centroids_and_clusters_across_runs() {
        let (_dir, root) = indexed_python_fixture();
        let model = crate::core::embed::default_model().unwrap();
        let mut store = Store::open(&root).unwrap();
        let (v, r) = ensure_vectors_with(&mut store, &root, &model, 1, 0).unwrap();
        assert!(v.is_partitioned() && r.rebuilt);
        let n = v.len();
        let cents = v.centroids().unwrap();
        // Each symbol is found by a query made of its own vector's direction.
        let q_id = v.id(0);
        let q: Vec<f32> = bytemuck_i8(v.row(0))
            .iter()
            .map(|&x| f32::from(x))
            .collect();
        let norm = q.iter().map(|x| x * x).sum::<f32>().sqrt();
        let q = Query::new(&q.iter().map(|x| x / norm).collect::<Vec<_>>());
        assert_eq!(v.nearest(&q, 1)[0].0, q_id);
        drop(v);
        drop(store);
        // A new function: same centroids, one more row, the others in their clusters.
        let f = root.join("shop/pricing.py");
        let mut text = std::fs::read_to_string(&f).unwrap();
        text.push_str("\n\ndef seasonal_rate(month: int) -> float:\n    return 0.1\n");
        std::fs::write(&f, text).unwrap();
        let opts = crate::core::index::IndexOptions::default();
        crate::core::index::run(&root, &opts, &crate::core::index::NoProgress).unwrap();
        let mut store = Store::open(&root).unwrap();
        // No delta allowance beyond 1/16 of the rows: the file is written again, and
        // keeps its centroids.
        let (w, r) = ensure_vectors_with(&mut store, &root, &model, 1, 0).unwrap();
        assert!(!std::path::Path::new(&root.join(".leindex/vectors.delta")).exists());
        assert_eq!((r.stats.embedded, r.stats.reused), (1, n));
        assert_eq!(w.len(), n + 1);
        let again = w.centroids().unwrap();
        assert!(
            again.rows == cents.rows && again.scales == cents.scales,
            "the centroids were trained again"
        );
    }

    #[test]
    fn another_model_replaces_every_vector_and_says_which() {
        let (_dir, root) = indexed_python_fixture();
        let mut store = Store::open(&root).unwrap();
        let first = crate::core::embed::default_model().unwrap();
        let (v, _) = ensure_vectors(&mut store, &root, &first).unwrap();
        let n = v.len();
        drop(v);
        // A tiny model of another id: 4 tokens, 3 dimensions.
        let mut table = b"LXE1".to_vec();
        table.extend(4u32.to_le_bytes());
        table.extend(3u32.to_le_bytes());
        for _ in 0..4 {
            table.extend((1.0f32 / 127.0).to_le_bytes());
        }
        for t in 0..4u8 {
            table.extend([127 * u8::from(t % 3 == 0), 127 * u8::from(t % 3 == 1), 127]);
        }
        let table: &'static [u8] = Box::leak(table.into_boxed_slice());
        let other =
            crate::core::embed::StaticModel::from_bytes("other", table, "[UNK]\ndef\nself\nreturn")
                .unwrap();
        let (w, r) = ensure_vectors(&mut store, &root, &other).unwrap();
        assert_eq!(r.replaced_model.as_deref(), Some("leindex-code-v1"));
        assert_eq!((r.stats.embedded, r.stats.reused), (n, 0));
        assert_eq!((w.model_id.as_str(), w.dim), ("other", 3));
        assert_eq!(store.meta().unwrap()["model_id"], "other");
    }

    #[test]
    fn kept_centroids_that_leave_clusters_uneven_are_trained_anew() {
        let (n, dim) = (3000, 32);
        let (v, _) = partitioned(n, dim);
        let rows: Vec<(i64, f32, Vec<i8>, [u8; HASH])> = (0..n)
            .map(|k| {
                let i = v.row_of(k);
                (
                    v.id(i),
                    v.scale(i),
                    bytemuck_i8(v.row(i)).to_vec(),
                    v.hash(i),
                )
            })
            .collect();
        let row = |k: usize| (rows[k].0, rows[k].1, rows[k].2.as_slice(), rows[k].3);
        let good = v.centroids().unwrap();
        let even = make_plan(n, dim, &row, good.len(), Some((&good, &|_| None)));
        assert!(!even.is_uneven());
        // Every kept row said to be in cluster 0: that plan is uneven.
        let skewed = make_plan(n, dim, &row, good.len(), Some((&good, &|_| Some(0))));
        assert!(skewed.is_uneven());
    }

    #[test]
    fn long_bodies_are_cut_on_a_character_boundary() {
        let body = "é".repeat(BODY_MAX);
        let t = symbol_text("f", "m::f", "fn f()", None, &body);
        assert!(t.len() < BODY_MAX + 20);
    }
}
