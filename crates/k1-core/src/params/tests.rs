//! Tests of the parameter struct, its validation and access by name.

use super::*;

const STYLE: CustomParam = CustomParam {
    name: "style",
    description: "",
    slot: 0,
    min: 0.0,
    max: 2.0,
    labels: &["trail", "ripples", "stream"],
    display: Display::NUMBER,
};
const THRESHOLD: CustomParam = CustomParam {
    name: "threshold",
    description: "",
    slot: 1,
    min: 0.1,
    max: 0.9,
    labels: &[],
    display: Display::PERCENT,
};
static CUSTOM: [CustomParam; 2] = [STYLE, THRESHOLD];

#[test]
fn defaults_match_the_table_and_validate() {
    let p = Params::DEFAULT;
    assert_eq!(p.validate(), Ok(()));
    for info in GLOBAL.iter() {
        let got = p.get(info.name, &[]).unwrap();
        match info.kind {
            ParamKind::Float { default, .. } => assert_eq!(got, Value::Number(default)),
            ParamKind::Bool { default } => assert_eq!(got, Value::Bool(default)),
            ParamKind::Palette => assert_eq!(got, Value::Number(0.0)),
            ParamKind::Custom(_) => assert_eq!(got, Value::Number(0.5)),
        }
    }
    assert_eq!(core::mem::size_of::<Params>(), 52);
}

#[test]
fn validation_names_the_field() {
    let mut p = Params::DEFAULT;
    p.saturation = 1.5;
    let err = p.validate().unwrap_err();
    assert_eq!(err.field(), "saturation");
    p.saturation = f32::NAN;
    assert_eq!(
        p.validate(),
        Err(ParamError::NotFinite {
            field: "saturation"
        })
    );
    let mut p = Params::DEFAULT;
    p.mirror = 7;
    assert_eq!(p.validate().unwrap_err().field(), "mirror");
    let mut p = Params::DEFAULT;
    p.palette = 33;
    assert_eq!(p.validate().unwrap_err().field(), "palette");
    p.palette = PALETTE_NONE;
    assert_eq!(p.validate(), Ok(()));
    let mut p = Params::DEFAULT;
    p.custom[2] = -0.1;
    assert_eq!(p.validate().unwrap_err().field(), "custom_param_3");
}

#[test]
fn sanitized_is_always_valid() {
    let mut p = Params::DEFAULT;
    p.brightness = f32::INFINITY;
    p.speed = -3.0;
    p.color = 9.0;
    p.custom = [f32::NAN, 2.0, -1.0];
    p.dithering = 200;
    p.palette = 99;
    p.reserved = [1, 2, 3];
    let s = p.sanitized();
    assert_eq!(s.validate(), Ok(()));
    assert_eq!(s.brightness, 1.0);
    assert_eq!(s.speed, 0.0);
    assert_eq!(s.color, 1.0);
    assert_eq!(s.custom, [0.5, 1.0, 0.0]);
    assert!(s.dithering());
    assert_eq!(s.palette_index(), None);
}

