//! Natural-language queries for the vector benches: the first sentences of doc comments
//! in benches/search/eval-set.json (test split), embedded with the default model.

use leindex::core::embed;

/// Every `step`-th test query, `take` of them, as unit vectors (queries the model has
/// no word of are left out).
pub fn embedded(step: usize, take: usize) -> Vec<Vec<f32>> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/search/eval-set.json");
    let set: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("eval set"))
            .expect("eval set JSON");
    let model = embed::default_model().expect("default model");
    set["test"]
        .as_array()
        .expect("test queries")
        .iter()
        .step_by(step)
        .take(take)
        .filter_map(|q| model.embed(q["query"].as_str()?))
        .collect()
}
