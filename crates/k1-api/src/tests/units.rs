//! How values read to a person, as the API gives it to the web UI: `x-display` on each global
//! parameter of the OpenAPI document and `display` on each pattern parameter.

use serde_json::json;

use super::*;

#[tokio::test]
async fn every_float_parameter_says_how_it_reads() {
    let s = state();
    let doc = get(&s, "/api/openapi.json").await.json();
    let props = &doc["components"]["schemas"]["Params"]["properties"];
    let d = &props["brightness"]["x-display"];
    assert_eq!(
        (
            d["unit"].clone(),
            d["suffix"].clone(),
            d["scale"].clone(),
            d["factor"].clone()
        ),
        (json!("percent"), json!(" %"), json!("linear"), json!(100.0)),
        "{d}"
    );
    assert_eq!(props["color"]["x-display"]["unit"], "degrees");
    let speed = &props["speed"]["x-display"];
    assert_eq!(
        (
            speed["scale"].clone(),
            speed["from"].clone(),
            speed["to"].clone()
        ),
        (json!("geometric"), json!(0.25), json!(4.0)),
        "{speed}"
    );
    assert_eq!(props["softness"]["x-display"]["unit"], "seconds");
    for (name, schema) in props.as_object().unwrap() {
        let float = schema["type"] == "number" && !name.starts_with("custom_param");
        assert_eq!(schema.get("x-display").is_some(), float, "{name}: {schema}");
    }
}

#[tokio::test]
async fn pattern_parameters_say_how_they_read() {
    let s = state();
    let list = get(&s, "/api/patterns").await.json();
    let bloom = &list["patterns"][5];
    assert_eq!(bloom["id"], "bloom");
    let decay = &bloom["custom_params"][0];
    assert_eq!(decay["display"]["unit"], "percent", "{decay}");
    let void = &list["patterns"][10]["custom_params"];
    assert_eq!(void[2]["name"], "fade");
    assert_eq!(void[2]["display"]["suffix"], " s");
}
