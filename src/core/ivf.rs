//! An inverted-file (IVF) partition of the symbol vectors, for approximate nearest
//! neighbours in large indexes.
//!
//! Below [`ANN_MIN`] symbols search scans every vector (exact). From there on the
//! vectors are partitioned into `c` clusters by spherical k-means (centroids trained on
//! a strided sample, every row then assigned to its nearest centroid), the vectors file
//! stores rows cluster by cluster, and a search scores the centroids first and scans
//! only the rows of the [`probes`] best clusters: a fraction of the file, contiguous.
//! Centroids are kept across index runs (same model, same cluster count), so a row that
//! did not change keeps its cluster and only new rows are assigned.

/// Symbols from which search is approximate (below, every vector is scanned). An exact
/// scan of 173k symbols answers in about 20 ms here and grows linearly: about 50 ms near
/// 500k. README: measured figures.
pub const ANN_MIN: usize = 262_144;

/// A partition whose largest cluster holds more than this many times the mean is
/// trained anew instead of kept (clusters drift as a repository changes). A fresh
/// training on the large corpus gives 6.3 times the mean at most: real clusters are
/// uneven, so only drift well past that triggers a new training.
pub const UNEVEN: usize = 12;

/// k-means iterations over the sample.
const ITERATIONS: usize = 6;

/// Clusters for `n` vectors: about 4,096 rows each, 64 to 1,024 clusters.
pub fn clusters_for(n: usize) -> usize {
    (n / 4096).next_power_of_two().clamp(64, 1024)
}

/// Clusters a search scans, of `c`: one in four (measured on the large corpus, 1.46M
/// vectors: recall@10 0.956 against the exact scan, where one in eight gave 0.922;
/// benches/ann.rs, README).
pub fn probes(c: usize) -> usize {
    (c / 4).max(8).min(c)
}

/// `c` unit centroids of dimension `dim`, int8 with a scale per row (like the vectors).
#[derive(Debug, Clone)]
pub struct Centroids {
    pub dim: usize,
    pub rows: Vec<i8>,
    pub scales: Vec<f32>,
}

impl Centroids {
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    pub fn row(&self, j: usize) -> &[i8] {
        &self.rows[j * self.dim..(j + 1) * self.dim]
    }

    /// Centroids from unit vectors (f32), quantised like the vectors.
    fn from_f32(dim: usize, vs: &[Vec<f32>]) -> Centroids {
        let mut rows = Vec::with_capacity(vs.len() * dim);
        let mut scales = Vec::with_capacity(vs.len());
        for v in vs {
            let (s, r) = crate::core::vectors::quantize(Some(v), dim);
            scales.push(s);
            rows.extend(r);
        }
        Centroids { dim, rows, scales }
    }
}

/// The integer dot product of two int8 vectors (16 lanes of partial sums).
#[inline(always)]
pub fn dot8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let (ac, bc) = (a.chunks_exact(16), b.chunks_exact(16));
    let mut tail = 0i32;
    for (&x, &y) in ac.remainder().iter().zip(bc.remainder()) {
        tail += i32::from(x) * i32::from(y);
    }
    for (x, y) in ac.zip(bc) {
        for j in 0..16 {
            acc[j] += i32::from(x[j]) * i32::from(y[j]);
        }
    }
    acc.iter().sum::<i32>() + tail
}

/// The centroid nearest to `row` by cosine among `among` (all when `None`); the row's
/// own scale does not change which.
#[inline(always)]
fn nearest(c: &Centroids, row: &[i8], among: Option<&[u32]>) -> u32 {
    let mut best = (0u32, f32::MIN);
    match among {
        None => {
            for j in 0..c.len() {
                let s = dot8(c.row(j), row) as f32 * c.scales[j];
                if s > best.1 {
                    best = (j as u32, s);
                }
            }
        }
        Some(js) => {
            for &j in js {
                let s = dot8(c.row(j as usize), row) as f32 * c.scales[j as usize];
                if s > best.1 || (s == best.1 && j < best.0) {
                    best = (j, s);
                }
            }
        }
    }
    best.0
}

