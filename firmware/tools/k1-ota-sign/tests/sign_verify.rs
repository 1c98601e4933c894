//! The signing tool against the device's check: a signed image verifies; any change to the
//! image, the signature or the length, or another key, is refused with the code the device's
//! API would reply with. Also runs the binary end to end (keygen → sign → verify → tamper).

use std::process::Command;

use k1_ota_sign::{
    Error, generate_key, parse_public, parse_secret, public_hex, secret_text, sign, verify,
};

/// A plausible app image: the ESP-IDF magic byte and a header, then varied bytes.
fn image(len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    v[0] = 0xE9;
    v
}

#[test]
fn signed_image_verifies_and_any_tampering_is_refused() {
    let key = generate_key().unwrap();
    let public = key.verifying_key();
    let img = image(200_003);
    let body = sign(&key, &img).unwrap();
    assert_eq!(body.len(), img.len() + 64);
    assert_eq!(verify(&public, &body), Ok(img.len()));

    for at in [1, 1000, img.len() - 1] {
        let mut bad = body.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            verify(&public, &bad),
            Err(Error::Refused("bad_signature")),
            "image byte {at}"
        );
    }
    let mut bad = body.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0x80;
    assert_eq!(
        verify(&public, &bad),
        Err(Error::Refused("bad_signature")),
        "signature bit"
    );
    assert_eq!(
        verify(&public, &body[..body.len() - 1]),
        Err(Error::Refused("bad_signature"))
    );
    let other = generate_key().unwrap().verifying_key();
    assert_eq!(
        verify(&other, &body),
        Err(Error::Refused("bad_signature")),
        "another key"
    );
    let mut not_image = body.clone();
    not_image[0] = 0x00;
    assert_eq!(
        verify(&public, &not_image),
        Err(Error::Refused("not_an_image"))
    );
    assert_eq!(
        verify(&public, &body[..40]),
        Err(Error::Refused("bad_length"))
    );
}

#[test]
fn keys_round_trip_and_bad_input_is_refused() {
    let key = generate_key().unwrap();
    let again = parse_secret(&format!("  {}", secret_text(&key))).unwrap();
    assert_eq!(again.to_bytes(), key.to_bytes());
    assert_eq!(
        parse_public(&public_hex(&key)).unwrap(),
        key.verifying_key()
    );
    assert!(matches!(parse_secret("abc"), Err(Error::BadKey(_))));
    assert!(matches!(
        sign(&key, b"\x7fELF not an image"),
        Err(Error::NotAnImage(0x7f))
    ));
    assert!(matches!(sign(&key, b""), Err(Error::NotAnImage(0))));
}

#[test]
fn the_binary_signs_and_verifies_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_k1-ota-sign");
    let key_file = dir.path().join("k1-ota.key");
    let out = Command::new(bin)
        .args(["keygen", "--out"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let public = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(public.len(), 64);
    let again = Command::new(bin)
        .args(["keygen", "--out"])
        .arg(&key_file)
        .output()
        .unwrap();
    assert!(!again.status.success(), "keygen must not overwrite a key");

    let img = dir.path().join("app.bin");
    std::fs::write(&img, image(50_000)).unwrap();
    let body = dir.path().join("app.signed");
    let st = Command::new(bin)
        .args(["sign", "--key"])
        .arg(&key_file)
        .arg(&img)
        .arg("-o")
        .arg(&body)
        .status()
        .unwrap();
    assert!(st.success());
    let ok = Command::new(bin)
        .args(["verify", "--public-key", &public])
        .arg(&body)
        .status()
        .unwrap();
    assert!(ok.success());

    let mut bytes = std::fs::read(&body).unwrap();
    bytes[4242] ^= 0x10;
    std::fs::write(&body, &bytes).unwrap();
    let refused = Command::new(bin)
        .args(["verify", "--public-key", &public])
        .arg(&body)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("bad_signature"),
        "{refused:?}"
    );
}
