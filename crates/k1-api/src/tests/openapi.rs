//! The OpenAPI document against the router, both ways.

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::*;
use crate::openapi::document;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// A concrete path for a templated one.
pub fn concrete(path: &str) -> String {
    path.replace("{name}", "some-preset").replace("{id}", "1")
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_answers() {
    let doc = document();
    let paths = doc["paths"].as_object().unwrap();
    let routes: Vec<&str> = crate::routes().iter().map(|(p, _)| *p).collect();
    let mut documented: Vec<&str> = paths.keys().map(String::as_str).collect();
    let mut routed = routes.clone();
    documented.sort_unstable();
    routed.sort_unstable();
    assert_eq!(documented, routed, "the document's paths are the router's");
    let s = state();
    for (path, item) in paths {
        for m in METHODS {
            let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
            let r = call(&s, req(method, &concrete(path), "{}")).await;
            let documented = item.get(m).is_some();
            if documented {
                assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
                let codes: Vec<&String> =
                    item[m]["responses"].as_object().unwrap().keys().collect();
                assert!(
                    codes.iter().any(|c| c.as_str() == r.status.as_str()),
                    "{m} {path} answered {} which is not documented ({codes:?})",
                    r.status
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{m} {path} is not documented"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_document_is_served_and_well_formed() {
    let j = get(&state(), "/api/openapi.json").await.json();
    assert_eq!(j, document());
    assert_eq!(j["openapi"], "3.1.0");
    // Every $ref points at a schema that exists.
    let mut refs = Vec::new();
    collect_refs(&j, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            j["components"]["schemas"].get(name).is_some(),
            "dangling {r}"
        );
    }
    // The parameter schema lists exactly what GET /api/params returns.
    let params = get(&state(), "/api/params").await.json();
    let props = j["components"]["schemas"]["Params"]["properties"]
        .as_object()
        .unwrap();
    let mut a: Vec<&String> = props.keys().collect();
    let mut b: Vec<&String> = params.as_object().unwrap().keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push(x.as_str().unwrap_or("").to_string());
                } else {
                    collect_refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}
