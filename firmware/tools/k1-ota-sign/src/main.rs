//! `k1-ota-sign`: make an update key pair, sign a firmware image for `POST /api/ota`, and check
//! a signed body with the device's own code. See `firmware/README.md` ("OTA updates").

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};

/// Signed K1 firmware updates.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a new key pair: writes the secret key file (mode 0600, never overwritten) and prints
    /// the public key to build the firmware with (K1_OTA_PUBLIC_KEY).
    Keygen {
        /// Where to write the secret key.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the public key of a secret key file.
    Pubkey {
        /// The secret key file.
        #[arg(long)]
        key: PathBuf,
    },
    /// Sign an app image (from `esptool elf2image` or `espflash save-image`).
    Sign {
        /// The secret key file.
        #[arg(long)]
        key: PathBuf,
        /// The app image.
        image: PathBuf,
        /// Where to write the body to upload.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Check a signed body as the device would; exit status 1 if it would be refused.
    Verify {
        /// The public key, 64 hex digits.
        #[arg(long)]
        public_key: String,
        /// The signed body.
        body: PathBuf,
    },
}

fn run(args: Args) -> Result<()> {
    match args.command {
        Command::Keygen { out } => {
            let key = k1_ota_sign::generate_key()?;
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&out).with_context(|| {
                format!(
                    "creating {} (an existing key is never overwritten)",
                    out.display()
                )
            })?;
            file.write_all(k1_ota_sign::secret_text(&key).as_bytes())?;
            println!("{}", k1_ota_sign::public_hex(&key));
            eprintln!(
                "secret key written to {}; build the firmware with K1_OTA_PUBLIC_KEY set to the line above",
                out.display()
            );
        }
        Command::Pubkey { key } => {
            let text =
                fs::read_to_string(&key).with_context(|| format!("reading {}", key.display()))?;
            println!(
                "{}",
                k1_ota_sign::public_hex(&k1_ota_sign::parse_secret(&text)?)
            );
        }
        Command::Sign { key, image, out } => {
            let text =
                fs::read_to_string(&key).with_context(|| format!("reading {}", key.display()))?;
            let key = k1_ota_sign::parse_secret(&text)?;
            let bytes = fs::read(&image).with_context(|| format!("reading {}", image.display()))?;
            let body = k1_ota_sign::sign(&key, &bytes)?;
            k1_ota_sign::verify(&key.verifying_key(), &body)
                .context("self-check of the signed body")?;
            fs::write(&out, &body).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: {} byte image + 64 byte signature",
                out.display(),
                bytes.len()
            );
        }
        Command::Verify { public_key, body } => {
            let key = k1_ota_sign::parse_public(&public_key)?;
            let bytes = fs::read(&body).with_context(|| format!("reading {}", body.display()))?;
            match k1_ota_sign::verify(&key, &bytes) {
                Ok(n) => println!("OK: {n} byte image, signature valid for this key"),
                Err(e) => bail!(e),
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("k1-ota-sign: {e:#}");
            ExitCode::FAILURE
        }
    }
}
