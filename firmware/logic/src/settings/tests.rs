//! Settings tests: the record codec, and the store on a simulated NOR flash that loses power
//! at every possible byte of a save (and in the middle of an erase).

extern crate std;
use std::vec::Vec;

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash,
};
use k1_core::params::Params;
use k1_core::render::PatternId;

use super::{Settings, Store, StoreError};
use crate::credentials::Credentials;
use crate::mic::{MicFormat, Slot};

const SECTOR: usize = 4096;

/// NOR flash in RAM: erase sets a sector to 0xFF, a write can only clear bits. After `budget`
/// bytes have been programmed or erased, power is gone: the write in progress stops part-way
/// and every later operation fails, until [`SimFlash::power_on`].
struct SimFlash {
    mem: Vec<u8>,
    budget: Option<usize>,
    erases: Vec<u32>,
    /// Power is gone: every operation fails.
    dead: bool,
}

#[derive(Debug, PartialEq)]
struct PowerLost;

impl NorFlashError for PowerLost {
    fn kind(&self) -> NorFlashErrorKind {
        NorFlashErrorKind::Other
    }
}

impl SimFlash {
    fn new(sectors: usize) -> SimFlash {
        SimFlash {
            mem: std::vec![0xFF; sectors * SECTOR],
            budget: None,
            erases: std::vec![0; sectors],
            dead: false,
        }
    }

    fn power_on(&mut self) {
        self.budget = None;
        self.dead = false;
    }

    /// Spends `n` bytes of the budget; returns how many happen before the power goes.
    fn spend(&mut self, n: usize) -> usize {
        if self.dead {
            return 0;
        }
        match &mut self.budget {
            None => n,
            Some(b) => {
                let ok = n.min(*b);
                *b -= ok;
                self.dead = ok < n;
                ok
            }
        }
    }
}

impl ErrorType for &mut SimFlash {
    type Error = PowerLost;
}

impl ReadNorFlash for &mut SimFlash {
    const READ_SIZE: usize = 1;
    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), PowerLost> {
        if self.dead {
            return Err(PowerLost);
        }
        bytes.copy_from_slice(&self.mem[offset as usize..offset as usize + bytes.len()]);
        Ok(())
    }
    fn capacity(&self) -> usize {
        self.mem.len()
    }
}

impl NorFlash for &mut SimFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = SECTOR;
    fn erase(&mut self, from: u32, to: u32) -> Result<(), PowerLost> {
        assert!((from as usize).is_multiple_of(SECTOR) && (to as usize).is_multiple_of(SECTOR));
        let n = (to - from) as usize;
        let ok = self.spend(n);
        // An interrupted erase leaves the first part erased and the rest as it was.
        self.mem[from as usize..from as usize + ok].fill(0xFF);
        if ok < n {
            return Err(PowerLost);
        }
        self.erases[from as usize / SECTOR] += 1;
        Ok(())
    }
    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), PowerLost> {
        assert!(
            offset.is_multiple_of(4) && bytes.len().is_multiple_of(4),
            "unaligned write"
        );
        let ok = self.spend(bytes.len());
        for (m, b) in self.mem[offset as usize..].iter_mut().zip(&bytes[..ok]) {
            *m &= *b;
        }
        if ok < bytes.len() {
            return Err(PowerLost);
        }
        Ok(())
    }
}

fn settings(n: u32) -> Settings {
    let mut s = Settings::default();
    s.params.brightness = (n % 100) as f32 / 100.0;
    s.params.palette = (n % 33) as u8;
    s.pattern = PatternId::ALL[n as usize % PatternId::ALL.len()];
    s.wifi = Some(Credentials::new("home network", "correct horse battery").unwrap());
    s.trial_boots = (n % 4) as u8;
    s.mic = MicFormat {
        slot: if n.is_multiple_of(2) {
            Slot::Left
        } else {
            Slot::Right
        },
        late_bit: n.is_multiple_of(3),
    };
    s
}

#[test]
fn codec_round_trips_and_ignores_junk() {
    let mut s = settings(7);
    s.params.softness = 0.123_456_79;
    s.params.mirror = 0;
    let mut buf = [0u8; super::MAX_ENCODED];
    let n = s.encode(&mut buf).unwrap();
    assert_eq!(Settings::decode(&buf[..n]), s);
    // Unknown tags, unknown parameters and bad values are skipped; the rest loads.
    let mut junk = Vec::from(&[9u8, 2, b'x', b'y'][..]);
    junk.extend_from_slice(&[1, 11]);
    junk.extend_from_slice(b"speed=fast!");
    junk.extend_from_slice(&[1, 7]);
    junk.extend_from_slice(b"nope=1 ");
    junk.extend_from_slice(&buf[..n]);
    junk.extend_from_slice(&[1, 200, 1]);
    assert_eq!(Settings::decode(&junk), s);
    assert_eq!(Settings::decode(&[]), Settings::default());
    assert_eq!(Settings::decode(&[1, 9, b'b']).params, Params::DEFAULT);
}

