//! OTA tests: a simulated slot and bootloader; good image, bad signatures, malformed bodies,
//! and the boot trial ending in valid or rollback.

extern crate std;
use std::vec::Vec;

use ed25519_dalek::{Signer, SigningKey};

use super::trial::{
    BootDecision, Failure, Health, ImageState, MAX_TRIAL_BOOTS, Trial, TrialConfig, Verdict,
    on_boot,
};
use super::*;

/// An in-memory slot that behaves like NOR flash: erase sets 0xFF, writes only clear bits.
struct SimSlot {
    bytes: Vec<u8>,
    erased: u32,
    fail_at: Option<u32>,
}

#[derive(Debug, PartialEq)]
struct FlashFault;

impl SimSlot {
    fn new(capacity: usize) -> SimSlot {
        SimSlot {
            bytes: std::vec![0xA5; capacity],
            erased: 0,
            fail_at: None,
        }
    }
}

impl Slot for &mut SimSlot {
    type Error = FlashFault;
    fn capacity(&self) -> u32 {
        self.bytes.len() as u32
    }
    fn erase(&mut self, len: u32) -> Result<(), FlashFault> {
        self.bytes[..len as usize].fill(0xFF);
        self.erased = len;
        Ok(())
    }
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashFault> {
        if self.fail_at.is_some_and(|f| f < offset + data.len() as u32) {
            return Err(FlashFault);
        }
        assert!(
            offset + data.len() as u32 <= self.erased,
            "write beyond the erased area"
        );
        for (b, d) in self.bytes[offset as usize..].iter_mut().zip(data) {
            *b &= *d;
        }
        Ok(())
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn image(len: usize) -> Vec<u8> {
    let mut x = 0x1234_5678u32;
    let mut v: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    v[0] = ESP_IMAGE_MAGIC;
    v
}

fn signed(image: &[u8], key: &SigningKey) -> Vec<u8> {
    let digest: [u8; 32] = Sha256::digest(image).into();
    let sig = key.sign(&signed_message(image.len() as u32, &digest));
    [image, &sig.to_bytes()].concat()
}

fn upload(slot: &mut SimSlot, body: &[u8], chunk: usize) -> Result<(), OtaError<FlashFault>> {
    let mut up = Upload::begin(slot, key().verifying_key(), body.len() as u32)?;
    for piece in body.chunks(chunk) {
        up.feed(piece)?;
    }
    up.finish().map(|_| ())
}

#[test]
fn good_image_in_any_chunking() {
    let img = image(10_000);
    let body = signed(&img, &key());
    for chunk in [1, 7, 63, 64, 65, 1000, 4096, body.len()] {
        let mut slot = SimSlot::new(16_384);
        upload(&mut slot, &body, chunk).unwrap_or_else(|e| panic!("chunk {chunk}: {e:?}"));
        assert_eq!(&slot.bytes[..img.len()], &img[..], "chunk {chunk}");
        assert!(
            slot.bytes[img.len()..].iter().all(|&b| b == 0xA5),
            "written past the image"
        );
    }
}

#[test]
fn bad_signatures_are_refused() {
    let img = image(5_000);
    let good = signed(&img, &key());
    let mut flipped_sig = good.clone();
    *flipped_sig.last_mut().unwrap() ^= 1;
    let mut flipped_image = good.clone();
    flipped_image[2_000] ^= 0x80;
    let other_key = signed(&img, &SigningKey::from_bytes(&[8u8; 32]));
    // The right signature of a different length of the same bytes.
    let short = [&img[..4_000], &good[5_000..]].concat();
    for (name, body) in [
        ("signature bit", flipped_sig),
        ("image bit", flipped_image),
        ("other key", other_key),
        ("other length", short),
    ] {
        let mut slot = SimSlot::new(8_192);
        assert_eq!(
            upload(&mut slot, &body, 512),
            Err(OtaError::BadSignature),
            "{name}"
        );
    }
}

#[test]
fn malformed_bodies_are_refused() {
    let key = key().verifying_key();
    let mut slot = SimSlot::new(1_024);
    assert!(matches!(
        Upload::begin(&mut slot, key, 40),
        Err(OtaError::BadLength { .. })
    ));
    assert!(matches!(
        Upload::begin(&mut slot, key, 2_000),
        Err(OtaError::BadLength { .. })
    ));

    let body = signed(&image(500), &super::tests::key());
    let mut up = Upload::begin(&mut slot, key, body.len() as u32).unwrap();
    up.feed(&body[..300]).unwrap();
    assert_eq!(
        up.finish().map(|_| ()),
        Err(OtaError::Truncated {
            received: 300,
            expected: body.len() as u32
        })
    );
    let mut up = Upload::begin(&mut slot, key, body.len() as u32).unwrap();
    up.feed(&body).unwrap();
    assert_eq!(up.feed(&[0]), Err(OtaError::TooLong));

    let mut not_esp = body.clone();
    not_esp[0] = 0x7F;
    assert_eq!(upload(&mut slot, &not_esp, 100), Err(OtaError::NotAnImage));

    slot.fail_at = Some(200);
    assert_eq!(
        upload(&mut slot, &body, 100),
        Err(OtaError::Flash(FlashFault))
    );
}

/// The bootloader's view: two slots with a state each and the selected one.
struct Bootloader {
    selected: usize,
    states: [ImageState; 2],
    /// Trial boots, as the settings store keeps them.
    trial_boots: u8,
}

impl Bootloader {
    /// What a verified upload does: select the other slot as `New`.
    fn activate_other(&mut self) {
        self.selected ^= 1;
        self.states[self.selected] = ImageState::New;
        self.trial_boots = 0;
    }

    /// A boot as the ESP-IDF bootloader with rollback does it; returns the app's decision.
    fn boot(&mut self) -> BootDecision {
        match self.states[self.selected] {
            ImageState::New => self.states[self.selected] = ImageState::PendingVerify,
            ImageState::PendingVerify => {
                self.states[self.selected] = ImageState::Aborted;
                self.selected ^= 1;
            }
            _ => {}
        }
        let d = on_boot(self.states[self.selected], self.trial_boots);
        match d {
            BootDecision::Trial { boots } => self.trial_boots = boots,
            BootDecision::Rollback => self.rollback(),
            BootDecision::Normal => {}
        }
        d
    }

    fn rollback(&mut self) {
        self.states[self.selected] = ImageState::Invalid;
        self.selected ^= 1;
        self.trial_boots = 0;
    }
}

const HEALTHY: Health = Health {
    fps: 200.0,
    hops_per_s: 200.0,
    deadline_misses: 0,
};

/// Runs a trial with one sample a second; `health(t)` gives the sample at second `t`.
fn run_trial(health: impl Fn(u64) -> Health) -> Verdict {
    let mut t = Trial::new(TrialConfig::DEFAULT, 0);
    for s in 1..=600u64 {
        match t.sample(health(s), s * 1000) {
            Verdict::Pending => {}
            v => return v,
        }
    }
    Verdict::Pending
}

#[test]
fn healthy_new_image_is_kept() {
    let mut boot = Bootloader {
        selected: 0,
        states: [ImageState::Valid, ImageState::Undefined],
        trial_boots: 0,
    };
    let mut slot = SimSlot::new(8_192);
    upload(&mut slot, &signed(&image(3_000), &key()), 700).unwrap();
    boot.activate_other();
    assert_eq!(boot.boot(), BootDecision::Trial { boots: 1 });
    assert_eq!(run_trial(|_| HEALTHY), Verdict::Valid);
    boot.states[boot.selected] = ImageState::Valid;
    assert_eq!((boot.selected, boot.boot()), (1, BootDecision::Normal));
}

#[test]
fn bad_signature_never_becomes_bootable() {
    let mut boot = Bootloader {
        selected: 0,
        states: [ImageState::Valid, ImageState::Undefined],
        trial_boots: 0,
    };
    let mut body = signed(&image(3_000), &key());
    body[10] ^= 4;
    let mut slot = SimSlot::new(8_192);
    if upload(&mut slot, &body, 256).is_ok() {
        boot.activate_other();
    }
    assert_eq!((boot.selected, boot.boot()), (0, BootDecision::Normal));
}

#[test]
fn unhealthy_image_rolls_back() {
    // Audio dead: no hops.
    let dead_audio = run_trial(|_| Health {
        hops_per_s: 0.0,
        ..HEALTHY
    });
    assert_eq!(dead_audio, Verdict::Rollback(Failure::Timeout));
    // Deadline misses every 50 s never give 60 s of health.
    let misses = run_trial(|s| Health {
        deadline_misses: (s % 50 == 0) as u32,
        ..HEALTHY
    });
    assert_eq!(misses, Verdict::Rollback(Failure::Timeout));
    // A slow start that recovers in time is kept.
    let slow_start = run_trial(|s| Health {
        fps: if s < 60 { 20.0 } else { 200.0 },
        ..HEALTHY
    });
    assert_eq!(slow_start, Verdict::Valid);

    let mut boot = Bootloader {
        selected: 0,
        states: [ImageState::Valid, ImageState::Undefined],
        trial_boots: 0,
    };
    boot.activate_other();
    assert!(matches!(boot.boot(), BootDecision::Trial { .. }));
    if let Verdict::Rollback(_) = dead_audio {
        boot.rollback();
    }
    assert_eq!((boot.selected, boot.states[1]), (0, ImageState::Invalid));
    assert_eq!(boot.boot(), BootDecision::Normal);
}

#[test]
fn crash_looping_image_rolls_back_even_without_bootloader_rollback() {
    // A bootloader without rollback leaves the state at New on every boot.
    let mut state = ImageState::New;
    let mut boots = 0u8;
    let mut decisions = Vec::new();
    for _ in 0..=MAX_TRIAL_BOOTS {
        let d = on_boot(state, boots);
        if let BootDecision::Trial { boots: b } = d {
            boots = b;
        }
        decisions.push(d);
        if d == BootDecision::Rollback {
            state = ImageState::Invalid;
        }
    }
    assert_eq!(
        decisions,
        [
            BootDecision::Trial { boots: 1 },
            BootDecision::Trial { boots: 2 },
            BootDecision::Trial { boots: 3 },
            BootDecision::Rollback
        ]
    );
    assert_eq!(on_boot(state, boots), BootDecision::Normal);
}
