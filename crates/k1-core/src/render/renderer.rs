//! [`Renderer`]: the running pattern, crossfades between patterns, the background glow, the
//! screensaver and standby, and the mirroring onto the strip.
//!
//! Per frame, in order: the current pattern draws its line (and the outgoing one, during a
//! crossfade); the two are blended; the background glow fills in under it; the screensaver and
//! standby blend in when active; the line is spread over the strip (mirrored or not).

use super::Rgb;
use super::colors::Colors;
use super::gradient::Gradient;
use super::idle::{self, IdleClock};
use super::layout::{Layout, expand, line_len};
use super::ops::{level, mix, mul, smoothstep, unit};
use super::pattern::{Context, Pattern};
use super::patterns::{AnyPattern, PatternId};
use crate::Snapshot;
use crate::palettes::{PALETTES, PaletteLut};
use crate::params::Params;

/// Default crossfade between patterns (seconds).
pub const DEFAULT_FADE_SECONDS: f32 = 0.5;
/// Silence after which an audio-reactive pattern gives way to the screensaver (seconds).
pub const SCREENSAVER_AFTER: f32 = 5.0;
/// The background glow at `background = 1`.
pub const MAX_BACKGROUND: f32 = 0.25;
/// The longest frame period honoured; a longer gap counts as this.
pub const MAX_DT: f32 = 0.25;

/// Turns snapshots into frames, for up to `N` LEDs. Holds three pattern states (current,
/// outgoing, and the palette table), three lines (its two and the colour [`Gradient`]) and a
/// few clocks: 23,392 bytes for `N = 320`; nothing allocates. On a host with `N = MAX_LEDS`
/// that is about 250 KB: box it.
#[derive(Clone, Debug)]
pub struct Renderer<const N: usize> {
    layout: Layout,
    id: PatternId,
    current: AnyPattern<N>,
    outgoing: Option<AnyPattern<N>>,
    fade: f32,
    fade_seconds: f32,
    line: [Rgb; N],
    other: [Rgb; N],
    lut: PaletteLut,
    lut_index: usize,
    gradient: Gradient<N>,
    drift: f32,
    silent_for: f32,
    saver: f32,
    standby: bool,
    standby_level: f32,
    clock: IdleClock,
}

impl<const N: usize> Renderer<N> {
    /// A renderer for `layout` (its LED count is capped at `N`) showing `pattern`.
    pub fn new(layout: Layout, pattern: PatternId) -> Self {
        Renderer {
            layout,
            id: pattern,
            current: AnyPattern::new(pattern),
            outgoing: None,
            fade: 1.0,
            fade_seconds: DEFAULT_FADE_SECONDS,
            line: [Rgb::BLACK; N],
            other: [Rgb::BLACK; N],
            lut: PaletteLut::new(&PALETTES[0]),
            lut_index: 0,
            gradient: Gradient::new(),
            drift: 0.0,
            silent_for: 0.0,
            saver: 0.0,
            standby: false,
            standby_level: 0.0,
            clock: IdleClock::default(),
        }
    }

    /// The pattern showing (or fading in).
    pub fn pattern(&self) -> PatternId {
        self.id
    }

    /// The layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Switches to `pattern` with a crossfade. Choosing the current pattern again does nothing;
    /// switching during a crossfade starts a new one from the pattern that was fading in.
    pub fn set_pattern(&mut self, pattern: PatternId) {
        if pattern == self.id {
            return;
        }
        let incoming = AnyPattern::new(pattern);
        self.outgoing = Some(core::mem::replace(&mut self.current, incoming));
        self.id = pattern;
        self.fade = if self.fade_seconds > 0.0 { 0.0 } else { 1.0 };
    }

    /// Sets the crossfade length (0..=10 s; 0 switches at once).
    pub fn set_fade_seconds(&mut self, seconds: f32) {
        self.fade_seconds = if seconds.is_nan() {
            DEFAULT_FADE_SECONDS
        } else {
            seconds.clamp(0.0, 10.0)
        };
    }

    /// Enters or leaves standby (dark, with a slow breath), fading over a second.
    pub fn set_standby(&mut self, standby: bool) {
        self.standby = standby;
    }

    /// Whether standby is on.
    pub fn standby(&self) -> bool {
        self.standby
    }

    /// How far the screensaver has taken over (0 = not at all, 1 = fully).
    pub fn screensaver_level(&self) -> f32 {
        self.saver
    }

    /// Replaces the layout (a new LED count or segments). Pattern state restarts.
    pub fn set_layout(&mut self, layout: Layout) {
        self.layout = layout;
        self.current = AnyPattern::new(self.id);
        self.outgoing = None;
        self.fade = 1.0;
    }