/// Groups of centroids, for assigning rows without scoring every centroid: a row is
/// compared with the group centroids, then with the members of its [`GROUPS_SEEN`]
/// nearest groups (about 140 dot products instead of 512 for 512 centroids).
struct Groups {
    centroids: Centroids,
    members: Vec<Vec<u32>>,
}

/// Groups a row looks into.
const GROUPS_SEEN: usize = 5;

/// Centroids from which assignment goes through [`Groups`].
const GROUPED_FROM: usize = 128;

impl Groups {
    fn new(c: &Centroids) -> Groups {
        let g = ((c.len() as f64).sqrt().round() as usize).max(2);
        let sample: Vec<(&[i8], f32)> = (0..c.len()).map(|j| (c.row(j), c.scales[j])).collect();
        let centroids = train_flat(c.dim, g, &sample);
        let mut members = vec![Vec::new(); centroids.len()];
        for j in 0..c.len() {
            members[nearest(&centroids, c.row(j), None) as usize].push(j as u32);
        }
        Groups { centroids, members }
    }

    #[inline(always)]
    fn nearest(&self, c: &Centroids, row: &[i8], js: &mut Vec<u32>) -> u32 {
        let g = self.centroids.len();
        let mut scored = [(0usize, f32::MIN); GROUPS_SEEN];
        for k in 0..g {
            let s = dot8(self.centroids.row(k), row) as f32 * self.centroids.scales[k];
            if s > scored[GROUPS_SEEN - 1].1 {
                let mut at = GROUPS_SEEN - 1;
                while at > 0 && scored[at - 1].1 < s {
                    scored[at] = scored[at - 1];
                    at -= 1;
                }
                scored[at] = (k, s);
            }
        }
        js.clear();
        for &(k, s) in &scored {
            if s > f32::MIN {
                js.extend_from_slice(&self.members[k]);
            }
        }
        nearest(c, row, Some(js))
    }
}

/// A plain loop, no closure: closures are not compiled with the caller's AVX2.
#[inline(always)]
fn nearest_all(c: &Centroids, groups: Option<&Groups>, rows: &[&[i8]]) -> Vec<u32> {
    let mut out = Vec::with_capacity(rows.len());
    let mut js = Vec::new();
    for r in rows {
        out.push(match groups {
            Some(g) => g.nearest(c, r, &mut js),
            None => nearest(c, r, None),
        });
    }
    out
}

/// [`nearest_all`] compiled for AVX2.
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn nearest_all_avx2(c: &Centroids, groups: Option<&Groups>, rows: &[&[i8]]) -> Vec<u32> {
    nearest_all(c, groups, rows)
}

/// The nearest centroid of each row (through groups of centroids when there are many:
/// nearly always the nearest), on every core, with the widest instructions here.
pub fn assign(c: &Centroids, rows: &[&[i8]]) -> Vec<u32> {
    let groups = (c.len() >= GROUPED_FROM).then(|| Groups::new(c));
    assign_with(c, groups.as_ref(), rows)
}

fn assign_with(c: &Centroids, groups: Option<&Groups>, rows: &[&[i8]]) -> Vec<u32> {
    use rayon::prelude::*;
    rows.par_chunks(4096)
        .flat_map_iter(|chunk| {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is available, checked just above.
                return unsafe { nearest_all_avx2(c, groups, chunk) };
            }
            nearest_all(c, groups, chunk)
        })
        .collect()
}

/// Spherical k-means over `sample` (int8 rows with their scales; rows of scale 0 are
/// left out): `c` centroids, seeded with evenly spaced rows, a few rounds.
/// Deterministic. A cluster left empty keeps its centroid.
pub fn train(dim: usize, c: usize, sample: &[(&[i8], f32)]) -> Centroids {
    kmeans(dim, c, sample, true)
}

/// [`train`] scoring every centroid (for the groups themselves).
fn train_flat(dim: usize, c: usize, sample: &[(&[i8], f32)]) -> Centroids {
    kmeans(dim, c, sample, false)
}