#[test]
fn the_microphone_setting_round_trips_and_an_old_record_keeps_the_default() {
    for slot in [Slot::Left, Slot::Right] {
        for late_bit in [false, true] {
            let s = Settings {
                mic: MicFormat { slot, late_bit },
                ..Settings::default()
            };
            let mut buf = [0u8; super::MAX_ENCODED];
            let n = s.encode(&mut buf).unwrap();
            assert_eq!(Settings::decode(&buf[..n]).mic, s.mic);
        }
    }
    // A record from before the setting (no tags 6 and 7), and one with a slot this firmware
    // does not know: the K1 default.
    assert_eq!(Settings::decode(&[5, 1, 0]).mic, MicFormat::DEFAULT);
    assert_eq!(
        Settings::decode(&[6, 4, b'm', b'o', b'n', b'o']).mic,
        MicFormat::DEFAULT
    );
    assert_eq!(
        Settings::decode(&[6, 5, b'r', b'i', b'g', b'h', b't', 7, 1, 1]).mic,
        MicFormat {
            slot: Slot::Right,
            late_bit: true
        }
    );
}

#[test]
fn empty_partition_loads_nothing_then_saves() {
    let mut flash = SimFlash::new(4);
    let mut store = Store::open(&mut flash).unwrap();
    assert_eq!(store.load().unwrap(), None);
    store.save(&settings(1)).unwrap();
    assert_eq!(store.load().unwrap(), Some(settings(1)));
    let mut store = Store::open(store.into_inner()).unwrap();
    assert_eq!(store.load().unwrap(), Some(settings(1)));
}

#[test]
fn rejects_bad_geometry() {
    let mut one = SimFlash::new(1);
    assert!(matches!(Store::open(&mut one), Err(StoreError::Geometry)));
}

#[test]
fn wear_is_spread_over_every_sector() {
    let mut flash = SimFlash::new(4);
    let mut store = Store::open(&mut flash).unwrap();
    for n in 0..2000 {
        store.save(&settings(n)).unwrap();
    }
    assert_eq!(store.load().unwrap(), Some(settings(1999)));
    let _ = store.into_inner();
    let (min, max) = (
        flash.erases.iter().min().unwrap(),
        flash.erases.iter().max().unwrap(),
    );
    assert!(*max - *min <= 1, "uneven wear: {:?}", flash.erases);
    // A record is about 450 bytes: 9 per sector, so 2000 saves erase about 220 sectors, not 2000.
    let total: u32 = flash.erases.iter().sum();
    assert!(
        (150..=300).contains(&total),
        "{total} erases for 2000 saves"
    );
}

/// Power fails at every byte of a save, at several fill levels of the log (so the cut lands in
/// headers, payloads, commit words and sector erases). After power returns the store must load
/// either the old or the new settings, never anything else, and must save again cleanly.
#[test]
fn power_loss_at_any_byte_of_a_save_keeps_old_or_new() {
    for before in [0u32, 1, 8, 9, 17, 35] {
        // Build a log with `before` saves, then measure how many bytes the next save programs.
        let mut base = SimFlash::new(4);
        {
            let mut store = Store::open(&mut base).unwrap();
            for n in 0..before {
                store.save(&settings(n)).unwrap();
            }
        }
        let old = before.checked_sub(1).map(settings);
        let new = settings(1000 + before);
        let mut probe = SimFlash {
            mem: base.mem.clone(),
            budget: Some(usize::MAX),
            erases: base.erases.clone(),
            dead: false,
        };
        Store::open(&mut probe).unwrap().save(&new).unwrap();
        let cost = usize::MAX - probe.budget.unwrap();
        assert!(cost > 0);

        let mut outcomes = [0usize; 2];
        for cut in 0..cost {
            let mut flash = SimFlash {
                mem: base.mem.clone(),
                budget: Some(cut),
                erases: base.erases.clone(),
                dead: false,
            };
            {
                let mut store = Store::open(&mut flash).unwrap();
                assert!(
                    store.save(&new).is_err(),
                    "cut {cut} of {cost}: the save must fail"
                );
            }
            flash.power_on();
            let mut store = Store::open(&mut flash).unwrap();
            let got = store.load().unwrap();
            if got == old {
                outcomes[0] += 1;
            } else if got.as_ref() == Some(&new) {
                outcomes[1] += 1;
            } else {
                panic!("before {before}, cut {cut}/{cost}: loaded {got:?}");
            }
            // And the log still works after the torn write.
            let next = settings(5000 + cut as u32);
            store
                .save(&next)
                .unwrap_or_else(|e| panic!("before {before}, cut {cut}: {e:?}"));
            let mut store = Store::open(store.into_inner()).unwrap();
            assert_eq!(
                store.load().unwrap(),
                Some(next),
                "before {before}, cut {cut}"
            );
        }
        // Every cut before the commit word keeps the old settings.
        assert!(
            outcomes[0] >= cost - 4,
            "before {before}: {outcomes:?} of {cost}"
        );
    }
}