#[test]
fn set_from_text() {
    let mut p = Params::DEFAULT;
    p.set("brightness", "0.4", &[]).unwrap();
    assert_eq!(p.brightness, 0.4);
    p.set("mirror", "off", &[]).unwrap();
    assert!(!p.mirror());
    p.set("dithering", "FALSE", &[]).unwrap();
    assert!(!p.dithering());
    p.set("palette", "lava", &[]).unwrap();
    assert_eq!(p.palette_index(), Some(23));
    p.set("palette", "Blue Cyan Yellow", &[]).unwrap();
    assert_eq!(p.palette_index(), Some(32));
    p.set("palette", "5", &[]).unwrap();
    assert_eq!(p.palette_index(), Some(5));
    p.set("palette", "none", &[]).unwrap();
    assert_eq!(p.palette_index(), None);
    p.set("custom_param_2", "0.25", &[]).unwrap();
    assert_eq!(p.custom[1], 0.25);
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn set_rejects_with_the_field_and_changes_nothing() {
    let mut p = Params::DEFAULT;
    let cases: [(&str, &str, &str); 8] = [
        ("brightness", "1.5", "brightness"),
        ("brightness", "bright", "brightness"),
        ("softness", "NaN", "softness"),
        ("mirror", "maybe", "mirror"),
        ("palette", "33", "palette"),
        ("palette", "plaid", "palette"),
        ("custom_param_1", "2", "custom_param_1"),
        ("glitter", "1", "glitter"),
    ];
    for (name, value, field) in cases {
        let err = p.set(name, value, &[]).unwrap_err();
        assert_eq!(err.field(), field, "{name}={value}");
    }
    assert_eq!(p, Params::DEFAULT);
}

#[test]
fn custom_parameters_by_their_own_names() {
    let mut p = Params::DEFAULT;
    p.set("style", "stream", &CUSTOM).unwrap();
    assert_eq!(STYLE.choice(&p), 2);
    assert_eq!(p.get("style", &CUSTOM), Some(Value::Text("stream")));
    p.set("style", "0", &CUSTOM).unwrap();
    assert_eq!(STYLE.choice(&p), 0);
    p.set("threshold", "0.7", &CUSTOM).unwrap();
    assert!((THRESHOLD.value(&p) - 0.7).abs() < 1e-6);
    assert_eq!(
        p.set("style", "sparkle", &CUSTOM).unwrap_err().field(),
        "style"
    );
    assert_eq!(
        p.set("threshold", "0.95", &CUSTOM).unwrap_err().field(),
        "threshold"
    );
    // Without the pattern's table, its names are unknown.
    assert!(matches!(
        p.set("style", "trail", &[]),
        Err(ParamError::UnknownName { .. })
    ));
}

#[test]
fn typed_values() {
    let mut p = Params::DEFAULT;
    p.set_value("mirror", Value::Bool(false), &[]).unwrap();
    p.set_value("speed", Value::Number(0.9), &[]).unwrap();
    p.set_value("palette", Value::Number(3.0), &[]).unwrap();
    assert_eq!(
        p.set_value("palette", Value::Number(2.5), &[])
            .unwrap_err()
            .field(),
        "palette"
    );
    assert_eq!(
        p.set_value("speed", Value::Bool(true), &[])
            .unwrap_err()
            .field(),
        "speed"
    );
    assert!(!p.mirror());
    assert_eq!(p.speed, 0.9);
    assert_eq!(p.palette_index(), Some(3));
}

#[cfg(test)]
mod messages {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn messages_list_the_valid_choices() {
        let mut p = Params::DEFAULT;
        let msg = p.set("glitter", "1", &CUSTOM).unwrap_err().to_string();
        assert!(msg.contains("'glitter'"), "{msg}");
        for name in [
            "brightness",
            "dithering",
            "style",
            "threshold",
            "custom_param_3",
        ] {
            assert!(msg.contains(name), "{msg}");
        }
        let msg = p.set("palette", "plaid", &[]).unwrap_err().to_string();
        assert!(
            msg.contains("sunset_real") && msg.contains("blue_cyan_yellow"),
            "{msg}"
        );
        let msg = p.set("style", "x", &CUSTOM).unwrap_err().to_string();
        assert!(msg.contains("trail, ripples, stream"), "{msg}");
        let msg = p.set("speed", "2", &[]).unwrap_err().to_string();
        assert_eq!(msg, "speed must be between 0 and 1, got 2");
    }

    #[test]
    fn long_unknown_names_are_cut_safely() {
        let mut p = Params::DEFAULT;
        let long = "é".repeat(40);
        let err = p.set(&long, "1", &[]).unwrap_err();
        assert!(err.field().len() <= Name::CAPACITY);
        assert!(long.starts_with(err.field()));
    }
}