    /// Renders one frame into `frame` (`min(frame.len(), layout LEDs, N)` LEDs are written; any
    /// rest is set black). `dt` is the time since the previous frame in seconds (clamped to
    /// 0..=0.25; NaN is 0). Parameters are sanitised here, so any values are safe.
    pub fn render(&mut self, snapshot: &Snapshot, params: &Params, dt: f32, frame: &mut [Rgb]) {
        let dt = if dt.is_nan() {
            0.0
        } else {
            dt.clamp(0.0, MAX_DT)
        };
        let params = params.sanitized();
        let leds = frame.len().min(self.layout.leds()).min(N);
        let len = line_len(leds, params.mirror()).min(N);
        self.update_palette(&params);
        self.update_drift(snapshot, &params, dt);
        self.clock.tick(dt);
        let colors = Colors::new(&params, Some(&self.lut), self.drift);
        let colors = colors.with_line(self.gradient.update(&colors, self.lut_index, len));
        let ctx = Context {
            snapshot,
            params: &params,
            colors: &colors,
            dt,
        };
        let (Some(line), Some(other)) = (self.line.get_mut(..len), self.other.get_mut(..len))
        else {
            return;
        };

        self.current.render(&ctx, line);
        if let Some(outgoing) = self.outgoing.as_mut() {
            self.fade = if self.fade_seconds > 0.0 {
                self.fade + dt / self.fade_seconds
            } else {
                1.0
            };
            if self.fade >= 1.0 - 1e-4 {
                // Done: the new pattern alone, exactly.
                self.fade = 1.0;
                self.outgoing = None;
            } else {
                outgoing.render(&ctx, other);
                let t = smoothstep(self.fade);
                for (a, b) in line.iter_mut().zip(other.iter()) {
                    *a = mix(*b, *a, t);
                }
            }
        }

        if self.id != PatternId::SelfTest {
            add_background(&colors, params.background, line);
        }

        // Screensaver: after five seconds of silence an audio-reactive pattern fades (over a
        // second) into the idle animation; music brings it back within a third of a second.
        self.silent_for = if snapshot.silent {
            (self.silent_for + dt).min(3600.0)
        } else {
            0.0
        };
        let wants_saver = self.id.info().audio_reactive && self.silent_for >= SCREENSAVER_AFTER;
        self.saver = approach(self.saver, wants_saver, dt, 1.0, 0.3);
        if self.saver > 0.0 {
            idle::screensaver(&colors, &self.clock, other);
            let t = smoothstep(self.saver);
            for (a, b) in line.iter_mut().zip(other.iter()) {
                *a = mix(*a, *b, t);
            }
        }

        self.standby_level = approach(self.standby_level, self.standby, dt, 1.0, 1.0);
        if self.standby_level > 0.0 {
            idle::breath(&colors, &self.clock, other);
            let t = smoothstep(self.standby_level);
            for (a, b) in line.iter_mut().zip(other.iter()) {
                *a = mix(*a, *b, t);
            }
        }

        let (lit, rest) = frame.split_at_mut(leds.min(frame.len()));
        expand(line, params.mirror(), lit);
        rest.fill(Rgb::BLACK);
    }

    fn update_palette(&mut self, params: &Params) {
        if let Some(i) = params.palette_index()
            && i != self.lut_index
            && let Some(p) = PALETTES.get(i)
        {
            self.lut = PaletteLut::new(p);
            self.lut_index = i;
        }
    }

    fn update_drift(&mut self, snapshot: &Snapshot, params: &Params, dt: f32) {
        if params.auto_color_cycle() && !snapshot.silent {
            // A tenth of a turn per second at a novelty of 1.
            let novelty = if snapshot.novelty.is_finite() {
                snapshot.novelty.clamp(0.0, 4.0)
            } else {
                0.0
            };
            self.drift = (self.drift + 0.1 * novelty * dt) % 1.0;
        }
    }
}

/// The background glow: the colour gradient at `background · 25 %`, showing where the pattern
/// is dark and fading out where it is bright.
fn add_background(colors: &Colors<'_>, background: f32, line: &mut [Rgb]) {
    let k = unit(background) * MAX_BACKGROUND;
    if k <= 0.0 {
        return;
    }
    let n = line.len();
    for (i, led) in line.iter_mut().enumerate() {
        let room = (1.0 - level(*led)).max(0.0);
        let glow = mul(colors.along(i, n), k * room);
        led.r += glow.r;
        led.g += glow.g;
        led.b += glow.b;
    }
}

/// Moves `level` toward 1 (if `on`) or 0, taking `rise` or `fall` seconds for the whole way.
fn approach(level: f32, on: bool, dt: f32, rise: f32, fall: f32) -> f32 {
    if on {
        (level + dt / rise).min(1.0)
    } else {
        (level - dt / fall).max(0.0)
    }
}