fn kmeans(dim: usize, c: usize, sample: &[(&[i8], f32)], grouped: bool) -> Centroids {
    let rows: Vec<&(&[i8], f32)> = sample.iter().filter(|r| r.1 > 0.0).collect();
    let c = c.min(rows.len()).max(1);
    let unit = |r: &(&[i8], f32)| -> Vec<f32> { r.0.iter().map(|&x| f32::from(x) * r.1).collect() };
    let seeds: Vec<Vec<f32>> = if rows.is_empty() {
        vec![vec![0.0; dim]]
    } else {
        (0..c).map(|j| unit(rows[j * rows.len() / c])).collect()
    };
    let mut cents = Centroids::from_f32(dim, &seeds);
    let only: Vec<&[i8]> = rows.iter().map(|r| r.0).collect();
    for _ in 0..ITERATIONS {
        let groups = (grouped && cents.len() >= GROUPED_FROM).then(|| Groups::new(&cents));
        let a = assign_with(&cents, groups.as_ref(), &only);
        let mut sums = vec![vec![0f32; dim]; cents.len()];
        for (r, &j) in rows.iter().zip(&a) {
            for (s, &x) in sums[j as usize].iter_mut().zip(r.0) {
                *s += f32::from(x) * r.1;
            }
        }
        let next: Vec<Vec<f32>> = sums
            .into_iter()
            .enumerate()
            .map(|(j, mut s)| {
                let n = s.iter().map(|x| x * x).sum::<f32>().sqrt();
                if n > 0.0 {
                    s.iter_mut().for_each(|x| *x /= n);
                    s
                } else {
                    // Empty: keep the centroid it had.
                    cents
                        .row(j)
                        .iter()
                        .map(|&x| f32::from(x) * cents.scales[j])
                        .collect()
                }
            })
            .collect();
        cents = Centroids::from_f32(dim, &next);
    }
    cents
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kmeans_finds_separated_clusters() {
        // Three directions, 50 noisy rows each: every row lands with its own kind.
        let dim = 16;
        let mut data: Vec<(Vec<i8>, usize)> = Vec::new();
        for kind in 0..3 {
            for i in 0..50 {
                let mut v = vec![0i8; dim];
                v[kind * 4] = 100;
                v[(i % dim + kind) % dim] += 20;
                data.push((v, kind));
            }
        }
        let sample: Vec<(&[i8], f32)> = data.iter().map(|(v, _)| (v.as_slice(), 0.01)).collect();
        let c = train(dim, 3, &sample);
        assert_eq!(c.len(), 3);
        let rows: Vec<&[i8]> = data.iter().map(|(v, _)| v.as_slice()).collect();
        let a = assign(&c, &rows);
        for kind in 0..3 {
            let first = a[kind * 50];
            assert!(a[kind * 50..(kind + 1) * 50].iter().all(|&x| x == first));
        }
        assert_ne!(a[0], a[50]);
        assert_ne!(a[50], a[100]);
        assert_ne!(a[0], a[100]);
    }

    #[test]
    fn grouped_assignment_nearly_always_finds_the_nearest_centroid() {
        // 256 random centroids and 2,000 random rows (a fixed generator).
        let dim = 32;
        let mut x: u64 = 1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x % 255) as i64 - 127) as i8
        };
        let cents: Vec<i8> = (0..256 * dim).map(|_| next()).collect();
        let c = Centroids {
            dim,
            rows: cents,
            scales: vec![1.0; 256],
        };
        let data: Vec<Vec<i8>> = (0..2000)
            .map(|_| (0..dim).map(|_| next()).collect())
            .collect();
        let rows: Vec<&[i8]> = data.iter().map(|r| r.as_slice()).collect();
        let grouped = assign(&c, &rows);
        let exact = assign_with(&c, None, &rows);
        let same = grouped.iter().zip(&exact).filter(|(a, b)| a == b).count();
        // Random data is the hard case (no clusters): still most rows agree.
        assert!(same >= 1200, "{same} of 2000");
    }

    #[test]
    fn cluster_counts_and_probes() {
        assert_eq!(clusters_for(ANN_MIN), 64);
        assert_eq!(clusters_for(1_455_687), 512);
        assert_eq!(clusters_for(50_000_000), 1024);
        assert_eq!(probes(512), 128);
        assert_eq!(probes(64), 16);
        assert_eq!(probes(16), 8);
    }
}
