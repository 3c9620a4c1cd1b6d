//! The claims on the lab's page: every verdict of `trajectories --all` comes with a scenario
//! the page's controls can load, one setting per optimizer.

use serde_json::Value;

use lab::web::claims::claims_json;

#[test]
fn every_claim_has_a_scenario_the_page_can_load() {
    let claims: Value = serde_json::from_str(&claims_json().unwrap()).unwrap();
    let claims = claims.as_array().unwrap();
    assert!(claims.len() >= 16, "{} claims", claims.len());
    for c in claims {
        assert!(c["function"].is_string(), "no scenario for {}", c["claim"]);
        let runs = c["runs"].as_array().unwrap();
        let mut names: Vec<&str> = runs
            .iter()
            .map(|r| r["optimizer"].as_str().unwrap())
            .collect();
        assert!(!names.is_empty());
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(
            names.len(),
            before,
            "one setting per optimizer in {}",
            c["claim"]
        );
    }
}
