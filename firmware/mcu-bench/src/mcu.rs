//! Bare-metal entry for the Cortex-M4F (cortex-m-rt turns the FPU on for `eabihf` targets): runs,
//! prints over semihosting and ends QEMU with the run's status.

use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprint, hprintln};

use crate::run;

#[entry]
fn main() -> ! {
    match run::run() {
        Ok(summary) => {
            hprint!("{}", summary);
            debug::exit(debug::EXIT_SUCCESS);
        }
        Err(e) => {
            hprintln!("k1-mcu-bench: {}", e);
            debug::exit(debug::EXIT_FAILURE);
        }
    }
    // `exit` returns only when no debugger or QEMU is listening.
    loop {
        cortex_m::asm::wfi();
    }
}

/// A panic prints its message over semihosting and fails the run, so CI sees it.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("k1-mcu-bench: panic: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
